import InferaDiagnostics

/// Turns schema-checked values into a `Config`, applying schema defaults, the environment, and the cross-field and
/// per-provider rules. Every rule adds a diagnostic and carries on.
struct ConfigBuilder {
    let file: String
    let values: [String: Checked]
    let locations: [String: SourceLocation]
    let keyLocations: [String: SourceLocation]
    let environment: [String: String]
    let requireAccount: Bool
    let rootLocation: SourceLocation
    var diagnostics: [Diagnostic] = []
    var cacheProvider: CacheProvider?
    /// `cache.mode: cluster` (set before the provider's settings are built; see ConfigBuilder+Cluster.swift).
    var clusterMode = false

    /// The cache schema the validator used (it may differ from `cache.provider` when that does not fit the provider).
    let chosenCacheVariant: CacheProvider?

    /// Sections with an unknown (probably misspelt) key.
    let uncertainSections: Set<String>

    init(file: String, values: [String: Checked], chosenCacheVariant: CacheProvider?, uncertainSections: Set<String>, locations: [String: SourceLocation], keyLocations: [String: SourceLocation],
         environment: [String: String], requireAccount: Bool, rootLocation: SourceLocation) {
        self.file = file
        self.values = values
        self.chosenCacheVariant = chosenCacheVariant
        self.uncertainSections = uncertainSections
        self.locations = locations
        self.keyLocations = keyLocations
        self.environment = environment
        self.requireAccount = requireAccount
        self.rootLocation = rootLocation
    }

    // MARK: reading

    func value(_ path: String) -> Checked? {
        var current: Checked? = .object(values)
        for part in path.split(separator: ".") {
            current = current?.object?[String(part)]
        }
        return current
    }

    /// True when every input of a rule is what the user meant: no written-but-invalid value, and no misspelt key in
    /// its section (a rule fired on a default that replaced a typo would only add noise).
    func trusted(_ paths: String...) -> Bool {
        for path in paths {
            if written(path) && value(path) == nil { return false }
            let parent = path.split(separator: ".").dropLast().joined(separator: ".")
            if uncertainSections.contains(parent) { return false }
        }
        return true
    }

    /// True when the key at `path` was written in the file (even if its value was invalid).
    func written(_ path: String) -> Bool { keyLocations[path] != nil }

    /// The schema property at a dotted path, following the chosen cache variant.
    private func property(_ path: String) -> PropertySchema? {
        var schema = ConfigSchema.root
        let parts = path.split(separator: ".").map(String.init)
        for (i, part) in parts.enumerated() {
            guard let p = schema.property(part) else { return nil }
            if i == parts.count - 1 { return p }
            switch p.type {
            case .object(let o): schema = o
            case .variants:
                guard let provider = cacheProvider else { return nil }
                schema = ConfigSchema.cacheSchema(for: provider)
            default: return nil
            }
        }
        return nil
    }

    func string(_ path: String) -> String? {
        value(path)?.string ?? { if case .string(let s)? = property(path)?.defaultValue { return s }; return nil }()
    }

    func int(_ path: String) -> Int? {
        value(path)?.int ?? { if case .int(let i)? = property(path)?.defaultValue { return i }; return nil }()
    }

    func bool(_ path: String) -> Bool? {
        value(path)?.bool ?? { if case .bool(let b)? = property(path)?.defaultValue { return b }; return nil }()
    }

    private func stringMap(_ path: String) -> [String: String] {
        var result: [String: String] = [:]
        for (k, v) in value(path)?.object ?? [:] { if let s = v.string { result[k] = s } }
        return result
    }

    private func stringList(_ path: String) -> [String] {
        (value(path)?.list ?? []).compactMap(\.string)
    }

    func enumValue<E: RawRepresentable>(_ path: String, _ type: E.Type) -> E? where E.RawValue == String {
        string(path).flatMap(E.init(rawValue:))
    }

    /// The best place to point at for `path`: its value, else its key, else the nearest written parent, else the top.
    func at(_ path: String) -> SourceLocation {
        if let l = locations[path] { return l }
        if let l = keyLocations[path] { return l }
        var parts = path.split(separator: ".")
        while !parts.isEmpty {
            parts.removeLast()
            let parent = parts.joined(separator: ".")
            if let l = keyLocations[parent] { return l.startOnly }
        }
        return rootLocation
    }

