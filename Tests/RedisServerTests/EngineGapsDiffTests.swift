import Foundation
import InferaTestSupport
import Testing

/// Differential cases for the closed engine gaps: per-key LRU/LFU clock (OBJECT IDLETIME/FREQ and which
/// commands touch a key), CLIENT UNBLOCK, ACL per-key-spec permissions, ACL LOG.
@Suite("Differential: engine gaps (LRU/LFU, CLIENT UNBLOCK, ACL key specs, ACL LOG)")
struct EngineGapsDifferentialTests {
    @Test func objectClock() throws { try runCases(EngineGapsCases.objectClock) }
    @Test func aclKeySpecs() throws { try runCases(EngineGapsCases.aclKeySpecs) }
    @Test func clusterCommandsWhenStandalone() throws { try runCases(EngineGapsCases.clusterWhenStandalone) }

    /// CLIENT UNBLOCK needs the blocked client's id, which differs between the servers: run the same
    /// steps on each server with the id it reports and compare the transcripts.
    @Test func clientUnblock() throws {
        try ServerPair.with { pair in
            let expected = try Self.unblockTranscript(port: pair.reference.port)
            let actual = try Self.unblockTranscript(port: pair.candidate.port)
            #expect(expected.count == actual.count)
            for (i, (e, a)) in zip(expected, actual).enumerated() {
                #expect(e == a, "step \(i): redis-server \(e) vs under test \(a)")
            }
        }
    }

    static func unblockTranscript(port: Int) throws -> [String] {
        let a = try RedisTestClient(port: port), b = try RedisTestClient(port: port)
        defer { a.close(); b.close() }
        var out: [String] = []
        func rec(_ r: RESPReply) { out.append(r.description) }
        guard let id = try a.command("CLIENT", "ID").integer else { throw RedisTestError("CLIENT ID") }
        let ids = String(id)
        rec(try b.command("CLIENT", "UNBLOCK", ids))                       // not blocked: 0
        try a.send(["BLPOP", "q", "0"])
        out.append(try a.hasNoPendingReply(within: .milliseconds(100)) ? "blocked" : "not blocked")
        rec(try b.command("CLIENT", "UNBLOCK", ids))                       // 1
        rec(try a.readReply())                                             // *-1
        try a.send(["BRPOPLPUSH", "q", "d", "0"])
        out.append(try a.hasNoPendingReply(within: .milliseconds(100)) ? "blocked" : "not blocked")
        rec(try b.command("CLIENT", "UNBLOCK", ids, "ERROR"))
        rec(try a.readReply())                                             // -UNBLOCKED ...
        try a.send(["BZPOPMIN", "z", "0"])
        _ = try a.hasNoPendingReply(within: .milliseconds(100))
        rec(try b.command("CLIENT", "UNBLOCK", ids, "timeout"))
        rec(try a.readReply())
        rec(try b.command("RPUSH", "q", "x"))                              // nobody waits any more
        rec(try b.command("LLEN", "q"))
        _ = try a.command("HELLO", "3")
        try a.send(["BLMPOP", "0", "1", "q2", "LEFT"])
        _ = try a.hasNoPendingReply(within: .milliseconds(100))
        rec(try b.command("CLIENT", "UNBLOCK", ids, "TIMEOUT"))
        rec(try a.readReply())                                             // RESP3 null
        rec(try b.command("CLIENT", "UNBLOCK", ids, "maybe"))
        rec(try b.command("CLIENT", "UNBLOCK", "abc"))
        rec(try b.command("CLIENT", "UNBLOCK", "abc", "maybe"))
        rec(try b.command("CLIENT", "UNBLOCK", ids, "timeout", "extra"))
        rec(try b.command("CLIENT", "UNBLOCK"))
        rec(try b.command("CLIENT", "UNBLOCK", "99999"))
        return out
    }

    /// ACL LOG entries from both servers, compared field by field; `age-seconds` must be a small number and
    /// only the stable fields of `client-info` are compared (addresses, fds, ids and ages differ).
    @Test func aclLog() throws {
        try ServerPair.with { pair in
            let expected = try Self.aclLogTranscript(port: pair.reference.port)
            let actual = try Self.aclLogTranscript(port: pair.candidate.port)
            #expect(expected.count == actual.count)
            for (i, (e, a)) in zip(expected, actual).enumerated() {
                #expect(e == a, "line \(i): redis-server \(e) vs under test \(a)")
            }
        }
    }

