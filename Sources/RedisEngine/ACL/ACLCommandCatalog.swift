// Generated from redis-server 7.0.15 `COMMAND` output (ACL categories, arity, flags, key positions).
// Regenerate with scripts in docs/engine2.md; do not edit by hand.

/// ACL command categories in the order Redis 7.0 lists them (ACL CAT).
public enum ACLCategory: Int, CaseIterable, Sendable {
    case keyspace = 0
    case read = 1
    case write = 2
    case set = 3
    case sortedset = 4
    case list = 5
    case hash = 6
    case string = 7
    case bitmap = 8
    case hyperloglog = 9
    case geo = 10
    case stream = 11
    case pubsub = 12
    case admin = 13
    case fast = 14
    case slow = 15
    case blocking = 16
    case dangerous = 17
    case connection = 18
    case transaction = 19
    case scripting = 20

    /// The category's name as ACL rules spell it.
    public var name: String { ACLCategory.names[rawValue] }
    static let names: [String] = ["keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting"]
    /// Looks a category up by its (case-insensitive) name.
    public static func named(_ s: String) -> ACLCategory? {
        names.firstIndex(of: s.lowercased()).flatMap { ACLCategory(rawValue: $0) }
    }
    /// Bit of this category in ``ACLCommandInfo/categories``.
    public var bit: UInt32 { 1 << UInt32(rawValue) }
}

/// Command flags as Redis 7.0 reports them in COMMAND INFO.
public struct ACLCommandFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let admin = ACLCommandFlags(rawValue: 1 << 0)
    public static let allow_busy = ACLCommandFlags(rawValue: 1 << 1)
    public static let asking = ACLCommandFlags(rawValue: 1 << 2)
    public static let blocking = ACLCommandFlags(rawValue: 1 << 3)
    public static let denyoom = ACLCommandFlags(rawValue: 1 << 4)
    public static let fast = ACLCommandFlags(rawValue: 1 << 5)
    public static let loading = ACLCommandFlags(rawValue: 1 << 6)
    public static let movablekeys = ACLCommandFlags(rawValue: 1 << 7)
    public static let no_async_loading = ACLCommandFlags(rawValue: 1 << 8)
    public static let no_auth = ACLCommandFlags(rawValue: 1 << 9)
    public static let no_mandatory_keys = ACLCommandFlags(rawValue: 1 << 10)
    public static let no_multi = ACLCommandFlags(rawValue: 1 << 11)
    public static let noscript = ACLCommandFlags(rawValue: 1 << 12)
    public static let pubsub = ACLCommandFlags(rawValue: 1 << 13)
    public static let readonly = ACLCommandFlags(rawValue: 1 << 14)
    public static let skip_monitor = ACLCommandFlags(rawValue: 1 << 15)
    public static let skip_slowlog = ACLCommandFlags(rawValue: 1 << 16)
    public static let stale = ACLCommandFlags(rawValue: 1 << 17)
    public static let write = ACLCommandFlags(rawValue: 1 << 18)
    static let names: [String] = ["admin", "allow_busy", "asking", "blocking", "denyoom", "fast", "loading", "movablekeys", "no_async_loading", "no_auth", "no_mandatory_keys", "no_multi", "noscript", "pubsub", "readonly", "skip_monitor", "skip_slowlog", "stale", "write"]
}

/// One command (or `container|subcommand`) of Redis 7.0's command table.
public struct ACLCommandInfo: Sendable {
    /// Lower-case name, `container|sub` for subcommands.
    public let name: String
    public let arity: Int
    public let flags: ACLCommandFlags
    public let firstKey: Int
    public let lastKey: Int
    public let keyStep: Int
    /// Bit set of ``ACLCategory`` bits.
    public let categories: UInt32
}

