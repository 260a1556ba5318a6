import InferaHTTP

/// Compute Engine v1 `Address` (global): the reserved internal range private services access peers with.
/// Only the fields infera writes or reads; output-only fields are never sent.
public struct GlobalAddress: Codable, Sendable, Hashable {
    public var name: String?
    public var description: String?
    public var address: String?
    public var prefixLength: Int?
    public var addressType: String?
    public var purpose: String?
    public var network: String?
    // Output only.
    public var status: String?
    public var selfLink: String?
    public var creationTimestamp: String?

    public init(name: String? = nil, description: String? = nil, prefixLength: Int? = nil, addressType: String? = nil,
                purpose: String? = nil, network: String? = nil) {
        self.name = name
        self.description = description
        self.prefixLength = prefixLength
        self.addressType = addressType
        self.purpose = purpose
        self.network = network
    }
}

/// Service Networking v1 `Connection`: the VPC peering to Google's service producer network.
public struct PeeringConnection: Codable, Sendable, Hashable {
    public var network: String?
    public var reservedPeeringRanges: [String]?
    // Output only.
    public var peering: String?
    public var service: String?

    public init(network: String, reservedPeeringRanges: [String]) {
        self.network = network
        self.reservedPeeringRanges = reservedPeeringRanges
    }
}

/// Compute Engine's own operation shape (`status: PENDING | RUNNING | DONE`, errors as a list).
public struct ComputeOperation: Sendable, Hashable {
    public var name: String
    public var done: Bool
    /// `error.errors[]` as `code: message`.
    public var errors: [String]
    public var operationType: String?
    public var targetLink: String?

    /// Parses an operation; nil when the body is not one.
    public static func decode(_ bytes: [UInt8]) -> ComputeOperation? {
        guard let json = JSONValue.parse(bytes), let name = json["name"]?.stringValue, let status = json["status"]?.stringValue else { return nil }
        let errors = (json["error"]?["errors"]?.arrayValue ?? []).map {
            "\($0["code"]?.stringValue ?? "ERROR"): \($0["message"]?.stringValue ?? "")"
        }
        return ComputeOperation(name: name, done: status == "DONE", errors: errors, operationType: json["operationType"]?.stringValue,
                                targetLink: json["targetLink"]?.stringValue)
    }
}

/// Request builders for Compute Engine v1 global addresses and global operations.
public struct ComputeAPI: Sendable, Hashable {
    /// Base URL ending in `compute/v1/`.
    public var base: String
    public var project: String

    public init(base: String, project: String) {
        self.base = GCPEndpoints.slash(base)
        self.project = project
    }

    public func addressName(_ name: String) -> String { "projects/\(project)/global/addresses/\(name)" }
    public func get(_ name: String) -> APICall { APICall(method: .GET, url: base + addressName(name)) }
    public func insert(_ address: GlobalAddress) throws -> APICall {
        var a = address
        a.status = nil; a.selfLink = nil; a.creationTimestamp = nil
        return APICall(method: .POST, url: base + "projects/\(project)/global/addresses", body: try JSONCoding.encode(a))
    }
    public func delete(_ name: String) -> APICall { APICall(method: .DELETE, url: base + addressName(name)) }
    public func operation(_ name: String) -> APICall { APICall(method: .GET, url: base + "projects/\(project)/global/operations/\(name)") }
}

/// Request builders for Service Networking v1 `services.connections` and `operations`.
public struct ServiceNetworkingAPI: Sendable, Hashable {
    public var base: String
    public static let parent = "services/servicenetworking.googleapis.com"
    /// The one connection a network has with Google's services (`servicenetworking-googleapis-com`).
    public static let connectionName = parent + "/connections/servicenetworking-googleapis-com"

    public init(base: String) { self.base = GCPEndpoints.slash(base) }