    mutating func error(_ code: String, _ message: String, at path: String, hint: String? = nil) {
        diagnostics.append(.error(code, message, at: at(path), hint: hint))
    }

    mutating func warning(_ code: String, _ message: String, at path: String, hint: String? = nil) {
        diagnostics.append(.warning(code, message, at: at(path), hint: hint))
    }

    private func env(_ names: [String]) -> Sourced<String>? {
        for name in names {
            if let v = environment[name], !v.isEmpty { return Sourced(v, source: .environment(name)) }
        }
        return nil
    }

    private func sourced(_ path: String) -> Sourced<String>? {
        guard let v = value(path)?.string else { return nil }
        return Sourced(v, source: .file(at(path)))
    }

    // MARK: build

    mutating func build() -> Config? {
        let provider = enumValue("provider", CloudProvider.self)
        let writtenCacheProvider = enumValue("cache.provider", CacheProvider.self)
        cacheProvider = chosenCacheVariant ?? writtenCacheProvider ?? provider?.defaultCacheProvider
        if let provider, let writtenCacheProvider, !provider.compatibleCacheProviders.contains(writtenCacheProvider) {
            let options = provider.compatibleCacheProviders.map(\.rawValue).joined(separator: " or ")
            error("config.provider-mismatch",
                  "cache.provider '\(writtenCacheProvider.rawValue)' is \(writtenCacheProvider.cloud.displayName)-only, but provider is '\(provider.rawValue)'",
                  at: "cache.provider",
                  hint: "use cache.provider: \(options) with provider: \(provider.rawValue), or provider: \(writtenCacheProvider.cloud.rawValue) for \(writtenCacheProvider.rawValue)")
        }
        let projectName = value("project_name")?.string
        let environmentName = string("environment") ?? "production"
        let account = buildAccount(provider: provider)

        var settings: CacheSettings?
        var region = buildRegion(provider: provider)
        let mode = checkMode()
        clusterMode = mode == .cluster && cacheProvider != .upstash
        switch cacheProvider {
        case .memorystore?: settings = buildMemorystore(environment: environmentName, provider: provider).map(CacheSettings.memorystore)
        case .elasticache?: settings = buildElastiCache(environment: environmentName).map(CacheSettings.elasticache)
        case .upstash?:
            let upstash = buildUpstash(region: region)
            settings = upstash.map(CacheSettings.upstash)
            if region == nil, let u = upstash { region = Sourced(u.primaryRegion, source: .defaulted) }
        case nil: break
        }
        if let provider, provider != .upstash { checkRegion(region, cloud: provider) }
        if region == nil, !written("region"), let provider, provider != .upstash || cacheProvider != .upstash {
            let vars = provider == .gcp ? "CLOUDSDK_COMPUTE_REGION" : "AWS_REGION or AWS_DEFAULT_REGION"
            if provider != .upstash {
                diagnostics.append(.error(ConfigCode.missing, "missing required key 'region' in the file",
                                          at: rootLocation, hint: "add 'region: \(provider == .gcp ? "us-central1" : "us-east-1")', or set \(vars)"))
            }
        }
        if let projectName, let cacheProvider { checkProjectName(projectName, cacheProvider) }
        let application = buildApplication(provider: provider)
        checkAccountUse(provider: provider, account: account)

        let cluster = clusterMode ? buildCluster(environment: environmentName) : nil
        guard let projectName, let provider, let cacheProvider, let settings, let region else { return nil }
        if clusterMode && cluster == nil { return nil }
        var allLocations = keyLocations
        for (k, v) in locations { allLocations[k] = v }
        var cache = CacheConfig(type: enumValue("cache.type", CacheType.self) ?? .redis, provider: cacheProvider, settings: settings)
        cache.mode = clusterMode ? .cluster : .standalone
        cache.cluster = cluster
        cache.workload = buildWorkload()
        return Config(file: file, projectName: projectName, provider: provider, region: region, environment: environmentName,
                      account: account, cache: cache, application: application, locations: allLocations)
    }

    // MARK: region

    private func buildRegion(provider: CloudProvider?) -> Sourced<String>? {
        if let r = sourced("region") { return r }
        if written("region") { return nil }
        switch provider {
        case .gcp?: return env(["CLOUDSDK_COMPUTE_REGION", "GOOGLE_REGION"])
        case .aws?: return env(["AWS_REGION", "AWS_DEFAULT_REGION"])
        default: return nil
        }
    }

