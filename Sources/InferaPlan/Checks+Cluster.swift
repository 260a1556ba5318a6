// Cluster-mode checks (issue #19). They are left out of the results, not shown as skipped, when they do not
// apply (no `cache.workload`, no cluster mode), so plans that never mention clusters stay as they were.

/// What the application expects (`cache.workload`).
public struct ExpectedWorkload: Sendable, Hashable, Codable {
    public var dataGB: Int?
    public var opsPerSecond: Int?

    public init(dataGB: Int? = nil, opsPerSecond: Int? = nil) {
        self.dataGB = dataGB
        self.opsPerSecond = opsPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case dataGB = "data_gb", opsPerSecond = "ops_per_sec"
    }
}

/// What one node offers, for the sizing check.
public enum NodeCapacity {
    /// Largest Memorystore for Redis instance (`memorySizeGb` 1–300).
    public static let memorystoreInstanceMaxGB = 300.0
    /// Memory per ElastiCache node type in GiB (AWS's supported node types table; the same figures as verify's).
    public static let elasticacheNodeGiB: [String: Double] = [
        "cache.t3.micro": 0.5, "cache.t4g.micro": 0.5, "cache.t3.small": 1.37, "cache.t4g.small": 1.37,
        "cache.t3.medium": 3.09, "cache.t4g.medium": 3.09, "cache.m6g.large": 6.38, "cache.m7g.large": 6.38,
        "cache.r6g.large": 13.07, "cache.r7g.large": 13.07, "cache.r6g.xlarge": 26.32, "cache.r7g.xlarge": 26.32,
        "cache.r6g.16xlarge": 419.09, "cache.r7g.16xlarge": 419.09,
    ]
    /// The largest single ElastiCache node (cache.r7g.16xlarge).
    public static let elasticacheLargestNodeGiB = 419.09
    /// infera's planning figure for one primary: Redis executes commands on one thread, and a primary
    /// serves on the order of 100,000 simple commands per second. A rule of thumb, not a provider limit.
    public static let opsPerPrimary = 100_000
}

extension Checks {
    /// Detect rules whose findings break on Redis Cluster.
    public static let clusterIncompatibleRules = ["redis.cluster-cross-slot", "redis.select-database", "redis.keys-command"]

    public static let clusterRules: [CheckRule] = [
        CheckRule(id: "INF015", title: "One node can take the expected load", severity: .warning,
                  hint: "set cache.mode: cluster with enough instance.shards (shards × node memory ≥ workload.data_gb, shards × 100,000 ≥ workload.ops_per_sec), or a larger node") { c in
            guard let w = c.spec.workload, w.dataGB != nil || w.opsPerSecond != nil else { return nil }
            var p: [String] = []
            let data = w.dataGB.map(Double.init)
            if let cl = c.spec.cluster {
                var perNode: Double?
                switch c.spec.provider {
                case .memorystore: perNode = cl.memorystoreNodeGB
                case .elasticache: perNode = NodeCapacity.elasticacheNodeGiB[cl.nodeType]
                case .upstash: perNode = nil
                }
                if let d = data, let n = perNode, Double(cl.shards) * n < d {
                    let need = Int((d / n).rounded(.up))
                    p.append("\(cl.shards) shard(s) × \(fmt(n, 1)) GB = \(fmt(Double(cl.shards) * n, 1)) GB, less than the expected \(w.dataGB ?? 0) GB: at least \(need) shards")
                }
                if let ops = w.opsPerSecond, ops > cl.shards * NodeCapacity.opsPerPrimary {
                    let need = (ops + NodeCapacity.opsPerPrimary - 1) / NodeCapacity.opsPerPrimary
                    p.append("\(ops) commands/s over \(cl.shards) primaries is more than ~\(NodeCapacity.opsPerPrimary) each: about \(need) shards")
                }
                return p
            }
            switch c.spec.provider {
            case .memorystore(let m):
                if let d = data, d > NodeCapacity.memorystoreInstanceMaxGB {
                    p.append("\(w.dataGB ?? 0) GB is more than one Memorystore instance holds (300 GB): plan cache.mode: cluster")
                } else if let d = data, d > Double(m.memorySizeGB) {
                    p.append("memory_size_gb \(m.memorySizeGB) is less than the expected \(w.dataGB ?? 0) GB")
                }
            case .elasticache(let e):
                if let d = data, d > NodeCapacity.elasticacheLargestNodeGiB {
                    p.append("\(w.dataGB ?? 0) GB is more than the largest ElastiCache node holds (\(fmt(NodeCapacity.elasticacheLargestNodeGiB, 2)) GiB): plan cache.mode: cluster")
                } else if let d = data, let n = NodeCapacity.elasticacheNodeGiB[e.nodeType], d > n {
                    p.append("\(e.nodeType) holds \(fmt(n, 2)) GiB, less than the expected \(w.dataGB ?? 0) GB: a larger node_type, or cache.mode: cluster")
                }
            case .upstash: return nil
            }
            if let ops = w.opsPerSecond, ops > NodeCapacity.opsPerPrimary {
                p.append("\(ops) commands/s is more than one primary serves (~\(NodeCapacity.opsPerPrimary)/s, one thread): plan cache.mode: cluster with about \((ops + NodeCapacity.opsPerPrimary - 1) / NodeCapacity.opsPerPrimary) shards")
            }
            return p
        },
        CheckRule(id: "INF016", title: "Application code works on Redis Cluster", severity: .warning,
                  hint: "give keys used together a common {hash tag}, keep to database 0, replace KEYS with SCAN on every node (`infera verify` shows the commands that fail)") { c in
            guard c.spec.isCluster, !c.findings.isEmpty else { return nil }
            var p: [String] = []
            for id in clusterIncompatibleRules {
                let hits = c.findings.filter { $0.ruleID == id }.sorted { ($0.location ?? "") < ($1.location ?? "") }
                guard let first = hits.first else { continue }
                let what: String
                switch id {
                case "redis.cluster-cross-slot": what = "multi-key command(s) over keys without a common hash tag (CROSSSLOT in cluster mode)"
                case "redis.select-database": what = "use(s) of a database other than 0 (SELECT fails in cluster mode)"
                default: what = "KEYS call(s) (each node answers for its own slots only)"
                }
                p.append("\(hits.count) \(what), first at \(first.location ?? "?")")
            }
            return p
        },
    ]

    /// The cluster rules that apply (nil from a rule leaves it out).
    static func runClusterRules(_ context: CheckContext) -> [CheckResult] {
        clusterRules.compactMap { rule in
            guard let problems = rule.evaluate(context) else { return nil }
            return CheckResult(id: rule.id, title: rule.title, severity: rule.severity,
                               status: problems.isEmpty ? .passed : .failed, messages: problems,
                               hint: problems.isEmpty ? nil : rule.hint, origin: "plan")
        }
    }
}

import InferaDetect

extension ExternalFinding {
    /// A finding of `infera detect`, as the plan's checks see it (`path:line` location).
    public init(_ f: Finding) {
        self.init(ruleID: f.rule, severity: f.severity, message: f.message, location: "\(f.path):\(f.line)")
    }
}
