import InferaHTTP

/// A secret value (token, AUTH string, connection URL): its description never shows it.
public struct Sensitive: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The value itself; read it only to send it where it belongs.
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "(sensitive)" }
    public var debugDescription: String { "(sensitive)" }
}

extension RetryPolicy {
    /// Google APIs (providers.md §1.7): 429 / 503 / 504 for every method, 500 / 502 and network
    /// errors for requests that are safe to repeat (GET, polling, create keyed by instanceId);
    /// one token refresh on 401.
    public static let gcp = RetryPolicy(maxAttempts: 8, baseDelay: 0.5, maxDelay: 16, maxRetryAfter: 60, maxElapsed: 300,
                                        retryStatusesAnyMethod: [429, 503, 504], retryStatusesIdempotent: [500, 502])

    /// OAuth / STS / IAM credentials / metadata token endpoints: every call is safe to repeat.
    public static let gcpToken = RetryPolicy(maxAttempts: 5, baseDelay: 0.25, maxDelay: 4, maxElapsed: 60,
                                             retryStatusesAnyMethod: [429, 500, 502, 503, 504], retryStatusesIdempotent: [],
                                             refreshOn401: false)
}
