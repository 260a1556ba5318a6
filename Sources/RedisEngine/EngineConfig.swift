/// A secret (password) whose description never reveals it.
public struct RedactedSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret bytes, for comparison only.
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// The engine's configuration (redis.conf / CONFIG SET settings the engine itself uses).
public struct EngineConfig: Sendable {
    /// `databases`
    public var databases = 16
    /// `requirepass` (nil or empty: no password).
    public var requirePass: RedactedSecret?
    /// `maxmemory` in bytes (0 = unlimited).
    public var maxMemory = 0
    /// `maxmemory-policy` (setting it also updates `evictionPolicy`).
    public var maxMemoryPolicy = "noeviction" {
        didSet { evictionPolicy = EvictionPolicy(name: maxMemoryPolicy) }
    }
    /// `maxmemory-policy` parsed; `evictionPolicy.isLFU` selects how the per-key clock is read.
    public private(set) var evictionPolicy = EvictionPolicy.noeviction
    /// `lfu-log-factor`
    public var lfuLogFactor = 10
    /// `lfu-decay-time` (minutes per counter decrement; 0 = never decay).
    public var lfuDecayTime = 1
    /// `acllog-max-len`
    public var aclLogMaxLen = 128
    /// `maxmemory-samples`
    public var maxMemorySamples = 5
    /// `maxclients`
    public var maxClients = 10000
    /// `timeout` in seconds (0 = never).
    public var timeout = 0
    /// `hz`
    public var hz = 10
    /// `proto-max-bulk-len`
    public var protoMaxBulkLen = 512 * 1024 * 1024
    /// The largest reply one command may build (bytes). A command whose reply grows past it (say
    /// `SRANDMEMBER s -9223372036854775807`, which redis-server answers by looping until memory runs
    /// out) stops, drops what it wrote and closes that client, like the output-buffer hard limit:
    /// the server and every other client carry on. NIO's ByteBuffer cannot exceed 4 GiB anyway.
    public var maxReplyBytes = 1 << 30
    /// `client-query-buffer-limit`
    public var clientQueryBufferLimit = 1024 * 1024 * 1024
    /// `hash-max-listpack-entries`
    public var hashMaxListpackEntries = 512
    /// `hash-max-listpack-value`
    public var hashMaxListpackValue = 64
    /// `slowlog-log-slower-than` (µs; negative disables).
    public var slowlogLogSlowerThan = 10000
    /// `slowlog-max-len`
    public var slowlogMaxLen = 128
    /// `notify-keyspace-events` as flags.
    public var notifyKeyspaceEvents: KeyspaceEventType = []
    /// `enable-debug-command`: "no", "yes" or "local".
    public var enableDebugCommand = "no"
    /// `lazyfree-lazy-user-del` etc. are accepted and reported but have no effect.
    public var activeExpireEnabled = true
    /// Commands removed from this server (provider restrictions): name → error text returned instead
    /// of running it (nil text: behave as an unknown command).
    public var disabledCommands: [String: String?] = [:]
    /// The error a write refused under `maxmemory` answers with (nil: Redis's own OOM text). A provider
    /// profile sets its own, e.g. Upstash's `ERR DB capacity quota exceeded`.
    public var oomErrorText: String?
    /// Renamed commands (`rename-command OLD NEW`): old name → new name ("" disables).
    public var renamedCommands: [String: String] = [:]
    /// Every other setting CONFIG GET should report (name → value), e.g. port, bind, tls-*.
    public var extra: [String: String] = [:] {
        didSet { hllSparseMaxBytes = extra["hll-sparse-max-bytes"].flatMap { Int($0) } ?? 3000 }
    }
    /// `hll-sparse-max-bytes` (kept parsed: PFADD reads it on every call).
    public private(set) var hllSparseMaxBytes = 3000
    /// Settings a config file gave for parameters kept in engine fields that the file parser does not
    /// set itself (e.g. `latency-tracking`): applied through CONFIG SET's handlers at start-up
    /// (`ConfigCommands.applyDeferredSettings`).
    public var deferredSettings: [(name: String, value: String)] = []
    /// The config file's `user` lines (name, rules…), created at start-up (`ACLCommands.loadConfiguredUsers`).
    public var aclUsers: [[String]] = []

    /// Redis's defaults.
    public init() {}

    /// Moves settings a config file left in `extra` (`lfu-log-factor`, `lfu-decay-time`, `acllog-max-len`)
    /// into their typed fields; values that are not integers in range stay in `extra` and are ignored.
    public mutating func adoptExtraSettings() {
        func take(_ name: String, _ apply: (Int) -> Void) {
            guard let v = extra[name], let n = Int(v), n >= 0, n <= Int(Int32.max) else { return }
            apply(n)
            extra[name] = nil
        }
        take("lfu-log-factor") { lfuLogFactor = $0 }
        take("lfu-decay-time") { lfuDecayTime = $0 }
        take("acllog-max-len") { aclLogMaxLen = $0 }
    }

    /// True when a password is required.
    public var passwordRequired: Bool { !(requirePass?.value.isEmpty ?? true) }
}

/// Facts about the server process, shown by INFO server (set by the server layer).
public struct ServerInfo: Sendable {
    public var port = 6379
    public var tlsPort = 0
    public var bind = "127.0.0.1"
    public var configFile = ""
    public var executable = ""
    public var processID = 0
    public var runID = ""
    public var multiplexingAPI = "epoll"
    public var ioThreads = 2
    public init() {}
}
