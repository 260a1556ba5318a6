import InferaDiagnostics
import InferaHTTP

/// Google's HTTP error envelope `{"error": {code, message, status, details[]}}` as a value.
public struct GoogleAPIError: Sendable, Hashable {
    /// HTTP status (the envelope's `code`).
    public var httpStatus: Int
    /// google.rpc.Code name: `NOT_FOUND`, `PERMISSION_DENIED`, …
    public var status: String
    public var message: String
    /// `ErrorInfo.reason`, e.g. `SERVICE_DISABLED`.
    public var reason: String?
    /// `ErrorInfo.metadata.service`, e.g. `redis.googleapis.com`.
    public var service: String?
    /// `ErrorInfo.metadata.activationUrl` or the first `Help` link.
    public var activationURL: String?
    /// `Retry-After` in seconds, when the response had one.
    public var retryAfter: Double?

    public init(httpStatus: Int, status: String, message: String, reason: String? = nil, service: String? = nil,
                activationURL: String? = nil, retryAfter: Double? = nil) {
        self.httpStatus = httpStatus
        self.status = status
        self.message = message
        self.reason = reason
        self.service = service
        self.activationURL = activationURL
        self.retryAfter = retryAfter
    }

    /// Reads the envelope from a non-2xx response; a body that is not one still gives a value.
    public static func from(_ response: HTTPResponse) -> GoogleAPIError {
        let retryAfter = response.headers["Retry-After"].flatMap(Double.init)
        guard let json = JSONValue.parse(response.body), let e = json["error"], e.objectValue != nil else {
            let snippet = String(response.text.prefix(200)).trimmingWhitespace()
            return GoogleAPIError(httpStatus: response.status, status: statusName(response.status),
                                  message: snippet.isEmpty ? "HTTP \(response.status) with an empty body" : "HTTP \(response.status): \(snippet)",
                                  retryAfter: retryAfter)
        }
        var out = GoogleAPIError(httpStatus: e["code"]?.intValue ?? response.status,
                                 status: e["status"]?.stringValue ?? statusName(response.status),
                                 message: e["message"]?.stringValue ?? "", retryAfter: retryAfter)
        for d in e["details"]?.arrayValue ?? [] {
            let type = d["@type"]?.stringValue ?? ""
            if type.hasSuffix("google.rpc.ErrorInfo") {
                out.reason = d["reason"]?.stringValue
                out.service = d["metadata"]?["service"]?.stringValue
                if let u = d["metadata"]?["activationUrl"]?.stringValue { out.activationURL = u }
            } else if type.hasSuffix("google.rpc.Help"), out.activationURL == nil {
                out.activationURL = d["links"]?.arrayValue?.first?["url"]?.stringValue
            }
        }
        return out
    }

    /// True for "API has not been used in project … or it is disabled".
    public var isServiceDisabled: Bool {
        reason == "SERVICE_DISABLED" || (httpStatus == 403 && message.contains("has not been used in project"))
    }

    static func statusName(_ http: Int) -> String {
        switch http {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ALREADY_EXISTS"
        case 429: "RESOURCE_EXHAUSTED"
        case 500: "INTERNAL"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        default: "HTTP_\(http)"
        }
    }
}

/// Everything that can go wrong in the GCP layer, with a message naming what was tried and a hint
/// saying what to do. Messages never contain tokens, AUTH strings or URLs with passwords.
public struct GCPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No usable credentials, or the token endpoint refused them.
        case credentials
        /// No project id anywhere.
        case project
        /// The API answered with an error envelope.
        case api
        /// A long-running operation finished with an error, or did not finish in time.
        case operation
        /// No HTTP answer (connection refused, timeout).
        case transport
        /// The API answered something that is not the documented shape.
        case protocolViolation
        /// Bad input (region, names) caught before calling anything.
        case input
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    /// The envelope, for `.api` errors.
    public var api: GoogleAPIError?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, api: GoogleAPIError? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.api = api
    }

    public var description: String { hint.map { "\(message)\n  hint: \($0)" } ?? message }

    /// A `Diagnostic` for the CLI's renderer.
    public var diagnostic: Diagnostic {
        .error("GCP", message, hint: hint)
    }
}

