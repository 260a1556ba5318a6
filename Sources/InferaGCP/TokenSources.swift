#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import InferaDiagnostics
import InferaHTTP

/// An OAuth access token and when it stops working (seconds since 1970; nil = unknown).
public struct AccessToken: Sendable {
    public var token: Sensitive
    public var expiresAt: Double?
    public init(token: Sensitive, expiresAt: Double?) {
        self.token = token
        self.expiresAt = expiresAt
    }
}

/// One way of getting access tokens, in Google's credential-chain order.
public enum TokenSource: Sendable {
    /// A ready token (env var or file); cannot be refreshed.
    case fixed(Sensitive, origin: String)
    case serviceAccount(ServiceAccountKey, origin: String)
    case authorizedUser(AuthorizedUserCredentials, origin: String)
    case externalAccount(ExternalAccountCredentials, origin: String)
    /// The metadata server at `host` (`metadata.google.internal` or `GCE_METADATA_HOST`).
    case metadata(host: String)

    /// Where the credentials came from and what they are, for "Using credentials: …".
    public var label: String {
        switch self {
        case .fixed(_, let o): "access token from \(o)"
        case .serviceAccount(let k, let o): "service account \(k.clientEmail) (key file \(o))"
        case .authorizedUser(let u, let o): "user credentials\(u.account.map { " of \($0)" } ?? "") (\(o))"
        case .externalAccount(let e, let o):
            "workload identity federation (\(o))" + (e.impersonatedAccount.map { ", impersonating \($0)" } ?? "")
        case .metadata(let h): "the metadata server at \(h)"
        }
    }

    /// The principal for permission hints (an e-mail when known).
    public var principal: String? {
        switch self {
        case .serviceAccount(let k, _): k.clientEmail
        case .authorizedUser(let u, _): u.account
        case .externalAccount(let e, _): e.impersonatedAccount
        default: nil
        }
    }

    /// The project the credentials name (service-account `project_id`, `quota_project_id`).
    public var projectID: String? {
        switch self {
        case .serviceAccount(let k, _): k.projectID
        case .authorizedUser(let u, _): u.quotaProjectID
        case .externalAccount(let e, _): e.quotaProjectID
        default: nil
        }
    }

    /// The header a user credential's quota project needs.
    public var quotaProjectHeader: String? {
        if case .authorizedUser(let u, _) = self { return u.quotaProjectID }
        return nil
    }

    public var canRefresh: Bool {
        if case .fixed = self { return false }
        return true
    }

    /// What to do when this source fails.
    var fix: String {
        switch self {
        case .fixed(_, let o):
            "the token in \(o) has expired or is wrong: set a fresh one (`gcloud auth print-access-token`) or unset it to use application default credentials"
        case .serviceAccount:
            "the key may have been deleted, disabled or expired: create a new one (`gcloud iam service-accounts keys create key.json --iam-account=SA_EMAIL`) and point GOOGLE_APPLICATION_CREDENTIALS at it"
        case .authorizedUser:
            "run `gcloud auth application-default login` again"
        case .externalAccount:
            "check the workload identity provider in 'audience', the CI job's `id-token: write` permission, and that the federated principal has roles/iam.workloadIdentityUser on the service account"
        case .metadata:
            "check the instance's service account and its access scopes (cloud-platform), or set GOOGLE_APPLICATION_CREDENTIALS"
        }
    }
}

/// Fetches tokens from a `TokenSource` through an `HTTPClient` (policy `.gcpToken`, no authenticator).
public struct TokenFetcher: Sendable {
    public let source: TokenSource
    let http: HTTPClient
    let clock: any InferaClock
    /// Every token and credential seen is added here so logs and messages redact it.
    let secrets: SecretRegistry
    public static let scope = ServiceAccountJWT.cloudPlatformScope
    static let iamScope = "https://www.googleapis.com/auth/iam"

    public init(source: TokenSource, http: HTTPClient, clock: any InferaClock, secrets: SecretRegistry = SecretRegistry()) {
        self.source = source
        self.http = http
        self.clock = clock
        self.secrets = secrets
        switch source {
        case .fixed(let t, _): secrets.add(t.value)
        case .serviceAccount(let k, _): secrets.add(k.privateKey.value)
        case .authorizedUser(let u, _): secrets.add(u.clientSecret.value); secrets.add(u.refreshToken.value)
        default: break
        }
    }

    /// A new token (no caching here; see `TokenCache`).
    public func fetch() async throws -> AccessToken {
        let t = try await fetchUncached()
        secrets.add(t.token.value)
        return t
    }

