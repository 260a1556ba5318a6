import Testing
@testable import RedisEngine

@Suite struct PubSubTests {
    @Test func channelAndPatternDeliveryRESP2AndRESP3() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client(), c = t.client()
        c.send("hello", "3")
        #expect(a.send("subscribe", "ch1", "ch2") == "*3\r\n$9\r\nsubscribe\r\n$3\r\nch1\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$3\r\nch2\r\n:2\r\n")
        #expect(a.send("psubscribe", "ch*") == "*3\r\n$10\r\npsubscribe\r\n$3\r\nch*\r\n:3\r\n")
        #expect(c.send("subscribe", "ch1") == ">3\r\n$9\r\nsubscribe\r\n$3\r\nch1\r\n:1\r\n")
        #expect(b.send("publish", "ch1", "hello") == ExpectedReply.int(3))
        #expect(a.delivered() == "*3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$5\r\nhello\r\n*4\r\n$8\r\npmessage\r\n$3\r\nch*\r\n$3\r\nch1\r\n$5\r\nhello\r\n")
        #expect(c.delivered() == ">3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$5\r\nhello\r\n")
        #expect(b.send("pubsub", "numsub", "ch1", "zz") == "*4\r\n$3\r\nch1\r\n:2\r\n$2\r\nzz\r\n:0\r\n")
        #expect(b.send("pubsub", "numpat") == ExpectedReply.int(1))
        #expect(b.send("pubsub", "channels", "*1") == ExpectedReply.bulks("ch1"))
    }

    @Test func resp2SubscribedStateRestrictions() {
        let t = ManualClockEngine()
        let a = t.client()
        a.send("subscribe", "x")
        #expect(a.send("get", "k") == "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        #expect(a.send("ping") == "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        #expect(a.send("ping", "m") == "*2\r\n$4\r\npong\r\n$1\r\nm\r\n")
        #expect(a.send("unsubscribe") == "*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:0\r\n")
        #expect(a.send("unsubscribe") == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        #expect(a.send("get", "k") == ExpectedReply.null)
    }

    @Test func keyspaceNotifications() {
        let t = ManualClockEngine { $0.notifyKeyspaceEvents = [.keyspace, .keyevent, .list, .generic] }
        let a = t.client(), b = t.client()
        a.send("psubscribe", "__key*")
        b.send("rpush", "kl", "v")
        b.send("lpop", "kl")
        #expect(a.delivered() == [
            "*4\r\n$8\r\npmessage\r\n$6\r\n__key*\r\n$17\r\n__keyspace@0__:kl\r\n$5\r\nrpush\r\n",
            "*4\r\n$8\r\npmessage\r\n$6\r\n__key*\r\n$20\r\n__keyevent@0__:rpush\r\n$2\r\nkl\r\n",
            "*4\r\n$8\r\npmessage\r\n$6\r\n__key*\r\n$17\r\n__keyspace@0__:kl\r\n$4\r\nlpop\r\n",
            "*4\r\n$8\r\npmessage\r\n$6\r\n__key*\r\n$19\r\n__keyevent@0__:lpop\r\n$2\r\nkl\r\n",
            "*4\r\n$8\r\npmessage\r\n$6\r\n__key*\r\n$17\r\n__keyspace@0__:kl\r\n$3\r\ndel\r\n",
            "*4\r\n$8\r\npmessage\r\n$6\r\n__key*\r\n$18\r\n__keyevent@0__:del\r\n$2\r\nkl\r\n",
        ].joined())
    }

    @Test func disconnectRemovesSubscriptions() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client()
        a.send("subscribe", "x")
        a.close()
        #expect(b.send("publish", "x", "m") == ExpectedReply.int(0))
        #expect(b.send("pubsub", "numsub", "x") == "*2\r\n$1\r\nx\r\n:0\r\n")
    }
}