    static let stableClientFields: Set<String> = ["name", "flags", "db", "sub", "psub", "multi", "cmd", "user", "resp"]

    static func aclLogTranscript(port: Int) throws -> [String] {
        let admin = try RedisTestClient(port: port), c = try RedisTestClient(port: port)
        defer { admin.close(); c.close() }
        var out: [String] = []
        func rec(_ r: RESPReply) { out.append(r.description) }
        rec(try admin.command("ACL", "SETUSER", "u", "on", ">pw", "~k*", "&ch", "-@all", "+get", "+set", "+multi",
                              "+exec", "+discard", "+publish", "+client|setname"))
        rec(try admin.command("ACL", "LOG"))
        rec(try c.command("AUTH", "u", "bad"))
        rec(try c.command("AUTH", "nosuchuser", "bad"))
        rec(try c.command("AUTH", "u", "pw"))
        rec(try c.command("CLIENT", "SETNAME", "logtest"))
        rec(try c.command("DEL", "k1"))
        rec(try c.command("GET", "zz"))
        rec(try c.command("GET", "zz"))
        rec(try c.command("SET", "k1", "v", "GET"))
        rec(try c.command("PUBLISH", "other", "m"))
        rec(try c.command("MULTI"))
        rec(try c.command("GET", "zz2"))
        rec(try c.command("DEL", "k2"))
        rec(try c.command("EXEC"))
        rec(try admin.command("ACL", "LOG", "abc"))
        rec(try admin.command("ACL", "LOG", "1", "2"))
        rec(try admin.command("CONFIG", "GET", "acllog-max-len"))
        for count in ["100", "2", "0", "-1"] {
            let log = try admin.command("ACL", "LOG", count)
            guard let entries = log.elements else { out.append("not an array: \(log)"); continue }
            out.append("entries \(entries.count)")
            for e in entries {
                guard let f = e.elements, f.count % 2 == 0 else { out.append("bad entry \(e)"); continue }
                var line: [String] = []
                for j in stride(from: 0, to: f.count, by: 2) {
                    let k = f[j].text ?? "?"
                    switch k {
                    case "age-seconds":
                        let age = Double(f[j + 1].text ?? "") ?? -1
                        line.append("age-seconds:" + (age >= 0 && age < 30 ? "ok" : "bad \(f[j + 1])"))
                    case "client-info":
                        let fields = (f[j + 1].text ?? "").split(separator: " ").filter { kv in
                            stableClientFields.contains(String(kv.split(separator: "=", maxSplits: 1).first ?? ""))
                        }
                        line.append("client-info:" + fields.joined(separator: " "))
                    default:
                        line.append("\(k):\(f[j + 1].description)")
                    }
                }
                out.append(line.joined(separator: " | "))
            }
        }
        rec(try admin.command("ACL", "LOG", "RESET"))
        rec(try admin.command("ACL", "LOG"))
        return out
    }
}

enum EngineGapsCases {
    /// A standalone server knows the cluster commands and says cluster support is disabled.
    static let clusterWhenStandalone: [DiffCase] = [
        DiffCase("cluster-disabled", """
        CLUSTER INFO
        CLUSTER HELP
        CLUSTER KEYSLOT a
        CLUSTER RESET
        CLUSTER NOSUCH
        CLUSTER
        ASKING
        READONLY
        READWRITE
        EVAL "return redis.call('cluster','reset')" 0
        EVAL "return redis.pcall('cluster','info')" 0
        COMMAND INFO asking readonly
        """),
    ]

