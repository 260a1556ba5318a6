import NIOCore
import RESP

/// One ACL LOG entry (Redis 7.0's ACLLogEntry).
struct ACLLogEntry {
    var count: Int
    /// "command", "key", "channel" or "auth".
    var reason: String
    /// "toplevel", "multi" or "lua".
    var context: String
    var object: [UInt8]
    var username: String
    /// Creation (or last merge) time, ms.
    var ctime: Int64
    var clientInfo: String
}

/// The ACL log: newest entry first, at most `acllog-max-len` entries; a denial that repeats an entry among
/// the 10 newest within 60 s bumps that entry's count instead of adding one (addACLLogEntry).
final class ACLLogStore {
    var entries: [ACLLogEntry] = []
    /// ACL_LOG_GROUPING_MAX_TIME_DELTA
    static let groupingMillis: Int64 = 60_000

    func add(_ e: ACLLogEntry, maxLen: Int) {
        for (k, cur) in entries.prefix(10).enumerated()
        where cur.reason == e.reason && cur.context == e.context && cur.object == e.object
            && cur.username == e.username && e.ctime - cur.ctime <= ACLLogStore.groupingMillis {
            var m = entries.remove(at: k)
            m.count += 1
            m.ctime = e.ctime
            m.clientInfo = e.clientInfo
            entries.insert(m, at: 0)
            return
        }
        entries.insert(e, at: 0)
        if entries.count > maxLen { entries.removeLast(entries.count - maxLen) }
    }
}

extension SessionStateExtension {
    /// Records a denied command, key or channel (processCommand / EXEC).
    func logDenial(_ ctx: inout CommandContext, _ command: CommandSpec, _ d: ACLDenial, inExec: Bool) {
        let reason: String, object: [UInt8]
        switch d {
        case .command(let n): reason = "command"; object = Array(n.utf8)
        case .key(let k): reason = "key"; object = Array(k.utf8)
        case .channel(let c): reason = "channel"; object = Array(c.utf8)
        }
        let inMulti = inExec || (ctx.session.existingState(MultiState.self)?.inMulti ?? false)
        addLogEntry(&ctx, reason: reason, context: inMulti ? "multi" : "toplevel", object: object,
                    username: ctx.session.user, command: command)
    }

    /// Records a failed AUTH / HELLO AUTH (object: the command name as typed).
    func logAuthFailure(_ ctx: inout CommandContext, user: String) {
        let inMulti = ctx.session.existingState(MultiState.self)?.inMulti ?? false
        addLogEntry(&ctx, reason: "auth", context: inMulti ? "multi" : "toplevel", object: Array(ctx.args[0]),
                    username: user, command: ctx.command)
    }

    private func addLogEntry(_ ctx: inout CommandContext, reason: String, context: String, object: [UInt8],
                             username: String, command: CommandSpec?) {
        let saved = ctx.command
        ctx.command = command
        let info = ClientCommands.describe(ctx.engine, ctx.session, now: ctx.now, current: ctx)
        ctx.command = saved
        acl.log.add(ACLLogEntry(count: 1, reason: reason, context: context, object: object, username: username,
                                ctime: ctx.now, clientInfo: info), maxLen: ctx.engine.config.aclLogMaxLen)
    }
}

extension ACLCommands {
    /// ACL LOG [count | RESET]
    static func logCommand(_ ctx: inout CommandContext) {
        guard let ext = SessionStateExtension.of(ctx.engine) else { ctx.out.emptyArray(); return }
        let log = ext.acl.log
        if ctx.argc > 3 {
            ctx.out.error("ERR unknown subcommand or wrong number of arguments for '\(ctx.args.string(1))'. Try ACL HELP.")
            return
        }
        var count = 10
        if ctx.argc == 3 {
            if ctx.argIs(2, "RESET") {
                log.entries.removeAll()
                ctx.out.ok()
                return
            }
            guard let n = ctx.int(2) else {
                ctx.out.error(RedisError.notInteger)
                return
            }
            count = max(0, n)
        }
        let shown = log.entries.prefix(count)
        ctx.out.arrayHeader(shown.count)
        for e in shown {
            ctx.out.mapHeader(7)
            ctx.out.bulk("count"); ctx.out.integer(e.count)
            ctx.out.bulk("reason"); ctx.out.bulk(e.reason)
            ctx.out.bulk("context"); ctx.out.bulk(e.context)
            ctx.out.bulk("object"); ctx.out.bulk(e.object)
            ctx.out.bulk("username"); ctx.out.bulk(e.username)
            ctx.out.bulk("age-seconds"); ctx.out.double(Double(ctx.now - e.ctime) / 1000)
            ctx.out.bulk("client-info"); ctx.out.bulk(e.clientInfo)
        }
    }
}
