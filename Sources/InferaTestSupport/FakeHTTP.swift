import InferaHTTP

/// A transport that answers from a script, records every request, and never touches the network.
/// Use it for provider unit tests:
///
///     let fake = FakeHTTPTransport { req in
///         req.url.hasSuffix("/redis/databases") ? .respond(HTTPResponse(status: 200, text: "[]")) : .respond(HTTPResponse(status: 404, text: "{}"))
///     }
///     // or queue answers: FakeHTTPTransport(queue: [.respond(...), .fail(.connectionLost)])
public final class FakeHTTPTransport: HTTPTransport, @unchecked Sendable {
    public enum Answer: Sendable {
        case respond(HTTPResponse)
        case fail(HTTPError.Kind)
    }

    private let lock = Lock()
    private var queue: [Answer]
    private let handler: (@Sendable (HTTPRequest) -> Answer)?
    private var recorded: [HTTPRequest] = []

    /// Answers from `handler` (after `queue` runs out).
    public init(queue: [Answer] = [], handler: (@Sendable (HTTPRequest) -> Answer)? = nil) {
        self.queue = queue
        self.handler = handler
    }

    /// Every request sent, in order.
    public var requests: [HTTPRequest] { lock.withLock { recorded } }

    public func enqueue(_ a: Answer) { lock.withLock { queue.append(a) } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let answer: Answer = lock.withLock {
            recorded.append(request)
            if !queue.isEmpty { return queue.removeFirst() }
            return handler?(request) ?? .respond(HTTPResponse(status: 599, text: "FakeHTTPTransport: no answer scripted for \(request.method.rawValue) \(request.url)"))
        }
        switch answer {
        case .respond(let r): return r
        case .fail(let kind): throw HTTPError(kind, url: request.url, message: "injected \(kind.rawValue)")
        }
    }
}

/// A clock that never waits: `sleep` advances time at once and is recorded.
public final class ManualClock: InferaClock, @unchecked Sendable {
    private let lock = Lock()
    private var t: Double
    private var wall: Double
    private var slept: [Double] = []

    public init(start: Double = 1000, wallTime: Double = 1_764_000_000) {
        t = start
        wall = wallTime
    }

    public func now() -> Double { lock.withLock { t } }
    public func wallTime() -> Double { lock.withLock { wall } }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        lock.withLock {
            slept.append(seconds)
            t += max(seconds, 0)
            wall += max(seconds, 0)
        }
    }

    /// Moves time forward without a sleep.
    public func advance(_ seconds: Double) { lock.withLock { t += seconds; wall += seconds } }

    /// Every sleep requested, in order.
    public var sleeps: [Double] { lock.withLock { slept } }
}
