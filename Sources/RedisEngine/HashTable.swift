/// A chained hash table keyed by `ByteString`, stored as parallel arrays (no allocation per entry).
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
            freeHead = next[idx]
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
        return idx
    }

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
    public mutating func remove(_ key: ByteString) -> V? {
        let b = bucket(of: key)
        var prev: Int32 = -1
        var i = buckets[b]
        while i >= 0 {
            let ii = Int(i)
            if keys[ii] == key {
                if prev < 0 { buckets[b] = next[ii] } else { next[Int(prev)] = next[ii] }
                let v = vals[ii]
                keys[ii] = .empty
                vals[ii] = placeholder
                next[ii] = freeHead
                freeHead = i
                count -= 1
                if count == 0 { removeAll() }
                return v
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

    /// A random live entry index (Redis-like: random bucket, then random element of its chain).
    public func randomIndex<G: RandomNumberGenerator>(using rng: inout G) -> Int? {
        if count == 0 { return nil }
        let mask = buckets.count - 1
        var tries = 0
        while tries < 64 {
            let b = Int(rng.next() & UInt64(mask))
            if buckets[b] >= 0 { return pickInChain(b, &rng) }
            tries += 1
        }
        let start = Int(rng.next() & UInt64(mask))
        for k in 0...mask {
            let b = (start + k) & mask
            if buckets[b] >= 0 { return pickInChain(b, &rng) }
        }
        return nil
    }

    private func pickInChain<G: RandomNumberGenerator>(_ b: Int, _ rng: inout G) -> Int {
        var len = 0
        var i = buckets[b]
        while i >= 0 { len += 1; i = next[Int(i)] }
        var k = Int(rng.next() % UInt64(len))
        i = buckets[b]
        while k > 0 { i = next[Int(i)]; k -= 1 }
        return Int(i)
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
