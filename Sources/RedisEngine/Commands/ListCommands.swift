import RESP

/// Redis 7.0 list commands (t_list.c): pushes, pops, ranges, LMOVE/LMPOP and their blocking forms.
public enum ListCommands {
    /// Every list command (blocking ones included).
    public static var all: [CommandSpec] {
        [
            CatalogSpec.make("lpush", group: "list", summary: "Prepend one or multiple elements to a list") { push(&$0, front: true, onlyExisting: false) },
            CatalogSpec.make("rpush", group: "list", summary: "Append one or multiple elements to a list") { push(&$0, front: false, onlyExisting: false) },
            CatalogSpec.make("lpushx", group: "list", since: "2.2.0", summary: "Prepend an element to a list, only if the list exists") { push(&$0, front: true, onlyExisting: true) },
            CatalogSpec.make("rpushx", group: "list", since: "2.2.0", summary: "Append an element to a list, only if the list exists") { push(&$0, front: false, onlyExisting: true) },
            CatalogSpec.make("lpop", group: "list", summary: "Remove and get the first elements in a list") { pop(&$0, front: true) },
            CatalogSpec.make("rpop", group: "list", summary: "Remove and get the last elements in a list") { pop(&$0, front: false) },
            CatalogSpec.make("llen", group: "list", summary: "Get the length of a list", llen),
            CatalogSpec.make("lrange", group: "list", summary: "Get a range of elements from a list", lrange),
            CatalogSpec.make("lindex", group: "list", summary: "Get an element from a list by its index", lindex),
            CatalogSpec.make("lset", group: "list", summary: "Set the value of an element in a list by its index", lset),
            CatalogSpec.make("linsert", group: "list", since: "2.2.0", summary: "Insert an element before or after another element in a list", linsert),
            CatalogSpec.make("lrem", group: "list", summary: "Remove elements from a list", lrem),
            CatalogSpec.make("ltrim", group: "list", summary: "Trim a list to the specified range", ltrim),
            CatalogSpec.make("lpos", group: "list", since: "6.0.6", summary: "Return the index of matching elements on a list", lpos),
            CatalogSpec.make("lmove", group: "list", since: "6.2.0", summary: "Pop an element from a list, push it to another list and return it", lmove),
            CatalogSpec.make("rpoplpush", group: "list", since: "1.2.0", summary: "Remove the last element in a list, prepend it to another list and return it", rpoplpush),
            CatalogSpec.make("lmpop", group: "list", since: "7.0.0", summary: "Pop elements from a list",
                           keyFinder: CatalogSpec.numkeysFinder(at: 1)) { lmpop(&$0, blocking: false) },
            CatalogSpec.make("blpop", group: "list", since: "2.0.0", summary: "Remove and get the first element in a list, or block until one is available") { bpop(&$0, front: true) },
            CatalogSpec.make("brpop", group: "list", since: "2.0.0", summary: "Remove and get the last element in a list, or block until one is available") { bpop(&$0, front: false) },
            CatalogSpec.make("blmove", group: "list", since: "6.2.0", summary: "Pop an element from a list, push it to another list and return it; or block until one is available", blmove),
            CatalogSpec.make("brpoplpush", group: "list", since: "2.2.0", summary: "Pop an element from a list, push it to another list and return it; or block until one is available", brpoplpush),
            CatalogSpec.make("blmpop", group: "list", since: "7.0.0", summary: "Pop elements from a list, or block until one is available",
                           keyFinder: CatalogSpec.numkeysFinder(at: 2)) { lmpop(&$0, blocking: true) },
        ]
    }

    static let rangeError: StaticString = "ERR value is out of range, must be positive"

    // MARK: push

    static func push(_ ctx: inout CommandContext, front: Bool, onlyExisting: Bool) {
        let key = ctx.key(1)
        let list: ListObject
        switch ctx.fetch(ListObject.self, key, read: false) {
        case .wrongType: ctx.wrongType(); return
        case .missing:
            if onlyExisting { ctx.out.integer(0); return }
            list = ListObject()
            ctx.engine.setKey(ctx.db, key, .object(list))
        case .found(let l): list = l
        }
        let n = ctx.argc
        var i = 2
        if front {
            while i < n { list.list.pushFront(ByteString(ctx.args[i])); i += 1 }
        } else {
            while i < n { list.list.pushBack(ByteString(ctx.args[i])); i += 1 }
        }
        ctx.out.integer(list.list.count)
        ctx.modified(key, .list, front ? "lpush" : "rpush", dirty: n - 2)
    }

    // MARK: pop

