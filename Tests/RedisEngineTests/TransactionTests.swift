import Testing
@testable import RedisEngine

@Suite struct TransactionTests {
    @Test func watchInvalidatedByOtherWriter() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client()
        a.send("set", "k", "1")
        #expect(a.send("watch", "k") == ExpectedReply.ok)
        b.send("lpush", "other", "x")
        a.send("multi")
        a.send("get", "k")
        #expect(a.send("exec") == "*1\r\n$1\r\n1\r\n")
        a.send("watch", "k")
        b.send("set", "k", "2")
        a.send("multi")
        a.send("get", "k")
        #expect(a.send("exec") == ExpectedReply.nullArray)
    }

    @Test func watchInvalidatedByExpiry() {
        let t = ManualClockEngine()
        let a = t.client()
        a.send("set", "k", "1", "px", "100")
        a.send("watch", "k")
        t.clock.advance(milliseconds: 200)
        a.send("multi")
        a.send("ping")
        #expect(a.send("exec") == ExpectedReply.nullArray)
    }

    @Test func watchOnMissingKeyCreatedInsideOtherTransaction() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client()
        a.send("watch", "z")
        b.send("multi")
        b.send("zadd", "z", "1", "m")
        b.send("exec")
        a.send("multi")
        a.send("zcard", "z")
        #expect(a.send("exec") == ExpectedReply.nullArray)
        a.send("multi")
        a.send("zcard", "z")
        #expect(a.send("exec") == "*1\r\n:1\r\n")
    }

    @Test func execAbortAfterQueueingError() {
        let t = ManualClockEngine()
        let a = t.client()
        a.send("multi")
        #expect(a.send("lpush", "k") == "-ERR wrong number of arguments for 'lpush' command\r\n")
        #expect(a.send("rpush", "k", "v") == "+QUEUED\r\n")
        #expect(a.send("exec") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
        #expect(a.send("exists", "k") == ExpectedReply.int(0))
    }

    @Test func flushInvalidatesWatch() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client()
        a.send("set", "k", "1")
        a.send("watch", "k")
        b.send("flushall")
        a.send("multi")
        a.send("ping")
        #expect(a.send("exec") == ExpectedReply.nullArray)
    }
}
