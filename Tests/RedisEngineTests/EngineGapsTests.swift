import Foundation
import RESP
import Testing
@testable import RedisEngine

/// CLIENT UNBLOCK, ACL per-key-spec permissions, ACL LOG.
@Suite struct ClientUnblockTests {
    @Test func unblockWithTimeoutAndErrorReplies() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client(), admin = t.client()
        let bID = b.session.id, aID = a.session.id
        #expect(a.send("blpop", "q", "0") == "")
        #expect(admin.send("client", "unblock", String(aID)) == ExpectedReply.int(1))
        #expect(a.delivered() == ExpectedReply.nullArray)
        #expect(a.session.isBlocked == false)
        #expect(admin.send("client", "unblock", String(aID)) == ExpectedReply.int(0))   // no longer blocked
        // RESP3 timeout reply, then ERROR.
        b.send("hello", "3")
        #expect(b.send("bzpopmin", "z", "0") == "")
        #expect(admin.send("client", "unblock", String(bID), "TIMEOUT") == ExpectedReply.int(1))
        #expect(b.delivered() == "_\r\n")
        #expect(b.send("blmove", "src", "dst", "LEFT", "RIGHT", "0") == "")
        #expect(admin.send("client", "unblock", String(bID), "error") == ExpectedReply.int(1))
        #expect(b.delivered() == "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
        // The unblocked client is gone from the key's queue: a push is not served to it.
        #expect(admin.send("rpush", "q", "x") == ExpectedReply.int(1))
        #expect(a.delivered() == "")
        #expect(admin.send("llen", "q") == ExpectedReply.int(1))
    }

    @Test func unblockErrors() {
        let t = ManualClockEngine()
        let admin = t.client()
        #expect(admin.send("client", "unblock", "abc") == "-ERR value is not an integer or out of range\r\n")
        #expect(admin.send("client", "unblock", "1", "maybe") == "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n")
        #expect(admin.send("client", "unblock", "abc", "maybe") == "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n")
        #expect(admin.send("client", "unblock", "1", "timeout", "x") == "-ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.\r\n")
        #expect(admin.send("client", "unblock") == "-ERR wrong number of arguments for 'client|unblock' command\r\n")
        #expect(admin.send("client", "unblock", "999") == ExpectedReply.int(0))
        #expect(admin.send("client", "unblock", String(admin.session.id)) == ExpectedReply.int(0))
        #expect(admin.send("command", "info", "client").contains("client|unblock"))
        #expect(admin.send("command", "docs", "client").contains("Unblock a client blocked in a blocking command from a different connection"))
    }
}

@Suite struct ACLKeySpecTests {
    static let keyDenied = "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n"

    @Test func readWritePatternsFollowKeySpecs() {
        let t = ManualClockEngine()
        let admin = t.client(), c = t.client()
        #expect(admin.send("acl", "setuser", "r", "on", ">pw", "%R~foo*", "%W~out*", "~both*", "+@all") == ExpectedReply.ok)
        #expect(c.send("auth", "r", "pw") == ExpectedReply.ok)
        #expect(c.send("get", "foo1") == ExpectedReply.null)
        #expect(c.send("set", "foo1", "v") == Self.keyDenied)
        #expect(c.send("set", "out1", "v") == ExpectedReply.ok)            // SET without GET only writes (OW update)
        #expect(c.send("set", "out1", "v", "GET") == Self.keyDenied)   // GET needs read access too
        #expect(c.send("get", "out1") == Self.keyDenied)
        #expect(c.send("set", "both1", "v", "GET") == ExpectedReply.null)
        // Source read, destination written.
        #expect(c.send("copy", "foo1", "out2") == ExpectedReply.int(0))
        #expect(c.send("copy", "out1", "foo2") == Self.keyDenied)
        // LMOVE's source spec is RW access delete: popping needs write access to the source too.
        #expect(c.send("lmove", "foo1", "out3", "LEFT", "RIGHT") == Self.keyDenied)
        #expect(c.send("lmove", "both1", "out3", "LEFT", "RIGHT") == ExpectedReply.wrongType)
        #expect(c.send("lmove", "out1", "foo3", "LEFT", "RIGHT") == Self.keyDenied)
        #expect(c.send("sort", "foo1", "STORE", "out4") == ExpectedReply.int(0))
        #expect(c.send("sort", "foo1", "STORE", "foo4") == Self.keyDenied)
        #expect(c.send("sort", "foo1", "LIMIT", "0", "1", "STORE", "out5") == ExpectedReply.int(0))
        // BITFIELD: read-only forms need only read access.
        #expect(c.send("bitfield", "foo1", "GET", "u8", "0") == "*1\r\n:0\r\n")
        #expect(c.send("bitfield", "foo1", "SET", "u8", "0", "1") == Self.keyDenied)
        // LPUSH inserts (write); LLEN reads nothing (no access flag) so any matching pattern allows it.
        #expect(c.send("lpush", "out6", "a") == ExpectedReply.int(1))
        #expect(c.send("llen", "out6") == ExpectedReply.int(1))
        #expect(c.send("exists", "out6") == ExpectedReply.int(1))
        #expect(admin.send("acl", "dryrun", "r", "set", "foo9", "v") == ExpectedReply.bulk("This user has no permissions to access the 'foo9' key"))
        #expect(admin.send("acl", "dryrun", "r", "copy", "out1", "foo2") == ExpectedReply.bulk("This user has no permissions to access the 'out1' key"))
        #expect(admin.send("acl", "dryrun", "r", "get", "foo9") == ExpectedReply.ok)
        #expect(admin.send("acl", "getuser", "r").contains("$4\r\nkeys\r\n$22\r\n%R~foo* %W~out* ~both*\r\n"))
    }

