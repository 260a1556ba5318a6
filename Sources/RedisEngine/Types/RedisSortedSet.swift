#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise comparison (memcmp, then length), the order Redis uses for members.
@inline(__always)
public func redisCompareBytes(_ a: ByteString, _ b: ByteString) -> Int {
    a.withBytes { pa in
        b.withBytes { pb in
            let n = min(pa.count, pb.count)
            let c: Int32 = n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n)
            if c != 0 { return c < 0 ? -1 : 1 }
            return pa.count == pb.count ? 0 : (pa.count < pb.count ? -1 : 1)
        }
    }
}

/// A score interval for ZRANGEBYSCORE and friends (`(` marks an exclusive end).
public struct ZScoreRange: Sendable, Equatable {
    public var min: Double
    public var max: Double
    public var minExclusive: Bool
    public var maxExclusive: Bool

    public init(min: Double, max: Double, minExclusive: Bool = false, maxExclusive: Bool = false) {
        self.min = min; self.max = max; self.minExclusive = minExclusive; self.maxExclusive = maxExclusive
    }

    @inline(__always) public func gteMin(_ v: Double) -> Bool { minExclusive ? v > min : v >= min }
    @inline(__always) public func lteMax(_ v: Double) -> Bool { maxExclusive ? v < max : v <= max }

    /// Whether no value can lie in the range.
    public var isEmpty: Bool { min > max || (min == max && (minExclusive || maxExclusive)) }

    /// Parses one bound like Redis's `zslParseRange` (`(1.5`, `-inf`, `+inf`).
    public static func parseBound(_ b: ArraySlice<UInt8>) -> (Double, Bool)? {
        if b.first == UInt8(ascii: "(") {
            guard let v = RedisDouble.parse(b.dropFirst()) else { return nil }
            return (v, true)
        }
        guard let v = RedisDouble.parse(b) else { return nil }
        return (v, false)
    }

    /// Parses `min max`; nil means "min or max is not a float".
    public static func parse(min: ArraySlice<UInt8>, max: ArraySlice<UInt8>) -> ZScoreRange? {
        guard let a = parseBound(min), let b = parseBound(max) else { return nil }
        return ZScoreRange(min: a.0, max: b.0, minExclusive: a.1, maxExclusive: b.1)
    }
}

/// A lexicographic bound for ZRANGEBYLEX and friends (`-`, `+`, `[x`, `(x`).
public enum ZLexBound: Sendable, Equatable {
    case negativeInfinity
    case positiveInfinity
    case inclusive(ByteString)
    case exclusive(ByteString)

    /// Parses a bound; nil means "min or max not valid string range item".
    public static func parse(_ b: ArraySlice<UInt8>) -> ZLexBound? {
        guard let f = b.first else { return nil }
        switch f {
        case UInt8(ascii: "+") where b.count == 1: return .positiveInfinity
        case UInt8(ascii: "-") where b.count == 1: return .negativeInfinity
        case UInt8(ascii: "["): return .inclusive(ByteString(b.dropFirst()))
        case UInt8(ascii: "("): return .exclusive(ByteString(b.dropFirst()))
        default: return nil
        }
    }
}

/// A lexicographic interval.
public struct ZLexRange: Sendable, Equatable {
    public var min: ZLexBound
    public var max: ZLexBound

    public init(min: ZLexBound, max: ZLexBound) { self.min = min; self.max = max }

    public static func parse(min: ArraySlice<UInt8>, max: ArraySlice<UInt8>) -> ZLexRange? {
        guard let a = ZLexBound.parse(min), let b = ZLexBound.parse(max) else { return nil }
        return ZLexRange(min: a, max: b)
    }

    @inline(__always) public func gteMin(_ v: ByteString) -> Bool {
        switch min {
        case .negativeInfinity: return true
        case .positiveInfinity: return false
        case .inclusive(let m): return redisCompareBytes(v, m) >= 0
        case .exclusive(let m): return redisCompareBytes(v, m) > 0
        }
    }

    @inline(__always) public func lteMax(_ v: ByteString) -> Bool {
        switch max {
        case .negativeInfinity: return false
        case .positiveInfinity: return true
        case .inclusive(let m): return redisCompareBytes(v, m) <= 0
        case .exclusive(let m): return redisCompareBytes(v, m) < 0
        }
    }

