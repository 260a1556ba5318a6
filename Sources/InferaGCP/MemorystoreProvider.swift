#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaApply
import InferaHTTP
import InferaPlan

/// GCP Memorystore for Redis + Secret Manager behind `infera apply` (issue #12): the instance
/// `<project>-redis` in the region, found by its deterministic name (create-or-adopt), changed in
/// place with `PATCH ?updateMask=` or `:upgrade`, its connection URL kept in Secret Manager.
public struct MemorystoreProvider: Provider {
    public let name = "memorystore"
    public let accountDescription: String
    public let pollInterval: Double
    let env: GCPEnvironment
    let context: ProviderContext
    let box: SessionBox

    static let instanceType = "google_redis_instance"
    static let instanceAddress = "google_redis_instance.main"
    static let secretAddress = "google_secret_manager_secret.redis_url"
    static let versionAddress = "google_secret_manager_secret_version.redis_url"
    static let credentialsHint = "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a key file (service account or workload identity federation), or GOOGLE_OAUTH_ACCESS_TOKEN"

    public static let factory = ProviderFactory(
        name: "memorystore", displayName: "GCP Memorystore", credentialsHint: credentialsHint,
        supportsClusterMode: true,
        make: { spec, context in try MemorystoreProvider(spec: spec, context: context) })

    public init(spec: DeploymentSpec, context: ProviderContext) throws {
        var env = GCPEnvironment.current()
        env.variables = context.environment
        env.home = context.environment["HOME"]
        self.env = env
        self.context = context
        let source: TokenSource
        do {
            source = try CredentialChain.resolve(env)
        } catch let e as GCPError where e.message.hasPrefix("no GCP credentials found") {
            throw MissingCredentials(provider: "GCP", hint: Self.credentialsHint)
        } catch let e as GCPError {
            throw Self.providerError(e, resource: "gcp credentials")
        }
        let m = Self.memorystore(spec)
        let configured = m.projectID.map { ResolvedProject(id: $0, source: "infera.yaml / GOOGLE_CLOUD_PROJECT") }
        let local = ProjectResolver.resolveLocally(configured: configured, env: env, credentials: source)
        if local == nil, case .metadata = source {} else if local == nil {
            throw Self.providerError(ProjectResolver.missing(source), resource: "gcp project")
        }
        _ = try GCPEndpoints(env: env)
        pollInterval = env.pollInterval
        box = SessionBox(source: source, env: env, configured: configured, context: context)
        var desc = "GCP project \(local?.id ?? "(from the metadata server)")"
        if let l = local { desc += " (from \(l.source))" }
        desc += ", credentials: \(source.label)"
        if let e = try? GCPEndpoints(env: env), e.isLocal { desc += ", endpoints: \(e.redis) (local)" }
        accountDescription = desc
    }

    static func memorystore(_ spec: DeploymentSpec) -> MemorystoreSpec {
        if case .memorystore(let m) = spec.provider { return m }
        return MemorystoreSpec(projectID: nil)
    }

    static func instanceID(_ spec: DeploymentSpec) -> String { "\(spec.projectName)-redis" }

    public func holdsData(_ resourceType: String) -> Bool { resourceType == Self.instanceType || resourceType == Self.clusterType }

    // MARK: refresh

