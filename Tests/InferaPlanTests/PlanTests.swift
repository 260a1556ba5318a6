import Foundation
import InferaPlan
import InferaTerraform
import Testing

@Suite struct DiffTests {
    static let spec = SampleSpecs.memorystoreHA

    /// Observed state equal to what the plan wants (known attributes only).
    static func observedMatching(_ spec: DeploymentSpec) -> ObservedState {
        var resources: [String: ObservedResource] = [:]
        for d in DesiredState.resources(for: spec) {
            var attrs: [String: AttributeValue] = [:]
            for a in d.attributes where a.value.isKnown { attrs[a.name] = a.value }
            resources[d.address] = ObservedResource(type: d.type, name: d.name, attributes: attrs)
        }
        return ObservedState(resources: resources, source: "test")
    }

    @Test func offlinePlanCreatesEverything() {
        let plan = Planner.plan(Self.spec)
        #expect(plan.changes.allSatisfy { $0.action == .create })
        #expect(plan.summary == ChangeSummary(plan.changes))
        #expect(plan.summary.add == plan.changes.count && plan.summary.change == 0 && plan.summary.destroy == 0)
        #expect(plan.hasChanges)
    }

    @Test func matchingStateIsNoChange() {
        let plan = Planner.plan(Self.spec, observed: Self.observedMatching(Self.spec))
        #expect(plan.changes.allSatisfy { $0.action == .noop })
        #expect(!plan.hasChanges)
        #expect(PlanTextRenderer.render(plan, color: false).contains("No changes."))
        #expect(PlanTextRenderer.render(plan, color: false).contains("Plan: 0 to add, 0 to change, 0 to destroy."))
    }

    @Test func changedMemoryIsAnUpdateAndChangedTierAReplacement() throws {
        var observed = Self.observedMatching(Self.spec)
        observed.resources["google_redis_instance.main"]?.attributes["memory_size_gb"] = .int(3)
        var plan = Planner.plan(Self.spec, observed: observed)
        var c = try #require(plan.changes.first { $0.address == "google_redis_instance.main" })
        #expect(c.action == .update)
        #expect(c.changedAttributes.map(\.name) == ["memory_size_gb"])
        #expect(plan.summary == ChangeSummary(plan.changes))
        #expect(PlanTextRenderer.render(plan, color: false).contains("~ memory_size_gb = 3 -> 5"))

        observed.resources["google_redis_instance.main"]?.attributes["tier"] = .string("BASIC")
        plan = Planner.plan(Self.spec, observed: observed)
        c = try #require(plan.changes.first { $0.address == "google_redis_instance.main" })
        #expect(c.action == .replace)
        #expect(plan.summary.add == 1 && plan.summary.destroy == 1 && plan.summary.change == 0)
        let text = PlanTextRenderer.render(plan, color: false)
        #expect(text.contains("-/+ resource \"google_redis_instance\" \"main\""))
        #expect(text.contains("# forces replacement"))
    }

    @Test func observedResourceNotWantedIsDestroyed() {
        var observed = Self.observedMatching(Self.spec)
        observed.resources["google_redis_instance.old"] = ObservedResource(type: "google_redis_instance", name: "old",
                                                                           attributes: ["tier": .string("BASIC")])
        let plan = Planner.plan(Self.spec, observed: observed)
        #expect(plan.changes.last?.action == .delete)
        #expect(plan.summary.destroy == 1)
        #expect(PlanTextRenderer.render(plan, color: false).contains("  - resource \"google_redis_instance\" \"old\""))
    }

