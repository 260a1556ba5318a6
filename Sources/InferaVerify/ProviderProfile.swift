import InferaPlan

/// How a provider treats one command (or one subcommand).
public enum RuleKind: String, Sendable, Codable {
    /// The provider rejects the command or documents it as unavailable.
    case blocked
    /// The provider lists the command neither as supported nor as blocked: treated as unavailable.
    case unlisted
    /// Accepted but limited (e.g. CONFIG SET of one parameter only): checked per call by the profile.
    case restricted
}

/// One rule of a provider profile, with where it comes from.
public struct CommandRule: Sendable, Hashable {
    /// Upper-case command, or `CONTAINER SUB` for one subcommand (a bare container covers all of them).
    public var command: String
    public var kind: RuleKind
    /// What the provider does, in one line.
    public var note: String
    /// The source (page and date) the rule comes from.
    public var source: String
}

/// A limit the profile applies to every request, with its source.
public struct LimitRule: Sendable, Hashable {
    public var name: String
    public var value: String
    public var source: String
}

/// A provider's restrictions as the local engine reproduces them. Built from the data in
/// `Tests/Fixtures/reference/provider-commands.json` (copied from shared/reference; the
/// `ProviderProfileTests` check that the two agree).
public struct ProviderProfile: Sendable {
    /// `memorystore`, `elasticache`, `upstash`.
    public var id: String
    /// `Memorystore`, `ElastiCache`, `Upstash`.
    public var displayName: String
    /// Command rules (blocked / unlisted / restricted).
    public var rules: [CommandRule]
    /// Request-wide limits and settings, each citing its source.
    public var limits: [LimitRule]
    /// Error text a blocked command answers with; nil: Redis's own "unknown command" reply.
    public var blockedErrorTemplate: String?
    /// Where `blockedErrorTemplate` comes from.
    public var blockedErrorSource: String
    /// `databases` (SELECT range).
    public var databases: Int
    /// Largest request (sum of the arguments), bytes; nil: no limit beyond Redis's own.
    public var maxRequestBytes: Int?
    /// Largest key, bytes.
    public var maxKeyBytes: Int?
    /// Largest single argument that becomes a value, bytes (proto-max-bulk-len / max record size).
    public var maxValueBytes: Int?
    /// CONFIG GET/SET: only these parameters (nil: CONFIG handled by the command rules alone).
    public var configParameters: Set<String>?
    /// `COMMAND` with no subcommand answers an empty array (Upstash).
    public var commandReturnsEmpty: Bool
    /// Error text of a write refused when memory is full (nil: Redis's OOM text).
    public var oomErrorText: String?
    /// Eviction policies the provider offers.
    public var evictionPolicies: [String]
    /// Fraction of the planned memory the provider keeps for itself (not available to data).
    public var reservedMemoryFraction: Double
    /// Where the reserve comes from.
    public var reservedMemorySource: String

    /// The rule that covers `command` (`"CONFIG"` or `"CONFIG SET"`), most specific first.
    public func rule(for command: String) -> CommandRule? {
        let upper = command.uppercased()
        if let r = ruleIndex[upper] { return r }
        if let space = upper.firstIndex(of: " "), let r = ruleIndex[String(upper[..<space])] { return r }
        return nil
    }

    private var ruleIndex: [String: CommandRule] {
        var out: [String: CommandRule] = [:]
        for r in rules where out[r.command] == nil || r.kind != .restricted { out[r.command] = r }
        return out
    }

    /// True when the provider rejects `command` (blocked or unlisted).
    public func rejects(_ command: String) -> Bool {
        guard let r = rule(for: command) else { return false }
        return r.kind != .restricted
    }

    /// The error text for a rejected command, e.g. `NOPERM this user has no permissions to run the 'config' command`.
    public func errorText(for command: String) -> String? {
        guard let t = blockedErrorTemplate else { return nil }
        let name = command.split(separator: " ").first.map { $0.lowercased() } ?? command.lowercased()
        return t.replacing("%s", with: name)
    }