    public func refresh(_ spec: DeploymentSpec) async throws -> ObservedState {
        try await mapped("refresh") {
            let s = try await box.session()
            if spec.isCluster { return try await refreshCluster(spec, s) }
            try Self.checkInput(spec)
            let m = Self.memorystore(spec)
            if let disabled = try await RequiredServices.check(s, RequiredServices.names(privateServiceAccess: m.connectMode == "PRIVATE_SERVICE_ACCESS")),
               !disabled.isEmpty {
                throw RequiredServices.error(disabled, project: s.project.id)
            }
            var state = ObservedState(source: accountDescription)
            let redis = MemorystoreService(session: s, region: spec.region)
            let secrets = SecretManagerService(session: s)
            let id = Self.instanceID(spec)
            let instance = try await redis.get(id)
            if let i = instance { state.resources[Self.instanceAddress] = Self.observed(i, spec: spec, project: s.project.id) }
            if Self.isPSA(spec) {
                for (address, r) in try await observePSA(s, spec) { state.resources[address] = r }
            }
            let sid = spec.effectiveURLSecretName
            if let labels = try await secrets.labels(sid) {
                state.resources[Self.secretAddress] = ObservedResource(type: "google_secret_manager_secret", name: "redis_url", attributes: [
                    "project": .string(s.project.id), "secret_id": .string(sid),
                    "replication": .object([Attribute("auto", .object([]))]),
                    "labels": .object(labels.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) }),
                    "id": .string(secrets.api.secretName(sid)),
                ])
                if let latest = try await secrets.latest(sid) {
                    context.secrets.add(latest.value)
                    // A version whose value is no longer the instance's URL shows as a version to add.
                    var current = true
                    if let i = instance, i.state == "READY" {
                        current = try await connectionURL(i, redis: redis, id: id).value == latest.value
                    }
                    if current {
                        state.resources[Self.versionAddress] = ObservedResource(type: "google_secret_manager_secret_version", name: "redis_url",
                                                                                attributes: ["secret_data": .sensitive, "id": .string(secrets.api.secretName(sid) + "/versions/latest")])
                    }
                }
            }
            // The APIs count as deployed while anything of the deployment exists (they are never disabled on destroy).
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
    }

    /// Bad input caught before any call: a zone instead of a region, an instance id the API refuses.
    static func checkInput(_ spec: DeploymentSpec) throws {
        let r = spec.region
        if GCPNameSyntax.isZone(r) {
            throw GCPError(.input, "region '\(r)' is a zone; Memorystore instances live in a region",
                           hint: "set region: \(r.dropLast(2)) in infera.yaml (the zone is chosen by Memorystore)")
        }
        guard GCPNameSyntax.isRegion(r) else {
            throw GCPError(.input, "region '\(r)' is not a GCP region name",
                           hint: "use a region such as us-central1 or europe-west1 (`gcloud redis regions list`)")
        }
        let id = instanceID(spec)
        guard GCPNameSyntax.isInstanceID(id) else {
            throw GCPError(.input, "instance id '\(id)' is not valid for Memorystore (1-40 lowercase letters, digits or '-', starting with a letter)",
                           hint: "shorten or lowercase project_name in infera.yaml")
        }
    }

    /// The instance in `DesiredState`'s attribute names and shapes.
    static func observed(_ i: RedisInstance, spec: DeploymentSpec, project: String) -> ObservedResource {
        var a: [String: AttributeValue] = [
            "project": .string(project),
            "name": .string(String(i.name?.split(separator: "/").last ?? Substring(instanceID(spec)))),
            "region": .string(spec.region),
            "id": .string(i.name ?? ""),
            "auth_string": .sensitive,
        ]
        func s(_ k: String, _ v: String?) { if let v { a[k] = .string(v) } }
        s("display_name", i.displayName)
        s("tier", i.tier)
        if let m = i.memorySizeGb { a["memory_size_gb"] = .int(m) }
        s("redis_version", i.redisVersion)
        s("authorized_network", i.authorizedNetwork)
        a["connect_mode"] = .string(i.connectMode ?? "DIRECT_PEERING")
        a["auth_enabled"] = .bool(i.authEnabled ?? false)
        a["transit_encryption_mode"] = .string(i.transitEncryptionMode ?? "DISABLED")
        let p = i.persistenceConfig
        let mode = p?.persistenceMode ?? "DISABLED"
        a["persistence_config"] = .object([Attribute("persistence_mode", .string(mode))]
            + (mode == "RDB" ? [Attribute("rdb_snapshot_period", .string(p?.rdbSnapshotPeriod ?? "TWENTY_FOUR_HOURS"))] : []))
        a["labels"] = .object((i.labels ?? [:]).sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) })
        s("host", i.host)
        if let port = i.port { a["port"] = .int(port) }
        if i.tier == "STANDARD_HA" {
            a["replica_count"] = .int(i.replicaCount ?? 1)
            a["read_replicas_mode"] = .string(i.readReplicasMode ?? "READ_REPLICAS_DISABLED")
        }
        s("read_endpoint", i.readEndpoint)
        if let certs = i.serverCaCerts { a["server_ca_certs"] = .list(certs.compactMap { $0.sha1Fingerprint.map { .string($0) } }) }
        s("customer_managed_key", i.customerManagedKey)
        s("reserved_ip_range", i.reservedIpRange)
        if let c = i.redisConfigs, !c.isEmpty { a["redis_configs"] = .object(c.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) }) }
        if let w = i.maintenancePolicy?.weeklyMaintenanceWindow?.first {
            a["maintenance_policy"] = .object([Attribute("day", .string(w.day ?? "")),
                                               Attribute("start_time", .string("\(pad2(w.startTime?.hours ?? 0)):\(pad2(w.startTime?.minutes ?? 0)) UTC"))])
        }
        s("state", i.state)
        return ObservedResource(type: instanceType, name: "main", attributes: a)
    }

    // MARK: steps

    public func start(_ step: ApplyStep, context stepContext: StepContext) async throws -> OperationStatus {
        try await mapped(step.address) {
            let s = try await box.session()
            let spec = step.spec
            if spec.isCluster, let status = try await startCluster(step, s) { return status }
            switch step.type {
            case "google_project_service":
                // Enabled-ness was checked by refresh; infera never disables an API.
                if step.action == .delete { return .done(nil) }
                return .done(stepContext.observed.resources[step.address] ?? ObservedResource(type: step.type, name: step.change.name, attributes: [:]))
            case Self.instanceType:
                let redis = MemorystoreService(session: s, region: spec.region)
                let id = Self.instanceID(spec)
                switch step.action {
                case .delete: return try await deleteInstance(redis, id, StepRef(address: step.address, action: step.action))
                case .create, .update: return try await reconcile(redis, spec, StepRef(address: step.address, action: step.action), chain: 0)
                }
            case "google_secret_manager_secret":
                let secrets = SecretManagerService(session: s)
                let sid = spec.effectiveURLSecretName
                switch step.action {
                case .delete:
                    try await secrets.delete(sid)
                    return .done(nil)
                case .create, .update:
                    let labels = Dictionary(uniqueKeysWithValues: spec.effectiveLabels.map { ($0.key, $0.value) })
                    if try await !secrets.ensure(sid, labels: labels), let have = try await secrets.labels(sid), have != labels {
                        try await secrets.setLabels(sid, labels)
                    }
                    return .done(ObservedResource(type: step.type, name: step.change.name, attributes: [
                        "project": .string(s.project.id), "secret_id": .string(sid),
                        "replication": .object([Attribute("auto", .object([]))]),
                        "labels": .object(labels.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) }),
                        "id": .string(secrets.api.secretName(sid)),
                    ]))
                }
            case "google_secret_manager_secret_version":
                if step.action == .delete { return .done(nil) } // versions go with their secret
                let redis = MemorystoreService(session: s, region: spec.region)
                guard let i = try await redis.get(Self.instanceID(spec)), i.host != nil else {
                    throw GCPError(.operation, "the instance \(redis.api.instanceName(Self.instanceID(spec))) has no endpoint yet, so there is no URL to store",
                                   hint: "run `infera apply` again once the instance is READY (`infera status`)")
                }
                let secrets = SecretManagerService(session: s)
                try await secrets.put(spec.effectiveURLSecretName, value: try await connectionURL(i, redis: redis, id: Self.instanceID(spec)))
                return .done(ObservedResource(type: step.type, name: step.change.name, attributes: [
                    "secret_data": .sensitive, "id": .string(secrets.api.secretName(spec.effectiveURLSecretName) + "/versions/latest"),
                ]))
            case "google_compute_global_address", "google_service_networking_connection":
                return try await startPSA(step, s)
            default:
                throw GCPError(.input, "infera apply does not manage \(step.type)", hint: "report this: the plan names a resource the Memorystore provider does not know")
            }
        }
    }

    public func poll(_ operation: PendingOperation, context stepContext: StepContext) async throws -> OperationStatus {
        try await mapped(operation.address) {
            let s = try await box.session()
            let spec = stepContext.spec
            if operation.address == Self.rangeAddress || operation.address == Self.connectionAddress {
                return try await pollPSA(operation, s, spec)
            }
            if operation.address == Self.clusterAddress || operation.address == Self.policyAddress {
                return try await pollCluster(operation, s, spec)
            }
            let redis = MemorystoreService(session: s, region: spec.region)
            let id = Self.instanceID(spec)
            let token = PendingToken(operation.token)
            let step = StepRef(address: operation.address, action: operation.action)
            if let op = token.operation {
                let status = try await redis.operationStatus(op)
                if !status.done { return .pending(operation) }
                if let e = status.error {
                    let code = e.code.map(Operation.codeName) ?? "UNKNOWN"
                    throw GCPError(.operation, "operation \(op) (\(status.verb ?? operation.action.rawValue)) failed: \(code): \(e.message ?? "")",
                                   hint: "fix the cause named above (quota, network, reserved range) and run `infera apply` again")
                }
            }
            // Finished operation, or an instance that was busy: look again.
            guard let live = try await redis.get(id) else {
                if operation.action == .delete { return .done(nil) }
                return try await reconcile(redis, spec, step, chain: token.chain + 1)
            }
            if MemorystoreService.busyStates.contains(live.state ?? "READY") {
                return .pending(PendingOperation(address: operation.address, action: operation.action, token: PendingToken.wait(id, chain: token.chain),
                                                 resourceID: live.name, detail: (live.state ?? "").lowercased()))
            }
            if operation.action == .delete { return try await deleteInstance(redis, id, step) }
            return try await reconcile(redis, spec, step, chain: token.chain + 1)
        }
    }

    /// Create-or-adopt, then bring the live instance to the spec: `:upgrade` for a newer version,
    /// `PATCH` with the exact mask for the rest; never touches a busy instance.
    func reconcile(_ redis: MemorystoreService, _ spec: DeploymentSpec, _ step: StepRef, chain: Int) async throws -> OperationStatus {
        let s = redis.session
        let id = Self.instanceID(spec)
        let m = Self.memorystore(spec)
        let desired = MemorystoreDiff.desired(spec, m, project: s.project.id)
        func pending(_ token: String, _ detail: String) -> OperationStatus {
            .pending(PendingOperation(address: step.address, action: step.action, token: token, resourceID: redis.api.instanceName(id), detail: detail))
        }
        guard chain < 8 else {
            throw GCPError(.operation, "the instance still differs from infera.yaml after \(chain) operations",
                           hint: "compare `infera plan` with the instance in the console; run `infera apply` again")
        }
        guard let live = try await redis.get(id) else {
            guard let op = try await redis.create(id, desired) else {
                // 409: created by a race or by an earlier attempt whose answer was lost: adopt it.
                return pending(PendingToken.wait(id, chain: chain), "creating")
            }
            return pending(PendingToken.op(op.name, chain: chain), "creating")
        }
        if MemorystoreService.busyStates.contains(live.state ?? "READY") {
            return pending(PendingToken.wait(id, chain: chain), (live.state ?? "").lowercased())
        }
        let change = MemorystoreDiff.compare(desired: desired, live: live)
        if !change.replaceReasons.isEmpty {
            throw GCPError(.input, "\(redis.api.instanceName(id)) cannot be changed in place: \(change.replaceReasons.joined(separator: "; "))",
                           hint: "`infera plan` shows this as -/+ (replace); apply that plan with --allow-replace if losing the data is intended")
        }
        do {
            if let v = change.upgradeTo {
                let op = try await redis.upgrade(id, to: v)
                return pending(PendingToken.op(op.name, chain: chain), "upgrading to \(v)")
            }
            if !change.updateMask.isEmpty {
                let op = try await redis.patch(id, desired, mask: change.updateMask)
                return pending(PendingToken.op(op.name, chain: chain), "updating \(change.updateMask.joined(separator: ","))")
            }
        } catch let e as GCPError where e.api?.status == "FAILED_PRECONDITION" {
            // Another operation is running on the instance: wait for READY, then look again.
            return pending(PendingToken.wait(id, chain: chain), "waiting for READY")
        }
        // In shape: keep the stored URL current (adds a version only when it changed).
        if live.host != nil {
            let secrets = SecretManagerService(session: s)
            if try await secrets.labels(spec.effectiveURLSecretName) != nil {
                try await secrets.put(spec.effectiveURLSecretName, value: try await connectionURL(live, redis: redis, id: id))
            }
        }
        return .done(Self.observed(live, spec: spec, project: s.project.id))
    }

    func deleteInstance(_ redis: MemorystoreService, _ id: String, _ step: StepRef) async throws -> OperationStatus {
        do {
            guard let op = try await redis.delete(id) else { return .done(nil) }
            return .pending(PendingOperation(address: step.address, action: .delete, token: PendingToken.op(op.name, chain: 0),
                                             resourceID: redis.api.instanceName(id), detail: "deleting"))
        } catch let e as GCPError where e.api?.status == "FAILED_PRECONDITION" {
            return .pending(PendingOperation(address: step.address, action: .delete, token: PendingToken.wait(id, chain: 0),
                                             resourceID: redis.api.instanceName(id), detail: "waiting for READY"))
        }
    }

    /// `redis[s]://:AUTH@host:port`, registered as a secret so it is redacted everywhere.
    func connectionURL(_ i: RedisInstance, redis: MemorystoreService, id: String) async throws -> Sensitive {
        let auth = (i.authEnabled ?? false) ? try await redis.authString(id) : nil
        if let a = auth { context.secrets.add(a.value); context.secrets.add(FormEncoding.escape(a.value)) }
        let url = RedisURL.make(host: i.host ?? "", port: i.port ?? 6379, auth: auth, tls: i.transitEncryptionMode == "SERVER_AUTHENTICATION")
        context.secrets.add(url.value)
        context.secrets.add(JSONBase64.encode(Array(url.value.utf8)))
        return url
    }

    // MARK: outputs and status

    public func outputs(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [OutputValue] {
        try await mapped("outputs") {
            let s = try await box.session()
            if spec.isCluster { return try await clusterOutputs(spec, s) }
            let redis = MemorystoreService(session: s, region: spec.region)
            let id = Self.instanceID(spec)
            guard let i = try await redis.get(id), let host = i.host else { return [] }
            var out = [
                OutputValue(name: "host", value: host, description: "primary endpoint (private IP in the authorized network)"),
                OutputValue(name: "port", value: String(i.port ?? 6379)),
                OutputValue(name: "redis_url", value: try await connectionURL(i, redis: redis, id: id).value, sensitive: true,
                            description: "connection URL, also in Secret Manager"),
                OutputValue(name: "secret", value: SecretManagerAPI(base: s.endpoints.secretManager, project: s.project.id).secretName(spec.effectiveURLSecretName),
                            description: "Secret Manager secret holding the URL (\(spec.urlEnvVar))"),
            ]
            if i.authEnabled ?? false, let a = try await redis.authString(id) {
                out.append(OutputValue(name: "auth_string", value: a.value, sensitive: true, description: "Redis AUTH password"))
            }
            if let r = i.readEndpoint { out.append(OutputValue(name: "read_endpoint", value: r, description: "read replicas endpoint")) }
            if let ca = i.serverCaCerts?.first?.cert {
                out.append(OutputValue(name: "server_ca_cert", value: ca, description: "CA certificate to verify the TLS endpoint"))
            }
            return out.sorted { $0.name < $1.name }
        }
    }

    public func status(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [ResourceStatus] {
        try await mapped("status") {
            let s = try await box.session()
            if spec.isCluster { return try await clusterStatus(spec, s) }
            let redis = MemorystoreService(session: s, region: spec.region)
            let id = Self.instanceID(spec)
            var out: [ResourceStatus] = []
            if let i = try await redis.get(id) {
                var details: [String: String] = ["tier": i.tier ?? "?", "replicas": String(i.replicaCount ?? 0),
                                                 "persistence": i.persistenceConfig?.persistenceMode ?? "DISABLED"]
                if let w = i.maintenancePolicy?.weeklyMaintenanceWindow?.first {
                    details["maintenance_window"] = "\(w.day ?? "") \(pad2(w.startTime?.hours ?? 0)):\(pad2(w.startTime?.minutes ?? 0)) UTC"
                }
                if let m = i.maintenanceSchedule?.startTime { details["maintenance_scheduled"] = m }
                if let r = i.readEndpoint { details["read_endpoint"] = "\(r):\(i.readEndpointPort ?? i.port ?? 6379)" }
                if let c = i.currentLocationId { details["zone"] = c }
                if let op = try await redis.runningOperation(for: redis.api.instanceName(id)) {
                    details["operation"] = "\(op.verb ?? "?") \(op.name) (started \(op.createTime ?? "?"))"
                }
                out.append(ResourceStatus(address: Self.instanceAddress, type: Self.instanceType, id: i.name, state: i.state ?? "?",
                                          endpoint: i.host, port: i.port, size: i.memorySizeGb.map { "\($0) GB" }, version: i.redisVersion,
                                          tls: i.transitEncryptionMode == "SERVER_AUTHENTICATION", auth: i.authEnabled ?? false, details: details))
            } else {
                out.append(ResourceStatus(address: Self.instanceAddress, type: Self.instanceType, id: redis.api.instanceName(id), state: "absent"))
            }
            if Self.isPSA(spec) { out += try await psaStatus(s, spec) }
            let secrets = SecretManagerService(session: s)
            let sid = spec.effectiveURLSecretName
            let exists = try await secrets.labels(sid) != nil
            out.append(ResourceStatus(address: Self.secretAddress, type: "google_secret_manager_secret", id: secrets.api.secretName(sid),
                                      state: exists ? "exists" : "absent", details: ["env": spec.urlEnvVar]))
            return out
        }
    }

    // MARK: errors

    func mapped<T: Sendable>(_ resource: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as GCPError {
            throw Self.providerError(e, resource: resource)
        }
    }

    static func providerError(_ e: GCPError, resource: String) -> ProviderError {
        let kind: ProviderError.Kind
        switch e.kind {
        case .credentials: kind = .authentication
        case .project, .input: kind = .rejected
        case .transport: kind = .unreachable
        case .protocolViolation: kind = .unexpectedResponse
        case .operation: kind = .operationFailed
        case .api:
            switch e.api?.httpStatus ?? 0 {
            case 401, 403: kind = .authentication
            case 429, 500...599: kind = .unavailable
            default: kind = .rejected
            }
        }
        return ProviderError(kind, resource: resource, message: e.message, hint: e.hint ?? "re-run with --debug to see the requests",
                             status: e.api?.httpStatus)
    }
}

/// Resolves credentials and project once per process, on first use.
actor SessionBox {
    let source: TokenSource
    let env: GCPEnvironment
    let configured: ResolvedProject?
    let context: ProviderContext
    var cached: GCPSession?

    init(source: TokenSource, env: GCPEnvironment, configured: ResolvedProject?, context: ProviderContext) {
        self.source = source
        self.env = env
        self.configured = configured
        self.context = context
    }

    func session() async throws -> GCPSession {
        if let cached { return cached }
        let s = try await GCPSession.connect(source: source, env: env, configuredProject: configured, context: context)
        cached = s
        return s
    }
}

/// Which step a pending operation belongs to.
struct StepRef: Sendable {
    var address: String
    var action: StepAction
}

/// The journaled handle of a pending step: `op:<operation name>#<n>` or `wait:<instance id>#<n>`
/// (`n` counts chained operations, so a step that never converges stops).
struct PendingToken {
    var operation: String?
    var instance: String?
    var chain: Int

    init(_ s: String) {
        var body = s
        chain = 0
        if let hash = s.lastIndex(of: "#"), let n = Int(s[s.index(after: hash)...]) {
            chain = n
            body = String(s[..<hash])
        }
        if body.hasPrefix("op:") { operation = String(body.dropFirst(3)) } else if body.hasPrefix("wait:") { instance = String(body.dropFirst(5)) } else { operation = body }
    }

    static func op(_ name: String, chain: Int) -> String { "op:\(name)#\(chain)" }
    static func wait(_ id: String, chain: Int) -> String { "wait:\(id)#\(chain)" }
}

func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
