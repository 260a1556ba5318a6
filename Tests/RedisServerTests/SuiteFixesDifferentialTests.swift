import Foundation
import InferaTestSupport
import Testing

/// Differential cases for single failures of Redis 7.0's own suite: SORT's key positions, the dirty
/// counter of SETBIT/BITFIELD, SWAPDB waking blocked clients, and the statistics of a blocked command
/// that ends with an error (XGROUP DESTROY, CLIENT UNBLOCK ERROR), lazyfreed_objects.
@Suite("Differential: Redis suite single fixes (SORT keys, bit dirty, SWAPDB wake-up, unblock errors)")
struct SuiteFixesDifferentialTests {
    @Test func sortKeysAndSharedIntegers() throws { try runCases(Self.sortKeys) }

    static let sortKeys: [DiffCase] = [
        DiffCase("sort-getkeys-last-store", """
        COMMAND GETKEYS sort abc store invalid store stillbad store def
        COMMAND GETKEYS sort abc by store get store limit 0 1
        COMMAND GETKEYS sort abc limit 0 1 store dst
        COMMAND GETKEYS sort_ro abc by x get y
        """),
        DiffCase("shared-integers-without-maxmemory", """
        CONFIG SET maxmemory-policy allkeys-lru
        CONFIG SET maxmemory 0
        SET a 1
        OBJECT REFCOUNT a
        CONFIG SET maxmemory 1073741824
        SET a 1
        OBJECT REFCOUNT a
        CONFIG SET maxmemory-policy allkeys-random
        SET a 1
        OBJECT REFCOUNT a
        CONFIG SET maxmemory 0
        CONFIG SET maxmemory-policy noeviction
        """),
    ]

    /// Runs `body` against the reference and the candidate and compares the transcripts line by line.
    static func compare(_ transcript: (Int) throws -> [String]) throws {
        try ServerPair.with { pair in
            let expected = try transcript(pair.reference.port)
            let actual = try transcript(pair.candidate.port)
            #expect(expected.count == actual.count)
            for (i, (e, a)) in zip(expected, actual).enumerated() {
                #expect(e == a, "step \(i): redis-server \(e) vs under test \(a)")
            }
        }
    }

