import Testing
@testable import RedisEngine

@Suite struct ACLTests {
    @Test func usersPasswordsAndPermissions() {
        let t = ManualClockEngine()
        let admin = t.client(), c = t.client()
        #expect(admin.send("acl", "setuser", "carol", "on", ">pw", "~k*", "&ch", "-@all", "+get", "+set", "+publish") == ExpectedReply.ok)
        #expect(c.send("auth", "carol", "bad") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(c.send("auth", "carol", "pw") == ExpectedReply.ok)
        #expect(c.send("acl", "whoami") == "-NOPERM this user has no permissions to run the 'acl|whoami' command\r\n")
        #expect(c.send("get", "other") == "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n")
        #expect(c.send("set", "kx", "1") == ExpectedReply.ok)
        #expect(c.send("publish", "zz", "m") == "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n")
        #expect(c.send("publish", "ch", "m") == ExpectedReply.int(0))
        #expect(admin.send("acl", "dryrun", "carol", "del", "kx") == ExpectedReply.bulk("This user has no permissions to run the 'del' command"))
        #expect(admin.send("acl", "dryrun", "carol", "get", "zz") == ExpectedReply.bulk("This user has no permissions to access the 'zz' key"))
        #expect(admin.send("acl", "dryrun", "carol", "get", "kz") == ExpectedReply.ok)
        #expect(admin.send("acl", "users") == ExpectedReply.bulks("carol", "default"))
        #expect(admin.send("acl", "setuser", "carol", "off") == ExpectedReply.ok)
        let d = t.client()
        #expect(d.send("auth", "carol", "pw") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    }

    @Test func describesRulesLikeRedis() {
        let t = ManualClockEngine()
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
        #expect(a.send("acl", "getuser", "nobody") == ExpectedReply.null)
    }

    @Test func requirepassIsTheDefaultUsersPassword() {
        let t = ManualClockEngine { $0.requirePass = RedactedSecret("s3cret") }
        let a = t.client()
        #expect(a.send("get", "k") == "-NOAUTH Authentication required.\r\n")
        a.send("auth", "s3cret")
        #expect(a.send("acl", "getuser", "default").contains("\(SHA256.hex(Array("s3cret".utf8)))"))
        a.send("acl", "setuser", "u", "on", ">x", "+@all", "~*")
        let b = t.client()
        #expect(b.send("auth", "default", "s3cret") == ExpectedReply.ok)
        #expect(b.send("auth", "u", "x") == ExpectedReply.ok)
        #expect(b.send("acl", "whoami") == ExpectedReply.bulk("u"))
    }

    @Test func sha256KnownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("p1".utf8)) == "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a")
        #expect(SHA256.hex(Array(repeating: 0x61, count: 200)).count == 64)
    }
}
