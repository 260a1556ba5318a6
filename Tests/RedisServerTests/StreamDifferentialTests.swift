import Foundation
import InferaTestSupport
import Testing

// Streams (Redis 7.0 semantics) against redis-server: scripted single-connection cases with every
// error path, and multi-connection scenarios for blocking XREAD/XREADGROUP.

private func words(_ s: String) -> [String] { DiffScript.tokenize(s).map { String(decoding: $0, as: UTF8.self) } }
private func call(_ c: Int, _ s: String, _ n: ReplyNormalization = .exact) -> ScenarioStep { .call(c, words(s), n) }
private func send(_ c: Int, _ s: String) -> ScenarioStep { .send(c, words(s)) }
private func read(_ c: Int, _ n: ReplyNormalization = .exact) -> ScenarioStep { .read(c, n) }
private func blocked(_ c: Int) -> ScenarioStep { .blocked(c) }

enum StreamCases {
    /// Explicit IDs everywhere (`*` depends on the clock); idle times (XPENDING extended form,
    /// XINFO CONSUMERS, XINFO STREAM FULL with delivery times) are compared by shape only.
    static let cases: [DiffCase] = [
        DiffCase("stream-add-range-del-trim-setid", """
        xadd s 1-1 a 1
        xadd s 1-1 a 1
        xadd s 1-0 a 1
        xadd s 0-0 a 1
        xadd s 1-* b 2
        xadd s 2-* c 3
        xadd s 5 c 3
        xadd s 5-3 f v f2 v2
        xadd s 6-1 a
        xadd s 6-1 a 1 b
        xadd s abc a 1
        xadd s - a 1
        xadd s + a 1
        xadd s 007-1 a 1
        xadd s 18446744073709551615-18446744073709551614 a 1
        xadd s 18446744073709551615-* a 1
        xadd s * a 1
        xadd s 18446744073709551616-0 a 1
        xlen s
        xlen nokey
        set str x
        xlen str
        xadd str 1-1 a 1
        xadd nomk NOMKSTREAM 1-1 a 1
        exists nomk
        xadd nomk nomkstream * a 1
        xrange s - +
        xrange s - + COUNT 2
        xrange s - + COUNT 0
        xrange s - + COUNT -1
        xrange s - + COUNT x
        xrange s - + FOO
        xrange s 1 2
        xrange s (1-1 +
        xrange s (1-2 (5-3
        xrange s (18446744073709551615-18446744073709551615 +
        xrange s - (0-0
        xrange s 5 5
        xrange s x +
        xrange nokey - +
        xrange str - +
        xrevrange s + -
        xrevrange s + - COUNT 3
        xrevrange s (5-3 -
        xrevrange s 2 1
        xrevrange s - +
        xdel s 1-1 2-0
        xdel s 1-1
        xdel s bad
        xdel nokey 1-1
        xrange s - +
        xlen s
        xinfo stream s
        xtrim s MAXLEN 2
        xrange s - +
        xtrim s MAXLEN ~ 0
        xtrim s MAXLEN = 1
        xtrim s MINID 5-3
        xtrim s
        xtrim s FOO 1
        xtrim s MAXLEN -1
        xtrim s MAXLEN 1 LIMIT 5
        xtrim s MAXLEN ~ 1 LIMIT -1
        xtrim s MAXLEN 1 MINID 1
        xtrim s LIMIT 5
        xtrim nokey MAXLEN 1
        xtrim str MAXLEN 1
        xinfo stream s
        xsetid s 1-1
        xsetid s 99-0
        xsetid s 99-0 ENTRIESADDED 0
        xsetid s 99-0 ENTRIESADDED 100 MAXDELETEDID 100-0
        xsetid s 99-0 ENTRIESADDED 100 MAXDELETEDID 50-0
        xsetid s 99-0 ENTRIESADDED -1
        xsetid s 99-0 FOO
        xsetid nokey 1-1
        xsetid str 1-1
        xinfo stream s
        xadd s 99-0 a 1
        xadd s 99-* a 1
        xdel s 99-1
        xdel s 18446744073709551615-18446744073709551614
        xinfo stream s
        xinfo stream s full ~shape
        xinfo stream nokey
        xinfo stream str
        xinfo stream s foo
        xinfo stream s full count 1
        xinfo stream s full count
        xinfo foo
        xinfo help
        xgroup help
        """),
        DiffCase("stream-groups-pel-claim-info", """
        set str x
        xgroup create s g $
        xgroup create s g $ MKSTREAM
        xgroup create s g $ MKSTREAM
        xgroup create str g $
        xgroup create s g2 0 ENTRIESREAD -2
        xgroup create s g2 0 ENTRIESREAD 5 FOO
        xgroup create s g2 bad
        xinfo groups s
        xadd s 1-1 a 1
        xadd s 2-1 b 2
        xadd s 3-1 c 3
        xadd s 4-1 d 4
        xgroup create s g0 0
        xgroup create s g3 2-1 ENTRIESREAD 2
        xinfo groups s
        xreadgroup group g0 alice count 2 streams s >
        xreadgroup group g0 bob streams s >
        xreadgroup group g0 bob streams s >
        xreadgroup group g0 alice streams s 0
        xreadgroup group g0 alice count 1 streams s 1-1
        xreadgroup group nog alice streams s >
        xreadgroup group g0 alice streams nokey >
        xreadgroup group g0 alice streams s $
        xreadgroup group g0 alice streams s
        xreadgroup streams s >
        xreadgroup group g0 alice streams s > 0
        xpending s g0
        xpending s g0 - + 10 ~shape
        xpending s g0 - + 10 alice ~shape
        xpending s g0 - + 10 nobody ~shape
        xpending s g0 (1-1 + 1 ~shape
        xpending s g0 IDLE 0 - + 10 ~shape
        xpending s g0 IDLE x - + 10 ~shape
        xpending s g0 IDLE 5 - + ~shape
        xpending s g0 - + x ~shape
        xpending s g0 x + 1 ~shape
        xpending s nog
        xpending nokey g0
        xpending str g0
        xpending s g0 - + ~shape
        xack s g0 1-1 9-9
        xack s g0 1-1
        xack s g0 bad
        xack s nog 1-1
        xack nokey g0 1-1
        xack str g0 1-1
        xinfo groups s
        xinfo consumers s g0 ~shape
        xinfo consumers s nog
        xinfo consumers nokey g0
        xdel s 2-1
        xreadgroup group g0 bob streams s 0
        xclaim s g0 carol 0 2-1 3-1
        xpending s g0 - + 10 ~shape
        xclaim s g0 carol 0 3-1 4-1 JUSTID
        xclaim s g0 carol 0 4-1 RETRYCOUNT 7 IDLE 0
        xclaim s g0 carol 0 1-1 FORCE JUSTID
        xclaim s g0 carol 0 3-1 LASTID 9-9 JUSTID
        xclaim s g0 carol x 3-1
        xclaim s g0 carol 0 3-1 FOO
        xclaim s g0 carol 0 3-1 IDLE x
        xclaim s g0 carol 0 3-1 TIME x
        xclaim s g0 carol 0 3-1 RETRYCOUNT x
        xclaim s g0 carol 0 3-1 LASTID x
        xclaim s nog carol 0 3-1
        xclaim nokey g0 carol 0 3-1
        xpending s g0 - + 10 ~shape
        xinfo groups s
        xadd s 5-1 e 5
        xadd s 6-1 f 6
        xreadgroup group g3 dave count 10 streams s >
        xdel s 5-1
        xautoclaim s g3 erin 0 0
        xautoclaim s g3 erin 0 0 COUNT 1
        xautoclaim s g3 erin 0 0 COUNT 1 JUSTID
        xautoclaim s g3 erin 0 0 COUNT 0
        xautoclaim s g3 erin x 0
        xautoclaim s g3 erin 0 x
        xautoclaim s g3 erin 0 0 FOO
        xautoclaim s nog erin 0 0
        xautoclaim nokey g3 erin 0 0
        xautoclaim s g3 erin 0 (0-0 JUSTID
        xinfo consumers s g3 ~shape
        xgroup createconsumer s g3 frank
        xgroup createconsumer s g3 frank
        xgroup createconsumer s nog frank
        xgroup delconsumer s g3 erin
        xgroup delconsumer s g3 nobody
        xgroup delconsumer s nog erin
        xgroup setid s g3 0
        xgroup setid s g3 $ ENTRIESREAD 3
        xgroup setid s g3 0 FOO 3
        xgroup setid s nog 0
        xgroup setid nokey g3 0
        xinfo groups s
        xgroup destroy s g3
        xgroup destroy s g3
        xgroup destroy nokey g3
        xgroup foo s g
        xgroup create s
        xreadgroup group g0 alice noack streams s 0
        xread noack streams s 0
        xread group g c streams s 0
        xread streams s 0
        xread count 1 streams s 0
        xread streams s $
        xread streams s >
        xread streams s nokey 0 0
        xread streams nokey 0
        xread streams s
        xread block x streams s 0
        xread block -1 streams s 0
        xread count x streams s 0
        xread foo streams s 0
        xread streams s str 0 0
        xinfo stream s full ~shape
        xinfo groups s
        type s
        object encoding s
        xsetid s 99999-0 ENTRIESADDED 9223372036854775807
        xadd s 100000-0 a 1
        xinfo stream s
        xgroup create s big 0 ENTRIESREAD 9223372036854775807
        xinfo groups s
        xclaim s g0 carol 0 6-1 FORCE RETRYCOUNT 9223372036854775807 JUSTID
        xclaim s g0 carol 0 6-1 JUSTID
        xclaim s g0 carol 0 6-1
        """),
        DiffCase("stream-auto-ids-and-generic-keys", """
        XADD s * a 1 ~shape
        XADD s * b 2 ~shape
        XLEN s
        XADD s MAXLEN 1 * c 3 ~shape
        XLEN s
        TYPE s
        OBJECT ENCODING s
        EXISTS s
        COPY s s2
        XLEN s2
        RENAME s2 s3
        TYPE s3
        EXPIRE s3 100
        TTL s3
        DEL s3
        SCAN 0 TYPE stream COUNT 1000 ~scan
        XADD e 1-1 a 1
        XDEL e 1-1
        EXISTS e
        XLEN e
        TYPE e
        XADD big MAXLEN ~ 10 1-1 f v
        XGROUP CREATE e g $
        XGROUP CREATE e g2 0
        XINFO GROUPS e
        """),
        DiffCase("stream-approx-trim-nodes", (1...250).map { "XADD n \($0)-1 field \($0)" }.joined(separator: "\n") + """

        XLEN n
        XTRIM n MAXLEN ~ 120
        XLEN n
        XTRIM n MAXLEN ~ 10 LIMIT 50
        XLEN n
        XTRIM n MINID ~ 230
        XRANGE n - + COUNT 2
        XTRIM n MINID 240
        XRANGE n - + COUNT 2
        XADD n MAXLEN ~ 5 251-1 field 251
        XLEN n
        XINFO STREAM n
        XADD n MAXLEN = 3 252-1 field 252
        XRANGE n - +
        XINFO STREAM n
        """),
        DiffCase("stream-big-entries-split-nodes", (1...40).map { "XADD b \($0)-0 payload \(String(repeating: "x", count: 150)) n \($0)" }.joined(separator: "\n") + """

        XINFO STREAM b ~shape
        XTRIM b MAXLEN ~ 20
        XLEN b
        XTRIM b MINID ~ 35
        XLEN b
        XINFO GROUPS b
        """),
        DiffCase("stream-node-config", """
        CONFIG SET stream-node-max-entries 3
        XADD c 1-1 a 1
        XADD c 2-1 a 2
        XADD c 3-1 a 3
        XADD c 4-1 a 4
        XADD c 5-1 a 5
        XTRIM c MAXLEN ~ 1
        XLEN c
        XINFO STREAM c
        CONFIG SET stream-node-max-entries 0
        CONFIG SET stream-node-max-bytes 60
        XADD d 1-1 field 12345678901234567890
        XADD d 2-1 field 12345678901234567890
        XADD d 3-1 field 12345678901234567890
        XINFO STREAM d
        CONFIG SET stream-node-max-entries 100
        CONFIG SET stream-node-max-bytes 4096
        """),
        DiffCase("stream-lag-entries-read", """
        XADD s 1-1 a 1
        XADD s 2-1 a 2
        XADD s 3-1 a 3
        XGROUP CREATE s g 0
        XGROUP CREATE s late $
        XGROUP CREATE s mid 1-1 ENTRIESREAD 1
        XINFO GROUPS s
        XREADGROUP GROUP g c COUNT 1 STREAMS s >
        XINFO GROUPS s
        XDEL s 2-1
        XINFO GROUPS s
        XREADGROUP GROUP g c STREAMS s >
        XINFO GROUPS s
        XREADGROUP GROUP mid c STREAMS s >
        XINFO GROUPS s
        XGROUP SETID s g 0 ENTRIESREAD 0
        XINFO GROUPS s
        XADD s 4-1 a 4
        XINFO GROUPS s
        XTRIM s MAXLEN 0
        XINFO GROUPS s
        XINFO STREAM s
        """),
        DiffCase("stream-multi-exec", """
        MULTI
        XADD s 1-1 a 1
        XADD s 1-1 a 1
        XREAD STREAMS s 0
        XREAD BLOCK 0 STREAMS s $
        XLEN s
        EXEC
        XREAD COUNT 1 BLOCK 10 STREAMS s 0
        """),
        // Not a stream command: SORT reads scores with strtod like Redis ("" is 0, " 5" is 5),
        // found by the random suite while adding the stream group.
        DiffCase("sort-strtod-scores", """
        SADD s16 "" 2
        SORT s16 LIMIT 2 4
        SORT s16
        RPUSH l " 5" "" 3 1e1 0x10
        SORT l
        RPUSH bad "5 " 1
        SORT bad
        RPUSH nan nan 1
        SORT nan
        RPUSH small 1e-400 1
        SORT small
        """),
        DiffCase("stream-wrongtype", """
        SET str x
        LPUSH l a
        XADD str 1-1 a 1
        XRANGE l - +
        XREVRANGE str + -
        XDEL str 1-1
        XTRIM str MAXLEN 0
        XREAD STREAMS l 0
        XREADGROUP GROUP g c STREAMS l >
        XACK l g 1-1
        XCLAIM l g c 0 1-1
        XAUTOCLAIM l g c 0 0
        XPENDING l g
        XGROUP CREATE l g $
        XINFO STREAM l
        XINFO GROUPS l
        XINFO CONSUMERS l g
        XSETID l 1-1
        XADD s 1-1 a 1
        LPUSH s x
        GET s
        """),
    ]
}

