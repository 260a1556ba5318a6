import Foundation
import InferaHTTP

/// The strict GCP fake (Tests/Fakes/gcp_fake.py) on a random 127.0.0.1 port: Memorystore v1,
/// Secret Manager v1, Service Usage, OAuth token, STS, IAM credentials, OIDC and metadata endpoints,
/// every body checked against the discovery documents, faults injected from a seed. Stopped by
/// `stop()` / deinit; it also exits by itself when this process dies (its stdin closes).
public final class GCPFake: @unchecked Sendable {
    public let port: Int
    public static let project = "infera-test-project"
    public static let staticToken = "STATIC-TEST-TOKEN"
    public static let serviceAccount = "infera-test@infera-test-project.iam.gserviceaccount.com"
    public static let keyID = "0123456789abcdef0123456789abcdef01234567"
    public static let impersonated = "infera-ci@my-proj.iam.gserviceaccount.com"
    public static let audience = "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci/providers/github"
    private let process: Process
    private let stdin: Pipe
    private let transport = CurlTransport(settings: TransportSettings(connectTimeout: 2, totalTimeout: 10))

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Endpoint overrides, a static token, fast polling and retries: what `infera` needs to use this fake.
    public var environment: [String: String] {
        ["CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS": baseURL + "/", "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER": baseURL + "/",
         "CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICEUSAGE": baseURL + "/", "CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE": baseURL + "/compute/v1/",
         "CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICENETWORKING": baseURL + "/", "GOOGLE_OAUTH_ACCESS_TOKEN": Self.staticToken,
         "CLOUDSDK_API_ENDPOINT_OVERRIDES_NETWORKCONNECTIVITY": baseURL + "/networkconnectivity/",
         "INFERA_POLL_INTERVAL": "0.01", "INFERA_RETRY_BASE_DELAY": "0.005"]
    }

    /// Endpoint overrides only (credentials come from elsewhere).
    public var endpoints: [String: String] {
        var e = environment
        e["GOOGLE_OAUTH_ACCESS_TOKEN"] = nil
        return e
    }

    public static var fixtures: String { UpstashFake.repoRoot + "/Tests/Fixtures/reference" }

    public init(seed: Int = 1, faultRate: Double = 0, polls: Int = 3, extra: [String] = []) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: UpstashFake.python)
        p.arguments = [UpstashFake.repoRoot + "/Tests/Fakes/gcp_fake.py", "--port", "0", "--seed", String(seed),
                       "--fault-rate", String(faultRate), "--polls", String(polls), "--static-token", Self.staticToken,
                       "--service-account", "\(Self.serviceAccount),\(Self.keyID),\(Self.fixtures)/gcp-sa-jwt-example/fake-service-account.pub.pem",
                       "--user", "user-client-id,user-client-secret,user-refresh-token",
                       "--impersonable", Self.impersonated, "--sts-audience", Self.audience] + extra
        let out = Pipe()
        stdin = Pipe()
        p.standardOutput = out
        p.standardInput = stdin
        try p.run()
        process = p
        var buffer = Data()
        let deadline = Date().addingTimeInterval(15)
        var found: Int?
        let fd = out.fileHandleForReading.fileDescriptor
        while found == nil && Date() < deadline && p.isRunning {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 200) > 0 {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                let text = String(decoding: buffer, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT=") }) { found = Int(line.dropFirst(5)) }
            }
        }
        guard let port = found else {
            p.terminate()
            throw RedisTestError("the GCP fake did not start (python: \(UpstashFake.python)); output: \(String(decoding: buffer, as: UTF8.self))")
        }
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        guard process.isRunning else { return }
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    func admin(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> Any {
        let req = body.map { HTTPRequest(method: method, url: baseURL + path, text: $0, contentType: "application/json") }
            ?? HTTPRequest(method: method, url: baseURL + path)
        let r = try await transport.send(req)
        return try JSONSerialization.jsonObject(with: Data(r.body), options: [.fragmentsAllowed])
    }

    /// `{instances, operations, secrets: {name: {secret, versions: [base64]}}, disabled, deny}`.
    public func state() async throws -> [String: Any] { (try await admin(.GET, "/_fake/state") as? [String: Any]) ?? [:] }

    /// Every request seen: `{method, path, query, body, auth, fault?, error?}` (credentials in bodies redacted).
    public func requests() async throws -> [[String: Any]] { (try await admin(.GET, "/_fake/requests") as? [[String: Any]]) ?? [] }

    /// `fault_rate`, `polls`, `disabled_services`, `deny`, `revoked_keys`, `expired_refresh_tokens`, `expire_tokens`,
    /// `finish_ops_after`, `clear_requests`.
    public func configure(_ json: String) async throws { _ = try await admin(.POST, "/_fake/config", json) }

    /// A service-account key file for this fake (the reference test key, token_uri pointing here).
    public func writeServiceAccountKey(to path: String) throws {
        let src = try String(contentsOfFile: Self.fixtures + "/gcp-sa-jwt-example/fake-service-account.json", encoding: .utf8)
        try src.replacingOccurrences(of: "https://oauth2.googleapis.com/token", with: baseURL + "/token")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }
}