    static let objectClock: [DiffCase] = [
        DiffCase("object-idletime-freq-errors", """
        SET s hello
        OBJECT IDLETIME s ~shape
        OBJECT FREQ s
        OBJECT FREQ nokey
        CONFIG SET maxmemory-policy allkeys-lfu
        OBJECT IDLETIME s
        OBJECT IDLETIME nokey
        CONFIG SET maxmemory-policy volatile-lfu
        OBJECT IDLETIME s
        CONFIG SET maxmemory-policy volatile-lru
        OBJECT FREQ s
        CONFIG SET maxmemory-policy volatile-ttl
        OBJECT FREQ s
        CONFIG GET lfu-log-factor
        CONFIG GET lfu-decay-time
        CONFIG SET lfu-log-factor -1
        CONFIG SET lfu-decay-time abc
        CONFIG SET maxmemory-policy nosuch
        CONFIG SET maxmemory-policy noeviction
        """),
        // With lfu-log-factor 0 every touching access increments the counter by exactly one and with
        // lfu-decay-time 0 nothing decays: OBJECT FREQ then shows exactly which commands touch a key.
        DiffCase("lfu-which-commands-touch", """
        CONFIG SET maxmemory-policy allkeys-lfu
        CONFIG SET lfu-log-factor 0
        CONFIG SET lfu-decay-time 0
        SET f v
        OBJECT FREQ f
        GET f
        OBJECT FREQ f
        TYPE f
        EXISTS f
        TTL f
        PTTL f
        EXPIRETIME f
        OBJECT ENCODING f
        SCAN 0
        KEYS *
        OBJECT FREQ f
        TOUCH f nokey
        STRLEN f
        APPEND f x
        OBJECT FREQ f
        SET f v2
        OBJECT FREQ f
        SET n 1000000
        INCR n
        INCRBY n 5
        OBJECT FREQ n
        MSET f v3 m1 x
        OBJECT FREQ f
        OBJECT FREQ m1
        SET f v4 XX
        OBJECT FREQ f
        SET f v5 GET
        OBJECT FREQ f
        GETSET f v6
        OBJECT FREQ f
        SETNX f v7
        OBJECT FREQ f
        RENAME f g
        OBJECT FREQ g
        COPY g h
        OBJECT FREQ h
        MOVE g 1
        SELECT 1
        OBJECT FREQ g
        GET g
        OBJECT FREQ g
        SELECT 0
        RPUSH l a b c
        LRANGE l 0 -1
        LLEN l
        OBJECT FREQ l
        HSET hh a 1
        HGET hh a
        HGETALL hh
        OBJECT FREQ hh
        SADD ss a
        SISMEMBER ss a
        OBJECT FREQ ss
        ZADD zz 1 a
        ZSCORE zz a
        OBJECT FREQ zz
        EXPIRE zz 100
        PERSIST zz
        OBJECT FREQ zz
        CONFIG SET lfu-log-factor 10
        CONFIG SET lfu-decay-time 1
        CONFIG SET maxmemory-policy noeviction
        FLUSHALL
        """),
    ]

