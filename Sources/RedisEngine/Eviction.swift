/// `maxmemory-policy`, parsed once when it is set.
public struct EvictionPolicy: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case none, lru, lfu, ttl, random }
    /// How keys are chosen.
    public let kind: Kind
    /// True for the `volatile-*` policies (only keys with an expiry are candidates).
    public let volatileOnly: Bool

    public static let noeviction = EvictionPolicy(kind: .none, volatileOnly: false)

    public init(kind: Kind, volatileOnly: Bool) {
        self.kind = kind
        self.volatileOnly = volatileOnly
    }

    /// Parses a `maxmemory-policy` value (unknown names: noeviction).
    public init(name: String) {
        let volatile = name.hasPrefix("volatile-")
        switch name {
        case "allkeys-lru", "volatile-lru": self.init(kind: .lru, volatileOnly: volatile)
        case "allkeys-lfu", "volatile-lfu": self.init(kind: .lfu, volatileOnly: volatile)
        case "allkeys-random", "volatile-random": self.init(kind: .random, volatileOnly: volatile)
        case "volatile-ttl": self.init(kind: .ttl, volatileOnly: true)
        default: self.init(kind: .none, volatileOnly: false)
        }
    }

    /// True when the per-key clock holds LFU data (Redis's MAXMEMORY_FLAG_LFU).
    @inlinable public var isLFU: Bool { kind == .lfu }
}

/// Redis's eviction pool: the best `size` candidates (highest "idle" score last), kept across evictions.
public struct EvictionPool: Sendable {
    public struct Entry: Sendable {
        public var idle: UInt64
        public var key: ByteString
        public var db: Int
    }
    /// Redis's EVPOOL_SIZE.
    public static let size = 16
    /// Candidates sorted by ascending `idle`.
    public private(set) var entries: [Entry] = []
    /// Next database the random policies start from (Redis's static next_db).
    public var nextDB = 0

    public init() {}

    /// Inserts a candidate like `evictionPoolPopulate`: ignored when the pool is full and every
    /// entry is better; otherwise the worst entry makes room. A key already pooled is updated.
    public mutating func offer(idle: UInt64, key: ByteString, db: Int) {
        if let j = entries.firstIndex(where: { $0.db == db && $0.key == key }) { entries.remove(at: j) }
        var k = 0
        while k < entries.count && entries[k].idle < idle { k += 1 }
        if k == 0 && entries.count == EvictionPool.size { return }
        entries.insert(Entry(idle: idle, key: key, db: db), at: k)
        if entries.count > EvictionPool.size { entries.removeFirst() }
    }

    /// Removes and returns the best candidate.
    public mutating func popBest() -> Entry? { entries.popLast() }

    /// Forgets every candidate (FLUSHALL, policy change).
    public mutating func removeAll() { entries.removeAll(keepingCapacity: true) }
}

/// Redis's LRU/LFU constants.
public enum AccessClock {
    /// LRU_CLOCK_MAX: the 24-bit clock wraps.
    public static let lruMax: UInt32 = (1 << 24) - 1
    /// LFU_INIT_VAL: the counter of a new key.
    public static let lfuInitVal: UInt32 = 5

    /// LRU clock (seconds, 24 bits) at `now` ms.
    @inlinable public static func lru(_ now: Int64) -> UInt32 {
        UInt32(truncatingIfNeeded: now / 1000) & lruMax
    }

    /// LFU time in minutes (16 bits) at `now` ms.
    @inlinable public static func lfuMinutes(_ now: Int64) -> UInt32 {
        UInt32(truncatingIfNeeded: now / 60_000) & 0xFFFF
    }

    /// Idle milliseconds of a key whose LRU clock is `lru` (estimateObjectIdleTime).
    public static func idleMilliseconds(_ lru: UInt32, now: Int64) -> UInt64 {
        let clock = AccessClock.lru(now)
        let seconds = clock >= lru ? clock - lru : clock + (lruMax - lru)
        return UInt64(seconds) * 1000
    }

