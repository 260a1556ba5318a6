import InferaPlan
import RedisEngine
import RedisServer

/// `infera verify` for a sharded deployment (`cache.mode: cluster`, or a parameter group with
/// `cluster-enabled yes`): the engine runs as a cluster of the planned shard count, and what the
/// application sends that a Redis Cluster refuses or treats differently is reported with counts and
/// the first key seen.
///
/// The application's endpoint (`REDIS_URL`, node 0) serves every slot, so an application with a
/// plain client runs through while the cluster rules (CROSSSLOT for commands, MULTI blocks and
/// scripts, SELECT n) answer as on the managed cluster; keys of other shards are reported (the
/// managed cluster would answer -MOVED). Cluster clients discover all nodes with CLUSTER SLOTS.
public enum ClusterVerify {
    /// The planned shard count of `spec` (`cache.mode: cluster`), nil for a standalone deployment.
    public static func shards(of spec: DeploymentSpec) -> Int? { spec.cluster?.shards }

    /// Shards the engine runs with for these settings: the plan's, else 3 when the provider's
    /// parameters say `cluster-enabled yes`; nil for a standalone deployment.
    static func shards(spec: DeploymentSpec, configs: [String: String]) -> Int? {
        if let n = shards(of: spec), n > 0 { return n }
        return configs["cluster-enabled"]?.lowercased() == "yes" ? 3 : nil
    }

    /// How each finding is reported: incompatible (the managed cluster refuses it) or a warning.
    struct Rule {
        let incompatible: Bool
        let kind: String
        let note: String
    }

    static let source = "Redis Cluster specification (redis.io/docs/reference/cluster-spec): keys hash to 16384 slots by CRC16 of the key or its {hash tag}"

    static func rule(_ f: ClusterFinding) -> Rule {
        switch f {
        case .crossSlot:
            return Rule(incompatible: true, kind: "CROSSSLOT",
                        note: "the keys of one command hash to different slots: the cluster answers -CROSSSLOT; put keys used together under one {hash tag}")
        case .transactionCrossSlot:
            return Rule(incompatible: true, kind: "CROSSSLOT",
                        note: "a MULTI/EXEC block touches keys in different slots: the cluster discards it with -CROSSSLOT; use one {hash tag} per transaction")
        case .scriptCrossSlot:
            return Rule(incompatible: true, kind: "CROSSSLOT",
                        note: "a script's keys span slots: the cluster refuses it (or the keys live on other nodes); give every key to KEYS under one {hash tag}")
        case .selectNonZero:
            return Rule(incompatible: true, kind: "SELECT",
                        note: "a cluster has only database 0 (ERR SELECT is not allowed in cluster mode): use key prefixes instead of databases")
        case .scriptUndeclaredKey:
            return Rule(incompatible: false, kind: "script-undeclared-key",
                        note: "a script touched keys it was not given in KEYS: on the cluster the key may live on another node ('Script attempted to access a non local key'); pass every key in KEYS")
        case .keysScan:
            return Rule(incompatible: false, kind: "keys-scan",
                        note: "KEYS/SCAN see the keys of one node only: run them on every primary (redis-py RedisCluster.scan_iter, ioredis cluster.nodes('master'))")
        case .redirect:
            return Rule(incompatible: false, kind: "MOVED",
                        note: "keys of other shards were asked of this endpoint: the managed cluster answers -MOVED, so the application needs a cluster client (redis-py RedisCluster, ioredis Cluster, go-redis ClusterClient)")
        }
    }
}

/// Cluster findings from every node, collected while the application runs (thread-safe: nodes run
/// on their own event loops).
public final class ClusterRecorder: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public var finding: ClusterFinding
        public var command: String
        public var count: Int
        public var firstKey: String?
    }

    private let lock = EngineLock()
    private var entries: [Entry] = []
    /// On while the application's command runs.
    public var recording: Bool {
        get { lock.withLock { on } }
        set { lock.withLock { on = newValue } }
    }
    private var on = false

    public init() {}

    func record(_ e: ClusterEvent) {
        lock.withLock {
            guard on else { return }
            if let i = entries.firstIndex(where: { $0.finding == e.finding && $0.command == e.command }) {
                entries[i].count += 1
            } else {
                entries.append(Entry(finding: e.finding, command: e.command, count: 1, firstKey: e.key))
            }
        }
    }

    /// Everything recorded, in first-seen order.
    public var all: [Entry] { lock.withLock { entries } }
}

extension AppReport {
    /// Adds the cluster findings: refusals to `incompatible`, the rest to `restricted`.
    mutating func addClusterFindings(_ recorder: ClusterRecorder, shards: Int) {
        for e in recorder.all {
            let rule = ClusterVerify.rule(e.finding)
            let key = e.firstKey.map { e.finding == .selectNonZero ? "SELECT \($0)" : "key '\($0)'" } ?? "the first call"
            let f = CommandFinding(command: e.command, count: e.count, firstClient: "\(e.command) with \(key) (\(shards)-shard cluster)",
                                   kind: rule.kind, note: rule.note, source: ClusterVerify.source)
            if rule.incompatible { incompatible.append(f) } else { restricted.append(f) }
        }
    }
}

extension VerifyEngine {
    /// Starts `shards` cluster nodes for `config` (ephemeral or TLS ports), each with the verify hook,
    /// node 0 serving every slot for the application's endpoint; returns node 0's server.
    static func startCluster(config: RedisServerConfig, shards: Int, hook: @escaping (inout CommandContext) -> Bool,
                             recorder: ClusterRecorder, log: ServerLog) throws -> RedisClusterServer {
        var c = config
        c.clusterEnabled = true
        c.clusterShards = shards
        c.engine.databases = 1
        let cluster = RedisClusterServer(config: c, log: log)
        // One lock serializes the verify hook across nodes (the command recorder is shared).
        let shared = EngineLock()
        let serialized: (inout CommandContext) -> Bool = { ctx in shared.withLock { hook(&ctx) } }
        for s in cluster.servers {
            s.engine.lock.withLock {
                s.engine.commandHook = serialized
            }
        }
        try cluster.start()
        for (i, s) in cluster.servers.enumerated() {
            s.engine.lock.withLock {
                guard let node = s.engine.clusterNode else { return }
                node.serveAllSlots = i == 0
                node.observer = { recorder.record($0) }
            }
        }
        return cluster
    }
}
