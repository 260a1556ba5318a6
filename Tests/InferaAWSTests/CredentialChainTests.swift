import Foundation
import InferaAWS
import InferaHTTP
import InferaTestSupport
import Testing

/// A clock whose wall time tests set; sleeping advances it instantly.
final class TestClock: InferaClock, @unchecked Sendable {
    private let lock = NSLock()
    private var wall: Double
    init(wall: Double = Date().timeIntervalSince1970) { self.wall = wall }
    func now() -> Double { lock.withLock { wall } }
    func wallTime() -> Double { lock.withLock { wall } }
    func sleep(seconds: Double) async throws { lock.withLock { wall += seconds } }
    func advance(_ s: Double) { lock.withLock { wall += s } }
}

/// Each credential source against the local fake's STS, container and IMDS endpoints, and a signed call that
/// the fake verifies (GetCallerIdentity).
@Suite(.serialized) struct CredentialChainTests {
    let transport = CurlTransport(settings: TransportSettings(connectTimeout: 2, totalTimeout: 5))

    func files(_ map: [String: String]) -> @Sendable (String) -> String? { { map[$0] } }

    func callerIdentity(_ fake: LocalServer, _ chain: CredentialChain, clock: TestClock) async throws -> String? {
        let client = AWSClient(region: "us-east-1", credentials: chain, transport: transport, clock: clock,
                               environment: ["AWS_ENDPOINT_URL": fake.baseURL], maxAttempts: 2, baseDelay: 0.01)
        return try await client.query(.sts, "GetCallerIdentity", []).string("Account")
    }

