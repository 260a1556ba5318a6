import Testing
@testable import RedisEngine

@Suite("Engine keys")
struct KeyCommandTests {
    @Test func delExistsTypeRename() {
        let c = TestClient()
        c.run("MSET", "a", "1", "b", "2")
        #expect(c.run("EXISTS", "a", "a", "zz") == int(2))
        #expect(c.run("TYPE", "a") == "+string\r\n")
        #expect(c.run("TYPE", "zz") == "+none\r\n")
        #expect(c.run("RENAME", "a", "c") == OK)
        #expect(c.run("RENAME", "zz", "c") == err("ERR no such key"))
        #expect(c.run("RENAMENX", "c", "b") == int(0))
        #expect(c.run("RENAMENX", "c", "d") == int(1))
        #expect(c.run("DEL", "d", "b", "zz") == int(2))
        #expect(c.run("DBSIZE") == int(0))
        #expect(c.run("DEL") == err("ERR wrong number of arguments for 'del' command"))
    }

    @Test func expireFamily() {
        let c = TestClient()
        c.run("SET", "k", "v")
        #expect(c.run("TTL", "k") == int(-1))
        #expect(c.run("TTL", "nokey") == int(-2))
        #expect(c.run("EXPIRE", "k", "100") == int(1))
        #expect(c.run("TTL", "k") == int(100))
        #expect(c.run("EXPIRE", "k", "50", "GT") == int(0))
        #expect(c.run("EXPIRE", "k", "50", "LT") == int(1))
        #expect(c.run("EXPIRE", "k", "500", "NX") == int(0))
        #expect(c.run("EXPIRE", "k", "500", "XX") == int(1))
        #expect(c.run("EXPIRE", "k", "5", "NX", "XX") == err("ERR NX and XX, GT or LT options at the same time are not compatible"))
        #expect(c.run("EXPIRE", "k", "5", "GT", "LT") == err("ERR GT and LT options at the same time are not compatible"))
        #expect(c.run("EXPIRE", "k", "5", "FOO") == err("ERR Unsupported option FOO"))
        #expect(c.run("EXPIRE", "k", "x") == err("ERR value is not an integer or out of range"))
        #expect(c.run("EXPIRE", "k", "9223372036854775807") == err("ERR invalid expire time in 'expire' command"))
        #expect(c.run("PERSIST", "k") == int(1))
        #expect(c.run("PERSIST", "k") == int(0))
        #expect(c.run("EXPIRE", "k", "100", "GT") == int(0))
        #expect(c.run("PEXPIREAT", "k", "1700000100000") == int(1))
        #expect(c.run("PEXPIRETIME", "k") == int(1_700_000_100_000))
        #expect(c.run("EXPIRETIME", "k") == int(1_700_000_100))
        #expect(c.run("PTTL", "k") == int(100_000))
        c.advance(99_400)
        #expect(c.run("TTL", "k") == int(1))
        #expect(c.run("EXPIRE", "k", "-1") == int(1))
        #expect(c.run("EXISTS", "k") == int(0))
        #expect(c.run("EXPIRE", "nokey", "10") == int(0))
    }

    @Test func activeExpiryWithoutAccess() {
        let c = TestClient()
        for i in 0..<200 { c.run("SET", "k\(i)", "v", "PX", "\(100 + i % 3)") }
        for i in 0..<50 { c.run("SET", "p\(i)", "v") }
        c.advance(1000)
        for _ in 0..<10 { c.engine.lock.withLock { c.engine.cron() } }
        #expect(c.run("DBSIZE") == int(50))
        #expect(c.engine.stats.expiredKeys == 200)
    }

