import NIOCore
import RESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Generic key commands: DEL, EXISTS, TYPE, RENAME, COPY, MOVE, KEYS, SCAN, EXPIRE family, SORT, OBJECT...
public enum KeyCommands {
    static func spec(_ name: String, _ arity: Int, _ flags: CommandFlags, _ keys: (Int, Int, Int), _ cats: [String],
                     _ summary: String, _ since: String, keyFinder: (@Sendable (Argv) -> [Int])? = nil,
                     _ h: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags, keys: keys, categories: ["keyspace"] + cats, group: "generic",
                    summary: summary, since: since, keyFinder: keyFinder, handler: h)
    }

    public static var all: [CommandSpec] {
        [
            spec("del", -2, [.write], (1, -1, 1), ["write", "slow"], "Delete a key", "1.0.0", del),
            spec("unlink", -2, [.write, .fast], (1, -1, 1), ["write", "fast"], "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0", del),
            spec("exists", -2, [.readonly, .fast], (1, -1, 1), ["read", "fast"], "Determine if a key exists", "1.0.0", exists),
            spec("touch", -2, [.readonly, .fast], (1, -1, 1), ["read", "fast"], "Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1", touch),
            spec("type", 2, [.readonly, .fast], (1, 1, 1), ["read", "fast"], "Determine the type stored at key", "1.0.0", type),
            spec("rename", 3, [.write], (1, 2, 1), ["write", "slow"], "Rename a key", "1.0.0") { rename(&$0, nx: false) },
            spec("renamenx", 3, [.write, .fast], (1, 2, 1), ["write", "fast"], "Rename a key, only if the new key does not exist", "1.0.0") { rename(&$0, nx: true) },
            spec("copy", -3, [.write, .denyOOM], (1, 2, 1), ["write", "slow"], "Copy a key", "6.2.0", copy),
            spec("move", 3, [.write, .fast], (1, 1, 1), ["write", "fast"], "Move a key to another database", "1.0.0", move),
            spec("randomkey", 1, [.readonly], (0, 0, 0), ["read", "slow"], "Return a random key from the keyspace", "1.0.0", randomkey),
            spec("keys", 2, [.readonly], (0, 0, 0), ["read", "slow", "dangerous"], "Find all keys matching the given pattern", "1.0.0", keys),
            spec("scan", -2, [.readonly], (0, 0, 0), ["read", "slow"], "Incrementally iterate the keys space", "2.8.0", scan),
            spec("expire", -3, [.write, .fast], (1, 1, 1), ["write", "fast"], "Set a key's time to live in seconds", "1.0.0") { expire(&$0, base: $0.now, unit: 1000, name: "expire") },
            spec("pexpire", -3, [.write, .fast], (1, 1, 1), ["write", "fast"], "Set a key's time to live in milliseconds", "2.6.0") { expire(&$0, base: $0.now, unit: 1, name: "pexpire") },
            spec("expireat", -3, [.write, .fast], (1, 1, 1), ["write", "fast"], "Set the expiration for a key as a UNIX timestamp", "1.2.0") { expire(&$0, base: 0, unit: 1000, name: "expireat") },
            spec("pexpireat", -3, [.write, .fast], (1, 1, 1), ["write", "fast"], "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0") { expire(&$0, base: 0, unit: 1, name: "pexpireat") },
            spec("ttl", 2, [.readonly, .fast], (1, 1, 1), ["read", "fast"], "Get the time to live for a key in seconds", "1.0.0") { ttl(&$0, ms: false, absolute: false) },
            spec("pttl", 2, [.readonly, .fast], (1, 1, 1), ["read", "fast"], "Get the time to live for a key in milliseconds", "2.6.0") { ttl(&$0, ms: true, absolute: false) },
            spec("expiretime", 2, [.readonly, .fast], (1, 1, 1), ["read", "fast"], "Get the expiration Unix timestamp for a key", "7.0.0") { ttl(&$0, ms: false, absolute: true) },
            spec("pexpiretime", 2, [.readonly, .fast], (1, 1, 1), ["read", "fast"], "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0") { ttl(&$0, ms: true, absolute: true) },
            spec("persist", 2, [.write, .fast], (1, 1, 1), ["write", "fast"], "Remove the expiration from a key", "2.2.0", persist),
            spec("sort", -2, [.write, .denyOOM], (1, 1, 1), ["write", "set", "sortedset", "list", "slow", "dangerous"],
                 "Sort the elements in a list, set or sorted set", "1.0.0", keyFinder: sortKeys) { sort(&$0, readOnly: false) },
            spec("sort_ro", -2, [.readonly], (1, 1, 1), ["read", "set", "sortedset", "list", "slow", "dangerous"],
                 "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0") { sort(&$0, readOnly: true) },
            CommandSpec.container("object", group: "generic", summary: "A container for object introspection commands", since: "2.2.3", subcommands: [
                CommandSpec("encoding", arity: 3, flags: [.readonly], keys: (2, 2, 1), categories: ["keyspace", "read", "slow"], group: "generic",
                            summary: "Inspect the internal encoding of a Redis object", since: "2.2.3") { object(&$0, "encoding") },
                CommandSpec("refcount", arity: 3, flags: [.readonly], keys: (2, 2, 1), categories: ["keyspace", "read", "slow"], group: "generic",
                            summary: "Get the number of references to the value of the key", since: "2.2.3") { object(&$0, "refcount") },
                CommandSpec("idletime", arity: 3, flags: [.readonly], keys: (2, 2, 1), categories: ["keyspace", "read", "slow"], group: "generic",
                            summary: "Get the time since a Redis object was last accessed", since: "2.2.3") { object(&$0, "idletime") },
                CommandSpec("freq", arity: 3, flags: [.readonly], keys: (2, 2, 1), categories: ["keyspace", "read", "slow"], group: "generic",
                            summary: "Get the logarithmic access frequency counter of a Redis object", since: "4.0.0") { object(&$0, "freq") },
                CommandSpec("help", arity: 2, flags: [.loading, .stale], categories: ["keyspace", "slow"], group: "generic",
                            summary: "Show helpful text about the different subcommands", since: "6.2.0") { ctx in
                    replyHelp(&ctx, "OBJECT", [
                        "ENCODING <key>",
                        "    Return the kind of internal representation used in order to store the value",
                        "    associated with a <key>.",
                        "FREQ <key>",
                        "    Return the access frequency index of the <key>. The returned integer is",
                        "    proportional to the logarithm of the recent access frequency of the key.",
                        "IDLETIME <key>",
                        "    Return the idle time of the <key>, that is the approximated number of",
                        "    seconds elapsed since the last access to the key.",
                        "REFCOUNT <key>",
                        "    Return the number of references of the value associated with the specified",
                        "    <key>.",
                    ])
                },
            ]),
        ]
    }

    /// Writes a HELP reply like Redis's `addReplyHelp`.
    public static func replyHelp(_ ctx: inout CommandContext, _ name: String, _ lines: [String]) {
        ctx.out.arrayHeader(lines.count + 3)
        ctx.out.simple("\(name) <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
        for l in lines { ctx.out.simple(l) }
        ctx.out.simple("HELP")
        ctx.out.simple("    Prints this help.")
    }

    static func del(_ ctx: inout CommandContext) {
        var n = 0
        let unlink = ctx.argIs(0, "UNLINK")
        for i in 1..<ctx.argc {
            let k = ctx.key(i)
            if unlink, let idx = ctx.lookupWrite(k), LazyFree.effort(ctx.db.main.value(at: idx)) > LazyFree.threshold {
                ctx.engine.stats.lazyfreedObjects += 1
            }
            if ctx.deleteKey(k) {
                ctx.notify(.generic, "del", k)
                n += 1
            }
        }
        ctx.out.integer(n)
    }

    static func exists(_ ctx: inout CommandContext) {
        var n = 0
        for i in 1..<ctx.argc where ctx.lookupReadNoTouch(ctx.key(i)) != nil { n += 1 }
        ctx.out.integer(n)
    }

    /// TOUCH: like EXISTS but updates the access clock (lookupKeyRead).
    static func touch(_ ctx: inout CommandContext) {
        var n = 0
        for i in 1..<ctx.argc where ctx.lookupRead(ctx.key(i)) != nil { n += 1 }
        ctx.out.integer(n)
    }

    static func type(_ ctx: inout CommandContext) {
        guard let i = ctx.lookupReadNoTouch(ctx.key(1)) else {
            ctx.out.simple("none")
            return
        }
        ctx.out.simple(ctx.value(at: i).typeName)
    }

    /// A deep copy of a value (COPY).
    static func duplicate(_ v: Value) -> Value {
        switch v {
        case .hash(let h): return .hash(h.copy())
        case .object(let o): return .object(o.copy())
        default: return v
        }
    }

    static func rename(_ ctx: inout CommandContext, nx: Bool) {
        let src = ctx.key(1), dst = ctx.key(2)
        guard let i = ctx.lookupWrite(src) else {
            ctx.out.error(RedisError.noSuchKey)
            return
        }
        if src == dst {
            if nx { ctx.out.integer(0) } else { ctx.out.ok() }
            return
        }
        let value = ctx.value(at: i)
        let clock = i < ctx.db.clocks.count ? ctx.db.clocks[i] : nil
        let expire = ctx.db.expireTime(src)
        if ctx.lookupWrite(dst) != nil {
            if nx {
                ctx.out.integer(0)
                return
            }
            ctx.engine.deleteKey(ctx.db, dst)
        }
        ctx.engine.deleteKey(ctx.db, src)
        ctx.engine.setKey(ctx.db, dst, value, accessClock: clock)
        if let e = expire { ctx.setExpire(dst, at: e) }
        ctx.signalModified(src)
        ctx.signalModified(dst)
        ctx.engine.dirty += 1
        ctx.notify(.generic, "rename_from", src)
        ctx.notify(.generic, "rename_to", dst)
        if nx { ctx.out.integer(1) } else { ctx.out.ok() }
    }

    static func copy(_ ctx: inout CommandContext) {
        var dbIndex = ctx.session.db
        var replace = false
        var j = 3
        while j < ctx.argc {
            if ctx.argIs(j, "REPLACE") {
                replace = true
            } else if ctx.argIs(j, "DB") && j + 1 < ctx.argc {
                guard let d = ctx.rangeIntOrReply(j + 1, Int(Int32.min), Int(Int32.max)) else { return }
                if d < 0 || d >= ctx.engine.databases.count {
                    ctx.out.error(RedisError.dbIndexOutOfRange)
                    return
                }
                dbIndex = d
                if ctx.engine.clusterNode != nil && d != ctx.session.db {
                    ctx.out.error("ERR Copying to another database is not allowed in cluster mode")
                    return
                }
                j += 1
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
            j += 1
        }
        let src = ctx.key(1), dst = ctx.key(2)
        if dbIndex == ctx.session.db && src == dst {
            ctx.out.error(RedisError.sameSourceDest)
            return
        }
        guard let i = ctx.lookupWrite(src) else {
            ctx.out.integer(0)
            return
        }
        let value = duplicate(ctx.value(at: i))
        let expire = ctx.db.expireTime(src)
        let target = ctx.engine.databases[dbIndex]
        if ctx.engine.lookup(target, dst, now: ctx.now) != nil {
            if !replace {
                ctx.out.integer(0)
                return
            }
            ctx.engine.deleteKey(target, dst)
        }
        ctx.engine.setKey(target, dst, value)
        if let e = expire { target.expires.set(dst, e) }
        ctx.engine.dirty += 1
        ctx.engine.signalModifiedKey(db: dbIndex, key: dst)
        ctx.notify(.generic, "copy_to", dst, db: dbIndex)
        ctx.out.integer(1)
    }

    static func move(_ ctx: inout CommandContext) {
        if ctx.engine.clusterNode != nil { ctx.out.error("ERR MOVE is not allowed in cluster mode"); return }
        guard let dbIndex = ctx.rangeIntOrReply(2, Int(Int32.min), Int(Int32.max)) else { return }
        if dbIndex < 0 || dbIndex >= ctx.engine.databases.count {
            ctx.out.error(RedisError.dbIndexOutOfRange)
            return
        }
        if dbIndex == ctx.session.db {
            ctx.out.error(RedisError.sameSourceDest)
            return
        }
        let key = ctx.key(1)
        guard let i = ctx.lookupWrite(key) else {
            ctx.out.integer(0)
            return
        }
        let target = ctx.engine.databases[dbIndex]
        if ctx.engine.lookup(target, key, now: ctx.now) != nil {
            ctx.out.integer(0)
            return
        }
        let value = ctx.value(at: i)
        let clock = i < ctx.db.clocks.count ? ctx.db.clocks[i] : nil
        let expire = ctx.db.expireTime(key)
        ctx.engine.deleteKey(ctx.db, key)
        ctx.engine.setKey(target, key, value, accessClock: clock)
        if let e = expire { target.expires.set(key, e) }
        ctx.signalModified(key)
        ctx.engine.signalModifiedKey(db: dbIndex, key: key)
        ctx.engine.dirty += 1
        ctx.notify(.generic, "move_from", key)
        ctx.notify(.generic, "move_to", key, db: dbIndex)
        ctx.out.integer(1)
    }

    static func randomkey(_ ctx: inout CommandContext) {
        let db = ctx.db
        var tries = 0
        while tries < 100 {
            guard let i = db.main.randomIndex(using: &ctx.engine.random) else {
                ctx.out.null()
                return
            }
            let key = db.main.key(at: i)
            if ctx.engine.isExpired(db, key, now: ctx.now) {
                ctx.engine.expireKey(db, key)
                tries += 1
                continue
            }
            ctx.out.bulk(key)
            return
        }
        if let i = db.main.randomIndex(using: &ctx.engine.random) { ctx.out.bulk(db.main.key(at: i)) } else { ctx.out.null() }
    }

    static func keys(_ ctx: inout CommandContext) {
        let pattern = Array(ctx.args[1])
        let all = Glob.isMatchAll(pattern)
        let db = ctx.db
        var found: [ByteString] = []
        pattern.withUnsafeBytes { p in
            db.main.forEachIndex { i in
                let k = db.main.key(at: i)
                if all || k.withBytes({ Glob.match(p, $0) }) {
                    if !ctx.engine.isExpired(db, k, now: ctx.now) { found.append(k) }
                }
            }
        }
        ctx.out.arrayHeader(found.count)
        for k in found { ctx.out.bulk(k) }
    }

    /// Parses a SCAN cursor like Redis (strtoull, whole string, no leading space); nil after replying.
    static func parseCursor(_ ctx: inout CommandContext, _ i: Int) -> UInt64? {
        let s = ctx.args.string(i)
        // Redis: strtoul over the whole argument, so "" is cursor 0 and "-1" is 2^64-1.
        if s.isEmpty { return 0 }
        guard let first = s.utf8.first, !isSpaceByte(first) else {
            ctx.out.error(RedisError.invalidCursor)
            return nil
        }
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        let v = s.withCString { p -> UInt64? in
            let r = strtoull(p, &end, 10)
            guard let e = end, e.pointee == 0, errno != ERANGE else { return nil }
            return UInt64(r)
        }
        guard let cursor = v, !ctx.args[i].contains(0) else {
            ctx.out.error(RedisError.invalidCursor)
            return nil
        }
        return cursor
    }

    /// Parsed SCAN options.
    struct ScanOptions {
        var pattern: [UInt8]?
        var count = 10
        var type: String?
    }

    /// Parses MATCH/COUNT(/TYPE) from `from`; nil after replying.
    static func parseScanOptions(_ ctx: inout CommandContext, from: Int, allowType: Bool) -> ScanOptions? {
        var o = ScanOptions()
        var j = from
        while j < ctx.argc {
            let more = ctx.argc - j - 1
            if ctx.argIs(j, "COUNT") && more >= 1 {
                guard let c = ctx.intOrReply(j + 1) else { return nil }
                if c < 1 {
                    ctx.out.error(RedisError.syntax)
                    return nil
                }
                o.count = c
                j += 2
            } else if ctx.argIs(j, "MATCH") && more >= 1 {
                let p = Array(ctx.args[j + 1])
                o.pattern = Glob.isMatchAll(p) ? nil : p
                j += 2
            } else if allowType && ctx.argIs(j, "TYPE") && more >= 1 {
                o.type = ctx.args.string(j + 1).lowercased()
                j += 2
            } else {
                ctx.out.error(RedisError.syntax)
                return nil
            }
        }
        return o
    }

    /// Writes a SCAN reply: the cursor as a bulk string and the elements.
    static func replyScan(_ ctx: inout CommandContext, cursor: UInt64, items: [ByteString]) {
        ctx.out.arrayHeader(2)
        ctx.out.bulk(String(cursor))
        ctx.out.arrayHeader(items.count)
        for k in items { ctx.out.bulk(k) }
    }

    static func scan(_ ctx: inout CommandContext) {
        guard var cursor = parseCursor(&ctx, 1) else { return }
        guard let o = parseScanOptions(&ctx, from: 2, allowType: true) else { return }
        let db = ctx.db
        var keys: [ByteString] = []
        var maxIterations = o.count > Int.max / 10 ? Int.max : o.count * 10
        if db.main.count > 0 {
            repeat {
                cursor = db.main.scan(cursor: cursor) { i in keys.append(db.main.key(at: i)) }
                maxIterations -= 1
            } while cursor != 0 && maxIterations > 0 && keys.count < o.count
        } else {
            cursor = 0
        }
        var out: [ByteString] = []
        out.reserveCapacity(keys.count)
        for k in keys {
            if let p = o.pattern, !p.withUnsafeBytes({ pp in k.withBytes { Glob.match(pp, $0) } }) { continue }
            if ctx.engine.isExpired(db, k, now: ctx.now) {
                ctx.engine.expireKey(db, k)
                continue
            }
            if let t = o.type {
                guard let i = db.main.find(k), db.main.value(at: i).typeName == t else { continue }
            }
            out.append(k)
        }
        replyScan(&ctx, cursor: cursor, items: out)
    }

    static func expire(_ ctx: inout CommandContext, base: Int64, unit: Int64, name: String) {
        var nx = false, xx = false, gt = false, lt = false
        for j in 3..<max(3, ctx.argc) {
            if ctx.argIs(j, "NX") { nx = true } else if ctx.argIs(j, "XX") { xx = true } else if ctx.argIs(j, "GT") { gt = true } else if ctx.argIs(j, "LT") { lt = true } else {
                ctx.out.error("ERR Unsupported option \(ctx.args.string(j))")
                return
            }
        }
        if nx && (xx || gt || lt) {
            ctx.out.error("ERR NX and XX, GT or LT options at the same time are not compatible")
            return
        }
        if gt && lt {
            ctx.out.error("ERR GT and LT options at the same time are not compatible")
            return
        }
        guard let raw = ctx.int(2) else {
            ctx.out.error(RedisError.notInteger)
            return
        }
        var when = Int64(raw)
        if unit == 1000 {
            if when > Int64.max / 1000 || when < Int64.min / 1000 {
                ctx.out.error(RedisError.invalidExpire(name))
                return
            }
            when *= 1000
        }
        if when > Int64.max - base {
            ctx.out.error(RedisError.invalidExpire(name))
            return
        }
        when += base
        let key = ctx.key(1)
        guard ctx.lookupWrite(key) != nil else {
            ctx.out.integer(0)
            return
        }
        if nx || xx || gt || lt {
            let current = ctx.db.expireTime(key)
            if nx && current != nil { ctx.out.integer(0); return }
            if xx && current == nil { ctx.out.integer(0); return }
            if gt && (current == nil || when <= current!) { ctx.out.integer(0); return }
            if lt, let c = current, when >= c { ctx.out.integer(0); return }
        }
        if when <= ctx.now {
            ctx.deleteKey(key)
            ctx.notify(.generic, "del", key)
            ctx.out.integer(1)
            return
        }
        ctx.setExpire(key, at: when)
        ctx.out.integer(1)   // Redis replies before notifying (order visible to a self-subscribed RESP3 client)
        ctx.signalModified(key)
        ctx.engine.dirty += 1
        ctx.notify(.generic, "expire", key)
    }

    static func ttl(_ ctx: inout CommandContext, ms: Bool, absolute: Bool) {
        let key = ctx.key(1)
        guard ctx.lookupReadNoTouch(key) != nil else {
            ctx.out.integer(-2)
            return
        }
        guard let when = ctx.db.expireTime(key) else {
            ctx.out.integer(-1)
            return
        }
        if absolute {
            ctx.out.integer(Int(ms ? when : (when + 500) / 1000))   // Redis rounds ms → s
            return
        }
        let left = max(0, when - ctx.now)
        ctx.out.integer(Int(ms ? left : (left + 500) / 1000))
    }

    static func persist(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        guard ctx.lookupWrite(key) != nil else {
            ctx.out.integer(0)
            return
        }
        if ctx.removeExpire(key) {
            ctx.signalModified(key)
            ctx.engine.dirty += 1
            ctx.notify(.generic, "persist", key)
            ctx.out.integer(1)
        } else {
            ctx.out.integer(0)
        }
    }

    static func object(_ ctx: inout CommandContext, _ sub: String) {
        guard let i = ctx.engine.lookupNoTouch(ctx.db, ctx.key(2), now: ctx.now) else {
            ctx.out.null()
            return
        }
        let v = ctx.value(at: i)
        let policy = ctx.engine.config.maxMemoryPolicy
        switch sub {
        case "encoding":
            ctx.out.bulk(v.encodingName)
        case "refcount":
            // Shared integers, unless maxmemory is set with an LRU/LFU policy (MAXMEMORY_FLAG_NO_SHARED_INTEGERS).
            let shared = ctx.engine.config.maxMemory == 0 || !policy.contains("lru") && !policy.contains("lfu")
            if case .int(let n) = v, n >= 0, n < 10000, shared {
                ctx.out.integer(Int(Int32.max))
            } else {
                ctx.out.integer(1)
            }
        case "idletime":
            if policy.contains("lfu") {
                ctx.out.error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
                return
            }
            ctx.out.integer(ctx.engine.idleSeconds(ctx.db, i, now: ctx.now))
        default:
            if !policy.contains("lfu") {
                ctx.out.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
                return
            }
            ctx.out.integer(ctx.engine.frequency(ctx.db, i, now: ctx.now))
        }
    }

    // MARK: SORT

    /// Redis's sortGetKeys: LIMIT/GET/BY operands skipped, only the last STORE destination is a key.
    static let sortKeys: @Sendable (Argv) -> [Int] = { argv in
        KeySpecs.sortKeys(argv).map(\.pos)
    }

    /// Looks up a SORT BY/GET pattern for `element`: `*` is replaced, `->field` reads a hash field.
    static func lookupPattern(_ ctx: inout CommandContext, _ pattern: [UInt8], _ element: ByteString) -> ByteString? {
        if pattern == [UInt8(ascii: "#")] { return element }
        guard let star = pattern.firstIndex(of: UInt8(ascii: "*")) else { return nil }
        var field: [UInt8]?
        var keyPattern = pattern
        if let arrow = findArrow(pattern), arrow > star, arrow + 2 < pattern.count {
            field = Array(pattern[(arrow + 2)...])
            keyPattern = Array(pattern[..<arrow])
        }
        var key = Array(keyPattern[..<star])
        key.append(contentsOf: element.array)
        key.append(contentsOf: keyPattern[(star + 1)...])
        guard let i = ctx.lookupRead(ByteString(key)) else { return nil }
        let v = ctx.value(at: i)
        if let f = field {
            guard case .hash(let h) = v else { return nil }
            return h.get(ByteString(f))
        }
        guard v.isString else { return nil }
        return v.stringBytes
    }

    static func findArrow(_ p: [UInt8]) -> Int? {
        if p.count < 2 { return nil }
        for i in 0..<(p.count - 1) where p[i] == UInt8(ascii: "-") && p[i + 1] == UInt8(ascii: ">") { return i }
        return nil
    }

    static func sort(_ ctx: inout CommandContext, readOnly: Bool) {
        var desc = false, alpha = false
        var offset = 0, count = -1
        var byPattern: [UInt8]?
        var dontSort = false
        var getPatterns: [[UInt8]] = []
        var storeKey: ByteString?
        var j = 2
        while j < ctx.argc {
            let left = ctx.argc - j - 1
            if ctx.argIs(j, "ASC") {
                desc = false
            } else if ctx.argIs(j, "DESC") {
                desc = true
            } else if ctx.argIs(j, "ALPHA") {
                alpha = true
            } else if ctx.argIs(j, "LIMIT") && left >= 2 {
                guard let o = ctx.intOrReply(j + 1), let c = ctx.intOrReply(j + 2) else { return }
                offset = o
                count = c
                j += 2
            } else if !readOnly && ctx.argIs(j, "STORE") && left >= 1 {
                storeKey = ctx.key(j + 1)
                j += 1
            } else if ctx.argIs(j, "BY") && left >= 1 {
                let p = Array(ctx.args[j + 1])
                byPattern = p
                if !p.contains(UInt8(ascii: "*")) {
                    dontSort = true
                } else if !SessionStateExtension.hasUnrestrictedKeyRead(ctx) {
                    ctx.out.error("ERR BY option of SORT denied due to insufficient ACL permissions.")
                    return
                }
                j += 1
            } else if ctx.argIs(j, "GET") && left >= 1 {
                if !SessionStateExtension.hasUnrestrictedKeyRead(ctx) {
                    ctx.out.error("ERR GET option of SORT denied due to insufficient ACL permissions.")
                    return
                }
                getPatterns.append(Array(ctx.args[j + 1]))
                j += 1
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
            j += 1
        }
        var elements: [ByteString] = []
        var isSet = false
        var isZSet = false
        if let i = ctx.lookupRead(ctx.key(1)) {
            switch ctx.value(at: i) {
            case .object(let o):
                guard let els = o.sortableElements else {
                    ctx.wrongType()
                    return
                }
                elements = els
                isSet = o.typeName == "set"
                isZSet = o.typeName == "zset"
            default:
                ctx.wrongType()
                return
            }
        }
        // A set's order is made deterministic when stored and for scripts (the internal Lua client).
        if dontSort && isSet && (storeKey != nil || ctx.session.isInternal) {
            dontSort = false
            alpha = true
            byPattern = nil
        }
        // Redis walks a sorted set backwards for BY nosort DESC.
        if dontSort && isZSet && desc { elements.reverse() }
        if !dontSort {
            var keyed: [(ByteString, ByteString?, Double)] = []
            keyed.reserveCapacity(elements.count)
            for e in elements {
                let sortBy = byPattern != nil ? lookupPattern(&ctx, byPattern!, e) : e
                var score = 0.0
                if !alpha, let s = sortBy {
                    guard let d = sortScore(s.array) else {
                        ctx.out.error("ERR One or more scores can't be converted into double")
                        return
                    }
                    score = d
                }
                keyed.append((e, sortBy, score))
            }
            keyed.sort { a, b in
                var cmp: Int
                if alpha {
                    switch (a.1, b.1) {
                    case (nil, nil): cmp = 0
                    case (nil, _): cmp = -1
                    case (_, nil): cmp = 1
                    case let (x?, y?): cmp = x.withBytes { xb in y.withBytes { yb in ByteString.compare(xb, yb) } }
                    }
                } else {
                    cmp = a.2 < b.2 ? -1 : (a.2 > b.2 ? 1 : 0)
                }
                if cmp == 0 { cmp = a.0.withBytes { xb in b.0.withBytes { yb in ByteString.compare(xb, yb) } } }
                return desc ? cmp > 0 : cmp < 0
            }
            elements = keyed.map { $0.0 }
        }
        var start = max(0, offset)
        var end = count < 0 ? elements.count - 1 : start &+ count &- 1   // wraps like Redis's C arithmetic; a wrapped end selects nothing
        if start >= elements.count {
            start = elements.count
            end = elements.count - 1
        }
        if end >= elements.count { end = elements.count - 1 }
        let slice = start <= end ? Array(elements[start...end]) : []
        var results: [ByteString?] = []
        if getPatterns.isEmpty {
            results = slice.map { $0 }
        } else {
            for e in slice {
                for p in getPatterns { results.append(lookupPattern(&ctx, p, e)) }
            }
        }
        if let dest = storeKey {
            if results.isEmpty {
                if ctx.deleteKey(dest) { ctx.notify(.generic, "del", dest) }
            } else if let make = ctx.engine.listFactory {
                ctx.setKey(dest, .object(make(results.map { $0 ?? .empty })))
                ctx.notify(.list, "sortstore", dest)
            } else {
                ctx.out.error("ERR SORT STORE needs the list type, which this server does not provide")
                return
            }
            ctx.out.integer(results.count)
            return
        }
        ctx.out.arrayHeader(results.count)
        for r in results {
            if let v = r { ctx.out.bulk(v) } else { ctx.out.null() }
        }
    }
}

/// A SORT score the way Redis's sortCommand reads one: `strtod` on the C string, which must be
/// consumed entirely ("" is 0, leading spaces are allowed), no ERANGE, not NaN.
func sortScore(_ bytes: [UInt8]) -> Double? {
    var cs: [CChar] = bytes.prefix(while: { $0 != 0 }).map { CChar(bitPattern: $0) }
    cs.append(0)
    errno = 0
    var end: UnsafeMutablePointer<CChar>? = nil
    let (d, consumedAll): (Double, Bool) = cs.withUnsafeMutableBufferPointer { p in
        let v = strtod(p.baseAddress!, &end)
        return (v, end?.pointee == 0)
    }
    if !consumedAll || errno == ERANGE || d.isNaN { return nil }
    return d
}
