/// A Redis set: members in a dense array plus a member→position dictionary, so that
/// add/remove/contains are O(1) and SPOP/SRANDMEMBER pick uniformly in O(1).
public struct RedisSet: Sendable {
    @usableFromInline var members: ContiguousArray<[UInt8]> = []
    @usableFromInline var positions: [[UInt8]: Int] = [:]
    /// Redis 7.0 reports `intset` while every member is an integer and the set has at most
    /// `set-max-intset-entries` (512) members; once converted it stays `hashtable`.
    public private(set) var isHashtable = false

    /// Largest intset Redis keeps before converting (set-max-intset-entries default).
    public static let maxIntsetEntries = 512

    public init() {}

    /// A set holding `elements` (duplicates collapse).
    public init<S: Sequence>(_ elements: S) where S.Element == [UInt8] {
        for e in elements { _ = insert(e) }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// The encoding name Redis 7.0 would report.
    public var encoding: String { isHashtable ? "hashtable" : "intset" }

    /// Adds `m`; returns true when it was new.
    @discardableResult
    public mutating func insert(_ m: [UInt8]) -> Bool {
        if positions[m] != nil { return false }
        positions[m] = members.count
        members.append(m)
        if !isHashtable && (members.count > RedisSet.maxIntsetEntries || !RedisSet.isIntsetMember(m)) {
            isHashtable = true
        }
        return true
    }

    /// Removes `m`; returns true when it was present.
    @discardableResult
    public mutating func remove(_ m: [UInt8]) -> Bool {
        guard let pos = positions.removeValue(forKey: m) else { return false }
        let lastIndex = members.count - 1
        if pos != lastIndex {
            let moved = members[lastIndex]
            members[pos] = moved
            positions[moved] = pos
        }
        members.removeLast()
        return true
    }

    public func contains(_ m: [UInt8]) -> Bool { positions[m] != nil }

    /// Member at dense position `i` (0..<count).
    public func member(at i: Int) -> [UInt8] { members[i] }

    /// Removes the member at dense position `i` and returns it.
    public mutating func remove(at i: Int) -> [UInt8] {
        let m = members[i]
        remove(m)
        return m
    }

    /// All members. While the set is an intset, Redis returns them in ascending numeric order;
    /// we do the same so that small integer sets look exactly like Redis's.
    public var allMembers: [[UInt8]] {
        if !isHashtable {
            return members.sorted { (RedisSet.intValue($0) ?? 0) < (RedisSet.intValue($1) ?? 0) }
        }
        return Array(members)
    }

    /// Calls `body` for every member (unspecified order).
    @inlinable public func forEach(_ body: ([UInt8]) -> Void) {
        for m in members { body(m) }
    }

    /// Whether Redis would store `m` in an intset (canonical 64-bit decimal integer).
    public static func isIntsetMember(_ m: [UInt8]) -> Bool { intValue(m) != nil }

    /// Canonical integer value (Redis `string2ll` rules: no leading zeros/plus, fits Int64).
    public static func intValue(_ m: [UInt8]) -> Int64? {
        let n = m.count
        if n == 0 || n > 20 { return nil }
        if n == 1 && m[0] == UInt8(ascii: "0") { return 0 }
        var i = 0
        var neg = false
        if m[0] == UInt8(ascii: "-") { neg = true; i = 1; if n == 1 { return nil } }
        if m[i] < UInt8(ascii: "1") || m[i] > UInt8(ascii: "9") { return nil }
        var v: UInt64 = 0
        while i < n {
            let d = m[i] &- 48
            if d > 9 { return nil }
            let (a, o1) = v.multipliedReportingOverflow(by: 10)
            let (b, o2) = a.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            v = b
            i += 1
        }
        if neg {
            if v > UInt64(Int64.max) + 1 { return nil }
            return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
        }
        if v > UInt64(Int64.max) { return nil }
        return Int64(v)
    }

    /// Approximate heap bytes used (MEMORY USAGE).
    public var approximateBytes: Int {
        var total = 64 + members.capacity * 8 + positions.capacity * 24
        for m in members { total += m.count + 32 }
        return total
    }
}
