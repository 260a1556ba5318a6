import Foundation
import InferaPlan
import Testing
@testable import InferaVerify

/// Deployments the checks run against (built by hand, like plan's sample specs).
enum Specs {
    static func memorystore(auth: Bool = true, tls: Bool = true, configs: [String: String] = [:], persistence: Bool = false) -> DeploymentSpec {
        DeploymentSpec(projectName: "shop", environment: "production", region: "us-central1",
                       provider: .memorystore(MemorystoreSpec(projectID: "p", memorySizeGB: 1, authEnabled: auth,
                                                             transitEncryption: tls, persistenceMode: persistence ? "RDB" : "DISABLED",
                                                             snapshotPeriod: persistence ? "ONE_HOUR" : nil, redisConfigs: configs)))
    }
    static func elasticache(policy: String = "allkeys-lru", params: [String: String] = ["notify-keyspace-events": "Ex"]) -> DeploymentSpec {
        var p = params
        p["maxmemory-policy"] = policy
        return DeploymentSpec(projectName: "orders", environment: "production", region: "eu-west-1",
                              provider: .elasticache(ElastiCacheSpec(nodeType: "cache.t4g.micro", parameters: p)))
    }
    static func upstash(eviction: Bool = false) -> DeploymentSpec {
        DeploymentSpec(projectName: "store", environment: "production", region: "us-east-1",
                       provider: .upstash(UpstashSpec(eviction: eviction, plan: "payg", budget: 50)))
    }
}

/// Runs one check against an engine for `spec` (with `faults`) and returns its result.
func runCheck(_ id: String, _ spec: DeploymentSpec, faults: EngineFaults = EngineFaults()) async throws -> VerifyCheckResult {
    let engine = try VerifyEngine.start(VerifySettings(spec: spec), faults: faults)
    let check = try #require(VerifyCheck.all.first { $0.id == id })
    let result = VerifyCheck.runAll([check], on: engine)[0]
    await engine.stop()
    return result
}

func faults(_ edit: (inout EngineFaults) -> Void) -> EngineFaults {
    var f = EngineFaults()
    edit(&f)
    return f
}

/// Every check both ways: the planned configuration passes it, a deliberately wrong engine fails it
/// with the right message.
@Suite("Verify checks, both directions")
struct CheckDirectionTests {
    struct Case: Sendable, CustomStringConvertible {
        let check: String
        let spec: DeploymentSpec
        let faults: EngineFaults
        let failure: String
        var description: String { check + ": " + failure }
    }

    static let cases: [Case] = [
        Case(check: "connect", spec: Specs.memorystore(), faults: faults { $0.noTLS = true }, failure: "did not answer"),
        Case(check: "auth", spec: Specs.memorystore(), faults: faults { $0.noAuth = true }, failure: "AUTH is not enforced"),
        Case(check: "tls", spec: Specs.memorystore(), faults: faults { $0.noTLS = true }, failure: "a plaintext client was served"),
        Case(check: "tls", spec: Specs.memorystore(), faults: faults { $0.foreignCA = true }, failure: "did not verify against REDIS_CA_CERT"),
        Case(check: "roundtrip", spec: Specs.memorystore(), faults: faults { $0.disabledCommands = ["expire"] }, failure: "EXPIRE answered -ERR unknown command 'EXPIRE'"),
        Case(check: "cache-aside", spec: Specs.memorystore(), faults: faults { $0.disabledCommands = ["get"] }, failure: "GET (miss) answered -ERR unknown command"),
        Case(check: "session", spec: Specs.elasticache(), faults: faults { $0.disabledCommands = ["hset"] }, failure: "HSET answered -ERR unknown command"),
        Case(check: "lock", spec: Specs.memorystore(), faults: faults { $0.disabledCommands = ["eval"] }, failure: "release by the wrong owner answered -ERR unknown command"),
        Case(check: "rate-limit", spec: Specs.upstash(), faults: faults { $0.disabledCommands = ["zadd"] }, failure: "the MULTI pipeline answered"),
        Case(check: "pubsub", spec: Specs.memorystore(), faults: faults { $0.disabledCommands = ["publish"] }, failure: "PUBLISH reached -1 subscribers"),
        Case(check: "keyspace-events", spec: Specs.elasticache(), faults: faults { $0.dropConfigs = true }, failure: "no expired event arrived on __keyevent@0__:expired"),
        Case(check: "memory", spec: Specs.upstash(eviction: false), faults: faults { $0.evictionPolicy = "allkeys-lru" }, failure: "without an error under planned noeviction"),
        Case(check: "memory", spec: Specs.elasticache(policy: "allkeys-lru"), faults: faults { $0.evictionPolicy = "noeviction" }, failure: "keys should have been evicted"),
        Case(check: "memory", spec: Specs.memorystore(configs: ["maxmemory-policy": "noeviction"]), faults: faults { $0.evictionPolicy = "volatile-lru" }, failure: "without an error under planned noeviction"),
        Case(check: "blocked-commands", spec: Specs.memorystore(), faults: faults { $0.noRestrictions = true }, failure: "blocked commands behave unlike Memorystore"),
        Case(check: "blocked-commands", spec: Specs.upstash(), faults: faults { $0.noRestrictions = true }, failure: "blocked commands behave unlike Upstash"),
        Case(check: "limits", spec: Specs.memorystore(), faults: faults { $0.databases = 32 }, failure: "SELECT 16 succeeded"),
        Case(check: "limits", spec: Specs.upstash(), faults: faults { $0.noRestrictions = true }, failure: "key answered"),
        Case(check: "persistence", spec: Specs.memorystore(persistence: true), faults: faults { $0.noPersistence = true },
             failure: "7 of 7 keys written before the snapshot were gone after a restart (the engine ran with no snapshot schedule: save \"\"), although RDB snapshots every ONE_HOUR is planned"),
        Case(check: "persistence", spec: Specs.elasticache(), faults: faults { $0.noPersistence = true },
             failure: "were gone after a restart (the engine ran with no snapshot schedule"),
        Case(check: "persistence", spec: Specs.upstash(), faults: faults { $0.noPersistence = true },
             failure: "8 of 8 keys were gone after a crash (the engine ran with no persistence: save \"\", appendonly no), although always persisted (Upstash stores every write) is planned"),
    ]

