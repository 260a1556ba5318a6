import Foundation

/// Authorized JSON calls to Google APIs with providers.md §1.7's retry policy:
/// 429 / 503 / 504 retried for every method (the request was not processed); 500 and no answer
/// retried only for calls that are safe to repeat; 401 refreshes the token once, then fails.
public struct GCPClient: Sendable {
    /// How safe a call is to repeat.
    public enum Repeat: Sendable {
        /// GET, operations polling, create with a client-chosen id: retry 5xx and network errors too.
        case safe
        /// Not idempotent (addVersion): only retry what the server says it did not process (429/503/504).
        case throttleOnly
    }

    public let http: any GCPHTTPTransport
    public let clock: any GCPClock
    public let tokens: TokenCache
    /// Attempts per call, including the first.
    public var maxAttempts: Int
    /// Extra headers on every call (`x-goog-user-project` for user credentials).
    public var extraHeaders: [String: String]

    public init(http: any GCPHTTPTransport, clock: any GCPClock, tokens: TokenCache, maxAttempts: Int = 8,
                extraHeaders: [String: String] = [:]) {
        self.http = http
        self.clock = clock
        self.tokens = tokens
        self.maxAttempts = maxAttempts
        self.extraHeaders = extraHeaders
    }

    /// Sends one call and returns the final response (2xx or the last error response). Throws
    /// `GCPError(.transport)` when no answer came after the retries, and credential errors from the token source.
    public func call(_ method: String, _ url: String, json body: [UInt8]? = nil, repeat policy: Repeat = .safe) async throws -> GCPHTTPResponse {
        var refreshed = false
        var attempt = 0
        var seed = UInt64.random(in: 1...UInt64.max)
        while true {
            attempt += 1
            let token = try await tokens.token()
            var headers = extraHeaders
            headers["Authorization"] = "Bearer \(token.value)"
            if body != nil { headers["Content-Type"] = "application/json" }
            let request = GCPHTTPRequest(method: method, url: url, headers: headers, body: body)
            let response: GCPHTTPResponse
            do {
                response = try await http.send(request)
            } catch let e as GCPTransportError {
                guard policy == .safe, attempt < maxAttempts else {
                    throw GCPError(.transport, "\(method) \(hostOf(url)): no answer after \(attempt) attempt(s) (\(e.message))",
                                   hint: "check the network, proxy settings and the endpoint overrides (CLOUDSDK_API_ENDPOINT_OVERRIDES_*); infera resumes where it stopped")
                }
                seed &+= 1
                try await clock.sleep(seconds: Backoff.delay(attempt: attempt, seed: seed))
                continue
            }
            if response.status == 401, !refreshed {
                refreshed = true
                if await tokens.invalidate() { continue }
                return response
            }
            let retryable = [429, 503, 504].contains(response.status) || (policy == .safe && [500, 502].contains(response.status))
            if retryable, attempt < maxAttempts {
                seed &+= 1
                var wait = Backoff.delay(attempt: attempt, seed: seed)
                if let ra = response.headers["retry-after"].flatMap(Double.init) { wait = max(wait, min(ra, 60)) }
                try await clock.sleep(seconds: wait)
                continue
            }
            return response
        }
    }
}
