import RedisEngine

/// `tls-auth-clients`
public enum TLSClientAuth: String, Sendable {
    case yes, no, optional
}

/// Settings of the network server (the engine's own settings are in `engine`).
public struct RedisServerConfig: Sendable {
    /// `port` (0 disables plain TCP).
    public var port = 6379
    /// Tests: bind plain TCP (and TLS when `tlsPort` is set) to ephemeral ports chosen by the OS.
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
    /// Number of event-loop threads (default: the number of cores).
    public var threads: Int = 0
    /// Client output buffer hard limit for normal clients (0 = none), bytes.
    public var outputBufferHardLimitNormal = 0
    /// Client output buffer hard limit for pub/sub clients (32 MB like Redis), bytes.
    public var outputBufferHardLimitPubSub = 32 * 1024 * 1024
    /// The configuration file the settings came from.
    public var configFile: String?
    /// The engine settings.
    public var engine = EngineConfig()

    public init() {}
}
