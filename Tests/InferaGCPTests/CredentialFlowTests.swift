import Foundation
import InferaApply
import InferaHTTP
import InferaTestSupport
import Testing
@testable import InferaGCP

/// Each credential type of Google's chain against the fake's token endpoints (OAuth, STS, IAM
/// credentials, OIDC, metadata), then one real API call with the token it gave.
@Suite(.serialized) struct CredentialFlowTests {
    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "infera-gcp-cred-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func context(_ env: [String: String], secrets: SecretRegistry = SecretRegistry()) -> ProviderContext {
        ProviderContext(environment: env, transport: CurlTransport(settings: TransportSettings(connectTimeout: 2, totalTimeout: 10)),
                        clock: SystemClock(), secrets: secrets, random: { _ in 0 })
    }

    /// Connects with `env`, reads a missing instance (404 → nil) with the token, returns the session.
    func connectAndCall(_ fake: GCPFake, _ env: [String: String], project: String? = GCPFake.project) async throws -> GCPSession {
        let e = GCPEnvironment(variables: env, home: "/nonexistent")
        let s = try await GCPSession.connect(env: e, configuredProject: project.map { ResolvedProject(id: $0, source: "test") },
                                             context: context(env))
        let redis = MemorystoreService(session: s, region: "us-central1")
        #expect(try await redis.get("absent") == nil)
        return s
    }

    func paths(_ fake: GCPFake) async throws -> [String] {
        try await fake.requests().map { "\($0["method"] as? String ?? "") \($0["path"] as? String ?? "")" }
    }

    @Test func serviceAccountKeyFileExchangesASignedJWT() async throws {
        let fake = try GCPFake()
        let dir = Self.tempDir()
        try fake.writeServiceAccountKey(to: dir + "/key.json")
        let s = try await connectAndCall(fake, fake.endpoints.merging(["GOOGLE_APPLICATION_CREDENTIALS": dir + "/key.json"]) { $1 }, project: nil)
        #expect(s.project == ResolvedProject(id: "infera-test-project", source: "the credentials (\(s.credentials.label))"))
        let reqs = try await fake.requests()
        let token = try #require(reqs.first { ($0["path"] as? String) == "/token" })
        #expect((token["body"] as? [String: String])?["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        // The API accepted the token: the absent instance is a 404, not a 401.
        #expect(reqs.last?["error"] as? String == "NOT_FOUND")
    }

    @Test func revokedServiceAccountKeyNamesTheSourceAndTheFix() async throws {
        let fake = try GCPFake()
        try await fake.configure(#"{"revoked_keys": ["\#(GCPFake.keyID)"]}"#)
        let dir = Self.tempDir()
        try fake.writeServiceAccountKey(to: dir + "/key.json")
        do {
            _ = try await connectAndCall(fake, fake.endpoints.merging(["GOOGLE_APPLICATION_CREDENTIALS": dir + "/key.json"]) { $1 })
            Issue.record("expected a credentials error")
        } catch let e as GCPError {
            #expect(e.kind == .credentials)
            #expect(e.message.contains("service account \(GCPFake.serviceAccount)"))
            #expect(e.message.contains("invalid_grant: Invalid JWT Signature."))
            #expect(e.hint?.contains("gcloud iam service-accounts keys create") == true)
        }
    }

    @Test func authorizedUserRefreshTokenAndItsExpiry() async throws {
        let fake = try GCPFake()
        let dir = Self.tempDir()
        let file = dir + "/adc.json"
        try #"{"type":"authorized_user","client_id":"user-client-id","client_secret":"user-client-secret","refresh_token":"user-refresh-token","token_uri":"\#(fake.baseURL)/token","quota_project_id":"infera-test-project"}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        // The gcloud ADC file, found through CLOUDSDK_CONFIG.
        try FileManager.default.moveItem(atPath: file, toPath: dir + "/application_default_credentials.json")
        let env = fake.endpoints.merging(["CLOUDSDK_CONFIG": dir]) { $1 }
        let s = try await connectAndCall(fake, env, project: nil)
        #expect(s.project.id == "infera-test-project")
        #expect(s.client.extraHeaders["x-goog-user-project"] == "infera-test-project")
        let body = try #require(try await fake.requests().first { ($0["path"] as? String) == "/token" }?["body"] as? [String: String])
        #expect(body["grant_type"] == "refresh_token" && body["client_id"] == "user-client-id")

        try await fake.configure(#"{"expired_refresh_tokens": ["user-refresh-token"]}"#)
        await #expect(throws: GCPError.self) { _ = try await connectAndCall(fake, env) }
        do { _ = try await connectAndCall(fake, env) } catch let e as GCPError {
            #expect(e.message.contains("Token has been expired or revoked."))
            #expect(e.hint == "run `gcloud auth application-default login` again")
        }
    }

    func externalAccountFile(_ fake: GCPFake, impersonate: Bool) throws -> String {
        let dir = Self.tempDir()
        let audienceParam = "https%3A%2F%2Fiam.googleapis.com%2Fprojects%2F123456%2Flocations%2Fglobal%2FworkloadIdentityPools%2Fci%2Fproviders%2Fgithub"
        var json = """
        {"type": "external_account", "audience": "\(GCPFake.audience)",
         "subject_token_type": "urn:ietf:params:oauth:token-type:jwt", "token_url": "\(fake.baseURL)/v1/token",
         "credential_source": {"url": "\(fake.baseURL)/_apis/oidc/token?api-version=2.0&audience=\(audienceParam)",
           "headers": {"Authorization": "Bearer REQ-TOKEN"}, "format": {"type": "json", "subject_token_field_name": "value"}}
        """
        if impersonate {
            json += #", "service_account_impersonation_url": "\#(fake.baseURL)/v1/projects/-/serviceAccounts/\#(GCPFake.impersonated):generateAccessToken""#
        }
        json += "}"
        try json.write(toFile: dir + "/gha-creds.json", atomically: true, encoding: .utf8)
        return dir + "/gha-creds.json"
    }

    @Test func externalAccountWithoutImpersonationUsesTheFederatedToken() async throws {
        let fake = try GCPFake()
        let file = try externalAccountFile(fake, impersonate: false)
        _ = try await connectAndCall(fake, fake.endpoints.merging(["GOOGLE_APPLICATION_CREDENTIALS": file]) { $1 })
        let reqs = try await fake.requests()
        #expect(try await paths(fake).prefix(2) == ["GET /_apis/oidc/token", "POST /v1/token"])
        let sts = try #require(reqs[1]["body"] as? [String: String])
        #expect(sts["scope"] == "https://www.googleapis.com/auth/cloud-platform")
        #expect(sts["audience"] == GCPFake.audience)
        #expect(reqs.contains { ($0["path"] as? String)?.contains("generateAccessToken") == true } == false)
    }

    @Test func externalAccountWithImpersonationFollowsTheTranscript() async throws {
        let fake = try GCPFake()
        let file = try externalAccountFile(fake, impersonate: true)
        let s = try await connectAndCall(fake, fake.endpoints.merging(["GOOGLE_APPLICATION_CREDENTIALS": file]) { $1 })
        #expect(s.credentials.label.contains("impersonating \(GCPFake.impersonated)"))
        #expect(try await paths(fake).prefix(3) == [
            "GET /_apis/oidc/token", "POST /v1/token",
            "POST /v1/projects/-/serviceAccounts/\(GCPFake.impersonated):generateAccessToken",
        ])
        let reqs = try await fake.requests()
        // The STS scope is iam when impersonation follows; the fake checks the form order and the exact
        // generateAccessToken body ({"delegates": null, "scope": [...], "lifetime": "3600s"}) and answers 400 otherwise.
        #expect((reqs[1]["body"] as? [String: String])?["scope"] == "https://www.googleapis.com/auth/iam")
        #expect(reqs[2]["error"] == nil && reqs[3]["error"] as? String == "NOT_FOUND")
    }

    @Test func metadataServerGivesTokenAndProject() async throws {
        let fake = try GCPFake()
        let s = try await connectAndCall(fake, fake.endpoints.merging(["GCE_METADATA_HOST": "127.0.0.1:\(fake.port)"]) { $1 }, project: nil)
        #expect(s.project == ResolvedProject(id: "infera-test-project", source: "the metadata server"))
        #expect(try await paths(fake).prefix(2).sorted() == [
            "GET /computeMetadata/v1/instance/service-accounts/default/token", "GET /computeMetadata/v1/project/project-id",
        ])
    }

    @Test func tokenFileAndTheChainOrder() async throws {
        let fake = try GCPFake()
        let dir = Self.tempDir()
        try "\(GCPFake.staticToken)\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        // The token variables come before GOOGLE_APPLICATION_CREDENTIALS (which points nowhere here).
        let env = fake.endpoints.merging(["CLOUDSDK_AUTH_ACCESS_TOKEN_FILE": dir + "/token", "GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent.json"]) { $1 }
        let s = try await connectAndCall(fake, env)
        #expect(s.credentials.label == "access token from \(dir)/token (CLOUDSDK_AUTH_ACCESS_TOKEN_FILE)")
    }

    @Test func tokensAreCachedAndRefreshedOnceOn401() async throws {
        let fake = try GCPFake()
        let dir = Self.tempDir()
        try fake.writeServiceAccountKey(to: dir + "/key.json")
        let s = try await connectAndCall(fake, fake.endpoints.merging(["GOOGLE_APPLICATION_CREDENTIALS": dir + "/key.json"]) { $1 })
        let redis = MemorystoreService(session: s, region: "us-central1")
        _ = try await redis.get("absent")
        #expect(await s.client.tokens.fetches == 1)
        try await fake.configure(#"{"expire_tokens": true}"#)
        _ = try await redis.get("absent")
        #expect(await s.client.tokens.fetches == 2)
        let statuses = try await fake.requests().suffix(3).map { $0["error"] as? String ?? "ok" }
        #expect(statuses == ["UNAUTHENTICATED", "ok", "NOT_FOUND"]) // 401, a new token, the same GET again (absent: 404)
    }

    @Test func noCredentialsListsWhatWasTried() throws {
        let env = GCPEnvironment(variables: [:], home: "/nonexistent", onGoogleCloud: false)
        do {
            _ = try CredentialChain.resolve(env)
            Issue.record("expected an error")
        } catch let e as GCPError {
            #expect(e.message.contains("GOOGLE_APPLICATION_CREDENTIALS"))
            #expect(e.message.contains("/nonexistent/.config/gcloud/application_default_credentials.json"))
            #expect(e.hint?.contains("gcloud auth application-default login") == true)
        }
    }
}
