/// A chained hash table keyed by `ByteString`, stored as parallel arrays (no allocation per entry).
///
/// A removed entry's slot goes on a free list; free slots are marked in `next` (values <= -2), so a
/// uniformly random live entry is a uniformly random slot that is not free (`randomIndex`).
///
/// Entries are addressed by a stable integer index until they are removed, so commands can
/// look a key up once and then read or update its value in place. Buckets are a power of two
/// and the table grows at load factor 1 like Redis's dict; `scan` uses Redis's reverse-binary
/// cursor so a full iteration returns every element present throughout, even across growth.
public struct HashTable<V> {
    @usableFromInline var buckets: [Int32]
    @usableFromInline var keys: [ByteString]
    @usableFromInline var vals: [V]
    @usableFromInline var next: [Int32]
    @usableFromInline var freeHead: Int32 = -1
    /// Number of live entries.
    public private(set) var count: Int = 0
    /// Sum of the live keys' lengths (memory accounting), kept up to date by every insert/remove.
    public private(set) var keyBytes: Int = 0
    @usableFromInline let placeholder: V
    @usableFromInline let seed: UInt64

    /// An empty table; `placeholder` fills freed value slots.
    public init(placeholder: V, seed: UInt64 = HashTable.defaultSeed) {
        self.placeholder = placeholder
        self.seed = seed
        buckets = [Int32](repeating: -1, count: 4)
        keys = []
        vals = []
        next = []
    }

    /// A per-process random seed (hash flooding protection).
    public static var defaultSeed: UInt64 { HashTableSeed.value }

    /// True when empty.
    @inlinable public var isEmpty: Bool { count == 0 }
    /// Number of buckets.
    public var bucketCount: Int { buckets.count }
    /// Bytes used by the table's own arrays (for INFO memory estimates).
    public var overheadBytes: Int {
        buckets.capacity * 4 + keys.capacity * MemoryLayout<ByteString>.stride
            + vals.capacity * MemoryLayout<V>.stride + next.capacity * 4
    }

    @inlinable func bucket(of key: ByteString) -> Int {
        Int(truncatingIfNeeded: key.hash(seed: seed)) & (buckets.count - 1)
    }

    /// Index of `key`'s entry.
    @inlinable public func find(_ key: ByteString) -> Int? {
        var i = buckets[bucket(of: key)]
        while i >= 0 {
            let ii = Int(i)
            if keys[ii] == key { return ii }
            i = next[ii]
        }
        return nil
    }

    /// The value for `key`.
    @inlinable public subscript(key: ByteString) -> V? {
        guard let i = find(key) else { return nil }
        return vals[i]
    }

    /// Key of the entry at `index`.
    @inlinable public func key(at index: Int) -> ByteString { keys[index] }
    /// Value of the entry at `index`.
    @inlinable public func value(at index: Int) -> V { vals[index] }
    /// Replaces the value of the entry at `index`.
    @inlinable public mutating func setValue(_ v: V, at index: Int) { vals[index] = v }
    /// Mutates the value of the entry at `index` in place.
    @inlinable public mutating func withValue<R>(at index: Int, _ body: (inout V) throws -> R) rethrows -> R {
        try body(&vals[index])
    }

    /// Sets `key` to `value`; returns the entry index and whether the key was new.
    @discardableResult
    @inlinable public mutating func set(_ key: ByteString, _ value: V) -> (index: Int, inserted: Bool) {
        let b = bucket(of: key)
        var i = buckets[b]
        while i >= 0 {
            let ii = Int(i)
            if keys[ii] == key {
                vals[ii] = value
                return (ii, false)
            }
            i = next[ii]
        }
        return (insertNew(key, value, bucket: b), true)
    }

    /// Sets `key` to `value`; returns the entry index and the value it replaced (nil: the key was new).
    @discardableResult
    @inlinable public mutating func exchange(_ key: ByteString, _ value: V) -> (index: Int, old: V?) {
        let b = bucket(of: key)
        var i = buckets[b]
        while i >= 0 {
            let ii = Int(i)
            if keys[ii] == key {
                let old = vals[ii]
                vals[ii] = value
                return (ii, old)
            }
            i = next[ii]
        }
        return (insertNew(key, value, bucket: b), nil)
    }