    @Test func planJSONRoundTripsAndMasksSecrets() throws {
        for (_, spec) in SampleSpecs.all {
            let plan = Planner.plan(spec)
            let json = try PlanJSON.encode(plan)
            #expect(json.contains("\"format_version\" : \"1.0\""))
            let decoded = try PlanJSON.decode(json)
            #expect(decoded == plan)
            if decoded != plan {
                #expect(decoded.spec == plan.spec)
                #expect(decoded.changes == plan.changes)
                #expect(decoded.cost == plan.cost)
                #expect(decoded.checks == plan.checks)
            }
            // Secret attributes appear only as the mask.
            for name in ["auth_string", "auth_token", "password", "secret_data", "secret_string", "result", "rest_token"] {
                if let range = json.range(of: "\"\(name)\" : ") {
                    #expect(json[range.upperBound...].hasPrefix("{\n"), "\(name) is not masked")
                }
            }
            #expect(json.contains("\"$sensitive\" : true"))
        }
    }
}

@Suite struct CostTests {
    // Figures from shared/reference/pricing.md §4 (730 h/month).
    @Test(arguments: [
        (1, "BASIC", "us-central1", 35.77),
        (5, "STANDARD_HA", "us-central1", 197.10),
        (16, "STANDARD_HA", "us-central1", 537.28),
        (50, "STANDARD_HA", "us-central1", 1277.50),
        (50, "BASIC", "us-central1", 693.50),
    ])
    func memorystore(gb: Int, tier: String, region: String, expected: Double) {
        let spec = DeploymentSpec(projectName: "p", environment: "production", region: region,
                                  provider: .memorystore(MemorystoreSpec(projectID: "x", tier: tier, memorySizeGB: gb,
                                                                         replicaCount: tier == "BASIC" ? 0 : 1)))
        #expect(CostEstimator.estimate(spec).totalMonthlyUSD == expected)
    }

    @Test(arguments: [
        ("cache.t3.micro", 0, 12.41), ("cache.t3.small", 1, 49.64), ("cache.r6g.large", 2, 451.14), ("cache.r6g.xlarge", 2, 900.09),
    ])
    func elasticache(node: String, replicas: Int, expected: Double) {
        let spec = DeploymentSpec(projectName: "p", environment: "production", region: "us-east-1",
                                  provider: .elasticache(ElastiCacheSpec(nodeType: node, replicas: replicas)))
        #expect(CostEstimator.estimate(spec).totalMonthlyUSD == expected)
    }

    @Test func unknownNodeTypeIsUnpricedNotGuessed() {
        let spec = DeploymentSpec(projectName: "p", environment: "dev", region: "us-east-1",
                                  provider: .elasticache(ElastiCacheSpec(nodeType: "cache.x9.huge")))
        let c = CostEstimator.estimate(spec)
        #expect(c.lines.first?.monthlyUSD == nil)
        #expect(c.caveats.contains { $0.contains("cache.x9.huge") })
    }

    @Test func regionWithoutPricesFallsBackAndSaysSo() {
        let spec = DeploymentSpec(projectName: "p", environment: "dev", region: "southamerica-east1",
                                  provider: .memorystore(MemorystoreSpec(projectID: "x")))
        let c = CostEstimator.estimate(spec)
        #expect(c.totalMonthlyUSD == 35.77)
        #expect(c.caveats.contains { $0.contains("southamerica-east1") })
    }

    @Test func upstash() {
        let fixed = DeploymentSpec(projectName: "p", environment: "production", region: "us-east-1",
                                   provider: .upstash(UpstashSpec(readRegions: ["us-west-2", "eu-west-1"], plan: "fixed_1gb", prodPack: true)))
        #expect(CostEstimator.estimate(fixed).totalMonthlyUSD == 20 + 2 * 10 + 200)
        let payg = DeploymentSpec(projectName: "p", environment: "dev", region: "us-east-1",
                                  provider: .upstash(UpstashSpec(plan: "payg", expectedMonthlyCommands: 3_000_000, expectedStorageGB: 3)))
        #expect(CostEstimator.estimate(payg).totalMonthlyUSD == 6.00 + 0.50)
    }

    @Test func priceDateIsPrinted() {
        let text = PlanTextRenderer.render(Planner.plan(SampleSpecs.memorystoreHA), color: false)
        #expect(text.contains("list prices as of 2026-04-27"))
        #expect(text.contains("730 hours per month"))
    }
}

