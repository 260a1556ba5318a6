import Foundation
import InferaTestSupport
import Testing

// Small builders so scenarios read like redis-cli sessions.
private func words(_ s: String) -> [String] { DiffScript.tokenize(s).map { String(decoding: $0, as: UTF8.self) } }
private func call(_ c: Int, _ s: String, _ n: ReplyNormalization = .exact) -> ScenarioStep { .call(c, words(s), n) }
private func send(_ c: Int, _ s: String) -> ScenarioStep { .send(c, words(s)) }
private func read(_ c: Int, _ n: ReplyNormalization = .exact) -> ScenarioStep { .read(c, n) }
private func blocked(_ c: Int) -> ScenarioStep { .blocked(c) }
private func raw(_ c: Int, _ s: String) -> ScenarioStep { .raw(c, Array(s.utf8)) }

/// Runs scenarios against both servers and compares transcripts line by line.
func runScenarios(_ scenarios: [Scenario], known: Set<String> = [],
                  sourceLocation: SourceLocation = #_sourceLocation) throws {
    try ServerPair.with { pair in
        for s in scenarios {
            let flush = try RedisTestClient(port: pair.reference.port)
            _ = try flush.command("FLUSHALL")
            let flush2 = try RedisTestClient(port: pair.candidate.port)
            _ = try flush2.command("FLUSHALL")
            // The previous scenario's connections are closed, but a loaded server may not have
            // noticed yet (a lingering PSUBSCRIBE * would still count in PUBLISH's reply).
            try waitUntilAlone(flush)
            try waitUntilAlone(flush2)
            let expected = try s.transcript(port: pair.reference.port)
            if ProcessInfo.processInfo.environment["INFERA_DIFF_DUMP"] != nil {
                print("== \(s.name)\n" + expected.joined(separator: "\n"))
            }
            let actual: [String]
            do { actual = try s.transcript(port: pair.candidate.port) } catch {
                actual = ["error: \(error)"]
            }
            guard expected != actual else { continue }
            let i = (0..<min(expected.count, actual.count)).first { expected[$0] != actual[$0] } ?? min(expected.count, actual.count)
            let message = """
                scenario '\(s.name)' differs at observation \(i):
                  redis-server: \(i < expected.count ? expected[i] : "<end>")
                  under test:   \(i < actual.count ? actual[i] : "<end>")
                full redis-server transcript:
                \(expected.joined(separator: "\n"))
                """
            if known.contains(s.name) && !UnderTest.isRedisSelfCheck {
                withKnownIssue(isIntermittent: true) { Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation) }
            } else {
                Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            }
        }
    }
}

/// Waits (at most 3 s) until `client` is the server's only connection.
private func waitUntilAlone(_ client: RedisTestClient) throws {
    let deadline = ContinuousClock.now + .seconds(3)
    while ContinuousClock.now < deadline {
        guard case .bulk(let bytes?) = try client.command("INFO", "clients") else { return }
        let info = String(decoding: bytes, as: UTF8.self)
        if info.contains("connected_clients:1\r\n") { return }
        Thread.sleep(forTimeInterval: 0.01)
    }
}

