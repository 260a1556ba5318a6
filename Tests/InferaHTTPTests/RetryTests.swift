import InferaHTTP
import InferaTestSupport
import Testing

/// The retry policy and client against a scripted transport and a manual clock: no network, no sleeping.
@Suite struct RetryTests {
    static func client(_ t: FakeHTTPTransport, _ clock: ManualClock, policy: RetryPolicy = RetryPolicy(),
                       auth: (any HTTPAuthenticator)? = nil, logger: MemoryLogger? = nil, redactor: Redactor = Redactor()) -> HTTPClient {
        HTTPClient(transport: t, policy: policy, authenticator: auth, clock: clock, logger: logger, redactor: redactor,
                   random: { $0 }) // "full jitter" pinned to its upper bound so delays are exact
    }

    static let get = HTTPRequest(method: .GET, url: "https://api.example.test/v2/things")
    static let post = HTTPRequest(method: .POST, url: "https://api.example.test/v2/things", text: "{}", contentType: "application/json")

    @Test func retries503WithExponentialBackoffThenSucceeds() async throws {
        let t = FakeHTTPTransport(queue: [.respond(HTTPResponse(status: 503, text: "busy")), .respond(HTTPResponse(status: 503, text: "busy")),
                                          .respond(HTTPResponse(status: 200, text: "ok"))])
        let clock = ManualClock()
        let r = try await Self.client(t, clock).send(Self.get)
        #expect(r.status == 200)
        #expect(t.requests.count == 3)
        #expect(clock.sleeps == [0.5, 1.0])
    }

    @Test func fullJitterStaysWithinTheCap() {
        let p = RetryPolicy(baseDelay: 1, maxDelay: 8)
        #expect(p.backoff(afterAttempt: 1, random: { $0 }) == 1)
        #expect(p.backoff(afterAttempt: 3, random: { $0 }) == 4)
        #expect(p.backoff(afterAttempt: 10, random: { $0 }) == 8)
        #expect(p.backoff(afterAttempt: 10, random: { _ in 0 }) == 0)
        #expect(p.backoff(afterAttempt: 4, random: { $0 * 2 }) == 8) // a bad random source is clamped
    }

    @Test func retryAfterSecondsIsHonoured() async throws {
        let t = FakeHTTPTransport(queue: [.respond(HTTPResponse(status: 429, headers: ["Retry-After": "7"], text: "{}")),
                                          .respond(HTTPResponse(status: 200, text: "ok"))])
        let clock = ManualClock()
        let r = try await Self.client(t, clock).send(Self.post) // 429 is retried even for POST
        #expect(r.status == 200)
        #expect(clock.sleeps == [7])
    }

