/// A Redis set: an `HashTable` of members (no allocation per member up to 22 bytes), giving O(1)
/// add/remove/contains, Redis-like random picks (SPOP/SRANDMEMBER) and a rehash-safe SSCAN cursor.
public struct RedisSet: Sendable {
    @usableFromInline var table = HashTable<Bool>(placeholder: false)
    /// Redis 7.0 reports `intset` while every member is an integer and the set has at most
    /// `set-max-intset-entries` (512) members; once converted it stays `hashtable`.
    public private(set) var isHashtable = false

    /// Largest intset Redis keeps before converting (set-max-intset-entries default).
    public static let maxIntsetEntries = 512

    public init() {}

    /// A set holding `elements` (duplicates collapse).
    public init<S: Sequence>(_ elements: S) where S.Element == ByteString {
        for e in elements { insert(e) }
    }

    @inlinable public var count: Int { table.count }
    @inlinable public var isEmpty: Bool { table.count == 0 }

    /// The encoding name Redis 7.0 would report.
    public var encoding: String { isHashtable ? "hashtable" : "intset" }

    /// Adds `m`; returns true when it was new.
    @discardableResult
    public mutating func insert(_ m: ByteString) -> Bool {
        if table.find(m) != nil { return false }
        table.insertNew(m, true)
        if !isHashtable && (table.count > RedisSet.maxIntsetEntries || RedisSet.intValue(m) == nil) {
            isHashtable = true
        }
        return true
    }

    /// Removes `m`; returns true when it was present.
    @discardableResult
    public mutating func remove(_ m: ByteString) -> Bool {
        if table.remove(m) == nil { return false }
        table.compactIfSparse()
        return true
    }

    @inlinable public func contains(_ m: ByteString) -> Bool { table.find(m) != nil }

    /// A random member (Redis's dictGetFairRandomKey-like pick).
    public func randomMember<G: RandomNumberGenerator>(using rng: inout G) -> ByteString? {
        table.randomIndex(using: &rng).map { table.key(at: $0) }
    }

    /// All members. While the set is an intset, Redis returns them in ascending numeric order;
    /// we do the same so that small integer sets look exactly like Redis's.
    public var allMembers: [ByteString] {
        var out: [ByteString] = []
        out.reserveCapacity(table.count)
        table.forEachIndex { out.append(table.key(at: $0)) }
        if !isHashtable {
            out.sort { (RedisSet.intValue($0) ?? 0) < (RedisSet.intValue($1) ?? 0) }
        }
        return out
    }

    /// Calls `body` for every member (unspecified order).
    @inlinable public func forEach(_ body: (ByteString) -> Void) {
        table.forEachIndex { body(table.key(at: $0)) }
    }

    /// One SSCAN step.
    public func scan(cursor: UInt64, _ body: (ByteString) -> Void) -> UInt64 {
        table.scan(cursor: cursor) { body(table.key(at: $0)) }
    }

    /// Canonical integer value (Redis `string2ll` rules).
    public static func intValue(_ m: ByteString) -> Int64? {
        m.withBytes { parseStrictInt($0) }
    }

    /// Bytes Redis 7.0 would allocate for this set (intset or dict), in O(1).
    public var approximateBytes: Int {
        isHashtable ? MemoryModel.hashtableSet(count: table.count, buckets: table.bucketCount, bytes: table.keyBytes)
            : MemoryModel.intset(count: table.count)
    }
}
