import NIOCore
import RESP

/// String commands.
public enum StringCommands {
    public static var all: [CommandSpec] {
        [
            CommandSpec("get", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1),
                        categories: ["read", "string", "fast"], group: "string",
                        summary: "Get the value of a key", since: "1.0.0", handler: get),
            CommandSpec("set", arity: -3, flags: [.write, .denyOOM], keys: (1, 1, 1),
                        categories: ["write", "string", "slow"], group: "string",
                        summary: "Set the string value of a key", since: "1.0.0", handler: set),
        ]
    }

    static func get(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        guard let i = ctx.lookupRead(key) else {
            ctx.out.null()
            return
        }
        ctx.replyString(at: i)
    }

    /// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
    static func set(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        if ctx.argc == 3 {
            let d = ctx.db
            ctx.engine.setKey(d, key, Value.string(ctx.args[2]))
            ctx.engine.dirty += 1
            ctx.signalModified(key)
            ctx.notify(.string, "set", key)
            ctx.out.ok()
            return
        }
        var nx = false, xx = false, get = false, keepTTL = false
        var expireAt: Int64?
        var unitSeen = false
        var j = 3
        while j < ctx.argc {
            let hasNext = j + 1 < ctx.argc
            if ctx.argIs(j, "NX") && !xx {
                nx = true
            } else if ctx.argIs(j, "XX") && !nx {
                xx = true
            } else if ctx.argIs(j, "GET") {
                get = true
            } else if ctx.argIs(j, "KEEPTTL") && !unitSeen {
                keepTTL = true
                unitSeen = true
            } else if hasNext && !unitSeen && !keepTTL,
                      let unit = ctx.argIs(j, "EX") ? 0 : ctx.argIs(j, "PX") ? 1 : ctx.argIs(j, "EXAT") ? 2 : ctx.argIs(j, "PXAT") ? 3 : nil {
                guard let n = ctx.int(j + 1) else {
                    ctx.out.error(RedisError.notInteger)
                    return
                }
                guard let at = absoluteExpire(n, unit: unit, now: ctx.now) else {
                    ctx.out.error(RedisError.invalidExpire("set"))
                    return
                }
                expireAt = at
                unitSeen = true
                j += 1
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
            j += 1
        }
        let existing = ctx.lookupWrite(key)
        if get, let i = existing, !ctx.value(at: i).isString {
            ctx.wrongType()
            return
        }
        if (nx && existing != nil) || (xx && existing == nil) {
            if get {
                if let i = existing { ctx.replyString(at: i) } else { ctx.out.null() }
            } else {
                ctx.out.null()
            }
            return
        }
        if get {
            if let i = existing { ctx.replyString(at: i) } else { ctx.out.null() }
        }
        ctx.setKey(key, Value.string(ctx.args[2]), keepTTL: keepTTL)
        ctx.notify(.string, "set", key)
        if let at = expireAt {
            ctx.setExpire(key, at: at)
            ctx.notify(.generic, "expire", key)
        }
        if !get { ctx.out.ok() }
    }

    /// Converts an EX/PX/EXAT/PXAT amount to absolute ms; nil when invalid (≤ 0 or overflowing).
    static func absoluteExpire(_ n: Int, unit: Int, now: Int64) -> Int64? {
        if n <= 0 { return nil }
        var ms = Int64(n)
        if unit == 0 || unit == 2 {
            let (m, o) = ms.multipliedReportingOverflow(by: 1000)
            if o { return nil }
            ms = m
        }
        if unit <= 1 {
            let (a, o) = ms.addingReportingOverflow(now)
            if o { return nil }
            ms = a
        }
        return ms
    }
}
