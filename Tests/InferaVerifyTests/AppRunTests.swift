import Foundation
import InferaPlan
import Testing
@testable import InferaVerify

/// `infera verify -- CMD`: the example apps' own smoke tests run against the engine, with the report checked.
@Suite("Verify runs the application's command")
struct AppRunTests {
    static func options(_ command: [String], appDir: String? = nil) -> VerifyOptions {
        var o = VerifyOptions()
        o.checks = []
        o.command = command
        o.commandStdoutToStderr = true
        o.detectRoot = appDir
        o.appEnv = [AppEnvEntry(name: "REDIS_URL", literal: nil), AppEnvEntry(name: "CACHE_TTL_SECONDS", literal: "300")]
        return o
    }

    static var notifier: [String] { [VerifyPaths.python, VerifyPaths.apps + "/python-keyspace-notifier/tests/smoke.py"] }

    @Test("a command Memorystore blocks is reported for Memorystore, not for Upstash, which allows it")
    func blockedPerProvider() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: VerifyPaths.python), "run `make setup` for .venv (redis-py)")
        let dir = VerifyPaths.apps + "/python-keyspace-notifier"
        let ms = try await VerifyRun.run(spec: Specs.memorystore(), options: Self.options(Self.notifier, appDir: dir))
        let app = try #require(ms.app)
        #expect(app.exitStatus == 0)
        let config = try #require(app.incompatible.first { $0.command == "CONFIG SET" })
        #expect(config.count == 1 && config.kind == "blocked" && config.firstClient.hasPrefix("client id="))
        #expect(config.source.contains("supported-commands"))
        #expect(app.environment.contains("NOTIFIER_REDIS_URL"), "detect finds the name the code reads: \(app.environment)")
        #expect(app.environment.contains("REDIS_CA_CERT") && app.environment.contains("CACHE_TTL_SECONDS"))
        #expect(app.keysWithoutTTL == 1 && app.keysWithoutTTLSample == ["notifier:settings"])
        #expect(ms.exitStatus(failOnIncompatible: true) == 2)
        #expect(ms.exitStatus(failOnIncompatible: false) == 0)
        #expect(VerifyRenderer.text(ms).contains("would fail on Memorystore: CONFIG SET (1×)"))

        let up = try await VerifyRun.run(spec: Specs.upstash(), options: Self.options(Self.notifier, appDir: dir))
        let upApp = try #require(up.app)
        #expect(upApp.exitStatus == 0)
        #expect(upApp.incompatible.isEmpty, "\(upApp.incompatible)")
        #expect(upApp.restricted.contains { $0.command == "CONFIG SET" })
        #expect(up.exitStatus(failOnIncompatible: true) == 0)
        // Pay-per-request: the rate becomes a monthly projection.
        let cost = try #require(upApp.monthlyCostUSD)
        #expect(cost > 0 && upApp.costNote.contains("Upstash pay-as-you-go"))
    }

    @Test("the Flask example's cache helpers run against every provider profile without incompatible commands")
    func flaskExample() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: VerifyPaths.python))
        let cmd = [VerifyPaths.python, VerifyPaths.apps + "/python-flask-redis/tests/smoke_cache.py"]
        for spec in [Specs.memorystore(), Specs.elasticache(), Specs.upstash()] {
            let r = try await VerifyRun.run(spec: spec, options: Self.options(cmd))
            let app = try #require(r.app)
            #expect(app.exitStatus == 0, "\(spec.providerName): exit \(app.exitStatus)")
            #expect(app.incompatible.isEmpty, "\(spec.providerName): \(app.incompatible)")
            #expect(app.commands.contains { $0.command == "SETEX" } && app.commands.contains { $0.command == "INCRBY" })
            #expect(app.keysWithoutTTLSample.contains("catalogue:version"))
        }
    }

    @Test("the command's own exit status is kept; KEYS, FLUSHALL and large values are reported")
    func exitStatusAndMisuse() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: VerifyPaths.python))
        let script = """
        import os, redis, sys
        r = redis.from_url(os.environ["REDIS_URL"], ssl_ca_certs=os.environ["REDIS_CA_CERT"])
        r.set("big", b"x" * 200000)
        r.keys("*")
        r.flushall()
        sys.exit(3)
        """
        let r = try await VerifyRun.run(spec: Specs.elasticache(), options: Self.options([VerifyPaths.python, "-c", script]))
        let app = try #require(r.app)
        #expect(app.exitStatus == 3)
        #expect(r.exitStatus(failOnIncompatible: true) == 3)
        #expect(app.keysCalls == 1 && app.flushCalls == 1)
        #expect(app.largeValues == 1 && app.largestValueBytes == 200_000)
        let junit = VerifyRenderer.junit(r)
        #expect(junit.contains("<failure message=\"exit status 3\"/>"))
    }

    @Test("a command that cannot start is reported with status 127")
    func missingCommand() async throws {
        let r = try await VerifyRun.run(spec: Specs.memorystore(auth: false, tls: false), options: Self.options(["/nonexistent/infera-test-binary"]))
        #expect(r.app?.exitStatus == 127)
        #expect(r.app?.launchError?.contains("cannot run /nonexistent/infera-test-binary") == true)
    }

    @Test("JSON is versioned, JUnit and markdown summarise the same report")
    func formats() async throws {
        var o = VerifyOptions()
        o.checks = ["connect", "lock"]
        let r = try await VerifyRun.run(spec: Specs.upstash(), options: o)
        let json = VerifyRenderer.json(r)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(obj["schema"] as? String == "infera.verify/v1")
        #expect((obj["checks"] as? [[String: Any]])?.count == 2)
        #expect(!json.contains(r.engine.url.replacing("***", with: "")) || r.engine.url.contains("***"))
        let junit = VerifyRenderer.junit(r)
        #expect(junit.contains("name=\"lock\""))
        #expect(junit.contains("tests=\"2\" failures=\"0\""))
        let md = VerifyRenderer.markdown(r)
        #expect(md.hasPrefix("<!-- infera:verify -->\n## infera verify: `store` on Upstash — ✅ ready for Upstash"))
        #expect(md.contains("**Checks:** 2 passed, 0 failed, 0 skipped"))
    }
}
