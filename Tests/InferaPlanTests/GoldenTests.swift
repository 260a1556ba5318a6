import Foundation
import InferaPlan
import InferaTerraform
import Testing

/// Every generated file of every sample, byte for byte, against Tests/InferaPlanTests/Golden/<case>/.
/// `INFERA_RECORD=1` rewrites the golden files and fails, so a new baseline is never accepted silently.
@Suite struct GoldenTests {
    static func generated(_ spec: DeploymentSpec) throws -> [(path: String, contents: String)] {
        let renderer = TerraformRenderer()
        var files = try renderer.renderModule(spec)
        for lang in ["node", "python", "go"] {
            let s = try renderer.renderSnippet(spec, language: lang)
            files.append(("snippets/" + s.path, s.contents))
        }
        let plan = Planner.plan(spec)
        files.append(("plan.txt", PlanTextRenderer.render(plan, color: false)))
        files.append(("plan.json", try PlanJSON.encode(plan)))
        return files
    }

    /// Cases from infera.yaml files (Tests/InferaPlanTests/Cases, Examples) and the hand-built specs (`spec-*`).
    static let caseNames: [String] = ExampleSpecs.caseNames() + SampleSpecs.all.map { "spec-" + $0.name }

    static func spec(_ name: String) throws -> DeploymentSpec {
        if name.hasPrefix("spec-") {
            return try #require(SampleSpecs.all.first { "spec-" + $0.name == name }?.spec)
        }
        return try ExampleSpecs.load(ExampleSpecs.path(ofCase: name))
    }

    @Test func atLeastThreeCasesPerProvider() {
        for p in ["memorystore", "elasticache", "upstash"] {
            #expect(Self.caseNames.filter { $0.hasPrefix(p) }.count >= 3, "\(p)")
        }
    }

    @Test(arguments: caseNames)
    func goldenFiles(_ name: String) throws {
        let spec = try Self.spec(name)
        let files = try Self.generated(spec)
        let dir = TestPaths.golden + "/" + name
        if TestPaths.recording {
            try? FileManager.default.removeItem(atPath: dir)
            for f in files {
                let path = dir + "/" + f.path
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try f.contents.write(toFile: path, atomically: true, encoding: .utf8)
            }
            Issue.record("recorded \(files.count) golden files for \(name); run again without INFERA_RECORD=1")
            return
        }
        var expectedPaths = Set<String>()
        if let e = FileManager.default.enumerator(atPath: dir) {
            while let p = e.nextObject() as? String {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: dir + "/" + p, isDirectory: &isDir), !isDir.boolValue { expectedPaths.insert(p) }
            }
        }
        #expect(expectedPaths == Set(files.map(\.path)), "golden file set differs for \(name) (INFERA_RECORD=1 to record)")
        for f in files {
            let expected = try? String(contentsOfFile: dir + "/" + f.path, encoding: .utf8)
            #expect(expected == f.contents, "\(name)/\(f.path) differs from its golden file (INFERA_RECORD=1 to record)")
        }
    }

    @Test func noSecretValueInAnyGeneratedFile() throws {
        for (name, spec) in try SampleSpecs.all + ExampleSpecs.all() {
            for f in try Self.generated(spec) {
                // Secrets are references to provider results, never literals.
                #expect(!f.contents.contains("auth_token = \""), "\(name)/\(f.path)")
                #expect(!f.contents.contains("api_key = \""), "\(name)/\(f.path)")
                #expect(!f.contents.lowercased().contains("password = \""), "\(name)/\(f.path)")
            }
        }
    }

    @Test func everyPlannedResourceIsDeclaredInMainTF() throws {
        for (name, spec) in try SampleSpecs.all + ExampleSpecs.all() {
            let main = try #require(try TerraformRenderer().renderModule(spec).first { $0.path == "main.tf" }?.contents)
            let declared = main.split(separator: "\n").filter { $0.hasPrefix("resource \"") }.map { line -> String in
                let parts = line.split(separator: "\"")
                return "\(parts[1]).\(parts[3])"
            }
            let planned = DesiredState.resources(for: spec).map(\.address)
            #expect(Set(declared) == Set(planned), "\(name): main.tf declares \(declared.sorted()), plan has \(planned.sorted())")
        }
    }

    @Test func embeddedTemplatesMatchTemplatesFolder() throws {
        var onDisk: [String: String] = [:]
        let e = try #require(FileManager.default.enumerator(atPath: TestPaths.templates))
        while let p = e.nextObject() as? String {
            if p.hasSuffix(".mustache") { onDisk[p] = try String(contentsOfFile: TestPaths.templates + "/" + p, encoding: .utf8) }
        }
        #expect(!onDisk.isEmpty)
        #expect(onDisk == TemplateSource.embedded.files,
                "Sources/InferaTerraform/EmbeddedTemplates.swift is out of date: run python3 scripts/embed-templates.py")
    }
}