    /// The LFU counter after decay (LFUDecrAndReturn): one decrement per `decayTime` minutes elapsed.
    public static func lfuDecayed(_ clock: UInt32, now: Int64, decayTime: Int) -> UInt32 {
        let ldt = clock >> 8
        let counter = clock & 255
        let minutes = lfuMinutes(now)
        let elapsed = minutes >= ldt ? minutes - ldt : 65535 - ldt + minutes
        let periods = decayTime > 0 ? Int(elapsed) / decayTime : 0
        if periods == 0 { return counter }
        return periods > Int(counter) ? 0 : counter - UInt32(periods)
    }

    /// LFULogIncr: increments with probability 1 / ((counter - LFU_INIT_VAL) * factor + 1).
    public static func lfuLogIncr<G: RandomNumberGenerator>(_ counter: UInt32, factor: Int, using rng: inout G) -> UInt32 {
        if counter >= 255 { return 255 }
        let r = Double(rng.next() >> 11) / Double(1 << 53)
        let base = max(0, Double(counter) - Double(lfuInitVal))
        let p = 1.0 / (base * Double(factor) + 1)
        return r < p ? counter + 1 : counter
    }
}

extension Engine {
    /// Updates the access clock of entry `i` of `db` after a lookup (Redis's lookupKey):
    /// LRU policies store the seconds clock, LFU policies decay and increment the counter.
    @inlinable public func touch(_ db: Database, _ i: Int, now: Int64) {
        if i >= db.clocks.count { return }
        if config.evictionPolicy.isLFU {
            touchLFU(db, i, now: now)
        } else {
            db.clocks[i] = AccessClock.lru(now)
        }
    }

    @usableFromInline func touchLFU(_ db: Database, _ i: Int, now: Int64) {
        let counter = AccessClock.lfuDecayed(db.clocks[i], now: now, decayTime: config.lfuDecayTime)
        let next = AccessClock.lfuLogIncr(counter, factor: config.lfuLogFactor, using: &random)
        db.clocks[i] = AccessClock.lfuMinutes(now) << 8 | next
    }

    /// The clock a new object gets (createObject): now, or LFU_INIT_VAL stamped with the minutes.
    public func newAccessClock(now: Int64) -> UInt32 {
        config.evictionPolicy.isLFU ? AccessClock.lfuMinutes(now) << 8 | AccessClock.lfuInitVal : AccessClock.lru(now)
    }

    /// Sets the clock of entry `i` after `setKey`: a new key gets a fresh clock; an overwritten key is first
    /// looked up like Redis's setKey does (one LFU access) and keeps its LFU data (dbSetValue), or gets the LRU
    /// clock of the new object; `keep` carries the clock of a moved or already looked-up object.
    func setAccessClock(_ db: Database, _ i: Int, inserted: Bool, keep: UInt32?) {
        while db.clocks.count <= i { db.clocks.append(0) }
        if let k = keep {
            db.clocks[i] = k
        } else if inserted || !config.evictionPolicy.isLFU {
            db.clocks[i] = newAccessClock(now: commandTime)
        } else {
            touchLFU(db, i, now: commandTime)
        }
    }

    /// The raw access clock of `key` (nil when absent), without touching it.
    public func accessClock(_ db: Database, _ key: ByteString) -> UInt32? {
        guard let i = db.main.find(key), i < db.clocks.count else { return nil }
        return db.clocks[i]
    }

    /// OBJECT IDLETIME in seconds for entry `i`.
    public func idleSeconds(_ db: Database, _ i: Int, now: Int64) -> Int {
        guard i < db.clocks.count else { return 0 }
        return Int(AccessClock.idleMilliseconds(db.clocks[i], now: now) / 1000)
    }

    /// OBJECT FREQ for entry `i` (the decayed counter, not stored).
    public func frequency(_ db: Database, _ i: Int, now: Int64) -> Int {
        guard i < db.clocks.count else { return 0 }
        return Int(AccessClock.lfuDecayed(db.clocks[i], now: now, decayTime: config.lfuDecayTime))
    }

    // MARK: eviction

