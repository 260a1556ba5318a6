import InferaApply
import InferaPlan

/// Memorystore for Redis Cluster behind `infera apply` (`cache.mode: cluster`, issue #19): the cluster
/// `<project>-redis` (`google_redis_cluster.main`) and the Private Service Connect policy it needs
/// (`google_network_connectivity_service_connection_policy.redis`, `<project>-redis-psc`), both found by their
/// deterministic names (create-or-adopt), the cluster changed with `PATCH ?updateMask=` one scaling change per
/// operation, every operation journaled. The URL secret and the APIs are handled as for an instance.
///
/// - The policy is created before the cluster. `destroy` deletes it only when infera made it (its description)
///   and no other Private Service Connect endpoint uses it; otherwise it prints `kept: …`.
/// - Deletion protection: a delete (destroy, or a replacement) is refused with a hint while it is on.
/// - The URL (`redis[s]://<discovery endpoint>:<port>`) holds no password: with IAM_AUTH clients send an IAM
///   access token as the password, so there is no secret to store.
extension MemorystoreProvider {
    static let clusterType = "google_redis_cluster"
    static let clusterAddress = "google_redis_cluster.main"
    static let policyType = "google_network_connectivity_service_connection_policy"
    static let policyAddress = "google_network_connectivity_service_connection_policy.redis"

    static func clusterID(_ spec: DeploymentSpec) -> String { "\(spec.projectName)-redis" }
    static func policyID(_ spec: DeploymentSpec) -> String { "\(spec.projectName)-redis-psc" }
    /// The description infera writes on the policy it creates (and what the plan expects): only such a policy is ever deleted.
    static func policyDescription(_ spec: DeploymentSpec) -> String { "Private Service Connect for the \(spec.projectName) Redis cluster" }

    static func clusterSpec(_ spec: DeploymentSpec) -> ClusterSpec {
        spec.cluster ?? ClusterSpec(nodeType: "REDIS_HIGHMEM_MEDIUM")
    }

    static let clusterServices = ["redis.googleapis.com", "secretmanager.googleapis.com", "networkconnectivity.googleapis.com",
                                  "serviceconsumermanagement.googleapis.com"]
    static let clusterBusyStates: Set<String> = ["CREATING", "UPDATING", "DELETING"]

    func desiredCluster(_ spec: DeploymentSpec, project: String) -> RedisCluster {
        MemorystoreClusterDiff.desired(spec, Self.memorystore(spec), Self.clusterSpec(spec), project: project)
    }

    // MARK: refresh

    func refreshCluster(_ spec: DeploymentSpec, _ s: GCPSession) async throws -> ObservedState {
        try Self.checkInput(spec)
        if let disabled = try await RequiredServices.check(s, Self.clusterServices), !disabled.isEmpty {
            throw RequiredServices.error(disabled, project: s.project.id)
        }
        var state = ObservedState(source: accountDescription)
        let clusters = MemorystoreClusterService(session: s, region: spec.region)
        let live = try await clusters.get(Self.clusterID(spec))
        if let c = live { state.resources[Self.clusterAddress] = Self.observedCluster(c, spec: spec, project: s.project.id) }
        let policies = ServiceConnectionPolicyService(session: s, region: spec.region)
        if let p = try await policies.get(Self.policyID(spec)) {
            state.resources[Self.policyAddress] = Self.observedPolicy(p, spec: spec, project: s.project.id)
        }
        let secrets = SecretManagerService(session: s)
        let sid = spec.effectiveURLSecretName
        if let labels = try await secrets.labels(sid) {
            state.resources[Self.secretAddress] = Self.observedSecret(labels, sid: sid, project: s.project.id, api: secrets.api)
            if let latest = try await secrets.latest(sid, register: false) {
                // A version whose value is no longer the cluster's URL shows as a version to add.
                if live?.state != "ACTIVE" || Self.clusterURL(live ?? RedisCluster()).map({ $0 == latest.value }) ?? true {
                    state.resources[Self.versionAddress] = ObservedResource(type: "google_secret_manager_secret_version", name: "redis_url", attributes: [
                        "secret_data": .sensitive, "id": .string(secrets.api.secretName(sid) + "/versions/latest"),
                    ])
                }
            }
        }
        if !state.resources.isEmpty {
            for r in DesiredState.resources(for: spec) where r.type == "google_project_service" {
                if case .string(let svc)? = r["service"] {
                    state.resources[r.address] = ObservedResource(type: r.type, name: r.name, attributes: [
                        "project": .string(s.project.id), "service": .string(svc), "disable_on_destroy": .bool(false),
                        "id": .string("\(s.project.id)/\(svc)"),
                    ])
                }
            }
        }
        return state
    }