    /// The engine's `disabledCommands` map for this profile (lower-case, `container|sub`).
    public var disabledCommands: [String: String?] {
        var out: [String: String?] = [:]
        for r in rules where r.kind != .restricted {
            let key = r.command.lowercased().replacing(" ", with: "|")
            out[key] = .some(errorText(for: r.command))
        }
        return out
    }
}

extension ProviderProfile {
    /// The profile for a provider name (`memorystore`, `elasticache`, `upstash`).
    public static func named(_ id: String) -> ProviderProfile? {
        switch id {
        case "memorystore": return memorystore
        case "elasticache": return elasticache
        case "upstash": return upstash
        default: return nil
        }
    }

    /// Every profile, in a stable order.
    public static var all: [ProviderProfile] { [memorystore, elasticache, upstash] }

    // MARK: sources (dates as given in shared/reference/provider-commands.md §5)

    static let msCommands = "Memorystore supported-commands page (docs.cloud.google.com/memorystore/docs/redis/supported-commands, last updated 2026-04-08)"
    static let msConfigs = "Memorystore supported-redis-configurations / redis-configs (undated)"
    static let msConstraints = "Memorystore product-constraints (undated): STANDARD_HA keeps 10% of memory for the replication backlog"
    static let ecCurrent = "ElastiCache Restricted commands page (docs.aws.amazon.com/AmazonElastiCache/latest/dg/ClientConfig.RestrictedCommands.html, current)"
    static let ec2023 = "ElastiCache RestrictedCommands.md, awsdocs/amazon-elasticache-docs @7ed0a8ac (2023-05)"
    static let ecParams = "ElastiCache ParameterGroups.Redis.md, awsdocs/amazon-elasticache-docs @7ed0a8ac (2023-05)"
    static let upCommands = "Upstash command reference, upstash/docs redis/commands/** @ef0ce438 (2026-08-13): command absent"
    static let upLimits = "Upstash billing.mdx and troubleshooting/*.mdx, upstash/docs @ef0ce438 (2026-06-18)"

    /// GCP Memorystore for Redis.
    public static let memorystore: ProviderProfile = {
        var rules: [CommandRule] = []
        for c in ["ACL", "BGREWRITEAOF", "BGSAVE", "CLUSTER", "COMMAND", "CONFIG", "DEBUG", "LASTSAVE", "MIGRATE",
                  "OBJECT", "REPLICAOF", "SAVE", "SHUTDOWN"] {
            rules.append(CommandRule(command: c, kind: .blocked, note: "blocked (NOPERM)", source: msCommands))
        }
        for c in ["FAILOVER", "MODULE LIST", "MODULE LOAD", "MODULE LOADEX", "MODULE UNLOAD", "MOVE", "PSYNC", "REPLCONF",
                  "SLAVEOF", "SWAPDB", "SYNC", "XSETID", "CLIENT NO-EVICT", "CLIENT PAUSE", "CLIENT UNBLOCK", "CLIENT UNPAUSE"] {
            rules.append(CommandRule(command: c, kind: .unlisted, note: "not in the supported list; treated as unavailable", source: msCommands))
        }
        rules.append(CommandRule(command: "SELECT", kind: .restricted, note: "index below `databases` (1–100, default 16)", source: msConfigs))
        rules.append(CommandRule(command: "MONITOR", kind: .restricted, note: "supported per the 2026-04-08 page, blocked per product-constraints: the pages conflict", source: msCommands))
        return ProviderProfile(
            id: "memorystore", displayName: "Memorystore", rules: rules,
            limits: [
                LimitRule(name: "databases", value: "16 (redisConfigs databases: 1–100)", source: msConfigs),
                LimitRule(name: "CONFIG", value: "blocked; settings go through the API field redisConfigs", source: msCommands),
                LimitRule(name: "max value size", value: "not documented (OSS proto-max-bulk-len 512 MB)", source: "provider-commands.md §1"),
                LimitRule(name: "reserved memory", value: "STANDARD_HA: 10% for the replication backlog", source: msConstraints),
            ],
            blockedErrorTemplate: "NOPERM this user has no permissions to run the '%s' command",
            blockedErrorSource: "\(msCommands) says blocked commands return NOPERM; the rest of the line is Redis 7.0's NOPERM wording",
            databases: 16, maxRequestBytes: nil, maxKeyBytes: nil, maxValueBytes: nil, configParameters: nil,
            commandReturnsEmpty: false, oomErrorText: nil,
            evictionPolicies: ["noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"],
            reservedMemoryFraction: 0, reservedMemorySource: msConstraints)
    }()

