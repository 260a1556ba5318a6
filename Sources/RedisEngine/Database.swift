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
    /// Bytes charged to each entry (`MemoryModel.keyEntry` when it was last written), indexed like
    /// `main`'s entries; 0 for free slots. See `charge`.
    @exclusivity(unchecked) public private(set) var charges: [Int] = []
    /// Sum of `charges`: the estimated bytes of this database's keys and values.
    @exclusivity(unchecked) public private(set) var datasetBytes = 0
    /// The entry the last lookup or store found (a hint that spares `recharge` a second hash lookup).
    /// These three are touched on every lookup and write, under the engine lock, never across a call
    /// that could touch them again: no dynamic exclusivity checks.
    @exclusivity(unchecked) public var lastEntry = -1

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
        charges = []
        datasetBytes = 0
        lastEntry = -1
        expireCursor = 0
        avgTTL = 0
    }

    /// The expiry time of `key`, if it has one.
    /// The value of entry `index` of the keyspace (reads the one array, not a copy of the table).
    @inlinable public func value(at index: Int) -> Value { main.vals[index] }

    @inlinable public func expireTime(_ key: ByteString) -> Int64? {
        if expires.isEmpty { return nil }
        return expires[key]
    }

    // MARK: memory accounting

    /// Charges entry `i` `bytes` (replacing what it was charged before).
    public func charge(_ i: Int, _ bytes: Int) {
        if i >= charges.count { charges.append(contentsOf: repeatElement(0, count: max(main.slotCount, i + 1) - charges.count)) }
        datasetBytes += bytes - charges[i]
        charges[i] = bytes
    }

    /// Forgets the charge of entry `i` (removed).
    public func uncharge(_ i: Int) {
        if i < charges.count {
            datasetBytes -= charges[i]
            charges[i] = 0
        }
    }

    /// Charges the entry of `key` what its key and value cost now (after a write changed it in place).
    public func recharge(_ key: ByteString) {
        // The table's arrays are read directly: a method call on `main` (a struct held by this
        // class) copies the whole table, retaining each of its arrays, on every write.
        var i = lastEntry
        if !(i >= 0 && i < main.next.count && main.next[i] >= -1 && main.keys[i] == key) {
            guard let f = main.find(key) else { return }
            i = f
        }
        charge(i, MemoryModel.keyEntry(keyLength: key.count, value: main.vals[i]))
    }

    /// Bytes of the tables themselves: buckets of `main` and `expires`, and the expiry entries.
    public var tableOverheadBytes: Int {
        2 * MemoryModel.dictHeader + (main.bucketCount + expires.bucketCount) * MemoryModel.bucket
            + expires.count * MemoryModel.expireEntry
    }

    /// Compacts `main` (moving the access clocks and charges along) and `expires` when they are mostly
    /// free slots, so random picks stay O(1). Entry indices held by callers become invalid: run it only
    /// between commands (the engine's cron does).
    public func compactIfSparse() {
        if main.isSparse {
            main.compact { from, to in
                if from < self.clocks.count {
                    if to >= self.clocks.count { self.clocks.append(contentsOf: repeatElement(0, count: to + 1 - self.clocks.count)) }
                    self.clocks[to] = self.clocks[from]
                }
                if from < self.charges.count {
                    self.charges[to] = self.charges[from]
                    self.charges[from] = 0
                }
            }
            if clocks.count > main.slotCount { clocks.removeLast(clocks.count - main.slotCount) }
            if charges.count > main.slotCount { charges.removeLast(charges.count - main.slotCount) }
            lastEntry = -1
        }
        expires.compactIfSparse()
    }

    /// Swaps contents with `other` (SWAPDB).
    public func swapContents(with other: Database) {
        swap(&main, &other.main)
        swap(&expires, &other.expires)
        swap(&clocks, &other.clocks)
        swap(&charges, &other.charges)
        swap(&datasetBytes, &other.datasetBytes)
        lastEntry = -1
        other.lastEntry = -1
        swap(&expireCursor, &other.expireCursor)
        swap(&avgTTL, &other.avgTTL)
    }
}
