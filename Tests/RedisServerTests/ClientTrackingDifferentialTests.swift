import Foundation
import InferaTestSupport
import Testing

// CLIENT TRACKING against redis-server 7.0: RESP3 pushes on the same connection, REDIRECT to a
// RESP2 connection subscribed to __redis__:invalidate, BCAST with prefixes, OPTIN/OPTOUT with
// CLIENT CACHING, NOLOOP, invalidation after the reply (HDEL, MULTI/EXEC), FLUSHALL/FLUSHDB nulls,
// broken redirection, scripts, and every error text. Client ids differ between the two servers, so
// steps name them as `{id:N}` (client N's CLIENT ID) and replies show ids the same way.

/// One step of a tracking transcript.
private enum Step {
    case call(Int, String)     // send and read the reply
    case send(Int, String)     // send without reading
    case read(Int)             // read one reply or push
    case quiet(Int)            // nothing may arrive within the blocked window
}

private func transcript(port: Int, clients: Int, _ steps: [Step]) throws -> [String] {
    let conns = try (0..<clients).map { _ in try RedisTestClient(port: port, timeout: .seconds(5)) }
    defer { conns.forEach { $0.close() } }
    var ids: [Int64] = []
    for c in conns {
        guard case .integer(let id) = try c.command("CLIENT", "ID") else { throw RedisTestError("CLIENT ID failed") }
        ids.append(id)
    }
    func args(_ line: String) -> [String] {
        var text = line
        for (i, id) in ids.enumerated() { text = text.replacingOccurrences(of: "{id:\(i)}", with: String(id)) }
        return DiffScript.tokenize(text).map { String(decoding: $0, as: UTF8.self) }
    }
    func named(_ r: RESPReply) -> RESPReply {
        switch r {
        case .integer(let n): return ids.firstIndex(of: n).map { .simple("{id:\($0)}") } ?? r
        case .array(let items?): return .array(items.map(named))
        case .push(let items): return .push(items.map(named))
        case .set(let items): return .set(items.map(named))
        case .map(let pairs): return .map(pairs.map { RESPReply.Pair(key: named($0.key), value: named($0.value)) })
        default: return r
        }
    }
    var lines: [String] = []
    for (i, step) in steps.enumerated() {
        switch step {
        case .call(let c, let line):
            let a = args(line)
            try conns[c].send(a)
            let r = try conns[c].readReply()
            // HELLO's map holds the server's name, version and the client id: only its shape counts.
            let idReply = line.contains("getredir") || line.contains("trackinginfo")
            let shown = a.first?.lowercased() == "hello" ? "hello reply" : RESPReply.escape((idReply ? named(r) : r).encoded)
            lines.append("#\(i) c\(c) \(line) -> \(shown)")
        case .send(let c, let line):
            try conns[c].send(args(line))
        case .read(let c):
            let r = try conns[c].readReply()
            var broken = false
            if case .push(let items) = r, items.first == .bulk("tracking-redir-broken") { broken = true }
            lines.append("#\(i) c\(c) read -> \(RESPReply.escape((broken ? named(r) : r).encoded))")
        case .quiet(let c):
            let quiet = try conns[c].hasNoPendingReply(within: Scenario.blockedWindow)
            lines.append("#\(i) c\(c) " + (quiet ? "quiet" : "SOMETHING ARRIVED"))
        }
    }
    return lines
}

private enum TrackingCases {
    /// RESP2 client redirecting to a subscriber; BCAST prefixes; option errors.
    static let redirectAndBroadcast: [Step] = [
        .call(0, "subscribe __redis__:invalidate"),
        .call(1, "client tracking on redirect {id:0}"),
        .call(1, "client getredir"),
        .call(2, "set a 1"), .call(2, "set b 1"),
        .call(1, "get a"),
        .call(2, "incr b"),
        .call(2, "incr a"),
        .read(0),
        .call(1, "mget a b c"),
        .call(2, "mset c 1 a 2 b 3"),
        .read(0), .read(0), .read(0),
        .call(1, "client trackinginfo"),
        .call(1, "client tracking on redirect {id:0} noloop"),
        .call(1, "client trackinginfo"),
        .call(1, "get own"),
        .call(1, "set own 1"),
        .quiet(0),
        .call(1, "client tracking off"),
        .call(1, "client getredir"),
        .call(1, "client tracking on bcast redirect {id:0} prefix b: prefix a:"),
        .call(1, "client tracking on bcast redirect {id:0} prefix c:"),
        .call(1, "client trackinginfo"),
        .call(1, "multi"), .call(1, "incr a:2"), .call(1, "incr b:1"), .call(1, "incr a:1"), .call(1, "incr x:1"), .call(1, "incr c:9"),
        .call(1, "exec"),
        .read(0), .read(0), .read(0),
        .call(1, "client tracking on bcast prefix a"),
        .call(1, "client tracking on bcast prefix d: prefix d:x"),
        .call(1, "client tracking on"),
        .call(1, "client tracking on bcast optin"),
        .call(1, "client tracking off"),
        .call(3, "client tracking on prefix x"),
        .call(3, "client tracking on optin optout"),
        .call(3, "client caching yes"),
        .call(3, "client tracking on redirect 99999"),
        .call(3, "client tracking on redirect abc"),
        .call(3, "client tracking on redirect {id:0} redirect {id:0}"),
        .call(3, "client tracking maybe"),
        .call(3, "client tracking on foo"),
        .call(3, "client tracking on optin"),
        .call(3, "client caching no"),
        .call(3, "client tracking on optout"),
        .call(3, "client caching maybe"),
        .call(3, "client trackinginfo"),
        .call(0, "unsubscribe"),
        .call(1, "client tracking on redirect {id:0}"),
        .call(1, "get a"),
        .call(2, "incr a"),
        .quiet(0),   // RESP2 target no longer subscribed: nothing to send
    ]

