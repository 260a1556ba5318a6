import Foundation
import InferaConfig
import InferaDiagnostics
import Testing

/// Golden diagnostics: one folder per diagnostic class under Golden/<case>/ with input.yaml and the exact expected
/// output (expected.txt for text, expected.json for `json-*` cases). `INFERA_RECORD=1` rewrites the expected files
/// and fails, so a new baseline is never accepted silently.
@Suite struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Inputs too large or too odd to commit, generated for their case folders.
    static let generated: [String: @Sendable () -> [UInt8]] = [
        "binary": { (0..<4096).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) } },
        "too-large": { Array(("# " + String(repeating: "x", count: 10 * 1024 * 1024) + "\n").utf8) },
        "deep-nesting": { Array(("project_name: my-api\nnested: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "\n").utf8) },
    ]

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static let recording = ProcessInfo.processInfo.environment["INFERA_RECORD"] == "1"

    /// Renders a load result exactly as `infera validate` prints it (without colour).
    static func renderText(_ result: ConfigLoadResult, file: String) -> String {
        var sources: [String: String] = [:]
        if let s = result.source { sources[file] = s }
        var out = DiagnosticRenderer(color: false).render(result.diagnostics, sources: sources)
        out += result.config != nil ? "\(file): valid (\(DiagnosticRenderer.summary(result.diagnostics)))\n"
                                    : "\(file): \(DiagnosticRenderer.summary(result.diagnostics))\n"
        return out
    }

    @Test func everyCaseHasAnInput() {
        #expect(Self.cases.count >= 40)
        for name in Self.cases where Self.generated[name] == nil {
            let input = Self.directory.appendingPathComponent(name).appendingPathComponent("input.yaml")
            #expect(FileManager.default.fileExists(atPath: input.path), "case \(name) has no input.yaml")
        }
    }

    @Test(arguments: cases)
    func golden(_ name: String) throws {
        let folder = Self.directory.appendingPathComponent(name)
        let bytes: [UInt8]
        if let make = Self.generated[name] {
            bytes = make()
        } else {
            bytes = Array(try Data(contentsOf: folder.appendingPathComponent("input.yaml")))
        }
        let file = "infera.yaml"
        let result = ConfigLoader.load(bytes: bytes, file: file, options: .init(environment: [:]))
        let isJSON = name.hasPrefix("json-")
        let actual = isJSON
            ? DiagnosticJSON.report(file: file, diagnostics: result.diagnostics).rendered() + "\n"
            : Self.renderText(result, file: file)
        let expectedURL = folder.appendingPathComponent(isJSON ? "expected.json" : "expected.txt")
        if Self.recording {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name)/\(expectedURL.lastPathComponent); unset INFERA_RECORD and re-run")
            return
        }
        let expected = try? String(contentsOf: expectedURL, encoding: .utf8)
        #expect(expected != nil, "missing \(name)/\(expectedURL.lastPathComponent); run with INFERA_RECORD=1")
        #expect(actual == expected, "golden mismatch for \(name)")
        // Every case except json-valid is there to produce a diagnostic.
        if name != "json-valid" { #expect(!result.diagnostics.isEmpty, "case \(name) produced no diagnostic") }
    }
}