    /// AWS ElastiCache (Redis OSS, node-based).
    public static let elasticache: ProviderProfile = {
        var rules: [CommandRule] = []
        for c in ["BGREWRITEAOF", "BGSAVE", "CONFIG", "DEBUG", "MIGRATE", "REPLICAOF", "SAVE", "SLAVEOF", "SHUTDOWN", "SYNC"] {
            rules.append(CommandRule(command: c, kind: .blocked, note: "restricted command (not available)", source: ecCurrent))
        }
        for c in ["PSYNC", "ACL SETUSER", "ACL DELUSER", "ACL LOAD", "ACL SAVE", "CLUSTER ADDSLOTS", "CLUSTER ADDSLOTSRANGE",
                  "CLUSTER BUMPEPOCH", "CLUSTER DELSLOTS", "CLUSTER DELSLOTSRANGE", "CLUSTER FAILOVER", "CLUSTER FLUSHSLOTS",
                  "CLUSTER FORGET", "CLUSTER LINKS", "CLUSTER MEET", "CLUSTER SETSLOT"] {
            rules.append(CommandRule(command: c, kind: .blocked, note: "restricted command (2023 list)", source: ec2023))
        }
        for c in ["MODULE LOAD", "MODULE LOADEX", "MODULE UNLOAD", "FAILOVER"] {
            rules.append(CommandRule(command: c, kind: .unlisted, note: "in neither list; failover goes through the TestFailover API", source: ec2023))
        }
        rules.append(CommandRule(command: "SELECT", kind: .restricted, note: "index below `databases` (default 16; 0 only with cluster mode)", source: ecParams))
        return ProviderProfile(
            id: "elasticache", displayName: "ElastiCache", rules: rules,
            limits: [
                LimitRule(name: "databases", value: "16 (parameter databases, up to 10,000)", source: ecParams),
                LimitRule(name: "proto-max-bulk-len", value: "512 MB (1 MB–512 MB)", source: ecParams),
                LimitRule(name: "client-query-buffer-limit", value: "1 GB", source: ecParams),
                LimitRule(name: "reserved-memory-percent", value: "25", source: ecParams),
            ],
            blockedErrorTemplate: nil,
            blockedErrorSource: "ElastiCache documents no error text for restricted commands; the engine answers as Redis does for an unknown command",
            databases: 16, maxRequestBytes: nil, maxKeyBytes: nil, maxValueBytes: 536_870_912, configParameters: nil,
            commandReturnsEmpty: false, oomErrorText: nil,
            evictionPolicies: ["volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-random", "allkeys-random", "volatile-ttl", "noeviction"],
            reservedMemoryFraction: 0.25, reservedMemorySource: "reserved-memory-percent default 25 (\(ecParams))")
    }()