enum StreamScenarios {
    static let blocking: [Scenario] = [
        Scenario("xread-block-two-clients", clients: 3, [
            send(0, "XREAD BLOCK 0 STREAMS s $"), blocked(0),
            send(1, "XREAD BLOCK 0 STREAMS s 0"), blocked(1),
            call(2, "XADD s 1-1 a 1"), read(0), read(1),
            call(2, "XADD s 2-1 b 2"),
            call(0, "XREAD BLOCK 0 STREAMS s 1-1"),
            send(0, "XREAD COUNT 1 BLOCK 0 STREAMS s $"), blocked(0),
            call(2, "MULTI"), call(2, "XADD s 3-1 c 3"), call(2, "XADD s 4-1 d 4"), blocked(0),
            call(2, "EXEC"), read(0),
        ]),
        Scenario("xread-block-several-keys-and-timeout", clients: 2, [
            send(0, "XREAD BLOCK 0 STREAMS a b c $ $ $"), blocked(0),
            call(1, "MULTI"), call(1, "XADD c 1-1 x 1"), call(1, "XADD a 1-1 y 2"), call(1, "EXEC"), read(0),
            call(0, "XREAD BLOCK 50 STREAMS a $"),
            send(0, "XREAD BLOCK 0 STREAMS str $"), blocked(0),
            call(1, "SET str v"), blocked(0),
            call(1, "DEL str"), call(1, "XADD str 5-5 k v"), read(0),
            call(1, "LPUSH l x"),
            call(0, "XREAD BLOCK 10 STREAMS l $"),
        ]),
        Scenario("xreadgroup-block-fairness-and-errors", clients: 3, [
            call(2, "XGROUP CREATE s g $ MKSTREAM"),
            send(0, "XREADGROUP GROUP g alice BLOCK 0 STREAMS s >"), blocked(0),
            send(1, "XREADGROUP GROUP g bob BLOCK 0 STREAMS s >"), blocked(1),
            call(2, "XADD s 1-1 a 1"), read(0), blocked(1),
            call(2, "XADD s 2-1 b 2"), read(1),
            call(2, "XPENDING s g"),
            send(0, "XREADGROUP GROUP g alice BLOCK 0 STREAMS s >"), blocked(0),
            call(2, "XGROUP DESTROY s g"), read(0),
            call(2, "XGROUP CREATE s g $"),
            send(1, "XREADGROUP GROUP g bob NOACK COUNT 1 BLOCK 0 STREAMS s >"), blocked(1),
            call(2, "DEL s"), read(1),
            call(2, "XGROUP CREATE s g $ MKSTREAM"),
            send(0, "XREADGROUP GROUP g carol BLOCK 0 STREAMS s >"), blocked(0),
            call(2, "SET s notastream"), read(0),
            call(2, "XREADGROUP GROUP g carol BLOCK 0 STREAMS s >"),
            call(2, "XGROUP CREATE f g $ MKSTREAM"),
            send(0, "XREADGROUP GROUP g c BLOCK 0 STREAMS f >"), blocked(0),
            send(1, "XREAD BLOCK 0 STREAMS f2 $"), blocked(1),
            call(2, "FLUSHALL"), read(0), blocked(1),
            call(2, "XADD f2 1-1 a 1"), read(1),
        ]),
        Scenario("xread-block-resp3", clients: 2, [
            send(0, "HELLO 3"), .readShape(0),
            send(0, "XREAD BLOCK 0 STREAMS s $"), blocked(0),
            call(1, "XADD s 7-7 f v"), read(0),
            call(0, "XREAD STREAMS s 0"),
            call(0, "XREAD BLOCK 10 STREAMS s $"),
            call(0, "XINFO STREAM s"),
            call(0, "XGROUP CREATE s g 0"),
            call(0, "XREADGROUP GROUP g c STREAMS s >"),
            call(0, "XINFO GROUPS s"),
            call(0, "XPENDING s g"),
        ]),
        Scenario("stream-watch-and-keyspace-events", clients: 3, [
            call(1, "CONFIG SET notify-keyspace-events KEA"),
            call(0, "PSUBSCRIBE __keyevent@0__:*"),
            call(1, "XADD s 1-1 a 1"), read(0),
            call(1, "XADD s MAXLEN 1 2-1 a 2"), read(0), read(0),
            call(1, "XGROUP CREATE s g 0"), read(0),
            call(1, "XGROUP CREATECONSUMER s g c"), read(0),
            call(1, "XREADGROUP GROUP g c2 STREAMS s >"), read(0),
            call(1, "XACK s g 2-1"),
            call(1, "XDEL s 2-1"), read(0),
            call(1, "XSETID s 9-9"), read(0),
            call(1, "XTRIM s MAXLEN 0"),
            call(1, "XGROUP SETID s g 0"), read(0),
            call(1, "XGROUP DELCONSUMER s g c"), read(0),
            call(1, "XGROUP DESTROY s g"), read(0),
            call(1, "CONFIG SET notify-keyspace-events \"\""),
            call(0, "PUNSUBSCRIBE"),
            call(2, "XADD w 1-1 a 1"),
            call(2, "XGROUP CREATE w g 0"),
            call(1, "WATCH w"), call(2, "XREADGROUP GROUP g c STREAMS w >"),
            call(1, "MULTI"), call(1, "PING"), call(1, "EXEC"),
            call(1, "WATCH w"), call(2, "XACK w g 1-1"),
            call(1, "MULTI"), call(1, "PING"), call(1, "EXEC"),
            call(1, "WATCH w"), call(2, "XADD w 2-1 a 2"),
            call(1, "MULTI"), call(1, "PING"), call(1, "EXEC"),
            call(1, "WATCH w"), call(2, "XGROUP CREATE w g2 0"),
            call(1, "MULTI"), call(1, "PING"), call(1, "EXEC"),
            call(1, "WATCH w"), call(2, "XDEL w 1-1"),
            call(1, "MULTI"), call(1, "PING"), call(1, "EXEC"),
        ]),
    ]
}

