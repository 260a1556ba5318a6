import InferaApply
import InferaHTTP
import InferaPlan

/// Upstash Redis through the Developer API (providers.md §3): one global database per deployment,
/// named `<project>-redis`, found by name (the API has no labels or idempotency key). Every call is
/// synchronous, so there is nothing to poll.
public struct UpstashProvider: Provider {
    public let name = "upstash"
    public let accountDescription: String
    public let pollInterval = 1.0
    let api: UpstashAPI
    static let type = "upstash_redis_database"
    static let address = "upstash_redis_database.main"

    public static let factory = ProviderFactory(
        name: "upstash", displayName: "Upstash",
        credentialsHint: "set UPSTASH_EMAIL and UPSTASH_API_KEY (a Management API key from console.upstash.com)",
        make: { _, context in try UpstashProvider(context: context) })

    public init(context: ProviderContext) throws {
        let env = context.environment
        guard let email = env["UPSTASH_EMAIL"], !email.isEmpty, let key = env["UPSTASH_API_KEY"], !key.isEmpty else {
            throw MissingCredentials(provider: "Upstash", hint: "set UPSTASH_EMAIL and UPSTASH_API_KEY (a Management API key from console.upstash.com)")
        }
        context.secrets.add(key)
        let base = try EndpointOverride.baseURL(env, variables: [UpstashAPI.endpointVariable], default: "https://api.upstash.com")
        let client = context.makeClient(policy: .upstash, authenticator: BasicAuthenticator(user: email, password: key))
        api = UpstashAPI(base: base, client: client, secrets: context.secrets)
        accountDescription = base == "https://api.upstash.com" ? "Upstash account \(email)" : "Upstash account \(email) at \(base)"
    }

    static func databaseName(_ spec: DeploymentSpec) -> String { "\(spec.projectName)-redis" }

    static func upstash(_ spec: DeploymentSpec) -> UpstashSpec {
        if case .upstash(let u) = spec.provider { return u }
        return UpstashSpec()
    }

    public func holdsData(_ resourceType: String) -> Bool { resourceType == Self.type }

    // MARK: refresh

    /// The database named `<project>-redis`; the oldest when (by accident) there are several.
    func find(_ spec: DeploymentSpec) async throws -> UpstashDatabase? {
        let all = try await api.listDatabases(resource: Self.address)
        return all.filter { $0.database_name == Self.databaseName(spec) }.min { ($0.creation_time ?? 0, $0.database_id) < ($1.creation_time ?? 0, $1.database_id) }
    }

    public func refresh(_ spec: DeploymentSpec) async throws -> ObservedState {
        var state = ObservedState(source: accountDescription)
        if let db = try await find(spec) { state.resources[Self.address] = Self.observed(db) }
        return state
    }

    /// The database in `DesiredState`'s attribute names.
    static func observed(_ db: UpstashDatabase) -> ObservedResource {
        var a: [String: AttributeValue] = [
            "database_name": .string(db.database_name),
            "database_id": .string(db.database_id),
            "password": .sensitive,
            "rest_token": .sensitive,
        ]
        if let v = db.region { a["region"] = .string(v) }
        if let v = db.primary_region { a["primary_region"] = .string(v) }
        if let v = db.tls { a["tls"] = .bool(v) }
        if let v = db.eviction { a["eviction"] = .bool(v) }
        if let v = db.auto_upgrade { a["auto_scale"] = .bool(v) }
        if let v = db.prod_pack_enabled { a["prod_pack"] = .bool(v) }
        if let v = db.endpoint { a["endpoint"] = .string(v) }
        if let v = db.port { a["port"] = .int(v) }
        if let v = db.budget { a["budget"] = .int(v) }
        if let v = db.state { a["state"] = .string(v) }
        a["read_regions"] = .list((db.read_regions ?? []).sorted().map { .string($0) })
        return ObservedResource(type: type, name: "main", attributes: a)
    }

    // MARK: steps

    public func start(_ step: ApplyStep, context: StepContext) async throws -> OperationStatus {
        guard step.type == Self.type else {
            throw ProviderError(.other, resource: step.address, message: "the Upstash provider does not manage \(step.type)",
                                hint: "remove it from the deployment")
        }
        switch step.action {
        case .create: return .done(Self.observed(try await createOrAdopt(step.spec)))
        case .update:
            guard let db = try await find(step.spec) else {
                return .done(Self.observed(try await createOrAdopt(step.spec)))
            }
            return .done(Self.observed(try await reconcile(db, step.spec)))
        case .delete:
            if let db = try await find(step.spec) { try await api.deleteDatabase(db.database_id, resource: Self.address) }
            // A delete whose answer was lost is confirmed by listing again.
            if try await find(step.spec) != nil {
                throw ProviderError(.operationFailed, resource: Self.address, message: "the database still exists after the delete",
                                    hint: "re-run `infera destroy`; if it persists, delete it in the Upstash console")
            }
            return .done(nil)
        }
    }

