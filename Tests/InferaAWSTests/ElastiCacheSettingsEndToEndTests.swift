import Foundation
import InferaTestSupport
import Testing

/// infera.yaml settings through the real binary against the AWS fake: parameter groups, tags, `apply_immediately`'s
/// neighbours and `aws.profile`. A suite of its own so it runs alongside the serialized full-cycle suite.
@Suite struct ElastiCacheSettingsEndToEndTests {
    func groups(_ fake: LocalServer) async throws -> [[String: Any]] { (try await fake.state()["replication_groups"] as? [[String: Any]]) ?? [] }

    /// No parameters: the family's default group and none of our own; parameters added later create ours and move the
    /// replication group onto it; removed again, the group moves back to the default first, then ours is deleted.
    /// Tags are read back (ListTagsForResource, DescribeSecret, tagSet) and reconciled both ways.
    @Test func parameterGroupTransitionsAndTagsAreReconciled() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let project = try AWSProject()
        defer { project.remove() }
        let infera = AWSInfera(project, fake)
        func rg() async throws -> [String: Any] { try await groups(fake).first ?? [:] }
        func pgs() async throws -> [[String: Any]] { (try await fake.state()["parameter_groups"] as? [[String: Any]]) ?? [] }

        try project.write(eviction: nil, tags: ["team": "orders"])
        var r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("Resources: 6 added"), "\(r.combined)")
        #expect(!r.stdout.contains("aws_elasticache_parameter_group"), "no parameters, no parameter group: \(r.stdout)")
        #expect(try await pgs().isEmpty)
        #expect(try await rg()["param_group"] as? String == "default.redis7")
        #expect((try await rg()["tags"] as? [String: String])?["team"] == "orders")

        // Parameters added: + parameter group, ~ parameter_group_name on the replication group.
        try project.write(eviction: "allkeys-lru", tags: ["team": "orders"])
        r = try infera.run("apply", "--auto-approve") // prints the plan, then applies it
        #expect(r.stdout.contains("aws_elasticache_parameter_group.redis will be created"), "\(r.stdout)")
        #expect(r.stdout.contains("parameter_group_name") && r.stdout.contains("\"default.redis7\" -> \"shop-redis7\""), "\(r.stdout)")
        #expect(r.stdout.contains("Plan: 1 to add, 1 to change, 0 to destroy."), "\(r.stdout)")
        #expect(r.status == 0, "\(r.combined)")
        #expect(try await rg()["param_group"] as? String == "shop-redis7")
        #expect((try await pgs().first?["params"] as? [String: String])?["maxmemory-policy"] == "allkeys-lru")

        // Parameters removed: back to default.redis7 (update first), then ours is deleted.
        try project.write(eviction: nil, tags: ["team": "orders"])
        r = try infera.run("apply", "--auto-approve")
        #expect(r.stdout.contains("\"shop-redis7\" -> \"default.redis7\"") && r.stdout.contains("Plan: 0 to add, 1 to change, 1 to destroy."), "\(r.stdout)")
        #expect(r.status == 0, "\(r.combined)")
        #expect(try await rg()["param_group"] as? String == "default.redis7")
        #expect(try await pgs().isEmpty)

        // Tags: a value changed, one added, one removed; every resource that carries tags follows.
        try project.write(eviction: nil, tags: ["team": "payments", "cost-center": "42"])
        r = try infera.run("apply", "--auto-approve")
        #expect(r.stdout.contains("~ tags_all"), "\(r.stdout)")
        #expect(r.stdout.contains("Plan: 0 to add, 4 to change, 0 to destroy."), "subnet group, security group, replication group, URL secret: \(r.stdout)")
        #expect(r.status == 0, "\(r.combined)")
        let want = ["cost-center": "42", "team": "payments", "environment": "staging", "managed-by": "infera", "project": "shop"]
        let st = try await fake.state()
        #expect(try await rg()["tags"] as? [String: String] == want)
        #expect((st["subnet_group_tags"] as? [String: [String: String]])?["shop-redis"] == want)
        #expect((st["security_groups"] as? [[String: Any]])?.first?["tags"] as? [String: String] == want)
        #expect((st["secrets"] as? [[String: Any]])?.first { $0["name"] as? String == "shop/redis-url" }?["tags"] as? [String: String] == want)
        try project.write(eviction: nil)
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("0 added, 4 changed, 0 destroyed"), "\(r.combined)")
        #expect(try await rg()["tags"] as? [String: String] == ["environment": "staging", "managed-by": "infera", "project": "shop"])
        #expect(try infera.run("plan").stdout.contains("No changes."))
        #expect(try await fake.violations().isEmpty)
    }

    /// `aws.profile` in infera.yaml selects the shared-config profile and wins over the environment's keys (as the
    /// Terraform provider's `profile` does); the plan says which source signed; a missing profile is one clear error.
    @Test func configuredProfileWinsAndTheSourceIsNamed() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let project = try AWSProject()
        defer { project.remove() }
        let conf = project.dir + "/aws-config"
        try "[profile shop-staging]\naws_access_key_id = \(TestKeys.accessKey)\naws_secret_access_key = \(TestKeys.secretKey)\n"
            .write(toFile: conf, atomically: true, encoding: .utf8)
        // The environment holds keys the fake refuses: the configured profile must win over them.
        let infera = AWSInfera(project, fake, extra: ["AWS_CONFIG_FILE": conf, "AWS_ACCESS_KEY_ID": "AKIDDENIED",
                                                      "AWS_SECRET_ACCESS_KEY": "denied/test/secret/key/00000000000000000"])
        try project.write(profile: "shop-staging")
        var r = try infera.run("plan")
        #expect(r.status == 0 && r.stdout.contains("credentials from config file \(conf) [profile shop-staging]"), "\(r.combined)")
        r = try AWSInfera(project, fake, extra: ["AWS_CONFIG_FILE": conf]).run("plan")
        #expect(r.status == 0 && r.stdout.contains("[profile shop-staging]"), "\(r.combined)")
        // Without aws.profile the environment's keys are used (and refused here): AWS_PROFILE-less botocore order.
        try project.write()
        r = try AWSInfera(project, fake, extra: ["AWS_CONFIG_FILE": conf]).run("plan")
        #expect(r.stdout.contains("credentials from environment (AWS_ACCESS_KEY_ID)"), "\(r.combined)")
        // A profile in neither file: exit 1, the message names aws.profile and the files.
        try project.write(profile: "nope")
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 1 && r.stderr.contains("the profile 'nope' (aws.profile in infera.yaml)") && r.stderr.contains("fix aws.profile in infera.yaml"), "\(r.combined)")
        #expect(!r.combined.contains(TestKeys.secretKey) && !project.journal().contains("\"pending\""))
        #expect(try await groups(fake).isEmpty)
    }
}
