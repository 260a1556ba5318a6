import Foundation
import InferaTestSupport
import Testing

// Commands that must not stop the server or run half a transaction: SHUTDOWN/SAVE inside MULTI,
// MONITOR inside EXEC, a transaction that meets a busy script (BUSY flags it, EXEC is aborted),
// EXEC under maxmemory, and WATCH across FLUSHALL/FLUSHDB/SWAPDB (Redis's own unit/multi),
// against redis-server 7.0.

private func words(_ s: String) -> [String] { DiffScript.tokenize(s).map { String(decoding: $0, as: UTF8.self) } }
private func call(_ c: Int, _ s: String, _ n: ReplyNormalization = .exact) -> ScenarioStep { .call(c, words(s), n) }
private func send(_ c: Int, _ s: String) -> ScenarioStep { .send(c, words(s)) }
private func read(_ c: Int, _ n: ReplyNormalization = .exact) -> ScenarioStep { .read(c, n) }
private func blocked(_ c: Int) -> ScenarioStep { .blocked(c) }

enum TransactionSafetyCases {
    static let noMulti = DiffCase("no-multi-commands", """
    set foo before
    multi
    set foo bar
    shutdown
    save
    shutdown nosave
    exec
    get foo
    multi
    set foo bar
    exec
    get foo
    ping
    eval "return redis.pcall('shutdown','nosave')" 0
    eval "return redis.pcall('save')" 0
    eval "return redis.pcall('multi')" 0
    eval "return redis.pcall('monitor')" 0
    ping
    """)

    static let watchAndFlush = DiffCase("watch-flush-swapdb", """
    set x 30
    watch x
    flushall
    multi
    ping
    exec
    del x
    watch x
    flushall
    multi
    ping
    exec
    set x 30
    watch x
    flushdb
    multi
    ping
    exec
    del x
    watch x
    flushdb
    multi
    ping
    exec
    select 0
    set x 30
    watch x
    swapdb 0 1
    multi
    ping
    exec
    flushall
    select 1
    set x 30
    select 0
    watch x
    swapdb 0 1
    multi
    ping
    exec
    flushall
    watch y
    swapdb 0 1
    multi
    ping
    exec
    """)

    static let scenarios: [Scenario] = [
        Scenario("monitor-inside-exec", clients: 1, [
            call(0, "multi"), call(0, "monitor"), call(0, "ping"), call(0, "exec"), call(0, "ping"),
        ]),
        Scenario("exec-with-write-under-oom", clients: 2, [
            call(0, "set x value"),
            call(0, "multi"), call(0, "get x"), call(0, "ping"),
            call(1, "config set maxmemory 1"),
            call(0, "exec"),
            call(0, "multi"), call(0, "set x 1"), call(0, "get x"),
            call(0, "exec"),
            call(0, "multi"),
            call(0, "get x"),
            call(0, "discard"),
            call(1, "config set maxmemory 0"),
            call(0, "get x"),
        ]),
        // MULTI is allowed while a script is busy, a command queued then gets BUSY and flags the
        // transaction; after SCRIPT KILL the EXEC is refused as a whole (Redis's #7022).
        Scenario("multi-during-busy-script", clients: 3, [
            call(1, "config set lua-time-limit 10"),
            call(1, "set xx 1"),
            send(0, "eval \"while true do end\" 0"),
            blocked(0),
            call(1, "multi"),
            call(1, "incr xx"),
            call(2, "ping"),
            call(2, "shutdown"),
            call(2, "watch foo"),
            call(2, "script kill"),
            read(0),
            call(1, "incr xx"),
            call(1, "exec"),
            call(1, "get xx"),
            call(1, "ping asdf"),
            call(2, "unwatch"),
        ]),
        // EXEC sent while a script is busy aborts the transaction with the BUSY reason.
        Scenario("exec-during-busy-script", clients: 3, [
            call(1, "config set lua-time-limit 10"),
            call(1, "set xx 1"),
            call(1, "multi"),
            call(1, "incr xx"),
            send(0, "eval \"while true do end\" 0"),
            blocked(0),
            call(1, "incr xx"),
            call(1, "exec"),
            call(2, "script kill"),
            read(0),
            call(1, "get xx"),
            call(1, "ping asdf"),
            call(1, "exec"),
        ]),
    ]
}

@Suite("Transactions that must not stop the server: differential vs redis-server 7.0")
struct TransactionSafetyDifferentialTests {
    @Test func noMultiCommandsAndWatchAcrossFlush() throws {
        try runCases([TransactionSafetyCases.noMulti, TransactionSafetyCases.watchAndFlush])
    }

    @Test func busyScriptOOMAndMonitor() throws { try runScenarios(TransactionSafetyCases.scenarios) }
}
