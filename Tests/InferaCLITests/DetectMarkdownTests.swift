import Foundation
import InferaDetect
import InferaDiagnostics
import Testing
@testable import InferaCLI

/// `infera detect --format markdown` (golden files in Tests/Fixtures/ci/detect-markdown, one app per
/// provider's typical client: ioredis for Memorystore/ElastiCache apps, the Upstash-style Python app,
/// a negative) and `--format codequality` (GitLab's report shape). `INFERA_RECORD=1` rewrites and fails.
@Suite struct DetectMarkdownTests {
    static let root = CIWorkflowTests.root
    static let goldenDir = root + "/Tests/Fixtures/ci/detect-markdown"
    static let apps = ["node-express-ioredis", "python-flask-redis", "ruby-sidekiq", "negative-docs-only"]

    static func report(_ app: String) -> DetectionReport {
        Detector.detect(root: root + "/Examples/apps/" + app, options: DetectOptions(useGit: false))
    }

    @Test(arguments: apps)
    func goldenMarkdown(_ app: String) throws {
        let md = DetectMarkdown.render(Self.report(app), root: app, prefix: app + "/")
        let path = Self.goldenDir + "/\(app).md"
        if ProcessInfo.processInfo.environment["INFERA_RECORD"] == "1" {
            try md.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded \(path); run again without INFERA_RECORD=1")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(md == expected, "\(app): differs from \(path) (INFERA_RECORD=1 to record)")
    }

    @Test func findingsAndFixesAreInTheTable() {
        let r = Self.report("node-express-ioredis")
        #expect(!r.findings.isEmpty)
        let md = DetectMarkdown.render(r, root: "app", prefix: "app/")
        #expect(md.hasPrefix("<!-- infera:detect -->\n## infera detect: `app` uses Redis"))
        for f in r.findings {
            #expect(md.contains("`app/\(f.path):\(f.line)`"))
            #expect(md.contains(MarkdownSummary.cell(f.fix)))
        }
        #expect(!md.contains("Pr0d-S3cret"), "secrets stay redacted")
        #expect(md.utf8.count < MarkdownSummary.githubLimit)
    }

    @Test func codeQualityReportHasGitLabsFields() throws {
        let r = Self.report("node-express-ioredis")
        let text = DetectRendering.codeQuality(r, prefix: "app/")
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(issues.count == r.findings.count)
        var fingerprints = Set<String>()
        for (issue, f) in zip(issues, r.findings) {
            #expect(issue["check_name"] as? String == f.rule)
            #expect((issue["description"] as? String)?.contains(f.fix) == true)
            #expect(["info", "minor", "major", "critical", "blocker"].contains(issue["severity"] as? String ?? ""))
            let loc = try #require(issue["location"] as? [String: Any])
            #expect(loc["path"] as? String == "app/" + f.path)
            #expect((loc["lines"] as? [String: Any])?["begin"] as? Int == f.line)
            fingerprints.insert(try #require(issue["fingerprint"] as? String))
        }
        #expect(fingerprints.count == issues.count, "fingerprints are unique")
        #expect(DetectRendering.codeQuality(Self.report("negative-docs-only"), prefix: "") == "[]")
    }
}