@Suite struct CheckTests {
    static func failed(_ spec: DeploymentSpec, findings: [ExternalFinding] = []) -> Set<String> {
        Set(Checks.run(CheckContext(spec: spec, resources: DesiredState.resources(for: spec), findings: findings))
            .filter { $0.status == .failed }.map(\.id))
    }

    static func memorystore(env: String = "production", usage: [Usage] = [.cache], _ m: MemorystoreSpec) -> DeploymentSpec {
        DeploymentSpec(projectName: "p", environment: env, region: "us-central1", usage: usage, provider: .memorystore(m))
    }

    @Test func ruleIDsAreUniqueAndHaveHints() {
        let ids = Checks.rules.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(Checks.rules.allSatisfy { !$0.hint.isEmpty && !$0.title.isEmpty })
    }

    @Test func authTLSAndHA() {
        let bad = Self.memorystore(MemorystoreSpec(projectID: "x", authEnabled: false, transitEncryption: false))
        let f = Self.failed(bad)
        #expect(f.isSuperset(of: ["INF001", "INF002", "INF003"]))
        let good = Self.memorystore(MemorystoreSpec(projectID: "x", tier: "STANDARD_HA", memorySizeGB: 5, replicaCount: 1,
                                                    persistenceMode: "RDB", maintenance: MaintenanceWindow(day: "SUNDAY", hour: 3),
                                                    kmsKey: "k"))
        #expect(Self.failed(good).isEmpty, "\(Self.failed(good))")
        // HA is only required in production.
        #expect(!Self.failed(Self.memorystore(env: "development", MemorystoreSpec(projectID: "x"))).contains("INF003"))
    }

    @Test func persistenceAndEvictionFollowTheUse() {
        let queueNoPersistence = Self.memorystore(env: "development", usage: [.queue], MemorystoreSpec(projectID: "x",
            redisConfigs: ["maxmemory-policy": "allkeys-lru"]))
        let f = Self.failed(queueNoPersistence)
        #expect(f.contains("INF004"))
        #expect(f.contains("INF005"))
        let cacheNoEviction = Self.memorystore(env: "development", usage: [.cache], MemorystoreSpec(projectID: "x",
            redisConfigs: ["maxmemory-policy": "noeviction"]))
        #expect(Self.failed(cacheNoEviction).contains("INF005"))
        #expect(!Self.failed(cacheNoEviction).contains("INF004"))
    }

    @Test func detectFindingsFeedUsageAndAppearAsResults() {
        let spec = Self.memorystore(env: "development", MemorystoreSpec(projectID: "x"))
        #expect(!Self.failed(spec).contains("INF004"))
        let finding = ExternalFinding(ruleID: "detect.bullmq", severity: .note, message: "BullMQ queue found",
                                      location: "src/jobs.ts:3", impliedUsage: .queue)
        let f = Self.failed(spec, findings: [finding])
        #expect(f.contains("INF004"))
        #expect(f.contains("detect.bullmq"))
    }

    @Test func elasticacheRules() {
        let spec = DeploymentSpec(projectName: "p", environment: "production", region: "us-east-1",
                                  provider: .elasticache(ElastiCacheSpec(nodeType: "cache.t3.micro", authToken: false,
                                                                         atRestEncryption: false, snapshotRetentionDays: 0)))
        let f = Self.failed(spec)
        #expect(f.isSuperset(of: ["INF001", "INF003", "INF007", "INF008", "INF010", "INF006"]))
    }
}

@Suite struct UsageInferenceTests {
    @Test func envNamesSuggestUsage() {
        #expect(DeploymentSpec.inferredUsage(envNames: ["REDIS_URL"]) == [.cache])
        #expect(DeploymentSpec.inferredUsage(envNames: ["REDIS_URL", "SESSION_SECRET", "CELERY_BROKER_URL"]) == [.cache, .queue, .session])
    }
}
