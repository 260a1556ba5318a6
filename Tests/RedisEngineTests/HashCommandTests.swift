import Testing
@testable import RedisEngine

@Suite("Engine hashes")
struct HashCommandTests {
    @Test func basics() {
        let c = TestClient()
        #expect(c.run("HSET", "h", "a", "1", "b", "2") == int(2))
        #expect(c.run("HSET", "h", "a", "1", "b") == err("ERR wrong number of arguments for 'hset' command"))
        #expect(c.run("HGET", "h", "a") == bulk("1"))
        #expect(c.run("HGET", "h", "zz") == NIL)
        #expect(c.run("HMGET", "h", "a", "zz", "b") == arr(bulk("1"), NIL, bulk("2")))
        #expect(c.run("HGETALL", "h") == arr(bulk("a"), bulk("1"), bulk("b"), bulk("2")))
        #expect(c.run("HKEYS", "h") == arr(bulk("a"), bulk("b")))
        #expect(c.run("HVALS", "h") == arr(bulk("1"), bulk("2")))
        #expect(c.run("HLEN", "h") == int(2))
        #expect(c.run("HSTRLEN", "h", "a") == int(1))
        #expect(c.run("HEXISTS", "h", "a") == int(1))
        #expect(c.run("HSETNX", "h", "a", "9") == int(0))
        #expect(c.run("HSETNX", "h", "c", "3") == int(1))
        #expect(c.run("HMSET", "h", "d", "4") == OK)
        #expect(c.run("HDEL", "h", "a", "b", "c", "d", "zz") == int(4))
        #expect(c.run("EXISTS", "h") == int(0))
        c.run("SET", "s", "x")
        #expect(c.run("HGET", "s", "a") == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
        #expect(c.run("HSET", "s", "a", "1") == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
    }

    @Test func increments() {
        let c = TestClient()
        #expect(c.run("HINCRBY", "h", "n", "5") == int(5))
        #expect(c.run("HINCRBY", "h", "n", "-10") == int(-5))
        #expect(c.run("HINCRBY", "h", "n", "x") == err("ERR value is not an integer or out of range"))
        c.run("HSET", "h", "s", "abc")
        #expect(c.run("HINCRBY", "h", "s", "1") == err("ERR hash value is not an integer"))
        #expect(c.run("HINCRBYFLOAT", "h", "s", "1") == err("ERR hash value is not a float"))
        #expect(c.run("HINCRBYFLOAT", "h", "f", "10.5") == bulk("10.5"))
        #expect(c.run("HINCRBYFLOAT", "h", "f", "0.1") == bulk("10.6"))
        c.run("HSET", "h", "big", "9223372036854775807")
        #expect(c.run("HINCRBY", "h", "big", "1") == err("ERR increment or decrement would overflow"))
        #expect(c.run("HINCRBY", "nh", "x", "y") == err("ERR value is not an integer or out of range"))
        #expect(c.run("EXISTS", "nh") == int(0))
    }

    @Test func encodingConversionAndScan() {
        let c = TestClient()
        for i in 0..<100 { c.run("HSET", "h", "f\(i)", "v") }
        #expect(c.run("OBJECT", "ENCODING", "h") == bulk("listpack"))
        // hash-max-listpack-entries is 512, as in redis-server 7.0.
        for i in 100..<512 { c.run("HSET", "h", "f\(i)", "v") }
        #expect(c.run("OBJECT", "ENCODING", "h") == bulk("listpack"))
        c.run("HSET", "h", "f512", "v")
        #expect(c.run("OBJECT", "ENCODING", "h") == bulk("hashtable"))
        c.run("HSET", "h2", "f", String(repeating: "x", count: 65))
        #expect(c.run("OBJECT", "ENCODING", "h2") == bulk("hashtable"))
        var cursor = "0"
        var seen = Set<String>()
        var rounds = 0
        repeat {
            guard case .array(let r)? = c.value("HSCAN", "h", cursor), r.count == 2, case .array(let items) = r[1] else {
                Issue.record("bad hscan"); return
            }
            cursor = r[0].text ?? "0"
            var i = 0
            while i < items.count { seen.insert(items[i].text ?? ""); i += 2 }
            rounds += 1
        } while cursor != "0" && rounds < 1000
        #expect(seen.count == 513)
    }

    @Test func randfield() {
        let c = TestClient()
        c.run("HSET", "h", "a", "1", "b", "2", "c", "3")
        guard case .array(let all)? = c.value("HRANDFIELD", "h", "10") else { Issue.record("x"); return }
        #expect(all.count == 3)
        guard case .array(let rep)? = c.value("HRANDFIELD", "h", "-10", "WITHVALUES") else { Issue.record("x"); return }
        #expect(rep.count == 20)
        #expect(c.run("HRANDFIELD", "nokey") == NIL)
        #expect(c.run("HRANDFIELD", "nokey", "5") == "*0\r\n")
        #expect(c.run("HRANDFIELD", "h", "1", "FOO") == err("ERR syntax error"))
    }
}
