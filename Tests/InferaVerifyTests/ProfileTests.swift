import Foundation
import InferaPlan
import Testing
@testable import InferaVerify

enum VerifyPaths {
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let python = repoRoot + "/.venv/bin/python"
    static let apps = repoRoot + "/Examples/apps"
    static let reference = repoRoot + "/Tests/Fixtures/reference/provider-commands.json"
}

@Suite("Provider profiles and engine settings")
struct ProfileTests {
    @Test("every profile's blocked and unlisted commands match provider-commands.json", arguments: ["memorystore", "elasticache", "upstash"])
    func matchesReference(_ id: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: VerifyPaths.reference))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entry = try #require(root[id] as? [String: Any])
        let blocked = Set(try #require(entry["blocked"] as? [String]))
        let unlisted = Set((entry["unlisted"] as? [String]) ?? [])
        let profile = try #require(ProviderProfile.named(id))
        #expect(Set(profile.rules.filter { $0.kind == .blocked }.map(\.command)) == blocked)
        #expect(Set(profile.rules.filter { $0.kind == .unlisted }.map(\.command)) == unlisted)
        #expect(profile.rules.allSatisfy { !$0.source.isEmpty })
        #expect(profile.limits.allSatisfy { !$0.source.isEmpty })
        let policies = try #require(entry["default_eviction_policy"] as? String)
        if id != "upstash" { #expect(policies == "volatile-lru") }
    }

    @Test("blocked commands answer with the provider's own error text")
    func errorTexts() {
        #expect(ProviderProfile.memorystore.errorText(for: "CONFIG SET") == "NOPERM this user has no permissions to run the 'config' command")
        #expect(ProviderProfile.memorystore.disabledCommands["config"] == .some("NOPERM this user has no permissions to run the 'config' command"))
        #expect(ProviderProfile.upstash.disabledCommands["client|kill"] == .some(nil))
        #expect(ProviderProfile.upstash.rule(for: "CONFIG SET")?.kind == .restricted)
        #expect(ProviderProfile.memorystore.rejects("CONFIG SET"))
        #expect(!ProviderProfile.elasticache.rejects("OBJECT ENCODING"))
        #expect(ProviderProfile.memorystore.rejects("OBJECT ENCODING"))
    }

    @Test("maxmemory is the planned size minus the provider's reserve, times --scale")
    func memory() {
        let ms = VerifySettings(spec: Specs.memorystore())
        #expect(ms.maxMemoryBytes == 1 << 30)
        var ha = MemorystoreSpec(projectID: "p", tier: "STANDARD_HA", memorySizeGB: 5)
        ha.redisConfigs = ["maxmemory-policy": "allkeys-lfu", "notify-keyspace-events": "Ex"]
        let s = VerifySettings(spec: DeploymentSpec(projectName: "x", environment: "production", region: "us-central1", provider: .memorystore(ha)), scale: 0.001)
        #expect(s.maxMemoryBytes == Int((Double(5 << 30) * 0.9 * 0.001).rounded()))
        #expect(s.evictionPolicy == "allkeys-lfu")
        #expect(s.configs == ["notify-keyspace-events": "Ex"])
        let ec = VerifySettings(spec: Specs.elasticache())
        #expect(ec.maxMemoryBytes == Int((0.5 * Double(1 << 30) * 0.75).rounded()))
        let up = VerifySettings(spec: Specs.upstash(eviction: true))
        #expect(up.evictionPolicy == "allkeys-random" && up.providerEvictionName == "optimistic-volatile")
        #expect(up.username == "default" && up.tls && up.auth && up.databases == 1)
        #expect(up.pricePer100KCommands == Pricing.upstashPer100KCommands)
    }

    @Test("the engine gets AUTH, TLS files with private modes, and the configured parameters")
    func engineConfiguration() async throws {
        let engine = try VerifyEngine.start(VerifySettings(spec: Specs.elasticache()))
        let tls = try #require(engine.tls)
        let keyMode = try FileManager.default.attributesOfItem(atPath: tls.serverKeyPath)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let dirMode = try FileManager.default.attributesOfItem(atPath: tls.directory)[.posixPermissions] as? Int
        #expect(dirMode == 0o700)
        #expect(engine.url.hasPrefix("rediss://:") && engine.url.contains(engine.password ?? "?"))
        #expect(!engine.redactedURL.contains(engine.password ?? "?"))
        #expect(engine.notes.contains("notify-keyspace-events Ex: applied"))
        let policy = engine.withEngine { $0.config.maxMemoryPolicy }
        #expect(policy == "allkeys-lru")
        await engine.stop()
        #expect(!FileManager.default.fileExists(atPath: tls.directory))
    }

    @Test("--checks picks by id; an unknown id is an error naming the known ones")
    func selection() throws {
        #expect(try VerifyRun.selectChecks(["connect,auth", "tls"]).map(\.id) == ["connect", "auth", "tls"])
        #expect(try VerifyRun.selectChecks(["none"]).isEmpty)
        #expect(throws: VerifyError.self) { try VerifyRun.selectChecks(["conect"]) }
        do { _ = try VerifyRun.selectChecks(["conect"]) } catch { #expect("\(error)".contains("--list-checks")) }
    }
}
