import Foundation
import InferaPlan
import InferaTerraform
import Testing

@Suite struct HCLLayoutTests {
    @Test func alignsConsecutiveSingleLineAttributes() {
        let input = "resource \"x\" \"y\" {\n  a = 1\n  long_name = \"v\"\n  labels = {\n    k = \"v\"\n    kk = \"w\"\n  }\n  z = 2\n\n\n  # c\n  zz = 3\n}\n"
        let expected = "resource \"x\" \"y\" {\n  a         = 1\n  long_name = \"v\"\n  labels = {\n    k  = \"v\"\n    kk = \"w\"\n  }\n  z = 2\n\n  # c\n  zz = 3\n}\n"
        #expect(HCLLayout.format(input) == expected)
    }

    @Test func comparisonsAndInterpolationsAreNotAttributes() {
        let input = "  condition = var.a == 1\n  name = \"${var.x}-{y}\"\n"
        #expect(HCLLayout.format(input) == "  condition = var.a == 1\n  name      = \"${var.x}-{y}\"\n")
    }
}

@Suite struct UnifiedDiffTests {
    @Test func diffOfChangedLine() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        let d = UnifiedDiff.make(old: old, new: new, oldName: "a/f", newName: "b/f")
        #expect(d == "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n")
        #expect(UnifiedDiff.make(old: old, new: old, oldName: "a", newName: "b").isEmpty)
    }

    @Test func diffFromEmpty() {
        #expect(UnifiedDiff.make(old: "", new: "a\nb\n", oldName: "a/f", newName: "b/f") == "--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n")
    }
}

@Suite struct ModuleWriterTests {
    @Test func writesOnlyWhatChanged() throws {
        let dir = try TestPaths.temporaryDirectory("writer") + "/infra"
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let files = try TerraformRenderer().renderModule(SampleSpecs.upstashHA)
        let first = try ModuleWriter.write(files, to: dir, withDiffs: true)
        #expect(first.allSatisfy { $0.status == .created })
        let mainPath = dir + "/main.tf"
        let inode = try FileManager.default.attributesOfItem(atPath: mainPath)[.systemFileNumber] as? Int
        let second = try ModuleWriter.write(files, to: dir, withDiffs: true)
        #expect(second.allSatisfy { $0.status == .unchanged })
        // Not rewritten: an atomic write would have replaced the inode.
        #expect(try FileManager.default.attributesOfItem(atPath: mainPath)[.systemFileNumber] as? Int == inode)

        var changedSpec = SampleSpecs.upstashHA
        if case .upstash(var u) = changedSpec.provider { u.eviction = false; changedSpec.provider = .upstash(u) }
        let third = try ModuleWriter.write(try TerraformRenderer().renderModule(changedSpec), to: dir, withDiffs: true)
        let main = try #require(third.first { $0.path == "main.tf" })
        #expect(main.status == .changed)
        #expect(main.diff?.contains("-  eviction       = true") == true)
        #expect(main.diff?.contains("+  eviction       = false") == true)
        #expect(try String(contentsOfFile: mainPath, encoding: .utf8).contains("eviction       = false"))
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.contains("infera-tmp") })
    }
}

@Suite struct RendererTests {
    @Test func hclStringsAreEscaped() throws {
        var spec = SampleSpecs.upstashMinimal
        spec.projectName = "a\"b${c}"
        let files = try TerraformRenderer().renderModule(spec)
        let tfvars = try #require(files.first { $0.path == "terraform.tfvars" }?.contents)
        #expect(tfvars.contains(#"project_name = "a\"b$${c}""#))
    }

    @Test func templatesDirectoryOverridesEmbedded() throws {
        let dir = try TestPaths.temporaryDirectory("tpl")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/upstash", withIntermediateDirectories: true)
        try "{{% CONTENT_TYPE: TEXT}}\n# custom for {{project_name}}\n".write(toFile: dir + "/upstash/README.md.mustache", atomically: true, encoding: .utf8)
        let r = TerraformRenderer(source: try TemplateSource.directory(dir))
        let files = try r.renderModule(SampleSpecs.upstashMinimal)
        #expect(files.first { $0.path == "README.md" }?.contents == "# custom for demo\n")
        #expect(files.first { $0.path == "main.tf" }?.contents.contains("upstash_redis_database") == true)
        #expect(throws: RenderError.self) { try TemplateSource.directory(dir + "/missing") }
    }

    @Test(arguments: ["node", "python", "go"])
    func snippetsUseTheURLFromTheEnvironment(_ lang: String) throws {
        for (_, spec) in SampleSpecs.all {
            let s = try TerraformRenderer().renderSnippet(spec, language: lang)
            #expect(s.contents.contains(spec.urlEnvVar))
            #expect(!s.contents.contains("{{"))
        }
    }
}
