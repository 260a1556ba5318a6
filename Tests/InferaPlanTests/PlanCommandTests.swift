import Foundation
import InferaPlan
import Testing

/// `infera plan` end to end: the built binary on the repository's examples.
@Suite struct PlanCommandTests {
    static let binary = TestPaths.repoRoot + "/.build/debug/infera"

    static func plan(_ args: [String], in dir: String) throws -> (status: Int32, out: String, err: String) {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for k in ["GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "GOOGLE_PROJECT", "AWS_REGION", "AWS_DEFAULT_REGION", "UPSTASH_EMAIL"] {
            env[k] = nil
        }
        return try TestPaths.run(binary, ["plan"] + args, timeout: 60, environment: env.merging(["PWD": dir]) { $1 })
    }

    @Test(arguments: ExampleSpecs.subdirectories(TestPaths.repoRoot + "/Examples"))
    func examplePlansEndToEnd(_ example: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build first: swift build --build-tests")
        let tmp = try TestPaths.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let yaml = TestPaths.repoRoot + "/Examples/\(example)/infera.yaml"
        let out = tmp + "/infra"
        let first = try Self.plan(["-f", yaml, "--out", out, "--save", tmp + "/plan.json", "--snippets", "node", "python", "go"], in: tmp)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("Plan: "))
        #expect(first.out.contains(" to add, 0 to change, 0 to destroy."))
        #expect(first.out.contains("Estimated monthly cost"))
        #expect(first.out.contains("Checks: "))
        #expect(first.out.contains("(sensitive value)"))
        #expect(first.out.contains("9 created, 0 changed, 0 unchanged"))
        for f in ["versions.tf", "main.tf", "variables.tf", "outputs.tf", "terraform.tfvars", "README.md", "snippets/redis.ts"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f)")
        }
        let saved = try PlanJSON.decode(try String(contentsOfFile: tmp + "/plan.json", encoding: .utf8))
        #expect(saved.formatVersion == Plan.currentFormatVersion)
        #expect(saved.files.count == 9)

        // Second run: nothing rewritten; --detailed-exitcode still reports the resources to create (offline).
        let second = try Self.plan(["-f", yaml, "--out", out, "--detailed-exitcode", "--snippets", "node", "python", "go"], in: tmp)
        #expect(second.status == 2)
        #expect(second.out.contains("0 created, 0 changed, 9 unchanged"))

        // JSON output is the versioned document.
        let json = try Self.plan(["-f", yaml, "--out", out, "--format", "json"], in: tmp)
        #expect(json.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(obj["format_version"] as? String == "1.0")
        #expect(obj["cost"] != nil && obj["checks"] != nil && obj["changes"] != nil)
    }

    @Test func changedFileIsShownAsDiff() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let tmp = try TestPaths.temporaryDirectory("cli-diff")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let yaml = tmp + "/infera.yaml"
        let original = try String(contentsOfFile: TestPaths.repoRoot + "/Examples/upstash/infera.yaml", encoding: .utf8)
        try original.write(toFile: yaml, atomically: true, encoding: .utf8)
        #expect(try Self.plan(["-f", yaml, "--out", tmp + "/infra"], in: tmp).status == 0)
        try original.replacingOccurrences(of: "eviction: true", with: "eviction: false").write(toFile: yaml, atomically: true, encoding: .utf8)
        let r = try Self.plan(["-f", yaml, "--out", tmp + "/infra", "--diff"], in: tmp)
        #expect(r.status == 0)
        #expect(r.out.contains("  ~ main.tf"))
        #expect(r.out.contains("--- a/main.tf"))
        #expect(r.out.contains("-  eviction       = true"))
        #expect(r.out.contains("+  eviction       = false"))
    }

    @Test func invalidConfigIsAnErrorWithDiagnostics() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let tmp = try TestPaths.temporaryDirectory("cli-bad")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try "project_name: x\nprovider: gcp\ncache:\n  tierr: BASIC\n".write(toFile: tmp + "/infera.yaml", atomically: true, encoding: .utf8)
        let r = try Self.plan(["-f", tmp + "/infera.yaml", "--out", tmp + "/infra"], in: tmp)
        #expect(r.status == 1)
        #expect(r.err.contains("error"))
        #expect(!FileManager.default.fileExists(atPath: tmp + "/infra"))
        let s = try Self.plan(["-f", tmp + "/infera.yaml", "--snippets", "cobol"], in: tmp)
        #expect(s.status == 1)
    }
}
