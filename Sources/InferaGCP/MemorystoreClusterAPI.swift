import InferaHTTP

/// Request builders for Memorystore for Redis Cluster v1 (`projects.locations.clusters` on redis.googleapis.com).
public struct MemorystoreClusterAPI: Sendable, Hashable {
    public var base: String
    public var project: String
    public var region: String

    public init(base: String, project: String, region: String) {
        self.base = GCPEndpoints.slash(base)
        self.project = project
        self.region = region
    }

    public var parent: String { "projects/\(project)/locations/\(region)" }
    public func clusterName(_ id: String) -> String { "\(parent)/clusters/\(id)" }

    public func get(_ id: String) -> APICall { APICall(method: .GET, url: base + "v1/" + clusterName(id)) }

    public func create(_ id: String, _ cluster: RedisCluster) throws -> APICall {
        APICall(method: .POST, url: base + "v1/\(parent)/clusters?clusterId=" + FormEncoding.escape(id),
                body: try JSONCoding.encode(cluster.withoutOutputFields))
    }

    /// PATCH with `updateMask` = the comma-joined field names; the body carries only those fields.
    public func patch(_ id: String, _ cluster: RedisCluster, mask: [String]) throws -> APICall {
        APICall(method: .PATCH, url: base + "v1/" + clusterName(id) + "?updateMask=" + FormEncoding.escape(mask.joined(separator: ",")),
                body: try JSONCoding.encode(MemorystoreClusterDiff.masked(cluster.withoutOutputFields, mask)))
    }

    public func delete(_ id: String) -> APICall { APICall(method: .DELETE, url: base + "v1/" + clusterName(id)) }

    public func certificateAuthority(_ id: String) -> APICall {
        APICall(method: .GET, url: base + "v1/" + clusterName(id) + "/certificateAuthority")
    }
}

/// Request builders for Network Connectivity v1 service connection policies and their operations.
public struct NetworkConnectivityAPI: Sendable, Hashable {
    public var base: String
    public var project: String
    public var region: String

    public init(base: String, project: String, region: String) {
        self.base = GCPEndpoints.slash(base)
        self.project = project
        self.region = region
    }

    public var parent: String { "projects/\(project)/locations/\(region)" }
    public func policyName(_ id: String) -> String { "\(parent)/serviceConnectionPolicies/\(id)" }

    public func get(_ id: String) -> APICall { APICall(method: .GET, url: base + "v1/" + policyName(id)) }

    public func list() -> APICall { APICall(method: .GET, url: base + "v1/\(parent)/serviceConnectionPolicies?pageSize=100") }

    public func create(_ id: String, _ policy: ServiceConnectionPolicy) throws -> APICall {
        APICall(method: .POST, url: base + "v1/\(parent)/serviceConnectionPolicies?serviceConnectionPolicyId=" + FormEncoding.escape(id),
                body: try JSONCoding.encode(policy.withoutOutputFields))
    }

    public func delete(_ id: String) -> APICall { APICall(method: .DELETE, url: base + "v1/" + policyName(id)) }

    public func operation(_ name: String) -> APICall { APICall(method: .GET, url: base + "v1/" + name) }
}

/// Cluster calls with the semantics infera needs (404 as absent, 409 on create as exists); operations are
/// Memorystore operations, read with `MemorystoreService.operationStatus`.
public struct MemorystoreClusterService: Sendable {
    public let session: GCPSession
    public let api: MemorystoreClusterAPI
    /// The same region's instance service: operations and `operations.list` are shared.
    public let redis: MemorystoreService
    static let role = "roles/redis.admin"

    public init(session: GCPSession, region: String) {
        self.session = session
        api = MemorystoreClusterAPI(base: session.endpoints.redis, project: session.project.id, region: region)
        redis = MemorystoreService(session: session, region: region)
    }

    public func get(_ id: String) async throws -> RedisCluster? {
        let r = try await session.send(api.get(id), "reading Memorystore cluster \(api.clusterName(id))", accept: [404], role: Self.role)
        if r.status == 404 { return nil }
        return try redis.decode(RedisCluster.self, r, "the cluster \(api.clusterName(id))")
    }

    /// Starts a create; nil when the cluster already exists (409: adopt it).
    public func create(_ id: String, _ cluster: RedisCluster) async throws -> Operation? {
        let r = try await session.send(try api.create(id, cluster), "creating Memorystore cluster \(api.clusterName(id))",
                                       accept: [409], repeat: .safe, role: Self.role)
        if r.status == 409 { return nil }
        return try redis.operation(r)
    }