    static let aclKeySpecs: [DiffCase] = [
        DiffCase("getkeysandflags-key-specs", """
        COMMAND GETKEYSANDFLAGS set k v
        COMMAND GETKEYSANDFLAGS set k v get
        COMMAND GETKEYSANDFLAGS get a
        COMMAND GETKEYSANDFLAGS copy a b
        COMMAND GETKEYSANDFLAGS lmove a b left right
        COMMAND GETKEYSANDFLAGS rpoplpush a b
        COMMAND GETKEYSANDFLAGS zunionstore d 2 a b
        COMMAND GETKEYSANDFLAGS sort a store b
        COMMAND GETKEYSANDFLAGS sort a
        COMMAND GETKEYSANDFLAGS del a b
        COMMAND GETKEYSANDFLAGS mset a 1 b 2
        COMMAND GETKEYSANDFLAGS bitfield a get u8 0
        COMMAND GETKEYSANDFLAGS bitfield a set u8 0 1
        COMMAND GETKEYSANDFLAGS rename a b
        COMMAND GETKEYSANDFLAGS lpush a x
        COMMAND GETKEYSANDFLAGS hincrby h f 1
        COMMAND GETKEYSANDFLAGS expire a 10
        COMMAND GETKEYSANDFLAGS blmpop 0 2 a b left
        COMMAND GETKEYSANDFLAGS object freq a
        """),
        DiffCase("acl-key-spec-permissions", """
        ACL SETUSER r on >pw %R~foo* %W~out* ~both* %RW~rw* +@all
        ACL GETUSER r
        ACL LIST
        ACL DRYRUN r get foo1
        ACL DRYRUN r set foo1 v
        ACL DRYRUN r set out1 v
        ACL DRYRUN r set out1 v GET
        ACL DRYRUN r set both1 v get
        ACL DRYRUN r getset out1 v
        ACL DRYRUN r copy foo1 out2
        ACL DRYRUN r copy out1 foo2
        ACL DRYRUN r lmove foo1 out3 LEFT RIGHT
        ACL DRYRUN r lmove both1 out3 LEFT RIGHT
        ACL DRYRUN r rpoplpush rw1 out3
        ACL DRYRUN r sort foo1 STORE out4
        ACL DRYRUN r sort foo1 STORE foo4
        ACL DRYRUN r sort foo1 LIMIT 0 1 STORE out5
        ACL DRYRUN r sort_ro foo1
        ACL DRYRUN r bitfield foo1 GET u8 0
        ACL DRYRUN r bitfield foo1 SET u8 0 1
        ACL DRYRUN r bitfield_ro foo1 GET u8 0
        ACL DRYRUN r zunionstore out1 2 foo1 foo2
        ACL DRYRUN r zunionstore foo1 2 foo1 foo2
        ACL DRYRUN r zunionstore out1 2 foo1 out2
        ACL DRYRUN r llen out1
        ACL DRYRUN r llen zzz
        ACL DRYRUN r exists foo1 out1
        ACL DRYRUN r del foo1
        ACL DRYRUN r del out1
        ACL DRYRUN r mset out1 a both2 b
        ACL DRYRUN r mset out1 a foo2 b
        ACL DRYRUN r mget foo1 both1 out1
        ACL DRYRUN r rename foo1 out1
        ACL DRYRUN r rename rw1 out1
        ACL DRYRUN r smove rw1 out1 m
        ACL DRYRUN r lpush out1 a
        ACL DRYRUN r incr out1
        ACL DRYRUN r append rw1 x
        ACL DRYRUN r blpop foo1 out1 0
        ACL DRYRUN r blmpop 0 2 rw1 rw2 LEFT
        ACL DRYRUN r zrangestore out1 foo1 0 -1
        ACL DRYRUN r object freq foo1
        ACL DRYRUN r expire out1 10
        ACL DRYRUN r ttl out1
        ACL DRYRUN r hset out1 f v
        ACL DRYRUN r hget out1 f
        ACL DRYRUN r hincrby rw1 f 1
        ACL DRYRUN r sinterstore out1 foo1 foo2
        ACL DRYRUN r sintercard 2 foo1 out1
        ACL DRYRUN r lcs foo1 both1
        ACL DRYRUN r touch foo1 out1
        ACL SETUSER w on >pw %W~* +@all
        ACL DRYRUN w get foo1
        ACL DRYRUN w set foo1 v
        ACL DRYRUN w del foo1
        ACL SETUSER w resetkeys %R~* %W~x*
        ACL GETUSER w
        ACL DRYRUN w set foo1 v
        ACL DRYRUN w set x1 v
        ACL SETUSER w allkeys
        ACL DRYRUN w set foo1 v
        AUTH r pw
        GET foo1
        SET foo1 x
        SET out1 x
        GET out1
        SET out1 y GET
        SET both1 x GET
        COPY foo1 out2
        COPY out1 foo2
        LPUSH out3 a
        LLEN out3
        AUTH default anything
        ACL DELUSER r w
        FLUSHALL
        """),
        DiffCase("acl-setuser-rule-validation", """
        ACL SETUSER "a a"
        ACL SETUSER "a\tb"
        ACL CAT NON_EXISTS
        ACL CAT NON_EXISTS NON_EXISTS2
        ACL SETUSER nu +@all -config|get
        ACL SETUSER nu +config|get|appendonly
        ACL SETUSER nu +@all +config|asdf
        ACL SETUSER nu +@all -config|asdf
        ACL SETUSER nu +@all +get|key1|key2
        ACL SETUSER nu +@all -get|key1
        ACL SETUSER nu -@all +select|0|1
        ACL SETUSER nu -@all +select|
        ACL SETUSER nu -@all +config|
        ACL SETUSER nu -@all +select|0
        ACL LIST
        ACL DELUSER nu
        """),
        DiffCase("acl-selectors-relevant-denial", """
        ACL SETUSER sel on nopass -@all resetkeys (+@write ~write::*) (+@read ~read::*)
        ACL DRYRUN sel get write::foo
        ACL DRYRUN sel set read::foo bar
        ACL DRYRUN sel ping
        ACL SETUSER sel2 on nopass -@all resetkeys ~key1 (%R~key2 +mget) (~otherkey +mget)
        ACL DRYRUN sel2 mget key1 key2 someotherkey
        ACL DRYRUN sel2 mget otherkey key2
        ACL DELUSER sel sel2
        """),
        DiffCase("acl-sort-by-get-need-full-key-read", """
        SET v1 1
        LPUSH mylist 1
        ACL SETUSER tsa on nopass (+sort ~mylist)
        AUTH tsa x
        SORT mylist BY v*
        SORT mylist GET #
        SORT mylist BY nosort
        AUTH default x
        ACL SETUSER tsa (+sort ~mylist %W~*)
        AUTH tsa x
        SORT mylist BY v*
        AUTH default x
        ACL SETUSER tsa (+sort ~mylist %R~*)
        AUTH tsa x
        SORT mylist BY v* GET #
        AUTH default x
        ACL DELUSER tsa
        FLUSHALL
        """),
        DiffCase("auth-password-only-with-nopass-default-after-setuser", """
        AUTH foo
        ACL SETUSER someone on >pw +@all
        AUTH foo
        AUTH someone pw
        AUTH default foo
        ACL SETUSER default resetpass >secret
        AUTH foo
        AUTH secret
        ACL SETUSER default nopass
        AUTH foo
        ACL DELUSER someone
        """),
    ]
}

