import NIOCore
import RESP

/// Hash commands: HSET … HRANDFIELD, HSCAN.
public enum HashCommands {
    static func spec(_ name: String, _ arity: Int, _ flags: CommandFlags, _ cats: [String], _ summary: String,
                     _ since: String, _ h: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags, keys: (1, 1, 1), categories: cats, group: "hash",
                    summary: summary, since: since, handler: h)
    }

    public static var all: [CommandSpec] {
        let rf = ["read", "hash", "fast"], wf = ["write", "hash", "fast"], rs = ["read", "hash", "slow"]
        return [
            spec("hset", -4, [.write, .denyOOM, .fast], wf, "Set the string value of a hash field", "2.0.0") { hset(&$0, name: "hset") },
            spec("hmset", -4, [.write, .denyOOM, .fast], wf, "Set multiple hash fields to multiple values", "2.0.0") { hset(&$0, name: "hmset") },
            spec("hsetnx", 4, [.write, .denyOOM, .fast], wf, "Set the value of a hash field, only if the field does not exist", "2.0.0", hsetnx),
            spec("hget", 3, [.readonly, .fast], rf, "Get the value of a hash field", "2.0.0", hget),
            spec("hmget", -3, [.readonly, .fast], rf, "Get the values of all the given hash fields", "2.0.0", hmget),
            spec("hdel", -3, [.write, .fast], wf, "Delete one or more hash fields", "2.0.0", hdel),
            spec("hlen", 2, [.readonly, .fast], rf, "Get the number of fields in a hash", "2.0.0", hlen),
            spec("hstrlen", 3, [.readonly, .fast], rf, "Get the length of the value of a hash field", "3.2.0", hstrlen),
            spec("hexists", 3, [.readonly, .fast], rf, "Determine if a hash field exists", "2.0.0", hexists),
            spec("hkeys", 2, [.readonly], rs, "Get all the fields in a hash", "2.0.0") { hgetall(&$0, keys: true, values: false) },
            spec("hvals", 2, [.readonly], rs, "Get all the values in a hash", "2.0.0") { hgetall(&$0, keys: false, values: true) },
            spec("hgetall", 2, [.readonly], rs, "Get all the fields and values in a hash", "2.0.0") { hgetall(&$0, keys: true, values: true) },
            spec("hincrby", 4, [.write, .denyOOM, .fast], wf, "Increment the integer value of a hash field by the given number", "2.0.0", hincrby),
            spec("hincrbyfloat", 4, [.write, .denyOOM, .fast], wf, "Increment the float value of a hash field by the given amount", "2.6.0", hincrbyfloat),
            spec("hrandfield", -2, [.readonly], rs, "Get one or multiple random fields from a hash", "6.2.0", hrandfield),
            spec("hscan", -3, [.readonly], rs, "Incrementally iterate hash fields and associated values", "2.8.0", hscan),
        ]
    }

    /// The hash at `key` (nil when missing); replies WRONGTYPE and returns .failure for other types.
    enum Lookup { case missing, wrongType, found(HashObject, Int) }

    static func lookup(_ ctx: inout CommandContext, _ key: ByteString, write: Bool) -> Lookup {
        let idx = write ? ctx.lookupWrite(key) : ctx.lookupRead(key)
        guard let i = idx else { return .missing }
        guard case .hash(let h) = ctx.value(at: i) else {
            ctx.wrongType()
            return .wrongType
        }
        return .found(h, i)
    }

    /// The hash at `key`, created when missing; nil after WRONGTYPE.
    static func lookupOrCreate(_ ctx: inout CommandContext, _ key: ByteString) -> HashObject? {
        switch lookup(&ctx, key, write: true) {
        case .wrongType: return nil
        case .found(let h, _): return h
        case .missing:
            let h = HashObject()
            ctx.engine.setKey(ctx.db, key, .hash(h))
            return h
        }
    }

    static func limits(_ ctx: CommandContext) -> (Int, Int) {
        (ctx.engine.config.hashMaxListpackEntries, ctx.engine.config.hashMaxListpackValue)
    }

    static func changed(_ ctx: inout CommandContext, _ key: ByteString, _ event: StaticString) {
        ctx.engine.dirty += 1
        ctx.signalModified(key)
        ctx.notify(.hash, event, key)
    }

    static func hset(_ ctx: inout CommandContext, name: String) {
        if ctx.argc % 2 != 0 {
            ctx.out.error(RedisError.arity(name))
            return
        }
        let key = ctx.key(1)
        guard let h = lookupOrCreate(&ctx, key) else { return }
        let (me, mv) = limits(ctx)
        var created = 0
        var j = 2
        while j < ctx.argc {
            if h.set(ctx.key(j), ByteString(ctx.args[j + 1]), maxEntries: me, maxValue: mv) { created += 1 }
            j += 2
        }
        if name == "hmset" { ctx.out.ok() } else { ctx.out.integer(created) }
        changed(&ctx, key, "hset")   // Redis replies first, then notifies
    }

    static func hsetnx(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        let field = ctx.key(2)
        switch lookup(&ctx, key, write: true) {
        case .wrongType: return
        case .found(let h, _):
            if h.get(field) != nil {
                ctx.out.integer(0)
                return
            }
        case .missing: break
        }
        guard let h = lookupOrCreate(&ctx, key) else { return }
        let (me, mv) = limits(ctx)
        h.set(field, ByteString(ctx.args[3]), maxEntries: me, maxValue: mv)
        ctx.out.integer(1)
        changed(&ctx, key, "hset")
    }

    static func hget(_ ctx: inout CommandContext) {
        switch lookup(&ctx, ctx.key(1), write: false) {
        case .wrongType: return
        case .missing: ctx.out.null()
        case .found(let h, _):
            if let v = h.get(ctx.key(2)) { ctx.out.bulk(v) } else { ctx.out.null() }
        }
    }

    static func hmget(_ ctx: inout CommandContext) {
        var hash: HashObject?
        switch lookup(&ctx, ctx.key(1), write: false) {
        case .wrongType: return
        case .missing: break
        case .found(let h, _): hash = h
        }
        ctx.out.arrayHeader(ctx.argc - 2)
        for j in 2..<ctx.argc {
            if let v = hash?.get(ctx.key(j)) { ctx.out.bulk(v) } else { ctx.out.null() }
        }
    }

    static func hdel(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        switch lookup(&ctx, key, write: true) {
        case .wrongType: return
        case .missing: ctx.out.integer(0)
        case .found(let h, _):
            var n = 0
            for j in 2..<ctx.argc where h.remove(ctx.key(j)) {
                n += 1
                if h.count == 0 { break }
            }
            if n > 0 {
                ctx.engine.dirty += 1
                ctx.signalModified(key)
                ctx.notify(.hash, "hdel", key)
                if h.count == 0 {
                    ctx.engine.deleteKey(ctx.db, key)
                    ctx.notify(.generic, "del", key)
                }
            }
            ctx.out.integer(n)
        }
    }

    static func hlen(_ ctx: inout CommandContext) {
        switch lookup(&ctx, ctx.key(1), write: false) {
        case .wrongType: return
        case .missing: ctx.out.integer(0)
        case .found(let h, _): ctx.out.integer(h.count)
        }
    }

    static func hstrlen(_ ctx: inout CommandContext) {
        switch lookup(&ctx, ctx.key(1), write: false) {
        case .wrongType: return
        case .missing: ctx.out.integer(0)
        case .found(let h, _): ctx.out.integer(h.get(ctx.key(2))?.count ?? 0)
        }
    }

    static func hexists(_ ctx: inout CommandContext) {
        switch lookup(&ctx, ctx.key(1), write: false) {
        case .wrongType: return
        case .missing: ctx.out.integer(0)
        case .found(let h, _): ctx.out.integer(h.get(ctx.key(2)) != nil ? 1 : 0)
        }
    }

    static func hgetall(_ ctx: inout CommandContext, keys: Bool, values: Bool) {
        switch lookup(&ctx, ctx.key(1), write: false) {
        case .wrongType: return
        case .missing:
            if keys && values { ctx.out.mapHeader(0) } else { ctx.out.arrayHeader(0) }
        case .found(let h, _):
            let pairs = h.pairs
            if keys && values { ctx.out.mapHeader(pairs.count) } else { ctx.out.arrayHeader(pairs.count) }
            for (f, v) in pairs {
                if keys { ctx.out.bulk(f) }
                if values { ctx.out.bulk(v) }
            }
        }
    }

    static func hincrby(_ ctx: inout CommandContext) {
        guard let incr = ctx.intOrReply(3) else { return }
        let key = ctx.key(1), field = ctx.key(2)
        guard let h = lookupExistingOrNew(&ctx, key) else { return }
        var current: Int64 = 0
        if let v = h.get(field) {
            guard let n = v.withBytes({ parseStrictInt($0) }) else {
                ctx.out.error(RedisError.hashNotInteger)
                return
            }
            current = n
        }
        let (r, o) = current.addingReportingOverflow(Int64(incr))
        if o {
            ctx.out.error(RedisError.overflow)
            return
        }
        commitNew(&ctx, key, h)
        let (me, mv) = limits(ctx)
        h.set(field, ByteString(String(r)), maxEntries: me, maxValue: mv)
        ctx.out.integer(Int(r))
        changed(&ctx, key, "hincrby")
    }

    static func hincrbyfloat(_ ctx: inout CommandContext) {
        guard let incr = parseLongDouble(ctx.args[3]) else {
            ctx.out.error(RedisError.notFloat)
            return
        }
        // Redis 7.0 rejects an infinite increment before looking the key up.
        if incr.isNaN || incr.isInfinite {
            ctx.out.error("ERR value is NaN or Infinity")
            return
        }
        let key = ctx.key(1), field = ctx.key(2)
        guard let h = lookupExistingOrNew(&ctx, key) else { return }
        var current: LongDouble = 0
        if let v = h.get(field) {
            guard let n = parseLongDouble(v.array[...]) else {
                ctx.out.error(RedisError.hashNotFloat)
                return
            }
            current = n
        }
        let r = current + incr
        if r.isNaN || r.isInfinite {
            ctx.out.error(RedisError.nanOrInfinity)
            return
        }
        commitNew(&ctx, key, h)
        let text = formatLongDoubleHuman(r)
        let (me, mv) = limits(ctx)
        h.set(field, ByteString(text), maxEntries: me, maxValue: mv)
        ctx.out.bulk(text)
        changed(&ctx, key, "hincrbyfloat")
    }

    /// The existing hash or a new detached one (stored by `commitNew` once the command succeeds).
    static func lookupExistingOrNew(_ ctx: inout CommandContext, _ key: ByteString) -> HashObject? {
        switch lookup(&ctx, key, write: true) {
        case .wrongType: return nil
        case .found(let h, _): return h
        case .missing: return HashObject()
        }
    }

    static func commitNew(_ ctx: inout CommandContext, _ key: ByteString, _ h: HashObject) {
        if ctx.lookupWrite(key) == nil { ctx.engine.setKey(ctx.db, key, .hash(h)) }
    }

    static func hrandfield(_ ctx: inout CommandContext) {
        var count: Int?
        var withValues = false
        if ctx.argc >= 3 {
            guard let c = ctx.randomCountOrReply(2) else { return }
            count = c
            if ctx.argc > 4 || (ctx.argc == 4 && !ctx.argIs(3, "WITHVALUES")) {
                ctx.out.error(RedisError.syntax)
                return
            }
            if ctx.argc == 4 {
                // Redis 7.0.8+: the reply has 2 × count entries, so the count must stay within ±LONG_MAX/2.
                if c < -(Int.max / 2) || c > Int.max / 2 {
                    ctx.out.error("ERR value is out of range")
                    return
                }
                withValues = true
            }
        }
        var hash: HashObject?
        switch lookup(&ctx, ctx.key(1), write: false) {
        case .wrongType: return
        case .missing: break
        case .found(let h, _): hash = h
        }
        guard let c = count else {
            if let h = hash, let p = h.randomPair(using: &ctx.engine.random) { ctx.out.bulk(p.0) } else { ctx.out.null() }
            return
        }
        guard let h = hash, c != 0 else {
            ctx.out.arrayHeader(0)
            return
        }
        var picked: [(ByteString, ByteString)] = []
        if c < 0 {
            // Written as generated: the client chose the length, so the reply is bounded by
            // maxReplyBytes rather than built in memory first.
            let n = -c
            let mark = ctx.out.buffer.writerIndex
            ctx.out.arrayHeader(withValues && !ctx.out.isRESP3 ? n * 2 : n)
            for _ in 0..<n {
                guard let p = h.randomPair(using: &ctx.engine.random) else { break }
                writePairs(&ctx, [p], withValues: withValues, header: false)
                if ctx.replyOverflowed(since: mark) { return }
            }
            return
        } else {
            var all = h.pairs
            if c < all.count {
                all.shuffle(using: &ctx.engine.random)
                all = Array(all.prefix(c))
            }
            picked = all
        }
        writePairs(&ctx, picked, withValues: withValues)
    }

    static func writePairs(_ ctx: inout CommandContext, _ picked: [(ByteString, ByteString)], withValues: Bool, header: Bool = true) {
        if withValues && ctx.out.isRESP3 {
            if header { ctx.out.arrayHeader(picked.count) }
            for (f, v) in picked {
                ctx.out.arrayHeader(2)
                ctx.out.bulk(f)
                ctx.out.bulk(v)
            }
            return
        }
        if header { ctx.out.arrayHeader(withValues ? picked.count * 2 : picked.count) }
        for (f, v) in picked {
            ctx.out.bulk(f)
            if withValues { ctx.out.bulk(v) }
        }
    }

    static func hscan(_ ctx: inout CommandContext) {
        guard let cursor = KeyCommands.parseCursor(&ctx, 2) else { return }
        guard let o = KeyCommands.parseScanOptions(&ctx, from: 3, allowType: false) else { return }
        var hash: HashObject?
        switch lookup(&ctx, ctx.key(1), write: false) {
        case .wrongType: return
        case .missing: break
        case .found(let h, _): hash = h
        }
        guard let h = hash else {
            KeyCommands.replyScan(&ctx, cursor: 0, items: [])
            return
        }
        var items: [ByteString] = []
        let next = h.scan(cursor: cursor, count: o.count) { f, v in
            if let p = o.pattern, !p.withUnsafeBytes({ pp in f.withBytes { Glob.match(pp, $0) } }) { return }
            items.append(f)
            items.append(v)
        }
        KeyCommands.replyScan(&ctx, cursor: next, items: items)
    }
}
