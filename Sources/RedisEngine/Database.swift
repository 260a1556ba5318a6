/// One logical database (SELECT n): the keyspace and the expiry times.
public final class Database: @unchecked Sendable {
    /// The database number.
    public let index: Int
    /// Keys and their values.
    public var main: HashTable<Value>
    /// Expiry times (ms since epoch) of the keys that have one.
    public var expires: HashTable<Int64>
    /// Active-expiry scan cursor over `expires`.
    public var expireCursor: UInt64 = 0
    /// Average TTL estimate (ms) for INFO keyspace, like Redis's `avg_ttl`.
    public var avgTTL: Int64 = 0
    /// Per-entry access clock, indexed like `main`'s entries: Redis's 24-bit `robj.lru` field
    /// (LRU: seconds clock; LFU: 16-bit minutes of the last decrement << 8 | 8-bit log counter).
    /// Always at least as long as `main`'s entry arrays; see `Engine.setKey` and `Engine.touch`.
    public var clocks: [UInt32] = []

    /// An empty database.
    public init(index: Int) {
        self.index = index
        main = HashTable(placeholder: .int(0))
        expires = HashTable(placeholder: 0)
    }

    /// Number of keys (including expired ones not yet reclaimed).
    public var count: Int { main.count }

    /// Removes every key.
    public func clear() {
        main.removeAll()
        expires.removeAll()
        clocks = []
        expireCursor = 0
        avgTTL = 0
    }

    /// The expiry time of `key`, if it has one.
    @inlinable public func expireTime(_ key: ByteString) -> Int64? {
        if expires.isEmpty { return nil }
        return expires[key]
    }

    /// Swaps contents with `other` (SWAPDB).
    public func swapContents(with other: Database) {
        swap(&main, &other.main)
        swap(&expires, &other.expires)
        swap(&clocks, &other.clocks)
        swap(&expireCursor, &other.expireCursor)
        swap(&avgTTL, &other.avgTTL)
    }
}
