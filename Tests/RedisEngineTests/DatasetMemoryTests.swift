import Foundation
import NIOCore
import RESP
import Testing
@testable import RedisEngine

/// The engine's own memory accounting (`Engine.usedMemory`, `MemoryModel`): it grows with the data
/// written, every write keeps it exact (the per-key charges equal a fresh recomputation), eviction
/// starts at the configured `maxmemory`, and none of it depends on the process RSS.
@Suite("Dataset memory accounting")
struct DatasetMemoryTests {
    static func info(_ c: TestClient, _ field: String) -> Int {
        let text = c.run("INFO", "memory")
        for line in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1)) ?? -1
        }
        return -1
    }

    static func stat(_ c: TestClient, _ field: String) -> Int {
        let text = c.run("INFO", "stats")
        for line in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1)) ?? -1
        }
        return -1
    }

    /// Every database's charges recomputed from scratch: what the incremental accounting must equal.
    static func recomputed(_ e: Engine) -> (dataset: Int, perDB: [Int]) {
        var total = 0
        var perDB: [Int] = []
        for db in e.databases {
            var n = 0
            db.main.forEachIndex { i in n += MemoryModel.keyEntry(keyLength: db.main.key(at: i).count, value: db.main.value(at: i)) }
            perDB.append(n)
            total += n
        }
        return (total, perDB)
    }

    @Test func fillingKeysRaisesUsedMemoryByTheirSize() {
        let c = TestClient()
        let before = Self.info(c, "used_memory")
        let n = 2000, size = 100
        let value = String(repeating: "v", count: size)
        for i in 0..<n { c.run("SET", "key:\(i)", value) }
        let grew = Self.info(c, "used_memory") - before
        // At least the payload, at most twice it: N x (S + dictEntry + key + robj + buckets).
        #expect(grew >= n * size && grew <= 2 * n * size, "grew \(grew) for \(n) x \(size) bytes")
        #expect(Self.info(c, "used_memory_dataset") == c.engine.datasetMemory)
        #expect(Self.info(c, "used_memory_peak") >= Self.info(c, "used_memory"))
        // MEMORY USAGE of every key sums to the dataset figure.
        var sum = 0
        for i in 0..<n {
            guard case .integer(let u)? = c.value("MEMORY", "USAGE", "key:\(i)") else { Issue.record("no MEMORY USAGE"); return }
            sum += Int(u)
        }
        #expect(sum == c.engine.datasetMemory)
        // Deleting everything gives the memory back.
        c.run("FLUSHALL")
        #expect(c.engine.datasetMemory == 0)
        #expect(Self.info(c, "used_memory") <= before + 64)
    }

    /// A mix of writes on every type, in place and not: afterwards the incremental charges equal a
    /// recomputation (a write path that forgot to recharge its key would show here).
    @Test func everyWriteKeepsTheAccountingExact() {
        let c = TestClient()
        let long = String(repeating: "L", count: 70)
        var script: [[String]] = [
            ["SET", "s1", "hello"], ["APPEND", "s1", long], ["SETRANGE", "s1", "200", "x"], ["INCR", "n"], ["INCRBY", "n", "5"],
            ["INCRBYFLOAT", "f", "1.5"], ["SETBIT", "bits", "1000", "1"], ["PFADD", "hll", "a", "b", "c"], ["GETSET", "s1", "short"],
            ["MSET", "m1", long, "m2", "2"], ["SETEX", "e1", "100", long], ["GETDEL", "m2"], ["GETEX", "m1", "EX", "50"],
            ["RPUSH", "l", "a", "b", long, "c"], ["LPUSH", "l", "z"], ["LSET", "l", "1", long], ["LINSERT", "l", "BEFORE", "c", long],
            ["LREM", "l", "1", long], ["LTRIM", "l", "0", "2"], ["RPOP", "l"], ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
            ["SADD", "set", "1", "2", "3"], ["SADD", "set", long], ["SREM", "set", "2"], ["SPOP", "set"], ["SMOVE", "set", "set2", "1"],
            ["SUNIONSTORE", "set3", "set", "set2"], ["HSET", "h", "f1", "v1", "f2", long], ["HINCRBY", "h", "n", "3"],
            ["HDEL", "h", "f1"], ["HSETNX", "h", "f3", long], ["ZADD", "z", "1", "a", "2", "b", "3", long], ["ZINCRBY", "z", "5", "a"],
            ["ZREM", "z", "b"], ["ZPOPMIN", "z"], ["ZUNIONSTORE", "z2", "1", "z"], ["XADD", "st", "*", "f", long],
            ["XADD", "st", "*", "g", "1"], ["XTRIM", "st", "MAXLEN", "1"], ["XGROUP", "CREATE", "st", "g1", "0"],
            ["RENAME", "s1", "s1r"], ["COPY", "h", "hcopy"], ["MOVE", "hcopy", "3"], ["SORT", "l2", "ALPHA", "STORE", "sorted"],
            ["EXPIRE", "z2", "100"], ["PERSIST", "z2"], ["DEL", "n"], ["UNLINK", "f"], ["SWAPDB", "0", "3"], ["SWAPDB", "0", "3"],
        ]
        // Collections past their small encodings, then shrunk (conversions, compaction of freed slots).
        script.append(["RPUSH", "big"] + (0..<300).map { "element-\($0)" })
        script.append(["SADD", "bigset"] + (0..<600).map { "member-\($0)" })
        script.append(["HSET", "bighash"] + (0..<300).flatMap { ["field-\($0)", "value-\($0)"] })
        script.append(["ZADD", "bigz"] + (0..<300).flatMap { [String($0), "member-\($0)"] })
        script.append(["SREM", "bigset"] + (0..<590).map { "member-\($0)" })
        script.append(["HDEL", "bighash"] + (0..<290).map { "field-\($0)" })
        script.append(["ZREMRANGEBYRANK", "bigz", "0", "289"])
        script.append(["LTRIM", "big", "0", "9"])
        for cmd in script {
            _ = c.runArgs(cmd)
            let want = Self.recomputed(c.engine)
            #expect(c.engine.datasetMemory == want.dataset, "after \(cmd.prefix(4).joined(separator: " ")): \(c.engine.datasetMemory) != \(want.dataset)")
            for (i, db) in c.engine.databases.enumerated() where db.datasetBytes != want.perDB[i] {
                var stale: [String] = []
                db.main.forEachIndex { j in
                    let k = db.main.key(at: j)
                    let fresh = MemoryModel.keyEntry(keyLength: k.count, value: db.main.value(at: j))
                    if j >= db.charges.count || db.charges[j] != fresh { stale.append("\(k.string)=\(j < db.charges.count ? db.charges[j] : -1)/\(fresh)") }
                }
                Issue.record("db \(i) after \(cmd.prefix(3)): \(db.datasetBytes) != \(want.perDB[i]); stale: \(stale)")
            }
        }
        // Expiry (lazy and active) and compaction in cron give every charge back.
        c.advance(200_000)
        c.engine.lock.withLock { c.engine.cron() }
        c.run("FLUSHDB")
        c.run("SELECT", "3")
        c.run("FLUSHDB")
        #expect(c.engine.datasetMemory == 0)
    }

    @Test func evictionStartsAtTheConfiguredLimit() {
        let c = TestClient()
        c.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        let used = Self.info(c, "used_memory")
        let budget = 200 * 1024
        c.run("CONFIG", "SET", "maxmemory", String(used + budget))
        let value = String(repeating: "x", count: 1000)
        let perKey = MemoryModel.keyEntry(keyLength: 4, value: .string(ByteString(value)))
        var written = 0
        var firstEviction = -1
        for i in 0..<1000 {
            c.run("SET", "k\(i)", value)
            written += 1
            // Like Redis, memory is checked before a write runs: the write itself may go past the limit.
            #expect(Self.info(c, "used_memory") <= used + budget + perKey, "over the limit after \(written) keys")
            if Self.stat(c, "evicted_keys") > 0 { firstEviction = written; break }
        }
        // Each key is charged about 1000 bytes + ~70 of overhead: eviction starts within 10 % of
        // budget / (value + overhead), not before (RSS noise) and not long after.
        let expected = budget / perKey
        #expect(firstEviction >= expected * 9 / 10 && firstEviction <= expected * 11 / 10 + 1,
                "first eviction after \(firstEviction) keys, expected about \(expected)")
        // Writing on keeps memory at the limit, evicting about one key per key written.
        for i in 1000..<1400 { c.run("SET", "k\(i)", value) }
        #expect(Self.info(c, "used_memory") <= used + budget + perKey)
        #expect(Self.stat(c, "evicted_keys") >= 390)

        // noeviction: the write past the limit is refused with Redis's OOM error.
        c.run("CONFIG", "SET", "maxmemory-policy", "noeviction")
        var refused = false
        for i in 0..<400 where !refused {
            refused = c.run("SET", "more\(i)", value).hasPrefix("-OOM command not allowed when used memory > 'maxmemory'")
        }
        #expect(refused)
    }

    /// Memory the process holds for something else (a big buffer, as `infera verify`'s host process or
    /// parallel test suites would) changes nothing: no eviction, no OOM, the same `used_memory`.
    @Test func unrelatedProcessMemoryCausesNoEviction() {
        let c = TestClient()
        c.run("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
        for i in 0..<100 { c.run("SET", "k\(i)", String(repeating: "v", count: 500)) }
        let used = Self.info(c, "used_memory")
        c.run("CONFIG", "SET", "maxmemory", String(used + 64 * 1024))
        let rssBefore = MemoryInfo.residentBytes()
        let size = 96 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { buffer.deallocate() }
        // Touch every page so it is resident.
        var p = 0
        while p < size { buffer.storeBytes(of: UInt8(p & 0xff), toByteOffset: p, as: UInt8.self); p += 4096 }
        #expect(MemoryInfo.residentBytes() >= rssBefore + size / 2, "the buffer did not become resident")
        c.engine.lock.withLock { c.engine.cron() }
        #expect(Self.info(c, "used_memory") == used)
        #expect(Self.info(c, "used_memory_rss") >= size)
        for i in 100..<120 { #expect(c.run("SET", "k\(i)", "small") == "+OK\r\n") }
        #expect(Self.stat(c, "evicted_keys") == 0)
        #expect(c.engine.totalKeys == 120)
    }

    @Test func jemallocSizeClasses() {
        let cases: [(Int, Int)] = [(1, 8), (8, 8), (9, 16), (17, 32), (24, 32), (100, 112), (128, 128), (129, 160),
                                   (160, 160), (161, 192), (257, 320), (1000, 1024), (1025, 1280), (100_001, 114_688)]
        for (n, want) in cases { #expect(MemoryModel.allocSize(n) == want, "allocSize(\(n))") }
    }

    @Test func memoryStatsReportsTheAccounting() {
        let c = TestClient()
        for i in 0..<50 { c.run("SET", "k\(i)", "value-\(i)") }
        let reply = c.run("MEMORY", "STATS")
        #expect(reply.contains("dataset.bytes\r\n:\(c.engine.datasetMemory)\r\n"))
        #expect(reply.contains("keys.count\r\n:50\r\n"))
        #expect(reply.contains("total.allocated\r\n:\(c.engine.usedMemory)\r\n"))
    }

    /// Redis's unit/tracking "invalidation message of eviction keys should be before response": a read
    /// past the limit evicts first, and the running client's invalidation precedes its reply (it used to
    /// go through the transport while the reply buffer was being written: an exclusivity crash).
    @Test func evictionBeforeAReadInvalidatesBeforeTheReply() {
        let c = TestClient()
        c.run("HELLO", "3")
        c.run("CLIENT", "TRACKING", "on")
        let used = Self.info(c, "used_memory")
        c.run("CONFIG", "SET", "maxmemory", String(used + 100 * 1024))
        c.run("CONFIG", "SET", "maxmemory-policy", "volatile-random")
        c.run("SETEX", "volatile-key", "10000", "x")
        c.run("GET", "volatile-key")
        #expect(c.run("SETBIT", "big-key", "1600000", "0") == ":0\r\n")
        #expect(c.run("GETBIT", "big-key", "0") == ">2\r\n$10\r\ninvalidate\r\n*1\r\n$12\r\nvolatile-key\r\n:0\r\n")
        #expect(Self.stat(c, "evicted_keys") == 1)
    }
}