    /// The value of `field` in an INFO reply (nil when absent).
    static func infoField(_ reply: RESPReply, _ field: String) -> String? {
        for line in (reply.text ?? "").split(whereSeparator: \.isNewline) where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1))
        }
        return nil
    }

    /// rdb_changes_since_last_save after each step, as a difference from the start.
    @Test func bitCommandsDirty() throws {
        try Self.compare { port in
            let c = try RedisTestClient(port: port)
            defer { c.close() }
            func changes() throws -> Int {
                Int(Self.infoField(try c.command("INFO", "persistence"), "rdb_changes_since_last_save") ?? "") ?? -1
            }
            var out: [String] = []
            _ = try c.command("DEL", "foo", "foo2", "foo3")
            let start = try changes()
            let steps: [[String]] = [
                ["SETBIT", "foo", "0", "0"], ["BITFIELD", "foo2", "SET", "i5", "0", "0"],
                ["SETBIT", "foo", "0", "0"], ["BITFIELD", "foo2", "SET", "i5", "0", "0"],
                ["SETBIT", "foo", "0", "1"], ["SETBIT", "foo", "0", "1"],
                ["BITFIELD", "foo2", "SET", "i5", "0", "1", "SET", "i5", "0", "1", "SET", "i5", "0", "0"],
                ["BITFIELD", "foo3", "INCRBY", "i5", "0", "1"], ["BITFIELD", "foo3", "INCRBY", "i5", "0", "0"],
                ["BITFIELD", "foo3", "OVERFLOW", "FAIL", "INCRBY", "i5", "0", "100"],
                ["BITFIELD", "foo4", "OVERFLOW", "FAIL", "SET", "u2", "0", "100"],
                ["SETBIT", "foo", "90", "0"], ["BITFIELD", "foo2", "SET", "i5", "90", "0"],
                ["BITFIELD", "foo2", "GET", "u8", "0"],
            ]
            for s in steps {
                out.append("\(s.joined(separator: " ")) -> \(try c.command(s).description) dirty+\(try changes() - start)")
            }
            out.append(try c.command("EXISTS", "foo4").description)
            return out
        }
    }

    @Test func swapdbWakesBlockedClient() throws {
        try Self.compare { port in
            let a = try RedisTestClient(port: port), b = try RedisTestClient(port: port)
            defer { a.close(); b.close() }
            var out: [String] = []
            _ = try b.command("FLUSHALL")
            _ = try b.command("SELECT", "1")
            _ = try b.command("RPUSH", "k", "hello")
            _ = try a.command("SELECT", "9")
            guard let id = try a.command("CLIENT", "ID").integer else { throw RedisTestError("CLIENT ID") }
            try a.send(["BRPOP", "k", "0"])
            out.append(try a.hasNoPendingReply(within: .milliseconds(100)) ? "blocked" : "not blocked")
            out.append(try b.command("SWAPDB", "1", "9").description)
            out.append(try a.readReply(timeout: .seconds(5)).description)
            out.append(try b.command("LLEN", "k").description)
            // A SWAPDB that brings in a key of the wrong type: the client stays blocked.
            _ = try b.command("SET", "k", "str")
            try a.send(["BRPOP", "k", "0"])
            out.append(try a.hasNoPendingReply(within: .milliseconds(100)) ? "blocked" : "not blocked")
            out.append(try b.command("SWAPDB", "1", "9").description)
            out.append(try a.hasNoPendingReply(within: .milliseconds(100)) ? "still blocked" : "woken")
            out.append(try b.command("CLIENT", "UNBLOCK", String(id)).description)
            out.append(try a.readReply(timeout: .seconds(5)).description)
            return out
        }
    }

    @Test func blockedCommandErrorStats() throws {
        try Self.compare { port in
            let a = try RedisTestClient(port: port), b = try RedisTestClient(port: port)
            defer { a.close(); b.close() }
            var out: [String] = []
            func stats() throws {
                out.append("total_error_replies=\(Self.infoField(try b.command("INFO", "stats"), "total_error_replies") ?? "-")")
                let errs = try b.command("INFO", "errorstats")
                out.append("NOGROUP \(Self.infoField(errs, "errorstat_NOGROUP") ?? "-")")
                out.append("UNBLOCKED \(Self.infoField(errs, "errorstat_UNBLOCKED") ?? "-")")
                let cmds = try b.command("INFO", "commandstats")
                for name in ["xreadgroup", "blpop"] {
                    let line = Self.infoField(cmds, "cmdstat_\(name)") ?? "-"
                    // usec values differ between the servers; keep the counters.
                    out.append(name + " " + line.split(separator: ",").filter { !$0.hasPrefix("usec") }.joined(separator: ","))
                }
            }
            _ = try b.command("CONFIG", "RESETSTAT")
            _ = try b.command("DEL", "mystream")
            out.append(try b.command("XGROUP", "CREATE", "mystream", "mygroup", "$", "MKSTREAM").description)
            try a.send(["XREADGROUP", "GROUP", "mygroup", "Alice", "BLOCK", "0", "STREAMS", "mystream", ">"])
            out.append(try a.hasNoPendingReply(within: .milliseconds(100)) ? "blocked" : "not blocked")
            out.append(try b.command("XGROUP", "DESTROY", "mystream", "mygroup").description)
            out.append(try a.readReply(timeout: .seconds(5)).description)
            try stats()
            guard let id = try a.command("CLIENT", "ID").integer else { throw RedisTestError("CLIENT ID") }
            try a.send(["BLPOP", "nokey", "0"])
            out.append(try a.hasNoPendingReply(within: .milliseconds(100)) ? "blocked" : "not blocked")
            out.append(try b.command("CLIENT", "UNBLOCK", String(id), "ERROR").description)
            out.append(try a.readReply(timeout: .seconds(5)).description)
            try stats()
            return out
        }
    }

    /// lazyfreed_objects after UNLINK of values of each encoding and FLUSHALL ASYNC.
    @Test func lazyfreedObjects() throws {
        try Self.compare { port in
            let c = try RedisTestClient(port: port)
            defer { c.close() }
            var out: [String] = []
            // redis-server frees in a background thread: wait (bounded) until nothing is pending.
            func counted() throws -> String {
                var info = try c.command("INFO", "memory")
                for _ in 0..<400 where Self.infoField(info, "lazyfree_pending_objects") != "0" {
                    Thread.sleep(forTimeInterval: 0.005)
                    info = try c.command("INFO", "memory")
                }
                return Self.infoField(info, "lazyfreed_objects") ?? "-"
            }
            for (k, v) in [("hash-max-listpack-entries", "128"), ("zset-max-listpack-entries", "128"),
                           ("set-max-intset-entries", "512"), ("stream-node-max-entries", "5")] {
                _ = try c.command("CONFIG", "SET", k, v)
            }
            _ = try c.command("FLUSHALL")
            _ = try c.command("CONFIG", "RESETSTAT")
            let nums = (1...600).map(String.init)
            _ = try c.command(["SADD", "intset"] + Array(nums[..<100]))
            _ = try c.command(["SADD", "set"] + nums)
            _ = try c.command(["ZADD", "zset"] + nums)
            _ = try c.command(["HSET", "hash"] + nums)
            _ = try c.command(["HSET", "smallhash"] + Array(nums[..<20]))
            _ = try c.command(["RPUSH", "list"] + nums)
            _ = try c.command("SET", "str", "x")
            for j in 0..<400 { _ = try c.command("XADD", "stream", "*", "f", String(j)) }
            _ = try c.command("XADD", "small", "*", "a", "b")
            for k in ["intset", "set", "zset", "hash", "smallhash", "list", "str", "stream", "small", "nokey"] {
                out.append("UNLINK \(k) \(try c.command("UNLINK", k).description) -> \(try counted())")
            }
            _ = try c.command("MSET", "a", "1", "b", "2", "c", "3")
            out.append("FLUSHALL ASYNC \(try c.command("FLUSHALL", "ASYNC").description) -> \(try counted())")
            _ = try c.command("CONFIG", "SET", "stream-node-max-entries", "100")
            return out
        }
    }
}
