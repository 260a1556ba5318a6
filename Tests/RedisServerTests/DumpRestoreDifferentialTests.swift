import Foundation
import InferaTestSupport
import RedisEngine
import Testing

/// DUMP/RESTORE against redis-server 7.0: every type moves in both directions and reads back
/// identically (contents, encoding, TTL), and both servers answer bad payloads and options alike.
@Suite("Differential: DUMP and RESTORE")
struct DumpRestoreDifferentialTests {
    static func restore(_ c: RedisTestClient, _ key: String, _ ttl: String, _ payload: [UInt8], _ extra: [String] = []) throws -> RESPReply {
        try c.send(bytes: [Array("RESTORE".utf8), Array(key.utf8), Array(ttl.utf8), payload] + extra.map { Array($0.utf8) })
        return try c.readReply()
    }

    /// Moves every key of db 0 from `source` to `target` with DUMP + RESTORE (TTL kept), then compares.
    static func transfer(from source: RedisTestClient, to target: RedisTestClient, label: String) throws {
        let keys = try PersistenceDataset.keys(source)
        #expect(keys.count > 25)
        for k in keys {
            guard case .bulk(let payload?) = try source.command("DUMP", k) else {
                Issue.record("\(label): DUMP \(k) gave no payload")
                continue
            }
            var ttl = "0"
            if case .integer(let t) = try source.command("PTTL", k), t > 0 { ttl = String(t) }
            let r = try restore(target, k, ttl, payload)
            #expect(r == .simple("OK"), "\(label): RESTORE \(k): \(r)")
            let want = try PersistenceDataset.readBack(source, k)
            let got = try PersistenceDataset.readBack(target, k)
            #expect(got == want, "\(label): key \(k) differs:\n got \(got)\nwant \(want)")
        }
    }

    @Test func everyTypeMovesBothWays() throws {
        try ServerPair.with { pair in
            let redis = try RedisTestClient(port: pair.reference.port)
            let infera = try RedisTestClient(port: pair.candidate.port)
            defer { redis.close(); infera.close() }
            try PersistenceDataset.build(on: infera)
            try PersistenceDataset.build(on: redis)
            // infera → redis-server (into an empty database 5), then the other way.
            let r2 = try RedisTestClient(port: pair.reference.port)
            let i2 = try RedisTestClient(port: pair.candidate.port)
            defer { r2.close(); i2.close() }
            _ = try r2.command("SELECT", "5")
            _ = try i2.command("SELECT", "5")
            try Self.transfer(from: infera, to: r2, label: "infera→redis")
            try Self.transfer(from: redis, to: i2, label: "redis→infera")
        }
    }

    @Test func optionsAndErrorsMatch() throws {
        try ServerPair.with { pair in
            let redis = try RedisTestClient(port: pair.reference.port)
            let infera = try RedisTestClient(port: pair.candidate.port)
            defer { redis.close(); infera.close() }
            for c in [redis, infera] { _ = try c.command("RPUSH", "src", "a", "b") }
            guard case .bulk(let payload?) = try redis.command("DUMP", "src") else {
                Issue.record("no DUMP payload")
                return
            }
            var badCRC = payload
            badCRC[badCRC.count - 1] ^= 0x55
            var newer = payload
            newer[newer.count - 10] = 11
            // A body that is truncated but carries a valid footer: "Bad data format".
            let truncated = RDB.dumpPayload(Array(payload[0..<(payload.count - 14)]))
            let garbage = RDB.dumpPayload([0x12, 0x05, 0xFF, 0xFF, 0x00])
            let unknownType = RDB.dumpPayload([0x63, 0x00])
            let cases: [(String, String, [UInt8], [String])] = [
                ("k1", "0", payload, []), ("k1", "0", payload, []), ("k1", "0", payload, ["REPLACE"]),
                ("k2", "-1", payload, []), ("k2", "abc", payload, []), ("k2", "0", badCRC, []),
                ("k2", "0", newer, []), ("k2", "0", truncated, []), ("k2", "0", garbage, []),
                ("k2", "0", unknownType, []), ("k2", "0", [1, 2, 3], []),
                ("k3", "0", payload, ["IDLETIME", "-1"]), ("k3", "0", payload, ["FREQ", "256"]),
                ("k3", "0", payload, ["IDLETIME", "10", "FREQ", "5"]), ("k3", "0", payload, ["BOGUS"]),
                ("k3", "0", payload, ["IDLETIME", "1000"]), ("k4", "1000", payload, ["ABSTTL"]),
                ("k1", "1000", payload, ["REPLACE", "ABSTTL"]), ("k5", "5000000", payload, []),
            ]
            for (key, ttl, p, extra) in cases {
                let want = try Self.restore(redis, key, ttl, p, extra)
                let got = try Self.restore(infera, key, ttl, p, extra)
                #expect(got == want, "RESTORE \(key) \(ttl) \(extra): got \(got), want \(want)")
            }
            for cmd in [["EXISTS", "k1", "k2", "k3", "k4", "k5"], ["LRANGE", "k3", "0", "-1"], ["OBJECT", "IDLETIME", "k3"],
                        ["DUMP", "missing"], ["TTL", "k5"]] {
                #expect(try infera.command(cmd) == (try redis.command(cmd)), "\(cmd)")
            }
            // Every single-byte corruption of a valid body (footer recomputed) is answered, never crashes.
            guard case .bulk(let streamPayload?) = try { () throws -> RESPReply in
                _ = try infera.command("XADD", "sx", "1-1", "a", "b")
                _ = try infera.command("XGROUP", "CREATE", "sx", "g", "0")
                _ = try infera.command("XREADGROUP", "GROUP", "g", "c", "STREAMS", "sx", ">")
                return try infera.command("DUMP", "sx")
            }() else {
                Issue.record("no stream payload")
                return
            }
            let body = Array(streamPayload[0..<(streamPayload.count - 10)])
            for i in 1..<body.count {
                for delta: UInt8 in [1, 0x80] {
                    var b = body
                    b[i] = b[i] &+ delta
                    let r = try Self.restore(infera, "fuzz", "0", RDB.dumpPayload(b), ["REPLACE"])
                    switch r {
                    case .simple("OK"), .error("ERR Bad data format"): break
                    default: Issue.record("corrupt byte \(i): unexpected reply \(r)")
                    }
                }
            }
            #expect(try infera.command("PING") == .simple("PONG"))
        }
    }
}
