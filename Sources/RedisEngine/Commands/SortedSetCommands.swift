import RESP

/// Redis 7.0 sorted-set commands (t_zset.c).
public enum SortedSetCommands {
    public static var all: [CommandSpec] {
        [
            CatalogSpec.make("zadd", group: "sorted_set", since: "1.2.0", summary: "Add one or more members to a sorted set, or update its score if it already exists", zadd),
            CatalogSpec.make("zincrby", group: "sorted_set", since: "1.2.0", summary: "Increment the score of a member in a sorted set", zincrby),
            CatalogSpec.make("zrem", group: "sorted_set", since: "1.2.0", summary: "Remove one or more members from a sorted set", zrem),
            CatalogSpec.make("zscore", group: "sorted_set", since: "1.2.0", summary: "Get the score associated with the given member in a sorted set", zscore),
            CatalogSpec.make("zmscore", group: "sorted_set", since: "6.2.0", summary: "Get the score associated with the given members in a sorted set", zmscore),
            CatalogSpec.make("zcard", group: "sorted_set", since: "1.2.0", summary: "Get the number of members in a sorted set", zcard),
            CatalogSpec.make("zcount", group: "sorted_set", since: "2.0.0", summary: "Count the members in a sorted set with scores within the given values", zcount),
            CatalogSpec.make("zlexcount", group: "sorted_set", since: "2.8.9", summary: "Count the number of members in a sorted set between a given lexicographical range", zlexcount),
            CatalogSpec.make("zrange", group: "sorted_set", since: "1.2.0", summary: "Return a range of members in a sorted set") { zrange(&$0, store: false, type: nil, reverse: nil) },
            CatalogSpec.make("zrangestore", group: "sorted_set", since: "6.2.0", summary: "Store a range of members from sorted set into another key") { zrange(&$0, store: true, type: nil, reverse: nil) },
            CatalogSpec.make("zrangebyscore", group: "sorted_set", since: "1.0.5", summary: "Return a range of members in a sorted set, by score") { zrange(&$0, store: false, type: .score, reverse: false) },
            CatalogSpec.make("zrevrangebyscore", group: "sorted_set", since: "2.2.0", summary: "Return a range of members in a sorted set, by score, with scores ordered from high to low") { zrange(&$0, store: false, type: .score, reverse: true) },
            CatalogSpec.make("zrevrange", group: "sorted_set", since: "1.2.0", summary: "Return a range of members in a sorted set, by index, with scores ordered from high to low") { zrange(&$0, store: false, type: .rank, reverse: true) },
            CatalogSpec.make("zrangebylex", group: "sorted_set", since: "2.8.9", summary: "Return a range of members in a sorted set, by lexicographical range") { zrange(&$0, store: false, type: .lex, reverse: false) },
            CatalogSpec.make("zrevrangebylex", group: "sorted_set", since: "2.8.9", summary: "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.") { zrange(&$0, store: false, type: .lex, reverse: true) },
            CatalogSpec.make("zrank", group: "sorted_set", since: "2.0.0", summary: "Determine the index of a member in a sorted set") { zrank(&$0, reverse: false) },
            CatalogSpec.make("zrevrank", group: "sorted_set", since: "2.0.0", summary: "Determine the index of a member in a sorted set, with scores ordered from high to low") { zrank(&$0, reverse: true) },
            CatalogSpec.make("zremrangebyrank", group: "sorted_set", since: "2.0.0", summary: "Remove all members in a sorted set within the given indexes") { zremrange(&$0, .rank) },
            CatalogSpec.make("zremrangebyscore", group: "sorted_set", since: "1.2.0", summary: "Remove all members in a sorted set within the given scores") { zremrange(&$0, .score) },
            CatalogSpec.make("zremrangebylex", group: "sorted_set", since: "2.8.9", summary: "Remove all members in a sorted set between the given lexicographical range") { zremrange(&$0, .lex) },
            CatalogSpec.make("zpopmin", group: "sorted_set", since: "5.0.0", summary: "Remove and return members with the lowest scores in a sorted set") { zpop(&$0, max: false) },
            CatalogSpec.make("zpopmax", group: "sorted_set", since: "5.0.0", summary: "Remove and return members with the highest scores in a sorted set") { zpop(&$0, max: true) },
            CatalogSpec.make("bzpopmin", group: "sorted_set", since: "5.0.0", summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available") { bzpop(&$0, max: false) },
            CatalogSpec.make("bzpopmax", group: "sorted_set", since: "5.0.0", summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available") { bzpop(&$0, max: true) },
            CatalogSpec.make("zmpop", group: "sorted_set", since: "7.0.0", summary: "Remove and return members with scores in a sorted set",
                           keyFinder: CatalogSpec.numkeysFinder(at: 1)) { zmpop(&$0, blocking: false) },
            CatalogSpec.make("bzmpop", group: "sorted_set", since: "7.0.0", summary: "Remove and return members with scores in a sorted set or block until one is available",
                           keyFinder: CatalogSpec.numkeysFinder(at: 2)) { zmpop(&$0, blocking: true) },
            CatalogSpec.make("zunion", group: "sorted_set", since: "6.2.0", summary: "Add multiple sorted sets",
                           keyFinder: CatalogSpec.numkeysFinder(at: 1)) { combine(&$0, .union, store: false) },
            CatalogSpec.make("zunionstore", group: "sorted_set", since: "2.0.0", summary: "Add multiple sorted sets and store the resulting sorted set in a new key",
                           keyFinder: CatalogSpec.numkeysFinder(at: 2, fixedKeys: [1])) { combine(&$0, .union, store: true) },
            CatalogSpec.make("zinter", group: "sorted_set", since: "6.2.0", summary: "Intersect multiple sorted sets",
                           keyFinder: CatalogSpec.numkeysFinder(at: 1)) { combine(&$0, .inter, store: false) },
            CatalogSpec.make("zinterstore", group: "sorted_set", since: "2.0.0", summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key",
                           keyFinder: CatalogSpec.numkeysFinder(at: 2, fixedKeys: [1])) { combine(&$0, .inter, store: true) },
            CatalogSpec.make("zdiff", group: "sorted_set", since: "6.2.0", summary: "Subtract multiple sorted sets",
                           keyFinder: CatalogSpec.numkeysFinder(at: 1)) { combine(&$0, .diff, store: false) },
            CatalogSpec.make("zdiffstore", group: "sorted_set", since: "6.2.0", summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key",
                           keyFinder: CatalogSpec.numkeysFinder(at: 2, fixedKeys: [1])) { combine(&$0, .diff, store: true) },
            CatalogSpec.make("zintercard", group: "sorted_set", since: "7.0.0", summary: "Intersect multiple sorted sets and return the cardinality of the result",
                           keyFinder: CatalogSpec.numkeysFinder(at: 1), zintercard),
            CatalogSpec.make("zrandmember", group: "sorted_set", since: "6.2.0", summary: "Get one or multiple random elements from a sorted set", zrandmember),
            CatalogSpec.make("zscan", group: "sorted_set", since: "2.8.0", summary: "Incrementally iterate sorted sets elements and associated scores", zscan),
        ]
    }

    static let nanError: StaticString = "ERR resulting score is not a number (NaN)"
    static let notFloatRange: StaticString = "ERR min or max is not a float"
    static let notLexRange: StaticString = "ERR min or max not valid string range item"

    // MARK: writing

    /// Writes (member, score) entries: flat in RESP2, pairs in RESP3 (when `withScores`).
    static func writeEntries(_ out: inout ReplyWriter, _ entries: [(member: ByteString, score: Double)], withScores: Bool) {
        writeEntriesHeader(&out, entries.count, withScores: withScores)
        for e in entries { writeEntry(&out, e.member, e.score, withScores: withScores) }
    }

    /// The array header for `count` entries (2 × count items in RESP2 with scores).
    static func writeEntriesHeader(_ out: inout ReplyWriter, _ count: Int, withScores: Bool) {
        out.arrayHeader(withScores && !out.isRESP3 ? count * 2 : count)
    }

    /// One entry: the member, or member and score (a pair in RESP3).
    @inline(__always)
    static func writeEntry(_ out: inout ReplyWriter, _ member: ByteString, _ score: Double, withScores: Bool) {
        if !withScores {
            out.bulk(member)
        } else if out.isRESP3 {
            out.arrayHeader(2); out.bulk(member); out.score(score)
        } else {
            out.bulk(member); out.score(score)
        }
    }

    // MARK: ZADD / ZINCRBY

    static func zadd(_ ctx: inout CommandContext) {
        var nx = false, xx = false, gt = false, lt = false, ch = false, incr = false
        var i = 2
        while i < ctx.argc {
            if ctx.argIs(i, "NX") { nx = true } else if ctx.argIs(i, "XX") { xx = true } else if ctx.argIs(i, "GT") { gt = true }
            else if ctx.argIs(i, "LT") { lt = true } else if ctx.argIs(i, "CH") { ch = true } else if ctx.argIs(i, "INCR") { incr = true }
            else { break }
            i += 1
        }
        let pairs = ctx.argc - i
        if pairs % 2 != 0 || pairs == 0 { ctx.out.error(RedisError.syntax); return }
        if nx && xx { ctx.out.error("ERR XX and NX options at the same time are not compatible"); return }
        if (gt && nx) || (lt && nx) || (gt && lt) {
            ctx.out.error("ERR GT, LT, and/or NX options at the same time are not compatible"); return
        }
        if incr && pairs > 2 { ctx.out.error("ERR INCR option supports a single increment-element pair"); return }
        let n = pairs / 2
        // Parse all scores first (Redis fails the whole command on one bad score).
        var scores: [Double] = []
        scores.reserveCapacity(n)
        for k in 0..<n {
            guard let s = ctx.score(i + 2 * k) else { ctx.out.error(RedisError.notFloat); return }
            scores.append(s)
        }
        let key = ctx.key(1)
        var obj: ZSetObject
        switch ctx.fetch(ZSetObject.self, key, read: false) {
        case .wrongType: ctx.wrongType(); return
        case .missing:
            if xx {
                if incr { ctx.out.null() } else { ctx.out.integer(0) }
                return
            }
            obj = ZSetObject()
            ctx.engine.setKey(ctx.db, key, .object(obj))
        case .found(let z): obj = z
        }
        var added = 0, updated = 0, processed = 0
        var lastScore = 0.0
        var incrNull = false
        for k in 0..<n {
            let member = ByteString(ctx.args[i + 2 * k + 1])
            var score = scores[k]
            let node = obj.zset.node(of: member)
            if node != 0 {
                let cur = obj.zset.score(node)
                if nx { incrNull = true; continue }
                if incr {
                    score = cur + score
                    if score.isNaN { ctx.out.error(nanError); cleanupEmpty(&ctx, key, obj); return }
                }
                if (lt && score >= cur) || (gt && score <= cur) { incrNull = true; continue }
                lastScore = score
                if score != cur {
                    obj.zset.updateScore(node: node, to: score)
                    updated += 1
                }
                processed += 1
            } else {
                if xx { incrNull = true; continue }
                lastScore = obj.zset.insertNew(member, score: score)
                added += 1
                processed += 1
            }
        }
        if incr {
            if incrNull && processed == 0 { ctx.out.null() } else { ctx.out.score(lastScore) }
        } else {
            ctx.out.integer(ch ? added + updated : added)
        }
        if added + updated > 0 {
            ctx.modified(key, .zset, incr ? "zincr" : "zadd", dirty: added + updated)
        } else {
            cleanupEmpty(&ctx, key, obj)
        }
    }

    /// Removes a sorted set created by a command that ended up adding nothing.
    static func cleanupEmpty(_ ctx: inout CommandContext, _ key: ByteString, _ obj: ZSetObject) {
        if obj.zset.isEmpty { ctx.engine.deleteKey(ctx.db, key) }
    }

    static func zincrby(_ ctx: inout CommandContext) {
        guard let inc = ctx.score(2) else { ctx.out.error(RedisError.notFloat); return }
        let key = ctx.key(1)
        let obj: ZSetObject
        switch ctx.fetch(ZSetObject.self, key, read: false) {
        case .wrongType: ctx.wrongType(); return
        case .missing:
            obj = ZSetObject()
            ctx.engine.setKey(ctx.db, key, .object(obj))
        case .found(let z): obj = z
        }
        let member = ctx.arg(3)
        let newScore = (obj.zset.score(of: member) ?? 0) + inc
        if newScore.isNaN { ctx.out.error(nanError); cleanupEmpty(&ctx, key, obj); return }
        obj.zset.set(member, score: newScore)
        ctx.out.score(obj.zset.score(of: member) ?? newScore)
        ctx.modified(key, .zset, "zincr")
    }

    // MARK: simple reads and removals

    static func zrem(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        switch ctx.fetch(ZSetObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let obj):
            var removed = 0
            for i in 2..<ctx.argc where obj.zset.remove(ByteString(ctx.args[i])) {
                removed += 1
                if obj.zset.isEmpty { break }
            }
            ctx.out.integer(removed)
            if removed > 0 {
                ctx.modified(key, .zset, "zrem", dirty: removed)
                if obj.zset.isEmpty { ctx.deleteEmptied(key) }
            }
        }
    }

    static func zscore(_ ctx: inout CommandContext) {
        switch ctx.fetch(ZSetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.null()
        case .found(let obj):
            if let s = obj.zset.score(of: ctx.arg(2)) { ctx.out.score(s) } else { ctx.out.null() }
        }
    }

    static func zmscore(_ ctx: inout CommandContext) {
        var obj: ZSetObject? = nil
        switch ctx.fetch(ZSetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let z): obj = z
        }
        ctx.out.arrayHeader(ctx.argc - 2)
        for i in 2..<ctx.argc {
            if let s = obj?.zset.score(of: ctx.arg(i)) { ctx.out.score(s) } else { ctx.out.null() }
        }
    }