enum Scenarios {
    static let blocking: [Scenario] = [
        Scenario("blpop-fifo-fairness", clients: 3, [
            send(0, "BLPOP q 0"), blocked(0),
            send(1, "BLPOP q 0"), blocked(1),
            call(2, "RPUSH q a"), read(0), blocked(1),
            call(2, "RPUSH q b"), read(1),
            call(2, "LLEN q"),
        ]),
        Scenario("one-push-serves-several", clients: 3, [
            send(0, "BRPOP q 0"), blocked(0),
            send(1, "BLPOP q 0"), blocked(1),
            call(2, "RPUSH q a b c"), read(0), read(1),
            call(2, "LRANGE q 0 -1"),
        ]),
        Scenario("blpop-several-keys", clients: 2, [
            send(0, "BLPOP k1 k2 k3 0"), blocked(0),
            call(1, "RPUSH k3 z"), read(0),
            call(1, "RPUSH k1 a"), call(1, "RPUSH k2 b"),
            call(0, "BLPOP k2 k1 0"),
        ]),
        Scenario("push-inside-multi-wakes-after-exec", clients: 2, [
            send(0, "BLPOP q 0"), blocked(0),
            call(1, "MULTI"), call(1, "RPUSH q a"), call(1, "RPUSH q b"), blocked(0),
            call(1, "EXEC"), read(0),
            call(1, "LRANGE q 0 -1"),
        ]),
        Scenario("blpop-timeout", clients: 1, [
            call(0, "BLPOP nokey 0.1"),
            call(0, "BRPOP nokey1 nokey2 0.05"),
            call(0, "BZPOPMIN nokey 0.05"),
            call(0, "BLMPOP 0.05 1 nokey LEFT"),
            call(0, "BLMOVE nokey dst LEFT RIGHT 0.05"),
        ]),
        Scenario("blmove-and-brpoplpush", clients: 2, [
            send(0, "BLMOVE src dst LEFT RIGHT 0"), blocked(0),
            call(1, "RPUSH src x y"), read(0),
            call(1, "LRANGE dst 0 -1"), call(1, "LRANGE src 0 -1"),
            send(0, "BRPOPLPUSH empty dst 0"), blocked(0),
            call(1, "LPUSH empty e"), read(0),
            call(1, "LRANGE dst 0 -1"),
        ]),
        Scenario("blmpop-count", clients: 2, [
            send(0, "BLMPOP 0 2 a b RIGHT COUNT 2"), blocked(0),
            call(1, "RPUSH b 1 2 3"), read(0),
            call(1, "LRANGE b 0 -1"),
        ]),
        Scenario("bzpop-and-bzmpop", clients: 2, [
            send(0, "BZPOPMIN z 0"), blocked(0),
            call(1, "ZADD z 2 b 1 a"), read(0),
            send(0, "BZPOPMAX z2 z 0"), read(0),
            send(0, "BZMPOP 0 1 z3 MAX COUNT 5"), blocked(0),
            call(1, "ZADD z3 1 x 2 y 3 z"), read(0),
        ]),
        Scenario("blocked-on-wrong-type-stays-blocked", clients: 2, [
            send(0, "BLPOP q 0"), blocked(0),
            call(1, "SET q notalist"), blocked(0),
            call(1, "DEL q"), call(1, "RPUSH q v"), read(0),
        ]),
        Scenario("blocked-client-in-other-db", clients: 2, [
            call(0, "SELECT 1"), send(0, "BLPOP q 0"), blocked(0),
            call(1, "RPUSH q db0"), blocked(0),
            call(1, "SELECT 1"), call(1, "RPUSH q db1"), read(0),
            call(1, "SELECT 0"), call(1, "LRANGE q 0 -1"),
        ]),
        Scenario("lmove-wakes-blocked-client", clients: 3, [
            send(0, "BLPOP dst 0"), blocked(0),
            call(1, "RPUSH src a"),
            call(2, "LMOVE src dst LEFT LEFT"), read(0),
            call(2, "EXISTS dst"),
        ]),
    ]

