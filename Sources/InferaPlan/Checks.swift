import InferaDiagnostics

/// A finding from outside the plan (e.g. `infera detect` on the application) that checks can use.
public struct ExternalFinding: Sendable, Hashable, Codable {
    /// The detect rule that produced it, e.g. `redis.connection-per-request`.
    public var ruleID: String
    public var severity: Severity
    public var message: String
    /// `path:line` evidence.
    public var location: String?
    /// Usage implied by the finding (a queue library means `.queue`), if any.
    public var impliedUsage: Usage?

    public init(ruleID: String, severity: Severity, message: String, location: String? = nil, impliedUsage: Usage? = nil) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.location = location
        self.impliedUsage = impliedUsage
    }

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule_id", severity, message, location, impliedUsage = "implied_usage"
    }
}

/// What a check sees: the spec, the resources, and findings about the application.
public struct CheckContext: Sendable {
    public var spec: DeploymentSpec
    public var resources: [DesiredResource]
    public var findings: [ExternalFinding]

    public init(spec: DeploymentSpec, resources: [DesiredResource], findings: [ExternalFinding] = []) {
        self.spec = spec
        self.resources = resources
        self.findings = findings
    }

    /// Uses from the spec plus those implied by findings.
    public var usage: Set<Usage> { Set(spec.usage).union(findings.compactMap(\.impliedUsage)) }
}

/// A named rule with an ID, a severity, and a fix hint.
public struct CheckRule: Sendable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var hint: String
    /// Returns the problems (empty: passed); nil when the rule does not apply.
    public var evaluate: @Sendable (CheckContext) -> [String]?

    public init(id: String, title: String, severity: Severity, hint: String, evaluate: @escaping @Sendable (CheckContext) -> [String]?) {
        self.id = id
        self.title = title
        self.severity = severity
        self.hint = hint
        self.evaluate = evaluate
    }
}

/// The outcome of one rule.
public struct CheckResult: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case passed, failed, skipped }
    public var id: String
    public var title: String
    public var severity: Severity
    public var status: Status
    /// What is wrong (failed only).
    public var messages: [String]
    public var hint: String?
    /// `plan` for infera's rules, `detect` for findings carried over.
    public var origin: String

    enum CodingKeys: String, CodingKey {
        case id, title, severity, status, messages, hint, origin
    }
}

