import NIOCore
import RESP

/// Per-client MULTI/WATCH state.
final class MultiState {
    var inMulti = false
    var queued: [(Argv, CommandSpec)] = []
    /// A command failed to queue (unknown, arity, ACL, ...): EXEC replies EXECABORT.
    var flagged = false
    /// A watched key was touched: EXEC replies with a null array.
    var dirty = false
    /// Watched keys with the expiry state they had when watched.
    var watched: [(DBKey, Bool)] = []
}

/// Per-client pub/sub state (insertion-ordered subscriptions).
final class SubscriberState {
    var channels: [ByteString] = []
    var channelSet: Set<ByteString> = []
    var patterns: [ByteString] = []
    var patternSet: Set<ByteString> = []
    var shardChannels: [ByteString] = []
    var shardSet: Set<ByteString> = []
    var count: Int { channels.count + patterns.count }
    var total: Int { channels.count + patterns.count + shardChannels.count }

    /// Mirrors the counts into the session (CLIENT LIST sub=/psub=, the server's pub/sub
    /// output-buffer class, CLIENT KILL TYPE pubsub).
    func syncCounts(_ session: ClientSession) {
        session.subscriptionCount = channels.count
        session.patternSubscriptionCount = patterns.count
    }
}

/// The engine extension that keeps per-client state: transactions, WATCH, blocked clients, pub/sub delivery, keyspace
/// notifications and ACL checks, all plugged into the dispatcher through `EngineExtension`.
public final class SessionStateExtension: EngineExtension, @unchecked Sendable {
    /// The owning engine (unowned: the engine owns its extensions; a weak reference would move every
    /// retain of the engine onto the slow side-table path).
    unowned(unsafe) let engineRef: Engine
    var engine: Engine? { engineRef }
    let blocking = BlockingState()
    /// Clients watching each key.
    var watchers: [DBKey: [ClientSession]] = [:]
    /// Pub/sub registry.
    let pubsub = PubSubRegistry()
    /// ACL users.
    public let acl = ACLStore()
    /// True while EXEC runs its queued commands (no blocking, no serving of blocked clients).
    var executingTransaction = false
    /// Number of sessions with MULTI or subscription state (fast path when zero).
    var statefulSessions = 0

    public init(engine: Engine) { self.engineRef = engine }

    /// The extension installed in `engine`.
    @inline(__always) static func of(_ engine: Engine) -> SessionStateExtension? {
        engine.extensionOf(SessionStateExtension.self)
    }

    static let subscribeContextError = "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"

    public func beforeCommand(_ ctx: inout CommandContext, _ command: CommandSpec) -> Bool {
        if acl.restricted, !checkACL(&ctx, command) { return true }
        if statefulSessions == 0 { return false }
        let session = ctx.session
        if let sub = session.existingState(SubscriberState.self), sub.total > 0, session.protocolVersion == .resp2 {
            switch command.fullName {
            case "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "quit", "reset":
                break
            case "ping":
                if !(session.existingState(MultiState.self)?.inMulti ?? false) {
                    ctx.out.arrayHeader(2)
                    ctx.out.bulk("pong")
                    if ctx.argc > 1 { ctx.out.bulk(ctx.args[1]) } else { ctx.out.bulk("") }
                    return true
                }
            default:
                reject(&ctx, "ERR Can't execute '\(command.fullName)': \(SessionStateExtension.subscribeContextError)")
                return true
            }
        }
        if let m = session.existingState(MultiState.self), m.inMulti {
            switch command.fullName {
            case "exec", "discard", "multi", "watch", "quit", "reset":
                return false
            default:
                if command.flags.contains(.noMulti) {
                    reject(&ctx, "ERR Command not allowed inside a transaction")
                    return true
                }
                m.queued.append((ctx.args, command))
                ctx.out.simple("QUEUED")
                return true
            }
        }
        return false
    }

    /// Replies an error for a command refused before running, flagging an open transaction.
    func reject(_ ctx: inout CommandContext, _ message: String) {
        ctx.engine.stats.rejectedCalls += 1
        ctx.out.error(message)
        if let m = ctx.session.existingState(MultiState.self), m.inMulti { m.flagged = true }
    }

    /// Called by the dispatcher when a command is refused before `beforeCommand` (unknown, arity...).
    public func commandRejected(_ ctx: inout CommandContext) {
        if statefulSessions == 0 { return }
        if let m = ctx.session.existingState(MultiState.self), m.inMulti { m.flagged = true }
    }

    public func afterCommand(_ ctx: inout CommandContext, _ command: CommandSpec) {
        if executingTransaction || blocking.readyKeys.isEmpty { return }
        serveReadyKeys()
    }