    func fetchUncached() async throws -> AccessToken {
        switch source {
        case .fixed(let t, _):
            return AccessToken(token: t, expiresAt: nil)
        case .serviceAccount(let key, _):
            let jwt = try ServiceAccountJWT.assertion(for: key, issuedAt: Int(clock.wallTime()))
            secrets.add(jwt)
            let body = FormEncoding.encode([("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", jwt)])
            return try await oauthTokenCall(url: key.tokenURI, form: body, what: "exchanging the service-account JWT")
        case .authorizedUser(let u, _):
            let body = FormEncoding.encode([("grant_type", "refresh_token"), ("client_id", u.clientID),
                                            ("client_secret", u.clientSecret.value), ("refresh_token", u.refreshToken.value)])
            return try await oauthTokenCall(url: u.tokenURI, form: body, what: "refreshing the user credentials")
        case .externalAccount(let e, _):
            return try await externalAccount(e)
        case .metadata(let host):
            let url = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token"
            let r = try await send(HTTPRequest(method: .GET, url: url, headers: ["Metadata-Flavor": "Google"]),
                                   what: "asking the metadata server for a token")
            guard r.status == 200 else {
                throw failure("asking the metadata server at \(host) for a token", r)
            }
            return try parseOAuthToken(r, what: "the metadata server's token")
        }
    }

    // MARK: external_account

    func externalAccount(_ e: ExternalAccountCredentials) async throws -> AccessToken {
        let subject = try await subjectToken(e)
        secrets.add(subject)
        let form = FormEncoding.encode([
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            ("audience", e.audience),
            ("scope", e.impersonationURL == nil ? Self.scope : Self.iamScope),
            ("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"),
            ("subject_token", subject),
            ("subject_token_type", e.subjectTokenType),
        ])
        let federated = try await oauthTokenCall(url: e.tokenURL, form: form, what: "exchanging the subject token at STS")
        guard let impersonation = e.impersonationURL else { return federated }
        secrets.add(federated.token.value)
        // The exact body google-auth sends (gcp-external-account-flow-transcript.txt).
        var body = "{\"delegates\": null, \"scope\": ["
        JSONValue.writeString(Self.scope, to: &body)
        body += "], \"lifetime\": \"\(e.tokenLifetimeSeconds)s\"}"
        let what = "impersonating \(e.impersonatedAccount ?? "the service account")"
        let r = try await send(HTTPRequest(method: .POST, url: impersonation, headers: [
            "Content-Type": "application/json", "Authorization": "Bearer \(federated.token.value)",
        ], body: Array(body.utf8)), what: what)
        guard r.status == 200 else { throw failure(what, r) }
        guard let json = JSONValue.parse(r.body), let token = json["accessToken"]?.stringValue, !token.isEmpty else {
            throw GCPError(.protocolViolation, "\(what): the IAM credentials answer has no accessToken", hint: source.fix)
        }
        // expireTime is wall-clock; the cache keeps monotonic time.
        let expires = json["expireTime"]?.stringValue.flatMap(Self.parseRFC3339).map { clock.now() + ($0 - clock.wallTime()) }
        return AccessToken(token: Sensitive(token), expiresAt: expires)
    }

