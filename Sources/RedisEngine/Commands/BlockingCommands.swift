import NIOCore
import RESP

/// A database/key pair (blocked clients, WATCH).
public struct DBKey: Hashable, Sendable {
    public let db: Int
    public let key: ByteString
    public init(db: Int, key: ByteString) { self.db = db; self.key = key }
}

/// A client waiting in BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP/BZPOPMIN/BZPOPMAX/BZMPOP.
final class BlockedClient {
    enum Kind { case list, zset, stream }
    let session: ClientSession
    let db: Int
    let keys: [ByteString]
    /// Absolute deadline in ms (0 = wait forever).
    let deadline: Int64
    let kind: Kind
    let args: Argv
    let command: CommandSpec
    /// Order of blocking, for fair (FIFO) serving.
    let sequence: UInt64

    init(session: ClientSession, db: Int, keys: [ByteString], deadline: Int64, kind: Kind, args: Argv, command: CommandSpec, sequence: UInt64) {
        self.session = session; self.db = db; self.keys = keys; self.deadline = deadline
        self.kind = kind; self.args = args; self.command = command; self.sequence = sequence
    }
}

/// Blocked-client bookkeeping: FIFO queues per key, ready keys, timeouts.
final class BlockingState {
    var waiting: [DBKey: [BlockedClient]] = [:]
    var bySession: [Int64: BlockedClient] = [:]
    var readyKeys: [DBKey] = []
    var readySet: Set<DBKey> = []
    var sequence: UInt64 = 0
    /// Set while a blocked client's command is re-run: `block` then only records "still waiting".
    var reprocessing = false
    var stillBlocked = false
    var serving = false

    var isEmpty: Bool { bySession.isEmpty }

    func add(_ c: BlockedClient) {
        bySession[c.session.id] = c
        for k in c.keys {
            waiting[DBKey(db: c.db, key: k), default: []].append(c)
        }
    }

    func remove(_ c: BlockedClient) {
        bySession[c.session.id] = nil
        for k in c.keys {
            let dk = DBKey(db: c.db, key: k)
            if var q = waiting[dk] {
                q.removeAll { $0 === c }
                waiting[dk] = q.isEmpty ? nil : q
            }
        }
    }

    func signal(_ dk: DBKey) {
        if waiting[dk] != nil && !readySet.contains(dk) {
            readySet.insert(dk)
            readyKeys.append(dk)
        }
    }
}

/// Helpers used by the blocking commands.
enum Blocking {
    /// Parses a timeout in seconds (float) into an absolute deadline in ms (0 = forever).
    static func parseTimeout(_ ctx: inout CommandContext, _ i: Int) -> Int64? {
        guard let secs = RedisDouble.parse(ctx.args[i]) else {
            ctx.out.error(RedisError.timeoutNotFloat)
            return nil
        }
        let ms = secs * 1000
        if !(ms < 9.2e18) || ms < 0 {
            ctx.out.error("ERR timeout is negative")
            return nil
        }
        let t = Int64(ms)
        return t > 0 ? ctx.now + t : 0
    }

    /// Whether the running command may block (not inside MULTI/EXEC or a script).
    static func mayBlock(_ ctx: CommandContext) -> Bool {
        guard let ext = SessionStateExtension.of(ctx.engine) else { return false }
        if ext.blocking.reprocessing { return true }
        if ext.executingTransaction || ctx.session.isInternal { return false }
        return true
    }

    /// Blocks the running client on `keys` (no reply now; one comes when served or timed out).
    static func block(_ ctx: inout CommandContext, keys: [ByteString], timeout deadline: Int64, kind: BlockedClient.Kind) {
        guard let ext = SessionStateExtension.of(ctx.engine), let cmd = ctx.command else { ctx.out.nullArray(); return }
        let st = ext.blocking
        if st.reprocessing { st.stillBlocked = true; return }
        st.sequence += 1
        let c = BlockedClient(session: ctx.session, db: ctx.session.db, keys: keys, deadline: deadline, kind: kind,
                              args: ctx.args, command: cmd, sequence: st.sequence)
        st.add(c)
        ctx.session.isBlocked = true
    }
}

