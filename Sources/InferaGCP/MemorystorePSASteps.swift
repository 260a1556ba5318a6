import InferaApply
import InferaPlan

/// Private services access (connect_mode PRIVATE_SERVICE_ACCESS): the reserved range
/// `google_compute_global_address.redis_range` and the peering `google_service_networking_connection.redis`,
/// created over REST like the generated Terraform would, but careful with what is shared:
///
/// - The range has infera's deterministic name; it is created-or-adopted and carries infera's
///   description. `destroy` deletes it only when it carries that description and no connection lists it.
/// - A network has one connection with servicenetworking.googleapis.com, often shared (Cloud SQL,
///   Filestore, …). infera creates it when absent, else adds its range to it (never removes a range).
///   `destroy` deletes it only when infera's range is its only range, and keeps it when the API says
///   producer services still use it.
extension MemorystoreProvider {
    static let rangeAddress = "google_compute_global_address.redis_range"
    static let connectionAddress = "google_service_networking_connection.redis"

    static func isPSA(_ spec: DeploymentSpec) -> Bool { memorystore(spec).connectMode == "PRIVATE_SERVICE_ACCESS" }

    func psa(_ s: GCPSession, _ spec: DeploymentSpec) async throws -> PrivateServiceAccessService {
        try await PrivateServiceAccessService.connect(s, network: Self.memorystore(spec).network)
    }

    /// The range and the connection as they are (absent ones left out).
    func observePSA(_ s: GCPSession, _ spec: DeploymentSpec) async throws -> [String: ObservedResource] {
        let p = try await psa(s, spec)
        var out: [String: ObservedResource] = [:]
        let name = PSANames.range(spec.projectName)
        if let a = try await p.address(name) { out[Self.rangeAddress] = Self.observedRange(a, project: s.project.id, api: p.compute) }
        if let c = try await p.connection() { out[Self.connectionAddress] = Self.observedConnection(c, range: name, network: p.computeNetwork) }
        return out
    }

    static func observedRange(_ a: GlobalAddress, project: String, api: ComputeAPI) -> ObservedResource {
        var attrs: [String: AttributeValue] = ["project": .string(project), "id": .string(api.addressName(a.name ?? ""))]
        func s(_ k: String, _ v: String?) { if let v { attrs[k] = .string(v) } }
        s("name", a.name); s("purpose", a.purpose); s("address_type", a.addressType); s("network", a.network)
        s("address", a.address); s("description", a.description); s("status", a.status)
        if let p = a.prefixLength { attrs["prefix_length"] = .int(p) }
        return ObservedResource(type: "google_compute_global_address", name: "redis_range", attributes: attrs)
    }

    /// `reserved_peering_ranges` shows infera's range alone when the connection has it (the other ranges
    /// of a shared connection are someone else's and listed under `shared_with_ranges`).
    static func observedConnection(_ c: PeeringConnection, range: String, network: String) -> ObservedResource {
        let have = c.reservedPeeringRanges ?? []
        var attrs: [String: AttributeValue] = [
            "network": .string(network), "service": .string("servicenetworking.googleapis.com"),
            "reserved_peering_ranges": .list((have.contains(range) ? [range] : have).map { .string($0) }),
            "id": .string("\(network):servicenetworking.googleapis.com"),
        ]
        if let p = c.peering { attrs["peering"] = .string(p) }
        let others = have.filter { $0 != range }
        if !others.isEmpty { attrs["shared_with_ranges"] = .list(others.map { .string($0) }) }
        return ObservedResource(type: "google_service_networking_connection", name: "redis", attributes: attrs)
    }

    /// `status` rows for the range (RESERVING / RESERVED / IN_USE, CIDR) and the connection (its ranges).
    func psaStatus(_ s: GCPSession, _ spec: DeploymentSpec) async throws -> [ResourceStatus] {
        let p = try await psa(s, spec)
        let name = PSANames.range(spec.projectName)
        var out: [ResourceStatus] = []
        if let a = try await p.address(name) {
            var details = ["network": p.computeNetwork, "created_by": a.description == PSANames.marker(Self.instanceID(spec)) ? "infera" : "someone else (kept on destroy)"]
            if let ip = a.address, let len = a.prefixLength { details["range"] = "\(ip)/\(len)" }
            out.append(ResourceStatus(address: Self.rangeAddress, type: "google_compute_global_address", id: p.compute.addressName(name),
                                      state: a.status ?? "?", details: details))
        } else {
            out.append(ResourceStatus(address: Self.rangeAddress, type: "google_compute_global_address", id: p.compute.addressName(name), state: "absent"))
        }
        let id = "\(p.computeNetwork):servicenetworking.googleapis.com"
        if let c = try await p.connection() {
            let ranges = c.reservedPeeringRanges ?? []
            out.append(ResourceStatus(address: Self.connectionAddress, type: "google_service_networking_connection", id: id,
                                      state: ranges.contains(name) ? "connected" : "connected without \(name)",
                                      details: ["ranges": ranges.joined(separator: ", "), "peering": c.peering ?? "?"]))
        } else {
            out.append(ResourceStatus(address: Self.connectionAddress, type: "google_service_networking_connection", id: id, state: "absent"))
        }
        return out
    }