    /// Inserts `key`, which must not be present.
    @discardableResult
    @inlinable public mutating func insertNew(_ key: ByteString, _ value: V) -> Int {
        insertNew(key, value, bucket: bucket(of: key))
    }

    @usableFromInline mutating func insertNew(_ key: ByteString, _ value: V, bucket b0: Int) -> Int {
        var b = b0
        if count >= buckets.count {
            grow()
            b = bucket(of: key)
        }
        let idx: Int
        if freeHead >= 0 {
            idx = Int(freeHead)
            freeHead = HashTable.freeLink(next[idx])
            keys[idx] = key
            vals[idx] = value
            next[idx] = buckets[b]
        } else {
            idx = keys.count
            keys.append(key)
            vals.append(value)
            next.append(buckets[b])
        }
        buckets[b] = Int32(idx)
        count += 1
        keyBytes += key.count
        return idx
    }

    /// A free slot's `next` holds the next free slot `f` (-1: none) encoded as `-3 - f` (always <= -2),
    /// so live entries (`next` >= -1, the end of a chain) and free slots can be told apart.
    @inlinable static func freeMark(_ f: Int32) -> Int32 { -3 - f }
    /// Decodes `freeMark`.
    @inlinable static func freeLink(_ n: Int32) -> Int32 { -3 - n }

    /// True when slot `index` holds a live entry.
    @inlinable public func isLive(_ index: Int) -> Bool { index >= 0 && index < next.count && next[index] >= -1 }

    /// Number of entry slots (live and free); a slot index is always below it.
    @inlinable public var slotCount: Int { next.count }

    @usableFromInline mutating func grow() {
        let newCount = buckets.count * 2
        var nb = [Int32](repeating: -1, count: newCount)
        let mask = newCount - 1
        for b in 0..<buckets.count {
            var i = buckets[b]
            while i >= 0 {
                let ii = Int(i)
                let nxt = next[ii]
                let t = Int(truncatingIfNeeded: keys[ii].hash(seed: seed)) & mask
                next[ii] = nb[t]
                nb[t] = i
                i = nxt
            }
        }
        buckets = nb
    }

    /// Removes `key`; returns its value.
    @discardableResult
    public mutating func remove(_ key: ByteString) -> V? { removeEntry(key)?.value }

    /// Removes `key`; returns the slot it had and its value.
    @discardableResult
    public mutating func removeEntry(_ key: ByteString) -> (index: Int, value: V)? {
        let b = bucket(of: key)
        var prev: Int32 = -1
        var i = buckets[b]
        while i >= 0 {
            let ii = Int(i)
            if keys[ii] == key {
                if prev < 0 { buckets[b] = next[ii] } else { next[Int(prev)] = next[ii] }
                let v = vals[ii]
                keyBytes -= keys[ii].count
                keys[ii] = .empty
                vals[ii] = placeholder
                next[ii] = HashTable.freeMark(freeHead)
                freeHead = i
                count -= 1
                if count == 0 { removeAll() }
                return (ii, v)
            }
            prev = i
            i = next[ii]
        }
        return nil
    }

    /// Removes every entry and releases memory.
    public mutating func removeAll() {
        buckets = [Int32](repeating: -1, count: 4)
        keys = []
        vals = []
        next = []
        freeHead = -1
        count = 0
        keyBytes = 0
    }

    /// Calls `body` with the index of every live entry (bucket order).
    public func forEachIndex(_ body: (Int) throws -> Void) rethrows {
        for b in 0..<buckets.count {
            var i = buckets[b]
            while i >= 0 {
                let nxt = next[Int(i)]
                try body(Int(i))
                i = nxt
            }
        }
    }

    /// Every live entry index (snapshot).
    public var indices: [Int] {
        var out: [Int] = []
        out.reserveCapacity(count)
        forEachIndex { out.append($0) }
        return out
    }