/// infera's rule set for managed Redis, from the seed's best practices.
public enum Checks {
    public static let rules: [CheckRule] = [
        CheckRule(id: "INF001", title: "AUTH is on", severity: .error,
                  hint: "set cache.security.auth_enabled: true (Memorystore) / cache.security.auth_token: true (ElastiCache)") { c in
            switch c.spec.provider {
            case .memorystore(let m): m.authEnabled ? [] : ["AUTH is off: anyone on the network can read and write"]
            case .elasticache(let e): e.authToken ? [] : ["no auth token: anyone who reaches the security group can connect"]
            case .upstash: []
            }
        },
        CheckRule(id: "INF002", title: "TLS in transit is on", severity: .error,
                  hint: "set cache.security.transit_encryption: true") { c in
            switch c.spec.provider {
            case .memorystore(let m): m.transitEncryption ? [] : ["transit encryption is off: data and the AUTH string travel in clear text"]
            case .elasticache(let e): e.transitEncryption ? [] : ["transit encryption is off: data and the auth token travel in clear text"]
            case .upstash: []
            }
        },
        CheckRule(id: "INF003", title: "High availability in production", severity: .error,
                  hint: "production: cache.instance.tier: STANDARD_HA (Memorystore); cache.instance.replica_count ≥ 1 with automatic_failover and multi_az (ElastiCache); read regions (Upstash)") { c in
            guard c.spec.isProduction else { return nil }
            switch c.spec.provider {
            case .memorystore(let m): return m.isStandardHA ? [] : ["tier \(m.tier) has no replica and no automatic failover"]
            case .elasticache(let e):
                if e.replicas == 0 { return ["a single node: no replica, no automatic failover, no Multi-AZ"] }
                var p: [String] = []
                if !e.automaticFailover { p.append("automatic failover is off: a primary failure needs manual promotion") }
                if !e.multiAZ { p.append("Multi-AZ is off: replicas may share the primary's Availability Zone") }
                return p
            case .upstash(let u): return u.readRegions.isEmpty ? ["no read region: a regional outage takes the database down"] : []
            }
        },
        CheckRule(id: "INF004", title: "Persistence for queues and sessions", severity: .error,
                  hint: "set cache.persistence.mode: RDB (Memorystore) or cache.snapshots.retention_days ≥ 1 (ElastiCache)") { c in
            let durable = c.usage.filter(\.needsDurability).sorted()
            guard !durable.isEmpty else { return nil }
            let uses = durable.map(\.rawValue).joined(separator: ", ")
            switch c.spec.provider {
            case .memorystore(let m):
                return m.persistenceMode == "RDB" ? [] : ["Redis holds \(uses) data but persistence is DISABLED: a restart loses it"]
            case .elasticache(let e):
                return e.snapshotRetentionDays > 0 ? [] : ["Redis holds \(uses) data but snapshots are off (retention 0)"]
            case .upstash: return []
            }
        },
        CheckRule(id: "INF005", title: "Eviction policy fits the use", severity: .warning,
                  hint: "set cache.eviction_policy: allkeys-lru for a pure cache; volatile-lru or noeviction when queues, sessions or locks share the instance (Upstash: cache.eviction)") { c in
            let durable = c.usage.contains { $0.needsDurability }
            if case .upstash(let u) = c.spec.provider {
                if durable && u.eviction { return ["eviction is on while Redis holds data without TTL that must survive (\(c.usage.filter(\.needsDurability).sorted().map(\.rawValue).joined(separator: ", ")))"] }
                if !durable && !u.eviction { return ["eviction is off for a cache: writes fail once the database is full"] }
                return []
            }
            guard let policy = c.spec.evictionPolicy else { return [] }
            var problems: [String] = []
            if !durable && policy == "noeviction" { problems.append("maxmemory-policy noeviction on a pure cache: writes fail with OOM once memory is full") }
            if durable && policy.hasPrefix("allkeys-") { problems.append("maxmemory-policy \(policy) may evict \(c.usage.filter(\.needsDurability).sorted().map(\.rawValue).joined(separator: ", ")) keys that have no TTL") }
            return problems
        },
        CheckRule(id: "INF006", title: "Maintenance window set", severity: .warning,
                  hint: "set cache.maintenance (Memorystore: day + start_time; ElastiCache: window) to a low-traffic slot, UTC") { c in
            switch c.spec.provider {
            case .memorystore(let m): m.maintenance == nil ? ["no maintenance window: Google picks any time"] : []
            case .elasticache(let e): e.maintenanceWindow == nil ? ["no maintenance window: AWS picks a weekly slot"] : []
            case .upstash: nil
            }
        },
        CheckRule(id: "INF007", title: "Memory size sane for the tier", severity: .warning,
                  hint: "cache.instance.memory_size_gb: ≥ 2 GB in production, ≥ 5 GB with read replicas; ElastiCache production: a non-burstable cache.instance.node_type (m/r family)") { c in
            switch c.spec.provider {
            case .memorystore(let m):
                var p: [String] = []
                if m.memorySizeGB < 1 || m.memorySizeGB > 300 { p.append("memory_size_gb \(m.memorySizeGB) is outside 1–300") }
                if m.readReplicas && m.memorySizeGB < 5 { p.append("read replicas need at least 5 GB (have \(m.memorySizeGB))") }
                if !m.isStandardHA && m.memorySizeGB > 100 { p.append("\(m.memorySizeGB) GB on BASIC: a restart or failure loses that much data with no replica") }
                if c.spec.isProduction && m.memorySizeGB < 2 { p.append("\(m.memorySizeGB) GB leaves little headroom in production") }
                return p
            case .elasticache(let e):
                if c.spec.isProduction && (e.nodeType.hasPrefix("cache.t2.") || e.nodeType.hasPrefix("cache.t3.") || e.nodeType.hasPrefix("cache.t4g.")) {
                    return ["\(e.nodeType) is burstable: CPU credits run out under sustained load"]
                }
                return []
            case .upstash: return nil
            }
        },
        CheckRule(id: "INF008", title: "Encryption at rest", severity: .error,
                  hint: "set cache.security.at_rest_encryption: true") { c in
            guard case .elasticache(let e) = c.spec.provider else { return nil }
            return e.atRestEncryption ? [] : ["snapshots and swap are stored unencrypted"]
        },
        CheckRule(id: "INF009", title: "Customer-managed key in production", severity: .note,
                  hint: "name a key: cache.security.customer_managed_key (Memorystore) / cache.security.kms_key_id (ElastiCache)") { c in
            guard c.spec.isProduction else { return nil }
            switch c.spec.provider {
            case .memorystore(let m): return m.kmsKey == nil ? ["data is encrypted with a Google-managed key"] : []
            case .elasticache(let e): return e.kmsKeyARN == nil ? ["data and the URL secret are encrypted with AWS-managed keys"] : []
            case .upstash: return nil
            }
        },
        CheckRule(id: "INF010", title: "Backups kept in production", severity: .warning,
                  hint: "production: cache.snapshots.retention_days ≥ 7 (ElastiCache) / cache.persistence.mode: RDB (Memorystore)") { c in
            guard c.spec.isProduction else { return nil }
            switch c.spec.provider {
            case .elasticache(let e): return e.snapshotRetentionDays >= 7 ? [] : ["snapshots kept \(e.snapshotRetentionDays) day(s)"]
            case .memorystore(let m): return m.persistenceMode == "RDB" ? [] : ["no RDB snapshots: a zone outage can lose all data"]
            case .upstash: return nil
            }
        },
        CheckRule(id: "INF011", title: "Supported Redis version", severity: .warning,
                  hint: "set cache.version to Redis 7 (REDIS_7_0 / REDIS_7_2 on Memorystore, 7.1 on ElastiCache)") { c in
            switch c.spec.provider {
            case .memorystore(let m): return ["REDIS_3_2", "REDIS_4_0", "REDIS_5_0"].contains(m.redisVersion) ? ["\(m.redisVersion) is past end of support"] : []
            case .elasticache(let e):
                let major = Int(e.engineVersion.split(separator: ".").first ?? "") ?? 7
                return major < 6 ? ["Redis \(e.engineVersion) incurs Extended Support charges (+80% to +160%) from 2026"] : []
            case .upstash: return nil
            }
        },
        CheckRule(id: "INF012", title: "Network access narrowed to the clients", severity: .note,
                  hint: "list the application's CIDR blocks under cache.networking.allowed_cidrs") { c in
            guard case .elasticache(let e) = c.spec.provider, e.securityGroupIDs.isEmpty else { return nil }
            return (e.clientSecurityGroupIDs.isEmpty && e.clientCIDRBlocks.isEmpty) ? ["no client CIDRs or groups given: the whole VPC may connect on port \(e.port)"] : []
        },
        CheckRule(id: "INF014", title: "GCP project known", severity: .warning,
                  hint: "set gcp.project_id in infera.yaml or export GOOGLE_CLOUD_PROJECT") { c in
            guard case .memorystore(let m) = c.spec.provider else { return nil }
            return m.projectID == nil ? ["no GCP project id: terraform.tfvars leaves project_id for you to set"] : []
        },
        CheckRule(id: "INF013", title: "Upstash access restricted in production", severity: .note,
                  hint: "restrict access with the database's IP allowlist (ip_allowlist in main.tf; Upstash has no VPC)") { c in
            guard case .upstash(let u) = c.spec.provider, c.spec.isProduction else { return nil }
            return u.ipAllowlist.isEmpty ? ["the database accepts connections from any IP (password only)"] : []
        },
    ]

    /// Runs every rule, then appends detect findings as results (origin `detect`), failed first within severity.
    public static func run(_ context: CheckContext) -> [CheckResult] {
        var results: [CheckResult] = []
        for standing in rules {
            let rule = context.spec.isCluster ? (clusterOverrides[standing.id] ?? standing) : standing
            guard let problems = rule.evaluate(context) else {
                results.append(CheckResult(id: rule.id, title: rule.title, severity: rule.severity, status: .skipped,
                                           messages: [], hint: nil, origin: "plan"))
                continue
            }
            results.append(CheckResult(id: rule.id, title: rule.title, severity: rule.severity,
                                       status: problems.isEmpty ? .passed : .failed, messages: problems,
                                       hint: problems.isEmpty ? nil : rule.hint, origin: "plan"))
        }
        results += runClusterRules(context)
        for f in context.findings.sorted(by: { ($0.ruleID, $0.location ?? "") < ($1.ruleID, $1.location ?? "") }) {
            results.append(CheckResult(id: f.ruleID, title: f.message, severity: f.severity, status: .failed,
                                       messages: f.location.map { [$0] } ?? [], hint: nil, origin: "detect"))
        }
        return results
    }
}
