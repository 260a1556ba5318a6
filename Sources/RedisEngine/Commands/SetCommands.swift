import RESP

/// Redis 7.0 set commands (t_set.c).
public enum SetCommands {
    public static var all: [CommandSpec] {
        [
            CatalogSpec.make("sadd", group: "set", summary: "Add one or more members to a set", sadd),
            CatalogSpec.make("srem", group: "set", summary: "Remove one or more members from a set", srem),
            CatalogSpec.make("smembers", group: "set", summary: "Get all the members in a set", smembers),
            CatalogSpec.make("sismember", group: "set", summary: "Determine if a given value is a member of a set", sismember),
            CatalogSpec.make("smismember", group: "set", since: "6.2.0", summary: "Returns the membership associated with the given elements for a set", smismember),
            CatalogSpec.make("scard", group: "set", summary: "Get the number of members in a set", scard),
            CatalogSpec.make("spop", group: "set", summary: "Remove and return one or multiple random members from a set", spop),
            CatalogSpec.make("srandmember", group: "set", summary: "Get one or multiple random members from a set", srandmember),
            CatalogSpec.make("smove", group: "set", summary: "Move a member from one set to another", smove),
            CatalogSpec.make("sinter", group: "set", summary: "Intersect multiple sets") { combine(&$0, .inter, store: false) },
            CatalogSpec.make("sinterstore", group: "set", summary: "Intersect multiple sets and store the resulting set in a key") { combine(&$0, .inter, store: true) },
            CatalogSpec.make("sunion", group: "set", summary: "Add multiple sets") { combine(&$0, .union, store: false) },
            CatalogSpec.make("sunionstore", group: "set", summary: "Add multiple sets and store the resulting set in a key") { combine(&$0, .union, store: true) },
            CatalogSpec.make("sdiff", group: "set", summary: "Subtract multiple sets") { combine(&$0, .diff, store: false) },
            CatalogSpec.make("sdiffstore", group: "set", summary: "Subtract multiple sets and store the resulting set in a key") { combine(&$0, .diff, store: true) },
            CatalogSpec.make("sintercard", group: "set", since: "7.0.0", summary: "Intersect multiple sets and return the cardinality of the result",
                           keyFinder: CatalogSpec.numkeysFinder(at: 1), sintercard),
            CatalogSpec.make("sscan", group: "set", since: "2.8.0", summary: "Incrementally iterate Set elements", sscan),
        ]
    }

    static func sadd(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        let obj: SetObject
        switch ctx.fetch(SetObject.self, key, read: false) {
        case .wrongType: ctx.wrongType(); return
        case .missing:
            obj = SetObject()
            ctx.engine.setKey(ctx.db, key, .object(obj))
        case .found(let s): obj = s
        }
        var added = 0
        for i in 2..<ctx.argc where obj.set.insert(ByteString(ctx.args[i])) { added += 1 }
        // Redis notifies before replying (visible to a client subscribed to its own keyspace events).
        if added > 0 { ctx.modified(key, .set, "sadd", dirty: added) } else if obj.set.isEmpty { ctx.engine.deleteKey(ctx.db, key) }
        ctx.out.integer(added)
    }

