#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaApply
import InferaHTTP

/// Credentials, project and endpoints resolved once per command, plus the authorized client.
public struct GCPSession: Sendable {
    public let client: GCPClient
    /// The same client without debug logging, for the calls whose answers carry a secret in a field
    /// the redactor cannot know by name (`versions/latest:access` returns the stored URL as base64).
    public let quietClient: GCPClient
    /// Secret values learned at run time, redacted from everything printed (nil in bare tests).
    public var secrets: SecretRegistry?
    public let project: ResolvedProject
    public let endpoints: GCPEndpoints
    public let credentials: TokenSource
    /// Seconds between operation polls (`INFERA_POLL_INTERVAL`, default 5).
    public var pollInterval: Double
    /// Give up waiting for one operation after this long (Terraform's 20 minutes by default).
    public var operationTimeout: Double

    public init(client: GCPClient, quietClient: GCPClient? = nil, project: ResolvedProject, endpoints: GCPEndpoints, credentials: TokenSource,
                pollInterval: Double = 5, operationTimeout: Double = 20 * 60) {
        self.client = client
        self.quietClient = quietClient ?? client
        self.project = project
        self.endpoints = endpoints
        self.credentials = credentials
        self.pollInterval = pollInterval
        self.operationTimeout = operationTimeout
    }

    /// Resolves the chain and the project (no network call unless the project comes from the metadata server).
    public static func connect(env: GCPEnvironment, configuredProject: ResolvedProject?, context: ProviderContext) async throws -> GCPSession {
        let source = try CredentialChain.resolve(env)
        return try await connect(source: source, env: env, configuredProject: configuredProject, context: context)
    }

    public static func connect(source: TokenSource, env: GCPEnvironment, configuredProject: ResolvedProject?,
                               context: ProviderContext) async throws -> GCPSession {
        let tokenHTTP = context.makeClient(policy: .gcpToken)
        let project = try await ProjectResolver.resolve(configured: configuredProject, env: env, credentials: source, http: tokenHTTP)
        let tokens = TokenCache(TokenFetcher(source: source, http: tokenHTTP, clock: context.clock, secrets: context.secrets))
        var headers: [String: String] = [:]
        if let q = source.quotaProjectHeader { headers["x-goog-user-project"] = q }
        let api = context.makeClient(policy: .gcp, authenticator: GCPAuthenticator(tokens))
        let client = GCPClient(http: api, clock: context.clock, tokens: tokens, extraHeaders: headers)
        var quietContext = context
        quietContext.logger = nil
        let quiet = GCPClient(http: quietContext.makeClient(policy: .gcp, authenticator: GCPAuthenticator(tokens)), clock: context.clock,
                              tokens: tokens, extraHeaders: headers)
        var session = GCPSession(client: client, quietClient: quiet, project: project, endpoints: try GCPEndpoints(env: env), credentials: source,
                          pollInterval: env.pollInterval)
        session.secrets = context.secrets
        return session
    }

    /// `Using GCP project p (from …) with … credentials`, for the CLI.
    public var summary: String {
        "GCP project \(project.id) (from \(project.source)), credentials: \(credentials.label)"
            + (endpoints.isLocal ? " — endpoints overridden to a LOCAL server" : "")
    }

    func context(_ action: String, role: String? = nil) -> APICallContext {
        APICallContext(action: action, project: project.id, principal: credentials.principal, role: role, credentialSource: credentials.label)
    }

    /// Sends `call`; returns the response for 2xx and for the statuses in `accept`, else throws the mapped error.
    func send(_ call: APICall, _ action: String, accept: Set<Int> = [], repeat policy: GCPClient.Repeat = .safe,
              role: String? = nil, quiet: Bool = false) async throws -> HTTPResponse {
        let r = try await (quiet ? quietClient : client).call(call.method, call.url, json: call.body, repeat: policy)
        if (200..<300).contains(r.status) || accept.contains(r.status) { return r }
        throw GCPError.api(GoogleAPIError.from(r), context(action, role: role))
    }
}

/// Services infera needs enabled before it touches anything.
public enum RequiredServices {
    public static func names(privateServiceAccess: Bool) -> [String] {
        ["redis.googleapis.com", "secretmanager.googleapis.com"]
            + (privateServiceAccess ? ["servicenetworking.googleapis.com", "compute.googleapis.com"] : [])
    }

    /// The project number, from Service Usage (`services:batchGet` answers `parent: projects/{number}`);
    /// nil when Service Usage cannot be asked.
    public static func projectNumber(_ session: GCPSession) async throws -> String? {
        let call = ServiceUsageAPI(base: session.endpoints.serviceUsage, project: session.project.id).batchGet(["servicenetworking.googleapis.com"])
        let r: HTTPResponse
        do { r = try await session.client.call(call.method, call.url) } catch let e as GCPError where e.kind == .transport { return nil }
        guard r.status == 200, let json = JSONValue.parse(r.body) else { return nil }
        for s in json["services"]?.arrayValue ?? [] {
            if let parent = s["parent"]?.stringValue, parent.hasPrefix("projects/") { return String(parent.dropFirst("projects/".count)) }
        }
        return nil
    }

    /// Asks Service Usage which of `services` are disabled. When Service Usage itself cannot be
    /// asked (no permission, or it is disabled), returns nil and the first real call reports a
    /// disabled API through its SERVICE_DISABLED error instead.
    public static func check(_ session: GCPSession, _ services: [String]) async throws -> [String]? {
        let call = ServiceUsageAPI(base: session.endpoints.serviceUsage, project: session.project.id).batchGet(services)
        let r: HTTPResponse
        do {
            r = try await session.client.call(call.method, call.url)
        } catch let e as GCPError where e.kind == .transport {
            return nil
        }
        guard r.status == 200, let json = JSONValue.parse(r.body) else { return nil }
        var disabled: [String] = []
        for s in json["services"]?.arrayValue ?? [] where s["state"]?.stringValue != "ENABLED" {
            if let n = s["name"]?.stringValue { disabled.append(String(n.split(separator: "/").last ?? Substring(n))) }
        }
        return disabled
    }

    /// The error for disabled services, with the command that enables them.
    public static func error(_ disabled: [String], project: String) -> GCPError {
        let list = disabled.joined(separator: " ")
        let links = disabled.map { "https://console.cloud.google.com/apis/library/\($0)?project=\(project)" }.joined(separator: " , ")
        return GCPError(.api, "\(disabled.joined(separator: ", ")) \(disabled.count == 1 ? "is" : "are") not enabled in project \(project)",
                        hint: "enable \(disabled.count == 1 ? "it" : "them") with `gcloud services enable \(list) --project=\(project)` or at \(links), wait a minute, then run infera again")
    }
}