    static let pubsub: [Scenario] = [
        Scenario("subscribe-publish", clients: 2, [
            call(0, "SUBSCRIBE news"),
            call(1, "PUBLISH news hello"), read(0),
            call(1, "PUBLISH other x"),
            call(0, "SUBSCRIBE sports"),
            call(1, "PUBLISH sports goal"), read(0),
            call(1, "PUBSUB NUMSUB news sports none"),
            call(1, "PUBSUB CHANNELS", .unordered),
            call(1, "PUBSUB CHANNELS new*"),
            call(0, "UNSUBSCRIBE news"),
            call(1, "PUBLISH news again"),
            call(0, "UNSUBSCRIBE sports"),
            call(0, "GET x"),
        ]),
        Scenario("psubscribe", clients: 2, [
            call(0, "PSUBSCRIBE news.*"),
            call(0, "SUBSCRIBE news.tech"),
            call(1, "PUBLISH news.tech launch"), read(0), read(0),
            call(1, "PUBLISH news.art show"), read(0),
            call(1, "PUBSUB NUMPAT"),
            call(0, "PUNSUBSCRIBE news.*"),
            call(1, "PUBLISH news.art again"),
            call(0, "PUNSUBSCRIBE"),
            call(0, "UNSUBSCRIBE"),
        ]),
        Scenario("resp2-subscribed-restrictions", clients: 1, [
            call(0, "SUBSCRIBE ch"),
            call(0, "GET x"),
            call(0, "SET x y"),
            call(0, "PING"),
            call(0, "PING hi"),
            call(0, "UNSUBSCRIBE ch"),
            call(0, "PING"),
            call(0, "UNSUBSCRIBE"),
            call(0, "PUNSUBSCRIBE"),
        ]),
        Scenario("resp3-push-messages", clients: 2, [
            send(0, "HELLO 3"), .readShape(0),
            call(0, "SUBSCRIBE ch"),
            call(0, "SET k v"),
            call(0, "GET k"),
            call(1, "PUBLISH ch m"), read(0),
            call(0, "PSUBSCRIBE c*"),
            call(1, "PUBLISH ch n"), read(0), read(0),
            call(0, "UNSUBSCRIBE ch"),
            call(0, "PUNSUBSCRIBE c*"),
        ]),
        Scenario("keyspace-notifications", clients: 2, [
            call(1, "CONFIG SET notify-keyspace-events KEA"),
            call(0, "PSUBSCRIBE __key*@0__:*"),
            call(1, "SET foo bar"), read(0), read(0),
            call(1, "LPUSH l a"), read(0), read(0),
            call(1, "EXPIRE foo 100"), read(0), read(0),
            call(1, "DEL foo"), read(0), read(0),
            call(1, "HSET h f v"), read(0), read(0),
            call(1, "CONFIG SET notify-keyspace-events \"\""),
            call(1, "SET quiet 1"),
            call(0, "PUNSUBSCRIBE"),
        ]),
    ]

    static let transactions: [Scenario] = [
        Scenario("watch-aborted-by-other-writer", clients: 2, [
            call(0, "SET k 1"),
            call(0, "WATCH k"),
            call(1, "SET k 2"),
            call(0, "MULTI"), call(0, "INCR k"), call(0, "EXEC"),
            call(0, "GET k"),
        ]),
        Scenario("watch-not-aborted-by-reader", clients: 2, [
            call(0, "SET k 1"),
            call(0, "WATCH k"),
            call(1, "GET k"), call(1, "EXISTS k"), call(1, "TTL k"),
            call(0, "MULTI"), call(0, "INCR k"), call(0, "EXEC"),
        ]),
        Scenario("watch-missing-key-created", clients: 2, [
            call(0, "WATCH newkey"),
            call(1, "SET newkey x"),
            call(0, "MULTI"), call(0, "SET newkey y"), call(0, "EXEC"),
            call(0, "GET newkey"),
        ]),
        Scenario("watch-invalidated-by-delete-expire-flush", clients: 2, [
            call(0, "SET a 1"), call(0, "SET b 1"), call(0, "SET c 1"),
            call(0, "WATCH a"), call(1, "DEL a"), call(0, "MULTI"), call(0, "PING"), call(0, "EXEC"),
            call(0, "WATCH b"), call(1, "EXPIRE b -1"), call(0, "MULTI"), call(0, "PING"), call(0, "EXEC"),
            call(0, "WATCH c"), call(1, "EXPIRE c 100"), call(0, "MULTI"), call(0, "PING"), call(0, "EXEC"),
            call(0, "SET d 1"),
            call(0, "WATCH d"), call(1, "FLUSHALL"), call(0, "MULTI"), call(0, "PING"), call(0, "EXEC"),
        ]),
        Scenario("watch-other-db-does-not-abort", clients: 2, [
            call(0, "SET k 1"),
            call(0, "WATCH k"),
            call(1, "SELECT 1"), call(1, "SET k 2"),
            call(0, "MULTI"), call(0, "GET k"), call(0, "EXEC"),
        ]),
        Scenario("watch-after-unwatch-and-exec", clients: 2, [
            call(0, "WATCH k"), call(0, "UNWATCH"),
            call(1, "SET k 2"),
            call(0, "MULTI"), call(0, "GET k"), call(0, "EXEC"),
            call(0, "WATCH k"), call(0, "MULTI"), call(0, "GET k"), call(0, "EXEC"),
            call(1, "SET k 3"),
            call(0, "MULTI"), call(0, "GET k"), call(0, "EXEC"),
        ]),
        Scenario("multi-queued-errors-and-discard", clients: 2, [
            call(0, "MULTI"), call(0, "SET a 1"), call(0, "BADCMD"), call(0, "EXEC"),
            call(0, "MULTI"), call(0, "SET a 1"), call(0, "DISCARD"),
            call(1, "GET a"),
            call(0, "EXEC"), call(0, "DISCARD"),
            call(0, "MULTI"), call(0, "SUBSCRIBE x"), call(0, "BLPOP q 0"), call(0, "EXEC"),
        ]),
    ]

