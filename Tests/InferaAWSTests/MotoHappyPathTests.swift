import Foundation
import InferaAWS
import InferaHTTP
import Testing

/// The calls moto_server 5.2.1 implements faithfully (providers.md §2.8, aws-secretsmanager.md §6), through
/// infera's own signer, serializer and XML/JSON parsing.
@Suite(.serialized) struct MotoHappyPathTests {
    @Test func elasticacheAndSecretsManagerHappyPath() async throws {
        guard let moto = try LocalServer.moto() else {
            Issue.record("moto_server is not installed in .venv (make setup)")
            return
        }
        defer { moto.stop() }
        let transport = CurlTransport(settings: TransportSettings(connectTimeout: 2, totalTimeout: 10))
        let clock = TestClock()
        let chain = CredentialChain(fixed: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "moto-does-not-check"),
                                    transport: transport, clock: clock)
        let client = AWSClient(region: "eu-west-1", credentials: chain, transport: transport, clock: clock,
                               environment: ["AWS_ENDPOINT_URL": moto.baseURL], maxAttempts: 1)

        _ = try await client.query(.elasticache, "CreateCacheSubnetGroup", [
            ("CacheSubnetGroupName", .string("shop-redis")), ("CacheSubnetGroupDescription", .string("subnets")),
            ("SubnetIds", .list(member: ElastiCacheListMembers.subnetIds, [.string("subnet-0123456789abcdef0")])),
        ])
        do {
            _ = try await client.query(.elasticache, "CreateCacheSubnetGroup", [
                ("CacheSubnetGroupName", .string("shop-redis")), ("CacheSubnetGroupDescription", .string("subnets")),
                ("SubnetIds", .list(member: ElastiCacheListMembers.subnetIds, [.string("subnet-0123456789abcdef0")])),
            ])
            Issue.record("expected CacheSubnetGroupAlreadyExists")
        } catch let e as AWSError {
            #expect(e.code == "CacheSubnetGroupAlreadyExists" && e.httpStatus == 400)
        }
        let created = try await client.query(.elasticache, "CreateReplicationGroup", [
            ("ReplicationGroupId", .string("shop-redis")), ("ReplicationGroupDescription", .string("managed by infera")),
            ("NumCacheClusters", .int(2)), ("CacheNodeType", .string("cache.t4g.small")), ("Engine", .string("redis")),
            ("EngineVersion", .string("7.1")), ("TransitEncryptionEnabled", .bool(true)),
            ("AuthToken", .string("Sup3rSecretToken0123456789")), ("CacheSubnetGroupName", .string("shop-redis")),
            ("Tags", .list(member: ElastiCacheListMembers.tags, [.structure([("Key", .string("managed-by")), ("Value", .string("infera"))])])),
        ])
        let arn = try #require(created["ReplicationGroup"]?.string("ARN"))
        #expect(arn == "arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:shop-redis")
        let described = try await client.query(.elasticache, "DescribeReplicationGroups", [("ReplicationGroupId", .string("shop-redis"))])
        #expect(described["ReplicationGroups"]?.children.first?.string("CacheNodeType") == "cache.t4g.small")
        // Tags written with the model's member name (Tags.Tag.N) arrive; moto drops Tags.member.N.
        let tags = try await client.query(.elasticache, "ListTagsForResource", [("ResourceName", .string(arn))])
        #expect(tags["TagList"]?.children.first?.string("Key") == "managed-by")
        // What apply's tag reconciliation sends: AddTagsToResource (Tags.Tag.N) and RemoveTagsFromResource (TagKeys.member.N).
        _ = try await client.query(.elasticache, "AddTagsToResource", [
            ("ResourceName", .string(arn)),
            ("Tags", .list(member: ElastiCacheListMembers.tags, [.structure([("Key", .string("team")), ("Value", .string("orders"))])])),
        ])
        _ = try await client.query(.elasticache, "RemoveTagsFromResource", [
            ("ResourceName", .string(arn)), ("TagKeys", .list(member: nil, [.string("managed-by")])),
        ])
        let after = try await client.query(.elasticache, "ListTagsForResource", [("ResourceName", .string(arn))])
        #expect(after["TagList"]?.children.map { "\($0.string("Key") ?? "")=\($0.string("Value") ?? "")" } == ["team=orders"])
        do {
            _ = try await client.query(.elasticache, "DescribeReplicationGroups", [("ReplicationGroupId", .string("nope"))])
            Issue.record("expected ReplicationGroupNotFoundFault")
        } catch let e as AWSError {
            #expect(e.code == "ReplicationGroupNotFoundFault" && e.httpStatus == 404)
        }

        // Secrets Manager: create with a token, idempotent retry, describe, get, put, scheduled delete.
        let token = "0f5c1c52-8c1c-4e4b-9d7e-6a1d2f3b4c5d"
        let body: [String: Any] = ["Name": "shop/redis-auth", "SecretString": "Abcdefghijklmnop1234", "ClientRequestToken": token]
        let c1 = try await client.json(.secretsManager, "CreateSecret", body)
        let c2 = try await client.json(.secretsManager, "CreateSecret", body)
        #expect(c1["ARN"] as? String == c2["ARN"] as? String)
        let got = try await client.json(.secretsManager, "GetSecretValue", ["SecretId": "shop/redis-auth"])
        #expect(got["SecretString"] as? String == "Abcdefghijklmnop1234" && got["VersionId"] as? String == token)
        _ = try await client.json(.secretsManager, "DeleteSecret", ["SecretId": "shop/redis-auth", "RecoveryWindowInDays": 7])
        let d = try await client.json(.secretsManager, "DescribeSecret", ["SecretId": "shop/redis-auth"])
        #expect(d["DeletedDate"] != nil && !(d["DeletedDate"] is NSNull))
        _ = try await client.json(.secretsManager, "RestoreSecret", ["SecretId": "shop/redis-auth"])
        do {
            _ = try await client.json(.secretsManager, "GetSecretValue", ["SecretId": "missing"])
            Issue.record("expected ResourceNotFoundException")
        } catch let e as AWSError {
            #expect(e.code == "ResourceNotFoundException")
        }
    }
}
