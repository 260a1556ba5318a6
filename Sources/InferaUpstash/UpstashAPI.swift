#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
import InferaApply
import InferaHTTP

/// A database as the Upstash Developer API returns it (providers.md §3.3). Everything beyond id
/// and name is optional: the OpenAPI `Database` schema leaves out the secrets, older responses
/// lack newer fields.
struct UpstashDatabase: Decodable, Sendable, Hashable {
    var database_id: String
    var database_name: String
    var region: String?
    var primary_region: String?
    var read_regions: [String]?
    var endpoint: String?
    var port: Int?
    var tls: Bool?
    var eviction: Bool?
    var auto_upgrade: Bool?
    var prod_pack_enabled: Bool?
    var budget: Int?
    var state: String?
    var type: String?
    var creation_time: Int?
    var password: String?
    var rest_token: String?
    var read_only_rest_token: String?
}

/// The calls infera makes, with Upstash's error shapes mapped to `ProviderError`.
struct UpstashAPI: Sendable {
    let base: String
    let client: HTTPClient
    let secrets: SecretRegistry
    static let endpointVariable = "INFERA_UPSTASH_API_URL"

    func url(_ path: String) -> String { base + "/v2" + path }

    func listDatabases(resource: String) async throws -> [UpstashDatabase] {
        let r = try await send(HTTPRequest(method: .GET, url: url("/redis/databases"), headers: ["Accept": "application/json"]),
                               resource: resource, doing: "list databases")
        return try decode([UpstashDatabase].self, r, resource: resource, expected: "a JSON array of databases")
    }

    func getDatabase(_ id: String, resource: String) async throws -> UpstashDatabase? {
        let r = try await send(HTTPRequest(method: .GET, url: url("/redis/database/\(id)"), headers: ["Accept": "application/json"]),
                               resource: resource, doing: "read database \(id)", allowNotFound: true)
        if Self.isNotFound(r) { return nil }
        return try decode(UpstashDatabase.self, r, resource: resource, expected: "a database object")
    }

    func createDatabase(_ body: [String: Any], resource: String) async throws -> UpstashDatabase {
        // Not retryable by the HTTP layer: Upstash has no idempotency key. The provider re-lists by
        // name after an uncertain failure instead (create-or-adopt).
        let r = try await send(jsonRequest(.POST, "/redis/database", body, retryable: false), resource: resource, doing: "create database")
        return try decode(UpstashDatabase.self, r, resource: resource, expected: "the created database")
    }

    func deleteDatabase(_ id: String, resource: String) async throws {
        _ = try await send(HTTPRequest(method: .DELETE, url: url("/redis/database/\(id)"), headers: ["Accept": "application/json"]),
                           resource: resource, doing: "delete database \(id)", allowNotFound: true)
    }

    /// A POST/PATCH that changes a setting; each is idempotent (setting a value twice is harmless).
    func change(_ method: HTTPMethod, _ path: String, _ body: [String: Any]?, resource: String, doing: String) async throws {
        var req: HTTPRequest
        if let body { req = jsonRequest(method, path, body, retryable: true) } else {
            req = HTTPRequest(method: method, url: url(path), headers: ["Accept": "application/json"], retryable: true)
        }
        let r = try await sendRaw(req, resource: resource, doing: doing)
        // Terraform ignores "already enabled/disabled" answers from the toggles; so does infera.
        if !r.isSuccess, r.status == 400, r.text.lowercased().contains("already") { return }
        try check(r, resource: resource, doing: doing)
    }

    func jsonRequest(_ m: HTTPMethod, _ path: String, _ body: [String: Any], retryable: Bool) -> HTTPRequest {
        let data = Array(((try? JSONObjects.serialize(body)) ?? "{}").utf8)
        return HTTPRequest(method: m, url: url(path), headers: ["Accept": "application/json", "Content-Type": "application/json"],
                           body: Array(data), retryable: retryable)
    }

    // MARK: sending and errors

    func sendRaw(_ req: HTTPRequest, resource: String, doing: String) async throws -> HTTPResponse {
        do {
            return try await client.send(req)
        } catch let e as HTTPError {
            throw ProviderError.unreachable(e, resource: resource, endpointVariable: Self.endpointVariable)
        }
    }

    func send(_ req: HTTPRequest, resource: String, doing: String, allowNotFound: Bool = false) async throws -> HTTPResponse {
        let r = try await sendRaw(req, resource: resource, doing: doing)
        if allowNotFound && Self.isNotFound(r) { return r }
        try check(r, resource: resource, doing: doing)
        return r
    }

    /// 404, or 400 whose body says "not found" (providers.md §3.4).
    static func isNotFound(_ r: HTTPResponse) -> Bool {
        r.status == 404 || (r.status == 400 && r.text.lowercased().contains("not found"))
    }

    func check(_ r: HTTPResponse, resource: String, doing: String) throws {
        guard !r.isSuccess else { return }
        let said = client.redactor.redact(Self.errorMessage(r))
        switch r.status {
        case 401, 403:
            throw ProviderError(.authentication, resource: resource,
                                message: "Upstash refused the credentials while trying to \(doing) (HTTP \(r.status): \(said))",
                                hint: "check UPSTASH_EMAIL and UPSTASH_API_KEY (a Management API key from console.upstash.com → Account → Management API; Vercel/Fly accounts cannot use API keys)",
                                status: r.status)
        case 429, 500...599:
            throw ProviderError(.unavailable, resource: resource,
                                message: "Upstash could not \(doing) after retries (HTTP \(r.status): \(said))",
                                hint: "Upstash is throttling or unavailable; wait a minute and re-run `infera apply` (it resumes safely)",
                                status: r.status)
        default:
            throw ProviderError(.rejected, resource: resource,
                                message: "Upstash rejected the request to \(doing) (HTTP \(r.status): \(said))",
                                hint: "fix the cache settings for Upstash in infera.yaml (regions, plan, budget) as the message says, then run `infera plan` again",
                                status: r.status)
        }
    }

    /// The provider's words from any of its error shapes: `{"error":…}`, `{"message":…}`, a JSON string, plain text.
    static func errorMessage(_ r: HTTPResponse) -> String {
        let text = r.text.trimmingWhitespace()
        if let obj = try? JSONObjects.parse(Array(text.utf8), fragmentsAllowed: true) {
            if let d = obj as? [String: Any] {
                for k in ["error", "message", "detail"] { if let s = d[k] as? String { return s } }
            }
            if let s = obj as? String { return s }
        }
        if text.isEmpty { return "empty body" }
        return String(text.prefix(200))
    }

    func decode<T: Decodable>(_ t: T.Type, _ r: HTTPResponse, resource: String, expected: String) throws -> T {
        do {
            let v = try JSONDecoder().decode(T.self, from: Data(r.body))
            remember(v)
            return v
        } catch {
            let snippet = client.redactor.redact(String(r.text.prefix(120)))
            throw ProviderError(.unexpectedResponse, resource: resource,
                                message: "unexpected response from the Upstash API (expected \(expected)): \(snippet)",
                                hint: "check that \(Self.endpointVariable) (if set) points at the Upstash Developer API; re-run with --debug to see the exchange")
        }
    }

    /// Registers every secret in a response so nothing prints it.
    func remember(_ v: Any) {
        if let d = v as? UpstashDatabase {
            secrets.add(d.password)
            secrets.add(d.rest_token)
            secrets.add(d.read_only_rest_token)
        } else if let l = v as? [UpstashDatabase] {
            for d in l { remember(d) }
        }
    }
}