    @Test func keySpecParsing() {
        let set = KeySpecs.keys("set", Argv(["set", "k", "v"]))
        #expect(set == [KeySpecs.KeyRef(pos: 1, flags: [.ow, .update])])
        let zu = KeySpecs.keys("zunionstore", Argv(["zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"]))
        #expect(zu?.map { $0.pos } == [1, 3, 4])
        #expect(zu?.first?.flags.needsWrite == true)
        #expect(zu?.last?.flags.needsRead == true)
        let mset = KeySpecs.keys("mset", Argv(["mset", "a", "1", "b", "2"]))
        #expect(mset?.map { $0.pos } == [1, 3])
        let xr = KeySpecs.keys("xread", Argv(["xread", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"]))
        #expect(xr?.map { $0.pos } == [4, 5])
        #expect(KeySpecs.keys("ping", Argv(["ping"])) == nil)
        #expect(KeySpecs.keys("object|freq", Argv(["object", "freq", "k"]))?.map { $0.pos } == [2])
    }
}

@Suite struct ACLLogTests {
    @Test func logsDenialsAuthFailuresAndMergesRepeats() {
        let t = ManualClockEngine()
        let admin = t.client(), c = t.client()
        admin.send("acl", "setuser", "u", "on", ">pw", "~k*", "&ch", "-@all", "+get", "+multi", "+exec", "+discard", "+publish")
        #expect(c.send("auth", "u", "bad") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(c.send("auth", "u", "pw") == ExpectedReply.ok)
        c.send("set", "k1", "v")
        c.send("get", "zz")
        c.send("get", "zz")
        c.send("publish", "other", "m")
        c.send("multi")
        c.send("get", "zz2")
        let v = admin.send("acl", "log")
        #expect(v.hasPrefix("*5\r\n"))
        // Newest first: the key denial inside MULTI.
        let entries = v.components(separatedBy: "*14\r\n").dropFirst()
        #expect(entries.count == 5)
        let e0 = entries.first ?? ""
        #expect(e0.hasPrefix("$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$3\r\nkey\r\n$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n$3\r\nzz2\r\n$8\r\nusername\r\n$1\r\nu\r\n$11\r\nage-seconds\r\n$1\r\n0\r\n$11\r\nclient-info\r\n"))
        #expect(e0.contains("cmd=get user=u"))
        let all = Array(entries)
        #expect(all[1].hasPrefix("$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$7\r\nchannel\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$5\r\nother\r\n"))
        #expect(all[2].hasPrefix("$5\r\ncount\r\n:2\r\n$6\r\nreason\r\n$3\r\nkey\r\n"))       // merged repeat
        #expect(all[3].hasPrefix("$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$7\r\ncommand\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$3\r\nset\r\n"))
        #expect(all[4].hasPrefix("$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$4\r\nauth\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$4\r\nauth\r\n$8\r\nusername\r\n$1\r\nu\r\n"))
        // Age grows with the clock; a repeat after 60 s is a new entry.
        t.clock.advance(milliseconds: 61_500)
        #expect(admin.send("acl", "log", "1").contains("$11\r\nage-seconds\r\n$4\r\n61.5\r\n"))
        c.send("discard")
        c.send("get", "zz")
        #expect(admin.send("acl", "log", "1").contains("$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$3\r\nkey\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$2\r\nzz\r\n"))
        #expect(admin.send("acl", "log", "abc") == "-ERR value is not an integer or out of range\r\n")
        #expect(admin.send("acl", "log", "-5") == "*0\r\n")
        #expect(admin.send("acl", "log", "1", "2") == "-ERR unknown subcommand or wrong number of arguments for 'log'. Try ACL HELP.\r\n")
        #expect(admin.send("acl", "log", "reset") == ExpectedReply.ok)
        #expect(admin.send("acl", "log") == "*0\r\n")
    }

    @Test func maxLenTrimsOldEntries() {
        let t = ManualClockEngine()
        let admin = t.client(), c = t.client()
        #expect(admin.send("config", "set", "acllog-max-len", "3") == ExpectedReply.ok)
        admin.send("acl", "setuser", "u", "on", "nopass", "~k*", "+@all")
        c.send("auth", "u", "x")
        for i in 0..<5 { c.send("get", "other\(i)") }
        let v = admin.send("acl", "log", "100")
        #expect(v.hasPrefix("*3\r\n"))
        #expect(v.contains("other4") && v.contains("other2") && !v.contains("other1"))
    }
}

@Suite struct SelfNotificationTests {
    @Test func ownKeyspaceEventsPrecedeTheReply() {
        let t = ManualClockEngine { $0.notifyKeyspaceEvents = [.keyspace, .keyevent, .string, .generic] }
        let a = t.client(), other = t.client()
        a.send("hello", "3")
        #expect(a.send("subscribe", "__keyspace@0__:k") == ">3\r\n$9\r\nsubscribe\r\n$16\r\n__keyspace@0__:k\r\n:1\r\n")
        other.send("psubscribe", "__keyevent@0__:*")
        let push = ">3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$3\r\nset\r\n"
        #expect(a.send("set", "k", "v") == push + ExpectedReply.ok)
        #expect(a.delivered() == "")
        #expect(other.delivered() == "*4\r\n$8\r\npmessage\r\n$16\r\n__keyevent@0__:*\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n")
        #expect(a.send("del", "k", "nokey") == ">3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$3\r\ndel\r\n" + ExpectedReply.int(1))
        // Inside EXEC they come between the array header and the command's reply, like Redis 7.0.
        a.send("multi")
        a.send("set", "k", "1")
        #expect(a.send("exec") == "*1\r\n" + push + "+OK\r\n")
    }
}
