import NIOCore
import RESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// String commands (GET/SET family, counters, ranges, LCS, bit operations).
public enum StringCommands {
    static func spec(_ name: String, _ arity: Int, _ flags: CommandFlags, _ keys: (Int, Int, Int), _ cats: [String],
                     _ summary: String, _ since: String, _ h: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags, keys: keys, categories: cats, group: "string",
                    summary: summary, since: since, handler: h)
    }

    public static var all: [CommandSpec] {
        let rf: [String] = ["read", "string", "fast"], wf: [String] = ["write", "string", "fast"]
        let ws: [String] = ["write", "string", "slow"], rs: [String] = ["read", "string", "slow"]
        return [
            spec("get", 2, [.readonly, .fast], (1, 1, 1), rf, "Get the value of a key", "1.0.0", get),
            spec("set", -3, [.write, .denyOOM], (1, 1, 1), ws, "Set the string value of a key", "1.0.0", set),
            spec("setnx", 3, [.write, .denyOOM, .fast], (1, 1, 1), wf, "Set the value of a key, only if the key does not exist", "1.0.0", setnx),
            spec("setex", 4, [.write, .denyOOM], (1, 1, 1), ws, "Set the value and expiration of a key", "2.0.0") { setex(&$0, ms: false) },
            spec("psetex", 4, [.write, .denyOOM], (1, 1, 1), ws, "Set the value and expiration in milliseconds of a key", "2.6.0") { setex(&$0, ms: true) },
            spec("getex", -2, [.write, .fast], (1, 1, 1), wf, "Get the value of a key and optionally set its expiration", "6.2.0", getex),
            spec("getdel", 2, [.write, .fast], (1, 1, 1), wf, "Get the value of a key and delete the key", "6.2.0", getdel),
            spec("getset", 3, [.write, .denyOOM, .fast], (1, 1, 1), wf, "Set the string value of a key and return its old value", "1.0.0", getset),
            spec("mget", -2, [.readonly, .fast], (1, -1, 1), rf, "Get the values of all the given keys", "1.0.0", mget),
            spec("mset", -3, [.write, .denyOOM], (1, -1, 2), ws, "Set multiple keys to multiple values", "1.0.1") { mset(&$0, nx: false) },
            spec("msetnx", -3, [.write, .denyOOM], (1, -1, 2), ws, "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1") { mset(&$0, nx: true) },
            spec("append", 3, [.write, .denyOOM, .fast], (1, 1, 1), wf, "Append a value to a key", "2.0.0", append),
            spec("strlen", 2, [.readonly, .fast], (1, 1, 1), rf, "Get the length of the value stored in a key", "2.2.0", strlen),
            spec("incr", 2, [.write, .denyOOM, .fast], (1, 1, 1), wf, "Increment the integer value of a key by one", "1.0.0") { incr(&$0, by: 1) },
            spec("decr", 2, [.write, .denyOOM, .fast], (1, 1, 1), wf, "Decrement the integer value of a key by one", "1.0.0") { incr(&$0, by: -1) },
            spec("incrby", 3, [.write, .denyOOM, .fast], (1, 1, 1), wf, "Increment the integer value of a key by the given amount", "1.0.0") { ctx in
                guard let n = ctx.intOrReply(2) else { return }
                incr(&ctx, by: n)
            },
            spec("decrby", 3, [.write, .denyOOM, .fast], (1, 1, 1), wf, "Decrement the integer value of a key by the given number", "1.0.0") { ctx in
                guard let n = ctx.intOrReply(2) else { return }
                if n == Int.min {
                    ctx.out.error("ERR decrement would overflow")
                    return
                }
                incr(&ctx, by: -n)
            },
            spec("incrbyfloat", 3, [.write, .denyOOM, .fast], (1, 1, 1), wf, "Increment the float value of a key by the given amount", "2.6.0", incrbyfloat),
            spec("getrange", 4, [.readonly], (1, 1, 1), rs, "Get a substring of the string stored at a key", "2.4.0", getrange),
            spec("substr", 4, [.readonly], (1, 1, 1), rs, "Get a substring of the string stored at a key", "1.0.0", getrange),
            spec("setrange", 4, [.write, .denyOOM], (1, 1, 1), ws, "Overwrite part of a string at key starting at the specified offset", "2.2.0", setrange),
            spec("lcs", -3, [.readonly], (1, 2, 1), rs, "Find longest common substring", "7.0.0", lcs),
            CommandSpec("setbit", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1), categories: ["write", "bitmap", "slow"],
                        group: "bitmap", summary: "Sets or clears the bit at offset in the string value stored at key", since: "2.2.0", handler: BitCommands.setbit),
            CommandSpec("getbit", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), categories: ["read", "bitmap", "fast"],
                        group: "bitmap", summary: "Returns the bit value at offset in the string value stored at key", since: "2.2.0", handler: BitCommands.getbit),
            CommandSpec("bitcount", arity: -2, flags: [.readonly], keys: (1, 1, 1), categories: ["read", "bitmap", "slow"],
                        group: "bitmap", summary: "Count set bits in a string", since: "2.6.0", handler: BitCommands.bitcount),
            CommandSpec("bitpos", arity: -3, flags: [.readonly], keys: (1, 1, 1), categories: ["read", "bitmap", "slow"],
                        group: "bitmap", summary: "Find first bit set or clear in a string", since: "2.8.7", handler: BitCommands.bitpos),
            CommandSpec("bitop", arity: -4, flags: [.write, .denyOOM], keys: (2, -1, 1), categories: ["write", "bitmap", "slow"],
                        group: "bitmap", summary: "Perform bitwise operations between strings", since: "2.6.0", handler: BitCommands.bitop),
            CommandSpec("bitfield", arity: -2, flags: [.write, .denyOOM], keys: (1, 1, 1), categories: ["write", "bitmap", "slow"],
                        group: "bitmap", summary: "Perform arbitrary bitfield integer operations on strings", since: "3.2.0") { BitCommands.bitfield(&$0, readOnly: false) },
            CommandSpec("bitfield_ro", arity: -2, flags: [.readonly, .fast], keys: (1, 1, 1), categories: ["read", "bitmap", "fast"],
                        group: "bitmap", summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", since: "6.0.0") { BitCommands.bitfield(&$0, readOnly: true) },
        ]
    }

    // MARK: helpers

    /// The bytes of the string at entry `i`, or nil (after replying WRONGTYPE) for other types.
    static func stringBytes(_ ctx: inout CommandContext, at i: Int) -> [UInt8]? {
        switch ctx.value(at: i) {
        case .heapString(let a), .raw(let a): return a
        case .inlineString(let a, let b, let c, let d, let n): return ByteString.inline(a, b, c, d, n).array
        case .int(let v): return Array(String(v).utf8)
        default:
            ctx.wrongType()
            return nil
        }
    }

    static func get(_ ctx: inout CommandContext) {
        guard let i = ctx.lookupRead(ctx.key(1)) else {
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
        guard let opts = parseSetOptions(&ctx, from: 3, allowGet: true, command: "set") else { return }
        let existing = ctx.lookupWrite(key)
        if opts.get, let i = existing, !ctx.value(at: i).isString {
            ctx.wrongType()
            return
        }
        if (opts.nx && existing != nil) || (opts.xx && existing == nil) {
            if opts.get, let i = existing { ctx.replyString(at: i) } else { ctx.out.null() }
            return
        }
        if opts.get {
            if let i = existing { ctx.replyString(at: i) } else { ctx.out.null() }
        }
        // Redis's GET option reads the key once more (getGenericCommand) before the write lookup.
        if opts.get, let i = existing { ctx.engine.touch(ctx.db, i, now: ctx.now) }
        let clock = existing.flatMap { $0 < ctx.db.clocks.count ? ctx.db.clocks[$0] : nil }
        ctx.setKey(key, Value.string(ctx.args[2]), keepTTL: opts.keepTTL, accessClock: clock)
        ctx.notify(.string, "set", key)
        if let at = opts.expireAt {
            ctx.setExpire(key, at: at)
            ctx.notify(.generic, "expire", key)
        }
        if !opts.get { ctx.out.ok() }
    }

    struct SetOptions {
        var nx = false, xx = false, get = false, keepTTL = false, persist = false
        var expireAt: Int64?
        /// Index of the EX/PX/EXAT/PXAT amount and its unit (0 EX, 1 PX, 2 EXAT, 3 PXAT), checked after the syntax.
        var expireArg: Int?
        var expireUnit = 0
    }

    /// Parses SET/GETEX options from `from` (syntax only, like Redis's parseExtendedStringArgumentsOrReply:
    /// repeated identical options are accepted, conflicting ones are a syntax error); replies and returns nil on error.
    static func parseSetSyntax(_ ctx: inout CommandContext, from: Int, allowGet: Bool, command: String) -> SetOptions? {
        var o = SetOptions()
        var j = from
        let isSet = command == "set"
        while j < ctx.argc {
            let hasNext = j + 1 < ctx.argc
            let unit: Int? = o.expireArg == nil ? nil : o.expireUnit
            if isSet && ctx.argIs(j, "NX") && !o.xx {
                o.nx = true
            } else if isSet && ctx.argIs(j, "XX") && !o.nx {
                o.xx = true
            } else if isSet && allowGet && ctx.argIs(j, "GET") {
                o.get = true
            } else if isSet && ctx.argIs(j, "KEEPTTL") && !o.persist && unit == nil {
                o.keepTTL = true
            } else if !isSet && ctx.argIs(j, "PERSIST") && unit == nil && !o.keepTTL {
                o.persist = true
            } else if hasNext && !o.keepTTL && !o.persist,
                      let u = ctx.argIs(j, "EX") ? 0 : ctx.argIs(j, "PX") ? 1 : ctx.argIs(j, "EXAT") ? 2 : ctx.argIs(j, "PXAT") ? 3 : nil,
                      unit == nil || unit == u {
                o.expireArg = j + 1
                o.expireUnit = u
                j += 1
            } else {
                ctx.out.error(RedisError.syntax)
                return nil
            }
            j += 1
        }
        return o
    }

    /// Converts the expire amount found by `parseSetSyntax` to `expireAt`; replies and returns false on error.
    static func resolveSetExpire(_ ctx: inout CommandContext, _ o: inout SetOptions, command: String) -> Bool {
        guard let arg = o.expireArg else { return true }
        guard let n = ctx.int(arg) else {
            ctx.out.error(RedisError.notInteger)
            return false
        }
        guard let at = absoluteExpire(n, unit: o.expireUnit, now: ctx.now) else {
            ctx.out.error(RedisError.invalidExpire(command))
            return false
        }
        o.expireAt = at
        return true
    }

    /// Parses SET/GETEX options from `from`, syntax first then the expire value; replies and returns nil on error.
    static func parseSetOptions(_ ctx: inout CommandContext, from: Int, allowGet: Bool, command: String) -> SetOptions? {
        guard var o = parseSetSyntax(&ctx, from: from, allowGet: allowGet, command: command) else { return nil }
        guard resolveSetExpire(&ctx, &o, command: command) else { return nil }
        return o
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

    static func setnx(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        if ctx.lookupWrite(key) != nil {
            ctx.out.integer(0)
            return
        }
        ctx.setKey(key, Value.string(ctx.args[2]))
        ctx.notify(.string, "set", key)
        ctx.out.integer(1)
    }

    static func setex(_ ctx: inout CommandContext, ms: Bool) {
        guard let n = ctx.intOrReply(2) else { return }
        guard let at = absoluteExpire(n, unit: ms ? 1 : 0, now: ctx.now) else {
            ctx.out.error(RedisError.invalidExpire(ms ? "psetex" : "setex"))
            return
        }
        let key = ctx.key(1)
        ctx.setKey(key, Value.string(ctx.args[3]))
        ctx.setExpire(key, at: at)
        ctx.notify(.string, "set", key)
        ctx.notify(.generic, "expire", key)
        ctx.out.ok()
    }

    static func getex(_ ctx: inout CommandContext) {
        // Redis checks the option syntax, then the key, then the expire value.
        guard var o = parseSetSyntax(&ctx, from: 2, allowGet: false, command: "getex") else { return }
        let key = ctx.key(1)
        guard let i = ctx.lookupRead(key) else {
            ctx.out.null()
            return
        }
        guard ctx.value(at: i).isString else {
            ctx.wrongType()
            return
        }
        guard resolveSetExpire(&ctx, &o, command: "getex") else { return }
        ctx.replyString(at: i)
        if let at = o.expireAt {
            if at <= ctx.now {
                ctx.deleteKey(key)
                ctx.notify(.generic, "del", key)
            } else {
                ctx.setExpire(key, at: at)
                ctx.signalModified(key)
                ctx.engine.dirty += 1
                ctx.notify(.generic, "expire", key)
            }
        } else if o.persist {
            if ctx.removeExpire(key) {
                ctx.signalModified(key)
                ctx.engine.dirty += 1
                ctx.notify(.generic, "persist", key)
            }
        }
    }

    static func getdel(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        guard let i = ctx.lookupRead(key) else {
            ctx.out.null()
            return
        }
        guard ctx.value(at: i).isString else {
            ctx.wrongType()
            return
        }
        ctx.replyString(at: i)
        ctx.deleteKey(key)
        ctx.notify(.generic, "del", key)
    }

    static func getset(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        if let i = ctx.lookupRead(key) {
            guard ctx.value(at: i).isString else {
                ctx.wrongType()
                return
            }
            ctx.replyString(at: i)
        } else {
            ctx.out.null()
        }
        ctx.setKey(key, Value.string(ctx.args[2]))
        ctx.notify(.string, "set", key)
    }

    static func mget(_ ctx: inout CommandContext) {
        ctx.out.arrayHeader(ctx.argc - 1)
        for j in 1..<ctx.argc {
            if let i = ctx.lookupRead(ctx.key(j)), ctx.value(at: i).isString {
                ctx.replyString(at: i)
            } else {
                ctx.out.null()
            }
        }
    }

    static func mset(_ ctx: inout CommandContext, nx: Bool) {
        if ctx.argc % 2 == 0 {
            ctx.replyArity()
            return
        }
        if nx {
            var j = 1
            while j < ctx.argc {
                if ctx.lookupWrite(ctx.key(j)) != nil {
                    ctx.out.integer(0)
                    return
                }
                j += 2
            }
        }
        var j = 1
        while j < ctx.argc {
            let key = ctx.key(j)
            ctx.setKey(key, Value.string(ctx.args[j + 1]))
            ctx.notify(.string, "set", key)
            j += 2
        }
        if nx { ctx.out.integer(1) } else { ctx.out.ok() }
    }

    static func append(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        let add = ctx.args[2]
        guard let i = ctx.lookupWrite(key) else {
            ctx.setKey(key, Value.rawString(ByteString(add)))
            ctx.notify(.string, "append", key)
            ctx.out.integer(add.count)
            return
        }
        guard var bytes = stringBytes(&ctx, at: i) else { return }
        if bytes.count + add.count > ctx.engine.config.protoMaxBulkLen {
            ctx.out.error(RedisError.stringTooLong)
            return
        }
        // Take the array out of the table so appending does not copy it.
        ctx.db.main.setValue(.int(0), at: i)
        bytes.append(contentsOf: add)
        let n = bytes.count
        ctx.db.main.setValue(Value.rawString(ByteString(bytes)), at: i)
        ctx.engine.dirty += 1
        ctx.signalModified(key)
        ctx.notify(.string, "append", key)
        ctx.out.integer(n)
    }

    static func strlen(_ ctx: inout CommandContext) {
        guard let i = ctx.lookupRead(ctx.key(1)) else {
            ctx.out.integer(0)
            return
        }
        switch ctx.value(at: i) {
        case .inlineString(_, _, _, _, let n): ctx.out.integer(Int(n))
        case .heapString(let a), .raw(let a): ctx.out.integer(a.count)
        case .int(let v): ctx.out.integer(ReplyWriter.decimalLength(v) + (v < 0 ? 1 : 0))
        default: ctx.wrongType()
        }
    }

    static func incr(_ ctx: inout CommandContext, by delta: Int) {
        let key = ctx.key(1)
        let idx = ctx.lookupWrite(key)
        var current: Int64 = 0
        if let i = idx {
            switch ctx.value(at: i) {
            case .int(let v): current = v
            case .inlineString(let a, let b, let c, let d, let n):
                guard let v = Value.canonicalInteger(.inline(a, b, c, d, n)) else {
                    ctx.out.error(RedisError.notInteger)
                    return
                }
                current = v
            case .heapString:
                ctx.out.error(RedisError.notInteger)
                return
            case .raw(let a):
                guard let v = a.withUnsafeBytes({ parseStrictInt($0) }) else {
                    ctx.out.error(RedisError.notInteger)
                    return
                }
                current = v
            default:
                ctx.wrongType()
                return
            }
        }
        let (r, o) = current.addingReportingOverflow(Int64(delta))
        if o {
            ctx.out.error(RedisError.overflow)
            return
        }
        if let i = idx {
            ctx.db.main.setValue(.int(r), at: i)
            ctx.engine.dirty += 1
            ctx.signalModified(key)
        } else {
            ctx.setKey(key, .int(r))
        }
        ctx.notify(.string, "incrby", key)
        ctx.out.integer(Int(r))
    }

    static func incrbyfloat(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        let idx = ctx.lookupWrite(key)
        var current: LongDouble = 0
        if let i = idx {
            guard let bytes = stringBytes(&ctx, at: i) else { return }
            guard let v = parseLongDouble(bytes[...]) else {
                ctx.out.error(RedisError.notFloat)
                return
            }
            current = v
        }
        guard let incr = parseLongDouble(ctx.args[2]) else {
            ctx.out.error(RedisError.notFloat)
            return
        }
        let r = current + incr
        if r.isNaN || r.isInfinite {
            ctx.out.error(RedisError.nanOrInfinity)
            return
        }
        let text = formatLongDoubleHuman(r)
        let v = Value.plainString(ByteString(Array(text.utf8)))
        if let i = idx {
            ctx.db.main.setValue(v, at: i)
            ctx.engine.dirty += 1
            ctx.signalModified(key)
        } else {
            ctx.setKey(key, v)
        }
        ctx.notify(.string, "incrbyfloat", key)
        ctx.out.bulk(text)
    }

    static func getrange(_ ctx: inout CommandContext) {
        guard var start = ctx.int(2), var end = ctx.int(3) else {
            ctx.out.error(RedisError.notInteger)
            return
        }
        guard let i = ctx.lookupRead(ctx.key(1)) else {
            ctx.out.bulk("")
            return
        }
        guard let s = stringBytes(&ctx, at: i) else { return }
        let len = s.count
        if start < 0 && end < 0 && start > end {
            ctx.out.bulk("")
            return
        }
        if start < 0 { start = len + start }
        if end < 0 { end = len + end }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= len { end = len - 1 }
        if start > end || len == 0 {
            ctx.out.bulk("")
        } else {
            ctx.out.bulk(s[start...end])
        }
    }

    static func setrange(_ ctx: inout CommandContext) {
        guard let offset = ctx.intOrReply(2) else { return }
        if offset < 0 {
            ctx.out.error("ERR offset is out of range")
            return
        }
        let key = ctx.key(1)
        let value = ctx.args[3]
        let idx = ctx.lookupWrite(key)
        var bytes: [UInt8] = []
        if let i = idx {
            guard let b = stringBytes(&ctx, at: i) else { return }
            bytes = b
            if value.isEmpty {
                ctx.out.integer(bytes.count)
                return
            }
        } else if value.isEmpty {
            ctx.out.integer(0)
            return
        }
        // Redis's checkStringLength: offset + length past proto-max-bulk-len (or overflowing) is refused.
        guard let end = addingOrNil(offset, value.count), end <= ctx.engine.config.protoMaxBulkLen else {
            ctx.out.error(RedisError.stringTooLong)
            return
        }
        if let i = idx { ctx.db.main.setValue(.int(0), at: i) }
        bytes = zeroExtended(bytes, to: end)
        bytes.replaceSubrange(offset..<end, with: value)
        let n = bytes.count
        let v = Value.rawString(ByteString(bytes))
        if let i = idx {
            ctx.db.main.setValue(v, at: i)
            ctx.engine.dirty += 1
            ctx.signalModified(key)
        } else {
            ctx.setKey(key, v)
        }
        ctx.notify(.string, "setrange", key)
        ctx.out.integer(n)
    }

    static func lcs(_ ctx: inout CommandContext) {
        var getLen = false, getIdx = false, withMatchLen = false
        var minMatchLen = 0
        var j = 3
        while j < ctx.argc {
            let more = ctx.argc - 1 - j
            if ctx.argIs(j, "IDX") {
                getIdx = true
            } else if ctx.argIs(j, "LEN") {
                getLen = true
            } else if ctx.argIs(j, "WITHMATCHLEN") {
                withMatchLen = true
            } else if ctx.argIs(j, "MINMATCHLEN") && more > 0 {
                guard let v = ctx.intOrReply(j + 1) else { return }
                minMatchLen = max(0, v)
                j += 1
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
            j += 1
        }
        var a: [UInt8] = [], b: [UInt8] = []
        let ia = ctx.lookupRead(ctx.key(1)), ib = ctx.lookupRead(ctx.key(2))
        if let i = ia, !ctx.value(at: i).isString {
            ctx.out.error("ERR The specified keys must contain string values")
            return
        }
        if let i = ib, !ctx.value(at: i).isString {
            ctx.out.error("ERR The specified keys must contain string values")
            return
        }
        if let i = ia { a = ctx.value(at: i).stringBytes?.array ?? [] }
        if let i = ib { b = ctx.value(at: i).stringBytes?.array ?? [] }
        if getIdx && getLen {
            ctx.out.error("ERR If you want both the length and indexes, please just use IDX.")
            return
        }
        let alen = a.count, blen = b.count
        let width = blen + 1
        var dp = [UInt32](repeating: 0, count: (alen + 1) * (blen + 1))
        if alen > 0 && blen > 0 {
            for i in 1...alen {
                for k in 1...blen {
                    if a[i - 1] == b[k - 1] {
                        dp[i * width + k] = dp[(i - 1) * width + k - 1] + 1
                    } else {
                        dp[i * width + k] = max(dp[(i - 1) * width + k], dp[i * width + k - 1])
                    }
                }
            }
        }
        let total = Int(dp[alen * width + blen])
        if getLen {
            ctx.out.integer(total)
            return
        }
        var result = [UInt8](repeating: 0, count: total)
        var matches: [(Int, Int, Int, Int)] = []
        var i = alen, k = blen, idx = total
        var arangeStart = alen, arangeEnd = 0, brangeStart = 0, brangeEnd = 0
        while i > 0 && k > 0 {
            var emitRange = false
            if a[i - 1] == b[k - 1] {
                result[idx - 1] = a[i - 1]
                if arangeStart == alen {
                    arangeStart = i - 1
                    arangeEnd = i - 1
                    brangeStart = k - 1
                    brangeEnd = k - 1
                } else if arangeStart == i && brangeStart == k {
                    arangeStart -= 1
                    brangeStart -= 1
                } else {
                    emitRange = true
                }
                if arangeStart == 0 || brangeStart == 0 { emitRange = true }
                idx -= 1; i -= 1; k -= 1
            } else {
                let lcs1 = dp[(i - 1) * width + k], lcs2 = dp[i * width + k - 1]
                if lcs1 > lcs2 { i -= 1 } else { k -= 1 }
                if arangeStart != alen { emitRange = true }
            }
            if emitRange {
                let matchLen = arangeEnd - arangeStart + 1
                if minMatchLen == 0 || matchLen >= minMatchLen {
                    matches.append((arangeStart, arangeEnd, brangeStart, brangeEnd))
                }
                arangeStart = alen
            }
        }
        if !getIdx {
            ctx.out.bulk(result)
            return
        }
        ctx.out.mapHeader(2)
        ctx.out.bulk("matches")
        ctx.out.arrayHeader(matches.count)
        for m in matches {
            ctx.out.arrayHeader(withMatchLen ? 3 : 2)
            ctx.out.arrayHeader(2); ctx.out.integer(m.0); ctx.out.integer(m.1)
            ctx.out.arrayHeader(2); ctx.out.integer(m.2); ctx.out.integer(m.3)
            if withMatchLen { ctx.out.integer(m.1 - m.0 + 1) }
        }
        ctx.out.bulk("len")
        ctx.out.integer(total)
    }
}

#if arch(x86_64) || arch(i386)
/// The widest float Redis uses for INCRBYFLOAT (long double).
public typealias LongDouble = Float80
#else
public typealias LongDouble = Double
#endif

/// Parses like Redis's `string2ld`: no spaces, no empty string, no NaN.
public func parseLongDouble(_ bytes: ArraySlice<UInt8>) -> LongDouble? {
    if bytes.isEmpty || bytes.count >= 5120 { return nil }
    if let f = bytes.first, isSpaceByte(f) { return nil }
    if let l = bytes.last, isSpaceByte(l) { return nil }
    if bytes.contains(0) { return nil }
    let s = String(decoding: bytes, as: UTF8.self)
    return s.withCString { p -> LongDouble? in
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        #if arch(x86_64) || arch(i386)
        let v = strtold(p, &end)
        #else
        let v = strtod(p, &end)
        #endif
        guard let e = end, e.pointee == 0, e != UnsafeMutablePointer(mutating: p) else { return nil }
        if v.isNaN { return nil }
        if errno == ERANGE && (v.isInfinite || v == 0) { return nil }
        return v
    }
}

/// Formats like Redis's `ld2string(..., LD_STR_HUMAN)`: `%.17Lf` with trailing zeros removed.
public func formatLongDoubleHuman(_ v: LongDouble) -> String {
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    var buf = [CChar](repeating: 0, count: 5200)
    #if arch(x86_64) || arch(i386)
    let n = formatFloat80(&buf, v)
    #else
    let n = withVaList([v]) { vsnprintf(&buf, 5200, "%.17f", $0) }
    #endif
    var s = String(decoding: buf[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    if s == "-0" { s = "0" }
    return s
}

#if arch(x86_64) || arch(i386)
private func formatFloat80(_ buf: inout [CChar], _ v: Float80) -> Int32 {
    withVaList([v]) { vsnprintf(&buf, 5200, "%.17Lf", $0) }
}
#endif