    /// Whether no string can lie in the range (Redis's `zslIsInLexRange` pre-check).
    public var isEmpty: Bool {
        switch (min, max) {
        case (.positiveInfinity, _), (_, .negativeInfinity): return true
        case (.negativeInfinity, _), (_, .positiveInfinity): return false
        case (.inclusive(let a), .inclusive(let b)): return redisCompareBytes(a, b) > 0
        case (.inclusive(let a), .exclusive(let b)), (.exclusive(let a), .inclusive(let b)),
             (.exclusive(let a), .exclusive(let b)):
            return redisCompareBytes(a, b) >= 0
        }
    }
}

/// A Redis sorted set: a skiplist with spans (rank queries in O(log n)) stored in flat arrays
/// (no object per node, no reference counting while walking), plus a member→node dictionary
/// for O(1) ZSCORE.
public struct RedisSortedSet: Sendable {
    /// Maximum skiplist level (Redis's ZSKIPLIST_MAXLEVEL).
    public static let maxLevel = 32
    /// zset-max-listpack-entries / zset-max-listpack-value defaults.
    public static let maxListpackEntries = 128
    public static let maxListpackValue = 64

    @usableFromInline struct Node: Sendable {
        var score: Double
        var member: ByteString
        var backward: Int32   // 0 = none (index 0 is the header)
        var levelBase: Int32
        var levelCount: Int32
    }

    @usableFromInline struct Level: Sendable {
        var forward: Int32    // 0 = nil
        var span: Int32
    }

    @usableFromInline var nodes: ContiguousArray<Node>
    @usableFromInline var levels: ContiguousArray<Level>
    var freeNodes: [Int32] = []
    var freeLevels: [[Int32]] = Array(repeating: [], count: RedisSortedSet.maxLevel + 1)
    var level: Int = 1
    var length: Int = 0
    @usableFromInline var tail: Int32 = 0
    var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    @usableFromInline var dict = HashTable<Int32>(placeholder: 0)
    /// True once the set outgrew listpack limits (Redis does not convert back).
    public private(set) var isSkiplist = false

    public init() {
        nodes = [Node(score: 0, member: .empty, backward: 0, levelBase: 0, levelCount: Int32(RedisSortedSet.maxLevel))]
        levels = ContiguousArray(repeating: Level(forward: 0, span: 0), count: RedisSortedSet.maxLevel)
    }

    /// Number of members.
    @inlinable public var count: Int { dict.count }
    public var isEmpty: Bool { dict.isEmpty }

    /// The encoding name Redis 7.0 would report.
    public var encoding: String { isSkiplist ? "skiplist" : "listpack" }

    /// Score of `member`, if present.
    @inline(__always) public func score(of member: ByteString) -> Double? {
        guard let n = dict[member] else { return nil }
        return nodes[Int(n)].score
    }

    public func contains(_ member: ByteString) -> Bool { dict[member] != nil }

    // MARK: node helpers

    @inline(__always) func fwd(_ n: Int32, _ l: Int) -> Int32 { levels[Int(nodes[Int(n)].levelBase) + l].forward }
    @inline(__always) func span(_ n: Int32, _ l: Int) -> Int32 { levels[Int(nodes[Int(n)].levelBase) + l].span }
    @inline(__always) mutating func setFwd(_ n: Int32, _ l: Int, _ v: Int32) { levels[Int(nodes[Int(n)].levelBase) + l].forward = v }
    @inline(__always) mutating func setSpan(_ n: Int32, _ l: Int, _ v: Int32) { levels[Int(nodes[Int(n)].levelBase) + l].span = v }

    /// Next node at level 0 (0 = end).
    @inline(__always) public func next(_ n: Int32) -> Int32 { fwd(n, 0) }
    /// Previous node (0 = none).
    @inline(__always) public func previous(_ n: Int32) -> Int32 { nodes[Int(n)].backward }
    /// Member stored in node `n`.
    @inline(__always) public func member(_ n: Int32) -> ByteString { nodes[Int(n)].member }
    /// Score stored in node `n`.
    @inline(__always) public func score(_ n: Int32) -> Double { nodes[Int(n)].score }
    /// First node (0 when empty).
    public var firstNode: Int32 { fwd(0, 0) }
    /// Last node (0 when empty).
    public var lastNode: Int32 { tail }

