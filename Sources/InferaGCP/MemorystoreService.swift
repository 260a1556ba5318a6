#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaHTTP

/// Memorystore calls with the semantics infera needs: 404 as "absent", 409 on create as "exists",
/// operations polled to the end with progress, bounded in count and time.
public struct MemorystoreService: Sendable {
    public let session: GCPSession
    public let api: MemorystoreAPI
    static let role = "roles/redis.admin"

    public init(session: GCPSession, region: String) {
        self.session = session
        self.api = MemorystoreAPI(base: session.endpoints.redis, project: session.project.id, region: region)
    }

    /// The instance, or nil when it does not exist.
    public func get(_ id: String) async throws -> RedisInstance? {
        let r = try await session.send(api.get(id), "reading Memorystore instance \(api.instanceName(id))", accept: [404], role: Self.role)
        if r.status == 404 { return nil }
        return try decode(RedisInstance.self, r, "the instance \(api.instanceName(id))")
    }

    /// Starts a create; nil when the instance already exists (409 ALREADY_EXISTS: adopt it).
    public func create(_ id: String, _ instance: RedisInstance) async throws -> Operation? {
        let r = try await session.send(try api.create(id, instance), "creating Memorystore instance \(api.instanceName(id))",
                                       accept: [409], repeat: .safe, role: Self.role)
        if r.status == 409 { return nil }
        return try operation(r)
    }

    public func patch(_ id: String, _ instance: RedisInstance, mask: [String]) async throws -> Operation {
        try operation(try await session.send(try api.patch(id, instance, mask: mask),
                                             "updating Memorystore instance \(api.instanceName(id)) (\(mask.joined(separator: ",")))",
                                             repeat: .byMethod, role: Self.role))
    }

    public func upgrade(_ id: String, to version: String) async throws -> Operation {
        try operation(try await session.send(try api.upgrade(id, version: version),
                                             "upgrading Memorystore instance \(api.instanceName(id)) to \(version)", repeat: .byMethod, role: Self.role))
    }

    /// Starts a delete; nil when there is nothing to delete (404).
    public func delete(_ id: String) async throws -> Operation? {
        let r = try await session.send(api.delete(id), "deleting Memorystore instance \(api.instanceName(id))", accept: [404], role: Self.role)
        if r.status == 404 { return nil }
        return try operation(r)
    }

    /// The AUTH string; nil when AUTH is off (the API answers `{}`).
    public func authString(_ id: String) async throws -> Sensitive? {
        let r = try await session.send(api.authString(id), "reading the AUTH string of \(api.instanceName(id))", role: Self.role)
        guard let json = JSONValue.parse(r.body), json.objectValue != nil else {
            throw GCPError(.protocolViolation, "the authString answer for \(api.instanceName(id)) is not a JSON object",
                           hint: "check CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS points at the Memorystore API")
        }
        return json["authString"]?.stringValue.flatMap { $0.isEmpty ? nil : Sensitive($0) }
    }

    /// Every instance in the region (following `nextPageToken`, at most 50 pages).
    public func list() async throws -> [RedisInstance] {
        struct Page: Decodable { var instances: [RedisInstance]?; var nextPageToken: String? }
        var out: [RedisInstance] = []
        var token: String?
        for _ in 0..<50 {
            let r = try await session.send(api.list(pageToken: token), "listing Memorystore instances in \(api.parent)", role: Self.role)
            let page = try decode(Page.self, r, "the instance list")
            out += page.instances ?? []
            guard let t = page.nextPageToken, !t.isEmpty else { break }
            token = t
        }
        return out
    }

    /// The unfinished operation on `target` (full instance name), if any (`operations.list`).
    public func runningOperation(for target: String) async throws -> Operation? {
        let r = try await session.send(api.operations(), "listing operations in \(api.parent)", role: Self.role)
        for o in JSONValue.parse(r.body)?["operations"]?.arrayValue ?? [] {
            guard let op = Operation.decode(Array(o.rendered(pretty: false).utf8)), !op.done, op.target == target else { continue }
            return op
        }
        return nil
    }

