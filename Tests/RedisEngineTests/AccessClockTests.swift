import NIOCore
import RESP
import Testing
@testable import RedisEngine

/// Per-key LRU/LFU clock (OBJECT IDLETIME/FREQ) and approximated eviction, on a ManualClock.
@Suite struct AccessClockTests {
    static let lfuSelected = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
    static let lfuNotSelected = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."

    /// The integer of a ":n\r\n" reply (-999 otherwise).
    static func intReply(_ s: String) -> Int {
        guard s.hasPrefix(":") else { return -999 }
        return Int(String(s.dropFirst().prefix { $0 != "\r\n" && $0 != "\r" })) ?? -999
    }

    @Test func idleTimeGrowsAndResetsOnAccess() {
        let c = TestClient()
        #expect(c.run("SET", "k", "v") == OK)
        #expect(c.run("OBJECT", "IDLETIME", "k") == int(0))
        c.advance(12_345)
        #expect(c.run("OBJECT", "IDLETIME", "k") == int(12))
        // OBJECT, TYPE, EXISTS, TTL, PTTL and SCAN don't touch.
        c.run("TYPE", "k"); c.run("EXISTS", "k"); c.run("TTL", "k"); c.run("PTTL", "k"); c.run("SCAN", "0")
        c.run("OBJECT", "ENCODING", "k")
        #expect(c.run("OBJECT", "IDLETIME", "k") == int(12))
        // GET touches.
        #expect(c.run("GET", "k") == bulk("v"))
        #expect(c.run("OBJECT", "IDLETIME", "k") == int(0))
        c.advance(5_000)
        #expect(c.run("TOUCH", "k", "missing") == int(1))
        #expect(c.run("OBJECT", "IDLETIME", "k") == int(0))
        c.advance(7_000)
        #expect(c.run("OBJECT", "IDLETIME", "k") == int(7))
        #expect(c.run("OBJECT", "IDLETIME", "missing") == NIL)
    }

    @Test func renameAndMoveKeepTheClockCopyStartsFresh() {
        let c = TestClient()
        c.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        c.run("SET", "a", "1")
        for _ in 0..<200 { c.run("GET", "a") }
        let freq = Self.intReply(c.run("OBJECT", "FREQ", "a"))
        #expect(freq > 5)
        c.run("RENAME", "a", "b")
        // RENAME looked the key up (one more access, may increment by at most 1).
        let after = Self.intReply(c.run("OBJECT", "FREQ", "b"))
        #expect(after == freq || after == freq + 1)
        #expect(c.run("COPY", "b", "c") == int(1))
        #expect(c.run("OBJECT", "FREQ", "c") == int(5))
    }

    @Test func objectErrorsFollowThePolicy() {
        let c = TestClient()
        c.run("SET", "k", "v")
        #expect(c.run("OBJECT", "FREQ", "k") == err(Self.lfuNotSelected))
        #expect(c.run("OBJECT", "FREQ", "nokey") == NIL)   // missing key answered first
        #expect(c.run("CONFIG", "SET", "maxmemory-policy", "volatile-lfu") == OK)
        #expect(c.run("OBJECT", "IDLETIME", "k") == err(Self.lfuSelected))
        #expect(c.run("OBJECT", "IDLETIME", "nokey") == NIL)
        #expect(c.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == OK)
        #expect(c.run("OBJECT", "FREQ", "k") == err(Self.lfuNotSelected))
        #expect(c.run("CONFIG", "GET", "lfu-log-factor") == arr(bulk("lfu-log-factor"), bulk("10")))
        #expect(c.run("CONFIG", "GET", "lfu-decay-time") == arr(bulk("lfu-decay-time"), bulk("1")))
        #expect(c.run("CONFIG", "SET", "lfu-log-factor", "-1").hasPrefix("-ERR CONFIG SET failed (possibly related to argument 'lfu-log-factor')"))
    }