    @Test func environmentCredentialsAreUsedFirst() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let clock = TestClock()
        let chain = CredentialChain(environment: ["AWS_ACCESS_KEY_ID": TestKeys.accessKey, "AWS_SECRET_ACCESS_KEY": TestKeys.secretKey,
                                                  "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/x"],
                                    transport: transport, clock: clock, fileReader: files([:]))
        let c = try await chain.resolve()
        #expect(c.source == .environment)
        #expect(try await callerIdentity(fake, chain, clock: clock) == "123456789012")
        #expect(!"\(c)".contains(TestKeys.secretKey))
    }

    @Test func sessionTokenIsSignedAndExpiredTokenIsReported() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let clock = TestClock()
        let chain = CredentialChain(environment: ["AWS_ACCESS_KEY_ID": TestKeys.accessKey, "AWS_SECRET_ACCESS_KEY": TestKeys.secretKey,
                                                  "AWS_SESSION_TOKEN": "expired-session-token"], transport: transport, clock: clock, fileReader: files([:]))
        await #expect(throws: AWSError.self) { _ = try await callerIdentity(fake, chain, clock: clock) }
        do { _ = try await callerIdentity(fake, chain, clock: clock) } catch let e as AWSError {
            #expect(e.code == "ExpiredToken" && e.isExpiredToken)
        }
    }

    @Test func webIdentityThroughFakeSTS() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let clock = TestClock()
        let env = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/run/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/infera-ci",
                   "AWS_ROLE_SESSION_NAME": "ci-run-42", "AWS_ENDPOINT_URL_STS": fake.baseURL]
        let chain = CredentialChain(environment: env, transport: transport, clock: clock,
                                    fileReader: files(["/run/token": TestKeys.webIdentityToken + "\n"]))
        let c = try await chain.resolve()
        #expect(c.source == .webIdentity(roleARN: "arn:aws:iam::123456789012:role/infera-ci"))
        #expect(c.accessKeyID.hasPrefix("ASIA") && c.sessionToken != nil && c.accountID == "123456789012")
        #expect(try await callerIdentity(fake, chain, clock: clock) == "123456789012")
        // Refreshed 15 minutes before expiry: a new session.
        clock.advance(3600 - 10 * 60)
        let again = try await chain.resolve()
        #expect(again.accessKeyID != c.accessKeyID)

        // A token STS rejects: the error names the source and the fix.
        let bad = CredentialChain(environment: env, transport: transport, clock: clock, fileReader: files(["/run/token": "garbage"]))
        do {
            _ = try await bad.resolve()
            Issue.record("expected a failure")
        } catch let e as CredentialSourceError {
            #expect(e.description.contains("InvalidIdentityToken") && e.source.contains("web identity"))
        }
    }

    @Test func webIdentityAgainstMotoSTS() async throws {
        guard let moto = try LocalServer.moto() else {
            Issue.record("moto_server is not installed in .venv (make setup)")
            return
        }
        defer { moto.stop() }
        let clock = TestClock()
        let env = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/run/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/infera-ci",
                   "AWS_ROLE_SESSION_NAME": "gha-123456", "AWS_ENDPOINT_URL_STS": moto.baseURL]
        let chain = CredentialChain(environment: env, transport: transport, clock: clock, fileReader: files(["/run/token": "a.b.c"]))
        let c = try await chain.resolve()
        #expect(c.source == .webIdentity(roleARN: "arn:aws:iam::123456789012:role/infera-ci"))
        let client = AWSClient(region: "us-east-1", credentials: chain, transport: transport, clock: clock,
                               environment: ["AWS_ENDPOINT_URL": moto.baseURL], maxAttempts: 1)
        let who = try await client.query(.sts, "GetCallerIdentity", [])
        #expect(who.string("Arn") == "arn:aws:sts::123456789012:assumed-role/infera-ci/gha-123456")
    }

    @Test func profileWithRoleARNAndSourceProfile() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let clock = TestClock()
        let credentials = """
        [base]
        aws_access_key_id = \(TestKeys.accessKey)
        aws_secret_access_key = \(TestKeys.secretKey)
        """
        let config = """
        [profile deploy]
        role_arn = arn:aws:iam::123456789012:role/deployer
        source_profile = base
        region = eu-west-1
        """
        let env = ["AWS_PROFILE": "deploy", "AWS_SHARED_CREDENTIALS_FILE": "/c", "AWS_CONFIG_FILE": "/f", "AWS_ENDPOINT_URL_STS": fake.baseURL]
        let chain = CredentialChain(environment: env, transport: transport, clock: clock, fileReader: files(["/c": credentials, "/f": config]))
        let c = try await chain.resolve()
        #expect(c.source == .assumeRole(profile: "deploy", roleARN: "arn:aws:iam::123456789012:role/deployer"))
        #expect(c.accessKeyID.hasPrefix("ASIA"))
        #expect(RegionResolver.resolve(configured: nil, environment: env, fileReader: { ["/f": config][$0] }) == "eu-west-1")

        // The plain profile reads the shared credentials file.
        let plain = CredentialChain(environment: ["AWS_PROFILE": "base", "AWS_SHARED_CREDENTIALS_FILE": "/c", "AWS_CONFIG_FILE": "/f"],
                                    transport: transport, clock: clock, fileReader: files(["/c": credentials, "/f": config]))
        #expect(try await plain.resolve().source == .sharedCredentialsFile(profile: "base", path: "/c"))
        #expect(try await callerIdentity(fake, plain, clock: clock) == "123456789012")

        // A profile that does not exist is named.
        let missing = CredentialChain(environment: ["AWS_PROFILE": "nope", "AWS_SHARED_CREDENTIALS_FILE": "/c", "AWS_CONFIG_FILE": "/f",
                                                    "AWS_EC2_METADATA_DISABLED": "true"],
                                      transport: transport, clock: clock, fileReader: files(["/c": credentials, "/f": config]))
        do { _ = try await missing.resolve(); Issue.record("expected failure") } catch let e as CredentialSourceError {
            #expect(e.message.contains("'nope'"))
        }
    }

    @Test func containerAndInstanceMetadata() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let clock = TestClock()
        let container = CredentialChain(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": fake.baseURL + "/container-credentials",
                                                      "AWS_CONTAINER_AUTHORIZATION_TOKEN": "fake-container-auth"],
                                        transport: transport, clock: clock, fileReader: files([:]))
        let c = try await container.resolve()
        #expect(c.source == .container(url: fake.baseURL + "/container-credentials") && c.sessionToken != nil)
        #expect(try await callerIdentity(fake, container, clock: clock) == "123456789012")

        let imds = CredentialChain(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": fake.baseURL], transport: transport, clock: clock,
                                   fileReader: files([:]))
        let i = try await imds.resolve()
        #expect(i.source == .instanceMetadata(role: "infera-instance-role"))
        #expect(try await callerIdentity(fake, imds, clock: clock) == "123456789012")

        // FULL_URI over plain http to a non-loopback host is refused, like botocore.
        let bad = CredentialChain(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"], transport: transport,
                                  clock: clock, fileReader: files([:]))
        await #expect(throws: CredentialSourceError.self) { _ = try await bad.resolve() }
    }

    @Test func nothingConfiguredNamesEverySourceTried() async throws {
        let chain = CredentialChain(environment: ["AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent"], transport: transport,
                                    clock: TestClock(), fileReader: files([:]))
        do {
            _ = try await chain.resolve()
            Issue.record("expected failure")
        } catch let e as NoCredentialsError {
            let text = e.description
            for word in ["environment", "assume-role", "web identity", "shared credentials file", "config file", "container", "EC2 instance metadata"] {
                #expect(text.contains(word), "\(word) in \(text)")
            }
        }
    }

    @Test func endpointsFollowOverridesAndRules() throws {
        #expect(try EndpointResolver.resolve(.elasticache, region: "eu-west-1", environment: [:]).url == "https://elasticache.eu-west-1.amazonaws.com")
        #expect(try EndpointResolver.resolve(.secretsManager, region: "cn-north-1", environment: [:]).url == "https://secretsmanager.cn-north-1.amazonaws.com.cn")
        #expect(try EndpointResolver.resolve(.elasticache, region: "us-east-1", environment: ["AWS_USE_FIPS_ENDPOINT": "true"]).url == "https://elasticache-fips.us-east-1.amazonaws.com")
        #expect(try EndpointResolver.resolve(.elasticache, region: "us-gov-west-1", environment: ["AWS_USE_FIPS_ENDPOINT": "true"]).url == "https://elasticache.us-gov-west-1.amazonaws.com")
        #expect(try EndpointResolver.resolve(.elasticache, region: "us-east-1", environment: ["AWS_USE_DUALSTACK_ENDPOINT": "true"]).url == "https://elasticache.us-east-1.api.aws")
        let env = ["AWS_ENDPOINT_URL": "http://127.0.0.1:1/", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:2"]
        #expect(try EndpointResolver.resolve(.secretsManager, region: "us-east-1", environment: env).url == "http://127.0.0.1:2")
        #expect(try EndpointResolver.resolve(.ec2, region: "us-east-1", environment: env).url == "http://127.0.0.1:1")
        #expect(throws: AWSEndpointError.self) { try EndpointResolver.resolve(.sts, region: "us-east-1", environment: env.merging(["AWS_USE_FIPS_ENDPOINT": "true"]) { $1 }) }
        #expect(EndpointResolver.hostHeader(of: "http://127.0.0.1:8080/") == "127.0.0.1:8080")
        #expect(EndpointResolver.hostHeader(of: "https://elasticache.us-east-1.amazonaws.com:443/") == "elasticache.us-east-1.amazonaws.com")
    }

    @Test func xmlReaderHandlesResponsesAndErrors() throws {
        let root = try XMLReader.parse(#"<?xml version="1.0"?><ErrorResponse xmlns="x"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate &amp; exceeded &#x41;</Message></Error><RequestId>r1</RequestId></ErrorResponse>"#)
        let e = AWSError.fromXML(Array(#"<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>"#.utf8), service: .elasticache, action: "X", status: 400)
        #expect(root.find("Message")?.text == "Rate & exceeded A")
        #expect(e.code == "Throttling" && e.isRetryable && e.requestID == "r1")
        #expect(throws: XMLParseError.self) { try XMLReader.parse("<a><b></a>") }
        let j = AWSError.fromJSON(Array(#"{"__type":"com.amazonaws#ResourceNotFoundException:x","message":"gone"}"#.utf8), headers: HTTPHeaders(), service: .secretsManager, action: "D", status: 404)
        #expect(j.code == "ResourceNotFoundException" && j.message == "gone")
    }
}
