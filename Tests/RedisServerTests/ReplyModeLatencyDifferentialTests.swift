import Foundation
import InferaTestSupport
import Testing

// CLIENT REPLY OFF/SKIP with pub/sub, the `new` keyspace event, eviction on CONFIG SET maxmemory,
// CLIENT PAUSE WRITE with queued clients released in order, INFO errorstats and the LATENCY
// command family, against redis-server 7.0 (the places where Redis's own suite hung or failed).

private func words(_ s: String) -> [String] { DiffScript.tokenize(s).map { String(decoding: $0, as: UTF8.self) } }
private func call(_ c: Int, _ s: String, _ n: ReplyNormalization = .exact) -> ScenarioStep { .call(c, words(s), n) }
private func send(_ c: Int, _ s: String) -> ScenarioStep { .send(c, words(s)) }
private func read(_ c: Int, _ n: ReplyNormalization = .exact) -> ScenarioStep { .read(c, n) }
private func blocked(_ c: Int) -> ScenarioStep { .blocked(c) }

enum ReplyModeLatencyCases {
    static let errorstatsAndLatency = DiffCase("errorstats-latency", """
    config resetstat
    info errorstats
    set s x
    lpush s a
    nosuchcommand
    get
    set a b c d
    incr s
    info errorstats
    config resetstat
    info errorstats
    set a b
    set c d
    latency histogram set ~shape
    latency histogram blabla
    latency histogram blabla set nosuch|sub ~shape
    latency histogram client|nosuch
    latency latest
    latency history command
    latency reset
    latency reset blabla
    latency help x
    latency nosuch
    latency graph command
    config set latency-monitor-threshold 200
    config get latency-monitor-threshold
    config set latency-monitor-threshold -1
    config set latency-monitor-threshold 0
    info latencystats ~errorness
    """)

    static let scenarios: [Scenario] = [
        Scenario("pubsub-with-client-reply-off", clients: 2, [
            call(0, "hello 3", .hello),
            send(0, "client reply off"),
            call(0, "subscribe channel"),
            call(0, "psubscribe ch*"),
            send(0, "client reply off"),
            call(1, "publish channel hello"),
            read(0), read(0),
            send(0, "client reply off"),
            call(0, "unsubscribe channel"),
            call(0, "punsubscribe ch*"),
            call(0, "client reply on"),
            call(0, "ping"),
        ]),
        Scenario("reply-skip-then-on", clients: 1, [
            send(0, "client reply skip"),
            call(0, "client reply on"),
            call(0, "ping"),
            send(0, "client reply skip"),
            send(0, "set a 1"),
            call(0, "get a"),
        ]),
        Scenario("keyspace-events-reply-skip-and-new", clients: 2, [
            call(1, "config set notify-keyspace-events En"),
            send(0, "client reply skip"),
            call(0, "psubscribe *"),
            call(1, "set foo bar"),
            call(1, "set foo baz"),
            call(1, "set bar bar"),
            call(1, "rpush l a"),
            read(0), read(0), read(0),
            blocked(0),
            call(1, "config set notify-keyspace-events \"\""),
        ]),
        Scenario("eviction-on-config-set-maxmemory", clients: 2, [
            call(1, "config set notify-keyspace-events Ee"),
            call(1, "config set maxmemory-policy allkeys-lru"),
            call(0, "psubscribe *"),
            call(1, "set foo bar"),
            call(1, "config set maxmemory 1"),
            read(0),
            call(1, "config set maxmemory 0"),
            call(1, "dbsize"),
            call(1, "config set maxmemory-policy noeviction"),
            call(1, "config set notify-keyspace-events \"\""),
        ]),
        Scenario("pause-write-queued-in-order", clients: 5, [
            call(0, "pfadd pause-hll test"),
            call(0, "multi"), call(0, "set m 1"),
            call(4, "client pause 60000 WRITE"),
            send(1, "rpush order first"),
            send(2, "pfcount pause-hll"),
            send(3, "publish foo bar"),
            send(0, "exec"),
            call(4, "get m"),
            blocked(1), blocked(2), blocked(3), blocked(0),
            call(4, "client unpause"),
            read(1), read(2), read(3), read(0),
            call(4, "lrange order 0 -1"),
        ]),
    ]
}

@Suite("Reply modes, pause, errorstats, latency: differential vs redis-server 7.0")
struct ReplyModeLatencyDifferentialTests {
    @Test func errorstatsAndLatency() throws { try runCases([ReplyModeLatencyCases.errorstatsAndLatency]) }
    @Test func replyModesPauseAndEvents() throws { try runScenarios(ReplyModeLatencyCases.scenarios) }
}