extension SessionStateExtension {
    /// Serves clients blocked on keys that became ready, FIFO per key, until nothing is ready.
    func serveReadyKeys() {
        let st = blocking
        if st.serving || st.readyKeys.isEmpty { return }
        st.serving = true
        defer { st.serving = false }
        var rounds = 0
        while !st.readyKeys.isEmpty && rounds < 1_000_000 {
            let keys = st.readyKeys
            st.readyKeys.removeAll(keepingCapacity: true)
            st.readySet.removeAll(keepingCapacity: true)
            for dk in keys {
                if st.waiting[dk]?.contains(where: { $0.kind == .stream }) == true { serveStreamWaiters(dk) }
                while let queue = st.waiting[dk], !queue.isEmpty {
                    rounds += 1
                    guard keyHasData(dk, kind: queue[0].kind) else { break }
                    var servedAny = false
                    for c in queue {
                        if !keyHasData(dk, kind: c.kind) { break }
                        if serve(c) { servedAny = true; break }
                    }
                    if !servedAny { break }
                }
            }
        }
    }

    private func keyHasData(_ dk: DBKey, kind: BlockedClient.Kind) -> Bool {
        guard let engine, dk.db < engine.databases.count else { return false }
        let db = engine.databases[dk.db]
        guard let i = engine.lookup(db, dk.key, now: engine.clock.nowMilliseconds()) else { return false }
        guard case .object(let o) = db.main.value(at: i) else { return false }
        switch kind {
        case .list: return (o as? ListObject).map { !$0.list.isEmpty } ?? false
        case .zset: return (o as? ZSetObject).map { !$0.zset.isEmpty } ?? false
        case .stream: return false   // served by serveStreamWaiters (StreamCommands.swift)
        }
    }

    /// Re-runs `c`'s command; true when it produced a reply (client unblocked).
    private func serve(_ c: BlockedClient) -> Bool {
        guard let engine else { return false }
        let st = blocking
        var ctx = CommandContext(engine: engine, session: c.session, buffer: ByteBufferAllocator().buffer(capacity: 64))
        ctx.args = c.args
        ctx.now = engine.clock.nowMilliseconds()
        ctx.command = c.command
        ctx.out.version = c.session.protocolVersion
        st.reprocessing = true
        st.stillBlocked = false
        let outerClient = engine.currentClient
        engine.currentClient = c.session   // Redis serves an unblocked client as the current client
        defer { engine.currentClient = outerClient }
        engine.call(&ctx, c.command)
        st.reprocessing = false
        if st.stillBlocked { return false }
        st.remove(c)
        c.session.isBlocked = false
        c.session.deliver?(ctx.out.buffer)
        engine.tracking?.flushPending(for: c.session)   // its invalidations follow its reply
        c.session.resume?()
        return true
    }

    /// Replies to clients whose timeout passed.
    func expireBlocked(now: Int64) {
        let st = blocking
        if st.bySession.isEmpty { return }
        let due = st.bySession.values.filter { $0.deadline != 0 && now >= $0.deadline }.sorted { $0.sequence < $1.sequence }
        for c in due { unblock(c, reply: c.session.protocolVersion == .resp3 ? "_\r\n" : "*-1\r\n") }
    }

    /// Unblocks `c` with the error `message` (no leading '-' or CRLF), counted like Redis's
    /// afterErrorReply and updateStatsOnUnblock: total_error_replies, errorstats and the blocked
    /// command's failed_calls.
    func unblock(_ c: BlockedClient, error message: String) {
        if let engine {
            engine.stats.errorReplies += 1
            engine.latency.countError(message.utf8)
            let sid = c.command.statID
            if sid < engine.commandStats.count { engine.commandStats[sid].failedCalls += 1 }
        }
        unblock(c, reply: "-\(message)\r\n")
    }

    /// Unblocks `c` with a literal reply (timeout, CLIENT UNBLOCK).
    func unblock(_ c: BlockedClient, reply: String) {
        blocking.remove(c)
        c.session.isBlocked = false
        var buf = ByteBufferAllocator().buffer(capacity: reply.utf8.count)
        buf.writeString(reply)
        c.session.deliver?(buf)
        c.session.resume?()
    }
}
