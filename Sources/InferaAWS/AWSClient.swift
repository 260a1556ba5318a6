#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
import InferaHTTP

/// An error answer from an AWS API (Query XML `<ErrorResponse>`, EC2 `<Response><Errors>`, or JSON 1.1 `__type`).
public struct AWSError: Error, Sendable, Hashable, CustomStringConvertible {
    public var service: AWSService
    public var action: String
    /// `ReplicationGroupNotFoundFault`, `ResourceNotFoundException`, `Throttling`, …
    public var code: String
    public var message: String
    public var httpStatus: Int
    public var requestID: String?

    public init(service: AWSService, action: String, code: String, message: String, httpStatus: Int, requestID: String? = nil) {
        self.service = service
        self.action = action
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestID = requestID
    }

    public var description: String { "\(service.displayName) \(action): \(code) (HTTP \(httpStatus)): \(message)" }

    /// botocore's retryable set: throttling and transient codes, 5xx.
    public var isRetryable: Bool {
        AWSError.throttlingCodes.contains(code) || AWSError.transientCodes.contains(code) || [500, 502, 503, 504, 509].contains(httpStatus)
    }

    /// The credentials were rejected or have expired.
    public var isAuthFailure: Bool { AWSError.authCodes.contains(code) }
    public var isExpiredToken: Bool { ["ExpiredToken", "ExpiredTokenException", "RequestExpired"].contains(code) }
    public var isAccessDenied: Bool { ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"].contains(code) }

    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
    ]
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalFailure", "InternalError",
        "InternalServiceError", "ServiceUnavailable", "IDPCommunicationError",
    ]
    public static let authCodes: Set<String> = [
        "InvalidClientTokenId", "SignatureDoesNotMatch", "MissingAuthenticationToken", "IncompleteSignature",
        "UnrecognizedClientException", "AuthFailure", "ExpiredToken", "ExpiredTokenException", "RequestExpired",
    ]

    /// Parses an XML error body (Query `<ErrorResponse><Error>` or EC2 `<Response><Errors><Error>`).
    public static func fromXML(_ body: [UInt8], service: AWSService, action: String, status: Int) -> AWSError {
        if let root = try? XMLReader.parse(body), let err = root.find("Error") {
            let rid = root.string("RequestId") ?? root.string("RequestID") ?? root.find("RequestId").map { String($0.text.trimmingSpaces()) }
            return AWSError(service: service, action: action, code: err.string("Code") ?? "HTTP\(status)",
                            message: err.string("Message") ?? "", httpStatus: status, requestID: rid)
        }
        return AWSError(service: service, action: action, code: status >= 500 ? "InternalFailure" : "HTTP\(status)",
                        message: status >= 500 ? "the service answered HTTP \(status) without an AWS error body" : "unexpected HTTP \(status) answer",
                        httpStatus: status)
    }

    /// Parses a JSON 1.1 error body: `__type` (after `#`, before `:`) and `Message`/`message`.
    public static func fromJSON(_ body: [UInt8], headers: HTTPHeaders, service: AWSService, action: String, status: Int) -> AWSError {
        var code = headers["x-amzn-ErrorType"] ?? ""
        var message = ""
        if let obj = JSONObjects.object(body) {
            if let t = obj["__type"] as? String { code = t }
            message = (obj["Message"] as? String) ?? (obj["message"] as? String) ?? ""
        }
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        if code.isEmpty { code = status >= 500 ? "InternalFailure" : "HTTP\(status)" }
        return AWSError(service: service, action: action, code: code, message: message, httpStatus: status,
                        requestID: headers["x-amzn-RequestId"])
    }
}

/// Signs every attempt of a request with SigV4 (fresh date each retry) using the credential chain.
public struct SigV4Authenticator: HTTPAuthenticator {
    let credentials: CredentialChain
    let signer: SigV4Signer
    let clock: any InferaClock

    public init(credentials: CredentialChain, service: AWSService, region: String, clock: any InferaClock) {
        self.credentials = credentials
        self.signer = SigV4Signer(service: service.signingName, region: region)
        self.clock = clock
    }

    public func authorize(_ request: inout HTTPRequest) async throws {
        let creds = try await credentials.resolve()
        Self.sign(&request, signer: signer, credentials: creds, unixTime: Int64(clock.wallTime()))
    }

    /// Adds Host (as curl sends it), X-Amz-Date, X-Amz-Security-Token and Authorization.
    public static func sign(_ request: inout HTTPRequest, signer: SigV4Signer, credentials: AWSCredentials, unixTime: Int64) {
        for h in ["Authorization", "X-Amz-Date", "X-Amz-Security-Token"] { request.headers[h] = nil }
        let parts = URLParts(request.url)
        let host = EndpointResolver.hostHeader(of: request.url)
        request.headers["Host"] = host
        var path = "/"
        var query: [(String, String)] = []
        if let pq = parts?.pathAndQuery {
            let split = pq.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            path = Percent.decode(String(split[0]))
            if split.count > 1 { query = QuerySerializer.parseForm(String(split[1])) }
        }
        let signed = signer.sign(SigV4Signer.Request(method: request.method.rawValue, path: path, query: query,
                                                     headers: request.headers.fields.map { ($0.name, $0.value) }, body: request.body),
                                 credentials: credentials, unixTime: unixTime)
        for (k, v) in signed.headersToAdd { request.headers[k] = v }
    }
}

