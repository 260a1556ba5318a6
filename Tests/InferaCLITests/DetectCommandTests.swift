import ArgumentParser
import Foundation
import InferaDetect
import Testing
@testable import InferaCLI

/// Rendering and exit codes of `infera detect`.
struct DetectCommandTests {
    static let node: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/apps/node-express-ioredis").path
    static let negative: String = URL(fileURLWithPath: node).deletingLastPathComponent().appendingPathComponent("negative-docs-only").path

    @Test func sarifHasTheRequiredShape() throws {
        let report = Detector.detect(root: Self.node, options: DetectOptions(useGit: false))
        let text = try DetectRendering.sarif(report, prefix: "app/")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(obj["version"] as? String == "2.1.0")
        let runs = try #require(obj["runs"] as? [[String: Any]])
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.count == MistakeRules.all.count)
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == report.findings.count)
        for r in results {
            let idx = try #require(r["ruleIndex"] as? Int)
            #expect(rules[idx]["id"] as? String == r["ruleId"] as? String)
            let loc = try #require((r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = try #require((loc["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(uri.hasPrefix("app/"))
            #expect(["error", "warning", "note"].contains(r["level"] as? String ?? ""))
        }
        #expect(!text.contains("Pr0d-S3cret"))
        // The run carries the v2 data: libraries with every location, and every command use.
        let props = try #require(runs[0]["properties"] as? [String: Any])
        #expect(props["schema"] as? String == "infera.detect/v2")
        let libs = try #require(props["client_libraries"] as? [[String: Any]])
        #expect(libs.count == report.client_libraries.count)
        #expect(libs.contains { ($0["locations"] as? [String])?.contains("app/package.json:14") == true })
        let cmds = try #require(props["commands"] as? [[String: Any]])
        #expect(cmds.map { ($0["uses"] as? [String])?.count ?? 0 } == report.commands.map(\.uses.count))
        #expect(results.allSatisfy { ($0["properties"] as? [String: Any])?["scope"] as? String == "production" })
    }

    /// A SARIF run for a Spring app configured only through application.yml lists the backend choice.
    @Test func sarifListsBackendsAndConditionalLibraries() throws {
        let dir = URL(fileURLWithPath: Self.node).deletingLastPathComponent().appendingPathComponent("java-spring-redistemplate").path
        let report = Detector.detect(root: dir, options: DetectOptions(useGit: false, excludedNames: ["expected.json"]))
        let text = try DetectRendering.sarif(report, prefix: "")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let props = try #require(((obj["runs"] as? [[String: Any]])?.first)?["properties"] as? [String: Any])
        let backends = try #require(props["backends"] as? [[String: Any]])
        #expect(backends.contains { $0["key"] as? String == "spring.cache.type" && $0["redis"] as? Bool == true && $0["location"] as? String == "src/main/resources/application.yml:5" })
        let libs = try #require(props["client_libraries"] as? [[String: Any]])
        #expect(libs.contains { $0["name"] as? String == "spring-boot-starter-cache" && $0["resolved"] as? String == "redis" })
    }

    @Test func jsonIsSortedAndVersioned() throws {
        let report = Detector.detect(root: Self.node, options: DetectOptions(useGit: false))
        let text = try DetectRendering.json(report)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(obj["schema"] as? String == "infera.detect/v2")
        #expect(obj["uses_redis"] as? Bool == true)
        for key in ["confidence", "client_libraries", "env_vars", "roles", "commands", "findings"] { #expect(obj[key] != nil, "\(key)") }
        let lib = try #require((obj["client_libraries"] as? [[String: Any]])?.first)
        for key in ["name", "ecosystem", "version", "manifest", "line", "scope"] { #expect(lib[key] != nil, "\(key)") }
        let finding = try #require((obj["findings"] as? [[String: Any]])?.first)
        for key in ["rule", "severity", "path", "line", "column", "message"] { #expect(finding[key] != nil, "\(key)") }
    }

    @Test func githubAnnotationsAreEscaped() {
        let report = Detector.detect(root: Self.node, options: DetectOptions(useGit: false))
        let lines = DetectRendering.githubAnnotations(report, prefix: "a,b/").split(separator: "\n")
        #expect(lines.count == report.findings.count)
        #expect(lines.allSatisfy { $0.hasPrefix("::warning file=a%2Cb/") || $0.hasPrefix("::error file=a%2Cb/") })
        #expect(lines.allSatisfy { $0.contains(",line=") && $0.contains(",col=") && $0.contains("title=redis.") })
    }

    @Test func failOnExitsWithTwo() async throws {
        var cmd = try DetectCommand.parseAsRoot([Self.node, "--format", "json", "--fail-on", "error", "--no-git"]) as! DetectCommand
        await #expect { try await cmd.run() } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        cmd = try DetectCommand.parseAsRoot([Self.negative, "--format", "json", "--fail-on", "warning", "--no-git"]) as! DetectCommand
        try await cmd.run()
        #expect(throws: (any Error).self) { try DetectCommand.parseAsRoot([Self.node, "--fail-on", "fatal"]) }
    }

    @Test func missingPathIsAnError() async throws {
        let cmd = try DetectCommand.parseAsRoot(["/nonexistent/infera-path"]) as! DetectCommand
        await #expect(throws: (any Error).self) { try await cmd.run() }
    }
}