    // MARK: steps

    func startPSA(_ step: ApplyStep, _ s: GCPSession) async throws -> OperationStatus {
        let p = try await psa(s, step.spec)
        let ref = StepRef(address: step.address, action: step.action)
        switch (step.address, step.action) {
        case (Self.rangeAddress, .delete): return try await deleteRange(p, step.spec, ref)
        case (Self.rangeAddress, _): return try await ensureRange(p, step.spec, ref, chain: 0)
        case (_, .delete): return try await deleteConnection(p, step.spec, ref)
        default: return try await ensureConnection(p, step.spec, ref, chain: 0)
        }
    }

    func pollPSA(_ operation: PendingOperation, _ s: GCPSession, _ spec: DeploymentSpec) async throws -> OperationStatus {
        let p = try await psa(s, spec)
        let token = PendingToken(operation.token)
        let ref = StepRef(address: operation.address, action: operation.action)
        if operation.address == Self.rangeAddress {
            if let op = token.operation {
                let status = try await p.computeOperationStatus(op)
                if !status.done { return .pending(operation) }
                if !status.errors.isEmpty {
                    throw GCPError(.operation, "compute operation \(op) (\(status.operationType ?? operation.action.rawValue) \(p.compute.addressName(PSANames.range(spec.projectName)))) failed: \(status.errors.joined(separator: "; "))",
                                   hint: "fix the cause named above (range overlap, quota, network) and run `infera apply` again")
                }
            }
            if operation.action == .delete {
                return try await p.address(PSANames.range(spec.projectName)) == nil ? .done(nil) : .pending(operation)
            }
            // After an operation, look again (counted); while waiting for RESERVING to end, not counted.
            return try await ensureRange(p, spec, ref, chain: token.operation == nil ? token.chain : token.chain + 1)
        }
        if let op = token.operation {
            let status = try await p.operationStatus(op)
            if !status.done { return .pending(operation) }
            if let e = status.error {
                let code = e.code.map(Operation.codeName) ?? "UNKNOWN"
                if operation.action == .delete && code == "FAILED_PRECONDITION" {
                    context.events.emit(.note(address: operation.address,
                                              message: "kept: Service Networking refused to delete the connection of \(p.computeNetwork) (\(e.message ?? "still in use")); other producer services still use it"))
                    return .done(nil)
                }
                throw GCPError(.operation, "operation \(op) on the private services connection of \(p.computeNetwork) failed: \(code): \(e.message ?? "")",
                               hint: code == "FAILED_PRECONDITION"
                                   ? "the connection exists with other ranges; infera adds its range with a PATCH on the next run — run `infera apply` again"
                                   : "fix the cause named above and run `infera apply` again")
            }
        }
        if operation.action == .delete { return .done(nil) }
        return try await ensureConnection(p, spec, ref, chain: token.chain + 1)
    }

    func pendingPSA(_ ref: StepRef, _ token: String, _ id: String, _ detail: String) -> OperationStatus {
        .pending(PendingOperation(address: ref.address, action: ref.action, token: token, resourceID: id, detail: detail))
    }