    static func zcard(_ ctx: inout CommandContext) {
        switch ctx.fetch(ZSetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let obj): ctx.out.integer(obj.zset.count)
        }
    }

    static func zcount(_ ctx: inout CommandContext) {
        guard let range = ZScoreRange.parse(min: ctx.args[2], max: ctx.args[3]) else { ctx.out.error(notFloatRange); return }
        switch ctx.fetch(ZSetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let obj): ctx.out.integer(obj.zset.count(in: range))
        }
    }

    static func zlexcount(_ ctx: inout CommandContext) {
        guard let range = ZLexRange.parse(min: ctx.args[2], max: ctx.args[3]) else { ctx.out.error(notLexRange); return }
        switch ctx.fetch(ZSetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let obj): ctx.out.integer(obj.zset.count(in: range))
        }
    }

    static func zrank(_ ctx: inout CommandContext, reverse: Bool) {
        switch ctx.fetch(ZSetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.null()
        case .found(let obj):
            guard let r = obj.zset.rank(of: ctx.arg(2)) else { ctx.out.null(); return }
            ctx.out.integer(reverse ? obj.zset.count - 1 - r : r)
        }
    }

    // MARK: ranges

    enum RangeType { case rank, score, lex }

    /// Collects the entries of a range query (Redis's zrangeGenericCommand).
    static func collectRange(_ z: RedisSortedSet, type: RangeType, reverse: Bool, start: Int, end: Int,
                             score: ZScoreRange?, lex: ZLexRange?, offset: Int, limit: Int) -> [(member: ByteString, score: Double)] {
        switch type {
        case .rank:
            guard let (s, e) = ListCommands.clamp(start, end, count: z.count) else { return [] }
            return z.entries(fromRank: s, through: e, reverse: reverse)
        case .score, .lex:
            var out: [(member: ByteString, score: Double)] = []
            if offset < 0 || (offset > 0 && offset >= z.count) { return out }
            var node: Int32
            if type == .score, let r = score {
                node = reverse ? z.lastNode(in: r) : z.firstNode(in: r)
            } else if let r = lex {
                node = reverse ? z.lastNode(in: r) : z.firstNode(in: r)
            } else { return out }
            var skip = offset
            while node != 0 && skip > 0 {
                node = reverse ? z.previous(node) : z.next(node)
                skip -= 1
            }
            var remaining = limit < 0 ? Int.max : limit
            while node != 0 && remaining > 0 {
                let inRange: Bool
                if type == .score, let r = score {
                    let s = z.score(node)
                    inRange = reverse ? r.gteMin(s) : r.lteMax(s)
                } else if let r = lex {
                    let m = z.member(node)
                    inRange = reverse ? r.gteMin(m) : r.lteMax(m)
                } else { inRange = false }
                if !inRange { break }
                out.append((z.member(node), z.score(node)))
                node = reverse ? z.previous(node) : z.next(node)
                remaining -= 1
            }
            return out
        }
    }

    static func zrange(_ ctx: inout CommandContext, store: Bool, type fixedType: RangeType?, reverse fixedReverse: Bool?) {
        let base = store ? 2 : 1   // index of the source key
        var type = fixedType
        var reverse = fixedReverse
        var withScores = false
        var offset = 0, limit = -1
        var hasLimit = false
        var j = base + 3
        while j < ctx.argc {
            let left = ctx.argc - j - 1
            if !store && ctx.argIs(j, "WITHSCORES") {
                withScores = true
            } else if ctx.argIs(j, "LIMIT") && left >= 2 {
                guard let o = ctx.intOrReply(j + 1), let l = ctx.intOrReply(j + 2) else { return }
                offset = o; limit = l; hasLimit = true
                j += 2
            } else if fixedReverse == nil && reverse == nil && ctx.argIs(j, "REV") {
                reverse = true
            } else if fixedType == nil && type == nil && ctx.argIs(j, "BYLEX") {
                type = .lex
            } else if fixedType == nil && type == nil && ctx.argIs(j, "BYSCORE") {
                type = .score
            } else {
                ctx.out.error(RedisError.syntax); return
            }
            j += 1
        }
        let rtype = type ?? .rank
        let rev = reverse ?? false
        // Redis 7.0 rejects only a LIMIT count other than -1 with an index range (the offset is then ignored).
        if hasLimit && limit != -1 && rtype == .rank {
            ctx.out.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"); return
        }
        if withScores && rtype == .lex {
            ctx.out.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"); return
        }
        var minIdx = base + 1, maxIdx = base + 2
        if rev && rtype != .rank { swap(&minIdx, &maxIdx) }
        var start = 0, end = 0
        var scoreRange: ZScoreRange? = nil
        var lexRange: ZLexRange? = nil
        switch rtype {
        case .rank:
            guard let s = ctx.intOrReply(minIdx), let e = ctx.intOrReply(maxIdx) else { return }
            start = s; end = e
        case .score:
            guard let r = ZScoreRange.parse(min: ctx.args[minIdx], max: ctx.args[maxIdx]) else { ctx.out.error(notFloatRange); return }
            scoreRange = r
        case .lex:
            guard let r = ZLexRange.parse(min: ctx.args[minIdx], max: ctx.args[maxIdx]) else { ctx.out.error(notLexRange); return }
            lexRange = r
        }
        let src = ctx.key(base)
        var entries: [(member: ByteString, score: Double)] = []
        switch ctx.fetch(ZSetObject.self, src) {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let obj):
            entries = collectRange(obj.zset, type: rtype, reverse: rev, start: start, end: end,
                                   score: scoreRange, lex: lexRange, offset: offset, limit: limit)
        }
        if store {
            storeResult(&ctx, ctx.key(1), entries, event: "zrangestore")
        } else {
            writeEntries(&ctx.out, entries, withScores: withScores)
        }
    }

    /// Stores `entries` as a new sorted set at `dst` (deleting it when empty) and replies the count.
    static func storeResult(_ ctx: inout CommandContext, _ dst: ByteString, _ entries: [(member: ByteString, score: Double)], event: StaticString) {
        if entries.isEmpty {
            if ctx.lookupWrite(dst) != nil {
                ctx.engine.deleteKey(ctx.db, dst)
                ctx.modified(dst, .generic, "del")
            }
            ctx.out.integer(0)
            return
        }
        var z = RedisSortedSet()
        for e in entries { z.set(e.member, score: e.score) }
        ctx.out.integer(z.count)
        ctx.setKey(dst, .object(ZSetObject(z)))
        ctx.notify(.zset, event, dst)
    }

    static func zremrange(_ ctx: inout CommandContext, _ type: RangeType) {
        var start = 0, end = 0
        var scoreRange: ZScoreRange? = nil
        var lexRange: ZLexRange? = nil
        switch type {
        case .rank:
            guard let s = ctx.intOrReply(2), let e = ctx.intOrReply(3) else { return }
            start = s; end = e
        case .score:
            guard let r = ZScoreRange.parse(min: ctx.args[2], max: ctx.args[3]) else { ctx.out.error(notFloatRange); return }
            scoreRange = r
        case .lex:
            guard let r = ZLexRange.parse(min: ctx.args[2], max: ctx.args[3]) else { ctx.out.error(notLexRange); return }
            lexRange = r
        }
        let key = ctx.key(1)
        switch ctx.fetch(ZSetObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let obj):
            let entries = collectRange(obj.zset, type: type, reverse: false, start: start, end: end,
                                       score: scoreRange, lex: lexRange, offset: 0, limit: -1)
            for e in entries { obj.zset.remove(e.member) }
            ctx.out.integer(entries.count)
            if !entries.isEmpty {
                let ev: StaticString = type == .rank ? "zremrangebyrank" : type == .score ? "zremrangebyscore" : "zremrangebylex"
                ctx.modified(key, .zset, ev, dirty: entries.count)
                if obj.zset.isEmpty { ctx.deleteEmptied(key) }
            }
        }
    }

    // MARK: pops

    /// Pops up to `count` entries from the min or max end.
    static func popEntries(_ obj: ZSetObject, max: Bool, count: Int) -> [(member: ByteString, score: Double)] {
        let k = Swift.min(count, obj.zset.count)
        if k <= 0 { return [] }
        let entries = max ? obj.zset.entries(fromRank: 0, through: k - 1, reverse: true)
                          : obj.zset.entries(fromRank: 0, through: k - 1)
        for e in entries { obj.zset.remove(e.member) }
        return entries
    }

    static func afterPop(_ ctx: inout CommandContext, _ key: ByteString, _ obj: ZSetObject, max: Bool, count: Int) {
        ctx.modified(key, .zset, max ? "zpopmax" : "zpopmin", dirty: count)
        if obj.zset.isEmpty { ctx.deleteEmptied(key) }
    }

    static func zpop(_ ctx: inout CommandContext, max: Bool) {
        if ctx.argc > 3 { ctx.out.error(RedisError.syntax); return }
        var count = 1
        let hasCount = ctx.argc == 3
        if hasCount {
            guard let c = ctx.int(2), c >= 0 else { ctx.out.error(ListCommands.rangeError); return }
            count = c
        }
        let key = ctx.key(1)
        switch ctx.fetch(ZSetObject.self, key, read: false) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.emptyArray()
        case .found(let obj):
            let entries = popEntries(obj, max: max, count: count)
            if hasCount || ctx.out.isRESP3 == false {
                writeEntries(&ctx.out, entries, withScores: true)
            } else {
                // RESP3 without COUNT: a flat [member, score] pair.
                if let e = entries.first {
                    ctx.out.arrayHeader(2); ctx.out.bulk(e.member); ctx.out.score(e.score)
                } else { ctx.out.emptyArray() }
            }
            if !entries.isEmpty { afterPop(&ctx, key, obj, max: max, count: entries.count) }
        }
    }

    static func bzpop(_ ctx: inout CommandContext, max: Bool) {
        guard let timeout = Blocking.parseTimeout(&ctx, ctx.argc - 1) else { return }
        var keys: [ByteString] = []
        for i in 1..<(ctx.argc - 1) {
            let key = ctx.key(i)
            switch ctx.fetch(ZSetObject.self, key, read: false) {
            case .wrongType: ctx.wrongType(); return
            case .missing: keys.append(key)
            case .found(let obj):
                let entries = popEntries(obj, max: max, count: 1)
                guard let e = entries.first else { keys.append(key); continue }
                ctx.out.arrayHeader(3)
                ctx.out.bulk(key)
                ctx.out.bulk(e.member)
                ctx.out.score(e.score)
                afterPop(&ctx, key, obj, max: max, count: 1)
                return
            }
        }
        if Blocking.mayBlock(ctx) {
            Blocking.block(&ctx, keys: keys, timeout: timeout, kind: .zset)
        } else {
            ctx.out.nullArray()
        }
    }

    static func zmpop(_ ctx: inout CommandContext, blocking: Bool) {
        var timeout: Int64 = 0
        if blocking {
            guard let t = Blocking.parseTimeout(&ctx, 1) else { return }
            timeout = t
        }
        let first = blocking ? 2 : 1
        guard let n = ctx.int(first), n > 0 else { ctx.out.error("ERR numkeys should be greater than 0"); return }
        if n > ctx.argc - first - 2 { ctx.out.error(RedisError.syntax); return }
        let whereIdx = first + 1 + n
        let max: Bool
        if ctx.argIs(whereIdx, "MIN") { max = false } else if ctx.argIs(whereIdx, "MAX") { max = true } else {
            ctx.out.error(RedisError.syntax); return
        }
        var count = 1
        var sawCount = false
        var i = whereIdx + 1
        while i < ctx.argc {
            if !sawCount && ctx.argIs(i, "COUNT") && i + 1 < ctx.argc {
                guard let c = ctx.int(i + 1), c > 0 else { ctx.out.error("ERR count should be greater than 0"); return }
                count = c
                sawCount = true
                i += 2
            } else {
                ctx.out.error(RedisError.syntax); return
            }
        }
        var keys: [ByteString] = []
        for k in (first + 1)..<whereIdx {
            let key = ctx.key(k)
            keys.append(key)
            switch ctx.fetch(ZSetObject.self, key, read: false) {
            case .wrongType: ctx.wrongType(); return
            case .missing: continue
            case .found(let obj):
                let entries = popEntries(obj, max: max, count: count)
                if entries.isEmpty { continue }
                ctx.out.arrayHeader(2)
                ctx.out.bulk(key)
                ctx.out.arrayHeader(entries.count)
                for e in entries { ctx.out.arrayHeader(2); ctx.out.bulk(e.member); ctx.out.score(e.score) }
                afterPop(&ctx, key, obj, max: max, count: entries.count)
                return
            }
        }
        if blocking && Blocking.mayBlock(ctx) {
            Blocking.block(&ctx, keys: keys, timeout: timeout, kind: .zset)
        } else {
            ctx.out.nullArray()
        }
    }

    // MARK: ZUNION / ZINTER / ZDIFF

    enum SetOp { case union, inter, diff }
    enum Aggregate { case sum, min, max }

    /// An input of ZUNION & co: a sorted set, a plain set (scores 1) or nothing.
    enum Source {
        case none
        case zset(RedisSortedSet)
        case set(RedisSet)

        var count: Int {
            switch self {
            case .none: return 0
            case .zset(let z): return z.count
            case .set(let s): return s.count
            }
        }

        func score(of m: ByteString) -> Double? {
            switch self {
            case .none: return nil
            case .zset(let z): return z.score(of: m)
            case .set(let s): return s.contains(m) ? 1 : nil
            }
        }

        func forEach(_ body: (ByteString, Double) -> Void) {
            switch self {
            case .none: break
            case .zset(let z):
                var n = z.firstNode
                while n != 0 { body(z.member(n), z.score(n)); n = z.next(n) }
            case .set(let s): s.forEach { body($0, 1) }
            }
        }
    }

    @inline(__always) static func aggregate(_ a: Double, _ b: Double, _ agg: Aggregate) -> Double {
        switch agg {
        case .sum:
            let r = a + b
            return r.isNaN ? 0 : r
        case .min: return Swift.min(a, b)
        case .max: return Swift.max(a, b)
        }
    }

    static func combine(_ ctx: inout CommandContext, _ op: SetOp, store: Bool) {
        let numIdx = store ? 2 : 1
        let name = ctx.command?.fullName ?? ctx.args.string(0).lowercased()
        guard let n = ctx.int(numIdx) else { ctx.out.error(RedisError.notInteger); return }
        if n < 1 { ctx.out.error("ERR at least 1 input key is needed for '\(name)' command"); return }
        if n > ctx.argc - numIdx - 1 { ctx.out.error(RedisError.syntax); return }
        var weights = [Double](repeating: 1, count: n)
        var agg = Aggregate.sum
        var withScores = false
        var j = numIdx + 1 + n
        while j < ctx.argc {
            let left = ctx.argc - j - 1
            if op != .diff && ctx.argIs(j, "WEIGHTS") && left >= n {
                for k in 0..<n {
                    guard let w = ctx.score(j + 1 + k) else { ctx.out.error("ERR weight value is not a float"); return }
                    weights[k] = w
                }
                j += n
            } else if op != .diff && ctx.argIs(j, "AGGREGATE") && left >= 1 {
                if ctx.argIs(j + 1, "SUM") { agg = .sum } else if ctx.argIs(j + 1, "MIN") { agg = .min }
                else if ctx.argIs(j + 1, "MAX") { agg = .max } else { ctx.out.error(RedisError.syntax); return }
                j += 1
            } else if !store && ctx.argIs(j, "WITHSCORES") {
                withScores = true
            } else {
                ctx.out.error(RedisError.syntax); return
            }
            j += 1
        }
        guard let sources = collectSources(&ctx, from: numIdx + 1, count: n) else { return }
        let entries = compute(op, sources, weights: weights, agg: agg)
        if store {
            storeResult(&ctx, ctx.key(1), entries, event: op == .union ? "zunionstore" : op == .inter ? "zinterstore" : "zdiffstore")
        } else {
            writeEntries(&ctx.out, entries, withScores: withScores)
        }
    }

    /// Looks up `count` keys starting at argument `from`; nil after replying WRONGTYPE.
    static func collectSources(_ ctx: inout CommandContext, from: Int, count: Int) -> [Source]? {
        var sources: [Source] = []
        sources.reserveCapacity(count)
        for k in 0..<count {
            let key = ctx.key(from + k)
            guard let i = ctx.lookupWrite(key) else { sources.append(.none); continue }
            if case .object(let o) = ctx.value(at: i) {
                if let z = o as? ZSetObject { sources.append(.zset(z.zset)); continue }
                if let s = o as? SetObject { sources.append(.set(s.set)); continue }
            }
            ctx.wrongType()
            return nil
        }
        return sources
    }

    static func compute(_ op: SetOp, _ sources: [Source], weights: [Double], agg: Aggregate, limit: Int = 0) -> [(member: ByteString, score: Double)] {
        @inline(__always) func weighted(_ s: Double, _ w: Double) -> Double {
            let v = s * w
            return v.isNaN ? 0 : v
        }
        var result: [ByteString: Double] = [:]
        switch op {
        case .union:
            for (k, src) in sources.enumerated() {
                src.forEach { m, s in
                    let v = weighted(s, weights[k])
                    if let cur = result[m] { result[m] = aggregate(cur, v, agg) } else { result[m] = v }
                }
            }
        case .inter:
            if sources.contains(where: { if case .none = $0 { return true }; return false }) { return [] }
            let order = sources.indices.sorted { sources[$0].count < sources[$1].count }
            guard let firstIdx = order.first else { return [] }
            var stop = false
            sources[firstIdx].forEach { m, s in
                if stop { return }
                var score = weighted(s, weights[firstIdx])
                for k in order.dropFirst() {
                    guard let os = sources[k].score(of: m) else { return }
                    score = aggregate(score, weighted(os, weights[k]), agg)
                }
                result[m] = score
                if limit > 0 && result.count >= limit { stop = true }
            }
        case .diff:
            sources[0].forEach { m, s in
                for src in sources.dropFirst() where src.score(of: m) != nil { return }
                result[m] = s
            }
        }
        var entries = result.map { (member: $0.key, score: $0.value) }
        entries.sort { RedisSortedSet.less($0.score, $0.member, $1.score, $1.member) }
        return entries
    }

    static func zintercard(_ ctx: inout CommandContext) {
        guard let n = ctx.int(1) else { ctx.out.error(RedisError.notInteger); return }
        if n < 1 { ctx.out.error("ERR at least 1 input key is needed for 'zintercard' command"); return }
        if n > ctx.argc - 2 { ctx.out.error(RedisError.syntax); return }
        var limit = 0
        var j = 2 + n
        while j < ctx.argc {
            if ctx.argIs(j, "LIMIT") && j + 1 < ctx.argc {
                guard let l = ctx.int(j + 1), l >= 0 else { ctx.out.error("ERR LIMIT can't be negative"); return }
                limit = l
                j += 2
            } else {
                ctx.out.error(RedisError.syntax); return
            }
        }
        guard let sources = collectSources(&ctx, from: 2, count: n) else { return }
        let entries = compute(.inter, sources, weights: [Double](repeating: 1, count: n), agg: .sum, limit: limit)
        ctx.out.integer(entries.count)
    }

    // MARK: ZRANDMEMBER / ZSCAN

    static func zrandmember(_ ctx: inout CommandContext) {
        var count: Int? = nil
        var withScores = false
        if ctx.argc >= 3 {
            guard let c = ctx.randomCountOrReply(2) else { return }
            count = c
            if ctx.argc > 4 || (ctx.argc == 4 && !ctx.argIs(3, "WITHSCORES")) { ctx.out.error(RedisError.syntax); return }
            if ctx.argc == 4 {
                // Redis 7.0.8+: the reply has 2 × count entries, so the count must stay within ±LONG_MAX/2.
                if c < -(Int.max / 2) || c > Int.max / 2 { ctx.out.error("ERR value is out of range"); return }
                withScores = true
            }
        }
        switch ctx.fetch(ZSetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: if count != nil { ctx.out.emptyArray() } else { ctx.out.null() }
        case .found(let obj):
            let z = obj.zset
            guard let count else {
                let n = z.node(atRank: Int(ctx.engine.random.next() % UInt64(z.count)))
                ctx.out.bulk(z.member(n))
                return
            }
            var entries: [(member: ByteString, score: Double)] = []
            if count < 0 {
                // Written as generated: the client chose the length, so the reply is bounded by
                // maxReplyBytes rather than built in memory first.
                let mark = ctx.out.buffer.writerIndex
                writeEntriesHeader(&ctx.out, -count, withScores: withScores)
                for _ in 0..<(-count) {
                    let n = z.node(atRank: Int(ctx.engine.random.next() % UInt64(z.count)))
                    writeEntry(&ctx.out, z.member(n), z.score(n), withScores: withScores)
                    if ctx.replyOverflowed(since: mark) { return }
                }
                return
            } else if count >= z.count {
                entries = z.allEntries
            } else {
                var ranks = Set<Int>()
                while ranks.count < count { ranks.insert(Int(ctx.engine.random.next() % UInt64(z.count))) }
                for r in ranks { let n = z.node(atRank: r); entries.append((z.member(n), z.score(n))) }
            }
            writeEntries(&ctx.out, entries, withScores: withScores)
        }
    }

    static func zscan(_ ctx: inout CommandContext) {
        guard let opts = ScanOptions.parse(&ctx, cursorAt: 2, optionsFrom: 3) else { return }
        switch ctx.fetch(ZSetObject.self, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ScanOptions.reply(&ctx, cursor: 0, items: [])
        case .found(let obj):
            var items: [ByteString] = []
            var cursor: UInt64 = 0
            let z = obj.zset
            if !z.isSkiplist {
                for e in z.allEntries where opts.matches(e.member) {
                    items.append(e.member)
                    items.append(ByteString(RedisDouble.d2string(e.score)))
                }
            } else {
                cursor = opts.cursor
                var iterations = 0
                repeat {
                    cursor = z.dict.scan(cursor: cursor) { idx in
                        let m = z.dict.key(at: idx)
                        if opts.matches(m) {
                            items.append(m)
                            items.append(ByteString(RedisDouble.d2string(z.score(z.dict.value(at: idx)))))
                        }
                    }
                    iterations += 1
                } while cursor != 0 && items.count / 2 < opts.count && iterations < (opts.count > Int.max / 10 ? Int.max : opts.count * 10)
            }
            ScanOptions.reply(&ctx, cursor: cursor, items: items)
        }
    }
}