    /// One SCAN step: visits the bucket at `cursor`, returns the next cursor (0 when done).
    public func scan(cursor: UInt64, _ body: (Int) -> Void) -> UInt64 {
        let mask = UInt64(buckets.count - 1)
        var i = buckets[Int(cursor & mask)]
        while i >= 0 {
            body(Int(i))
            i = next[Int(i)]
        }
        var v = cursor | ~mask
        v = HashTableSeed.reverse(v)
        v &+= 1
        v = HashTableSeed.reverse(v)
        return v
    }

    /// A uniformly random live entry index (every entry equally likely, like Redis's
    /// dictGetFairRandomKey): a random slot, retried while it is free. Tables stay at least 1/8 full
    /// (`compactIfSparse`) so a few tries suffice; after 64 misses the k-th live slot is taken instead
    /// (still uniform, linear in the slots).
    public func randomIndex<G: RandomNumberGenerator>(using rng: inout G) -> Int? {
        if count == 0 { return nil }
        let slots = UInt64(next.count)
        for _ in 0..<64 {
            let i = Int(rng.next() % slots)
            if next[i] >= -1 { return i }
        }
        var k = Int(rng.next() % UInt64(count))
        for i in 0..<next.count where next[i] >= -1 {
            if k == 0 { return i }
            k -= 1
        }
        return nil
    }

    /// True when fewer than 1/8 of the slots are live (and there are enough slots to bother):
    /// `compactIfSparse` would move entries.
    @inlinable public var isSparse: Bool { next.count > 64 && count * 8 < next.count }

    /// Moves the live entries of the last slots into the free ones so every slot below `count` is live,
    /// then drops the free tail. `moved(from, to)` is called for every relocated entry (callers that keep
    /// data indexed like the slots, e.g. `Database.clocks`, move theirs). Entry indices held across this
    /// call are invalid; bucket order, hence SCAN cursors, is unaffected.
    public mutating func compact(_ moved: (Int, Int) -> Void = { _, _ in }) {
        if count == next.count { return }
        var low = 0
        var high = next.count - 1
        while true {
            while low < high && next[low] >= -1 { low += 1 }
            while high > low && next[high] < -1 { high -= 1 }
            if low >= high { break }
            relocate(from: high, to: low)
            moved(high, low)
            low += 1
            high -= 1
        }
        keys = Array(keys[0..<count])
        vals = Array(vals[0..<count])
        next = Array(next[0..<count])
        freeHead = -1
    }

    /// `compact()` when `isSparse`; returns true when it ran.
    @discardableResult
    public mutating func compactIfSparse(_ moved: (Int, Int) -> Void = { _, _ in }) -> Bool {
        if !isSparse { return false }
        compact(moved)
        return true
    }

    /// Moves live entry `from` to free slot `to`, relinking its chain.
    private mutating func relocate(from: Int, to: Int) {
        let b = bucket(of: keys[from])
        if buckets[b] == Int32(from) {
            buckets[b] = Int32(to)
        } else {
            var i = Int(buckets[b])
            while next[i] != Int32(from) { i = Int(next[i]) }
            next[i] = Int32(to)
        }
        keys[to] = keys[from]
        vals[to] = vals[from]
        next[to] = next[from]
        keys[from] = .empty
        vals[from] = placeholder
        next[from] = HashTable.freeMark(-1)
    }
}

extension HashTable: @unchecked Sendable where V: Sendable {}

/// Seed and helpers shared by every table.
public enum HashTableSeed {
    /// The process-wide seed.
    public static let value: UInt64 = {
        var g = SystemRandomNumberGenerator()
        return g.next()
    }()

    /// Reverses the bits of `v`.
    @inlinable public static func reverse(_ v: UInt64) -> UInt64 {
        var x = v
        x = ((x >> 1) & 0x5555_5555_5555_5555) | ((x & 0x5555_5555_5555_5555) << 1)
        x = ((x >> 2) & 0x3333_3333_3333_3333) | ((x & 0x3333_3333_3333_3333) << 2)
        x = ((x >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((x & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        x = ((x >> 8) & 0x00FF_00FF_00FF_00FF) | ((x & 0x00FF_00FF_00FF_00FF) << 8)
        x = ((x >> 16) & 0x0000_FFFF_0000_FFFF) | ((x & 0x0000_FFFF_0000_FFFF) << 16)
        return (x >> 32) | (x << 32)
    }
}