@Suite("Streams: differential vs redis-server 7.0")
struct StreamDifferentialTests {
    @Test func streamCommands() throws { try runCases(StreamCases.cases) }
    @Test func streamBlocking() throws { try runScenarios(StreamScenarios.blocking) }

    /// Property-based: random stream commands (valid and invalid, shared keys so types collide).
    @Test func streamRandomSequences() throws {
        var seeds: [UInt64] = [1000, 1001, 1002]
        if let s = ProcessInfo.processInfo.environment["INFERA_DIFF_SEED"], let seed = UInt64(s) { seeds = [seed] }
        let count = Int(ProcessInfo.processInfo.environment["INFERA_DIFF_COMMANDS"] ?? "") ?? 2000
        try ServerPair.with { pair in
            let runner = try pair.runner(batch: 50)
            for seed in seeds {
                try runner.reset()
                var gen = CommandGenerator(seed: seed, groups: [.streams, .streams, .streams, .strings], keyCount: 6)
                let commands = gen.sequence(count: count)
                let mismatches = try runner.run(commands)
                guard let first = mismatches.first else { continue }
                let fresh = try pair.runner(batch: 1)
                let minimal = (try? fresh.minimize(commands, maxReplays: 150)) ?? Array(commands.prefix(first.index + 1))
                Issue.record(Comment(rawValue: """
                    seed \(seed): \(mismatches.count) of \(commands.count) replies differ; first:
                    \(first)
                    minimal reproducing sequence (\(minimal.count) commands):
                    \(minimal.map { "  " + $0.description }.joined(separator: "\n"))
                    """))
            }
        }
    }
}