    @Test func retryAfterHTTPDateIsHonoured() async throws {
        let clock = ManualClock(wallTime: 1_764_000_000)
        let date = HTTPDate.format(1_764_000_000 + 12)
        #expect(HTTPDate.parse(date) == 1_764_000_012)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        let t = FakeHTTPTransport(queue: [.respond(HTTPResponse(status: 503, headers: ["Retry-After": date], text: "")),
                                          .respond(HTTPResponse(status: 204, text: ""))])
        _ = try await Self.client(t, clock).send(Self.get)
        #expect(clock.sleeps == [12])
    }

    @Test func retryAfterLongerThanTheCapFailsFast() async throws {
        let t = FakeHTTPTransport(queue: [.respond(HTTPResponse(status: 429, headers: ["Retry-After": "3600"], text: ""))])
        let clock = ManualClock()
        let r = try await Self.client(t, clock).send(Self.get)
        #expect(r.status == 429)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func postIsNotRetriedOn500ButGetIs() async throws {
        let t = FakeHTTPTransport(handler: { _ in .respond(HTTPResponse(status: 500, text: "oops")) })
        let clock = ManualClock()
        let c = Self.client(t, clock)
        #expect(try await c.send(Self.post).status == 500)
        #expect(t.requests.count == 1)
        #expect(try await c.send(Self.get).status == 500)
        #expect(t.requests.count == 1 + 5) // maxAttempts
        var marked = Self.post
        marked.retryable = true
        _ = try await c.send(marked)
        #expect(t.requests.count == 6 + 5)
    }

    @Test func networkErrorsAreRetriedOnlyForRetryableRequests() async throws {
        let t = FakeHTTPTransport(queue: [.fail(.connectionLost), .respond(HTTPResponse(status: 200, text: "ok"))])
        let clock = ManualClock()
        #expect(try await Self.client(t, clock).send(Self.get).status == 200)
        let t2 = FakeHTTPTransport(queue: [.fail(.connectionLost)])
        await #expect(throws: HTTPError.self) { try await Self.client(t2, clock).send(Self.post) }
        #expect(t2.requests.count == 1)
        // A TLS failure is not transient: no retry.
        let t3 = FakeHTTPTransport(queue: [.fail(.tls), .respond(HTTPResponse(status: 200, text: ""))])
        await #expect(throws: HTTPError.self) { try await Self.client(t3, clock).send(Self.get) }
        #expect(t3.requests.count == 1)
    }

    @Test func givesUpAfterMaxAttemptsAndMaxElapsed() async throws {
        let t = FakeHTTPTransport(handler: { _ in .fail(.timedOut) })
        let clock = ManualClock()
        let p = RetryPolicy(maxAttempts: 3)
        await #expect(throws: HTTPError.self) { try await Self.client(t, clock, policy: p).send(Self.get) }
        #expect(t.requests.count == 3)
        let t2 = FakeHTTPTransport(handler: { _ in .respond(HTTPResponse(status: 503, text: "")) })
        let p2 = RetryPolicy(maxAttempts: 100, baseDelay: 10, maxDelay: 10, maxElapsed: 35)
        #expect(try await Self.client(t2, clock, policy: p2).send(Self.get).status == 503)
        #expect(t2.requests.count == 4) // 0, 10, 20, 30 elapsed; the next would pass 35 s
    }

    final class Tokens: @unchecked Sendable {
        let lock = Lock()
        var issued = 0
        func next() -> String { lock.withLock { issued += 1; return "tok-\(issued)-secretvalue" } }
    }

    @Test func tokenIsRefreshedOnceOn401() async throws {
        let tokens = Tokens()
        let auth = BearerTokenAuthenticator { _ in tokens.next() }
        let t = FakeHTTPTransport(handler: { req in
            req.headers["Authorization"] == "Bearer tok-2-secretvalue" ? .respond(HTTPResponse(status: 200, text: "ok"))
                : .respond(HTTPResponse(status: 401, text: "{\"error\":\"Unauthorized\"}"))
        })
        let r = try await Self.client(t, ManualClock(), auth: auth).send(Self.get)
        #expect(r.status == 200)
        #expect(t.requests.map { $0.headers["Authorization"] } == ["Bearer tok-1-secretvalue", "Bearer tok-2-secretvalue"])
        // Still 401 after the refresh: returned, not refreshed again.
        let t2 = FakeHTTPTransport(handler: { _ in .respond(HTTPResponse(status: 401, text: "")) })
        let r2 = try await Self.client(t2, ManualClock(), auth: auth).send(Self.get)
        #expect(r2.status == 401)
        #expect(t2.requests.count == 2)
        #expect(tokens.issued == 3)
    }

    @Test func basicAuthHeader() async throws {
        var r = Self.get
        try await BasicAuthenticator(user: "dev@example.com", password: "k3y").authorize(&r)
        #expect(r.headers["authorization"] == "Basic ZGV2QGV4YW1wbGUuY29tOmszeQ==")
        #expect(Base64.decode("ZGV2QGV4YW1wbGUuY29tOmszeQ==") == Array("dev@example.com:k3y".utf8))
    }

    @Test func endpointOverrides() throws {
        #expect(try EndpointOverride.baseURL([:], variables: ["X"], default: "https://api.upstash.com") == "https://api.upstash.com")
        #expect(try EndpointOverride.baseURL(["X": "http://127.0.0.1:8080/"], variables: ["X"], default: "d") == "http://127.0.0.1:8080")
        #expect(try EndpointOverride.baseURL(["B": "http://127.0.0.1:1"], variables: ["A", "B"], default: "d") == "http://127.0.0.1:1")
        #expect(throws: EndpointError.self) { try EndpointOverride.baseURL(["X": "127.0.0.1:8080"], variables: ["X"], default: "d") }
    }

    @Test func transportSettingsFromEnvironment() {
        let s = TransportSettings.fromEnvironment(["SSL_CERT_FILE": "/b.pem", "CURL_CA_BUNDLE": "/a.pem", "https_proxy": "http://proxy:3128",
                                                   "NO_PROXY": "127.0.0.1,localhost", "INFERA_HTTP_TIMEOUT": "2.5"], version: "9.9")
        #expect(s.caBundle == "/a.pem")
        #expect(s.httpsProxy == "http://proxy:3128")
        #expect(s.noProxy == "127.0.0.1,localhost")
        #expect(s.totalTimeout == 2.5)
        #expect(s.userAgent == "infera/9.9")
    }
}
