import Foundation
import InferaApply
import InferaAWS
import InferaElastiCache
import InferaTestSupport
import Testing

/// The real `infera` binary against the local AWS fake (SigV4 verified, requests checked against the botocore model).
@Suite(.serialized) struct ElastiCacheEndToEndTests {
    func groups(_ fake: LocalServer) async throws -> [[String: Any]] { (try await fake.state()["replication_groups"] as? [[String: Any]]) ?? [] }
    func secrets(_ fake: LocalServer) async throws -> [[String: Any]] { (try await fake.state()["secrets"] as? [[String: Any]]) ?? [] }
    func creates(_ fake: LocalServer) async throws -> [String: Int] { (try await fake.stats()["creates"] as? [String: Int]) ?? [:] }
    func authHash(_ fake: LocalServer) async throws -> String? {
        try await secrets(fake).first { $0["name"] as? String == "shop/redis-auth" }?["value_sha256"] as? String
    }

    @Test func fullCycleWithInPlaceChangeReplacementAndDestroy() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let project = try AWSProject()
        defer { project.remove() }
        let infera = AWSInfera(project, fake)

        var r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.stdout.contains("aws_elasticache_replication_group.redis: Creating..."))
        #expect(r.stdout.contains("Apply complete! Resources: 7 added, 0 changed, 0 destroyed."))
        let g = try await groups(fake)
        #expect(g.count == 1 && g.first?["status"] as? String == "available" && g.first?["node_type"] as? String == "cache.t4g.small")
        let firstHash = try await authHash(fake)
        #expect(g.first?["num"] as? Int == 2 && g.first?["failover"] as? Bool == true && g.first?["auth_token_sha256"] as? String == firstHash)
        let pgs = try await fake.state()["parameter_groups"] as? [[String: Any]]
        #expect((pgs?.first?["params"] as? [String: String])?["maxmemory-policy"] == "allkeys-lru")
        #expect(try await fake.violations().isEmpty)
        let token = try #require(try await authHash(fake))

        r = try infera.run("output", "redis_url", "--show-secrets")
        #expect(r.stdout.hasPrefix("rediss://:") && r.stdout.contains("@master.shop-redis.fake1.use1.cache.amazonaws.com:6379"))
        let url = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        r = try infera.run("output")
        #expect(r.stdout.contains("redis_url") && !r.stdout.contains(url))

        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("Resources: 0 added, 0 changed, 0 destroyed."), "\(r.combined)")

        // Node type, in place. Default (as Terraform): ApplyImmediately=false, shown in the plan; the change waits for
        // the maintenance window (the member clusters' PendingModifiedValues) and the next plan sees it as done.
        try project.write(nodeType: "cache.r6g.large")
        r = try infera.run("plan", "--format", "json")
        #expect(r.stdout.contains("\"apply_immediately\" : false"), "the JSON plan carries it in the replication group's after: \(r.stdout.prefix(300))")
        r = try infera.run("apply", "--auto-approve") // prints the plan, then applies it
        #expect(r.stdout.contains("~ node_type") && r.stdout.contains("\"cache.t4g.small\" -> \"cache.r6g.large\""), "\(r.stdout)")
        #expect(r.stdout.contains("apply_immediately = false # ModifyReplicationGroup ApplyImmediately=false"), "\(r.stdout)")
        #expect(r.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "\(r.stdout)")
        #expect(r.status == 0 && r.stdout.contains("aws_elasticache_replication_group.redis: Modifying..."), "\(r.combined)")
        #expect(try await groups(fake).first?["node_type"] as? String == "cache.t4g.small")
        #expect((try await groups(fake).first?["pending"] as? [String: String])?["CacheNodeType"] == "cache.r6g.large")
        r = try infera.run("status")
        #expect(r.stdout.contains("pending_modified_values: CacheNodeType=cache.r6g.large") && r.stdout.split(separator: "\n").contains { $0.contains("apply_immediately:") && $0.hasSuffix(" false") }, "\(r.stdout)")
        r = try infera.run("plan")
        #expect(r.stdout.contains("No changes."), "a pending change counts as made: \(r.stdout)")

        // cache.apply_immediately: true starts it now (modifying -> available).
        try project.write(nodeType: "cache.r7g.large", applyImmediately: true)
        r = try infera.run("apply", "--auto-approve")
        #expect(r.stdout.contains("apply_immediately = true # ModifyReplicationGroup ApplyImmediately=true"), "\(r.stdout)")
        #expect(r.status == 0 && r.stdout.contains("aws_elasticache_replication_group.redis: Modifying..."), "\(r.combined)")
        #expect(try await groups(fake).first?["node_type"] as? String == "cache.r7g.large")
        #expect(try await creates(fake)["modify"] == 2)

        // At-rest encryption cannot change in place: -/+ with the reason, refused without --allow-replace.
        try project.write(nodeType: "cache.r7g.large", atRest: false, applyImmediately: true)
        r = try infera.run("plan")
        #expect(r.stdout.contains("-/+ resource \"aws_elasticache_replication_group\" \"redis\""))
        #expect(r.stdout.contains("at_rest_encryption_enabled = true -> false # forces replacement"))
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 1)
        r = try infera.run("apply", "--auto-approve", "--allow-replace")
        #expect(r.status == 0 && r.stdout.contains("Resources: 1 added, 0 changed, 1 destroyed."), "\(r.combined)")
        let after = try await groups(fake)
        #expect(after.count == 1 && after.first?["at_rest"] as? Bool == false)
        #expect(try await creates(fake)["replication_group"] == 2)
        #expect(try await authHash(fake) == token, "the AUTH token is re-used, never rotated")

        r = try infera.run("status")
        #expect(r.status == 0 && r.stdout.contains("state:") && r.stdout.contains("available") && r.stdout.contains("cache.r7g.large x2"))
        #expect(r.stdout.contains("pending_modified_values: none") && r.stdout.contains("snapshot_window:"))

        // Destroy with a final snapshot; secrets keep their recovery window.
        r = try infera.run("destroy", "--auto-approve", "--final-snapshot", "shop-final-1")
        #expect(r.status == 0 && r.stdout.contains("Destroy complete! Resources: 7 destroyed."), "\(r.combined)")
        let st = try await fake.state()
        #expect((st["replication_groups"] as? [Any])?.isEmpty == true && (st["subnet_groups"] as? [Any])?.isEmpty == true)
        #expect(st["snapshots"] as? [String] == ["shop-final-1"])
        #expect(try await secrets(fake).allSatisfy { $0["deleted"] as? Bool == true })
        r = try infera.run("destroy", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("0 destroyed"))

        // Applying again restores the scheduled secret: the same AUTH token.
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0, "\(r.combined)")
        #expect(try await authHash(fake) == token)
        #expect(try await fake.violations().isEmpty)
        #expect(!project.journal().contains("\"pending\""))
        r = try infera.run("destroy", "--auto-approve", "--force")
        #expect(r.status == 0)
        #expect(try await secrets(fake).isEmpty, "--force deletes the secrets without a recovery window")
    }

    @Test func thirtyPercentFaultsConvergeToOneGroupAndOneSecret() async throws {
        let fake = try LocalServer.fake(seed: 7, faultRate: 0.3, slow: 1.5)
        defer { fake.stop() }
        let project = try AWSProject()
        defer { project.remove() }
        let infera = AWSInfera(project, fake)
        var ok = false
        for _ in 0..<6 where !ok {
            let r = try infera.run("apply", "--auto-approve", timeout: 120)
            ok = r.status == 0
        }
        #expect(ok)
        try await fake.configure(#"{"fault_rate": 0}"#)
        let r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("0 added, 0 changed, 0 destroyed"), "\(r.combined)")
        #expect(try await groups(fake).count == 1)
        #expect(try await creates(fake)["replication_group"] == 1)
        let s = try await secrets(fake)
        #expect(s.filter { $0["name"] as? String == "shop/redis-auth" }.count == 1 && s.filter { $0["name"] as? String == "shop/redis-url" }.count == 1)
        let hash = try await authHash(fake)
        #expect(try await groups(fake).first?["auth_token_sha256"] as? String == hash)
        let faults = (try await fake.stats()["faults"] as? [String: Int]) ?? [:]
        #expect(faults.values.reduce(0, +) > 5, "faults were injected: \(faults)")
        #expect(try await fake.violations().isEmpty)
    }

    @Test func killNineDuringTheWaitThenRerunConverges() async throws {
        let fake = try LocalServer.fake(transitionPolls: 60)
        defer { fake.stop() }
        let project = try AWSProject()
        defer { project.remove() }
        let infera = AWSInfera(project, fake)
        let running = try InferaRunner.start(["apply", "--auto-approve"], cwd: project.dir, env: infera.env)
        let deadline = Date().addingTimeInterval(60)
        while !running.stdoutSoFar.contains("aws_elasticache_replication_group.redis: Creating...") && Date() < deadline { usleep(20_000) }
        usleep(300_000)
        running.kill9()
        #expect(try await groups(fake).first?["status"] as? String == "creating")
        let token = try #require(try await authHash(fake))
        try await fake.configure(#"{"transition_polls": 3}"#)
        let r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0, "\(r.combined)")
        let created = try await creates(fake)
        #expect(try await groups(fake).count == 1 && created["replication_group"] == 1)
        #expect(try await authHash(fake) == token)
        #expect(try await groups(fake).first?["auth_token_sha256"] as? String == token)
        #expect(!project.journal().contains("\"pending\""))
    }

    @Test func badInputGetsOneClearMessageWithTheFix() async throws {
        let fake = try LocalServer.fake()
        defer { fake.stop() }
        let project = try AWSProject()
        defer { project.remove() }
        func check(_ infera: AWSInfera, _ expect: [String], _ label: String, hint: Bool = true) throws {
            let r = try infera.run("apply", "--auto-approve")
            #expect(r.status == 1, "\(label): \(r.combined)")
            for e in expect { #expect(r.stderr.contains(e), "\(label): '\(e)' in \(r.stderr)") }
            if hint { #expect(r.stderr.lowercased().contains("hint"), "\(label)") }
            #expect(!r.combined.contains("Fatal error") && !r.combined.contains(TestKeys.secretKey), "\(label)")
            #expect(!r.stderr.contains("<redacted>"), "\(label): the message and its fix are whole: \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").filter { $0.contains("error:") }.count == 1, "\(label): one message: \(r.stderr)")
            #expect(!project.journal().contains("\"pending\"") && !project.journal().contains("\"started\""), "\(label): \(project.journal())")
        }
        try check(AWSInfera(project, fake, extra: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]),
                  ["no AWS credentials", "AWS_EC2_METADATA_DISABLED=true", "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"], "no credentials")
        try check(AWSInfera(project, fake, extra: ["AWS_SESSION_TOKEN": "expired-token-1"]), ["session token has expired", "AWS_SESSION_TOKEN"], "expired")
        try check(AWSInfera(project, fake, extra: ["AWS_ACCESS_KEY_ID": "AKIDDENIED", "AWS_SECRET_ACCESS_KEY": "denied/test/secret/key/00000000000000000"]),
                  ["access denied", "IAM"], "AccessDenied")
        try project.write(nodeType: "cache.x9.huge")
        // infera.yaml validation knows ElastiCache's node types: caught before any API call, with the line.
        try check(AWSInfera(project, fake), ["unknown value 'cache.x9.huge'", "cache.instance.node_type"], "node type", hint: false)
        #expect(try await groups(fake).isEmpty)
        try project.write(subnets: ["subnet-0deadbeef0000001"])
        try check(AWSInfera(project, fake), ["subnet", "cache.networking.subnet_ids"], "subnet")
        #expect(try await fake.violations().isEmpty)
    }

    /// What ElastiCache itself answers for a node type it does not offer (the fake's InvalidParameterValue).
    @Test func apiNodeTypeAndSubnetErrorsNameTheSetting() {
        let e = ElastiCacheProvider.map(AWSError(service: .elasticache, action: "CreateReplicationGroup", code: "InvalidParameterValue",
                                                 message: "Invalid Cache Node Type: cache.m1.huge", httpStatus: 400), resource: "r")
        #expect(e.kind == .rejected && e.hint.contains("cache.instance.node_type"))
        let s = ElastiCacheProvider.map(AWSError(service: .elasticache, action: "CreateCacheSubnetGroup", code: "InvalidSubnet",
                                                 message: "The subnet ID subnet-1 does not exist", httpStatus: 400), resource: "r")
        #expect(s.hint.contains("cache.networking.subnet_ids"))
        let t = ElastiCacheProvider.map(AWSError(service: .elasticache, action: "X", code: "Throttling", message: "Rate exceeded", httpStatus: 400), resource: "r")
        #expect(t.kind == .unavailable)
    }

    @Test func authTokensFollowElastiCacheRules() {
        for _ in 0..<50 {
            let t = ElastiCacheProvider.generateAuthToken()
            #expect(t.count == 32 && ElastiCacheProvider.isValidAuthToken(t))
        }
        #expect(Set((0..<50).map { _ in ElastiCacheProvider.generateAuthToken() }).count == 50)
        #expect(!ElastiCacheProvider.isValidAuthToken("short"))
        #expect(!ElastiCacheProvider.isValidAuthToken(String(repeating: "a", count: 20) + "@"))
        #expect(ElastiCacheProvider.isValidAuthToken(String(repeating: "a", count: 20) + "!&#$^<>-"))
    }
}