    @Test("planned configuration passes, wrong engine fails", arguments: cases)
    func bothDirections(_ c: Case) async throws {
        let good = try await runCheck(c.check, c.spec)
        #expect(good.status == .pass, "\(c.check) on the planned configuration: \(good.reason)")
        let bad = try await runCheck(c.check, c.spec, faults: c.faults)
        #expect(bad.status == .fail, "\(c.check) on a wrong engine: \(bad.reason)")
        #expect(bad.reason.contains(c.failure), "\(c.check) failure reason: \(bad.reason)")
        #expect(bad.fix != nil && !(bad.fix ?? "").isEmpty)
    }

    @Test("AUTH and TLS skip when the deployment has neither")
    func skipsWithoutAuthAndTLS() async throws {
        let spec = Specs.memorystore(auth: false, tls: false)
        #expect(try await runCheck("auth", spec).status == .skip)
        #expect(try await runCheck("tls", spec).status == .skip)
        let c = try await runCheck("connect", spec)
        #expect(c.status == .pass && c.reason.hasPrefix("redis://127.0.0.1:"))
    }

    @Test("the Lua lock runs its compare-and-delete release on the engine's scripting")
    func lockRunsTheLuaRelease() async throws {
        let r = try await runCheck("lock", Specs.memorystore())
        #expect(r.status == .pass)
        #expect(r.reason.contains("Lua release"))
    }

    @Test("persistence: a restart on the same data directory keeps what the snapshot holds (every write for Upstash); skipped without a plan")
    func persistenceRehearsal() async throws {
        let planned = try await runCheck("persistence", Specs.memorystore(persistence: true))
        #expect(planned.status == .pass, "\(planned.reason)")
        #expect(planned.reason.hasPrefix("RDB snapshots every ONE_HOUR: 7 keys of every type and a TTL came back after a snapshot and a restart"))
        #expect(planned.reason.contains("a write after the snapshot was lost, as on the provider (up to 1 hour of writes)"))
        let none = try await runCheck("persistence", Specs.memorystore(persistence: false))
        #expect(none.status == .skip && none.reason == "no persistence planned")
        // Upstash persists every write: the last write before a crash must come back too (the engine's AOF,
        // appendfsync always; the node goes down with nothing saved on the way).
        let upstash = try await runCheck("persistence", Specs.upstash())
        #expect(upstash.status == .pass, "\(upstash.reason)")
        #expect(upstash.reason == "always persisted (Upstash stores every write): 7 keys of every type, a TTL and the last write came back after a crash (appendonly yes, appendfsync always)")
        let upstashEngine = try VerifyEngine.start(VerifySettings(spec: Specs.upstash()))
        #expect(upstashEngine.withEngine { [$0.config.extra["save"], $0.config.extra["appendonly"], $0.config.extra["appendfsync"]] } == ["", "yes", "always"])
        #expect(upstashEngine.notes.contains { $0.hasPrefix("persistence: always persisted (Upstash stores every write) → save \"\", appendonly yes, appendfsync always in a private data directory") }, "\(upstashEngine.notes)")
        await upstashEngine.stop()
        // The engine the application runs against persists as planned, in a private directory removed at the end.
        let engine = try VerifyEngine.start(VerifySettings(spec: Specs.memorystore(persistence: true)))
        let dir = try #require(engine.dataDirectory)
        #expect(engine.withEngine { $0.config.extra["save"] } == "3600 1")
        #expect((try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int) == 0o700)
        await engine.stop()
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test("the whole default set passes for each example provider")
    func defaultSetPasses() async throws {
        for spec in [Specs.memorystore(), Specs.elasticache(), Specs.upstash(eviction: true)] {
            let engine = try VerifyEngine.start(VerifySettings(spec: spec))
            let results = VerifyCheck.runAll(VerifyCheck.all, on: engine)
            await engine.stop()
            let failed = results.filter { $0.status == .fail && $0.id != "memory" }
            #expect(failed.isEmpty, "\(spec.providerName): \(failed.map { "\($0.id): \($0.reason)" })")
            // The engine's used_memory is the process's resident size (issue #15: not the dataset's own
            // accounting), so while other suites allocate and free in this same test process the
            // memory check can see no growth. Its two directions are asserted on their own above.
            if let memory = results.first(where: { $0.id == "memory" }), memory.status == .fail {
                withKnownIssue("used_memory follows process RSS, shared with parallel suites", isIntermittent: true) {
                    Issue.record("\(spec.providerName): memory: \(memory.reason)")
                }
            }
            #expect(results.count == VerifyCheck.all.count)
        }
    }
}