/// The static table of Redis 7.0 commands used for ACL rules (categories, `+cmd|sub`).
public enum ACLCommandCatalog {
    /// Every command and subcommand, sorted by name.
    public static let all: [ACLCommandInfo] = [
        ACLCommandInfo(name: "acl", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "acl|cat", arity: -2, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "acl|deluser", arity: -3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|dryrun", arity: -4, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|genpass", arity: -2, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "acl|getuser", arity: 3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "acl|list", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|load", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|log", arity: -2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|save", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|setuser", arity: -3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|users", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "acl|whoami", arity: 2, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "append", arity: 3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "asking", arity: 1, flags: [.fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "auth", arity: -2, flags: [.noscript, .loading, .stale, .fast, .no_auth, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "bgrewriteaof", arity: 1, flags: [.admin, .noscript, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "bgsave", arity: -1, flags: [.admin, .noscript, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "bitcount", arity: -2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.bitmap.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "bitfield", arity: -2, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.bitmap.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "bitfield_ro", arity: -2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.bitmap.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "bitop", arity: -4, flags: [.write, .denyoom], firstKey: 2, lastKey: -1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.bitmap.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "bitpos", arity: -3, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.bitmap.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "blmove", arity: 6, flags: [.write, .denyoom, .noscript, .blocking], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "blmpop", arity: -5, flags: [.write, .blocking, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "blpop", arity: -3, flags: [.write, .noscript, .blocking], firstKey: 1, lastKey: -2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "brpop", arity: -3, flags: [.write, .noscript, .blocking], firstKey: 1, lastKey: -2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "brpoplpush", arity: 4, flags: [.write, .denyoom, .noscript, .blocking], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "bzmpop", arity: -5, flags: [.write, .blocking, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "bzpopmax", arity: -3, flags: [.write, .noscript, .blocking, .fast], firstKey: 1, lastKey: -2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "bzpopmin", arity: -3, flags: [.write, .noscript, .blocking, .fast], firstKey: 1, lastKey: -2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "client", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "client|caching", arity: 3, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|getname", arity: 2, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|getredir", arity: 2, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|id", arity: 2, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|info", arity: 2, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|kill", arity: -3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|list", arity: -2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|no-evict", arity: 3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|pause", arity: -3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|reply", arity: 3, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|setname", arity: 3, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|tracking", arity: -3, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|trackinginfo", arity: 2, flags: [.noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|unblock", arity: -3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "client|unpause", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "cluster", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|addslots", arity: -3, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|addslotsrange", arity: -4, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|bumpepoch", arity: 2, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|count-failure-reports", arity: 3, flags: [.admin, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|countkeysinslot", arity: 3, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|delslots", arity: -3, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|delslotsrange", arity: -4, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|failover", arity: -2, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|flushslots", arity: 2, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|forget", arity: 3, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|getkeysinslot", arity: 4, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|info", arity: 2, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|keyslot", arity: 3, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|links", arity: 2, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|meet", arity: -4, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|myid", arity: 2, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|nodes", arity: 2, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|replicas", arity: 3, flags: [.admin, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|replicate", arity: 3, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|reset", arity: -2, flags: [.admin, .noscript, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|saveconfig", arity: 2, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|set-config-epoch", arity: 3, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|setslot", arity: -4, flags: [.admin, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|shards", arity: 2, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "cluster|slaves", arity: 3, flags: [.admin, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "cluster|slots", arity: 2, flags: [.stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "command", arity: -1, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "command|count", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "command|docs", arity: -2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "command|getkeys", arity: -4, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "command|getkeysandflags", arity: -4, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "command|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "command|info", arity: -2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "command|list", arity: -2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "config", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "config|get", arity: -3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "config|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "config|resetstat", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "config|rewrite", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "config|set", arity: -4, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "copy", arity: -3, flags: [.write, .denyoom], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "dbsize", arity: 1, flags: [.readonly, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "debug", arity: -2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "decr", arity: 2, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "decrby", arity: 3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "del", arity: -2, flags: [.write], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "discard", arity: 1, flags: [.noscript, .loading, .stale, .fast, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.transaction.bit),
        ACLCommandInfo(name: "dump", arity: 2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "echo", arity: 2, flags: [.loading, .stale, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "eval", arity: -3, flags: [.noscript, .stale, .skip_monitor, .no_mandatory_keys, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "eval_ro", arity: -3, flags: [.readonly, .noscript, .stale, .skip_monitor, .no_mandatory_keys, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "evalsha", arity: -3, flags: [.noscript, .stale, .skip_monitor, .no_mandatory_keys, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "evalsha_ro", arity: -3, flags: [.readonly, .noscript, .stale, .skip_monitor, .no_mandatory_keys, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "exec", arity: 1, flags: [.noscript, .loading, .stale, .skip_slowlog], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.transaction.bit),
        ACLCommandInfo(name: "exists", arity: -2, flags: [.readonly, .fast], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "expire", arity: -3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "expireat", arity: -3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "expiretime", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "failover", arity: -1, flags: [.admin, .noscript, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "fcall", arity: -3, flags: [.noscript, .stale, .skip_monitor, .no_mandatory_keys, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "fcall_ro", arity: -3, flags: [.readonly, .noscript, .stale, .skip_monitor, .no_mandatory_keys, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "flushall", arity: -1, flags: [.write], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "flushdb", arity: -1, flags: [.write], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "function", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "function|delete", arity: 3, flags: [.write, .noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "function|dump", arity: 2, flags: [.noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "function|flush", arity: -2, flags: [.write, .noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "function|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "function|kill", arity: 2, flags: [.noscript, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "function|list", arity: -2, flags: [.noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "function|load", arity: -3, flags: [.write, .denyoom, .noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "function|restore", arity: -3, flags: [.write, .denyoom, .noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "function|stats", arity: 2, flags: [.noscript, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "geoadd", arity: -5, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "geodist", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "geohash", arity: -2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "geopos", arity: -2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "georadius", arity: -6, flags: [.write, .denyoom, .movablekeys], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "georadius_ro", arity: -6, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "georadiusbymember", arity: -5, flags: [.write, .denyoom, .movablekeys], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "georadiusbymember_ro", arity: -5, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "geosearch", arity: -7, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "geosearchstore", arity: -8, flags: [.write, .denyoom], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.geo.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "get", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "getbit", arity: 3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.bitmap.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "getdel", arity: 2, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "getex", arity: -2, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "getrange", arity: 4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "getset", arity: 3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hdel", arity: -3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hello", arity: -1, flags: [.noscript, .loading, .stale, .fast, .no_auth, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "hexists", arity: 3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hget", arity: 3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hgetall", arity: 2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "hincrby", arity: 4, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hincrbyfloat", arity: 4, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hkeys", arity: 2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "hlen", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hmget", arity: -3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hmset", arity: -4, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hrandfield", arity: -2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "hscan", arity: -3, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "hset", arity: -4, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hsetnx", arity: 4, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hstrlen", arity: 3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "hvals", arity: 2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hash.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "incr", arity: 2, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "incrby", arity: 3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "incrbyfloat", arity: 3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "info", arity: -1, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "keys", arity: 2, flags: [.readonly], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "lastsave", arity: 1, flags: [.loading, .stale, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.fast.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "latency", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "latency|doctor", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "latency|graph", arity: 3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "latency|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "latency|histogram", arity: -2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "latency|history", arity: 3, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "latency|latest", arity: 2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "latency|reset", arity: -2, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "lcs", arity: -3, flags: [.readonly], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "lindex", arity: 3, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "linsert", arity: 5, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "llen", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.list.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "lmove", arity: 5, flags: [.write, .denyoom], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "lmpop", arity: -4, flags: [.write, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "lolwut", arity: -1, flags: [.readonly, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "lpop", arity: -2, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "lpos", arity: -3, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "lpush", arity: -3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "lpushx", arity: -3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "lrange", arity: 4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "lrem", arity: 4, flags: [.write], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "lset", arity: 4, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "ltrim", arity: 4, flags: [.write], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "memory", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "memory|doctor", arity: 2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "memory|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "memory|malloc-stats", arity: 2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "memory|purge", arity: 2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "memory|stats", arity: 2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "memory|usage", arity: -3, flags: [.readonly], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "mget", arity: -2, flags: [.readonly, .fast], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "migrate", arity: -6, flags: [.write, .movablekeys], firstKey: 3, lastKey: 3, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "module", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "module|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "module|list", arity: 2, flags: [.admin, .noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "module|load", arity: -3, flags: [.admin, .noscript, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "module|loadex", arity: -3, flags: [.admin, .noscript, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "module|unload", arity: 3, flags: [.admin, .noscript, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "monitor", arity: 1, flags: [.admin, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "move", arity: 3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "mset", arity: -3, flags: [.write, .denyoom], firstKey: 1, lastKey: -1, keyStep: 2, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "msetnx", arity: -3, flags: [.write, .denyoom], firstKey: 1, lastKey: -1, keyStep: 2, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "multi", arity: 1, flags: [.noscript, .loading, .stale, .fast, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.transaction.bit),
        ACLCommandInfo(name: "object", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "object|encoding", arity: 3, flags: [.readonly], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "object|freq", arity: 3, flags: [.readonly], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "object|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.keyspace.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "object|idletime", arity: 3, flags: [.readonly], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "object|refcount", arity: 3, flags: [.readonly], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "persist", arity: 2, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "pexpire", arity: -3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "pexpireat", arity: -3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "pexpiretime", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "pfadd", arity: -2, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hyperloglog.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "pfcount", arity: -2, flags: [.readonly], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.hyperloglog.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "pfdebug", arity: 3, flags: [.write, .denyoom, .admin], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hyperloglog.bit | ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "pfmerge", arity: -2, flags: [.write, .denyoom], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.hyperloglog.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "pfselftest", arity: 1, flags: [.admin], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.hyperloglog.bit | ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "ping", arity: -1, flags: [.fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "psetex", arity: 4, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "psubscribe", arity: -2, flags: [.pubsub, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "psync", arity: -3, flags: [.admin, .noscript, .no_async_loading, .no_multi], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "pttl", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "publish", arity: 3, flags: [.pubsub, .loading, .stale, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "pubsub", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "pubsub|channels", arity: -2, flags: [.pubsub, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "pubsub|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "pubsub|numpat", arity: 2, flags: [.pubsub, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "pubsub|numsub", arity: -2, flags: [.pubsub, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "pubsub|shardchannels", arity: -2, flags: [.pubsub, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "pubsub|shardnumsub", arity: -2, flags: [.pubsub, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "punsubscribe", arity: -1, flags: [.pubsub, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "quit", arity: -1, flags: [.noscript, .loading, .stale, .fast, .no_auth, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "randomkey", arity: 1, flags: [.readonly], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "readonly", arity: 1, flags: [.loading, .stale, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "readwrite", arity: 1, flags: [.loading, .stale, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "rename", arity: 3, flags: [.write], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "renamenx", arity: 3, flags: [.write, .fast], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "replconf", arity: -1, flags: [.admin, .noscript, .loading, .stale, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "replicaof", arity: 3, flags: [.admin, .noscript, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "reset", arity: 1, flags: [.noscript, .loading, .stale, .fast, .no_auth, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "restore", arity: -4, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "restore-asking", arity: -4, flags: [.write, .denyoom, .asking], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "role", arity: 1, flags: [.noscript, .loading, .stale, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.fast.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "rpop", arity: -2, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "rpoplpush", arity: 3, flags: [.write, .denyoom], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "rpush", arity: -3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "rpushx", arity: -3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.list.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "sadd", arity: -3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.set.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "save", arity: 1, flags: [.admin, .noscript, .no_async_loading, .no_multi], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "scan", arity: -2, flags: [.readonly], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "scard", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "script", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "script|debug", arity: 3, flags: [.noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "script|exists", arity: -3, flags: [.noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "script|flush", arity: -2, flags: [.noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "script|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "script|kill", arity: 2, flags: [.noscript, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "script|load", arity: 3, flags: [.noscript, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.scripting.bit),
        ACLCommandInfo(name: "sdiff", arity: -2, flags: [.readonly], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "sdiffstore", arity: -3, flags: [.write, .denyoom], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "select", arity: 2, flags: [.loading, .stale, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "set", arity: -3, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "setbit", arity: 4, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.bitmap.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "setex", arity: 4, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "setnx", arity: 3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "setrange", arity: 4, flags: [.write, .denyoom], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "shutdown", arity: -1, flags: [.admin, .noscript, .loading, .stale, .no_multi, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "sinter", arity: -2, flags: [.readonly], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "sintercard", arity: -3, flags: [.readonly, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "sinterstore", arity: -3, flags: [.write, .denyoom], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "sismember", arity: 3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "slaveof", arity: 3, flags: [.admin, .noscript, .stale, .no_async_loading], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "slowlog", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "slowlog|get", arity: -2, flags: [.admin, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "slowlog|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "slowlog|len", arity: 2, flags: [.admin, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "slowlog|reset", arity: 2, flags: [.admin, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "smembers", arity: 2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "smismember", arity: -3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "smove", arity: 4, flags: [.write, .fast], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.set.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "sort", arity: -2, flags: [.write, .denyoom, .movablekeys], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.set.bit | ACLCategory.sortedset.bit | ACLCategory.list.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "sort_ro", arity: -2, flags: [.readonly, .movablekeys], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.sortedset.bit | ACLCategory.list.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "spop", arity: -2, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.set.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "spublish", arity: 3, flags: [.pubsub, .loading, .stale, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.pubsub.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "srandmember", arity: -2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "srem", arity: -3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.set.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "sscan", arity: -3, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "ssubscribe", arity: -2, flags: [.pubsub, .noscript, .loading, .stale], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "strlen", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.string.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "subscribe", arity: -2, flags: [.pubsub, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "substr", arity: 4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.string.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "sunion", arity: -2, flags: [.readonly], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "sunionstore", arity: -3, flags: [.write, .denyoom], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.set.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "sunsubscribe", arity: -1, flags: [.pubsub, .noscript, .loading, .stale], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "swapdb", arity: 3, flags: [.write, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "sync", arity: 1, flags: [.admin, .noscript, .no_async_loading, .no_multi], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.admin.bit | ACLCategory.slow.bit | ACLCategory.dangerous.bit),
        ACLCommandInfo(name: "time", arity: 1, flags: [.loading, .stale, .fast], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit),
        ACLCommandInfo(name: "touch", arity: -2, flags: [.readonly, .fast], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "ttl", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "type", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.read.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "unlink", arity: -2, flags: [.write, .fast], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.keyspace.bit | ACLCategory.write.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "unsubscribe", arity: -1, flags: [.pubsub, .noscript, .loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.pubsub.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "unwatch", arity: 1, flags: [.noscript, .loading, .stale, .fast, .allow_busy], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.fast.bit | ACLCategory.transaction.bit),
        ACLCommandInfo(name: "wait", arity: 3, flags: [.noscript], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit | ACLCategory.connection.bit),
        ACLCommandInfo(name: "watch", arity: -2, flags: [.noscript, .loading, .stale, .fast, .allow_busy], firstKey: 1, lastKey: -1, keyStep: 1, categories: ACLCategory.fast.bit | ACLCategory.transaction.bit),
        ACLCommandInfo(name: "xack", arity: -4, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "xadd", arity: -5, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "xautoclaim", arity: -6, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "xclaim", arity: -6, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "xdel", arity: -3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "xgroup", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "xgroup|create", arity: -5, flags: [.write, .denyoom], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xgroup|createconsumer", arity: 5, flags: [.write, .denyoom], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xgroup|delconsumer", arity: 5, flags: [.write], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xgroup|destroy", arity: 4, flags: [.write], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xgroup|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xgroup|setid", arity: -5, flags: [.write], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xinfo", arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.slow.bit),
        ACLCommandInfo(name: "xinfo|consumers", arity: 4, flags: [.readonly], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xinfo|groups", arity: 3, flags: [.readonly], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xinfo|help", arity: 2, flags: [.loading, .stale], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xinfo|stream", arity: -3, flags: [.readonly], firstKey: 2, lastKey: 2, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xlen", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.stream.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "xpending", arity: -3, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xrange", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xread", arity: -4, flags: [.readonly, .blocking, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.read.bit | ACLCategory.stream.bit | ACLCategory.slow.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "xreadgroup", arity: -7, flags: [.write, .blocking, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.slow.bit | ACLCategory.blocking.bit),
        ACLCommandInfo(name: "xrevrange", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "xsetid", arity: -3, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "xtrim", arity: -4, flags: [.write], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.stream.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zadd", arity: -4, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zcard", arity: 2, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zcount", arity: 4, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zdiff", arity: -3, flags: [.readonly, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zdiffstore", arity: -4, flags: [.write, .denyoom, .movablekeys], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zincrby", arity: 4, flags: [.write, .denyoom, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zinter", arity: -3, flags: [.readonly, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zintercard", arity: -3, flags: [.readonly, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zinterstore", arity: -4, flags: [.write, .denyoom, .movablekeys], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zlexcount", arity: 4, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zmpop", arity: -4, flags: [.write, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zmscore", arity: -3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zpopmax", arity: -2, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zpopmin", arity: -2, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zrandmember", arity: -2, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrange", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrangebylex", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrangebyscore", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrangestore", arity: -5, flags: [.write, .denyoom], firstKey: 1, lastKey: 2, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrank", arity: 3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zrem", arity: -3, flags: [.write, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zremrangebylex", arity: 4, flags: [.write], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zremrangebyrank", arity: 4, flags: [.write], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zremrangebyscore", arity: 4, flags: [.write], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrevrange", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrevrangebylex", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrevrangebyscore", arity: -4, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zrevrank", arity: 3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zscan", arity: -3, flags: [.readonly], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zscore", arity: 3, flags: [.readonly, .fast], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.fast.bit),
        ACLCommandInfo(name: "zunion", arity: -3, flags: [.readonly, .movablekeys], firstKey: 0, lastKey: 0, keyStep: 0, categories: ACLCategory.read.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
        ACLCommandInfo(name: "zunionstore", arity: -4, flags: [.write, .denyoom, .movablekeys], firstKey: 1, lastKey: 1, keyStep: 1, categories: ACLCategory.write.bit | ACLCategory.sortedset.bit | ACLCategory.slow.bit),
    ]

    /// Name → index into ``all``.
    public static let index: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, c) in all.enumerated() { d[c.name] = i }
        return d
    }()

    /// Looks up a command or `container|sub` (case-insensitive).
    public static func info(_ name: String) -> ACLCommandInfo? { index[name.lowercased()].map { all[$0] } }
}
