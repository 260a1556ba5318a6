import Foundation
import Testing

/// End-to-end: runs the built `infera` binary on Examples/ and on broken files, checking output and exit codes.
@Suite struct ValidateCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("infera")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    @Test(arguments: ["gcp-memorystore", "aws-elasticache", "upstash"])
    func examplesValidate(_ name: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build infera first")
        let r = try Self.run(["validate", "-f", "Examples/\(name)/infera.yaml"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("Examples/\(name)/infera.yaml: valid — "))
        #expect(!r.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func errorsExitOneWithRenderedDiagnostics() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("infera-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("infera.yaml")
        try "project_name: app\nprovider: gcp\nregion: us-central1\ncache:\n  instance:\n    tierr: BASIC\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try Self.run(["validate", "-f", file.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\(file.path):6:5: error: unknown key 'tierr' in 'cache.instance' (did you mean 'tier'?)\n   6 |     tierr: BASIC\n     |     ^~~~~\n"))
        #expect(r.stdout.hasSuffix("\(file.path): 1 error\n"))

        let json = try Self.run(["validate", "-f", file.path, "--format", "json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false && object["errors"] as? Int == 1)
    }

    @Test func missingFileIsAClearMessage() throws {
        let r = try Self.run(["validate", "-f", "does-not-exist.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("error: does-not-exist.yaml: no such file\n  hint: run `infera init`"))
    }

    @Test func defaultFileIsInferaYamlInTheCurrentDirectory() throws {
        let r = try Self.run(["validate"])   // the repository root has no infera.yaml
        #expect(r.status == 1 && r.stdout.contains("infera.yaml: no such file"))
    }

    @Test func schemaIsJSONSchema() throws {
        let r = try Self.run(["schema"])
        #expect(r.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func helpHasExamplesAndVersionWorks() throws {
        let help = try Self.run(["validate", "--help"])
        #expect(help.status == 0 && help.stdout.contains("Examples:") && help.stdout.contains("--no-color"))
        let version = try Self.run(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
        let completion = try Self.run(["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("validate"))
    }
}
