/// Sends requests through a transport with one retry policy, optional authentication and debug
/// logging. Returns the final response whatever its status (the caller maps error statuses to its
/// provider's errors); throws `HTTPError` when the last attempt got no response, and
/// `CancellationError` when cancelled.
public final class HTTPClient: Sendable {
    public let transport: any HTTPTransport
    public let policy: RetryPolicy
    public let authenticator: (any HTTPAuthenticator)?
    public let clock: any InferaClock
    public let logger: (any HTTPLogger)?
    public let formatter: HTTPDebugFormatter
    let random: @Sendable (Double) -> Double
    let onRetry: (@Sendable (RetryEvent) -> Void)?

    /// One retry about to happen (for progress output and tests).
    public struct RetryEvent: Sendable, Hashable {
        public var request: String
        public var attempt: Int
        public var delay: Double
        /// The status that caused it, or nil for a transport error.
        public var status: Int?
        public var reason: String
    }

    /// - Parameters:
    ///   - random: returns a value in 0...x (full jitter); tests pass a fixed one.
    ///   - logger: receives redacted request/response lines when debug logging is on (nil: off).
    public init(transport: any HTTPTransport, policy: RetryPolicy, authenticator: (any HTTPAuthenticator)? = nil,
                clock: any InferaClock = SystemClock(), logger: (any HTTPLogger)? = nil, redactor: Redactor = Redactor(),
                random: @escaping @Sendable (Double) -> Double = { Double.random(in: 0...max($0, 0)) },
                onRetry: (@Sendable (RetryEvent) -> Void)? = nil) {
        self.transport = transport
        self.policy = policy
        self.authenticator = authenticator
        self.clock = clock
        self.logger = logger
        self.formatter = HTTPDebugFormatter(redactor: redactor)
        self.random = random
        self.onRetry = onRetry
    }

    public var redactor: Redactor { formatter.redactor }

    public func send(_ original: HTTPRequest) async throws -> HTTPResponse {
        let start = clock.now()
        var attempt = 0
        var refreshed = false
        while true {
            attempt += 1
            try Task.checkCancellation()
            var request = original
            if let authenticator { try await authenticator.authorize(&request) }
            logger?.log(formatter.request(request, attempt: attempt))
            let delay: Double
            let status: Int?
            let reason: String
            do {
                let response = try await transport.send(request)
                logger?.log(formatter.response(response, to: request))
                if response.status == 401, policy.refreshOn401, !refreshed, let authenticator {
                    refreshed = true
                    if try await authenticator.refresh() {
                        attempt -= 1 // the refresh retry does not count against the budget
                        continue
                    }
                    return response
                }
                guard policy.shouldRetry(status: response.status, request: original), attempt < policy.maxAttempts else { return response }
                var wait = policy.backoff(afterAttempt: attempt, random: random)
                if let ra = response.headers["Retry-After"], let secs = RetryPolicy.parseRetryAfter(ra, wallNow: clock.wallTime()) {
                    if secs > policy.maxRetryAfter { return response }
                    wait = secs
                }
                if clock.now() - start + wait > policy.maxElapsed { return response }
                delay = wait
                status = response.status
                reason = "HTTP \(response.status)"
            } catch let e as HTTPError {
                logger?.log(formatter.failure(e, to: request))
                guard policy.shouldRetry(error: e, request: original), attempt < policy.maxAttempts else { throw e }
                let wait = policy.backoff(afterAttempt: attempt, random: random)
                if clock.now() - start + wait > policy.maxElapsed { throw e }
                delay = wait
                status = nil
                reason = e.kind.rawValue
            }
            let event = RetryEvent(request: "\(original.method.rawValue) \(redactor.redact(url: original.url))", attempt: attempt,
                                   delay: delay, status: status, reason: reason)
            onRetry?(event)
            logger?.log("[DEBUG] infera: retrying \(event.request) after \(reason) in \(Int(delay * 1000)) ms (attempt \(attempt + 1) of \(policy.maxAttempts))")
            try await clock.sleep(seconds: delay)
        }
    }
}
