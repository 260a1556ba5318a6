import Foundation
import InferaTestSupport
import Testing

/// Tests of the test harness itself: the reply parser, the script tokenizer, normalisation, and
/// two redis-servers compared with each other (which must never mismatch).
@Suite("Differential harness")
struct HarnessTests {
    @Test("reply parser round-trips every RESP2/RESP3 type byte for byte")
    func parserRoundTrip() throws {
        let frames: [String] = [
            "+OK\r\n", "-ERR wrong\r\n", ":-42\r\n", "$3\r\nfoo\r\n", "$0\r\n\r\n", "$-1\r\n", "*-1\r\n",
            "*0\r\n", "*2\r\n$1\r\na\r\n:1\r\n", "_\r\n", ",3.14\r\n", ",inf\r\n", "#t\r\n", "#f\r\n",
            "(12345678901234567890\r\n", "!5\r\nERR x\r\n", "=7\r\ntxt:abc\r\n", "%1\r\n+k\r\n:1\r\n",
            "~2\r\n:1\r\n:2\r\n", ">2\r\n+message\r\n$1\r\nx\r\n", "|1\r\n+a\r\n+b\r\n:7\r\n",
        ]
        for f in frames {
            let bytes = Array(f.utf8)
            let parsed = try #require(try RESPReplyParser.parse(bytes[...]))
            #expect(parsed.1 == bytes.count, "\(f)")
            #expect(parsed.0.encoded == bytes, "\(f)")
            // Every strict prefix is incomplete, never an error or a wrong frame.
            for cut in 0..<bytes.count {
                #expect(try RESPReplyParser.parse(bytes[0..<cut]) == nil, "prefix \(cut) of \(f)")
            }
        }
        #expect(throws: RESPReplyParser.Malformed.self) { try RESPReplyParser.parse(Array("?x\r\n".utf8)[...]) }
        #expect(throws: RESPReplyParser.Malformed.self) { try RESPReplyParser.parse(Array("$1\r\nab\r\n".utf8)[...]) }
    }

    @Test("script tokenizer honours quotes, escapes and normalisation markers")
    func tokenizer() {
        let cmds = DiffScript.parse("""
        # comment
        SET "a key" "x\\"y\\x00z"
        SMEMBERS s ~unordered
        HGETALL h ~pairs
        """)
        #expect(cmds.count == 3)
        #expect(cmds[0].args == [Array("SET".utf8), Array("a key".utf8), [120, 34, 121, 0, 122]])
        #expect(cmds[1].normalization == .unordered)
        #expect(cmds[2].normalization == .unorderedPairs)
    }

    @Test("normalisation sorts only what Redis leaves unordered")
    func normalisation() {
        let a = RESPReply.array([.bulk("b"), .bulk("a")])
        let b = RESPReply.array([.bulk("a"), .bulk("b")])
        #expect(ReplyNormalization.unordered.agree(a, b))
        #expect(!ReplyNormalization.exact.agree(a, b))
        let h1 = RESPReply.array([.bulk("f1"), .bulk("1"), .bulk("f2"), .bulk("2")])
        let h2 = RESPReply.array([.bulk("f2"), .bulk("2"), .bulk("f1"), .bulk("1")])
        let h3 = RESPReply.array([.bulk("f2"), .bulk("1"), .bulk("f1"), .bulk("2")])
        #expect(ReplyNormalization.unorderedPairs.agree(h1, h2))
        #expect(!ReplyNormalization.unorderedPairs.agree(h1, h3))
        #expect(ReplyNormalization.integerWithin(1).agree(.integer(99), .integer(100)))
        #expect(!ReplyNormalization.integerWithin(1).agree(.integer(98), .integer(100)))
        #expect(!ReplyNormalization.unordered.agree(.error("ERR a"), .error("ERR b")))
    }