    public func list(network: String) -> APICall {
        APICall(method: .GET, url: base + "v1/\(Self.parent)/connections?network=" + FormEncoding.escape(network))
    }
    public func create(_ c: PeeringConnection) throws -> APICall {
        APICall(method: .POST, url: base + "v1/\(Self.parent)/connections", body: try JSONCoding.encode(c))
    }
    /// `PATCH …?updateMask=reservedPeeringRanges` (never `force`: infera only adds ranges).
    public func patch(_ c: PeeringConnection) throws -> APICall {
        APICall(method: .PATCH, url: base + "v1/\(Self.connectionName)?updateMask=reservedPeeringRanges", body: try JSONCoding.encode(c))
    }
    public func deleteConnection(consumerNetwork: String) throws -> APICall {
        APICall(method: .POST, url: base + "v1/\(Self.connectionName)", body: try JSONCoding.encode(["consumerNetwork": consumerNetwork]))
    }
    /// `operations.get` for `operations/…`.
    public func operation(_ name: String) -> APICall { APICall(method: .GET, url: base + "v1/" + name) }
}

/// Private services access over REST: the reserved range (create-or-adopt) and the peering
/// connection (create, or add infera's range to the network's existing one), both long-running.
public struct PrivateServiceAccessService: Sendable {
    public let session: GCPSession
    public let compute: ComputeAPI
    public let networking: ServiceNetworkingAPI
    /// The consumer network as Service Networking names it: `projects/{project number}/global/networks/{name}`.
    public let peeringNetwork: String
    /// The network as Compute names it: `projects/{project id}/global/networks/{name}`.
    public let computeNetwork: String
    static let computeRole = "roles/compute.networkAdmin"
    static let networkingRole = "roles/servicenetworking.networksAdmin"

    public init(session: GCPSession, projectNumber: String, network: String) {
        self.session = session
        compute = ComputeAPI(base: session.endpoints.compute, project: session.project.id)
        networking = ServiceNetworkingAPI(base: session.endpoints.serviceNetworking)
        let name = String(network.split(separator: "/").last ?? Substring(network))
        computeNetwork = "projects/\(session.project.id)/global/networks/\(name)"
        peeringNetwork = "projects/\(projectNumber)/global/networks/\(name)"
    }

    /// Resolves the project number (Service Networking names networks by it) through Service Usage.
    public static func connect(_ session: GCPSession, network: String) async throws -> PrivateServiceAccessService {
        if let project = PSANames.networkProject(network), project != session.project.id {
            throw GCPError(.input, "the network \(network) belongs to project \(project); infera sets up private services access only in the deployment's project \(session.project.id)",
                           hint: "set up the range and the connection in the host project (`gcloud compute addresses create … --purpose=VPC_PEERING` and `gcloud services vpc-peerings connect`), or use connect_mode DIRECT_PEERING")
        }
        guard let number = try await RequiredServices.projectNumber(session) else {
            throw GCPError(.project, "could not learn the project number of \(session.project.id), which Service Networking needs to name the network",
                           hint: "grant the caller roles/serviceusage.serviceUsageViewer on the project (infera reads it from Service Usage), then run infera again")
        }
        return PrivateServiceAccessService(session: session, projectNumber: number, network: network)
    }

    // MARK: range

    public func address(_ name: String) async throws -> GlobalAddress? {
        let r = try await session.send(compute.get(name), "reading the reserved range \(compute.addressName(name))", accept: [404], role: Self.computeRole)
        if r.status == 404 { return nil }
        return try decode(GlobalAddress.self, r, "the reserved range \(compute.addressName(name))")
    }

    /// Starts the insert; nil when an address of that name already exists (409: adopt it).
    public func insertAddress(_ a: GlobalAddress) async throws -> ComputeOperation? {
        let r = try await session.send(try compute.insert(a), "reserving the range \(compute.addressName(a.name ?? ""))", accept: [409],
                                       repeat: .safe, role: Self.computeRole)
        if r.status == 409 { return nil }
        return try computeOperation(r)
    }

    /// Starts the delete; nil when there is nothing to delete.
    public func deleteAddress(_ name: String) async throws -> ComputeOperation? {
        let r = try await session.send(compute.delete(name), "deleting the reserved range \(compute.addressName(name))", accept: [404],
                                       role: Self.computeRole)
        if r.status == 404 { return nil }
        return try computeOperation(r)
    }