    @Test func lfuCounterStartsAtFiveGrowsLogarithmicallyAndDecays() {
        let c = TestClient()
        // A fixed seed: the counter is probabilistic (about 3 % of random seeds land outside 13...24).
        c.engine.random = XorShiftRandom(seed: 0x5EED_1FC0)
        c.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        c.run("SET", "hot", "v")
        c.run("SET", "cold", "v")
        #expect(c.run("OBJECT", "FREQ", "hot") == int(5))
        // With lfu-log-factor 10 about 1,000 hits reach ~18 (Redis's table: 100 hits → 10..11, 1K → 18).
        for _ in 0..<1000 { c.run("GET", "hot") }
        let f1000 = Self.intReply(c.run("OBJECT", "FREQ", "hot"))
        #expect((13...24).contains(f1000))
        #expect(c.run("OBJECT", "FREQ", "cold") == int(5))
        // Decay: one step per lfu-decay-time minute, applied when read (not stored by OBJECT FREQ).
        c.advance(3 * 60_000)
        #expect(c.run("OBJECT", "FREQ", "hot") == int(f1000 - 3))
        #expect(c.run("OBJECT", "FREQ", "cold") == int(2))
        c.advance(10 * 60_000)
        #expect(c.run("OBJECT", "FREQ", "cold") == int(0))
        c.run("CONFIG", "SET", "lfu-decay-time", "0")
        #expect(c.run("OBJECT", "FREQ", "hot") == int(f1000))
        // lfu-log-factor 0: every access increments.
        c.run("CONFIG", "SET", "lfu-log-factor", "0")
        c.run("SET", "lin", "v")
        for _ in 0..<20 { c.run("GET", "lin") }
        #expect(c.run("OBJECT", "FREQ", "lin") == int(25))
    }

    @Test func configFileSettingsLeftInExtraAreAdopted() {
        var config = EngineConfig()
        config.extra["lfu-log-factor"] = "3"
        config.extra["lfu-decay-time"] = "7"
        config.extra["acllog-max-len"] = "bad"
        let c = TestClient(config: config)
        #expect(c.run("CONFIG", "GET", "lfu-log-factor") == arr(bulk("lfu-log-factor"), bulk("3")))
        #expect(c.run("CONFIG", "GET", "lfu-decay-time") == arr(bulk("lfu-decay-time"), bulk("7")))
        #expect(c.run("CONFIG", "GET", "acllog-max-len") == arr(bulk("acllog-max-len"), bulk("128")))
    }

    @Test func lfuLogIncrMatchesRedisProbabilities() {
        var rng = XorShiftRandom(seed: 7)
        var total = 0
        for _ in 0..<40 {
            var counter: UInt32 = AccessClock.lfuInitVal
            var hits = 0
            while counter < 15 && hits < 1_000_000 { counter = AccessClock.lfuLogIncr(counter, factor: 10, using: &rng); hits += 1 }
            total += hits
        }
        // Expected hits from 5 to 15 with factor 10: sum_{b=0}^{9} (10b + 1) = 460 (sd of the mean of 40 ≈ 27).
        #expect((340...580).contains(total / 40), "mean \(total / 40)")
        #expect(AccessClock.lfuLogIncr(255, factor: 10, using: &rng) == 255)
    }

    @Test func idleClockWrapsLikeRedis() {
        // A clock stored just before the 24-bit wrap, read just after it.
        let now: Int64 = (1 << 24) * 1000 + 5_000
        #expect(AccessClock.idleMilliseconds(AccessClock.lruMax - 10, now: now) == (5 + 10) * 1000)
        #expect(AccessClock.lfuDecayed(UInt32(65530) << 8 | 20, now: Int64(65536 + 4) * 60_000, decayTime: 1) == 11)
    }

    /// Fills `n` keys accessed at distinct times (key i idle for n-i seconds) and returns the engine.
    static func agedKeys(_ n: Int, policy: String, ttl: Bool = false) -> TestClient {
        let c = TestClient()
        c.engine.random = XorShiftRandom(seed: 12345)
        c.run("CONFIG", "SET", "maxmemory-policy", policy)
        for i in 0..<n {
            if ttl {
                c.run("SET", "k\(i)", "v", "PX", String(1_000_000 + i * 1000))
            } else {
                c.run("SET", "k\(i)", "v")
            }
            c.advance(1000)
        }
        return c
    }

    static func evicted(_ c: TestClient, _ count: Int) -> [Int] {
        var out: [Int] = []
        c.engine.lock.withLock {
            for _ in 0..<count {
                guard let (_, key) = c.engine.evictOneKey(now: c.clock.nowMilliseconds()) else { break }
                let s = key.string
                out.append(s.hasPrefix("k") ? Int(s.dropFirst()) ?? -1 : -1)
            }
        }
        return out
    }

