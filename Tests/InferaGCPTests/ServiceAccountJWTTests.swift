import Foundation
import InferaHTTP
import InferaTestSupport
import Testing
@testable import InferaGCP

/// Fixture files copied from shared/reference (Tests/Fixtures/reference).
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference")
    static func path(_ name: String) -> String { root.appendingPathComponent(name).path }
    static func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(name)))) }
}

@Suite struct ServiceAccountJWTTests {
    func key() throws -> ServiceAccountKey {
        guard case .serviceAccount(let k) = try CredentialFile.parse(try Fixture.bytes("gcp-sa-jwt-example/fake-service-account.json"), origin: "fixture") else {
            Issue.record("not a service account"); throw CancellationError()
        }
        return k
    }

    @Test func headerAndClaimsMatchTheVectorBytes() throws {
        let k = try key()
        let header = try Fixture.text("gcp-sa-jwt-example/jwt-header.json").trimmingCharacters(in: .newlines)
        let claims = try Fixture.text("gcp-sa-jwt-example/jwt-claims.json").trimmingCharacters(in: .newlines)
        #expect(ServiceAccountJWT.headerJSON(keyID: k.privateKeyID) == header)
        #expect(ServiceAccountJWT.claimsJSON(issuer: k.clientEmail, scope: ServiceAccountJWT.cloudPlatformScope,
                                             audience: k.tokenURI, issuedAt: 1_700_000_000) == claims)
    }

    @Test func assertionMatchesTheKnownAnswerByteForByte() throws {
        let expected = try Fixture.text("gcp-sa-jwt-example/jwt-assertion.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        let input = try Fixture.text("gcp-sa-jwt-example/jwt-signing-input.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        let jwt = try ServiceAccountJWT.assertion(for: try key(), issuedAt: 1_700_000_000)
        #expect(jwt.hasPrefix(input + "."))
        #expect(jwt == expected)
    }

    @Test func tokenRequestBodyMatchesTheVector() async throws {
        let k = try key()
        let req = try Fixture.text("gcp-sa-jwt-example/token-request.txt")
        let expectedBody = req.components(separatedBy: "\n\n").last!.trimmingCharacters(in: .whitespacesAndNewlines)
        let fake = FakeHTTPTransport { _ in
            .respond(HTTPResponse(status: 200, text: #"{"access_token":"ya29.test","expires_in":3599,"token_type":"Bearer"}"#))
        }
        let clock = ManualClock(start: 1000, wallTime: 1_700_000_000)
        let http = HTTPClient(transport: fake, policy: .gcpToken, clock: clock)
        let t = try await TokenFetcher(source: .serviceAccount(k, origin: "fixture"), http: http, clock: clock).fetch()
        #expect(t.token.value == "ya29.test")
        #expect(t.expiresAt == Double(4599))
        let r = try #require(fake.requests.first)
        #expect(r.method == .POST && r.url == "https://oauth2.googleapis.com/token")
        #expect(r.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(String(decoding: r.body, as: UTF8.self) == expectedBody)
    }

    @Test func aBadKeyIsAClearCredentialError() throws {
        var k = try key()
        k.privateKey = Sensitive("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        #expect(throws: GCPError.self) { try ServiceAccountJWT.assertion(for: k, issuedAt: 1) }
    }
}

