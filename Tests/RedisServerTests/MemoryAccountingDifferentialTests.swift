import Foundation
import InferaTestSupport
import Testing

/// `used_memory` against redis-server 7.0 in the same run: the same writes raise infera's figure (its
/// own accounting, `MemoryModel`) by 0.5x to 2x what they raise redis-server's (zmalloc's count), for
/// every type and encoding; and eviction under `maxmemory` keeps the same order of keys on both.
@Suite("Differential: used_memory grows like redis-server's")
struct MemoryAccountingDifferentialTests {
    static func usedMemory(_ c: RedisTestClient) throws -> Int {
        guard case .bulk(let b?) = try c.command("INFO", "memory") else { throw RedisTestError("no INFO memory") }
        let text = String(decoding: b, as: UTF8.self)
        for line in text.split(separator: "\r\n") where line.hasPrefix("used_memory:") {
            if let n = Int(line.dropFirst("used_memory:".count)) { return n }
        }
        throw RedisTestError("no used_memory in INFO")
    }

    static func integerField(_ c: RedisTestClient, _ section: String, _ field: String) throws -> Int {
        guard case .bulk(let b?) = try c.command("INFO", section) else { throw RedisTestError("no INFO \(section)") }
        for line in String(decoding: b, as: UTF8.self).split(separator: "\r\n") where line.hasPrefix(field + ":") {
            if let n = Int(line.dropFirst(field.count + 1)) { return n }
        }
        throw RedisTestError("no \(field) in INFO \(section)")
    }

    /// Sends `commands` pipelined (chunks of 200) and checks that none failed.
    static func pipeline(_ c: RedisTestClient, _ commands: [[String]]) throws {
        var i = 0
        while i < commands.count {
            let chunk = commands[i..<min(commands.count, i + 200)]
            for cmd in chunk { try c.send(cmd) }
            for cmd in chunk {
                if case .error(let e) = try c.readReply() { Issue.record("\(cmd.prefix(3)): \(e)") }
            }
            i += chunk.count
        }
    }

    /// name, commands: each workload starts from an empty server.
    static let workloads: [(String, [[String]])] = {
        let n = 2000
        var w: [(String, [[String]])] = []
        for size in [8, 100, 1000] {
            let v = String(repeating: "v", count: size)
            w.append(("SET \(n) keys x \(size) B", (0..<n).map { ["SET", "key:\($0)", v] }))
        }
        w.append(("SET with EX", (0..<n).map { ["SET", "key:\($0)", "value", "EX", "1000"] }))
        w.append(("integers", (0..<n).map { ["SET", "counter:\($0)", String($0 * 7919)] }))
        w.append(("RPUSH one list", (0..<n).map { ["RPUSH", "list", "element-\($0)-xxxxxxxx"] }))
        w.append(("small lists", (0..<500).map { ["RPUSH", "l:\($0)", "a", "b"] }))
        w.append(("SADD hashtable set", (0..<n).map { ["SADD", "set", "member-\($0)-xxxxxxxxxxxxxx"] }))
        w.append(("small intsets", (0..<500).map { ["SADD", "s:\($0)", "1", "2", "3", "4", "5"] }))
        w.append(("HSET hashtable hash", (0..<n).map { ["HSET", "hash", "field-\($0)", "value-xxxxxxxxxxxxxx"] }))
        w.append(("small hashes", (0..<500).map { ["HSET", "h:\($0)", "a", "1", "b", "2"] }))
        w.append(("ZADD skiplist", (0..<n).map { ["ZADD", "zset", String($0), "member-\($0)-xxxxxxxxxxxxxx"] }))
        w.append(("small zsets", (0..<500).map { ["ZADD", "z:\($0)", "1", "a", "2", "b"] }))
        w.append(("XADD stream", (0..<n).map { _ in ["XADD", "stream", "*", "field", "value-xxxxxxxx"] }))
        return w
    }()

    @Test func fillingRaisesUsedMemoryLikeRedis() throws {
        try ServerPair.with { pair in
            let redis = try RedisTestClient(port: pair.reference.port)
            let infera = try RedisTestClient(port: pair.candidate.port)
            defer { redis.close(); infera.close() }
            var lines: [String] = []
            for (name, commands) in Self.workloads {
                var grew: [Int] = []
                for c in [redis, infera] {
                    _ = try c.command("FLUSHALL")
                    let before = try Self.usedMemory(c)
                    try Self.pipeline(c, commands)
                    grew.append(try Self.usedMemory(c) - before)
                }
                let ratio = Double(grew[1]) / Double(max(grew[0], 1))
                lines.append("\(name): redis +\(grew[0]) infera +\(grew[1]) ratio \(String(format: "%.2f", ratio))")
                #expect(ratio >= 0.5 && ratio <= 2.0, "\(name): infera grew \(grew[1]) bytes, redis-server \(grew[0]) (ratio \(ratio))")
            }
            print("used_memory growth, infera / redis-server:\n  " + lines.joined(separator: "\n  "))
        }
    }

    /// Both servers get `maxmemory` = their current use + 256 KB and the same 1 KB writes: the key count
    /// where eviction starts agrees within 25 %, and both stay at the limit afterwards.
    @Test func evictionStartsAtTheSameFill() throws {
        try ServerPair.with { pair in
            let redis = try RedisTestClient(port: pair.reference.port)
            let infera = try RedisTestClient(port: pair.candidate.port)
            defer { redis.close(); infera.close() }
            let value = String(repeating: "x", count: 1000)
            var firstEviction: [Int] = []
            for c in [redis, infera] {
                _ = try c.command("FLUSHALL")
                _ = try c.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
                let limit = try Self.usedMemory(c) + 256 * 1024
                _ = try c.command("CONFIG", "SET", "maxmemory", String(limit))
                var first = -1
                for i in 0..<2000 {
                    _ = try c.command("SET", "k\(i)", value)
                    if first < 0, try Self.integerField(c, "stats", "evicted_keys") > 0 { first = i + 1 }
                    if first > 0 && i > first + 200 { break }
                }
                #expect(first > 0)
                #expect(try Self.usedMemory(c) < limit + 4096)
                firstEviction.append(first)
                _ = try c.command("CONFIG", "SET", "maxmemory", "0")
                _ = try c.command("CONFIG", "SET", "maxmemory-policy", "noeviction")
            }
            let ratio = Double(firstEviction[1]) / Double(max(firstEviction[0], 1))
            #expect(ratio >= 0.75 && ratio <= 1.25, "first eviction after \(firstEviction[1]) keys on infera, \(firstEviction[0]) on redis-server")
        }
    }
}
