import RedisEngine

/// `tls-auth-clients`
public enum TLSClientAuth: String, Sendable {
    case yes, no, optional
}

/// How plain-TCP connections are served (`infera-io-backend`).
public enum IOBackend: String, Sendable {
    /// One epoll loop per thread (Linux; the default there).
    case epoll
    /// SwiftNIO channels (the default elsewhere; TLS always uses SwiftNIO).
    case nio
}

/// One class of `client-output-buffer-limit`: hard bytes, soft bytes, soft seconds (0 = off).
public struct OutputBufferLimit: Sendable, Equatable {
    public var hard: Int
    public var soft: Int
    public var softSeconds: Int
    public init(hard: Int, soft: Int, softSeconds: Int) {
        self.hard = hard
        self.soft = soft
        self.softSeconds = softSeconds
    }
}

/// Settings of the network server (the engine's own settings are in `engine`).
public struct RedisServerConfig: Sendable {
    /// `port` (0 disables plain TCP).
    public var port = 6379
    /// Bind each enabled listener (plain TCP when `port` > 0, TLS when `tlsPort` > 0) to a port the OS
    /// chooses, read back from `RedisServer.port` / `tlsPort` (tests, `infera verify`): no free-port probing,
    /// so nothing can take the port between choosing and binding.
    public var ephemeralPorts = false
    /// `bind` addresses.
    public var bind: [String] = ["127.0.0.1", "-::1"]
    /// `tls-port` (0 = no TLS listener).
    public var tlsPort = 0
    /// `tls-cert-file`
    public var tlsCertFile: String?
    /// `tls-key-file`
    public var tlsKeyFile: String?
    /// `tls-key-file-pass`
    public var tlsKeyFilePass: RedactedSecret?
    /// `tls-ca-cert-file`
    public var tlsCACertFile: String?
    /// `tls-auth-clients`
    public var tlsAuthClients: TLSClientAuth = .yes
    /// `protected-mode`
    public var protectedMode = true
    /// `tcp-backlog`
    public var tcpBacklog = 511
    /// `tcp-keepalive` seconds
    public var tcpKeepAlive = 300
    /// `logfile` ("" = stdout)
    public var logFile = ""
    /// `loglevel`
    public var logLevel = "notice"
    /// `pidfile`
    public var pidFile: String?
    /// `daemonize yes`: `infera server` detaches (see `ServerDaemon` in InferaCLI).
    public var daemonize = false
    /// `io-threads`: event-loop threads (0 = default: 1 epoll loop; SwiftNIO: the number of cores).
    public var threads: Int = 0
    /// `client-output-buffer-limit normal` (Redis: `0 0 0`, no limit).
    public var outputBufferLimitNormal = OutputBufferLimit(hard: 0, soft: 0, softSeconds: 0)
    /// `client-output-buffer-limit pubsub` (Redis: `32mb 8mb 60`).
    public var outputBufferLimitPubSub = OutputBufferLimit(hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60)
    /// `infera-io-backend`: epoll loops (Linux default) or SwiftNIO.
    #if os(Linux)
    public var ioBackend: IOBackend = .epoll
    #else
    public var ioBackend: IOBackend = .nio
    #endif
    /// `cluster-enabled yes`: serve a Redis Cluster of `clusterShards` nodes on `port` … `port + clusterShards - 1`.
    public var clusterEnabled = false
    /// `cluster-shards` (infera's own directive): number of primaries in cluster mode.
    public var clusterShards = 3
    /// The configuration file the settings came from (absolute path).
    public var configFile: String?
    /// A `save` line was read: the next ones add save points instead of replacing them.
    var saveDirectiveSeen = false
    /// The engine settings.
    public var engine = EngineConfig()

    public init() {}
}