    @Test func lruEvictionPrefersIdleKeys() {
        let n = 1000
        let c = Self.agedKeys(n, policy: "allkeys-lru")
        let ev = Self.evicted(c, 100)
        #expect(ev.count == 100)
        // Key i is idle n-i seconds: the oldest half are indices < 500. Random eviction would give ~50%.
        let old = ev.filter { $0 < n / 2 }.count
        #expect(old >= 85, "evicted \(old)/100 from the idle half")
        #expect(c.run("DBSIZE") == int(n - 100))
        #expect(c.run("INFO", "stats").contains("evicted_keys:100\r\n"))
    }

    @Test func lfuEvictionPrefersRarelyUsedKeys() {
        let c = TestClient()
        c.engine.random = XorShiftRandom(seed: 99)
        c.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        c.run("CONFIG", "SET", "lfu-log-factor", "0")
        for i in 0..<400 { c.run("SET", "k\(i)", "v") }
        // Keys 200..399 are hot (counter 25), keys 0..199 stay at 5.
        for i in 200..<400 { for _ in 0..<20 { c.run("GET", "k\(i)") } }
        let ev = Self.evicted(c, 100)
        let cold = ev.filter { $0 < 200 }.count
        #expect(cold >= 95, "evicted \(cold)/100 cold keys")
    }

    @Test func volatileTTLEvictsSoonestExpiringAndVolatileSkipsPersistentKeys() {
        let n = 600
        let c = Self.agedKeys(n, policy: "volatile-ttl", ttl: true)
        for i in 0..<100 { c.run("SET", "p\(i)", "persistent") }
        let ev = Self.evicted(c, 100)
        #expect(ev.allSatisfy { $0 >= 0 }, "only keys with a TTL")   // p* keys parse as -1
        let soon = ev.filter { $0 < n / 2 }.count
        #expect(soon >= 85, "evicted \(soon)/100 of the soonest-expiring half")

        let r = TestClient()
        r.run("CONFIG", "SET", "maxmemory-policy", "volatile-lru")
        r.run("SET", "keep", "v")
        r.run("SET", "vol", "v", "EX", "100")
        let ev2 = Self.evicted(r, 5)
        #expect(ev2.count == 1)
        #expect(r.run("EXISTS", "keep") == int(1))
    }

    @Test func randomAndNoEviction() {
        let c = Self.agedKeys(100, policy: "allkeys-random")
        #expect(Self.evicted(c, 100).count == 100)
        #expect(c.run("DBSIZE") == int(0))
        let n = Self.agedKeys(10, policy: "noeviction")
        #expect(Self.evicted(n, 5).isEmpty)
    }

    @Test func maxmemoryEvictsThroughThePolicyBeforeWrites() {
        let c = Self.agedKeys(50, policy: "allkeys-lru")
        c.run("CONFIG", "SET", "maxmemory", "1")   // always over: CONFIG SET evicts at once, as Redis does
        #expect(c.run("INFO", "stats").contains("evicted_keys:50\r\n"))
        // Nothing left to evict and still over the limit: writes are refused (redis-server does the same).
        #expect(c.run("SET", "new", "v") == err("OOM command not allowed when used memory > 'maxmemory'."))
        c.run("CONFIG", "SET", "maxmemory-policy", "noeviction")
        #expect(c.run("SET", "new2", "v") == err("OOM command not allowed when used memory > 'maxmemory'."))
        c.run("CONFIG", "SET", "maxmemory", "0")
    }

    @Test func flushAndSwapdbKeepClocksAligned() {
        let c = TestClient()
        c.run("SET", "a", "1")
        c.advance(3000)
        c.run("SELECT", "1")
        c.run("SET", "b", "1")
        #expect(c.run("SWAPDB", "0", "1") == OK)
        #expect(c.run("OBJECT", "IDLETIME", "a") == int(3))
        #expect(c.run("OBJECT", "IDLETIME", "b") == NIL)
        c.run("FLUSHALL")
        c.run("SET", "a", "1")
        #expect(c.run("OBJECT", "IDLETIME", "a") == int(0))
    }
}
