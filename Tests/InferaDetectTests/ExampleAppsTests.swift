import Foundation
import Testing
@testable import InferaDetect

/// Runs detection on every application in `Examples/apps/` and compares the JSON report with its
/// `expected.json`. With `INFERA_RECORD=1` the expected files are rewritten and the test fails, so a
/// new baseline is never accepted silently.
struct ExampleAppsTests {
    static let appsDir: String = {
        let file = URL(fileURLWithPath: #filePath)
        return file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/apps").path
    }()

    static let apps: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: appsDir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }()

    /// The report as the CLI prints it with `--format json`, without the scan counters (they depend on the walker).
    static func json(_ report: DetectionReport) throws -> String {
        var r = report
        r.stats = ScanStats()
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(r), as: UTF8.self) + "\n"
    }

    @Test func thereAreEnoughExamples() {
        #expect(Self.apps.count >= 8)
        #expect(Self.apps.filter { $0.hasPrefix("negative-") }.count >= 2)
    }

    /// Apps whose expected.json is a full report (golden); the others hold a hand-checked truth (RecallPrecisionTests).
    static let goldenApps: [String] = apps.filter { app in
        let text = (try? String(contentsOfFile: appsDir + "/" + app + "/expected.json", encoding: .utf8)) ?? ""
        return !text.contains("\"truth\"")
    }

    @Test(arguments: goldenApps)
    func matchesExpectedJSON(_ app: String) throws {
        let dir = Self.appsDir + "/" + app
        let report = Detector.detect(root: dir, options: DetectOptions(useGit: false, excludedNames: ["expected.json"]))
        let actual = try Self.json(report)
        let expectedPath = dir + "/expected.json"
        if ProcessInfo.processInfo.environment["INFERA_RECORD"] == "1" {
            try actual.write(toFile: expectedPath, atomically: true, encoding: .utf8)
            Issue.record("recorded \(expectedPath); rerun without INFERA_RECORD=1")
            return
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(actual == expected, "detect output for \(app) differs from expected.json (INFERA_RECORD=1 to re-record)")
        // Independent of the golden file: negatives never use Redis, positives always do.
        if app.hasPrefix("negative-") {
            #expect(!report.uses_redis)
            #expect(report.findings.isEmpty)
        } else {
            #expect(report.uses_redis)
            #expect(report.confidence >= 0.9)
            #expect(!report.client_libraries.isEmpty)
            #expect(!report.findings.isEmpty)
        }
    }

    /// Known evidence lines, written by hand from the sources (not from the tool's output).
    @Test func knownEvidenceLines() throws {
        func detect(_ app: String) -> DetectionReport { Detector.detect(root: Self.appsDir + "/" + app, options: DetectOptions(useGit: false, excludedNames: ["expected.json"])) }
        func has(_ r: DetectionReport, _ rule: String, _ path: String, _ line: Int) -> Bool {
            r.findings.contains { $0.rule == rule && $0.path == path && $0.line == line }
        }
        let node = detect("node-express-ioredis")
        #expect(has(node, "redis.keys-command", "src/server.js", 24))
        #expect(has(node, "redis.client-per-request", "src/server.js", 23))
        #expect(has(node, "redis.loop-without-pipeline", "src/server.js", 32))
        #expect(has(node, "redis.cache-write-without-ttl", "src/server.js", 32))
        #expect(has(node, "redis.no-error-handler", "src/redis.js", 4))
        #expect(has(node, "redis.plaintext-remote-url", ".env.example", 3))
        #expect(!node.findings.contains { $0.path.hasPrefix("test/") })
        #expect(node.client_libraries.contains { $0.name == "ioredis" && $0.version == "5.3.2" && $0.line == 14 && $0.scope == .runtime })
        #expect(node.client_libraries.contains { $0.name == "ioredis-mock" && $0.scope == .dev })
        #expect(Set(node.roles.map(\.role)).isSuperset(of: [.cache, .session_store, .rate_limiter]))

        let py = detect("python-flask-redis")
        #expect(has(py, "redis.hardcoded-secret", "app/reports.py", 4))
        #expect(has(py, "redis.keys-command", "app/reports.py", 10))
        #expect(has(py, "redis.large-value", "app/cache.py", 32))
        #expect(py.client_libraries.contains { $0.name == "redis-py" && $0.line == 3 && $0.version == "==5.0.4" })
        #expect(py.env_vars.contains { $0.name == "REDIS_URL" && $0.path == "app/cache.py" && $0.line == 8 })
        #expect(!py.settings.contains { $0.value.contains("Pr0d-S3cret") })

        let go = detect("go-redis-leaderboard")
        #expect(has(go, "redis.cache-write-without-ttl", "main.go", 31))
        #expect(has(go, "redis.client-per-request", "main.go", 42))
        #expect(!has(go, "redis.client-per-request", "main.go", 20))
        #expect(go.roles.contains { $0.role == .leaderboard })

        let rb = detect("ruby-sidekiq")
        #expect(has(rb, "redis.keys-command", "app/services/cart_cleanup.rb", 4))
        #expect(rb.roles.contains { $0.role == .queue } && rb.roles.contains { $0.role == .lock })

        let java = detect("java-spring-jedis")
        #expect(has(java, "redis.no-connection-pool", "src/main/java/com/example/shop/PriceService.java", 33))
        #expect(has(java, "redis.hardcoded-secret", "src/main/resources/application.properties", 5))
        #expect(has(java, "redis.cache-write-without-ttl", "src/main/java/com/example/shop/PriceService.java", 28))
        #expect(!has(java, "redis.cache-write-without-ttl", "src/main/java/com/example/shop/PriceService.java", 22))

        let php = detect("php-predis")
        #expect(has(php, "redis.loop-without-pipeline", "src/Notifier.php", 29))
        #expect(php.roles.contains { $0.role == .pubsub } && php.roles.contains { $0.role == .queue })

        let cs = detect("dotnet-stackexchange")
        #expect(has(cs, "redis.cache-write-without-ttl", "Api/Services/CartService.cs", 28))
        #expect(has(cs, "redis.client-per-request", "Api/Services/CartService.cs", 34))
        #expect(!has(cs, "redis.cache-write-without-ttl", "Api/Services/CartService.cs", 22))
        #expect(cs.client_libraries.contains { $0.manifest == "Api.Tests/Api.Tests.csproj" && $0.scope == .test })
        #expect(cs.client_libraries.contains { $0.manifest == "Api/Api.csproj" && $0.scope == .runtime && $0.version == "2.7.33" })

        #expect(detect("negative-docs-only").verdict == .docs_only)
        #expect(detect("negative-test-only").verdict == .test_only)
    }
}
