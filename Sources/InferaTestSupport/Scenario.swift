// Multi-connection differential scenarios: several clients interleave commands (blocking pops,
// pub/sub, WATCH races, malformed frames) in a fixed order; every reply, every "still blocked"
// observation and every connection close is recorded in a transcript, and the transcripts of
// redis-server and the server under test must be identical.

/// One step of a multi-client scenario.
public enum ScenarioStep: Sendable {
    /// Client `client` sends a command and does not wait (e.g. a blocking pop).
    case send(Int, [String])
    /// Client `client` sends a command and reads its reply.
    case call(Int, [String], ReplyNormalization = .exact)
    /// Client `client` reads one reply (a wake-up, a pushed message); waits up to `timeout`.
    case read(Int, ReplyNormalization = .exact)
    /// Client `client` must have nothing to read for `window` (it is still blocked).
    case blocked(Int)
    /// Client `client` sends raw bytes (inline commands, malformed frames) without waiting.
    case raw(Int, [UInt8])
    /// Client `client`: read replies until the server closes the connection (bounded).
    case expectClose(Int)
    /// Client `client` reads one reply and records only its RESP shape (HELLO: ids differ).
    case readShape(Int)
}

/// A named multi-client scenario.
public struct Scenario: Sendable, CustomStringConvertible {
    public let name: String
    public let clients: Int
    public let steps: [ScenarioStep]
    public var description: String { name }

    public init(_ name: String, clients: Int, _ steps: [ScenarioStep]) {
        self.name = name
        self.clients = clients
        self.steps = steps
    }

    /// How long a client must stay silent to count as blocked.
    public static let blockedWindow: Duration = .milliseconds(150)

    /// Runs the scenario against the server on `port` and returns its transcript, one line per
    /// observation: `c<i> <step>: <reply bytes escaped>`.
    public func transcript(port: Int) throws -> [String] {
        let conns = try (0..<clients).map { _ in try RedisTestClient(port: port, timeout: .seconds(5)) }
        defer { conns.forEach { $0.close() } }
        var lines: [String] = []
        func render(_ r: RESPReply, _ n: ReplyNormalization) -> String { n.normalize(r).description }
        for (i, step) in steps.enumerated() {
            switch step {
            case .send(let c, let args):
                try conns[c].send(args)
            case .call(let c, let args, let n):
                try conns[c].send(args)
                lines.append("#\(i) c\(c) \(args.joined(separator: " ")) -> \(render(try conns[c].readReply(), n))")
            case .read(let c, let n):
                lines.append("#\(i) c\(c) read -> \(render(try conns[c].readReply(), n))")
            case .blocked(let c):
                let quiet = try conns[c].hasNoPendingReply(within: Scenario.blockedWindow)
                lines.append("#\(i) c\(c) " + (quiet ? "blocked" : "NOT blocked (a reply arrived)"))
            case .raw(let c, let bytes):
                try conns[c].sendRaw(bytes)
            case .expectClose(let c):
                let (closed, trailing) = try conns[c].waitForClose(timeout: .seconds(3))
                lines.append("#\(i) c\(c) " + (closed ? "closed" : "STILL OPEN") + " after: " + RESPReply.escape(trailing))
            case .readShape(let c):
                let r = try conns[c].readReply()
                let kind: String
                switch r {
                case .map(let p): kind = "map(\(p.count))"
                case .array(let a): kind = "array(\(a?.count ?? -1))"
                case .error(let e): kind = "error(\(e))"
                default: kind = "\(r)"
                }
                lines.append("#\(i) c\(c) shape -> \(kind)")
            }
        }
        return lines
    }
}