    /// Whether `(s1, m1)` sorts before `(s2, m2)`.
    @inline(__always) static func less(_ s1: Double, _ m1: ByteString, _ s2: Double, _ m2: ByteString) -> Bool {
        s1 < s2 || (s1 == s2 && redisCompareBytes(m1, m2) < 0)
    }

    mutating func randomLevel() -> Int {
        var l = 1
        while l < RedisSortedSet.maxLevel {
            // xorshift64*
            rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27
            let r = (rng &* 2685821657736338717) >> 48
            if r < 0x4000 { l += 1 } else { break }   // p = 0.25 on 16 bits
        }
        return l
    }

    mutating func allocNode(score: Double, member: ByteString, level lvl: Int) -> Int32 {
        let base: Int32
        if let b = freeLevels[lvl].popLast() {
            base = b
            for i in 0..<lvl { levels[Int(b) + i] = Level(forward: 0, span: 0) }
        } else {
            base = Int32(levels.count)
            for _ in 0..<lvl { levels.append(Level(forward: 0, span: 0)) }
        }
        let node = Node(score: score, member: member, backward: 0, levelBase: base, levelCount: Int32(lvl))
        if let n = freeNodes.popLast() {
            nodes[Int(n)] = node
            return n
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    mutating func freeNode(_ n: Int32) {
        let node = nodes[Int(n)]
        freeLevels[Int(node.levelCount)].append(node.levelBase)
        nodes[Int(n)].member = .empty
        freeNodes.append(n)
    }

    // MARK: mutation

    /// Adds or updates `member` with `score`. Returns true when the member was new.
    @discardableResult
    public mutating func set(_ member: ByteString, score rawScore: Double) -> Bool {
        var score = rawScore
        if let n = dict[member] {
            let old = nodes[Int(n)].score
            if !isSkiplist && score == 0 { score = 0 }   // listpack loses the sign of zero
            if old == score { return false }
            // Keep the node in place when ordering is unchanged (Redis's zslUpdateScore fast path).
            let prev = nodes[Int(n)].backward
            let nxt = fwd(n, 0)
            if (prev == 0 || nodes[Int(prev)].score < score) && (nxt == 0 || nodes[Int(nxt)].score > score) {
                nodes[Int(n)].score = score
                return false
            }
            deleteNode(score: old, member: member)
            dict.set(member, insertNode(score: score, member: member))
            return false
        }
        if !isSkiplist && (dict.count + 1 > RedisSortedSet.maxListpackEntries || member.count > RedisSortedSet.maxListpackValue) {
            isSkiplist = true
        }
        if !isSkiplist && score == 0 { score = 0 }
        dict.insertNew(member, insertNode(score: score, member: member))
        return true
    }

    /// Removes `member`; returns true when it was present.
    @discardableResult
    public mutating func remove(_ member: ByteString) -> Bool {
        guard let n = dict.remove(member) else { return false }
        deleteNode(score: nodes[Int(n)].score, member: member)
        dict.compactIfSparse()
        return true
    }

    mutating func insertNode(score: Double, member: ByteString) -> Int32 {
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: RedisSortedSet.maxLevel) { update in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: RedisSortedSet.maxLevel) { rank in
                var x: Int32 = 0
                var i = level - 1
                while i >= 0 {
                    rank[i] = i == level - 1 ? 0 : rank[i + 1]
                    while true {
                        let f = fwd(x, i)
                        if f == 0 { break }
                        let fn = nodes[Int(f)]
                        if RedisSortedSet.less(fn.score, fn.member, score, member) {
                            rank[i] += span(x, i)
                            x = f
                        } else { break }
                    }
                    update[i] = x
                    i -= 1
                }
                let lvl = randomLevel()
                if lvl > level {
                    for j in level..<lvl {
                        rank[j] = 0
                        update[j] = 0
                        setSpan(0, j, Int32(length))
                    }
                    level = lvl
                }
                let nn = allocNode(score: score, member: member, level: lvl)
                for j in 0..<lvl {
                    let u = update[j]
                    setFwd(nn, j, fwd(u, j))
                    setFwd(u, j, nn)
                    setSpan(nn, j, span(u, j) - (rank[0] - rank[j]))
                    setSpan(u, j, (rank[0] - rank[j]) + 1)
                }
                if lvl < level {
                    for j in lvl..<level { setSpan(update[j], j, span(update[j], j) + 1) }
                }
                nodes[Int(nn)].backward = update[0] == 0 ? 0 : update[0]
                let f0 = fwd(nn, 0)
                if f0 != 0 { nodes[Int(f0)].backward = nn } else { tail = nn }
                length += 1
                return nn
            }
        }
    }

