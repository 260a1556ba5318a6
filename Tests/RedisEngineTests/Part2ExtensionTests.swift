import Testing
@testable import RedisEngine

@Suite struct PubSubTests {
    @Test func channelAndPatternDeliveryRESP2AndRESP3() {
        let t = P2Engine()
        let a = t.client(), b = t.client(), c = t.client()
        c.send("hello", "3")
        #expect(a.send("subscribe", "ch1", "ch2") == "*3\r\n$9\r\nsubscribe\r\n$3\r\nch1\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$3\r\nch2\r\n:2\r\n")
        #expect(a.send("psubscribe", "ch*") == "*3\r\n$10\r\npsubscribe\r\n$3\r\nch*\r\n:3\r\n")
        #expect(c.send("subscribe", "ch1") == ">3\r\n$9\r\nsubscribe\r\n$3\r\nch1\r\n:1\r\n")
        #expect(b.send("publish", "ch1", "hello") == R2.int(3))
        #expect(a.delivered() == "*3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$5\r\nhello\r\n*4\r\n$8\r\npmessage\r\n$3\r\nch*\r\n$3\r\nch1\r\n$5\r\nhello\r\n")
        #expect(c.delivered() == ">3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$5\r\nhello\r\n")
        #expect(b.send("pubsub", "numsub", "ch1", "zz") == "*4\r\n$3\r\nch1\r\n:2\r\n$2\r\nzz\r\n:0\r\n")
        #expect(b.send("pubsub", "numpat") == R2.int(1))
        #expect(b.send("pubsub", "channels", "*1") == R2.bulks("ch1"))
    }

    @Test func resp2SubscribedStateRestrictions() {
        let t = P2Engine()
        let a = t.client()
        a.send("subscribe", "x")
        #expect(a.send("get", "k") == "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        #expect(a.send("ping") == "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        #expect(a.send("ping", "m") == "*2\r\n$4\r\npong\r\n$1\r\nm\r\n")
        #expect(a.send("unsubscribe") == "*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:0\r\n")
        #expect(a.send("unsubscribe") == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        #expect(a.send("get", "k") == R2.null)
    }

    @Test func keyspaceNotifications() {
        let t = P2Engine { $0.notifyKeyspaceEvents = [.keyspace, .keyevent, .list, .generic] }
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
        let t = P2Engine()
        let a = t.client(), b = t.client()
        a.send("subscribe", "x")
        a.close()
        #expect(b.send("publish", "x", "m") == R2.int(0))
        #expect(b.send("pubsub", "numsub", "x") == "*2\r\n$1\r\nx\r\n:0\r\n")
    }
}

@Suite struct TransactionTests {
    @Test func watchInvalidatedByOtherWriter() {
        let t = P2Engine()
        let a = t.client(), b = t.client()
        a.send("set", "k", "1")
        #expect(a.send("watch", "k") == R2.ok)
        b.send("lpush", "other", "x")
        a.send("multi")
        a.send("get", "k")
        #expect(a.send("exec") == "*1\r\n$1\r\n1\r\n")
        a.send("watch", "k")
        b.send("set", "k", "2")
        a.send("multi")
        a.send("get", "k")
        #expect(a.send("exec") == R2.nullArray)
    }

    @Test func watchInvalidatedByExpiry() {
        let t = P2Engine()
        let a = t.client()
        a.send("set", "k", "1", "px", "100")
        a.send("watch", "k")
        t.clock.advance(milliseconds: 200)
        a.send("multi")
        a.send("ping")
        #expect(a.send("exec") == R2.nullArray)
    }

    @Test func watchOnMissingKeyCreatedInsideOtherTransaction() {
        let t = P2Engine()
        let a = t.client(), b = t.client()
        a.send("watch", "z")
        b.send("multi")
        b.send("zadd", "z", "1", "m")
        b.send("exec")
        a.send("multi")
        a.send("zcard", "z")
        #expect(a.send("exec") == R2.nullArray)
        a.send("multi")
        a.send("zcard", "z")
        #expect(a.send("exec") == "*1\r\n:1\r\n")
    }