    /// Reads an operation once.
    public func operationStatus(_ name: String) async throws -> Operation {
        try operation(try await session.send(api.operation(name), "reading operation \(name)", role: Self.role))
    }

    /// Polls `name` until done, calling `progress` with the elapsed seconds before each wait.
    /// Throws `.operation` when it ends with an error or outlasts `session.operationTimeout`.
    public func wait(_ name: String, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Operation {
        let clock = session.client.clock
        let start = clock.now()
        let maxPolls = 10_000
        for poll in 0..<maxPolls {
            let op = try await operationStatus(name)
            if op.done {
                if let e = op.error {
                    let code = e.code.map(Operation.codeName) ?? "UNKNOWN"
                    throw GCPError(.operation, "operation \(name) (\(op.verb ?? "?") \(op.target ?? "")) failed: \(code): \(e.message ?? "")",
                                   hint: code == "RESOURCE_EXHAUSTED" || code == "FAILED_PRECONDITION"
                                       ? "fix the cause named above (quota, reserved range, network) and run infera again"
                                       : "see the operation in the console; run infera again to retry")
                }
                return op
            }
            let elapsed = clock.now() - start
            if elapsed >= session.operationTimeout {
                throw GCPError(.operation, "operation \(name) is still running after \(Int(elapsed))s",
                               hint: "infera recorded it; run infera again to keep waiting for the same operation")
            }
            progress(Int(elapsed))
            // 1 s at first, then the configured interval (5 s by default).
            try await clock.sleep(seconds: poll < 2 ? min(1, session.pollInterval) : session.pollInterval)
        }
        throw GCPError(.operation, "operation \(name) did not finish within \(maxPolls) polls",
                       hint: "run infera again to keep waiting for the same operation")
    }

    /// Waits while the instance is CREATING / UPDATING / … (never act on it then); nil when it vanished.
    public func waitUntilSettled(_ id: String, progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws -> RedisInstance? {
        let clock = session.client.clock
        let start = clock.now()
        for poll in 0..<10_000 {
            guard let i = try await get(id) else { return nil }
            let state = i.state ?? "READY"
            if !Self.busyStates.contains(state) { return i }
            let elapsed = clock.now() - start
            if elapsed >= session.operationTimeout {
                throw GCPError(.operation, "instance \(api.instanceName(id)) is still \(state) after \(Int(elapsed))s",
                               hint: "run infera again later; it waits for the instance before changing it")
            }
            progress(state, Int(elapsed))
            try await clock.sleep(seconds: poll < 2 ? min(1, session.pollInterval) : session.pollInterval)
        }
        throw GCPError(.operation, "instance \(api.instanceName(id)) did not settle", hint: "run infera again later")
    }

    /// States in which the instance must not be patched.
    public static let busyStates: Set<String> = ["CREATING", "UPDATING", "DELETING", "REPAIRING", "MAINTENANCE", "IMPORTING", "FAILING_OVER"]

    func operation(_ r: HTTPResponse) throws -> Operation {
        guard let op = Operation.decode(r.body) else {
            throw GCPError(.protocolViolation, "the Memorystore API answered HTTP \(r.status) without an Operation",
                           hint: "check CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS points at the Memorystore API")
        }
        return op
    }

    func decode<T: Decodable>(_ t: T.Type, _ r: HTTPResponse, _ what: String) throws -> T {
        do { return try JSONCoding.decode(t, r.body) } catch {
            throw GCPError(.protocolViolation, "\(what): unexpected JSON from the Memorystore API",
                           hint: "check CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS points at the Memorystore API")
        }
    }
}

/// Secret Manager calls: create-or-exists, add a version only when the value changed.
public struct SecretManagerService: Sendable {
    public let session: GCPSession
    public let api: SecretManagerAPI
    static let role = "roles/secretmanager.admin"

    public init(session: GCPSession) {
        self.session = session
        self.api = SecretManagerAPI(base: session.endpoints.secretManager, project: session.project.id)
    }

    /// The secret's labels; nil when the secret does not exist.
    public func labels(_ id: String) async throws -> [String: String]? {
        let r = try await session.send(api.getSecret(id), "reading secret \(api.secretName(id))", accept: [404], role: Self.role)
        if r.status == 404 { return nil }
        var out: [String: String] = [:]
        for (k, v) in JSONValue.parse(r.body)?["labels"]?.objectValue ?? [:] { if let s = v.stringValue { out[k] = s } }
        return out
    }

    /// Replaces the secret's labels.
    public func setLabels(_ id: String, _ labels: [String: String]) async throws {
        _ = try await session.send(try api.patchLabels(id, labels), "updating the labels of \(api.secretName(id))", repeat: .safe, role: Self.role)
    }

    /// Creates the secret; an existing one (409) is fine. Returns true when it was created now.
    @discardableResult
    public func ensure(_ id: String, labels: [String: String]) async throws -> Bool {
        let r = try await session.send(try api.createSecret(id, labels: labels), "creating secret \(api.secretName(id))",
                                       accept: [409], role: Self.role)
        return r.status != 409
    }

    /// The latest version's payload; nil when the secret has no (enabled) version or does not exist.
    /// `register: false` for a value that holds no secret (a cluster's URL: IAM tokens are the password),
    /// so it is not redacted from the outputs.
    public func latest(_ id: String, register: Bool = true) async throws -> Sensitive? {
        let r = try await session.send(api.accessLatest(id), "reading the latest version of \(api.secretName(id))",
                                       accept: [404, 400], role: Self.role, quiet: true)
        // 400 FAILED_PRECONDITION: the latest version is disabled or destroyed.
        guard r.status == 200 else {
            if r.status == 400, GoogleAPIError.from(r).status != "FAILED_PRECONDITION" {
                throw GCPError.api(GoogleAPIError.from(r), session.context("reading the latest version of \(api.secretName(id))"))
            }
            return nil
        }
        guard let data = JSONValue.parse(r.body)?["payload"]?["data"]?.stringValue, let bytes = JSONBase64.decode(data) else {
            // (never reached with a well-formed answer; the payload is not quoted)
            throw GCPError(.protocolViolation, "the latest version of \(api.secretName(id)) has no payload",
                           hint: "check CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER points at Secret Manager")
        }
        let value = String(decoding: bytes, as: UTF8.self)
        if register {
            session.secrets?.add(value)
            session.secrets?.add(data)
        }
        return Sensitive(value)
    }

    /// Makes `value` the latest version, adding one only when it differs. `addVersion` is not
    /// idempotent, so a failed add is followed by a fresh read before trying again (bounded).
    /// Returns true when a version was added.
    @discardableResult
    public func put(_ id: String, value: Sensitive, register: Bool = true) async throws -> Bool {
        for attempt in 1...6 {
            if let current = try await latest(id, register: register), current.value == value.value { return attempt > 1 }
            let call = try api.addVersion(id, payload: Array(value.value.utf8))
            let r = try await session.client.call(call.method, call.url, json: call.body, repeat: .never)
            if (200..<300).contains(r.status) { return true }
            let e = GoogleAPIError.from(r)
            guard r.status >= 500 || r.status == 429 else {
                throw GCPError.api(e, session.context("adding a version to \(api.secretName(id))", role: Self.role))
            }
            try await session.client.clock.sleep(seconds: Backoff.delay(attempt: attempt, seed: UInt64.random(in: 1...UInt64.max)))
        }
        throw GCPError(.api, "adding a version to \(api.secretName(id)) kept failing",
                       hint: "Secret Manager is unavailable; run infera again (it checks the latest version first)")
    }

    /// Deletes the secret and its versions; nothing to do when it is absent.
    public func delete(_ id: String) async throws {
        _ = try await session.send(api.deleteSecret(id), "deleting secret \(api.secretName(id))", accept: [404], role: Self.role)
    }
}

/// The connection URL the application reads from Secret Manager.
public enum RedisURL {
    /// `redis[s]://[:AUTH@]host:port` — `rediss` when transit encryption is on.
    public static func make(host: String, port: Int, auth: Sensitive?, tls: Bool) -> Sensitive {
        let userinfo = auth.map { ":" + FormEncoding.escape($0.value) + "@" } ?? ""
        return Sensitive("\(tls ? "rediss" : "redis")://\(userinfo)\(host):\(port)")
    }
}