    private mutating func checkRegion(_ region: Sourced<String>?, cloud: CloudProvider) {
        guard let region else { return }
        let (known, other, otherName, example) = cloud == .gcp
            ? (ConfigSchema.gcpRegions, ConfigSchema.awsRegions, "an AWS", "us-central1")
            : (ConfigSchema.awsRegions, ConfigSchema.gcpRegions, "a GCP", "us-east-1")
        let value = region.value
        guard !known.contains(value) else { return }
        let place: SourceLocation?
        var origin = ""
        switch region.source {
        case .file(let l): place = l
        case .environment(let name): place = rootLocation; origin = " (from \(name))"
        case .defaulted: place = rootLocation
        }
        var message = "'\(value)'\(origin) is not a \(cloud.displayName) region"
        if let s = SchemaValidator.suggest(value, from: known) { message += " (did you mean '\(s)'?)" }
        if other.contains(value) {
            diagnostics.append(.error(ConfigCode.region, "'\(value)'\(origin) is \(otherName) region, but provider is '\(cloud.rawValue)'",
                                      at: place, hint: "use a \(cloud.displayName) region such as \(example)"))
        } else {
            diagnostics.append(.error(ConfigCode.region, message, at: place,
                                      hint: "\(cloud.displayName) regions look like \(example); see `infera schema` for the list"))
        }
    }

    // MARK: project name

    private mutating func checkProjectName(_ name: String, _ provider: CacheProvider) {
        let max = ResourceNaming.maxProjectNameLength(for: provider)
        let what: String
        switch provider {
        case .memorystore: what = "a Memorystore instance id"
        case .elasticache: what = "an ElastiCache replication group id"
        case .upstash: what = "an Upstash database name"
        }
        var problem: String?
        if !Pattern.matches("^[a-z][a-z0-9-]*$", name) {
            problem = "use lowercase letters, digits and '-', starting with a letter"
        } else if name.hasSuffix("-") {
            problem = "it must not end with '-'"
        } else if name.contains("--") {
            problem = "it must not contain '--'"
        } else if name.count > max {
            problem = "it is \(name.count) characters; at most \(max) fit before the '\(ResourceNaming.cacheSuffix)' suffix"
        }
        guard let problem else { return }
        let suggestion = Self.sanitizedName(name, max: max)
        error(ConfigCode.name, "project name '\(name)' cannot become \(what): \(problem)", at: "project_name",
              hint: suggestion.isEmpty || suggestion == name ? nil : "try 'project_name: \(suggestion)'")
    }

