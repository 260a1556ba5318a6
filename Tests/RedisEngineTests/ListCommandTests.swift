import Testing
@testable import RedisEngine

@Suite struct ListCommandTests {
    /// Replies recorded from redis-server 7.0.15 for the same sequence.
    @Test func repliesMatchRedis() {
        let t = ManualClockEngine()
        let c = t.client()
        let script: [(String, String)] = [
            ("lpush l a b c", ":3\r\n"),
            ("lpop l 0", "*0\r\n"),
            ("lpop l -1", "-ERR value is out of range, must be positive\r\n"),
            ("lpop l x", "-ERR value is out of range, must be positive\r\n"),
            ("lpop nokey 2", "*-1\r\n"),
            ("lpop nokey", "$-1\r\n"),
            ("lpop l 2", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"),
            ("rpop l 5", "*1\r\n$1\r\na\r\n"),
            ("lpop l", "$-1\r\n"),
            ("exists l", ":0\r\n"),
            ("rpush l a b c a b c a", ":7\r\n"),
            ("lrange l 0 -1", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("lrange l x 1", "-ERR value is not an integer or out of range\r\n"),
            ("lrange l -100 100", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("lindex l -1", "$1\r\na\r\n"),
            ("lindex l 100", "$-1\r\n"),
            ("lindex l x", "-ERR value is not an integer or out of range\r\n"),
            ("lset l 100 x", "-ERR index out of range\r\n"),
            ("lset nokey 0 x", "-ERR no such key\r\n"),
            ("linsert l before c X", ":8\r\n"),
            ("linsert l middle c X", "-ERR syntax error\r\n"),
            ("linsert l after nope X", ":-1\r\n"),
            ("linsert nokey after nope X", ":0\r\n"),
            ("lrem l x a", "-ERR value is not an integer or out of range\r\n"),
            ("lrem l -1 a", ":1\r\n"),
            ("ltrim l x 1", "-ERR value is not an integer or out of range\r\n"),
            ("lpos l a", ":0\r\n"),
            ("lpos l c rank 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
            ("lpos l c rank -1", ":6\r\n"),
            ("lpos l c count -1", "-ERR COUNT can't be negative\r\n"),
            ("lpos l c maxlen -1", "-ERR MAXLEN can't be negative\r\n"),
            ("lpos l c count 0", "*2\r\n:3\r\n:6\r\n"),
            ("lpos l c rank -9223372036854775808", ":6\r\n"),
            ("lpos l c bogus 1", "-ERR syntax error\r\n"),
            ("lpos l zz count 2", "*0\r\n"),
            ("lpos nokey zz count 2", "*0\r\n"),
            ("lpos nokey zz", "$-1\r\n"),
            ("lmove l l2 left middle", "-ERR syntax error\r\n"),
            ("lmove l l2 left right", "$1\r\na\r\n"),
            ("lmpop 0 l left", "-ERR numkeys should be greater than 0\r\n"),
            ("lmpop 1 l middle", "-ERR syntax error\r\n"),
            ("lmpop 2 l nokey left count 0", "-ERR count should be greater than 0\r\n"),
            ("lmpop 1 nokey left", "*-1\r\n"),
            ("lmpop 1 l left count 2 extra", "-ERR syntax error\r\n"),
            ("lmpop x l left", "-ERR numkeys should be greater than 0\r\n"),
            ("lmpop -1 l left", "-ERR numkeys should be greater than 0\r\n"),
            ("lmpop 5 l left", "-ERR syntax error\r\n"),
            ("blpop l 0.5x", "-ERR timeout is not a float or out of range\r\n"),
            ("blpop l -1", "-ERR timeout is negative\r\n"),
            ("blpop a 1e300", "-ERR timeout is negative\r\n"),
            ("blmpop 0 1 l left", "*2\r\n$1\r\nl\r\n*1\r\n$1\r\nb\r\n"),
            ("set s v", "+OK\r\n"),
            ("lpush s x", ExpectedReply.wrongType),
            ("llen s", ExpectedReply.wrongType),
            ("lrange s 0 1", ExpectedReply.wrongType),
            ("lpush", "-ERR wrong number of arguments for 'lpush' command\r\n"),
            ("lpop a b c", "-ERR wrong number of arguments for 'lpop' command\r\n"),
        ]
        for (cmd, expected) in script {
            let got = c.sendArgs(cmd.split(separator: " ").map(String.init))
            #expect(got == expected, "\(cmd)")
        }
    }

    @Test func rpoplpushRotatesSameList() {
        let t = ManualClockEngine()
        let c = t.client()
        c.send("rpush", "r", "1", "2", "3")
        #expect(c.send("rpoplpush", "r", "r") == ExpectedReply.bulk("3"))
        #expect(c.send("lrange", "r", "0", "-1") == ExpectedReply.bulks("3", "1", "2"))
        #expect(ListObject().encodingName == "quicklist")
    }
}

@Suite struct BlockingTests {
    @Test func fifoFairnessAndWakeUpFromPush() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client(), p = t.client()
        #expect(a.send("blpop", "q", "0") == "")
        #expect(b.send("blpop", "q", "0") == "")
        #expect(a.session.isBlocked && b.session.isBlocked)
        #expect(p.send("rpush", "q", "x") == ExpectedReply.int(1))
        #expect(a.delivered() == ExpectedReply.bulks("q", "x"))
        #expect(!a.session.isBlocked && b.session.isBlocked)
        #expect(a.box.resumed == 1)
        #expect(p.send("rpush", "q", "y", "z") == ExpectedReply.int(2))
        #expect(b.delivered() == ExpectedReply.bulks("q", "y"))
        #expect(p.send("lrange", "q", "0", "-1") == ExpectedReply.bulks("z"))
    }

    @Test func timeoutUsesInjectedClock() {
        let t = ManualClockEngine()
        let a = t.client()
        #expect(a.send("brpop", "q", "1.5") == "")
        t.advance(ms: 1000)
        #expect(a.delivered() == "" && a.session.isBlocked)
        t.advance(ms: 600)
        #expect(a.delivered() == ExpectedReply.nullArray)
        #expect(!a.session.isBlocked)
    }

    @Test func pushInsideMultiWakesAfterExec() {
        let t = ManualClockEngine()
        let a = t.client(), p = t.client()
        a.send("blmove", "src", "dst", "left", "right", "0")
        #expect(p.send("multi") == ExpectedReply.ok)
        #expect(p.send("lpush", "src", "v1", "v2") == "+QUEUED\r\n")
        #expect(p.send("lpush", "src", "v3") == "+QUEUED\r\n")
        #expect(a.delivered() == "")
        #expect(p.send("exec") == "*2\r\n:2\r\n:3\r\n")
        #expect(a.delivered() == ExpectedReply.bulk("v3"))
        #expect(p.send("lrange", "dst", "0", "-1") == ExpectedReply.bulks("v3"))
        #expect(p.send("lrange", "src", "0", "-1") == ExpectedReply.bulks("v2", "v1"))
    }

    @Test func blockingChainThroughBlmove() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client(), p = t.client()
        a.send("blmove", "k1", "k2", "left", "left", "0")
        b.send("blpop", "k2", "0")
        p.send("rpush", "k1", "hello")
        #expect(a.delivered() == ExpectedReply.bulk("hello"))
        #expect(b.delivered() == ExpectedReply.bulks("k2", "hello"))
        #expect(p.send("exists", "k1", "k2") == ExpectedReply.int(0))
    }

    @Test func blockingCommandInsideMultiDoesNotBlock() {
        let t = ManualClockEngine()
        let c = t.client()
        c.send("multi")
        c.send("blpop", "nothing", "0")
        #expect(c.send("exec") == "*1\r\n*-1\r\n")
        #expect(!c.session.isBlocked)
    }

    @Test func disconnectRemovesWaiter() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client(), p = t.client()
        a.send("blpop", "q", "0")
        b.send("blpop", "q", "0")
        a.close()
        p.send("rpush", "q", "x")
        #expect(b.delivered() == ExpectedReply.bulks("q", "x"))
    }
}