/// What the caller knows when it turns an envelope into a `GCPError`.
public struct APICallContext: Sendable {
    /// What was being done, e.g. `creating Memorystore instance projects/p/locations/r/instances/x`.
    public var action: String
    public var project: String
    /// Who called (service-account e-mail, "user credentials", …) for permission hints.
    public var principal: String?
    /// Role that grants what the call needs, e.g. `roles/redis.admin`.
    public var role: String?
    /// Where the token came from (`access token from GOOGLE_OAUTH_ACCESS_TOKEN`, …), for 401 hints.
    public var credentialSource: String?

    public init(action: String, project: String, principal: String? = nil, role: String? = nil, credentialSource: String? = nil) {
        self.action = action
        self.project = project
        self.principal = principal
        self.role = role
        self.credentialSource = credentialSource
    }
}

extension GCPError {
    /// The user-facing error for an API envelope.
    public static func api(_ e: GoogleAPIError, _ ctx: APICallContext) -> GCPError {
        if e.isServiceDisabled {
            let service = e.service ?? "the API"
            let link = e.activationURL ?? "https://console.cloud.google.com/apis/library/\(service)?project=\(ctx.project)"
            return GCPError(.api, "\(ctx.action): \(service) is not enabled in project \(ctx.project): \(e.message)",
                            hint: "enable it with `gcloud services enable \(service) --project=\(ctx.project)` or at \(link), wait a minute, then run infera again",
                            api: e)
        }
        switch e.httpStatus {
        case 401:
            if let src = ctx.credentialSource, src.hasPrefix("access token from ") {
                let origin = String(src.dropFirst("access token from ".count))
                let fresh = origin.hasSuffix("(CLOUDSDK_AUTH_ACCESS_TOKEN_FILE)")
                    ? "write a fresh token to the file (`gcloud auth print-access-token > \(origin.components(separatedBy: " (").first ?? origin)`)"
                    : "set \(origin) to a fresh token from `gcloud auth print-access-token`"
                return GCPError(.credentials, "\(ctx.action): the access token from \(origin) was rejected (401 \(e.status)); it has expired or was revoked: \(e.message)",
                                hint: "\(fresh), or unset it so infera uses Application Default Credentials (`gcloud auth application-default login`)",
                                api: e)
            }
            return GCPError(.credentials, "\(ctx.action): the access token was rejected (401 \(e.status)): \(e.message)",
                            hint: "refresh the credentials: `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a valid key file",
                            api: e)
        case 403:
            let who = ctx.principal.map { "'\($0)'" } ?? "the caller"
            let role = ctx.role ?? "roles/redis.admin and roles/secretmanager.admin"
            var hint = "grant \(who) \(role) on project \(ctx.project)"
            if let p = ctx.principal, p.contains("@") {
                let member = p.hasSuffix("gserviceaccount.com") ? "serviceAccount:\(p)" : "user:\(p)"
                hint += ": `gcloud projects add-iam-policy-binding \(ctx.project) --member=\(member) --role=\(role.components(separatedBy: " ").first ?? role)`"
            }
            return GCPError(.api, "\(ctx.action): permission denied (403 \(e.status)): \(e.message)", hint: hint, api: e)
        case 404:
            return GCPError(.api, "\(ctx.action): not found (404): \(e.message)",
                            hint: "check the project id '\(ctx.project)' and the region", api: e)
        case 429:
            return GCPError(.api, "\(ctx.action): quota exhausted (429 RESOURCE_EXHAUSTED) after retries: \(e.message)",
                            hint: "wait a minute and run infera again, or raise the quota in the console (IAM & Admin → Quotas)", api: e)
        case 400 where e.status == "FAILED_PRECONDITION":
            return GCPError(.api, "\(ctx.action): \(e.status): \(e.message)",
                            hint: "another operation is running on the instance; run infera again when it is READY (`infera status`)", api: e)
        case 400:
            return GCPError(.api, "\(ctx.action): the API refused the request (400 \(e.status)): \(e.message)",
                            hint: "check the value named in the message in infera.yaml (`infera validate`)", api: e)
        default:
            return GCPError(.api, "\(ctx.action): \(e.httpStatus) \(e.status): \(e.message)",
                            hint: e.httpStatus >= 500 ? "Google's side failed after retries; run infera again (it resumes)" : nil, api: e)
        }
    }
}