    @Test func keysAndScan() {
        let c = TestClient()
        for i in 0..<300 { c.run("SET", "user:\(i)", "x") }
        c.run("SET", "other", "y")
        c.run("HSET", "hash:1", "f", "v")
        guard case .array(let keys)? = c.value("KEYS", "user:1?") else { Issue.record("no array"); return }
        #expect(keys.count == 10)
        var cursor = "0"
        var seen = Set<String>()
        var rounds = 0
        repeat {
            guard case .array(let r)? = c.value("SCAN", cursor, "MATCH", "user:*", "COUNT", "20"), r.count == 2,
                  case .array(let items) = r[1] else { Issue.record("bad scan"); return }
            cursor = r[0].text ?? "0"
            for i in items { seen.insert(i.text ?? "") }
            rounds += 1
        } while cursor != "0" && rounds < 1000
        #expect(seen.count == 300)
        guard case .array(let t)? = c.value("SCAN", "0", "TYPE", "hash", "COUNT", "1000") else { Issue.record("bad"); return }
        #expect(t.count == 2)
        #expect(c.run("SCAN", "abc") == err("ERR invalid cursor"))
        #expect(c.run("SCAN", "0", "COUNT", "0") == err("ERR syntax error"))
        #expect(c.run("SCAN", "0", "FOO") == err("ERR syntax error"))
    }

    @Test func globMatching() {
        #expect(Glob.match(Array("h?llo".utf8), Array("hello".utf8)))
        #expect(Glob.match(Array("h*llo".utf8), Array("heeeello".utf8)))
        #expect(Glob.match(Array("h[ae]llo".utf8), Array("hallo".utf8)))
        #expect(!Glob.match(Array("h[^e]llo".utf8), Array("hello".utf8)))
        #expect(Glob.match(Array("h[a-b]llo".utf8), Array("hbllo".utf8)))
        #expect(Glob.match(Array("h\\*llo".utf8), Array("h*llo".utf8)))
        #expect(!Glob.match(Array("h\\*llo".utf8), Array("hallo".utf8)))
        #expect(Glob.match(Array("*".utf8), Array("anything".utf8)))
        #expect(Glob.match(Array("A*".utf8), Array("abc".utf8), nocase: true))
    }

    @Test func copyMoveRandom() {
        let c = TestClient()
        c.run("SET", "a", "1", "EX", "100")
        #expect(c.run("COPY", "a", "b") == int(1))
        #expect(c.run("TTL", "b") == int(100))
        #expect(c.run("COPY", "a", "b") == int(0))
        #expect(c.run("COPY", "a", "b", "REPLACE") == int(1))
        #expect(c.run("COPY", "a", "a") == err("ERR source and destination objects are the same"))
        #expect(c.run("COPY", "a", "x", "DB", "99") == err("ERR DB index is out of range"))
        #expect(c.run("MOVE", "a", "1") == int(1))
        #expect(c.run("MOVE", "a", "1") == int(0))
        #expect(c.run("MOVE", "b", "0") == err("ERR source and destination objects are the same"))
        #expect(c.run("SELECT", "1") == OK)
        #expect(c.run("GET", "a") == bulk("1"))
        #expect(c.run("RANDOMKEY") == bulk("a"))
        #expect(c.run("SELECT", "0") == OK)
        c.run("FLUSHDB")
        #expect(c.run("RANDOMKEY") == NIL)
        #expect(c.run("SWAPDB", "0", "1") == OK)
        #expect(c.run("GET", "a") == bulk("1"))
        #expect(c.run("SWAPDB", "0", "x") == err("ERR invalid second DB index"))
    }

    @Test func objectCommand() {
        let c = TestClient()
        c.run("SET", "n", "123")
        c.run("SET", "s", "hello")
        c.run("SET", "l", String(repeating: "x", count: 50))
        #expect(c.run("OBJECT", "ENCODING", "n") == bulk("int"))
        #expect(c.run("OBJECT", "ENCODING", "s") == bulk("embstr"))
        #expect(c.run("OBJECT", "ENCODING", "l") == bulk("raw"))
        #expect(c.run("OBJECT", "ENCODING", "nokey") == NIL)
        #expect(c.run("OBJECT", "REFCOUNT", "n") == int(2147483647))
        #expect(c.run("OBJECT", "FOO", "n") == err("ERR unknown subcommand 'FOO'. Try OBJECT HELP."))
        #expect(c.run("OBJECT", "ENCODING") == err("ERR wrong number of arguments for 'object|encoding' command"))
    }
}