    static func pop(_ ctx: inout CommandContext, front: Bool) {
        if ctx.argc > 3 { ctx.replyArity(); return }
        let key = ctx.key(1)
        var count = -1
        if ctx.argc == 3 {
            guard let c = ctx.int(2), c >= 0 else { ctx.out.error(rangeError); return }
            count = c
        }
        switch ctx.fetch(ListObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: if count >= 0 { ctx.out.nullArray() } else { ctx.out.null() }
        case .found(let list):
            if count < 0 {
                let e = front ? list.list.popFront() : list.list.popBack()
                if let e { ctx.out.bulk(e) } else { ctx.out.null() }
                popped(&ctx, key, list, front: front)
            } else {
                let k = min(count, list.list.count)
                ctx.out.arrayHeader(k)
                if k == 0 { return }
                for _ in 0..<k {
                    if let e = front ? list.list.popFront() : list.list.popBack() { ctx.out.bulk(e) }
                }
                popped(&ctx, key, list, front: front)
            }
        }
    }

    /// Bookkeeping after elements were popped from `list` stored at `key`.
    @inline(__always)
    static func popped(_ ctx: inout CommandContext, _ key: ByteString, _ list: ListObject, front: Bool) {
        ctx.modified(key, .list, front ? "lpop" : "rpop")
        if list.list.isEmpty { ctx.deleteEmptied(key) }
    }

    // MARK: reads