    func subjectToken(_ e: ExternalAccountCredentials) async throws -> String {
        let raw: [UInt8]
        let from: String
        switch e.source {
        case .file(let path):
            from = "the subject-token file \(path)"
            guard let b = FileManager.default.contents(atPath: path) else {
                throw GCPError(.credentials, "workload identity federation: cannot read \(from)",
                               hint: "the CI job must write the OIDC token there first, or use a URL-sourced credential file")
            }
            raw = Array(b)
        case .url(let url, let headers):
            from = "the subject-token URL"
            for (_, v) in headers { secrets.add(v.hasPrefix("Bearer ") ? String(v.dropFirst(7)) : v) }
            let r = try await send(HTTPRequest(method: .GET, url: url, headers: HTTPHeaders(headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
                                   what: "fetching the OIDC subject token")
            guard r.status == 200 else {
                throw GCPError(.credentials, "workload identity federation: unable to retrieve the subject token (HTTP \(r.status) from \(hostOf(url)))",
                               hint: "in GitHub Actions give the job `permissions: id-token: write` and run google-github-actions/auth in the same job")
            }
            raw = r.body
        }
        let token: String
        if let field = e.jsonFieldName {
            guard let v = JSONValue.parse(raw)?[field]?.stringValue else {
                throw GCPError(.credentials, "workload identity federation: \(from) has no '\(field)' field", hint: source.fix)
            }
            token = v
        } else {
            token = String(decoding: raw, as: UTF8.self)
        }
        guard !token.isEmpty else {
            throw GCPError(.credentials, "workload identity federation: \(from) gave an empty token", hint: source.fix)
        }
        return token
    }

    // MARK: plumbing

    /// POSTs a form to an OAuth/STS token endpoint and reads `{access_token, expires_in}`.
    func oauthTokenCall(url: String, form: String, what: String) async throws -> AccessToken {
        let r = try await send(HTTPRequest(method: .POST, url: url, text: form, contentType: "application/x-www-form-urlencoded",
                                           retryable: true), what: what)
        guard r.status == 200 else { throw failure("\(what) at \(hostOf(url))", r) }
        return try parseOAuthToken(r, what: "the token endpoint's answer")
    }

    func parseOAuthToken(_ r: HTTPResponse, what: String) throws -> AccessToken {
        guard let json = JSONValue.parse(r.body), let token = json["access_token"]?.stringValue, !token.isEmpty else {
            throw GCPError(.protocolViolation, "\(source.label): \(what) has no access_token", hint: source.fix)
        }
        let expiresIn = json["expires_in"]?.intValue
        return AccessToken(token: Sensitive(token), expiresAt: expiresIn.map { clock.now() + Double($0) })
    }

    /// Sends through the token client (retries 5xx / 429 / no answer: token endpoints are safe to repeat).
    func send(_ request: HTTPRequest, what: String) async throws -> HTTPResponse {
        var request = request
        if request.retryable == nil { request.retryable = true }
        do {
            return try await http.send(request)
        } catch let e as HTTPError {
            throw GCPError(.transport, "\(source.label): \(what): \(hostOf(request.url)) did not answer (\(e.kind.rawValue))",
                           hint: "check the network or the endpoint in the credential file; \(source.fix)")
        }
    }

    func failure(_ what: String, _ r: HTTPResponse) -> GCPError {
        let json = JSONValue.parse(r.body)
        var detail = "HTTP \(r.status)"
        if let e = json?["error"]?.stringValue {
            detail += " \(e)"
            if let d = json?["error_description"]?.stringValue { detail += ": \(d)" }
        } else if let m = json?["error"]?["message"]?.stringValue {
            detail += " \(json?["error"]?["status"]?.stringValue ?? ""): \(m)"
        }
        return GCPError(.credentials, "\(source.label): \(what) failed (\(detail))", hint: source.fix)
    }

    static func parseRFC3339(_ s: String) -> Double? {
        // Foundation's ISO 8601 format style needs no ICU locale data (the release binary has none).
        if let d = try? Date(s, strategy: .iso8601) { return d.timeIntervalSince1970 }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(s))?.timeIntervalSince1970
    }
}

/// `scheme://host[:port]` of a URL, for messages (never the path or query, which may carry tokens).
func hostOf(_ url: String) -> String {
    guard let u = URL(string: url), let host = u.host else { return "the endpoint" }
    return "\(u.scheme ?? "https")://\(host)\(u.port.map { ":\($0)" } ?? "")"
}

/// Exponential backoff with full jitter, deterministic for a seed.
public enum Backoff {
    public static func delay(attempt: Int, base: Double = 0.5, cap: Double = 16, seed: UInt64) -> Double {
        let ceiling = min(cap, base * Double(1 << min(attempt, 10)))
        var x = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(attempt)
        x ^= x >> 31; x = x &* 0xBF58_476D_1CE4_E5B9; x ^= x >> 27
        return ceiling * Double(x % 10_000) / 10_000
    }
}

/// Caches the access token for its lifetime (minus a minute) and refreshes it on demand.
public actor TokenCache {
    public nonisolated let fetcher: TokenFetcher
    private var current: AccessToken?
    /// How many tokens were fetched (tests: caching and the one refresh on 401).
    public private(set) var fetches = 0

    public init(_ fetcher: TokenFetcher) { self.fetcher = fetcher }

    /// A valid token, fetching one when there is none, it is about to expire, or `force` (after a 401).
    public func token(force: Bool = false) async throws -> Sensitive {
        if !force, let t = current, t.expiresAt.map({ fetcher.clock.now() < $0 - 60 }) ?? true { return t.token }
        let t = try await fetcher.fetch()
        current = t
        fetches += 1
        return t.token
    }

}

/// `Authorization: Bearer` from a `TokenCache`: the cached token while it lives, a new one after a 401.
public struct GCPAuthenticator: HTTPAuthenticator {
    public let cache: TokenCache
    public init(_ cache: TokenCache) { self.cache = cache }

    public func authorize(_ request: inout HTTPRequest) async throws {
        request.headers["Authorization"] = "Bearer " + (try await cache.token()).value
    }

    public func refresh() async throws -> Bool {
        guard cache.fetcher.source.canRefresh else { return false }
        _ = try await cache.token(force: true)
        return true
    }
}