    @Test("the generator is deterministic per seed")
    func generatorDeterminism() {
        var g1 = CommandGenerator(seed: 42)
        var g2 = CommandGenerator(seed: 42)
        var g3 = CommandGenerator(seed: 43)
        let s1 = g1.sequence(count: 500), s2 = g2.sequence(count: 500), s3 = g3.sequence(count: 500)
        #expect(s1 == s2)
        #expect(s1 != s3)
    }

    @Test("two redis-servers agree on random sequences of every group (harness self-check)")
    func redisAgainstRedis() throws {
        let a = try ServerProcess.startRedis()
        defer { a.stop() }
        let b = try ServerProcess.startRedis()
        defer { b.stop() }
        let runner = DifferentialRunner(reference: try RedisTestClient(port: a.port),
                                        candidate: try RedisTestClient(port: b.port))
        for seed: UInt64 in [1, 2, 3] {
            try runner.reset()
            var gen = CommandGenerator(seed: seed)
            let mismatches = try runner.run(gen.sequence(count: 3000))
            #expect(mismatches.isEmpty, "seed \(seed): \(mismatches.prefix(5).map(\.description).joined(separator: "\n"))")
        }
    }

    @Test("generated sequences mostly succeed on redis-server (they exercise real paths, not just errors)")
    func generatorQuality() throws {
        let a = try ServerProcess.startRedis()
        defer { a.stop() }
        let c = try RedisTestClient(port: a.port)
        var summary: [String] = []
        for group in CommandGenerator.Group.allCases where group != .invalid {
            _ = try c.command("FLUSHALL")
            _ = try c.command("SELECT", "0")
            var gen = CommandGenerator(seed: 11, groups: [group, .strings])
            let commands = gen.sequence(count: 1000)
            for cmd in commands { try c.send(bytes: cmd.args) }
            var errors = 0, empty = 0
            for _ in commands {
                let r = try c.readReply()
                if r.isError { errors += 1 }
                if r == .bulk(nil) || r == .array([]) || r == .integer(0) { empty += 1 }
            }
            summary.append("\(group.rawValue): \(errors) errors, \(empty) empty of 1000")
            #expect(errors < 300, "\(group.rawValue): \(errors) of 1000 generated commands are errors")
            #expect(empty < 600, "\(group.rawValue): \(empty) of 1000 replies are empty/zero")
        }
        print(summary.joined(separator: "\n"))
    }

    @Test("the harness detects a difference and minimises the failing sequence")
    func detectsAndMinimises() throws {
        let a = try ServerProcess.startRedis()
        defer { a.stop() }
        // A differently configured second server changes exactly one reply: with
        // hash-max-listpack-entries 2, OBJECT ENCODING of a 3-field hash is hashtable.
        let b = try ServerProcess.startRedis(extraArguments: ["--hash-max-listpack-entries", "2"])
        defer { b.stop() }
        let runner = DifferentialRunner(reference: try RedisTestClient(port: a.port),
                                        candidate: try RedisTestClient(port: b.port))
        try runner.reset()
        var commands = DiffScript.parse("""
        SET a 1
        INCR a
        HSET l x 1 y 2 z 3
        HSET h f v
        SADD s m
        """)
        var gen = CommandGenerator(seed: 7, groups: [.strings, .sets])
        commands += gen.sequence(count: 60)
        commands += DiffScript.parse("OBJECT ENCODING l")
        let mismatches = try runner.run(commands)
        #expect(mismatches.count == 1)
        let minimal = try runner.minimize(commands)
        #expect(minimal.map(\.description) == ["HSET l x 1 y 2 z 3", "OBJECT ENCODING l"])
    }

    @Test("the launcher finds redis-server and free loopback ports")
    func launcher() throws {
        #expect(ServerProcess.which("redis-server") != nil, "redis-server must be installed (scripts/setup.sh)")
        let p = try RedisTestClient.freeLoopbackPort()
        #expect(p > 0 && p < 65536)
    }
}
