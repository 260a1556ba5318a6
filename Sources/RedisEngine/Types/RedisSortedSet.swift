#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise comparison (memcmp, then length), the order Redis uses for members.
@inline(__always)
public func redisCompareBytes(_ a: ByteString, _ b: ByteString) -> Int {
    // Two inline strings: their zero-padded words compared as big-endian numbers give memcmp's
    // order (a difference past the shorter length means the longer one has a non-zero byte
    // there); equal words leave the length to decide.
    if case let .inline(a0, a1, a2, a3, an) = a, case let .inline(b0, b1, b2, b3, bn) = b {
        if a0 != b0 { return a0.bigEndian < b0.bigEndian ? -1 : 1 }
        if a1 != b1 { return a1.bigEndian < b1.bigEndian ? -1 : 1 }
        if a2 != b2 { return a2.bigEndian < b2.bigEndian ? -1 : 1 }
        if a3 != b3 { return a3.bigEndian < b3.bigEndian ? -1 : 1 }
        return an == bn ? 0 : (an < bn ? -1 : 1)
    }
    return a.withBytes { pa in
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

/// A Redis sorted set: a skiplist with spans (rank queries in O(log n)) plus a member→node
/// dictionary for O(1) ZSCORE.
///
/// Layout: every node lives in one arena of 64-bit words, its score beside its level entries, so a
/// search step costs one cache miss like Redis's pointer skiplist (no object per node, no reference
/// counting while walking). A node's handle is the offset of its first word; 0 is the header and
/// also means "none".
///
///     [h-2]    level count
///     [h-1]    backward handle (low 32 bits) | member slot (high 32 bits)
///     [h]      score (bit pattern of the Double)
///     [h+1+i]  level i: forward handle (low 32 bits) | span (high 32 bits)
///
/// The header is only a score word and its 32 levels (words 0...32), so that a node's score and
/// its low levels share a cache line as often as possible.
///
/// Members live in a side array indexed by the slot (slot 0 is the header's empty member). Freed
/// blocks go on a free list per level count and freed slots on their own list. The arrays are
/// copy-on-write, so copies of the struct stay independent; mutations take one uniqueness check
/// per operation and then run on raw pointers.
public struct RedisSortedSet: Sendable {
    /// Maximum skiplist level (Redis's ZSKIPLIST_MAXLEVEL).
    public static let maxLevel = 32
    /// zset-max-listpack-entries / zset-max-listpack-value defaults.
    public static let maxListpackEntries = 128
    public static let maxListpackValue = 64

    @usableFromInline var arena: ContiguousArray<UInt64>
    @usableFromInline var members: ContiguousArray<ByteString>
    var freeBlocks: [[Int32]] = Array(repeating: [], count: RedisSortedSet.maxLevel + 1)
    var freeSlots: [Int32] = []
    var level: Int = 1
    var length: Int = 0
    @usableFromInline var tail: Int32 = 0
    var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    @usableFromInline var dict = HashTable<Int32>(placeholder: 0)
    /// True once the set outgrew listpack limits (Redis does not convert back).
    public private(set) var isSkiplist = false

    public init() {
        arena = ContiguousArray(repeating: 0, count: 1 + RedisSortedSet.maxLevel)
        members = [.empty]
    }

    /// Number of members.
    @inlinable public var count: Int { dict.count }
    public var isEmpty: Bool { dict.isEmpty }

    /// The encoding name Redis 7.0 would report.
    public var encoding: String { isSkiplist ? "skiplist" : "listpack" }

    // MARK: word packing

    @usableFromInline static let low: UInt64 = 0xFFFF_FFFF
    @usableFromInline static let spanOne: UInt64 = 1 << 32
    /// Forward handle of a level word (also the backward handle of a node's second word).
    @inline(__always) @usableFromInline static func link(_ w: UInt64) -> Int { Int(truncatingIfNeeded: w & low) }
    /// Span of a level word (also the member slot of a node's second word).
    @inline(__always) @usableFromInline static func high(_ w: UInt64) -> Int { Int(truncatingIfNeeded: w >> 32) }

    // MARK: node accessors

    /// Score of `member`, if present.
    @inline(__always) public func score(of member: ByteString) -> Double? {
        guard let n = dict[member] else { return nil }
        return score(n)
    }

    public func contains(_ member: ByteString) -> Bool { dict[member] != nil }

    /// The node holding `member` (0 when absent).
    @inline(__always) public func node(of member: ByteString) -> Int32 { dict[member] ?? 0 }

    /// Next node at level 0 (0 = end).
    @inline(__always) public func next(_ n: Int32) -> Int32 { Int32(truncatingIfNeeded: arena[Int(n) + 1] & RedisSortedSet.low) }
    /// Previous node (0 = none).
    @inline(__always) public func previous(_ n: Int32) -> Int32 { n == 0 ? 0 : Int32(truncatingIfNeeded: arena[Int(n) - 1] & RedisSortedSet.low) }
    /// Member stored in node `n`.
    @inline(__always) public func member(_ n: Int32) -> ByteString { n == 0 ? .empty : members[RedisSortedSet.high(arena[Int(n) - 1])] }
    /// Score stored in node `n`.
    @inline(__always) public func score(_ n: Int32) -> Double { Double(bitPattern: arena[Int(n)]) }
    /// First node (0 when empty).
    public var firstNode: Int32 { next(0) }
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

    /// A block for a node of `lvl` levels holding `score` and member slot `slot` (links cleared).
    mutating func allocNode(score: Double, slot: Int, level lvl: Int) -> Int {
        let second = UInt64(truncatingIfNeeded: slot) << 32
        if let h = freeBlocks[lvl].popLast() {
            let o = Int(h)
            arena.withUnsafeMutableBufferPointer { b in
                let a = b.baseAddress!
                a[o] = score.bitPattern
                a[o - 1] = second
                for i in 0..<lvl { a[o + 1 + i] = 0 }
            }
            return o
        }
        let o = arena.count + 2
        precondition(o + 1 + lvl <= Int(Int32.max), "sorted set too large")
        arena.append(UInt64(lvl))
        arena.append(second)
        arena.append(score.bitPattern)
        arena.append(contentsOf: repeatElement(0, count: lvl))
        return o
    }

    mutating func allocSlot(_ member: ByteString) -> Int {
        if let s = freeSlots.popLast() {
            members[Int(s)] = member
            return Int(s)
        }
        members.append(member)
        return members.count - 1
    }

    /// Returns node `n`'s block and member slot to the free lists.
    mutating func freeNode(_ n: Int) {
        let lvl = Int(arena[n - 2])
        let slot = RedisSortedSet.high(arena[n - 1])
        members[slot] = .empty
        freeSlots.append(Int32(slot))
        freeBlocks[lvl].append(Int32(n))
    }

    // MARK: mutation

    /// Adds or updates `member` with `score`. Returns true when the member was new.
    @discardableResult
    public mutating func set(_ member: ByteString, score: Double) -> Bool {
        let n = node(of: member)
        if n != 0 {
            updateScore(node: n, to: score)
            return false
        }
        insertNew(member, score: score)
        return true
    }

    /// Adds `member`, which must be absent; returns the score as stored (a listpack loses the sign of zero).
    @discardableResult
    public mutating func insertNew(_ member: ByteString, score rawScore: Double) -> Double {
        var score = rawScore
        if !isSkiplist && (dict.count + 1 > RedisSortedSet.maxListpackEntries || member.count > RedisSortedSet.maxListpackValue) {
            isSkiplist = true
        }
        if !isSkiplist && score == 0 { score = 0 }
        dict.insertNew(member, Int32(insertNode(score: score, member: member)))
        return score
    }

    /// Sets the score of node `n` (from `node(of:)`), moving it when the order changes.
    public mutating func updateScore(node n: Int32, to rawScore: Double) {
        var score = rawScore
        let h = Int(n)
        if !isSkiplist && score == 0 { score = 0 }   // listpack loses the sign of zero
        let old = self.score(n)
        if old == score { return }
        let member = self.member(n)
        var level = self.level, length = self.length, tail = Int(self.tail)
        members.withUnsafeBufferPointer { mb in
            arena.withUnsafeMutableBufferPointer { ab in
                let a = ab.baseAddress!, m = mb.baseAddress!
                // Keep the node in place when ordering is unchanged (Redis's zslUpdateScore fast path).
                let prev = RedisSortedSet.link(a[h - 1])
                let nxt = RedisSortedSet.link(a[h + 1])
                if (prev == 0 || Double(bitPattern: a[prev]) < score) && (nxt == 0 || Double(bitPattern: a[nxt]) > score) {
                    a[h] = score.bitPattern
                    return
                }
                // Otherwise unlink the node and link it again at its new place, keeping its block,
                // level count and member slot (its handle in the dict stays valid).
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * RedisSortedSet.maxLevel) { tmp in
                    let update = tmp.baseAddress!, rank = update + RedisSortedSet.maxLevel
                    guard RedisSortedSet.findPredecessors(a, m, target: h, score: old, member: member, level: level, update: update) else { return }
                    RedisSortedSet.unlink(a, h, update: update, level: &level, length: &length, tail: &tail)
                    a[h] = score.bitPattern
                    RedisSortedSet.findInsertion(a, m, score: score, member: member, level: level, update: update, rank: rank)
                    RedisSortedSet.linkNode(a, h, levels: Int(a[h - 2]), update: update, rank: rank, level: &level, length: &length, tail: &tail)
                }
            }
        }
        self.level = level; self.length = length; self.tail = Int32(tail)
    }

    /// Removes `member`; returns true when it was present.
    @discardableResult
    public mutating func remove(_ member: ByteString) -> Bool {
        guard let n = dict.remove(member) else { return false }
        deleteNode(Int(n), member: member)
        dict.compactIfSparse()
        return true
    }

    /// Links a new node for `(score, member)`; returns its handle.
    mutating func insertNode(score: Double, member: ByteString) -> Int {
        let lvl = randomLevel()
        let slot = allocSlot(member)
        let nn = allocNode(score: score, slot: slot, level: lvl)
        var level = self.level, length = self.length, tail = Int(self.tail)
        members.withUnsafeBufferPointer { mb in
            arena.withUnsafeMutableBufferPointer { ab in
                let a = ab.baseAddress!, m = mb.baseAddress!
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * RedisSortedSet.maxLevel) { tmp in
                    let update = tmp.baseAddress!, rank = update + RedisSortedSet.maxLevel
                    RedisSortedSet.findInsertion(a, m, score: score, member: member, level: level, update: update, rank: rank)
                    RedisSortedSet.linkNode(a, nn, levels: lvl, update: update, rank: rank, level: &level, length: &length, tail: &tail)
                }
            }
        }
        self.level = level; self.length = length; self.tail = Int32(tail)
        return nn
    }

    /// Unlinks and frees node `n` holding `member`.
    mutating func deleteNode(_ n: Int, member: ByteString) {
        var level = self.level, length = self.length, tail = Int(self.tail)
        let found = members.withUnsafeBufferPointer { mb in
            arena.withUnsafeMutableBufferPointer { ab in
                let a = ab.baseAddress!, m = mb.baseAddress!
                return withUnsafeTemporaryAllocation(of: Int.self, capacity: RedisSortedSet.maxLevel) { tmp in
                    let update = tmp.baseAddress!
                    guard RedisSortedSet.findPredecessors(a, m, target: n, score: Double(bitPattern: a[n]), member: member,
                                                          level: level, update: update) else { return false }
                    RedisSortedSet.unlink(a, n, update: update, level: &level, length: &length, tail: &tail)
                    return true
                }
            }
        }
        guard found else { return }
        self.level = level; self.length = length; self.tail = Int32(tail)
        freeNode(n)
    }

    // MARK: skiplist kernels (raw pointers into the arena and the member array)

    /// Fills `update[i]` with the last node before `(score, member)` at each level and `rank[i]`
    /// with its rank (Redis's zslInsert search).
    ///
    /// Each step also loads the forward link one level down and that node's score (the header's
    /// score word when there is none), so when the step descends, its next comparison does not wait
    /// for a second cache miss: the two misses overlap.
    @inline(__always)
    static func findInsertion(_ a: UnsafeMutablePointer<UInt64>, _ m: UnsafePointer<ByteString>, score: Double, member: ByteString,
                              level: Int, update: UnsafeMutablePointer<Int>, rank: UnsafeMutablePointer<Int>) {
        var x = 0, r = 0
        var i = level - 1
        var w = a[1 + i]
        var f = link(w)
        var fs = Double(bitPattern: a[f])
        while true {
            let wd = i > 0 ? a[x + i] : 0
            let fd = link(wd)
            let sd = a[fd]
            if f != 0 && (fs < score || (fs == score && redisCompareBytes(m[high(a[f - 1])], member) < 0)) {
                r += high(w)
                x = f
                w = a[x + 1 + i]
                f = link(w)
                fs = Double(bitPattern: a[f])
            } else {
                update[i] = x
                rank[i] = r
                if i == 0 { return }
                i -= 1
                w = wd
                f = fd
                fs = Double(bitPattern: sd)
            }
        }
    }

    /// Fills `update` with the predecessors of node `target` holding `(score, member)` at each level;
    /// false when the node is not linked where its score says (never for a consistent set). Loads
    /// ahead one level down like `findInsertion`.
    @inline(__always)
    static func findPredecessors(_ a: UnsafeMutablePointer<UInt64>, _ m: UnsafePointer<ByteString>, target: Int, score: Double,
                                 member: ByteString, level: Int, update: UnsafeMutablePointer<Int>) -> Bool {
        var x = 0
        var i = level - 1
        var f = link(a[1 + i])
        var fs = Double(bitPattern: a[f])
        while true {
            let fd = i > 0 ? link(a[x + i]) : 0
            let sd = a[fd]
            if f != 0 && f != target && (fs < score || (fs == score && redisCompareBytes(m[high(a[f - 1])], member) < 0)) {
                x = f
                f = link(a[x + 1 + i])
                fs = Double(bitPattern: a[f])
            } else {
                update[i] = x
                if i == 0 { return f == target }
                i -= 1
                f = fd
                fs = Double(bitPattern: sd)
            }
        }
    }

    /// Links node `nn` of `levels` levels after the predecessors found by `findInsertion`.
    @inline(__always)
    static func linkNode(_ a: UnsafeMutablePointer<UInt64>, _ nn: Int, levels lvl: Int, update: UnsafeMutablePointer<Int>,
                         rank: UnsafeMutablePointer<Int>, level: inout Int, length: inout Int, tail: inout Int) {
        if lvl > level {
            for j in level..<lvl {
                rank[j] = 0
                update[j] = 0
                a[1 + j] = UInt64(length) << 32
            }
            level = lvl
        }
        let r0 = rank[0]
        for j in 0..<lvl {
            let u = update[j]
            let uw = a[u + 1 + j]
            let d = UInt64(r0 - rank[j])
            a[nn + 1 + j] = (uw & low) | (((uw >> 32) &- d) << 32)
            a[u + 1 + j] = UInt64(nn) | ((d &+ 1) << 32)
        }
        var j = lvl
        while j < level {
            a[update[j] + 1 + j] &+= spanOne
            j += 1
        }
        a[nn - 1] = (a[nn - 1] & ~low) | UInt64(update[0])
        let f0 = link(a[nn + 1])
        if f0 != 0 { a[f0 - 1] = (a[f0 - 1] & ~low) | UInt64(nn) } else { tail = nn }
        length += 1
    }

    /// Redis's zslDeleteNode: unlinks node `x` given its predecessors (the block stays allocated).
    @inline(__always)
    static func unlink(_ a: UnsafeMutablePointer<UInt64>, _ x: Int, update: UnsafeMutablePointer<Int>,
                       level: inout Int, length: inout Int, tail: inout Int) {
        for i in 0..<level {
            let u = update[i]
            let uw = a[u + 1 + i]
            if link(uw) == x {
                let xw = a[x + 1 + i]
                a[u + 1 + i] = (xw & low) | (((uw >> 32) &+ (xw >> 32) &- 1) << 32)
            } else {
                a[u + 1 + i] = uw &- spanOne
            }
        }
        let back = a[x - 1] & low
        let f0 = link(a[x + 1])
        if f0 != 0 { a[f0 - 1] = (a[f0 - 1] & ~low) | back } else { tail = Int(back) }
        while level > 1 && link(a[level]) == 0 { level -= 1 }
        length -= 1
    }

    // MARK: queries

    /// 0-based rank of `member` in ascending order.
    public func rank(of member: ByteString) -> Int? {
        guard let n32 = dict[member] else { return nil }
        let n = Int(n32)
        let level = self.level
        return members.withUnsafeBufferPointer { mb in
            arena.withUnsafeBufferPointer { ab -> Int? in
                let a = ab.baseAddress!, m = mb.baseAddress!
                let score = Double(bitPattern: a[n])
                var r = 0, x = 0
                var i = level - 1
                while i >= 0 {
                    while true {
                        let w = a[x + 1 + i]
                        let f = RedisSortedSet.link(w)
                        if f == 0 { break }
                        let fs = Double(bitPattern: a[f])
                        // (fs, member of f) <= (score, member); equal members only in node n itself.
                        if fs < score || (fs == score && (f == n || redisCompareBytes(m[RedisSortedSet.high(a[f - 1])], member) < 0)) {
                            r += RedisSortedSet.high(w)
                            x = f
                        } else { break }
                    }
                    if x == n { return r - 1 }
                    i -= 1
                }
                return nil
            }
        }
    }

    /// Node at 0-based rank `r` (0 when out of range).
    public func node(atRank r: Int) -> Int32 {
        if r < 0 || r >= count { return 0 }
        let target = r + 1
        let level = self.level
        return arena.withUnsafeBufferPointer { ab in
            let a = ab.baseAddress!
            var traversed = 0, x = 0
            var i = level - 1
            while i >= 0 {
                while true {
                    let w = a[x + 1 + i]
                    let f = RedisSortedSet.link(w)
                    if f == 0 { break }
                    let s = RedisSortedSet.high(w)
                    if traversed + s <= target { traversed += s; x = f } else { break }
                }
                if traversed == target { return Int32(x) }
                i -= 1
            }
            return 0
        }
    }

    /// Redis's `zslIsInRange`: the range is non-empty and overlaps [first, last].
    func isInRange(_ range: ZScoreRange) -> Bool {
        if range.isEmpty || tail == 0 { return false }
        if !range.gteMin(score(tail)) { return false }
        let f = firstNode
        return f != 0 && range.lteMax(score(f))
    }

    /// Redis's `zslIsInLexRange`.
    func isInRange(_ range: ZLexRange) -> Bool {
        if range.isEmpty || tail == 0 { return false }
        if !range.gteMin(member(tail)) { return false }
        let f = firstNode
        return f != 0 && range.lteMax(member(f))
    }

    /// Walks down from the header, following forward links while `advance(node)` holds; returns
    /// the last node reached (0 = the header).
    @inline(__always)
    func descend(while advance: (UnsafePointer<UInt64>, Int) -> Bool) -> Int32 {
        let level = self.level
        return arena.withUnsafeBufferPointer { ab in
            let a = ab.baseAddress!
            var x = 0
            var i = level - 1
            while i >= 0 {
                while true {
                    let f = RedisSortedSet.link(a[x + 1 + i])
                    if f == 0 || !advance(a, f) { break }
                    x = f
                }
                i -= 1
            }
            return Int32(x)
        }
    }

    /// First node whose score lies in `range` (0 when none).
    public func firstNode(in range: ZScoreRange) -> Int32 {
        if !isInRange(range) { return 0 }
        let x = descend { a, f in !range.gteMin(Double(bitPattern: a[f])) }
        let c = next(x)
        if c == 0 || !range.lteMax(score(c)) { return 0 }
        return c
    }

    /// Last node whose score lies in `range` (0 when none).
    public func lastNode(in range: ZScoreRange) -> Int32 {
        if !isInRange(range) { return 0 }
        let x = descend { a, f in range.lteMax(Double(bitPattern: a[f])) }
        if x == 0 || !range.gteMin(score(x)) { return 0 }
        return x
    }

    /// First node whose member lies in `range` (0 when none).
    ///
    /// Members are in lexicographic order only among equal scores; for other sets the answer
    /// depends on the walk, so a set Redis keeps as a listpack is scanned from the head like
    /// `zzlFirstInLexRange` (at most 128 entries), a skiplist descends like `zslFirstInLexRange`.
    public func firstNode(in range: ZLexRange) -> Int32 {
        if !isInRange(range) { return 0 }
        if !isSkiplist {
            var n = firstNode
            while n != 0 {
                if range.gteMin(member(n)) { return range.lteMax(member(n)) ? n : 0 }
                n = next(n)
            }
            return 0
        }
        let x = descend { a, f in !range.gteMin(members[RedisSortedSet.high(a[f - 1])]) }
        let c = next(x)
        if c == 0 || !range.lteMax(member(c)) { return 0 }
        return c
    }

    /// Last node whose member lies in `range` (0 when none); a listpack is scanned from the tail
    /// like `zzlLastInLexRange` (see `firstNode(in:)`).
    public func lastNode(in range: ZLexRange) -> Int32 {
        if !isInRange(range) { return 0 }
        if !isSkiplist {
            var n = tail
            while n != 0 {
                if range.lteMax(member(n)) { return range.gteMin(member(n)) ? n : 0 }
                n = previous(n)
            }
            return 0
        }
        let x = descend { a, f in range.lteMax(members[RedisSortedSet.high(a[f - 1])]) }
        if x == 0 || !range.gteMin(member(x)) { return 0 }
        return x
    }

    /// 0-based rank of node `n` (walks from the header; O(log n)).
    public func rank(ofNode n: Int32) -> Int {
        rank(of: member(n)) ?? 0
    }

    /// Number of members with score in `range`.
    public func count(in range: ZScoreRange) -> Int {
        let f = firstNode(in: range)
        if f == 0 { return 0 }
        let l = lastNode(in: range)
        if l == 0 { return 0 }
        return Swift.max(0, rank(ofNode: l) - rank(ofNode: f) + 1)
    }

    /// Number of members in lexicographic `range` (a listpack counts forward from the first member
    /// in range while members stay below the maximum, like Redis's ZLEXCOUNT; a skiplist subtracts ranks).
    public func count(in range: ZLexRange) -> Int {
        let f = firstNode(in: range)
        if f == 0 { return 0 }
        if !isSkiplist {
            var n = f, c = 0
            while n != 0 && range.lteMax(member(n)) { c += 1; n = next(n) }
            return c
        }
        let l = lastNode(in: range)
        if l == 0 { return 0 }
        return Swift.max(0, rank(ofNode: l) - rank(ofNode: f) + 1)
    }

    /// Members with scores in rank order from `start` through `end` (inclusive, clamped).
    public func entries(fromRank start: Int, through end: Int, reverse: Bool = false) -> [(member: ByteString, score: Double)] {
        var out: [(member: ByteString, score: Double)] = []
        if start > end || start >= count { return out }
        out.reserveCapacity(Swift.min(end, count - 1) - start + 1)
        var n = reverse ? node(atRank: count - 1 - start) : node(atRank: start)
        var k = end - start + 1
        while n != 0 && k > 0 {
            out.append((member(n), score(n)))
            n = reverse ? previous(n) : next(n)
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

    /// Checks the skiplist invariants (tests only): ordering, spans, backward links, level counts,
    /// member slots, free lists and count.
    public func validate() -> Bool {
        var n = firstNode
        var prev: Int32 = 0
        var c = 0
        var slots = Set<Int>()
        while n != 0 {
            if previous(n) != prev { return false }
            if prev != 0 && !RedisSortedSet.less(score(prev), member(prev), score(n), member(n)) { return false }
            if dict[member(n)] != n { return false }
            let lvl = Int(arena[Int(n) - 2])
            if lvl < 1 || lvl > RedisSortedSet.maxLevel || lvl > level { return false }
            let slot = RedisSortedSet.high(arena[Int(n) - 1])
            if slot == 0 || !slots.insert(slot).inserted { return false }
            prev = n
            n = next(n)
            c += 1
        }
        if c != dict.count || c != length || tail != prev { return false }
        if slots.count + freeSlots.count + 1 != members.count { return false }
        for s in freeSlots where slots.contains(Int(s)) || !members[Int(s)].isEmpty { return false }
        if level < 1 || (level > 1 && RedisSortedSet.link(arena[level]) == 0) { return false }
        // spans: at every level, a link's span is the rank difference of its ends
        for l in 0..<level {
            var x: Int32 = 0
            var rankAtX = 0
            while true {
                let w = arena[Int(x) + 1 + l]
                let f = Int32(RedisSortedSet.link(w))
                if f == 0 {
                    // the last link at a level spans to the end: count - rank
                    if rankAtX + RedisSortedSet.high(w) != c { return false }
                    break
                }
                rankAtX += RedisSortedSet.high(w)
                if rank(of: member(f)) != rankAtX - 1 { return false }
                x = f
            }
        }
        return true
    }
}