    /// Upstash Redis.
    public static let upstash: ProviderProfile = {
        var rules: [CommandRule] = []
        for c in ["ACL DRYRUN", "ACL HELP", "ASKING", "BGREWRITEAOF", "BGSAVE", "CLIENT CACHING", "CLIENT GETREDIR", "CLIENT HELP",
                  "CLIENT KILL", "CLIENT NO-EVICT", "CLIENT PAUSE", "CLIENT REPLY", "CLIENT TRACKING", "CLIENT TRACKINGINFO",
                  "CLIENT UNBLOCK", "CLIENT UNPAUSE", "CLUSTER", "COMMAND COUNT", "COMMAND DOCS", "COMMAND GETKEYS",
                  "COMMAND GETKEYSANDFLAGS", "COMMAND HELP", "COMMAND INFO", "COMMAND LIST", "CONFIG HELP", "CONFIG RESETSTAT",
                  "CONFIG REWRITE", "DEBUG", "FAILOVER", "FUNCTION DUMP", "FUNCTION HELP", "FUNCTION RESTORE", "LASTSAVE", "LATENCY",
                  "LCS", "LOLWUT", "MEMORY DOCTOR", "MEMORY HELP", "MEMORY MALLOC-STATS", "MEMORY PURGE", "MEMORY STATS", "MIGRATE",
                  "MODULE", "MOVE", "OBJECT", "PFDEBUG", "PFSELFTEST", "PSYNC", "READONLY", "READWRITE", "REPLCONF", "REPLICAOF",
                  "RESTORE-ASKING", "ROLE", "SAVE", "SCRIPT DEBUG", "SCRIPT HELP", "SHUTDOWN", "SLAVEOF", "SLOWLOG", "SORT", "SORT_RO",
                  "SPUBLISH", "SSUBSCRIBE", "SUNSUBSCRIBE", "SWAPDB", "SYNC", "XINFO HELP", "XSETID"] {
            rules.append(CommandRule(command: c, kind: .blocked, note: "not in Upstash's command reference", source: upCommands))
        }
        rules.append(CommandRule(command: "CONFIG GET", kind: .restricted, note: "only notify-keyspace-events; other patterns return nothing", source: upCommands))
        rules.append(CommandRule(command: "CONFIG SET", kind: .restricted, note: "only notify-keyspace-events; any other parameter is an error", source: upCommands))
        rules.append(CommandRule(command: "COMMAND", kind: .restricted, note: "accepted, returns an empty array", source: upCommands))
        rules.append(CommandRule(command: "SELECT", kind: .restricted, note: "index 0 only (one logical database)", source: upCommands))
        return ProviderProfile(
            id: "upstash", displayName: "Upstash", rules: rules,
            limits: [
                LimitRule(name: "databases", value: "1 (SELECT 0 only)", source: upCommands),
                LimitRule(name: "max request size", value: "10 MB (free / pay-as-you-go)", source: upLimits),
                LimitRule(name: "max record size", value: "100 MB (free / pay-as-you-go)", source: upLimits),
                LimitRule(name: "max key size", value: "32 KB", source: upLimits),
                LimitRule(name: "CONFIG", value: "GET/SET notify-keyspace-events only", source: upCommands),
                LimitRule(name: "eviction", value: "off by default (writes fail with ERR DB capacity quota exceeded); on: optimistic-volatile", source: "upstash/docs redis/features/eviction.mdx @ef0ce438 (2026-08)"),
            ],
            blockedErrorTemplate: nil,
            blockedErrorSource: "Upstash documents no error text for commands it lacks; the engine answers as Redis does for an unknown command",
            databases: 1, maxRequestBytes: 10_485_760, maxKeyBytes: 32_768, maxValueBytes: 104_857_600,
            configParameters: ["notify-keyspace-events"], commandReturnsEmpty: true,
            oomErrorText: "ERR DB capacity quota exceeded",
            evictionPolicies: ["noeviction", "optimistic-volatile"],
            reservedMemoryFraction: 0, reservedMemorySource: "Upstash: none documented")
    }()

    /// Upstash's error texts (troubleshooting/*.mdx, 2026-06-18).
    public enum UpstashErrors {
        public static let requestTooBig = "ERR max request size exceeded"
        public static let recordTooBig = "ERR max single record size exceeded"
        public static func keyTooBig(limit: Int, actual: Int) -> String {
            "ERR max key size exceeded. Limit: \(limit) bytes, Actual: \(actual) bytes"
        }
    }
}