    public func keyModified(db: Int, key: ByteString) {
        if !watchers.isEmpty { touchWatched(DBKey(db: db, key: key)) }
        if !blocking.isEmpty { blocking.signal(DBKey(db: db, key: key)) }
    }

    public func databaseChanged(db: Int?) {
        if !blocking.isEmpty { signalWaiters(db: db) }
        if watchTouchedBeforeChange {
            watchTouchedBeforeChange = false
            return
        }
        if watchers.isEmpty { return }
        for (dk, sessions) in watchers where db == nil || dk.db == db {
            for s in sessions { s.existingState(MultiState.self)?.dirty = true }
        }
    }

    public func keyspaceEvent(_ type: KeyspaceEventType, _ event: String, key: ByteString, db: Int) {
        guard let engine else { return }
        publishKeyspaceEvent(engine, event: event, key: key, db: db)
    }

    public func sessionClosed(_ session: ClientSession) {
        resetSession(session)
    }

    public func sessionReset(_ session: ClientSession) {
        resetSession(session)
    }

    func resetSession(_ session: ClientSession) {
        engine?.tracking?.sessionGone(session)
        if let c = blocking.bySession[session.id] {
            blocking.remove(c)
            session.isBlocked = false
        }
        if let m = session.existingState(MultiState.self) {
            unwatchAll(session, m)
            statefulSessions -= 1
            session.extensionState[ObjectIdentifier(MultiState.self)] = nil
        }
        if let sub = session.existingState(SubscriberState.self) {
            pubsub.removeAll(session, sub)
            statefulSessions -= 1
            session.extensionState[ObjectIdentifier(SubscriberState.self)] = nil
        }
    }

    public func cron(now: Int64) {
        expireBlocked(now: now)
    }

    public func infoLines(section: String) -> [String]? {
        switch section {
        case "clients":
            return ["blocked_clients:\(blocking.bySession.count)"]
        case "stats":
            return ["pubsub_channels:\(pubsub.channels.count)", "pubsub_patterns:\(pubsub.patterns.count)"]
        default:
            return nil
        }
    }

    /// The MULTI/WATCH state of `session`, created on first use.
    func multiState(_ session: ClientSession) -> MultiState {
        if let m = session.existingState(MultiState.self) { return m }
        statefulSessions += 1
        return session.state(MultiState.self) { MultiState() }
    }

    /// The pub/sub state of `session`, created on first use.
    func subscriberState(_ session: ClientSession) -> SubscriberState {
        if let s = session.existingState(SubscriberState.self) { return s }
        statefulSessions += 1
        return session.state(SubscriberState.self) { SubscriberState() }
    }

    // MARK: WATCH

    /// Set by FLUSHALL/FLUSHDB/SWAPDB after `touchWatchedKeys(in:replacedWith:)`: the next
    /// `databaseChanged` leaves WATCH alone.
    var watchTouchedBeforeChange = false

    /// Redis's touchAllWatchedKeysInDb, called before database `emptied` is flushed or swapped
    /// with `replacedWith`: only watched keys that exist in either are touched (FLUSHALL of a
    /// database without the watched key leaves the transaction alone); a key that was already
    /// expired when watched and is now gone is no logical change.
    func touchWatchedKeys(_ engine: Engine, in emptied: Int, replacedWith: Int?) {
        watchTouchedBeforeChange = true
        if watchers.isEmpty { return }
        let dbE = engine.databases[emptied]
        let dbR = replacedWith.map { engine.databases[$0] }
        for (dk, sessions) in watchers where dk.db == emptied {
            let inEmptied = dbE.main.find(dk.key) != nil
            let inReplacement = dbR.map { $0.main.find(dk.key) != nil } ?? false
            guard inEmptied || inReplacement else { continue }
            let staleInEmptied = inEmptied && engine.isExpired(dbE, dk.key, now: engine.clock.nowMilliseconds())
            for s in sessions {
                guard let m = s.existingState(MultiState.self) else { continue }
                // Watched while already expired (not live) and replaced by nothing: no logical change.
                if !inReplacement && staleInEmptied, m.watched.contains(where: { $0.0 == dk && !$0.1 }) { continue }
                m.dirty = true
            }
        }
    }

    func touchWatched(_ dk: DBKey) {
        guard let list = watchers[dk] else { return }
        for s in list { s.existingState(MultiState.self)?.dirty = true }
    }

    func unwatchAll(_ session: ClientSession, _ m: MultiState) {
        for (dk, _) in m.watched {
            if var list = watchers[dk] {
                list.removeAll { $0 === session }
                watchers[dk] = list.isEmpty ? nil : list
            }
        }
        m.watched.removeAll()
    }
}