    /// A legal name close to `name`: lowercase, other characters to '-', no doubled or trailing '-', within `max`.
    static func sanitizedName(_ name: String, max: Int) -> String {
        var out = ""
        for ch in name.lowercased() {
            let ok = ch.isASCII && (ch.isLetter || ch.isNumber)
            if ok { out.append(ch) } else if !out.hasSuffix("-") && !out.isEmpty { out.append("-") }
        }
        if let first = out.first, !first.isLetter { out = "app-" + out }
        if out.count > max { out = String(out.prefix(max)) }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    // MARK: account

    private func buildAccount(provider: CloudProvider?) -> AccountSettings {
        AccountSettings(
            gcpProjectID: sourced("gcp.project_id") ?? env(["GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "GOOGLE_PROJECT"]),
            awsAccountID: sourced("aws.account_id"),
            awsProfile: sourced("aws.profile") ?? env(["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]),
            upstashEmail: sourced("upstash.email") ?? env(["UPSTASH_EMAIL"]),
            upstashAPIKeyPresent: !(environment["UPSTASH_API_KEY"] ?? "").isEmpty)
    }

    private mutating func checkAccountUse(provider: CloudProvider?, account: AccountSettings) {
        guard let provider else { return }
        let usesGCP = provider == .gcp
        let usesAWS = provider == .aws
        let usesUpstash = cacheProvider == .upstash
        for (section, used) in [("gcp", usesGCP), ("aws", usesAWS), ("upstash", usesUpstash)] where written(section) && !used {
            warning(ConfigCode.account, "the '\(section)' section is not used with provider '\(provider.rawValue)'"
                    + (cacheProvider.map { " and cache.provider '\($0.rawValue)'" } ?? ""), at: section,
                    hint: "remove it, or check 'provider'")
        }
        if let p = account.gcpProjectID, case .environment(let name) = p.source,
           !(6...30).contains(p.value.count) || !Pattern.matches("^[a-z][a-z0-9-]*[a-z0-9]$", p.value), usesGCP {
            diagnostics.append(.warning(ConfigCode.account, "\(name)='\(p.value)' does not look like a GCP project id", at: rootLocation,
                                        hint: "set gcp.project_id in the file to override it"))
        }
        guard requireAccount else { return }
        if usesGCP && cacheProvider == .memorystore && account.gcpProjectID == nil {
            diagnostics.append(.error(ConfigCode.account, "no GCP project id", at: rootLocation,
                                      hint: "add 'gcp: {project_id: my-project}', or set GOOGLE_CLOUD_PROJECT"))
        }
        if usesUpstash {
            if account.upstashEmail == nil {
                diagnostics.append(.error(ConfigCode.account, "no Upstash account email", at: rootLocation,
                                          hint: "add 'upstash: {email: you@example.com}', or set UPSTASH_EMAIL"))
            }
            if !account.upstashAPIKeyPresent {
                diagnostics.append(.error(ConfigCode.account, "no Upstash API key", at: rootLocation, hint: "export UPSTASH_API_KEY"))
            }
        }
    }

    // MARK: Memorystore

    private mutating func buildMemorystore(environment: String, provider: CloudProvider?) -> MemorystoreConfig? {
        let tier = enumValue("cache.instance.tier", MemorystoreTier.self) ?? .basic
        let memory = int("cache.instance.memory_size_gb") ?? 1
        let readReplicas = bool("cache.instance.read_replicas") ?? false
        let writtenReplicas = value("cache.instance.replica_count")?.int
        let replicas: Int
        let tierRules = !clusterMode && trusted("cache.instance.tier", "cache.instance.replica_count", "cache.instance.read_replicas", "cache.instance.memory_size_gb")
        switch tier {
        case .basic:
            replicas = 0
            if tierRules, let n = writtenReplicas, n > 0 {
                error("config.rule.basic-replicas", "Memorystore BASIC tier has no replicas, but replica_count is \(n)",
                      at: "cache.instance.replica_count", hint: "use tier: STANDARD_HA for replicas, or remove replica_count")
            }
            if tierRules && readReplicas {
                error("config.rule.basic-read-replicas", "read replicas need tier STANDARD_HA, not BASIC",
                      at: "cache.instance.read_replicas", hint: "set tier: STANDARD_HA, or remove read_replicas")
            }
        case .standardHA:
            if readReplicas {
                replicas = writtenReplicas ?? 2
                if tierRules && replicas < 1 {
                    error("config.rule.read-replica-count", "read replicas need replica_count between 1 and 5, not \(replicas)",
                          at: "cache.instance.replica_count")
                }
            } else {
                replicas = writtenReplicas ?? 1
                if tierRules, let n = writtenReplicas, n != 1 {
                    error("config.rule.standard-replicas",
                          n == 0 ? "STANDARD_HA always has one replica; replica_count 0 means tier BASIC"
                                 : "STANDARD_HA without read replicas has exactly 1 replica, not \(n)",
                          at: "cache.instance.replica_count",
                          hint: n == 0 ? "use tier: BASIC, or remove replica_count" : "set read_replicas: true for 2-5 replicas, or replica_count: 1")
                }
            }
        }
        if tierRules && readReplicas && memory < 5 {
            error("config.rule.read-replicas-memory", "read replicas need memory_size_gb of at least 5, not \(memory)",
                  at: written("cache.instance.memory_size_gb") ? "cache.instance.memory_size_gb" : "cache.instance.read_replicas",
                  hint: "raise memory_size_gb to 5, or remove read_replicas")
        }

        let authEnabled = bool("cache.security.auth_enabled") ?? true
        let transit = bool("cache.security.transit_encryption") ?? true
        let securityRules = trusted("cache.security.auth_enabled", "cache.security.transit_encryption")
        if securityRules && authEnabled && !transit {
            warning("config.rule.auth-cleartext", "AUTH without transit encryption sends the password in clear text",
                    at: "cache.security.transit_encryption", hint: "set transit_encryption: true")
        }
        let production = environment == "production" || environment == "prod"
        if securityRules && production && !authEnabled {
            warning("config.rule.production-auth", "a production cache without AUTH accepts any client in the VPC",
                    at: "cache.security.auth_enabled", hint: "set auth_enabled: true")
        }
        if tierRules && production && tier == .basic && written("cache.instance.tier") {
            warning("config.rule.production-basic", "tier BASIC has no replica and no failover: an outage or maintenance empties the cache",
                    at: "cache.instance.tier",
                    hint: "use tier: STANDARD_HA for production, or set environment: development")
        }

        let mode = enumValue("cache.persistence.mode", PersistenceMode.self) ?? .disabled
        var period = enumValue("cache.persistence.snapshot_period", SnapshotPeriod.self)
        let startTime = string("cache.persistence.snapshot_start_time").flatMap(TimeOfDay.init(parsing:))
        if mode == .disabled {
            for key in ["snapshot_period", "snapshot_start_time"] where written("cache.persistence.\(key)") && trusted("cache.persistence.mode") {
                error("config.rule.persistence-disabled", "\(key) needs persistence mode RDB", at: "cache.persistence.\(key)",
                      hint: "set mode: RDB, or remove \(key)")
            }
            period = nil
        } else if period == nil {
            period = .twentyFourHours
        }

        let connect = enumValue("cache.networking.connect_mode", ConnectMode.self) ?? .directPeering
        let networking = MemorystoreNetworking(network: string("cache.networking.network") ?? "default", connectMode: connect,
                                               reservedIPRange: string("cache.networking.reserved_ip_range"),
                                               vpcConnector: bool("cache.networking.vpc_connector") ?? false)
        var maintenance: WeeklyMaintenanceWindow?
        if let day = enumValue("cache.maintenance.day", DayOfWeek.self),
           let start = string("cache.maintenance.start_time").flatMap(TimeOfDay.init(parsing:)) {
            maintenance = WeeklyMaintenanceWindow(day: day, startTime: start)
        }
        return MemorystoreConfig(
            tier: tier, memorySizeGB: memory, replicaCount: replicas, readReplicasEnabled: readReplicas,
            version: enumValue("cache.version", MemorystoreVersion.self) ?? .redis70,
            authEnabled: authEnabled, transitEncryption: transit, customerManagedKey: string("cache.security.customer_managed_key"),
            persistence: MemorystorePersistence(mode: mode, snapshotPeriod: period, snapshotStartTime: startTime),
            networking: networking, maintenance: maintenance, labels: stringMap("cache.labels"),
            evictionPolicy: enumValue("cache.eviction_policy", EvictionPolicy.self), redisConfig: stringMap("cache.redis_config"))
    }

    // MARK: ElastiCache

    private mutating func buildElastiCache(environment: String) -> ElastiCacheConfig? {
        let engine = enumValue("cache.engine", ElastiCacheEngine.self) ?? .redis
        let versions = ConfigSchema.elasticacheVersions(for: engine)
        var version = versions[0]
        if let v = value("cache.version")?.string {
            version = v
            if !versions.contains(v) {
                var message = "ElastiCache \(engine.rawValue) has no version '\(v)'"
                if let s = SchemaValidator.suggest(v, from: versions) { message += " (did you mean '\(s)'?)" }
                error("config.rule.engine-version", message, at: "cache.version", hint: "\(engine.rawValue) versions: " + versions.joined(separator: ", "))
            }
        }
        let nodeType = string("cache.instance.node_type") ?? "cache.t4g.micro"
        if ConfigSchema.elasticachePreviousNodeTypes.contains(nodeType) {
            warning("config.rule.previous-generation", "'\(nodeType)' is a previous-generation node type",
                    at: "cache.instance.node_type", hint: "current types cost less for the same memory, e.g. cache.t4g.small or cache.r7g.large")
        }
        let graviton = ["t4g", "m6g", "m7g", "r6g", "r7g"].contains { nodeType.hasPrefix("cache.\($0).") }
        if graviton && engine == .redis && (version.hasPrefix("4.") || version.hasPrefix("5.0.0")) {
            error("config.rule.node-version", "'\(nodeType)' needs Redis 5.0.6 or later, not \(version)", at: "cache.instance.node_type")
        }
        let replicas = clusterMode ? (int("cache.instance.replicas_per_shard") ?? 1) : (int("cache.instance.replica_count") ?? 1)
        let failover = clusterMode ? true : (bool("cache.instance.automatic_failover") ?? (replicas > 0))
        let multiAZ = bool("cache.instance.multi_az") ?? (replicas > 0)
        let nodeRules = !clusterMode && trusted("cache.instance.replica_count", "cache.instance.automatic_failover", "cache.instance.multi_az")
        if nodeRules && failover && replicas == 0 {
            error("config.rule.failover-replicas", "automatic failover needs at least one replica (replica_count is 0)",
                  at: "cache.instance.automatic_failover", hint: "set replica_count: 1 or more, or automatic_failover: false")
        }
        if nodeRules && multiAZ && !failover {
            error("config.rule.multi-az-failover", "multi_az needs automatic_failover", at: "cache.instance.multi_az",
                  hint: "set automatic_failover: true (and replica_count of 1 or more)")
        }
        let authToken = bool("cache.security.auth_token") ?? true
        let transit = bool("cache.security.transit_encryption") ?? true
        let atRest = bool("cache.security.at_rest_encryption") ?? true
        let securityRules = trusted("cache.security.auth_token", "cache.security.transit_encryption", "cache.security.at_rest_encryption")
        if securityRules && authToken && !transit {
            error("config.rule.auth-token-transit", "an ElastiCache AUTH token requires transit encryption",
                  at: written("cache.security.auth_token") ? "cache.security.auth_token" : "cache.security.transit_encryption",
                  hint: "set transit_encryption: true, or auth_token: false")
        }
        let kms = string("cache.security.kms_key_id")
        if securityRules && kms != nil && !atRest {
            error("config.rule.kms-at-rest", "kms_key_id needs at_rest_encryption", at: "cache.security.kms_key_id",
                  hint: "set at_rest_encryption: true, or remove kms_key_id")
        }
        let production = environment == "production" || environment == "prod"
        if securityRules && production && !authToken {
            warning("config.rule.production-auth", "a production cache without an AUTH token accepts any client in the VPC",
                    at: "cache.security.auth_token", hint: "set auth_token: true")
        }
        if nodeRules && production && replicas == 0 {
            warning("config.rule.production-replicas", "no replica: a node failure empties the cache and stops writes until it is replaced",
                    at: written("cache.instance.replica_count") ? "cache.instance.replica_count" : "cache.instance",
                    hint: "use replica_count: 1 or more for production")
        }

        let retention = int("cache.snapshots.retention_days") ?? 1
        let snapshotWindow = value("cache.snapshots.window")?.string
        let maintenanceWindow = value("cache.maintenance.window")?.string
        var snapshotRange: (Int, Int)?
        if let w = snapshotWindow, let r = Self.dailyWindow(w) {
            snapshotRange = r
            if r.1 - r.0 < 60 {
                error("config.rule.window-length", "the snapshot window must be at least 60 minutes, not \(r.1 - r.0)", at: "cache.snapshots.window")
            }
            if retention == 0 {
                warning("config.rule.snapshots-disabled", "retention_days is 0, so no snapshots are taken and the window is unused",
                        at: "cache.snapshots.window", hint: "set retention_days: 1 or more, or remove the window")
            }
        }
        if let w = maintenanceWindow, let m = Self.weeklyWindow(w) {
            if m.1 - m.0 < 60 {
                error("config.rule.window-length", "the maintenance window must be at least 60 minutes, not \(m.1 - m.0)", at: "cache.maintenance.window")
            }
            if let s = snapshotRange, retention > 0, Self.overlapsDaily(weekly: m, daily: s) {
                warning("config.rule.window-overlap", "the maintenance window overlaps the daily snapshot window",
                        at: "cache.maintenance.window", hint: "move one of them; ElastiCache cannot snapshot during maintenance")
            }
        }
        var parameters = stringMap("cache.parameters")
        if parameters["maxmemory-policy"] != nil {
            error("config.rule.parameter-eviction", "set maxmemory-policy with 'eviction_policy', not under 'parameters'",
                  at: "cache.parameters.maxmemory-policy", hint: "move it to cache.eviction_policy")
            parameters["maxmemory-policy"] = nil
        }
        let networking = ElastiCacheNetworking(vpcID: string("cache.networking.vpc_id"), subnetIDs: stringList("cache.networking.subnet_ids"),
                                               securityGroupIDs: stringList("cache.networking.security_group_ids"),
                                               allowedCIDRs: stringList("cache.networking.allowed_cidrs"))
        if multiAZ && networking.subnetIDs.count == 1 {
            warning("config.rule.multi-az-subnets", "multi_az needs subnets in at least two availability zones; one subnet is listed",
                    at: "cache.networking.subnet_ids", hint: "list a private subnet from a second availability zone")
        }
        if !networking.securityGroupIDs.isEmpty && !networking.allowedCIDRs.isEmpty {
            warning("config.rule.cidrs-ignored", "allowed_cidrs is ignored when security_group_ids are given",
                    at: "cache.networking.allowed_cidrs", hint: "add the rule to your security group, or remove security_group_ids")
        }
        for cidr in networking.allowedCIDRs where cidr.hasSuffix("/0") {
            warning("config.rule.open-cidr", "'\(cidr)' opens Redis to every address", at: "cache.networking.allowed_cidrs",
                    hint: "allow only the application's subnets")
        }
        return ElastiCacheConfig(
            engine: engine, engineVersion: version, nodeType: nodeType, replicaCount: replicas, automaticFailover: failover,
            multiAZ: multiAZ, authToken: authToken, transitEncryption: transit, atRestEncryption: atRest, kmsKeyID: kms,
            snapshotRetentionDays: retention, snapshotWindow: snapshotWindow, maintenanceWindow: maintenanceWindow,
            evictionPolicy: enumValue("cache.eviction_policy", EvictionPolicy.self), parameters: parameters,
            networking: networking, tags: stringMap("cache.tags"), applyImmediately: bool("cache.apply_immediately") ?? false)
    }

    /// `HH:MM-HH:MM` as minutes since midnight; the end may wrap past midnight.
    static func dailyWindow(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let a = TimeOfDay(parsing: String(parts[0])), let b = TimeOfDay(parsing: String(parts[1])) else { return nil }
        let end = b.minutes <= a.minutes ? b.minutes + 1440 : b.minutes
        return (a.minutes, end)
    }

    /// `ddd:HH:MM-ddd:HH:MM` as minutes since Sunday 00:00; the end may wrap past the week.
    static func weeklyWindow(_ text: String) -> (Int, Int)? {
        let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        let halves = text.split(separator: "-")
        guard halves.count == 2 else { return nil }
        func parse(_ s: Substring) -> Int? {
            let p = s.split(separator: ":", maxSplits: 1)
            guard p.count == 2, let d = days.firstIndex(of: String(p[0])), let t = TimeOfDay(parsing: String(p[1])) else { return nil }
            return d * 1440 + t.minutes
        }
        guard let a = parse(halves[0]), let b = parse(halves[1]) else { return nil }
        return (a, b <= a ? b + 7 * 1440 : b)
    }

    static func overlapsDaily(weekly: (Int, Int), daily: (Int, Int)) -> Bool {
        for day in -1...7 {
            let s = daily.0 + day * 1440, e = daily.1 + day * 1440
            if s < weekly.1 && weekly.0 < e { return true }
        }
        return false
    }

    // MARK: Upstash

    private mutating func buildUpstash(region: Sourced<String>?) -> UpstashConfig? {
        let all = ConfigSchema.upstashAWSRegions + ConfigSchema.upstashGCPRegions
        var primary = value("cache.primary_region")?.string
        if primary == nil && !written("cache.primary_region"), let region {
            if all.contains(region.value) {
                primary = region.value
            } else {
                var message = "'\(region.value)' is not an Upstash region"
                if let s = SchemaValidator.suggest(region.value, from: all) { message += " (did you mean '\(s)'?)" }
                error(ConfigCode.region, message, at: "region", hint: "set cache.primary_region to one of: " + all.joined(separator: ", "))
            }
        } else if primary == nil && !written("cache.primary_region") && !written("region") {
            diagnostics.append(.error(ConfigCode.missing, "missing required key 'primary_region' in 'cache'",
                                      at: keyLocations["cache"] ?? rootLocation,
                                      hint: "add 'primary_region: us-east-1' (or set the top-level region)"))
        }
        let readRegions = stringList("cache.read_regions")
        let platform = primary.map { ConfigSchema.upstashGCPRegions.contains($0) ? "gcp" : "aws" } ?? "aws"
        if let primary {
            if readRegions.contains(primary) {
                error("config.rule.read-region-primary", "read_regions must not include the primary region '\(primary)'",
                      at: "cache.read_regions", hint: "remove '\(primary)' from read_regions")
            }
            if platform == "gcp" && !readRegions.isEmpty {
                error("config.rule.read-regions-gcp", "read regions need an AWS primary region; '\(primary)' is on GCP",
                      at: "cache.read_regions", hint: "choose an AWS primary_region such as us-east-1, or remove read_regions")
            }
        }
        let tls = bool("cache.tls") ?? true
        if !tls {
            warning("config.rule.upstash-tls", "Upstash enables TLS on every new database; 'tls: false' has no effect", at: "cache.tls",
                    hint: "remove 'tls: false'; clients must connect with rediss://")
        }
        let plan = enumValue("cache.plan", UpstashPlan.self) ?? .payg
        let budget = value("cache.budget")?.int
        if budget != nil && plan != .payg {
            warning("config.rule.upstash-budget", "a budget applies only to the payg plan, not '\(plan.rawValue)'", at: "cache.budget",
                    hint: "remove budget, or use plan: payg")
        }
        if plan == .free && !readRegions.isEmpty {
            error("config.rule.upstash-free-read-regions", "the free plan has no read regions", at: "cache.read_regions",
                  hint: "use plan: payg or a fixed plan, or remove read_regions")
        }
        guard let primary else { return nil }
        return UpstashConfig(primaryRegion: primary, readRegions: readRegions, platform: platform, tls: tls,
                             eviction: bool("cache.eviction") ?? true, plan: plan, budget: budget)
    }

    // MARK: application

    private mutating func buildApplication(provider: CloudProvider?) -> ApplicationConfig? {
        guard value("application") != nil || written("application") else {
            if cacheProvider == .memorystore, bool("cache.networking.vpc_connector") == true {
                warning("config.rule.vpc-connector-name", "networking.vpc_connector is on but no connector is named",
                        at: "cache.networking.vpc_connector", hint: "add 'application: {vpc_connector: NAME}'")
            }
            return nil
        }
        let service = enumValue("application.service", ApplicationService.self)
        let connector = string("application.vpc_connector")
        if let service, let cloud = service.cloud, let provider, provider != .upstash, cloud != provider {
            error("config.rule.service-provider", "service '\(service.rawValue)' runs on \(cloud.displayName), but provider is '\(provider.rawValue)'",
                  at: "application.service",
                  hint: "choose a \(provider.displayName) service (\(ApplicationService.allCases.filter { $0.cloud == provider }.map(\.rawValue).joined(separator: ", ")))")
        }
        if connector != nil, let provider, provider != .gcp {
            error("config.rule.vpc-connector-gcp", "vpc_connector is a GCP setting; provider is '\(provider.rawValue)'",
                  at: "application.vpc_connector", hint: "remove vpc_connector")
        }
        if cacheProvider == .memorystore {
            let connectorOn = bool("cache.networking.vpc_connector") ?? false
            if connectorOn && connector == nil {
                warning("config.rule.vpc-connector-name", "networking.vpc_connector is on but application.vpc_connector names no connector",
                        at: "cache.networking.vpc_connector", hint: "add 'vpc_connector: NAME' under application")
            }
            if let service, service.needsServerlessVPCAccess, !connectorOn, connector == nil {
                warning("config.rule.serverless-vpc", "\(service.rawValue) cannot reach Memorystore without VPC access",
                        at: "application.service",
                        hint: "set cache.networking.vpc_connector: true and application.vpc_connector: NAME (or use Direct VPC egress)")
            }
        }
        var env: [EnvVar] = []
        for (name, v) in (value("application.env")?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let literal = v.string {
                env.append(EnvVar(name: name, value: .literal(literal)))
                if Self.looksSecret(name: name, value: literal) {
                    warning(ConfigCode.secret, "'\(name)' looks like a credential written in the file", at: "application.env.\(name)",
                            hint: "store it in the secret manager and write '\(name): {from_secret: \(name.lowercased().replacingUnderscores())}'")
                }
            } else if let secret = v.object?["from_secret"]?.string {
                env.append(EnvVar(name: name, value: .secret(secret)))
            }
        }
        return ApplicationConfig(service: service, vpcConnector: connector, env: env)
    }

    static func looksSecret(name: String, value: String) -> Bool {
        if value.isEmpty { return false }
        let upper = name.uppercased()
        if ["PASSWORD", "SECRET", "TOKEN", "API_KEY", "AUTH"].contains(where: { upper.contains($0) }) { return true }
        // redis://user:password@host or rediss://:password@host
        if let scheme = value.firstRange(of: "://") {
            let rest = value[scheme.upperBound...]
            if let at = rest.firstIndex(of: "@") { return rest[..<at].contains(":") }
        }
        return false
    }
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
