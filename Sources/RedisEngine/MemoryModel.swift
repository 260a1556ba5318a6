/// The engine's own memory accounting, in the spirit of Redis's zmalloc `used_memory`: what Redis 7.0
/// (jemalloc) would allocate for the same data, estimated per value from sizes kept up to date by every
/// mutation, so every figure here is O(1). `used_memory`, MEMORY USAGE/STATS, `maxmemory` and eviction
/// use it; the process RSS (allocator behaviour, other code in the same process) plays no part.
///
/// Calibrated against redis-server 7.0.15 (Debian, jemalloc 5.3): per key `SET key:N v` ≈ 98 bytes,
/// a 100-byte value ≈ 189, an expiry ≈ 47, a list element of 20 bytes ≈ 24, a set member of 25 bytes ≈ 86,
/// a hash field ≈ 94, a sorted-set member ≈ 139 (`DatasetMemoryTests` checks the ratio in one run).
public enum MemoryModel {
    /// sizeof(robj).
    public static let objectHeader = 16
    /// A dictEntry (24 bytes, allocated in jemalloc's 32-byte class).
    public static let dictEntry = 32
    /// A dict (struct dict with its two tables' headers).
    public static let dictHeader = 64
    /// A dict bucket (a pointer).
    public static let bucket = 8

    /// jemalloc's size class for an allocation of `n` bytes: 8, 16, then multiples of 16 up to 128,
    /// then four classes per power of two.
    @inlinable public static func allocSize(_ n: Int) -> Int {
        if n <= 8 { return 8 }
        if n <= 128 { return (n + 15) & ~15 }
        let k = Int.bitWidth - (n - 1).leadingZeroBitCount - 1   // 2^k < n <= 2^(k+1)
        let step = 1 << (k - 2)
        return (n + step - 1) & ~(step - 1)
    }

    /// An sds string of `len` bytes (header by length, trailing NUL).
    @inlinable public static func sds(_ len: Int) -> Int {
        let header = len < 256 ? 3 : len < 65536 ? 5 : 9
        return allocSize(header + len + 1)
    }

    /// Estimated bytes of `count` sds strings whose lengths sum to `bytes` (header, NUL and
    /// the average rounding to a size class: about 10 bytes each for short strings).
    @inlinable public static func sdsMany(count: Int, bytes: Int) -> Int { bytes + count * 10 }

    /// A listpack holding `entries` entries whose payloads sum to `bytes` (2 bytes of encoding and
    /// back-length per entry, 7-byte header, end byte).
    @inlinable public static func listpack(entries: Int, bytes: Int) -> Int {
        allocSize(7 + bytes + 2 * entries + 1)
    }

    /// A string value: shared-free int (robj only), embstr (robj and sds in one allocation) up to 44
    /// bytes, raw (robj + sds with `capacity` bytes allocated) above.
    @inlinable public static func string(length: Int, capacity: Int, isInt: Bool) -> Int {
        if isInt { return objectHeader }
        if length <= 44 && capacity <= 44 { return allocSize(objectHeader + 3 + length + 1) }
        return objectHeader + sds(max(length, capacity))
    }

    /// A list (quicklist of listpacks of at most 8 KiB, `list-max-listpack-size -2`).
    public static func list(count: Int, bytes: Int) -> Int {
        let payload = bytes + 2 * count
        let nodes = max(1, (payload + 8191) / 8192)
        let perNode = payload / nodes
        return objectHeader + 48 + nodes * (32 + allocSize(7 + perNode + 1))
    }

    /// A set stored as an intset (`count` integers, 4 bytes each on average).
    @inlinable public static func intset(count: Int) -> Int { objectHeader + allocSize(8 + 4 * count) }

    /// A set stored as a dict of sds members.
    @inlinable public static func hashtableSet(count: Int, buckets: Int, bytes: Int) -> Int {
        objectHeader + dictHeader + buckets * bucket + count * dictEntry + sdsMany(count: count, bytes: bytes)
    }

    /// A hash stored as a listpack (`count` fields; `bytes` = fields' and values' lengths).
    @inlinable public static func listpackHash(count: Int, bytes: Int) -> Int {
        objectHeader + listpack(entries: 2 * count, bytes: bytes)
    }

    /// A hash stored as a dict of sds fields and values.
    @inlinable public static func hashtableHash(count: Int, buckets: Int, bytes: Int) -> Int {
        objectHeader + dictHeader + buckets * bucket + count * dictEntry + sdsMany(count: 2 * count, bytes: bytes)
    }

    /// A sorted set stored as a listpack (member, score pairs; a score takes about 4 bytes).
    @inlinable public static func listpackZSet(count: Int, bytes: Int) -> Int {
        objectHeader + listpack(entries: 2 * count, bytes: bytes + 4 * count)
    }

    /// A sorted set stored as a skiplist (header node with 32 levels, a node of 1.33 levels on average,
    /// 48 bytes) plus a dict sharing the members' sds.
    @inlinable public static func skiplistZSet(count: Int, buckets: Int, bytes: Int) -> Int {
        objectHeader + 16 + 32 + allocSize(24 + 32 * 16) + dictHeader + buckets * bucket
            + count * (dictEntry + 48) + sdsMany(count: count, bytes: bytes)
    }

    /// A keyspace entry: the dictEntry, the key's sds and the value.
    @inlinable public static func keyEntry(keyLength: Int, value: Value) -> Int {
        dictEntry + sds(keyLength) + value.memoryUsage
    }

    /// An expiry: an entry in the `expires` dict (the key's sds is shared with the main dict).
    public static let expireEntry = dictEntry
}