    /// Lists by name first and adopts a match; creates only when none exists. After a failure that
    /// may have reached Upstash (lost connection, timeout, 5xx) it lists again before trying anew,
    /// so a retry never makes a second database.
    func createOrAdopt(_ spec: DeploymentSpec) async throws -> UpstashDatabase {
        let u = Self.upstash(spec)
        var lastError: (any Error)?
        for _ in 0..<4 {
            if let existing = try await find(spec) { return try await reconcile(existing, spec) }
            var body: [String: Any] = [
                "database_name": Self.databaseName(spec), "region": "global", "platform": "aws",
                "primary_region": u.primaryRegion, "tls": true, "eviction": u.eviction,
            ]
            if !u.readRegions.isEmpty { body["read_regions"] = u.readRegions.sorted() }
            if let b = u.budget { body["budget"] = b }
            if u.plan != "payg" { body["plan"] = u.plan }
            do {
                let created = try await api.createDatabase(body, resource: Self.address)
                return try await reconcile(created, spec)
            } catch let e as ProviderError where e.kind == .unreachable || e.kind == .unavailable {
                lastError = e
                continue
            }
        }
        throw lastError ?? ProviderError(.other, resource: Self.address, message: "could not create the database", hint: "re-run `infera apply`")
    }

    /// Brings an existing database's updatable settings to the spec; returns it re-read.
    func reconcile(_ db: UpstashDatabase, _ spec: DeploymentSpec) async throws -> UpstashDatabase {
        let u = Self.upstash(spec)
        let id = db.database_id
        let a = Self.address
        if db.database_name != Self.databaseName(spec) {
            try await api.change(.POST, "/redis/rename/\(id)", ["name": Self.databaseName(spec)], resource: a, doing: "rename the database")
        }
        if let e = db.eviction, e != u.eviction {
            try await api.change(.POST, "/redis/\(u.eviction ? "enable" : "disable")-eviction/\(id)", nil, resource: a,
                                 doing: "\(u.eviction ? "enable" : "disable") eviction")
        }
        if db.tls == false {
            try await api.change(.POST, "/redis/enable-tls/\(id)", nil, resource: a, doing: "enable TLS")
        }
        if (db.read_regions ?? []).sorted() != u.readRegions.sorted() {
            try await api.change(.POST, "/redis/update-regions/\(id)", ["read_regions": u.readRegions.sorted()], resource: a,
                                 doing: "update the read regions")
        }
        if let b = u.budget, db.budget != b {
            try await api.change(.PATCH, "/redis/update-budget/\(id)", ["budget": b], resource: a, doing: "update the budget")
        }
        if let au = db.auto_upgrade, au != u.autoScale {
            try await api.change(.POST, "/redis/\(u.autoScale ? "enable" : "disable")-autoupgrade/\(id)", nil, resource: a,
                                 doing: "\(u.autoScale ? "enable" : "disable") auto-upgrade")
        }
        if let pp = db.prod_pack_enabled, pp != u.prodPack {
            try await api.change(.POST, "/redis/\(id)/change-plan", ["plan_name": u.plan, "prod_pack_enabled": u.prodPack], resource: a,
                                 doing: "change the plan")
        }
        guard let fresh = try await api.getDatabase(id, resource: a) else {
            throw ProviderError(.operationFailed, resource: a, message: "database \(id) disappeared while infera was updating it",
                                hint: "re-run `infera apply` to create it again")
        }
        return fresh
    }

    // MARK: outputs and status

    public func outputs(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [OutputValue] {
        guard case .string(let id)? = observed.resources[Self.address]?.attributes["database_id"],
              let db = try await api.getDatabase(id, resource: Self.address) else { return [] }
        let host = db.endpoint.map { $0.contains(".") ? $0 : "\($0).upstash.io" } ?? ""
        let port = db.port ?? 6379
        var out = [
            OutputValue(name: "endpoint", value: host, description: "Redis host"),
            OutputValue(name: "port", value: String(port), description: "Redis port"),
            OutputValue(name: "rest_url", value: "https://\(host)", description: "Upstash REST API URL"),
            OutputValue(name: "database_id", value: db.database_id, description: "Upstash database id"),
        ]
        if let pw = db.password {
            out.append(OutputValue(name: "password", value: pw, sensitive: true, description: "Redis password (user `default`)"))
            out.append(OutputValue(name: "redis_url", value: "rediss://default:\(pw)@\(host):\(port)", sensitive: true,
                                   description: "Connection URL for \(spec.urlEnvVar)"))
        }
        if let t = db.rest_token { out.append(OutputValue(name: "rest_token", value: t, sensitive: true, description: "REST API token")) }
        return out.sorted { $0.name < $1.name }
    }

    public func status(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [ResourceStatus] {
        guard let r = observed.resources[Self.address], case .string(let id)? = r.attributes["database_id"],
              let db = try await api.getDatabase(id, resource: Self.address) else {
            return [ResourceStatus(address: Self.address, type: Self.type, state: "absent")]
        }
        var details: [String: String] = [
            "primary_region": db.primary_region ?? "?",
            "read_regions": (db.read_regions ?? []).sorted().joined(separator: ",").ifEmpty("none"),
            "eviction": db.eviction.map { String($0) } ?? "?",
        ]
        if let b = db.budget { details["budget"] = "$\(b)/month" }
        let host = db.endpoint.map { $0.contains(".") ? $0 : "\($0).upstash.io" }
        return [ResourceStatus(address: Self.address, type: Self.type, id: db.database_id, state: db.state ?? "unknown",
                               endpoint: host, port: db.port, size: db.type ?? Self.upstash(spec).plan, version: nil,
                               tls: db.tls, auth: db.password != nil ? true : nil, details: details)]
    }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