    static func srem(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        switch ctx.fetch(SetObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let obj):
            var removed = 0
            for i in 2..<ctx.argc where obj.set.remove(ByteString(ctx.args[i])) {
                removed += 1
                if obj.set.isEmpty { break }
            }
            if removed > 0 {
                ctx.modified(key, .set, "srem", dirty: removed)
                if obj.set.isEmpty { ctx.deleteEmptied(key) }
            }
            ctx.out.integer(removed)
        }
    }

    static func writeMembers(_ ctx: inout CommandContext, _ members: [ByteString]) {
        ctx.out.setHeader(members.count)
        for m in members { ctx.out.bulk(m) }
    }

    static func smembers(_ ctx: inout CommandContext) {
        switch ctx.fetch(SetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.setHeader(0)
        case .found(let obj): writeMembers(&ctx, obj.set.allMembers)
        }
    }

    static func sismember(_ ctx: inout CommandContext) {
        switch ctx.fetch(SetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let obj): ctx.out.integer(obj.set.contains(ctx.arg(2)) ? 1 : 0)
        }
    }

    static func smismember(_ ctx: inout CommandContext) {
        var set: SetObject? = nil
        switch ctx.fetch(SetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let obj): set = obj
        }
        ctx.out.arrayHeader(ctx.argc - 2)
        for i in 2..<ctx.argc { ctx.out.integer(set?.set.contains(ctx.arg(i)) == true ? 1 : 0) }
    }

    static func scard(_ ctx: inout CommandContext) {
        switch ctx.fetch(SetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let obj): ctx.out.integer(obj.set.count)
        }
    }

    static func spop(_ ctx: inout CommandContext) {
        if ctx.argc > 3 { ctx.out.error(RedisError.syntax); return }
        let key = ctx.key(1)
        var count = -1
        if ctx.argc == 3 {
            guard let c = ctx.int(2), c >= 0 else { ctx.out.error(ListCommands.rangeError); return }
            count = c
        }
        switch ctx.fetch(SetObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: if count >= 0 { ctx.out.setHeader(0) } else { ctx.out.null() }
        case .found(let obj):
            if count < 0 {
                guard let m = obj.set.randomMember(using: &ctx.engine.random) else { ctx.out.null(); return }
                obj.set.remove(m)
                ctx.out.bulk(m)
                ctx.modified(key, .set, "spop")
                if obj.set.isEmpty { ctx.deleteEmptied(key) }
                return
            }
            if count == 0 { ctx.out.setHeader(0); return }
            if count >= obj.set.count {
                let all = obj.set.allMembers
                writeMembers(&ctx, all)
                ctx.modified(key, .set, "spop", dirty: all.count)
                ctx.deleteEmptied(key)
                return
            }
            var out: [ByteString] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                guard let m = obj.set.randomMember(using: &ctx.engine.random) else { break }
                obj.set.remove(m)
                out.append(m)
            }
            writeMembers(&ctx, out)
            ctx.modified(key, .set, "spop", dirty: out.count)
        }
    }

    static func srandmember(_ ctx: inout CommandContext) {
        if ctx.argc > 3 { ctx.out.error(RedisError.syntax); return }
        var count: Int? = nil
        if ctx.argc == 3 {
            guard let c = ctx.randomCountOrReply(2) else { return }
            count = c
        }
        switch ctx.fetch(SetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: if count != nil { ctx.out.emptyArray() } else { ctx.out.null() }
        case .found(let obj):
            guard let count else {
                if let m = obj.set.randomMember(using: &ctx.engine.random) { ctx.out.bulk(m) } else { ctx.out.null() }
                return
            }
            if count == 0 { ctx.out.emptyArray(); return }
            if count < 0 {
                let n = -count
                let mark = ctx.out.buffer.writerIndex
                ctx.out.arrayHeader(n)
                for _ in 0..<n {
                    if let m = obj.set.randomMember(using: &ctx.engine.random) { ctx.out.bulk(m) }
                    if ctx.replyOverflowed(since: mark) { return }
                }
                return
            }
            if count >= obj.set.count {
                let all = obj.set.allMembers
                ctx.out.arrayHeader(all.count)
                for m in all { ctx.out.bulk(m) }
                return
            }
            // Distinct picks: sample without replacement.
            var picked = Set<ByteString>()
            var out: [ByteString] = []
            var guardCount = 0
            while out.count < count && guardCount < count * 64 {
                guardCount += 1
                if let m = obj.set.randomMember(using: &ctx.engine.random), picked.insert(m).inserted { out.append(m) }
            }
            if out.count < count {
                obj.set.forEach { m in if out.count < count && picked.insert(m).inserted { out.append(m) } }
            }
            ctx.out.arrayHeader(out.count)
            for m in out { ctx.out.bulk(m) }
        }
    }

    static func smove(_ ctx: inout CommandContext) {
        let src = ctx.key(1), dst = ctx.key(2), member = ctx.arg(3)
        // Redis 7.0: a missing source answers 0 before either key's type is checked.
        let srcLookup = ctx.fetch(SetObject.self, src, read: false)
        let dstLookup = ctx.fetch(SetObject.self, dst, read: false)
        let s: SetObject
        switch srcLookup {
        case .missing: ctx.out.integer(0); return
        case .wrongType: ctx.wrongType(); return
        case .found(let o): s = o
        }
        var dstObj: SetObject? = nil
        switch dstLookup {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let o): dstObj = o
        }
        if src == dst { ctx.out.integer(s.set.contains(member) ? 1 : 0); return }
        guard s.set.remove(member) else { ctx.out.integer(0); return }
        ctx.modified(src, .set, "srem")
        if s.set.isEmpty { ctx.deleteEmptied(src) }
        let d: SetObject
        if let dstObj { d = dstObj } else {
            d = SetObject()
            ctx.engine.setKey(ctx.db, dst, .object(d))
        }
        if d.set.insert(member) { ctx.modified(dst, .set, "sadd") }
        ctx.out.integer(1)
    }

    enum Op { case inter, union, diff }

    /// Collects the sets named by arguments `first..<end`; nil after replying WRONGTYPE.
    static func collect(_ ctx: inout CommandContext, _ first: Int, _ end: Int) -> [SetObject?]? {
        var sets: [SetObject?] = []
        sets.reserveCapacity(end - first)
        for i in first..<end {
            switch ctx.fetch(SetObject.self, ctx.key(i)) {
            case .wrongType: ctx.wrongType(); return nil
            case .missing: sets.append(nil)
            case .found(let o): sets.append(o)
            }
        }
        return sets
    }

    static func compute(_ op: Op, _ sets: [SetObject?], limit: Int = 0) -> RedisSet {
        var result = RedisSet()
        switch op {
        case .inter:
            if sets.contains(where: { $0 == nil }) { return result }
            let sorted = sets.compactMap { $0 }.sorted { $0.set.count < $1.set.count }
            guard let smallest = sorted.first else { return result }
            smallest.set.forEach { m in
                if limit > 0 && result.count >= limit { return }
                for other in sorted.dropFirst() where !other.set.contains(m) { return }
                result.insert(m)
            }
        case .union:
            for s in sets { s?.set.forEach { result.insert($0) } }
        case .diff:
            guard let first = sets.first, let base = first else { return result }
            base.set.forEach { m in
                for other in sets.dropFirst() { if let o = other, o.set.contains(m) { return } }
                result.insert(m)
            }
        }
        return result
    }

    static func combine(_ ctx: inout CommandContext, _ op: Op, store: Bool) {
        let first = store ? 2 : 1
        guard let sets = collect(&ctx, first, ctx.argc) else { return }
        let result = compute(op, sets)
        if !store {
            writeMembers(&ctx, result.allMembers)
            return
        }
        let dst = ctx.key(1)
        let existed = ctx.lookupWrite(dst) != nil
        if result.isEmpty {
            if existed {
                ctx.engine.deleteKey(ctx.db, dst)
                ctx.modified(dst, .generic, "del")
            }
            ctx.out.integer(0)
            return
        }
        ctx.out.integer(result.count)
        ctx.setKey(dst, .object(SetObject(result)))
        ctx.notify(.set, op == .inter ? "sinterstore" : op == .union ? "sunionstore" : "sdiffstore", dst)
    }

    static func sintercard(_ ctx: inout CommandContext) {
        guard let n = ctx.int(1), n > 0 else { ctx.out.error("ERR numkeys should be greater than 0"); return }
        if n > ctx.argc - 2 { ctx.out.error("ERR Number of keys can't be greater than number of args"); return }
        var limit = 0
        var i = 2 + n
        while i < ctx.argc {
            if ctx.argIs(i, "LIMIT") && i + 1 < ctx.argc {
                guard let l = ctx.int(i + 1), l >= 0 else { ctx.out.error("ERR LIMIT can't be negative"); return }
                limit = l
                i += 2
            } else {
                ctx.out.error(RedisError.syntax); return
            }
        }
        guard let sets = collect(&ctx, 2, 2 + n) else { return }
        ctx.out.integer(compute(.inter, sets, limit: limit).count)
    }

    static func sscan(_ ctx: inout CommandContext) {
        guard let opts = ScanOptions.parse(&ctx, cursorAt: 2, optionsFrom: 3) else { return }
        switch ctx.fetch(SetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ScanOptions.reply(&ctx, cursor: 0, items: [])
        case .found(let obj):
            if !obj.set.isHashtable {
                let items = obj.set.allMembers.filter { opts.matches($0) }
                ScanOptions.reply(&ctx, cursor: 0, items: items)
                return
            }
            var items: [ByteString] = []
            var cursor = opts.cursor
            var iterations = 0
            repeat {
                cursor = obj.set.scan(cursor: cursor) { m in if opts.matches(m) { items.append(m) } }
                iterations += 1
            } while cursor != 0 && items.count < opts.count && iterations < (opts.count > Int.max / 10 ? Int.max : opts.count * 10)
            ScanOptions.reply(&ctx, cursor: cursor, items: items)
        }
    }
}