extension EngineGapsDifferentialTests {
    /// A RESP3 client subscribed to its own keyspace events gets them before the command's reply.
    @Test func ownKeyspaceEventsBeforeReply() throws {
        try ServerPair.with { pair in
            let expected = try Self.selfNotifyTranscript(port: pair.reference.port)
            let actual = try Self.selfNotifyTranscript(port: pair.candidate.port)
            #expect(expected == actual)
        }
    }

    static func selfNotifyTranscript(port: Int) throws -> [String] {
        let a = try RedisTestClient(port: port)
        defer { a.close() }
        var out: [String] = []
        _ = try a.command("CONFIG", "SET", "notify-keyspace-events", "KEA")
        _ = try a.command("HELLO", "3")
        out.append(try a.command("SUBSCRIBE", "__keyspace@0__:k", "__keyevent@0__:del").description)
        out.append(try a.command("PSUBSCRIBE", "__keyevent@0__:*").description)
        let commands: [[String]] = [
            ["SET", "k", "v"], ["APPEND", "k", "x"], ["EXPIRE", "k", "100"], ["PERSIST", "k"], ["DEL", "k", "nokey"],
            ["RPUSH", "l", "a"], ["LPOP", "l"], ["MULTI"], ["SET", "k", "1"], ["INCR", "k"], ["EXEC"], ["GET", "k"],
            ["INCRBYFLOAT", "k", "1.5"], ["SETRANGE", "k", "0", "x"], ["SETBIT", "k", "3", "1"],
            ["BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u8", "0"], ["GETSET", "k", "v"], ["SET", "k", "w", "GET"],
            ["GETEX", "k", "EX", "100"], ["GETEX", "k", "PERSIST"], ["GETDEL", "k"], ["MSET", "k", "1", "k2", "2"],
            ["RENAME", "k", "k3"], ["COPY", "k3", "k"], ["MOVE", "k3", "1"], ["SETEX", "k", "100", "v"], ["SETNX", "k", "v"],
            ["HSET", "h", "f", "1"], ["HSETNX", "h", "g", "1"], ["HINCRBY", "h", "f", "2"], ["HINCRBYFLOAT", "h", "f", "0.5"],
            ["HDEL", "h", "f", "g"], ["SADD", "s", "a"], ["SREM", "s", "a"], ["ZADD", "z", "1", "a"], ["ZINCRBY", "z", "1", "a"],
            ["ZPOPMIN", "z"], ["DEL", "k", "k2"],
        ]
        for cmd in commands {
            try a.send(cmd)
            // Read until the command's own (non-push) reply arrives, bounded.
            var n = 0
            while n < 20 {
                let r = try a.readReply(timeout: .seconds(2))
                out.append(r.description)
                n += 1
                if case .push = r { continue }
                break
            }
        }
        _ = try a.command("CONFIG", "SET", "notify-keyspace-events", "")
        return out
    }
}