    /// Create-or-adopt the reserved range.
    func ensureRange(_ p: PrivateServiceAccessService, _ spec: DeploymentSpec, _ ref: StepRef, chain: Int) async throws -> OperationStatus {
        let name = PSANames.range(spec.projectName)
        let id = p.compute.addressName(name)
        guard chain < 6 else {
            throw GCPError(.operation, "the reserved range \(id) is still not in place after \(chain) operations", hint: "look at it in the console (VPC network → IP ranges) and run `infera apply` again")
        }
        if let a = try await p.address(name) {
            guard a.purpose == "VPC_PEERING", (a.network ?? "").hasSuffix("/global/networks/" + (p.computeNetwork.split(separator: "/").last.map(String.init) ?? "")) else {
                throw GCPError(.input, "the global address \(id) exists but is not a VPC_PEERING range on \(p.computeNetwork) (purpose \(a.purpose ?? "none"), network \(a.network ?? "none"))",
                               hint: "delete or rename that address (`gcloud compute addresses delete \(name) --global`), or change project_name in infera.yaml")
            }
            if a.status == "RESERVING" { return pendingPSA(ref, PendingToken.wait(name, chain: chain), id, "reserving") }
            return .done(Self.observedRange(a, project: p.session.project.id, api: p.compute))
        }
        let body = GlobalAddress(name: name, description: PSANames.marker(Self.instanceID(spec)), prefixLength: 24, addressType: "INTERNAL",
                                 purpose: "VPC_PEERING", network: p.computeNetwork)
        guard let op = try await p.insertAddress(body) else {
            // 409: an earlier attempt whose answer was lost made it: look again.
            return pendingPSA(ref, PendingToken.wait(name, chain: chain), id, "reserving")
        }
        return pendingPSA(ref, PendingToken.op(op.name, chain: chain), id, "reserving a /24")
    }

    func deleteRange(_ p: PrivateServiceAccessService, _ spec: DeploymentSpec, _ ref: StepRef) async throws -> OperationStatus {
        let name = PSANames.range(spec.projectName)
        guard let a = try await p.address(name) else { return .done(nil) }
        guard a.description == PSANames.marker(Self.instanceID(spec)) else {
            context.events.emit(.note(address: ref.address, message: "kept: \(p.compute.addressName(name)) was not created by infera (no infera description); delete it yourself once nothing uses it"))
            return .done(nil)
        }
        if let c = try await p.connection(), (c.reservedPeeringRanges ?? []).contains(name) {
            context.events.emit(.note(address: ref.address, message: "kept: \(p.compute.addressName(name)) is still allocated to the private services connection of \(p.computeNetwork)"))
            return .done(nil)
        }
        guard let op = try await p.deleteAddress(name) else { return .done(nil) }
        return pendingPSA(ref, PendingToken.op(op.name, chain: 0), p.compute.addressName(name), "deleting")
    }

    /// Creates the connection, or adds infera's range to the network's existing one.
    func ensureConnection(_ p: PrivateServiceAccessService, _ spec: DeploymentSpec, _ ref: StepRef, chain: Int) async throws -> OperationStatus {
        let range = PSANames.range(spec.projectName)
        let id = "\(p.computeNetwork):servicenetworking.googleapis.com"
        guard chain < 6 else {
            throw GCPError(.operation, "the private services connection of \(p.computeNetwork) still lacks \(range) after \(chain) operations",
                           hint: "look at it with `gcloud services vpc-peerings list --network=\(p.computeNetwork.split(separator: "/").last ?? "")` and run `infera apply` again")
        }
        if let c = try await p.connection() {
            let have = c.reservedPeeringRanges ?? []
            if have.contains(range) { return .done(Self.observedConnection(c, range: range, network: p.computeNetwork)) }
            let op = try await p.patchConnection(ranges: have + [range])
            return pendingPSA(ref, PendingToken.op(op.name, chain: chain), id, "adding \(range) to the shared connection")
        }
        let op = try await p.createConnection(ranges: [range])
        return pendingPSA(ref, PendingToken.op(op.name, chain: chain), id, "peering with servicenetworking.googleapis.com")
    }

    func deleteConnection(_ p: PrivateServiceAccessService, _ spec: DeploymentSpec, _ ref: StepRef) async throws -> OperationStatus {
        let range = PSANames.range(spec.projectName)
        guard let c = try await p.connection() else { return .done(nil) }
        let have = c.reservedPeeringRanges ?? []
        guard have == [range] else {
            let others = have.filter { $0 != range }
            context.events.emit(.note(address: ref.address, message: "kept: the connection of \(p.computeNetwork) is shared (ranges \(others.joined(separator: ", "))); infera does not remove ranges from it"))
            return .done(nil)
        }
        do {
            guard let op = try await p.deleteConnection() else { return .done(nil) }
            return pendingPSA(ref, PendingToken.op(op.name, chain: 0), "\(p.computeNetwork):servicenetworking.googleapis.com", "deleting")
        } catch let e as GCPError where e.api?.status == "FAILED_PRECONDITION" {
            context.events.emit(.note(address: ref.address, message: "kept: \(e.api?.message ?? "the connection is still in use")"))
            return .done(nil)
        }
    }
}