/// SSCAN / ZSCAN argument parsing (`cursor [MATCH pattern] [COUNT count]`).
struct ScanOptions {
    var cursor: UInt64
    var pattern: [UInt8]?
    var count = 10

    func matches(_ m: ByteString) -> Bool {
        guard let pattern else { return true }
        return m.withBytes { RedisGlob.matches(pattern, Array($0)) }
    }

    static func parse(_ ctx: inout CommandContext, cursorAt: Int, optionsFrom: Int) -> ScanOptions? {
        guard let cursor = parseCursor(ctx.args[cursorAt]) else { ctx.out.error(RedisError.invalidCursor); return nil }
        var o = ScanOptions(cursor: cursor)
        var i = optionsFrom
        while i < ctx.argc {
            let more = i + 1 < ctx.argc
            if ctx.argIs(i, "COUNT") && more {
                guard let c = ctx.int(i + 1) else { ctx.out.error(RedisError.notInteger); return nil }
                if c < 1 { ctx.out.error(RedisError.syntax); return nil }
                o.count = c
            } else if ctx.argIs(i, "MATCH") && more {
                let p = Array(ctx.args[i + 1])
                o.pattern = (p == [UInt8(ascii: "*")]) ? nil : p
            } else {
                ctx.out.error(RedisError.syntax); return nil
            }
            i += 2
        }
        return o
    }

    /// Redis's `parseScanCursorOrReply`: an unsigned 64-bit decimal.
    static func parseCursor(_ s: ArraySlice<UInt8>) -> UInt64? {
        if s.isEmpty || s.count > 20 { return nil }
        var v: UInt64 = 0
        for c in s {
            let d = c &- 48
            if d > 9 { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            v = a
        }
        return v
    }

    static func reply(_ ctx: inout CommandContext, cursor: UInt64, items: [ByteString]) {
        ctx.out.arrayHeader(2)
        ctx.out.bulk(String(cursor))
        ctx.out.arrayHeader(items.count)
        for m in items { ctx.out.bulk(m) }
    }
}