    /// Malformed frames: Redis replies with an error, then closes only that connection.
    static let protocolErrors: [Scenario] = {
        let cases: [(String, String)] = [
            ("invalid-bulk-length", "*1\r\n$abc\r\n"),
            ("invalid-multibulk-length", "*abc\r\n"),
            ("expected-dollar", "*1\r\nfoo\r\n"),
            ("unbalanced-quotes", "SET \"a b\r\n"),
            ("negative-bulk-length", "*1\r\n$-5\r\n"),
            ("bulk-too-big", "*1\r\n$536870913\r\n"),
            ("multibulk-too-big", "*2147483648\r\n"),
        ]
        var out: [Scenario] = cases.map { name, frame in
            Scenario("protocol-\(name)", clients: 2, [
                call(0, "SET before ok"),
                raw(0, "*1\r\n$4\r\nPING\r\n" + frame + "*1\r\n$4\r\nPING\r\n"),
                read(0),
                .expectClose(0),
                call(1, "GET before"),
                call(1, "PING"),
            ])
        }
        out.append(Scenario("protocol-inline-too-big", clients: 2, [
            raw(0, String(repeating: "a", count: 70_000)),
            .expectClose(0),
            call(1, "PING"),
        ]))
        out.append(Scenario("inline-commands", clients: 1, [
            raw(0, "PING\r\nSET a \"b c\"\r\nGET a\nECHO 'x y'\r\n\r\nEXISTS a nokey\r\n"),
            read(0), read(0), read(0), read(0), read(0),
            raw(0, "  \r\n*-1\r\n*0\r\nPING\r\n"), read(0),
        ]))
        out.append(Scenario("quit-closes-after-ok", clients: 2, [
            call(0, "SET q 1"),
            raw(0, "*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n"),
            read(0), .expectClose(0),
            call(1, "GET q"),
        ]))
        out.append(Scenario("pipeline-1000", clients: 1,
            [raw(0, String(repeating: "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n", count: 1000))]
            + Array(repeating: read(0), count: 1000) + [call(0, "GET n")]))
        return out
    }()
}

@Suite("Differential: several connections (blocking, pub/sub, WATCH, protocol errors)")
struct ConcurrencyTests {
    @Test func blocking() throws { try runScenarios(Scenarios.blocking, known: KnownGaps.collections) }
    @Test func pubsub() throws { try runScenarios(Scenarios.pubsub, known: KnownGaps.collections) }
    @Test func transactions() throws { try runScenarios(Scenarios.transactions, known: KnownGaps.collections) }
    @Test func protocolErrors() throws { try runScenarios(Scenarios.protocolErrors, known: KnownGaps.keysStringsHashes) }

    /// Optimistic-locking counter: two connections increment with WATCH/MULTI/EXEC retries; the
    /// final value must equal the number of successful EXECs on both servers.
    @Test func watchRetryCounter() throws {
        try ServerPair.with { pair in
            for server in [pair.reference, pair.candidate] {
                let a = try RedisTestClient(port: server.port), b = try RedisTestClient(port: server.port)
                _ = try a.command("SET", "ctr", "0")
                var committed = 0, aborted = 0
                for i in 0..<200 {
                    let (me, other) = i % 2 == 0 ? (a, b) : (b, a)
                    _ = try me.command("WATCH", "ctr")
                    let v = Int(try me.command("GET", "ctr").text ?? "") ?? -1
                    if i % 3 == 0 { _ = try other.command("INCR", "ctr"); committed += 1 } // interfering writer
                    _ = try me.command("MULTI")
                    _ = try me.command("SET", "ctr", String(v + 1))
                    let r = try me.command("EXEC")
                    if case .array(nil) = r { aborted += 1 } else { committed += 1 }
                }
                #expect(try a.command("GET", "ctr").text == String(committed), "\(server.name)")
                #expect(aborted == 67, "\(server.name): every interfered transaction must abort")
            }
        }
    }
}
