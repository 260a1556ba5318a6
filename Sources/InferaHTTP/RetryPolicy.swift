/// When and how long to wait before repeating a request. One policy type for every provider; each
/// provider configures it from `shared/reference/providers.md` (see `RetryPolicy.upstash`, and the
/// GCP / AWS presets in their modules).
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first included (1 = never retry).
    public var maxAttempts: Int
    /// Backoff base: attempt n (from 1) waits a random time in 0...min(maxDelay, baseDelay·2^(n-1)) (full jitter).
    public var baseDelay: Double
    public var maxDelay: Double
    /// A `Retry-After` longer than this is not waited for: the request fails instead.
    public var maxRetryAfter: Double
    /// No retry starts after this many seconds since the first attempt.
    public var maxElapsed: Double
    /// Statuses retried whatever the method (e.g. 429, 503, 504).
    public var retryStatusesAnyMethod: Set<Int>
    /// Statuses retried only when the request is retryable (idempotent method or `retryable: true`), e.g. 500, 502.
    public var retryStatusesIdempotent: Set<Int>
    /// Transient network errors (reset, timeout, refused) are retried for retryable requests.
    public var retryNetworkErrors: Bool
    /// On 401, ask the authenticator to refresh its credentials once and repeat the request.
    public var refreshOn401: Bool

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 16, maxRetryAfter: Double = 60,
                maxElapsed: Double = 120, retryStatusesAnyMethod: Set<Int> = [429, 503, 504],
                retryStatusesIdempotent: Set<Int> = [500, 502], retryNetworkErrors: Bool = true, refreshOn401: Bool = true) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.maxElapsed = maxElapsed
        self.retryStatusesAnyMethod = retryStatusesAnyMethod
        self.retryStatusesIdempotent = retryStatusesIdempotent
        self.retryNetworkErrors = retryNetworkErrors
        self.refreshOn401 = refreshOn401
    }

    /// Never retries (for calls whose caller handles failure itself).
    public static let none = RetryPolicy(maxAttempts: 1, refreshOn401: false)

    /// Upstash (providers.md §3.4): 429 and 503 for every call; 500/502/504 and network errors
    /// when the request is retryable. Creates are not retryable by method (no idempotency key):
    /// the Upstash provider re-lists by name before creating again.
    public static let upstash = RetryPolicy(retryStatusesAnyMethod: [429, 503], retryStatusesIdempotent: [500, 502, 504])

    /// Whether `request` is retryable (its own flag, else its method).
    public func isRetryable(_ request: HTTPRequest) -> Bool { request.retryable ?? request.method.isIdempotent }

    /// Whether a response with `status` to `request` should be repeated.
    public func shouldRetry(status: Int, request: HTTPRequest) -> Bool {
        if request.retryable == false { return false }
        if retryStatusesAnyMethod.contains(status) { return true }
        return retryStatusesIdempotent.contains(status) && isRetryable(request)
    }

    /// Whether a transport failure of `request` should be repeated.
    public func shouldRetry(error: HTTPError, request: HTTPRequest) -> Bool {
        retryNetworkErrors && error.isTransient && isRetryable(request)
    }

    /// The full-jitter backoff before attempt `attempt + 1` (attempt counts from 1); `random(x)`
    /// returns a value in 0...x.
    public func backoff(afterAttempt attempt: Int, random: (Double) -> Double) -> Double {
        let cap = min(maxDelay, baseDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        return max(0, min(cap, random(cap)))
    }

    /// Seconds from a `Retry-After` value: delta-seconds or an HTTP date relative to `wallNow`.
    public static func parseRetryAfter(_ value: String, wallNow: Double) -> Double? {
        let v = value.trimmingSpaces
        if let n = Double(v), n >= 0 { return n }
        if let t = HTTPDate.parse(v) { return max(0, t - wallNow) }
        return nil
    }
}

extension String {
    /// Without leading/trailing spaces, tabs, CR and LF (by scalar: "\r\n" is one Character).
    var trimmingSpaces: String {
        let ws: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n"]
        var s = Substring(self).unicodeScalars
        while let f = s.first, ws.contains(f) { s.removeFirst() }
        while let l = s.last, ws.contains(l) { s.removeLast() }
        return String(s)
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form `Retry-After` uses.
public enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Unix seconds, or nil when `s` is not an IMF-fixdate.
    public static func parse(_ s: String) -> Double? {
        let parts = s.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let mon = months.firstIndex(of: String(parts[2])),
              let year = Int(parts[3]) else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let m = mon + 1
        let y = m <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Double(days * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
    }

    /// Formats Unix seconds as an IMF-fixdate.
    public static func format(_ t: Double) -> String {
        let secs = Int(t)
        let days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let rem = secs - days * 86400
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        func p(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(wd), \(p(d)) \(months[m - 1]) \(y) \(p(rem / 3600)):\(p(rem % 3600 / 60)):\(p(rem % 60)) GMT"
    }
}
