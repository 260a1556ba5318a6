import ArgumentParser
import Foundation
import InferaConfig
import InferaDetect
import Testing
@testable import InferaCLI

/// `infera init` output for every example application and provider passes the config validator.
struct InitTests {
    static let appsDir: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/apps").path
    }()

    static let apps: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: appsDir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()

    @Test(arguments: apps)
    func everyInitOutputValidates(_ app: String) {
        let report = Detector.detect(root: Self.appsDir + "/" + app, options: DetectOptions(useGit: false, excludedNames: ["expected.json"]))
        for provider in [nil] + InitProvider.allCases.map(Optional.some) {
            let text = InitGenerator.yaml(report: report, projectHint: app, provider: provider)
            let result = ConfigLoader.load(text: text, file: "infera.yaml")
            let problems = result.diagnostics.map { "\($0.severity.rawValue) \($0.code) \($0.message) @\($0.location?.line ?? 0)" }
            #expect(result.isValid, "\(app) / \(provider?.rawValue ?? "inferred"): \(problems)\n\(text)")
            #expect(!result.diagnostics.contains { $0.severity == .warning }, "\(app) / \(provider?.rawValue ?? "inferred"): \(problems)")
        }
    }

    @Test func rolesDecidePersistenceAndEviction() {
        let dir = Self.appsDir
        let cacheOnly = Detector.detect(root: dir + "/python-flask-redis", options: DetectOptions(useGit: false, excludedNames: ["expected.json"]))
        let gcp = InitGenerator.yaml(report: cacheOnly, projectHint: "flask", provider: .gcp)
        #expect(gcp.contains("mode: DISABLED") && gcp.contains("eviction_policy: allkeys-lru"))
        let queue = Detector.detect(root: dir + "/ruby-sidekiq", options: DetectOptions(useGit: false, excludedNames: ["expected.json"]))
        let aws = InitGenerator.yaml(report: queue, projectHint: "sidekiq", provider: .aws)
        #expect(aws.contains("eviction_policy: noeviction") && aws.contains("retention_days: 7"))
        let up = InitGenerator.yaml(report: queue, projectHint: "sidekiq", provider: .upstash)
        #expect(up.contains("eviction: false"))
    }

    @Test(arguments: [
        ("serverless.yml", "service: api\nprovider:\n  name: aws\n", "ioredis", InitProvider.aws, "lambda"),
        ("app.yaml", "runtime: nodejs20\n", "ioredis", InitProvider.gcp, "app_engine"),
        ("cdk.json", "{\"app\": \"npx ts-node bin/app.ts\"}", "redis", InitProvider.aws, "ecs"),
        ("vercel.json", "{}", "@upstash/redis", InitProvider.upstash, "vercel"),
        ("README.md", "# plain", "ioredis", InitProvider.gcp, "cloud_run"),
    ])
    func providerFromMarkers(_ marker: String, _ content: String, _ lib: String, _ provider: InitProvider, _ service: String) throws {
        let dir = NSTemporaryDirectory() + "infera-init-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(content.utf8).write(to: URL(fileURLWithPath: dir + "/" + marker))
        try Data("{\"dependencies\": {\"\(lib)\": \"1\"}}".utf8).write(to: URL(fileURLWithPath: dir + "/package.json"))
        let report = Detector.detect(root: dir, options: DetectOptions(useGit: false))
        let choice = InitGenerator.choose(report: report, provider: nil)
        #expect(choice.provider == provider)
        #expect(choice.service == service)
        let text = InitGenerator.yaml(report: report, projectHint: "svc", provider: nil)
        #expect(ConfigLoader.load(text: text).isValid, "\(text)")
    }

    @Test func projectNamesAreResourceSafe() {
        #expect(InitGenerator.projectName("My_Shop API!") == "my-shop-api")
        #expect(InitGenerator.projectName("123") == "my-app")
        #expect(InitGenerator.projectName(String(repeating: "a", count: 50)).count == 30)
    }

    @Test func neverOverwritesWithoutForce() async throws {
        let dir = NSTemporaryDirectory() + "infera-init-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("{\"dependencies\": {\"@upstash/redis\": \"1.31.0\"}}".utf8).write(to: URL(fileURLWithPath: dir + "/package.json"))
        let target = dir + "/infera.yaml"
        try "keep me\n".write(toFile: target, atomically: true, encoding: .utf8)
        var cmd = try InitCommand.parseAsRoot([dir]) as! InitCommand
        await #expect(throws: ExitCode.self) { try await cmd.run() }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        cmd = try InitCommand.parseAsRoot([dir, "--force"]) as! InitCommand
        try await cmd.run()
        let written = try String(contentsOfFile: target, encoding: .utf8)
        #expect(written.contains("provider: upstash"))
        #expect(ConfigLoader.load(text: written).isValid)
    }
}