    @Test func execAbortAfterQueueingError() {
        let t = P2Engine()
        let a = t.client()
        a.send("multi")
        #expect(a.send("lpush", "k") == "-ERR wrong number of arguments for 'lpush' command\r\n")
        #expect(a.send("rpush", "k", "v") == "+QUEUED\r\n")
        #expect(a.send("exec") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
        #expect(a.send("exists", "k") == R2.int(0))
    }

    @Test func flushInvalidatesWatch() {
        let t = P2Engine()
        let a = t.client(), b = t.client()
        a.send("set", "k", "1")
        a.send("watch", "k")
        b.send("flushall")
        a.send("multi")
        a.send("ping")
        #expect(a.send("exec") == R2.nullArray)
    }
}

@Suite struct ACLTests {
    @Test func usersPasswordsAndPermissions() {
        let t = P2Engine()
        let admin = t.client(), c = t.client()
        #expect(admin.send("acl", "setuser", "carol", "on", ">pw", "~k*", "&ch", "-@all", "+get", "+set", "+publish") == R2.ok)
        #expect(c.send("auth", "carol", "bad") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(c.send("auth", "carol", "pw") == R2.ok)
        #expect(c.send("acl", "whoami") == "-NOPERM this user has no permissions to run the 'acl|whoami' command\r\n")
        #expect(c.send("get", "other") == "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n")
        #expect(c.send("set", "kx", "1") == R2.ok)
        #expect(c.send("publish", "zz", "m") == "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n")
        #expect(c.send("publish", "ch", "m") == R2.int(0))
        #expect(admin.send("acl", "dryrun", "carol", "del", "kx") == R2.bulk("This user has no permissions to run the 'del' command"))
        #expect(admin.send("acl", "dryrun", "carol", "get", "zz") == R2.bulk("This user has no permissions to access the 'zz' key"))
        #expect(admin.send("acl", "dryrun", "carol", "get", "kz") == R2.ok)
        #expect(admin.send("acl", "users") == R2.bulks("carol", "default"))
        #expect(admin.send("acl", "setuser", "carol", "off") == R2.ok)
        let d = t.client()
        #expect(d.send("auth", "carol", "pw") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    }

    @Test func describesRulesLikeRedis() {
        let t = P2Engine()
        let a = t.client()
        a.send("acl", "setuser", "alice", "on", ">p1", "~cache:*", "%R~ro:*", "&chan*", "+@read", "-@dangerous", "+set")
        let list = a.send("acl", "list")
        #expect(list.contains("user alice on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a ~cache:* %R~ro:* resetchannels &chan* -@all +@read "))
        #expect(list.contains("user default on nopass ~* &* +@all"))
        a.send("acl", "setuser", "bob", "on", "nopass", "allkeys", "+@all", "-@hash", "(~x", "+get)")
        #expect(a.send("acl", "list").contains("user bob on nopass ~* resetchannels +@all -@hash (~x resetchannels -@all +get)"))
        #expect(a.send("acl", "setuser", "bob", "~y") == "-ERR Error in ACL SETUSER modifier '~y': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns\r\n")
        #expect(a.send("acl", "setuser", "bob", "+@bogus") == "-ERR Error in ACL SETUSER modifier '+@bogus': Unknown command or category name in ACL\r\n")
        #expect(a.send("acl", "deluser", "default") == "-ERR The 'default' user cannot be removed\r\n")
        #expect(a.send("acl", "getuser", "nobody") == R2.null)
    }

    @Test func requirepassIsTheDefaultUsersPassword() {
        let t = P2Engine { $0.requirePass = RedactedSecret("s3cret") }
        let a = t.client()
        #expect(a.send("get", "k") == "-NOAUTH Authentication required.\r\n")
        a.send("auth", "s3cret")
        #expect(a.send("acl", "getuser", "default").contains("\(SHA256.hex(Array("s3cret".utf8)))"))
        a.send("acl", "setuser", "u", "on", ">x", "+@all", "~*")
        let b = t.client()
        #expect(b.send("auth", "default", "s3cret") == R2.ok)
        #expect(b.send("auth", "u", "x") == R2.ok)
        #expect(b.send("acl", "whoami") == R2.bulk("u"))
    }

    @Test func sha256KnownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("p1".utf8)) == "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a")
        #expect(SHA256.hex(Array(repeating: 0x61, count: 200)).count == 64)
    }
}