    mutating func deleteNode(score: Double, member: ByteString) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: RedisSortedSet.maxLevel) { update in
            var x: Int32 = 0
            var i = level - 1
            while i >= 0 {
                while true {
                    let f = fwd(x, i)
                    if f == 0 { break }
                    let fn = nodes[Int(f)]
                    if RedisSortedSet.less(fn.score, fn.member, score, member) { x = f } else { break }
                }
                update[i] = x
                i -= 1
            }
            let target = fwd(x, 0)
            guard target != 0, nodes[Int(target)].score == score, nodes[Int(target)].member == member else { return }
            unlink(target, update)
            freeNode(target)
        }
    }

    mutating func unlink(_ x: Int32, _ update: UnsafeMutableBufferPointer<Int32>) {
        for i in 0..<level {
            let u = update[i]
            if fwd(u, i) == x {
                setSpan(u, i, span(u, i) + span(x, i) - 1)
                setFwd(u, i, fwd(x, i))
            } else {
                setSpan(u, i, span(u, i) - 1)
            }
        }
        let f0 = fwd(x, 0)
        if f0 != 0 { nodes[Int(f0)].backward = nodes[Int(x)].backward } else { tail = nodes[Int(x)].backward }
        while level > 1 && fwd(0, level - 1) == 0 { level -= 1 }
        length -= 1
    }

    // MARK: queries

    /// 0-based rank of `member` in ascending order.
    public func rank(of member: ByteString) -> Int? {
        guard let n = dict[member] else { return nil }
        let score = nodes[Int(n)].score
        var r: Int = 0
        var x: Int32 = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = fwd(x, i)
                if f == 0 { break }
                let fn = nodes[Int(f)]
                if RedisSortedSet.less(fn.score, fn.member, score, member) || (fn.score == score && fn.member == member) {
                    r += Int(span(x, i))
                    x = f
                } else { break }
            }
            if x == n { return r - 1 }
            i -= 1
        }
        return nil
    }

    /// Node at 0-based rank `r` (0 when out of range).
    public func node(atRank r: Int) -> Int32 {
        if r < 0 || r >= count { return 0 }
        let target = r + 1
        var traversed = 0
        var x: Int32 = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = fwd(x, i)
                if f == 0 { break }
                let s = Int(span(x, i))
                if traversed + s <= target { traversed += s; x = f } else { break }
            }
            if traversed == target { return x }
            i -= 1
        }
        return 0
    }

    /// Redis's `zslIsInRange`: the range is non-empty and overlaps [first, last].
    func isInRange(_ range: ZScoreRange) -> Bool {
        if range.isEmpty || tail == 0 { return false }
        if !range.gteMin(nodes[Int(tail)].score) { return false }
        let f = fwd(0, 0)
        return f != 0 && range.lteMax(nodes[Int(f)].score)
    }

    /// Redis's `zslIsInLexRange`.
    func isInRange(_ range: ZLexRange) -> Bool {
        if range.isEmpty || tail == 0 { return false }
        if !range.gteMin(nodes[Int(tail)].member) { return false }
        let f = fwd(0, 0)
        return f != 0 && range.lteMax(nodes[Int(f)].member)
    }

    /// First node whose score lies in `range` (0 when none).
    public func firstNode(in range: ZScoreRange) -> Int32 {
        if !isInRange(range) { return 0 }
        var x: Int32 = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = fwd(x, i)
                if f == 0 || range.gteMin(nodes[Int(f)].score) { break }
                x = f
            }
            i -= 1
        }
        let c = fwd(x, 0)
        if c == 0 || !range.lteMax(nodes[Int(c)].score) { return 0 }
        return c
    }

    /// Last node whose score lies in `range` (0 when none).
    public func lastNode(in range: ZScoreRange) -> Int32 {
        if !isInRange(range) { return 0 }
        var x: Int32 = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = fwd(x, i)
                if f == 0 || !range.lteMax(nodes[Int(f)].score) { break }
                x = f
            }
            i -= 1
        }
        if x == 0 || !range.gteMin(nodes[Int(x)].score) { return 0 }
        return x
    }

    /// First node whose member lies in `range` (0 when none).
    public func firstNode(in range: ZLexRange) -> Int32 {
        if !isInRange(range) { return 0 }
        var x: Int32 = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = fwd(x, i)
                if f == 0 || range.gteMin(nodes[Int(f)].member) { break }
                x = f
            }
            i -= 1
        }
        let c = fwd(x, 0)
        if c == 0 || !range.lteMax(nodes[Int(c)].member) { return 0 }
        return c
    }

    /// Last node whose member lies in `range` (0 when none).
    public func lastNode(in range: ZLexRange) -> Int32 {
        if !isInRange(range) { return 0 }
        var x: Int32 = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = fwd(x, i)
                if f == 0 || !range.lteMax(nodes[Int(f)].member) { break }
                x = f
            }
            i -= 1
        }
        if x == 0 || !range.gteMin(nodes[Int(x)].member) { return 0 }
        return x
    }

    /// 0-based rank of node `n` (walks from the header; O(log n)).
    public func rank(ofNode n: Int32) -> Int {
        rank(of: nodes[Int(n)].member) ?? 0
    }

    /// Number of members with score in `range`.
    public func count(in range: ZScoreRange) -> Int {
        let f = firstNode(in: range)
        if f == 0 { return 0 }
        let l = lastNode(in: range)
        if l == 0 { return 0 }
        return Swift.max(0, rank(ofNode: l) - rank(ofNode: f) + 1)
    }

    /// Number of members in lexicographic `range`.
    public func count(in range: ZLexRange) -> Int {
        let f = firstNode(in: range)
        if f == 0 { return 0 }
        let l = lastNode(in: range)
        if l == 0 { return 0 }
        return Swift.max(0, rank(ofNode: l) - rank(ofNode: f) + 1)
    }

    /// Members with scores in rank order from `start` through `end` (inclusive, clamped).
    public func entries(fromRank start: Int, through end: Int, reverse: Bool = false) -> [(member: ByteString, score: Double)] {
        var out: [(member: ByteString, score: Double)] = []
        if start > end || start >= count { return out }
        out.reserveCapacity(end - start + 1)
        var n = reverse ? node(atRank: count - 1 - start) : node(atRank: start)
        var k = end - start + 1
        while n != 0 && k > 0 {
            out.append((nodes[Int(n)].member, nodes[Int(n)].score))
            n = reverse ? nodes[Int(n)].backward : fwd(n, 0)
            k -= 1
        }
        return out
    }

    /// Removes and returns the members at ranks `start...end` (clamped, ascending order).
    public mutating func removeRanks(_ start: Int, through end: Int) -> [ByteString] {
        let items = entries(fromRank: start, through: end)
        for (m, _) in items { remove(m) }
        return items.map { $0.member }
    }

    /// All members with scores, ascending.
    public var allEntries: [(member: ByteString, score: Double)] { entries(fromRank: 0, through: count - 1) }

    /// Bytes Redis 7.0 would allocate for this sorted set (listpack or skiplist + dict), in O(1).
    public var approximateBytes: Int {
        isSkiplist ? MemoryModel.skiplistZSet(count: dict.count, buckets: dict.bucketCount, bytes: dict.keyBytes)
            : MemoryModel.listpackZSet(count: dict.count, bytes: dict.keyBytes)
    }

    /// Checks the skiplist invariants (tests only): ordering, spans, backward links, count.
    public func validate() -> Bool {
        var n = fwd(0, 0)
        var prev: Int32 = 0
        var c = 0
        while n != 0 {
            if nodes[Int(n)].backward != prev { return false }
            if prev != 0 && !RedisSortedSet.less(nodes[Int(prev)].score, nodes[Int(prev)].member, nodes[Int(n)].score, nodes[Int(n)].member) { return false }
            if dict[nodes[Int(n)].member] != n { return false }
            prev = n
            n = fwd(n, 0)
            c += 1
        }
        if c != dict.count || tail != prev { return false }
        // spans: for every level, the sum of spans reaching the end equals count
        for l in 0..<level {
            var x: Int32 = 0
            var total = 0
            var rankAtX = 0
            while true {
                let f = fwd(x, l)
                let s = Int(span(x, l))
                if f == 0 { break }
                total += s
                rankAtX += s
                if rank(of: nodes[Int(f)].member) != rankAtX - 1 { return false }
                x = f
            }
            if total > c { return false }
        }
        return true
    }
}
