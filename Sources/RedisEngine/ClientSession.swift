import NIOCore
import RESP

/// Per-connection state seen by commands. Owned by the engine's lock: read and write it only
/// while executing a command (or holding `engine.lock`).
public final class ClientSession: @unchecked Sendable {
    /// CLIENT REPLY mode.
    public enum ReplyMode: Sendable { case on, off, skip, skipNext }

    /// Unique id (CLIENT ID).
    public let id: Int64
    /// Selected database.
    public var db: Int = 0
    /// CLIENT SETNAME name.
    public var name: ByteString?
    /// Protocol version (HELLO).
    public var protocolVersion: RESPVersion = .resp2
    /// True once AUTH succeeded (or when no password is required).
    public var authenticated: Bool
    /// ACL user name.
    public var user: String = "default"
    /// CLIENT REPLY state.
    public var replyMode: ReplyMode = .on
    /// True while CLIENT PAUSE holds this client's next command back (counted in INFO blocked_clients,
    /// like Redis's BLOCKED_POSTPONE).
    public var isPostponed = false
    /// Creation time (ms).
    public var createdAt: Int64
    /// Time of the last command (ms).
    public var lastInteraction: Int64
    /// `ip:port` of the peer.
    public var remoteAddress: String
    /// `ip:port` of our side.
    public var localAddress: String
    /// Numeric descriptor-like id shown in CLIENT LIST (`fd=`).
    public var fd: Int = -1
    /// The last command this client ran (CLIENT LIST's `cmd`), "NULL" before the first.
    public var lastCommand: String { lastCommandSpec?.fullName ?? "NULL" }
    /// The spec of the last command (stored as the reference, so recording it costs no string copy).
    public var lastCommandSpec: CommandSpec?
    /// True for MONITOR clients.
    public var isMonitor = false
    /// True when the connection uses TLS.
    public var isTLS = false
    /// True for the engine's own internal client (scripts, tests): never checked for auth.
    public var isInternal = false
    /// Close the connection once pending replies are written (QUIT, protocol errors, CLIENT KILL).
    public var closeAfterReply = false
    /// Library name/version (CLIENT SETINFO is 7.2; kept for CLIENT LIST compatibility).
    public var libName: String = ""
    /// Bytes waiting in the query buffer (updated by the server).
    public var queryBufferLength = 0
    /// Bytes pending in the output buffer (updated by the server).
    public var outputBufferLength = 0
    /// True for clients the idle `timeout` never closes (pub/sub subscribers).
    public var exemptFromTimeout = false
    /// Number of commands processed for this client.
    public var commandsProcessed = 0

    /// Channels subscribed (CLIENT LIST `sub=`), maintained by pub/sub.
    public var subscriptionCount = 0
    /// Patterns subscribed (CLIENT LIST `psub=`), maintained by pub/sub.
    public var patternSubscriptionCount = 0
    /// Commands queued in MULTI, or -1 outside MULTI (CLIENT LIST `multi=`), maintained by transactions.
    public var multiCount = -1
    /// Extra CLIENT LIST flag letters set by extensions (e.g. "d" for dirty CAS).
    public var extraFlags = ""
    /// CLIENT NO-EVICT state.
    public var noEvict = false

    /// True while the client waits in a blocking command; the server stops reading its commands.
    public var isBlocked = false
    /// Set by the server: resume processing this client's buffered commands (called after unblocking).
    public var resume: (@Sendable () -> Void)?
    /// Set by the server: append bytes to this client's connection and flush, from any thread.
    /// Use `CommandContext.deliver(_:to:)`, which writes inline when the target is the running client.
    public var deliver: (@Sendable (ByteBuffer) -> Void)?
    /// Set by the server: close this client's connection from any thread (CLIENT KILL).
    public var kill: (@Sendable () -> Void)?

    /// Per-session state of engine extensions (MULTI queue, subscriptions, ...), keyed by type.
    public var extensionState: [ObjectIdentifier: AnyObject] = [:]

    /// A new session.
    public init(id: Int64, now: Int64, authenticated: Bool, remoteAddress: String = "127.0.0.1:0",
                localAddress: String = "127.0.0.1:6379") {
        self.id = id
        self.createdAt = now
        self.lastInteraction = now
        self.authenticated = authenticated
        self.remoteAddress = remoteAddress
        self.localAddress = localAddress
    }

    /// Extension state of type `T`, created on first use.
    public func state<T: AnyObject>(_ type: T.Type, create: () -> T) -> T {
        if let s = extensionState[ObjectIdentifier(type)] as? T { return s }
        let s = create()
        extensionState[ObjectIdentifier(type)] = s
        return s
    }

    /// Extension state of type `T` if it exists.
    public func existingState<T: AnyObject>(_ type: T.Type) -> T? {
        extensionState[ObjectIdentifier(type)] as? T
    }
}
