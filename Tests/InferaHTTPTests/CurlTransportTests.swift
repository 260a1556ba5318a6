import Foundation
import InferaHTTP
import InferaTestSupport
import Testing

/// libcurl against real local servers (the Upstash fake on 127.0.0.1).
@Suite(.serialized) struct CurlTransportTests {
    static func auth(_ fake: UpstashFake) -> HTTPHeaders {
        ["Authorization": "Basic " + Base64.encode(Array("\(fake.email):\(fake.apiKey)".utf8)), "Accept": "application/json"]
    }

    @Test func libcurlIsOpenedOnFirstUseNotLinked() throws {
        // Not a dependency of the executable (dlopen in CCurl/shim.h): commands that never reach a provider
        // do not load it. It loads when a transfer needs it.
        let ldd = try ChildProcess.run("/usr/bin/ldd", [try ServerProcess.inferaExecutable()], timeout: .seconds(30))
        #expect(ldd.status == 0 && !ldd.output.contains("libcurl"), "\(ldd.output)")
        #expect(CurlTransport.libcurlLoadError == nil)
        #expect(CurlTransport.libcurlVersion.hasPrefix("libcurl/"))
    }

    @Test func getPostHeadersBodyAndConnectionReuse() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let t = CurlTransport(settings: TransportSettings(userAgent: "infera/9.9.9"))
        let list = HTTPRequest(method: .GET, url: fake.baseURL + "/v2/redis/databases", headers: Self.auth(fake))
        let r1 = try await t.send(list)
        #expect(r1.status == 200 && r1.text == "[]")
        #expect(r1.headers["content-type"] == "application/json")
        #expect(r1.timing.total > 0)
        #expect(r1.timing.newConnections == 1)
        let create = HTTPRequest(method: .POST, url: fake.baseURL + "/v2/redis/database", headers: Self.auth(fake),
                                 text: #"{"database_name":"t","platform":"aws","primary_region":"us-east-1"}"#, contentType: "application/json")
        let r2 = try await t.send(create)
        #expect(r2.status == 200 && r2.text.contains("\"database_name\": \"t\""))
        #expect(r2.timing.newConnections == 1) // a POST that must not be repeated never rides a reused connection
        let r2b = try await t.send(list)
        #expect(r2b.status == 200 && r2b.timing.newConnections == 0) // the keep-alive connection is reused
        var patch = HTTPRequest(method: .PATCH, url: fake.baseURL + "/v2/redis/update-budget/nope", headers: Self.auth(fake),
                                text: #"{"budget":5}"#, contentType: "application/json")
        patch.headers["X-Test"] = "1"
        let r3 = try await t.send(patch)
        #expect(r3.status == 404 && r3.text.contains("database not found"))
        let r4 = try await t.send(HTTPRequest(method: .GET, url: fake.baseURL + "/v2/redis/databases"))
        #expect(r4.status == 401 && r4.text == #"{"error": "Unauthorized"}"#)
        #expect(try await fake.violations() == []) // every request matched the OpenAPI document, User-Agent infera/…
    }

    /// The fake cannot drift from the OpenAPI document silently: requests outside it are refused and counted.
    @Test func fakeRejectsRequestsOutsideTheOpenAPIDocument() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let t = CurlTransport(settings: TransportSettings())
        let bad = HTTPRequest(method: .POST, url: fake.baseURL + "/v2/redis/database", headers: Self.auth(fake),
                              text: #"{"database_name":"t","platform":"aws","primary_region":"mars-1"}"#, contentType: "application/json")
        let r1 = try await t.send(bad)
        #expect(r1.status == 422 && r1.text.contains("'mars-1' is not one of"))
        let r2 = try await t.send(HTTPRequest(method: .PUT, url: fake.baseURL + "/v2/redis/databases", headers: Self.auth(fake)))
        #expect(r2.status == 422 && r2.text.contains("method PUT not allowed"))
        let r3 = try await t.send(HTTPRequest(method: .PATCH, url: fake.baseURL + "/v2/redis/update-budget/x", headers: Self.auth(fake),
                                              text: #"{"budget":"lots"}"#, contentType: "application/json"))
        #expect(r3.status == 422 && r3.text.contains("is not of type 'integer'"))
        #expect(try await fake.violations().count == 3)
    }

    @Test func refusedTimedOutAndTLSFailuresAreTyped() async throws {
        let t = CurlTransport(settings: TransportSettings(connectTimeout: 2, totalTimeout: 5))
        let closed = try RedisTestClient.freeLoopbackPort()
        await #expect { try await t.send(HTTPRequest(method: .GET, url: "http://127.0.0.1:\(closed)/x")) } throws: {
            ($0 as? HTTPError)?.kind == .cannotConnect
        }
        let fake = try UpstashFake(slow: 1.5)
        defer { fake.stop() }
        try await fake.configure(#"{"mode": "slow_create"}"#)
        var slow = HTTPRequest(method: .POST, url: fake.baseURL + "/v2/redis/database", headers: Self.auth(fake),
                               text: #"{"database_name":"t","platform":"aws","primary_region":"us-east-1"}"#, contentType: "application/json")
        slow.timeout = 0.3
        await #expect { try await t.send(slow) } throws: { ($0 as? HTTPError)?.kind == .timedOut }
        // TLS is always verified: https to a plain-HTTP port fails the handshake instead of falling back.
        await #expect { try await t.send(HTTPRequest(method: .GET, url: "https://127.0.0.1:\(fake.port)/v2/redis/databases")) } throws: {
            ($0 as? HTTPError)?.kind == .tls || ($0 as? HTTPError)?.kind == .connectionLost
        }
        await #expect { try await t.send(HTTPRequest(method: .GET, url: "ftp://127.0.0.1/x")) } throws: { ($0 as? HTTPError)?.kind == .invalidURL }
    }

    @Test func proxyVariablesAreHonoured() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let closed = try RedisTestClient.freeLoopbackPort()
        let env = ["HTTP_PROXY": "http://127.0.0.1:\(closed)"]
        let viaProxy = CurlTransport(settings: .fromEnvironment(env))
        let req = HTTPRequest(method: .GET, url: fake.baseURL + "/v2/redis/databases", headers: Self.auth(fake))
        await #expect { try await viaProxy.send(req) } throws: { ($0 as? HTTPError)?.kind == .cannotConnect }
        let bypass = CurlTransport(settings: .fromEnvironment(env.merging(["NO_PROXY": "127.0.0.1"]) { $1 }))
        #expect(try await bypass.send(req).status == 200)
    }
}
