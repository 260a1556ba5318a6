/// A component that plugs into the dispatcher and the keyspace without changing them:
/// transactions (MULTI/WATCH), blocking commands, pub/sub and keyspace notifications, ACL, scripting.
///
/// Register with `engine.addExtension(_:)`. All methods run with the engine lock held, on the
/// thread executing the command; they must not block or suspend. Every method has a default
/// that does nothing.
public protocol EngineExtension: AnyObject {
    /// The per-command and per-key hooks this extension implements: the dispatcher calls only
    /// those (every command pays for each call). The default, `.all`, is always correct.
    var hooks: ExtensionHooks { get }
    /// Called after lookup, arity, auth and OOM checks, before the command runs.
    /// Return true when the extension took care of the command (queued it in MULTI, rejected it
    /// with its own error...): the dispatcher then does nothing more for it.
    func beforeCommand(_ ctx: inout CommandContext, _ command: CommandSpec) -> Bool
    /// Called when the dispatcher refused a command (unknown, arity, NOAUTH, OOM, ...): MULTI flags its transaction.
    func commandRejected(_ ctx: inout CommandContext)
    /// Called after a command ran (serve blocked clients whose keys became ready, etc.).
    func afterCommand(_ ctx: inout CommandContext, _ command: CommandSpec)
    /// `key` in database `db` was modified, deleted or expired (WATCH invalidation, blocked clients).
    func keyModified(db: Int, key: ByteString)
    /// A whole database (or every database when `db` is nil) was flushed or swapped.
    func databaseChanged(db: Int?)
    /// A keyspace event allowed by `notify-keyspace-events` happened.
    func keyspaceEvent(_ type: KeyspaceEventType, _ event: String, key: ByteString, db: Int)
    /// The client is disconnecting (release subscriptions, blocked state, watched keys).
    func sessionClosed(_ session: ClientSession)
    /// The client sent RESET: drop its MULTI state, subscriptions, etc.
    func sessionReset(_ session: ClientSession)
    /// Periodic work (every 1000/hz ms): blocked-client timeouts and similar.
    func cron(now: Int64)
    /// Extra `name:value` lines for an INFO section (section name lower case), or nil.
    func infoLines(section: String) -> [String]?
}

/// The hooks of `EngineExtension` that run on every command or every key change.
public struct ExtensionHooks: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let beforeCommand = ExtensionHooks(rawValue: 1 << 0)
    public static let commandRejected = ExtensionHooks(rawValue: 1 << 1)
    public static let afterCommand = ExtensionHooks(rawValue: 1 << 2)
    public static let keyModified = ExtensionHooks(rawValue: 1 << 3)
    public static let databaseChanged = ExtensionHooks(rawValue: 1 << 4)
    public static let keyspaceEvent = ExtensionHooks(rawValue: 1 << 5)
    public static let all: ExtensionHooks = [.beforeCommand, .commandRejected, .afterCommand, .keyModified,
                                              .databaseChanged, .keyspaceEvent]
}

extension EngineExtension {
    public var hooks: ExtensionHooks { .all }
    public func beforeCommand(_ ctx: inout CommandContext, _ command: CommandSpec) -> Bool { false }
    public func commandRejected(_ ctx: inout CommandContext) {}
    public func afterCommand(_ ctx: inout CommandContext, _ command: CommandSpec) {}
    public func keyModified(db: Int, key: ByteString) {}
    public func databaseChanged(db: Int?) {}
    public func keyspaceEvent(_ type: KeyspaceEventType, _ event: String, key: ByteString, db: Int) {}
    public func sessionClosed(_ session: ClientSession) {}
    public func sessionReset(_ session: ClientSession) {}
    public func cron(now: Int64) {}
    public func infoLines(section: String) -> [String]? { nil }
}