/// Calls AWS Query and JSON 1.1 APIs: endpoint, signing, retries of throttling/5xx/network errors with full-jitter
/// backoff, error parsing, one credential refresh on an expired token.
public final class AWSClient: Sendable {
    public let region: String
    public let credentials: CredentialChain
    let http: HTTPClient
    let clock: any InferaClock
    let environment: [String: String]
    let random: @Sendable (Double) -> Double
    /// Throttling retries beyond the HTTP layer's (the HTTP layer cannot see error codes).
    public let maxAttempts: Int
    let baseDelay: Double
    let onRetry: (@Sendable (String, Int, Double, String) -> Void)?

    public init(region: String, credentials: CredentialChain, transport: any HTTPTransport, clock: any InferaClock,
                environment: [String: String], logger: (any HTTPLogger)? = nil, redactor: Redactor = Redactor(),
                random: @escaping @Sendable (Double) -> Double = { Double.random(in: 0...max($0, 0)) },
                maxAttempts: Int = 8, baseDelay: Double? = nil,
                onRetry: (@Sendable (_ request: String, _ attempt: Int, _ delay: Double, _ reason: String) -> Void)? = nil) {
        self.region = region
        self.credentials = credentials
        self.clock = clock
        self.environment = environment
        self.random = random
        self.maxAttempts = maxAttempts
        let base = baseDelay ?? environment["INFERA_RETRY_BASE_DELAY"].flatMap(Double.init) ?? 0.5
        self.baseDelay = base
        self.onRetry = onRetry
        // The HTTP layer retries 5xx and lost connections; every AWS call infera makes is safe to repeat because
        // the provider re-reads state (create-or-adopt, ClientRequestToken, delete-as-done on NotFound).
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: base, maxDelay: max(base * 32, 0.001), maxRetryAfter: 60, maxElapsed: 300,
                                 retryStatusesAnyMethod: [500, 502, 503, 504, 509], retryStatusesIdempotent: [],
                                 retryNetworkErrors: true, refreshOn401: false)
        var hook: (@Sendable (HTTPClient.RetryEvent) -> Void)?
        if let onRetry {
            hook = { (e: HTTPClient.RetryEvent) -> Void in onRetry(e.request, e.attempt, e.delay, e.reason) }
        }
        self.http = HTTPClient(transport: transport, policy: policy, authenticator: nil, clock: clock, logger: logger,
                               redactor: redactor, random: random, onRetry: hook)
    }

    /// A Query call (`POST /`, form body). Returns the `<{Action}Result>` element (or the root for EC2).
    public func query(_ service: AWSService, _ action: String, _ params: [(String, QueryValue)]) async throws -> XMLElement {
        let style: QuerySerializer.Style = service == .ec2 ? .ec2 : .query
        let body = QuerySerializer.formBody(QuerySerializer.pairs(action: action, version: service.apiVersion ?? "", params, style: style))
        let response = try await send(service, action: action, body: Array(body.utf8),
                                      contentType: "application/x-www-form-urlencoded; charset=utf-8", target: nil)
        let root: XMLElement
        do { root = try XMLReader.parse(response.body) } catch {
            throw AWSError(service: service, action: action, code: "MalformedResponse", message: "the answer is not XML: \(error)",
                           httpStatus: response.status)
        }
        return root[action + "Result"] ?? root
    }

    /// A JSON 1.1 call (`X-Amz-Target: <prefix>.<Action>`). Returns the decoded object.
    public func json(_ service: AWSService, _ action: String, _ body: [String: Any]) async throws -> [String: Any] {
        let data = Array(try JSONObjects.serialize(body).utf8)
        let response = try await send(service, action: action, body: Array(data), contentType: "application/x-amz-json-1.1",
                                      target: "\(service.signingName).\(action)")
        if response.body.isEmpty { return [:] }
        guard let obj = JSONObjects.object(response.body) else {
            throw AWSError(service: service, action: action, code: "MalformedResponse", message: "the answer is not a JSON object",
                           httpStatus: response.status)
        }
        return obj
    }

    func send(_ service: AWSService, action: String, body: [UInt8], contentType: String, target: String?) async throws -> HTTPResponse {
        let endpoint = try EndpointResolver.resolve(service, region: region, environment: environment)
        let signer = SigV4Signer(service: service.signingName, region: region)
        var refreshed = false
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPRequest(method: .POST, url: endpoint.url + "/", body: body, retryable: true)
            request.headers["Content-Type"] = contentType
            if let target { request.headers["X-Amz-Target"] = target }
            let creds = try await credentials.resolve()
            SigV4Authenticator.sign(&request, signer: signer, credentials: creds, unixTime: Int64(clock.wallTime()))
            let response = try await http.send(request)
            if response.isSuccess { return response }
            let err = target == nil
                ? AWSError.fromXML(response.body, service: service, action: action, status: response.status)
                : AWSError.fromJSON(response.body, headers: response.headers, service: service, action: action, status: response.status)
            if err.isExpiredToken, !refreshed, await credentials.canRefresh {
                refreshed = true
                _ = try await credentials.resolve(forceRefresh: true)
                continue
            }
            guard err.isRetryable, attempt < maxAttempts else { throw err }
            let cap = min(20, baseDelay * Double(1 << min(attempt - 1, 20)))
            let delay = max(0, min(cap, random(cap)))
            onRetry?("POST \(service.displayName) \(action)", attempt, delay, err.code)
            try await clock.sleep(seconds: delay)
        }
    }
}