    /// RESP3 pushes on the tracking connection itself.
    static let resp3: [Step] = [
        .call(0, "hello 3"),
        .call(0, "client tracking on"),
        .call(1, "set k 1"),
        .call(0, "get k"),
        .call(1, "set k 2"),
        .read(0),
        .call(0, "hset h f 1"), .call(0, "hget h f"), .call(0, "hdel h f"), .read(0),
        .call(0, "mset a 1 b 2"), .call(0, "get a"),
        .call(0, "multi"), .call(0, "incr a"), .call(0, "get b"), .call(0, "exec"), .read(0),
        .call(0, "get z"),
        .call(0, "multi"), .call(0, "flushdb"), .call(0, "exec"), .read(0),
        .call(1, "flushall"), .read(0),
        .call(0, "client tracking off"),
        .call(0, "client tracking on optin"),
        .call(1, "set x 1"), .call(0, "get x"), .call(1, "set x 2"), .call(0, "ping"),
        .call(0, "client caching yes"), .call(0, "client trackinginfo"), .call(0, "get x"),
        .call(1, "set x 3"), .read(0),
        .call(0, "client tracking off"),
        .call(0, "client tracking on optout"),
        .call(0, "client caching no"), .call(0, "get y"), .call(1, "set y 1"), .call(0, "ping"),
        .call(0, "get y"), .call(1, "set y 2"), .read(0),
        .call(0, "client tracking off"),
        .call(0, "client tracking on noloop"),
        .call(0, "get n"), .call(0, "set n 1"), .call(0, "ping"),
        .call(1, "set n 2"), .quiet(0),
        .call(0, "client tracking off"),
        .call(0, "client tracking on"),
        .call(1, "set s1 1"), .call(1, "set s2 1"),
        .call(0, "eval \"redis.call('set', 's3', 'bar')\" 2 s1 s2"),
        .call(1, "mset s2 2 s1 2"), .call(0, "ping"),
        .call(0, "eval \"redis.call('get', 's3')\" 2 s1 s2"),
        .call(1, "mset s2 3 s1 3"), .read(0), .read(0),
        .call(0, "eval_ro \"redis.call('ping')\" 2 s1 s2"),
        .call(1, "mset s2 4 s1 4"), .call(0, "ping"),
        // A broken redirection is reported on the tracking connection.
        .call(2, "hello 3"),
        .call(2, "client tracking on redirect {id:3}"),
        .call(1, "set q 1"), .call(2, "get q"),
        .call(3, "quit"),
        .call(1, "set q 2"),
        .read(2),
        .call(2, "client trackinginfo"),
        .call(2, "client tracking off"),
        // BCAST on a RESP3 connection: keys sorted, one message per prefix.
        .call(4, "hello 3"),
        .call(4, "client tracking on bcast prefix pre: prefix zz"),
        .call(1, "mset pre:b 1 zz 1 pre:a 2 other 3"),
        .read(4), .read(4),
        .call(4, "client tracking off"),
        .call(4, "client tracking on bcast"),
        .call(4, "client trackinginfo"),
        .call(1, "del pre:b other"), .read(4),
    ]
}

@Suite("CLIENT TRACKING: differential vs redis-server 7.0")
struct ClientTrackingDifferentialTests {
    private func compare(_ name: String, clients: Int, _ steps: [Step]) throws {
        try ServerPair.with { pair in
            let expected = try transcript(port: pair.reference.port, clients: clients, steps)
            let actual: [String]
            do { actual = try transcript(port: pair.candidate.port, clients: clients, steps) } catch {
                actual = ["error: \(error)"]
            }
            guard expected != actual else { return }
            let i = (0..<min(expected.count, actual.count)).first { expected[$0] != actual[$0] } ?? min(expected.count, actual.count)
            Issue.record("""
                \(name) differs at observation \(i):
                  redis-server: \(i < expected.count ? expected[i] : "<end>")
                  under test:   \(i < actual.count ? actual[i] : "<end>")
                full redis-server transcript:
                \(expected.joined(separator: "\n"))
                """)
        }
    }

    @Test func redirectToSubscriberBroadcastAndErrors() throws {
        try compare("redirect-bcast-errors", clients: 4, TrackingCases.redirectAndBroadcast)
    }

    @Test func resp3PushesOptInOutNoLoopScriptsAndBrokenRedirect() throws {
        try compare("resp3", clients: 5, TrackingCases.resp3)
    }
}