    public func computeOperationStatus(_ name: String) async throws -> ComputeOperation {
        try computeOperation(try await session.send(compute.operation(name), "reading compute operation \(name)", role: Self.computeRole))
    }

    // MARK: connection

    /// The network's connection with servicenetworking.googleapis.com, if any.
    public func connection() async throws -> PeeringConnection? {
        struct Page: Decodable { var connections: [PeeringConnection]? }
        let r = try await session.send(networking.list(network: peeringNetwork), "listing the private services connections of \(computeNetwork)",
                                       role: Self.networkingRole)
        let page = try decode(Page.self, r, "the connection list")
        return page.connections?.first { ($0.service ?? ServiceNetworkingAPI.parent) == ServiceNetworkingAPI.parent }
    }

    public func createConnection(ranges: [String]) async throws -> Operation {
        try lro(try await session.send(try networking.create(PeeringConnection(network: peeringNetwork, reservedPeeringRanges: ranges)),
                                       "connecting \(computeNetwork) to servicenetworking.googleapis.com", repeat: .safe, role: Self.networkingRole))
    }

    public func patchConnection(ranges: [String]) async throws -> Operation {
        try lro(try await session.send(try networking.patch(PeeringConnection(network: peeringNetwork, reservedPeeringRanges: ranges)),
                                       "adding the reserved range to the private services connection of \(computeNetwork)",
                                       repeat: .byMethod, role: Self.networkingRole))
    }

    /// Starts `deleteConnection`; nil when there is no connection.
    public func deleteConnection() async throws -> Operation? {
        let r = try await session.send(try networking.deleteConnection(consumerNetwork: peeringNetwork),
                                       "deleting the private services connection of \(computeNetwork)", accept: [404], repeat: .byMethod,
                                       role: Self.networkingRole)
        if r.status == 404 { return nil }
        return try lro(r)
    }

    public func operationStatus(_ name: String) async throws -> Operation {
        try lro(try await session.send(networking.operation(name), "reading operation \(name)", role: Self.networkingRole))
    }

    // MARK: decoding

    func computeOperation(_ r: HTTPResponse) throws -> ComputeOperation {
        guard let op = ComputeOperation.decode(r.body) else {
            throw GCPError(.protocolViolation, "the Compute API answered HTTP \(r.status) without an operation",
                           hint: "check CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE points at the Compute Engine API (…/compute/v1/)")
        }
        return op
    }

    func lro(_ r: HTTPResponse) throws -> Operation {
        guard let op = Operation.decode(r.body) else {
            throw GCPError(.protocolViolation, "the Service Networking API answered HTTP \(r.status) without an Operation",
                           hint: "check CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICENETWORKING points at the Service Networking API")
        }
        return op
    }

    func decode<T: Decodable>(_ t: T.Type, _ r: HTTPResponse, _ what: String) throws -> T {
        do { return try JSONCoding.decode(t, r.body) } catch {
            throw GCPError(.protocolViolation, "\(what): unexpected JSON",
                           hint: "check the endpoint overrides (CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE / _SERVICENETWORKING)")
        }
    }
}

/// Names and ownership rules for the private services access resources.
public enum PSANames {
    /// `<project_name>-redis-psa`, as in the generated Terraform.
    public static func range(_ projectName: String) -> String { "\(projectName)-redis-psa" }
    /// The description infera writes on a range it creates; only such a range is ever deleted.
    public static func marker(_ instanceID: String) -> String { "Managed by infera: private services access range for Memorystore \(instanceID)" }
    /// The project of a `projects/{p}/global/networks/{n}` path (nil for a bare name).
    public static func networkProject(_ network: String) -> String? {
        let parts = network.split(separator: "/").map(String.init)
        guard let i = parts.firstIndex(of: "projects"), i + 1 < parts.count else { return nil }
        return parts[i + 1]
    }
}