    public func patch(_ id: String, _ cluster: RedisCluster, mask: [String]) async throws -> Operation {
        try redis.operation(try await session.send(try api.patch(id, cluster, mask: mask),
                                                   "updating Memorystore cluster \(api.clusterName(id)) (\(mask.joined(separator: ",")))",
                                                   repeat: .byMethod, role: Self.role))
    }

    /// Starts a delete; nil when there is nothing to delete.
    public func delete(_ id: String) async throws -> Operation? {
        let r = try await session.send(api.delete(id), "deleting Memorystore cluster \(api.clusterName(id))", accept: [404], role: Self.role)
        if r.status == 404 { return nil }
        return try redis.operation(r)
    }

    /// The PEM certificates of the cluster's server CA (empty when the API has none, e.g. without TLS).
    public func serverCA(_ id: String) async throws -> [String] {
        let r = try await session.send(api.certificateAuthority(id), "reading the certificate authority of \(api.clusterName(id))",
                                       accept: [404], role: Self.role)
        guard r.status == 200, let json = JSONValue.parse(r.body) else { return [] }
        var out: [String] = []
        for chain in json["managedServerCa"]?["caCerts"]?.arrayValue ?? [] {
            for c in chain["certificates"]?.arrayValue ?? [] { if let s = c.stringValue { out.append(s) } }
        }
        return out
    }
}

/// Service connection policy calls (Network Connectivity v1).
public struct ServiceConnectionPolicyService: Sendable {
    public let session: GCPSession
    public let api: NetworkConnectivityAPI
    static let role = "roles/networkconnectivity.networkAdmin"

    public init(session: GCPSession, region: String) {
        self.session = session
        api = NetworkConnectivityAPI(base: session.endpoints.networkConnectivity, project: session.project.id, region: region)
    }

    public func get(_ id: String) async throws -> ServiceConnectionPolicy? {
        let r = try await session.send(api.get(id), "reading service connection policy \(api.policyName(id))", accept: [404], role: Self.role)
        if r.status == 404 { return nil }
        return try decode(ServiceConnectionPolicy.self, r, "the service connection policy \(api.policyName(id))")
    }

    /// The region's policies (one page of up to 100: a network has one policy per service class and region).
    public func list() async throws -> [ServiceConnectionPolicy] {
        struct Page: Decodable { var serviceConnectionPolicies: [ServiceConnectionPolicy]? }
        let r = try await session.send(api.list(), "listing service connection policies in \(api.parent)", role: Self.role)
        return try decode(Page.self, r, "the service connection policy list").serviceConnectionPolicies ?? []
    }

    /// Starts a create; nil when a policy of that name exists (409: adopt it).
    public func create(_ id: String, _ policy: ServiceConnectionPolicy) async throws -> Operation? {
        let r = try await session.send(try api.create(id, policy), "creating service connection policy \(api.policyName(id))",
                                       accept: [409], repeat: .safe, role: Self.role)
        if r.status == 409 { return nil }
        return try operation(r)
    }

    public func delete(_ id: String) async throws -> Operation? {
        let r = try await session.send(api.delete(id), "deleting service connection policy \(api.policyName(id))", accept: [404], role: Self.role)
        if r.status == 404 { return nil }
        return try operation(r)
    }

    public func operationStatus(_ name: String) async throws -> Operation {
        try operation(try await session.send(api.operation(name), "reading operation \(name)", role: Self.role))
    }

    func operation(_ r: HTTPResponse) throws -> Operation {
        guard let op = Operation.decode(r.body) else {
            throw GCPError(.protocolViolation, "the Network Connectivity API answered HTTP \(r.status) without an Operation",
                           hint: "check CLOUDSDK_API_ENDPOINT_OVERRIDES_NETWORKCONNECTIVITY points at the Network Connectivity API")
        }
        return op
    }

    func decode<T: Decodable>(_ t: T.Type, _ r: HTTPResponse, _ what: String) throws -> T {
        do { return try JSONCoding.decode(t, r.body) } catch {
            throw GCPError(.protocolViolation, "\(what): unexpected JSON from the Network Connectivity API",
                           hint: "check CLOUDSDK_API_ENDPOINT_OVERRIDES_NETWORKCONNECTIVITY points at the Network Connectivity API")
        }
    }
}