    static func observedSecret(_ labels: [String: String], sid: String, project: String, api: SecretManagerAPI) -> ObservedResource {
        ObservedResource(type: "google_secret_manager_secret", name: "redis_url", attributes: [
            "project": .string(project), "secret_id": .string(sid),
            "replication": .object([Attribute("auto", .object([]))]),
            "labels": .object(labels.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) }),
            "id": .string(api.secretName(sid)),
        ])
    }

    /// The cluster in `DesiredState`'s attribute names and shapes (Terraform's `google_redis_cluster`).
    static func observedCluster(_ c: RedisCluster, spec: DeploymentSpec, project: String) -> ObservedResource {
        var a: [String: AttributeValue] = [
            "project": .string(project),
            "name": .string(String(c.name?.split(separator: "/").last ?? Substring(clusterID(spec)))),
            "region": .string(spec.region),
            "id": .string(c.name ?? ""),
            "authorization_mode": .string(c.authorizationMode ?? "AUTH_MODE_DISABLED"),
            "transit_encryption_mode": .string(c.transitEncryptionMode ?? "TRANSIT_ENCRYPTION_MODE_DISABLED"),
            "deletion_protection_enabled": .bool(c.deletionProtectionEnabled ?? false),
            "replica_count": .int(c.replicaCount ?? 0),
        ]
        if let n = c.shardCount { a["shard_count"] = .int(n) }
        if let t = c.nodeType { a["node_type"] = .string(t) }
        a["psc_configs"] = .list((c.pscConfigs ?? []).map { .object([Attribute("network", .string($0.network ?? ""))]) })
        let mode = c.persistenceConfig?.mode ?? "DISABLED"
        var persistence = [Attribute("mode", .string(mode))]
        if mode == "RDB" {
            persistence.append(Attribute("rdb_config", .object([
                Attribute("rdb_snapshot_period", .string(c.persistenceConfig?.rdbConfig?.rdbSnapshotPeriod ?? "TWENTY_FOUR_HOURS")),
            ])))
        }
        a["persistence_config"] = .object(persistence)
        a["discovery_endpoints"] = .list((c.discoveryEndpoints ?? []).map {
            .object([Attribute("address", .string($0.address ?? "")), Attribute("port", .int($0.port ?? 6379))])
        })
        if let g = c.sizeGb { a["size_gb"] = .int(g) }
        if let k = c.kmsKey { a["kms_key"] = .string(k) }
        if let r = c.redisConfigs, !r.isEmpty {
            a["redis_configs"] = .object(r.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) })
        }
        if let w = c.maintenancePolicy?.weeklyMaintenanceWindow?.first {
            a["maintenance_policy"] = .object([Attribute("day", .string(w.day ?? "")),
                                               Attribute("start_time", .string("\(pad2(w.startTime?.hours ?? 0)):\(pad2(w.startTime?.minutes ?? 0)) UTC"))])
        }
        if let st = c.state { a["state"] = .string(st) }
        return ObservedResource(type: clusterType, name: "main", attributes: a)
    }

    static func observedPolicy(_ p: ServiceConnectionPolicy, spec: DeploymentSpec, project: String) -> ObservedResource {
        var a: [String: AttributeValue] = [
            "project": .string(project),
            "name": .string(String(p.name?.split(separator: "/").last ?? Substring(policyID(spec)))),
            "location": .string(spec.region),
            "service_class": .string(p.serviceClass ?? ""),
            "description": .string(p.description ?? ""),
            "psc_config": .object([Attribute("subnetworks", .list((p.pscConfig?.subnetworks ?? []).map { .string($0) }))]),
            "id": .string(p.name ?? ""),
        ]
        if let n = p.network, case .string(let path) = DesiredState.networkPath(n, project: project) { a["network"] = .string(path) }
        return ObservedResource(type: policyType, name: "redis", attributes: a)
    }

    /// `redis[s]://address:port` of the discovery endpoint; nil before the cluster has one.
    static func clusterURL(_ c: RedisCluster) -> String? {
        guard let e = c.discoveryEndpoints?.first, let host = e.address else { return nil }
        let tls = c.transitEncryptionMode == "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION"
        return "\(tls ? "rediss" : "redis")://\(host):\(e.port ?? 6379)"
    }

    // MARK: steps

    /// The cluster-mode steps; nil for the ones the instance path handles the same way (APIs, the secret).
    func startCluster(_ step: ApplyStep, _ s: GCPSession) async throws -> OperationStatus? {
        let spec = step.spec
        let ref = StepRef(address: step.address, action: step.action)
        switch step.type {
        case Self.clusterType:
            let clusters = MemorystoreClusterService(session: s, region: spec.region)
            if step.action == .delete { return try await deleteCluster(clusters, spec, ref) }
            return try await reconcileCluster(clusters, spec, ref, chain: 0)
        case Self.policyType:
            let policies = ServiceConnectionPolicyService(session: s, region: spec.region)
            if step.action == .delete { return try await deletePolicy(policies, spec, ref) }
            if step.action == .update, let p = try await policies.get(Self.policyID(spec)), p.description != Self.policyDescription(spec) {
                // Only the description can differ (the rest forces replacement or is not known): a policy of this name
                // that someone else made. infera uses it as it is and never rewrites or deletes it.
                context.events.emit(.note(address: step.address, message: "kept as is: \(policies.api.policyName(Self.policyID(spec))) was not created by infera (its description differs); infera uses it and does not change it"))
            }
            return try await ensurePolicy(policies, spec, ref, chain: 0)
        case "google_secret_manager_secret" where step.action == .delete:
            // Destroy deletes the URL secret before the cluster: refuse first while the cluster cannot go.
            try await checkDeletable(MemorystoreClusterService(session: s, region: spec.region), spec)
            return nil
        case "google_secret_manager_secret_version":
            let clusters = MemorystoreClusterService(session: s, region: spec.region)
            if step.action == .delete {
                try await checkDeletable(clusters, spec)
                return .done(nil)
            }
            guard let c = try await clusters.get(Self.clusterID(spec)), let url = Self.clusterURL(c) else {
                throw GCPError(.operation, "the cluster \(clusters.api.clusterName(Self.clusterID(spec))) has no discovery endpoint yet, so there is no URL to store",
                               hint: "run `infera apply` again once the cluster is ACTIVE (`infera status`)")
            }
            let secrets = SecretManagerService(session: s)
            try await secrets.put(spec.effectiveURLSecretName, value: Sensitive(url), register: false)
            return .done(ObservedResource(type: step.type, name: step.change.name, attributes: [
                "secret_data": .sensitive, "id": .string(secrets.api.secretName(spec.effectiveURLSecretName) + "/versions/latest"),
            ]))
        default:
            return nil
        }
    }

    func pollCluster(_ operation: PendingOperation, _ s: GCPSession, _ spec: DeploymentSpec) async throws -> OperationStatus {
        let token = PendingToken(operation.token)
        let ref = StepRef(address: operation.address, action: operation.action)
        if operation.address == Self.policyAddress {
            let policies = ServiceConnectionPolicyService(session: s, region: spec.region)
            if let op = token.operation {
                let status = try await policies.operationStatus(op)
                if !status.done { return .pending(operation) }
                if let e = status.error {
                    let code = e.code.map(Operation.codeName) ?? "UNKNOWN"
                    if operation.action == .delete && code == "FAILED_PRECONDITION" {
                        context.events.emit(.note(address: operation.address, message: "kept: \(policies.api.policyName(Self.policyID(spec))) is still in use (\(e.message ?? "FAILED_PRECONDITION"))"))
                        return .done(nil)
                    }
                    throw GCPError(.operation, "operation \(op) on \(policies.api.policyName(Self.policyID(spec))) failed: \(code): \(e.message ?? "")",
                                   hint: "fix the cause named above (subnetwork, network, quota) and run `infera apply` again")
                }
            }
            if operation.action == .delete {
                return try await policies.get(Self.policyID(spec)) == nil ? .done(nil) : .pending(operation)
            }
            return try await ensurePolicy(policies, spec, ref, chain: token.chain + 1)
        }
        let clusters = MemorystoreClusterService(session: s, region: spec.region)
        let id = Self.clusterID(spec)
        if let op = token.operation {
            let status = try await clusters.redis.operationStatus(op)
            if !status.done { return .pending(operation) }
            if let e = status.error {
                let code = e.code.map(Operation.codeName) ?? "UNKNOWN"
                throw GCPError(.operation, "operation \(op) (\(status.verb ?? operation.action.rawValue) \(clusters.api.clusterName(id))) failed: \(code): \(e.message ?? "")",
                               hint: "fix the cause named above (quota, shard count, the service connection policy) and run `infera apply` again")
            }
        }
        guard let live = try await clusters.get(id) else {
            if operation.action == .delete { return .done(nil) }
            return try await reconcileCluster(clusters, spec, ref, chain: token.chain + 1)
        }
        if Self.clusterBusyStates.contains(live.state ?? "ACTIVE") {
            return .pending(PendingOperation(address: operation.address, action: operation.action, token: PendingToken.wait(id, chain: token.chain),
                                             resourceID: live.name, detail: (live.state ?? "").lowercased()))
        }
        if operation.action == .delete { return try await deleteCluster(clusters, spec, ref) }
        return try await reconcileCluster(clusters, spec, ref, chain: token.operation == nil ? token.chain : token.chain + 1)
    }

    /// Create-or-adopt, then PATCH the live cluster towards the spec one operation at a time; never touches a busy cluster.
    func reconcileCluster(_ clusters: MemorystoreClusterService, _ spec: DeploymentSpec, _ step: StepRef, chain: Int) async throws -> OperationStatus {
        let s = clusters.session
        let id = Self.clusterID(spec)
        let name = clusters.api.clusterName(id)
        let desired = desiredCluster(spec, project: s.project.id)
        func pending(_ token: String, _ detail: String) -> OperationStatus {
            .pending(PendingOperation(address: step.address, action: step.action, token: token, resourceID: name, detail: detail))
        }
        guard chain < 10 else {
            throw GCPError(.operation, "the cluster \(name) still differs from infera.yaml after \(chain) operations",
                           hint: "compare `infera plan` with the cluster in the console; run `infera apply` again")
        }
        guard let live = try await clusters.get(id) else {
            guard let op = try await clusters.create(id, desired) else {
                return pending(PendingToken.wait(id, chain: chain), "creating")
            }
            context.events.emit(.note(address: step.address, message: "creating \(desired.shardCount ?? 0) shards × (1 + \(desired.replicaCount ?? 0) replicas) of \(desired.nodeType ?? "?") [operation \(op.name)]"))
            return pending(PendingToken.op(op.name, chain: chain), "creating")
        }
        if Self.clusterBusyStates.contains(live.state ?? "ACTIVE") {
            return pending(PendingToken.wait(id, chain: chain), (live.state ?? "").lowercased())
        }
        let change = MemorystoreClusterDiff.compare(desired: desired, live: live)
        if !change.replaceReasons.isEmpty {
            throw GCPError(.input, "\(name) cannot be changed in place: \(change.replaceReasons.joined(separator: "; "))",
                           hint: "`infera plan` shows this as -/+ (replace); apply that plan with --allow-replace if losing the data is intended")
        }
        if let mask = change.masks.first {
            let what = MemorystoreClusterDiff.describe(mask, desired: desired, live: live)
            do {
                let op = try await clusters.patch(id, desired, mask: mask)
                var line = "\(what) (PATCH updateMask=\(mask.joined(separator: ",")))"
                if mask == ["shardCount"] {
                    let m = DeploymentSpec.expectedMinutes(shardsBefore: live.shardCount ?? 0, shardsAfter: desired.shardCount ?? 0)
                    line += ", online: expect \(m.lowerBound)-\(m.upperBound) minutes"
                } else if mask == ["replicaCount"] {
                    line += ", online: expect 5-15 minutes"
                }
                if change.masks.count > 1 { line += "; \(change.masks.count - 1) more change(s) follow, one operation at a time" }
                context.events.emit(.note(address: step.address, message: line + " [operation \(op.name)]"))
                return pending(PendingToken.op(op.name, chain: chain), what)
            } catch let e as GCPError where e.api?.status == "FAILED_PRECONDITION" {
                return pending(PendingToken.wait(id, chain: chain), "waiting for ACTIVE")
            }
        }
        // In shape: keep the stored URL current (adds a version only when it changed).
        if let url = Self.clusterURL(live) {
            let secrets = SecretManagerService(session: s)
            if try await secrets.labels(spec.effectiveURLSecretName) != nil {
                try await secrets.put(spec.effectiveURLSecretName, value: Sensitive(url), register: false)
            }
        }
        return .done(Self.observedCluster(live, spec: spec, project: s.project.id))
    }

    func deleteCluster(_ clusters: MemorystoreClusterService, _ spec: DeploymentSpec, _ step: StepRef) async throws -> OperationStatus {
        let id = Self.clusterID(spec)
        let name = clusters.api.clusterName(id)
        func pending(_ token: String, _ detail: String) -> OperationStatus {
            .pending(PendingOperation(address: step.address, action: .delete, token: token, resourceID: name, detail: detail))
        }
        guard let live = try await clusters.get(id) else { return .done(nil) }
        try Self.checkDeletable(live, name)
        if Self.clusterBusyStates.contains(live.state ?? "ACTIVE") {
            if live.state == "DELETING" { return pending(PendingToken.wait(id, chain: 0), "deleting") }
            return pending(PendingToken.wait(id, chain: 0), "waiting for ACTIVE")
        }
        do {
            guard let op = try await clusters.delete(id) else { return .done(nil) }
            return pending(PendingToken.op(op.name, chain: 0), "deleting")
        } catch let e as GCPError where e.api?.status == "FAILED_PRECONDITION" {
            if e.api?.message.contains("deletion protection") == true { throw e }
            return pending(PendingToken.wait(id, chain: 0), "waiting for ACTIVE")
        }
    }

    /// Throws when the live cluster has deletion protection on (nothing is deleted then, not even its URL secret).
    func checkDeletable(_ clusters: MemorystoreClusterService, _ spec: DeploymentSpec) async throws {
        let id = Self.clusterID(spec)
        if let live = try await clusters.get(id) { try Self.checkDeletable(live, clusters.api.clusterName(id)) }
    }

    static func checkDeletable(_ live: RedisCluster, _ name: String) throws {
        if live.deletionProtectionEnabled == true {
            throw GCPError(.input, "\(name) has deletion protection on (deletionProtectionEnabled): Memorystore refuses to delete it",
                           hint: "if deleting it (and its data) is intended, set cache.deletion_protection: false in infera.yaml, run `infera apply` (one PATCH), then run this again")
        }
    }

    /// Create-or-adopt the service connection policy (by name).
    func ensurePolicy(_ policies: ServiceConnectionPolicyService, _ spec: DeploymentSpec, _ step: StepRef, chain: Int) async throws -> OperationStatus {
        let s = policies.session
        let id = Self.policyID(spec)
        let name = policies.api.policyName(id)
        guard chain < 6 else {
            throw GCPError(.operation, "the service connection policy \(name) is still not in place after \(chain) operations",
                           hint: "look at it with `gcloud network-connectivity service-connection-policies describe \(id) --region=\(spec.region)` and run `infera apply` again")
        }
        if let p = try await policies.get(id) {
            guard p.serviceClass == DesiredState.memorystoreServiceClass else {
                throw GCPError(.input, "the service connection policy \(name) exists for service class \(p.serviceClass ?? "none"), not \(DesiredState.memorystoreServiceClass)",
                               hint: "delete or rename that policy, or change project_name in infera.yaml")
            }
            return .done(Self.observedPolicy(p, spec: spec, project: s.project.id))
        }
        let m = Self.memorystore(spec)
        let network = MemorystoreClusterDiff.networkPath(m.network, project: s.project.id)
        let subnet = Self.clusterSpec(spec).subnetwork ?? "default"
        let subnetwork = subnet.contains("/") ? subnet : "projects/\(s.project.id)/regions/\(spec.region)/subnetworks/\(subnet)"
        let labels = Dictionary(uniqueKeysWithValues: spec.effectiveLabels.map { ($0.key, $0.value) })
        let body = ServiceConnectionPolicy(description: Self.policyDescription(spec), network: network, serviceClass: DesiredState.memorystoreServiceClass,
                                           subnetworks: [subnetwork], labels: labels)
        guard let op = try await policies.create(id, body) else {
                // 409 for this name: an earlier attempt whose answer was lost made it, or another policy already
                // serves the network and service class in this region.
                if try await policies.get(id) != nil { return .pending(PendingOperation(address: step.address, action: step.action, token: PendingToken.wait(id, chain: chain + 1), resourceID: name, detail: "adopting")) }
                let other = try await policies.list().first { $0.serviceClass == DesiredState.memorystoreServiceClass && $0.network.map { MemorystoreClusterDiff.networkPath($0, project: s.project.id) } == network }
                throw GCPError(.input, "another service connection policy (\(other?.name ?? "unknown")) already lets \(DesiredState.memorystoreServiceClass) use \(network) in \(spec.region); a network has one per service class and region",
                               hint: "infera adopts only a policy named \(id): delete the other policy if nothing uses it, or apply the generated Terraform module with that policy imported")
            }
            return .pending(PendingOperation(address: step.address, action: step.action, token: PendingToken.op(op.name, chain: chain), resourceID: name,
                                             detail: "allowing \(DesiredState.memorystoreServiceClass) in \(subnetwork)"))
    }

    func deletePolicy(_ policies: ServiceConnectionPolicyService, _ spec: DeploymentSpec, _ step: StepRef) async throws -> OperationStatus {
        let id = Self.policyID(spec)
        let name = policies.api.policyName(id)
        guard let p = try await policies.get(id) else { return .done(nil) }
        guard p.description == Self.policyDescription(spec) else {
            context.events.emit(.note(address: step.address, message: "kept: \(name) was not created by infera (its description differs); delete it yourself once nothing uses it"))
            return .done(nil)
        }
        let users = p.pscConnections ?? []
        if !users.isEmpty {
            context.events.emit(.note(address: step.address, message: "kept: \(name) is still used by \(users.count) Private Service Connect endpoint(s) of other services (\(users.compactMap(\.producerInstanceId).joined(separator: ", ")))"))
            return .done(nil)
        }
        do {
            guard let op = try await policies.delete(id) else { return .done(nil) }
            return .pending(PendingOperation(address: step.address, action: .delete, token: PendingToken.op(op.name, chain: 0), resourceID: name, detail: "deleting"))
        } catch let e as GCPError where e.api?.status == "FAILED_PRECONDITION" {
            context.events.emit(.note(address: step.address, message: "kept: \(e.api?.message ?? "\(name) is still in use")"))
            return .done(nil)
        }
    }

    // MARK: outputs and status

    func clusterOutputs(_ spec: DeploymentSpec, _ s: GCPSession) async throws -> [OutputValue] {
        let clusters = MemorystoreClusterService(session: s, region: spec.region)
        let id = Self.clusterID(spec)
        guard let c = try await clusters.get(id), let e = c.discoveryEndpoints?.first, let host = e.address, let url = Self.clusterURL(c) else { return [] }
        let port = e.port ?? 6379
        var out = [
            OutputValue(name: "discovery_endpoint", value: "\(host):\(port)",
                        description: "discovery endpoint: connect a cluster client here (redis-py RedisCluster, ioredis Cluster, go-redis ClusterClient); it finds the shards"),
            OutputValue(name: "host", value: host, description: "discovery endpoint address (Private Service Connect, in the configured network)"),
            OutputValue(name: "port", value: String(port)),
            OutputValue(name: "redis_url", value: url, description: "cluster client URL (no password in it), also in Secret Manager"),
            OutputValue(name: "secret", value: SecretManagerAPI(base: s.endpoints.secretManager, project: s.project.id).secretName(spec.effectiveURLSecretName),
                        description: "Secret Manager secret holding the URL (\(spec.urlEnvVar))"),
            OutputValue(name: "cluster_mode", value: "\(c.shardCount ?? 0) shards × (1 + \(c.replicaCount ?? 0) replicas): use a Redis Cluster client; multi-key commands need keys in one hash slot ({tag}), SELECT is not available"),
        ]
        if c.authorizationMode == "AUTH_MODE_IAM_AUTH" {
            out.append(OutputValue(name: "auth", value: "IAM: the password is an IAM access token (`gcloud auth print-access-token`) of a principal with roles/redis.dbConnectionUser, refreshed before it expires (1 h); there is no secret to store",
                                   description: "how clients authenticate"))
        } else {
            out.append(OutputValue(name: "auth", value: "none: authorization is disabled, any client in the network can connect", description: "how clients authenticate"))
        }
        if c.transitEncryptionMode == "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION", let ca = try await clusters.serverCA(id).first {
            out.append(OutputValue(name: "server_ca_cert", value: ca, description: "CA certificate to verify the TLS endpoint (getCertificateAuthority)"))
        }
        return out.sorted { $0.name < $1.name }
    }

    func clusterStatus(_ spec: DeploymentSpec, _ s: GCPSession) async throws -> [ResourceStatus] {
        let clusters = MemorystoreClusterService(session: s, region: spec.region)
        let id = Self.clusterID(spec)
        var out: [ResourceStatus] = []
        if let c = try await clusters.get(id) {
            var details: [String: String] = [
                "shards": String(c.shardCount ?? 0), "replicas_per_shard": String(c.replicaCount ?? 0), "node_type": c.nodeType ?? "?",
                "authorization": c.authorizationMode ?? "AUTH_MODE_DISABLED", "persistence": c.persistenceConfig?.mode ?? "DISABLED",
                "deletion_protection": (c.deletionProtectionEnabled ?? false) ? "on" : "off",
            ]
            if let u = c.stateInfo?.updateInfo {
                var t: [String] = []
                if let n = u.targetShardCount { t.append("\(n) shards") }
                if let n = u.targetReplicaCount { t.append("\(n) replicas per shard") }
                if let n = u.targetNodeType { t.append(n) }
                if !t.isEmpty { details["updating_to"] = t.joined(separator: ", ") }
            }
            if let op = try await clusters.redis.runningOperation(for: clusters.api.clusterName(id)) {
                details["operation"] = "\(op.verb ?? "?") \(op.name) (started \(op.createTime ?? "?"))"
            }
            let e = c.discoveryEndpoints?.first
            out.append(ResourceStatus(address: Self.clusterAddress, type: Self.clusterType, id: c.name, state: c.state ?? "?",
                                      endpoint: e?.address, port: e?.port, size: c.sizeGb.map { "\($0) GB" },
                                      tls: c.transitEncryptionMode == "TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION",
                                      auth: c.authorizationMode == "AUTH_MODE_IAM_AUTH", details: details))
        } else {
            out.append(ResourceStatus(address: Self.clusterAddress, type: Self.clusterType, id: clusters.api.clusterName(id), state: "absent"))
        }
        let policies = ServiceConnectionPolicyService(session: s, region: spec.region)
        if let p = try await policies.get(Self.policyID(spec)) {
            out.append(ResourceStatus(address: Self.policyAddress, type: Self.policyType, id: p.name, state: "exists", details: [
                "network": p.network ?? "?", "subnetworks": (p.pscConfig?.subnetworks ?? []).joined(separator: ", "),
                "service_class": p.serviceClass ?? "?", "connections": String(p.pscConnections?.count ?? 0),
                "created_by": p.description == Self.policyDescription(spec) ? "infera" : "someone else (kept on destroy)",
            ]))
        } else {
            out.append(ResourceStatus(address: Self.policyAddress, type: Self.policyType, id: policies.api.policyName(Self.policyID(spec)), state: "absent"))
        }
        let secrets = SecretManagerService(session: s)
        let sid = spec.effectiveURLSecretName
        let exists = try await secrets.labels(sid) != nil
        out.append(ResourceStatus(address: Self.secretAddress, type: "google_secret_manager_secret", id: secrets.api.secretName(sid),
                                  state: exists ? "exists" : "absent", details: ["env": spec.urlEnvVar]))
        return out
    }
}
