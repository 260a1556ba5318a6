import Foundation
import InferaTestSupport
import Testing

/// A dataset with every type in every encoding Redis 7.0 uses, and a canonical read-back of a key,
/// shared by the DUMP/RESTORE and RDB/AOF interoperability tests.
enum PersistenceDataset {
    /// Commands building the dataset (run the same on either server).
    static var commands: [[String]] {
        var c: [[String]] = [
            ["SET", "s:small", "hello"], ["SET", "s:int", "12345"], ["SET", "s:neg", "-7"],
            ["SET", "s:bigint", "9223372036854775807"], ["SET", "s:empty", ""],
            ["SET", "s:long", String(repeating: "abcdefghij", count: 500)],   // redis-server LZF-compresses it
            ["SET", "s:text", String(repeating: "x", count: 100)], ["SET", "s:float", "3.14"], ["SET", "s:zero", "0"],
            ["SET", "s:lead0", "007"], ["SET", "s:ttl", "v", "PX", "86400000"],
            ["PFADD", "hll", "a", "b", "c", "d"], ["SETBIT", "bits", "100", "1"], ["APPEND", "s:raw", "grow"],
            ["RPUSH", "l:small", "a", "1", "-3", "300000", "9999999999", "x y", ""],
            ["HSET", "h:small", "f1", "v1", "n", "42", "neg", "-100000"],
            ["SADD", "set:int", "1", "-2", "70000", "5000000000"],
            ["SADD", "set:str", "a", "b", "c", "10"],
            ["ZADD", "z:small", "1", "a", "2.5", "b", "-3", "c", "inf", "d", "-inf", "e", "1e100", "f", "0.1", "g"],
            ["EXPIRE", "h:small", "100000"],
            ["XADD", "st", "1-1", "name", "a", "v", "1"], ["XADD", "st", "1-2", "name", "b", "v", "2"],
            ["XADD", "st", "2-0", "other", "x"], ["XADD", "st", "3-0", "name", "c", "v", "3"],
            ["XDEL", "st", "1-2"],
            ["XGROUP", "CREATE", "st", "g1", "0"], ["XGROUP", "CREATE", "st", "g2", "$"],
            ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "st", ">"],
            ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", "st", ">"],
            ["XACK", "st", "g1", "1-1"],
            ["XGROUP", "CREATECONSUMER", "st", "g2", "carol"],
            ["XADD", "st:empty", "5-5", "a", "b"], ["XDEL", "st:empty", "5-5"],
        ]
        var big = ["RPUSH", "l:big"]
        for i in 0..<1500 { big.append(i % 7 == 0 ? String(repeating: "e\(i)", count: 30) : String(i * 37 - 5000)) }
        c.append(big)
        var hbig = ["HSET", "h:big"]
        for i in 0..<600 { hbig += ["field\(i)", i % 3 == 0 ? String(i) : "value-\(i)"] }
        c.append(hbig)
        var hval = ["HSET", "h:longval", "k", String(repeating: "z", count: 200)]
        hval += ["k2", "v2"]
        c.append(hval)
        var sbig = ["SADD", "set:bigint"]
        for i in 0..<700 { sbig.append(String(i * 3)) }
        c.append(sbig)
        var sstr = ["SADD", "set:bigstr"]
        for i in 0..<300 { sstr.append("member:\(i)") }
        c.append(sstr)
        var zbig = ["ZADD", "z:big"]
        for i in 0..<300 { zbig += [String(Double(i) / 7), "m\(i)"] }
        c.append(zbig)
        var xs: [[String]] = []
        for i in 0..<250 { xs.append(["XADD", "st:big", "*", "f", String(i), "g", "val\(i)"]) }
        c += xs
        c.append(["XGROUP", "CREATE", "st:big", "grp", "0"])
        c.append(["XREADGROUP", "GROUP", "grp", "c1", "COUNT", "120", "STREAMS", "st:big", ">"])
        c.append(["XTRIM", "st:big", "MAXLEN", "200"])
        c.append(["SELECT", "3"])
        c.append(["SET", "db3:key", "in db 3"])
        c.append(["LPUSH", "db3:list", "q"])
        c.append(["SELECT", "0"])
        return c
    }

    static func build(on client: RedisTestClient) throws {
        for cmd in commands {
            let r = try client.command(cmd)
            if case .error(let e) = r { Issue.record("building the dataset: \(cmd.prefix(3)) -> \(e)") }
        }
    }

    /// Every key of the current database, sorted.
    static func keys(_ client: RedisTestClient) throws -> [String] {
        guard case .array(let items?) = try client.command("KEYS", "*") else { return [] }
        return items.compactMap { if case .bulk(let b?) = $0 { return String(decoding: b, as: UTF8.self) } else { return nil } }.sorted()
    }

    /// A canonical description of `key`: type, encoding, contents (unordered types sorted), TTL presence.
    static func readBack(_ client: RedisTestClient, _ key: String) throws -> [RESPReply] {
        let type = try client.command("TYPE", key)
        // A restored string is embstr/raw by length whatever it was before (same in redis-server).
        var out = [type, type == .simple("string") ? .null : try client.command("OBJECT", "ENCODING", key)]
        let ttl = try client.command("PTTL", key)
        if case .integer(let t) = ttl { out.append(.integer(t > 0 ? 1 : t)) }
        switch type {
        case .simple("string"): out.append(try client.command("GET", key))
        case .simple("list"): out.append(try client.command("LRANGE", key, "0", "-1"))
        case .simple("set"): out.append(sorted(try client.command("SMEMBERS", key)))
        case .simple("hash"): out.append(sortedPairs(try client.command("HGETALL", key)))
        case .simple("zset"): out.append(try client.command("ZRANGE", key, "0", "-1", "WITHSCORES"))
        case .simple("stream"):
            out.append(try client.command("XRANGE", key, "-", "+"))
            out.append(try client.command("XINFO", "STREAM", key, "FULL"))
        default: break
        }
        return out
    }

    static func sorted(_ r: RESPReply) -> RESPReply {
        guard case .array(let items?) = r else { return r }
        return .array(items.sorted { $0.encoded.lexicographicallyPrecedes($1.encoded) })
    }

    static func sortedPairs(_ r: RESPReply) -> RESPReply {
        guard case .array(let items?) = r else { return r }
        var pairs: [[RESPReply]] = []
        var i = 0
        while i + 1 < items.count { pairs.append([items[i], items[i + 1]]); i += 2 }
        pairs.sort { $0[0].encoded.lexicographicallyPrecedes($1[0].encoded) }
        return .array(pairs.flatMap { $0 })
    }

    /// Every database's keys and read-backs, for comparing whole servers.
    static func snapshot(_ client: RedisTestClient, databases: [Int] = [0, 3]) throws -> [String: [RESPReply]] {
        var out: [String: [RESPReply]] = [:]
        for db in databases {
            _ = try client.command("SELECT", String(db))
            for k in try keys(client) { out["\(db):\(k)"] = try readBack(client, k) }
        }
        _ = try client.command("SELECT", "0")
        return out
    }
}