    static func llen(_ ctx: inout CommandContext) {
        switch ctx.fetch(ListObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let l): ctx.out.integer(l.list.count)
        }
    }

    /// Clamps Redis start/end indexes against `count`; nil when the range is empty.
    @inline(__always)
    static func clamp(_ start: Int, _ end: Int, count: Int) -> (Int, Int)? {
        var s = start, e = end
        if s < 0 { s = count + s }
        if e < 0 { e = count + e }
        if s < 0 { s = 0 }
        if s > e || s >= count { return nil }
        if e >= count { e = count - 1 }
        return (s, e)
    }

    static func lrange(_ ctx: inout CommandContext) {
        guard let start = ctx.intOrReply(2), let end = ctx.intOrReply(3) else { return }
        switch ctx.fetch(ListObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.emptyArray()
        case .found(let l):
            guard let (s, e) = clamp(start, end, count: l.list.count) else { ctx.out.emptyArray(); return }
            ctx.out.arrayHeader(e - s + 1)
            l.list.forEach(from: s, through: e) { ctx.out.bulk($0) }
        }
    }

    static func lindex(_ ctx: inout CommandContext) {
        // Redis 7.0 looks the key up before parsing the index.
        switch ctx.fetch(ListObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.null()
        case .found(let l):
            guard let idx = ctx.intOrReply(2) else { return }
            let i = idx < 0 ? l.list.count + idx : idx
            if i < 0 || i >= l.list.count { ctx.out.null() } else { ctx.out.bulk(l.list[i]) }
        }
    }

    static func lset(_ ctx: inout CommandContext) {
        // Redis 7.0 looks the key up before parsing the index.
        let key = ctx.key(1)
        switch ctx.fetch(ListObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.error(RedisError.noSuchKey)
        case .found(let l):
            guard let idx = ctx.intOrReply(2) else { return }
            let i = idx < 0 ? l.list.count + idx : idx
            if i < 0 || i >= l.list.count { ctx.out.error(RedisError.indexOutOfRange); return }
            l.list[i] = ctx.arg(3)
            ctx.out.ok()
            ctx.modified(key, .list, "lset")
        }
    }

    static func linsert(_ ctx: inout CommandContext) {
        let before: Bool
        if ctx.argIs(2, "BEFORE") { before = true } else if ctx.argIs(2, "AFTER") { before = false } else {
            ctx.out.error(RedisError.syntax); return
        }
        let key = ctx.key(1)
        switch ctx.fetch(ListObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let l):
            guard let pos = l.list.firstIndex(of: ctx.arg(3)) else { ctx.out.integer(-1); return }
            l.list.insert(ctx.arg(4), at: before ? pos : pos + 1)
            ctx.out.integer(l.list.count)
            ctx.modified(key, .list, "linsert")
        }
    }

    static func lrem(_ ctx: inout CommandContext) {
        guard let count = ctx.intOrReply(2) else { return }
        let key = ctx.key(1)
        switch ctx.fetch(ListObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let l):
            let removed = l.list.removeMatching(ctx.arg(3), limit: count)
            ctx.out.integer(removed)
            if removed > 0 {
                ctx.modified(key, .list, "lrem")
                if l.list.isEmpty { ctx.deleteEmptied(key) }
            }
        }
    }

    static func ltrim(_ ctx: inout CommandContext) {
        guard let start = ctx.intOrReply(2), let end = ctx.intOrReply(3) else { return }
        let key = ctx.key(1)
        switch ctx.fetch(ListObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.ok()
        case .found(let l):
            if let (s, e) = clamp(start, end, count: l.list.count) {
                l.list.keep(from: s, through: e)
            } else {
                l.list.removeAll()
            }
            ctx.out.ok()
            ctx.modified(key, .list, "ltrim")
            if l.list.isEmpty { ctx.deleteEmptied(key) }
        }
    }

    static func lpos(_ ctx: inout CommandContext) {
        var rank = 1
        var count = -1
        var maxlen = 0
        var i = 3
        while i < ctx.argc {
            let more = i + 1 < ctx.argc
            if ctx.argIs(i, "RANK") && more {
                guard let r = ctx.int64(i + 1) else { ctx.out.error(RedisError.notInteger); return }
                if r == 0 {
                    ctx.out.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                    return
                }
                rank = r == Int64.min ? -1 : Int(r)  // Redis negates LONG_MIN, which stays negative: every match qualifies
            } else if ctx.argIs(i, "COUNT") && more {
                // Redis's getPositiveLongFromObjectOrReply: one message for "not a number" and "negative".
                guard let c = ctx.int(i + 1), c >= 0 else { ctx.out.error("ERR COUNT can't be negative"); return }
                count = c
            } else if ctx.argIs(i, "MAXLEN") && more {
                guard let m = ctx.int(i + 1), m >= 0 else { ctx.out.error("ERR MAXLEN can't be negative"); return }
                maxlen = m
            } else {
                ctx.out.error(RedisError.syntax); return
            }
            i += 2
        }
        switch ctx.fetch(ListObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: if count >= 0 { ctx.out.emptyArray() } else { ctx.out.null() }
        case .found(let l):
            let target = ctx.arg(2)
            let n = l.list.count
            var matches: [Int] = []
            var skip = rank > 0 ? rank - 1 : -(rank + 1)
            let want = count < 0 ? 1 : (count == 0 ? Int.max : count)
            var scanned = 0
            var idx = rank > 0 ? 0 : n - 1
            while idx >= 0 && idx < n && matches.count < want && (maxlen == 0 || scanned < maxlen) {
                if l.list[idx] == target {
                    if skip > 0 { skip -= 1 } else { matches.append(idx) }
                }
                scanned += 1
                idx += rank > 0 ? 1 : -1
            }
            if count < 0 {
                if let m = matches.first { ctx.out.integer(m) } else { ctx.out.null() }
            } else {
                ctx.out.arrayHeader(matches.count)
                for m in matches { ctx.out.integer(m) }
            }
        }
    }

    // MARK: LMOVE family

    /// Parses LEFT/RIGHT; nil (after replying syntax error) otherwise.
    static func side(_ ctx: inout CommandContext, _ i: Int) -> Bool? {
        if ctx.argIs(i, "LEFT") { return true }
        if ctx.argIs(i, "RIGHT") { return false }
        ctx.out.error(RedisError.syntax)
        return nil
    }

    static func lmove(_ ctx: inout CommandContext) {
        guard let from = side(&ctx, 3), let to = side(&ctx, 4) else { return }
        _ = moveOne(&ctx, src: ctx.key(1), dst: ctx.key(2), fromFront: from, toFront: to, replyNullIfEmpty: true)
    }

    static func rpoplpush(_ ctx: inout CommandContext) {
        _ = moveOne(&ctx, src: ctx.key(1), dst: ctx.key(2), fromFront: false, toFront: true, replyNullIfEmpty: true)
    }

    /// Moves one element; returns false when the source was empty (nothing replied unless asked).
    @discardableResult
    static func moveOne(_ ctx: inout CommandContext, src: ByteString, dst: ByteString, fromFront: Bool, toFront: Bool,
                        replyNullIfEmpty: Bool) -> Bool {
        let srcList: ListObject
        switch ctx.fetch(ListObject.self, src, read: false) {
        case .wrongType: ctx.wrongType(); return true
        case .missing:
            if replyNullIfEmpty { ctx.out.null() }
            return false
        case .found(let l): srcList = l
        }
        var dstList: ListObject? = nil
        switch ctx.fetch(ListObject.self, dst, read: false) {
        case .wrongType: ctx.wrongType(); return true
        case .missing: break
        case .found(let l): dstList = l
        }
        guard let e = fromFront ? srcList.list.popFront() : srcList.list.popBack() else {
            if replyNullIfEmpty { ctx.out.null() }
            return false
        }
        ctx.modified(src, .list, fromFront ? "lpop" : "rpop")
        let target: ListObject
        if let d = dstList { target = d } else if src == dst { target = srcList } else {
            target = ListObject()
            ctx.engine.setKey(ctx.db, dst, .object(target))
        }
        if toFront { target.list.pushFront(e) } else { target.list.pushBack(e) }
        ctx.modified(dst, .list, toFront ? "lpush" : "rpush")
        if srcList.list.isEmpty { ctx.deleteEmptied(src) }
        ctx.out.bulk(e)
        return true
    }

    // MARK: LMPOP / BLMPOP

    /// Parses `numkeys key... LEFT|RIGHT [COUNT n]` starting at `first`; replies errors itself.
    static func parseMPop(_ ctx: inout CommandContext, first: Int) -> (keys: [ByteString], front: Bool, count: Int)? {
        guard let n = ctx.int(first), n > 0 else { ctx.out.error("ERR numkeys should be greater than 0"); return nil }
        if n > ctx.argc - first - 2 { ctx.out.error(RedisError.syntax); return nil }
        let whereIdx = first + 1 + n
        var keys: [ByteString] = []
        keys.reserveCapacity(n)
        for i in (first + 1)..<whereIdx { keys.append(ctx.key(i)) }
        guard whereIdx < ctx.argc, let front = side(&ctx, whereIdx) else {
            if whereIdx >= ctx.argc { ctx.out.error(RedisError.syntax) }
            return nil
        }
        var count = 1
        var i = whereIdx + 1
        var sawCount = false
        while i < ctx.argc {
            if ctx.argIs(i, "COUNT") && i + 1 < ctx.argc && !sawCount {
                guard let c = ctx.int(i + 1), c > 0 else { ctx.out.error("ERR count should be greater than 0"); return nil }
                count = c
                sawCount = true
                i += 2
            } else {
                ctx.out.error(RedisError.syntax); return nil
            }
        }
        return (keys, front, count)
    }

    static func lmpop(_ ctx: inout CommandContext, blocking: Bool) {
        var timeout: Int64 = 0
        if blocking {
            guard let t = Blocking.parseTimeout(&ctx, 1) else { return }
            timeout = t
        }
        guard let p = parseMPop(&ctx, first: blocking ? 2 : 1) else { return }
        for key in p.keys {
            switch ctx.fetch(ListObject.self, key, read: false) {
            case .wrongType: ctx.wrongType(); return
            case .missing: continue
            case .found(let l):
                if l.list.isEmpty { continue }
                replyMPop(&ctx, key, l, front: p.front, count: p.count)
                return
            }
        }
        if blocking && Blocking.mayBlock(ctx) {
            Blocking.block(&ctx, keys: p.keys, timeout: timeout, kind: .list)
        } else {
            ctx.out.nullArray()
        }
    }

    static func replyMPop(_ ctx: inout CommandContext, _ key: ByteString, _ l: ListObject, front: Bool, count: Int) {
        let k = min(count, l.list.count)
        ctx.out.arrayHeader(2)
        ctx.out.bulk(key)
        ctx.out.arrayHeader(k)
        for _ in 0..<k {
            if let e = front ? l.list.popFront() : l.list.popBack() { ctx.out.bulk(e) }
        }
        popped(&ctx, key, l, front: front)
    }

    // MARK: blocking pops

    static func bpop(_ ctx: inout CommandContext, front: Bool) {
        guard let timeout = Blocking.parseTimeout(&ctx, ctx.argc - 1) else { return }
        var keys: [ByteString] = []
        for i in 1..<(ctx.argc - 1) {
            let key = ctx.key(i)
            switch ctx.fetch(ListObject.self, key, read: false) {
            case .wrongType: ctx.wrongType(); return
            case .missing: keys.append(key)
            case .found(let l):
                guard let e = front ? l.list.popFront() : l.list.popBack() else { keys.append(key); continue }
                ctx.out.arrayHeader(2)
                ctx.out.bulk(key)
                ctx.out.bulk(e)
                popped(&ctx, key, l, front: front)
                return
            }
        }
        if Blocking.mayBlock(ctx) {
            Blocking.block(&ctx, keys: keys, timeout: timeout, kind: .list)
        } else {
            ctx.out.nullArray()
        }
    }

    static func blmove(_ ctx: inout CommandContext) {
        guard let from = side(&ctx, 3), let to = side(&ctx, 4) else { return }
        guard let timeout = Blocking.parseTimeout(&ctx, 5) else { return }
        blockingMove(&ctx, fromFront: from, toFront: to, timeout: timeout)
    }

    static func brpoplpush(_ ctx: inout CommandContext) {
        guard let timeout = Blocking.parseTimeout(&ctx, 3) else { return }
        blockingMove(&ctx, fromFront: false, toFront: true, timeout: timeout)
    }

    static func blockingMove(_ ctx: inout CommandContext, fromFront: Bool, toFront: Bool, timeout: Int64) {
        let src = ctx.key(1)
        if moveOne(&ctx, src: src, dst: ctx.key(2), fromFront: fromFront, toFront: toFront, replyNullIfEmpty: false) { return }
        if Blocking.mayBlock(ctx) {
            Blocking.block(&ctx, keys: [src], timeout: timeout, kind: .list)
        } else {
            ctx.out.null()
        }
    }
}