    /// The eviction score of entry `i` (higher = evict first), like evictionPoolPopulate.
    func evictionScore(_ db: Database, _ i: Int, key: ByteString, now: Int64) -> UInt64 {
        switch config.evictionPolicy.kind {
        case .lru:
            return i < db.clocks.count ? AccessClock.idleMilliseconds(db.clocks[i], now: now) : 0
        case .lfu:
            let c = i < db.clocks.count ? AccessClock.lfuDecayed(db.clocks[i], now: now, decayTime: config.lfuDecayTime) : 0
            return UInt64(255 - c)
        case .ttl:
            let t = db.expires[key] ?? Int64.max
            return UInt64.max - UInt64(max(0, t))
        case .random, .none:
            return 0
        }
    }

    /// Samples `maxmemory-samples` keys of `db` into the pool.
    func populateEvictionPool(_ db: Database, now: Int64) {
        let policy = config.evictionPolicy
        let samples = max(1, config.maxMemorySamples)
        for _ in 0..<samples {
            let key: ByteString
            let i: Int
            if policy.volatileOnly {
                guard let e = db.expires.randomIndex(using: &random) else { return }
                key = db.expires.key(at: e)
                guard let m = db.main.find(key) else { continue }
                i = m
            } else {
                guard let m = db.main.randomIndex(using: &random) else { return }
                i = m
                key = db.main.key(at: m)
            }
            evictionPool.offer(idle: evictionScore(db, i, key: key, now: now), key: key, db: db.index)
        }
    }

    /// Picks the next key to evict under the current policy (nil: nothing evictable). Does not delete it.
    public func evictionCandidate(now: Int64) -> (db: Database, key: ByteString)? {
        let policy = config.evictionPolicy
        switch policy.kind {
        case .none:
            return nil
        case .random:
            // Like Redis: databases in turn (starting after the last one used), a random key of each.
            for k in 0..<databases.count {
                let db = databases[(evictionPool.nextDB + k) % databases.count]
                let table = policy.volatileOnly ? db.expires.count : db.main.count
                if table == 0 { continue }
                evictionPool.nextDB = (db.index + 1) % databases.count
                if policy.volatileOnly {
                    if let e = db.expires.randomIndex(using: &random) { return (db, db.expires.key(at: e)) }
                } else if let m = db.main.randomIndex(using: &random) {
                    return (db, db.main.key(at: m))
                }
            }
            return nil
        case .lru, .lfu, .ttl:
            while true {
                var total = 0
                for db in databases {
                    let n = policy.volatileOnly ? db.expires.count : db.main.count
                    if n == 0 { continue }
                    total += n
                    populateEvictionPool(db, now: now)
                }
                if total == 0 { return nil }
                while let best = evictionPool.popBest() {
                    guard best.db < databases.count else { continue }
                    let db = databases[best.db]
                    let present = policy.volatileOnly ? db.expires[best.key] != nil : db.main.find(best.key) != nil
                    if present { return (db, best.key) }
                }
            }
        }
    }

    /// Evicts one key chosen by the policy, with the `evicted` event and signals. Returns it.
    @discardableResult
    public func evictOneKey(now: Int64) -> (db: Int, key: ByteString)? {
        guard let (db, key) = evictionCandidate(now: now) else { return nil }
        guard deleteKey(db, key) else { return nil }
        stats.evictedKeys += 1
        let mods = modificationCount
        defer { modificationCount = mods }
        if aof.propagating { aofPropagateDeletion(db: db.index, key: key, lazy: aofSetting("lazyfree-lazy-eviction", "no") == "yes") }
        notifyKeyspaceEvent(.evicted, "evicted", key: key, db: db.index)
        tracking?.serverModification = true
        signalModifiedKey(db: db.index, key: key)
        tracking?.serverModification = false
        return (db.index, key)
    }

    /// Evicts keys until `usedMemory` is at most `maxmemory` (Redis's performEvictions). The accounting
    /// is exact per key, so it is re-read after every eviction; each key is evicted at most once, which
    /// bounds the loop. False when memory is still over the limit and nothing more can be evicted.
    @discardableResult
    public func evictUntilUnderLimit() -> Bool {
        var used = notePeakMemory()
        if used <= config.maxMemory { return true }
        if config.evictionPolicy.kind == .none { return false }
        let now = commandTime
        var budget = totalKeys
        while used > config.maxMemory && budget > 0 {
            if evictOneKey(now: now) == nil { return false }
            budget -= 1
            used = usedMemory
        }
        return used <= config.maxMemory
    }
}
