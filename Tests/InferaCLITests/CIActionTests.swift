import Foundation
import InferaTestSupport
import InferaYAML
import Testing
@testable import InferaCLI

/// Runs action.yml's steps as GitHub's runner would for a composite action — `${{ inputs.* }}` and
/// `${{ steps.*.outputs.* }}` substituted, `if:` evaluated, each `run:` under
/// `bash --noprofile --norc -eo pipefail`, GITHUB_OUTPUT/GITHUB_PATH/GITHUB_STEP_SUMMARY as files —
/// with the binary from this build: once through the `binary` input, once through the download path
/// from a local file:// "release" (checksum verified), once with a corrupted checksum. The one step
/// that `uses:` another action (actions/cache) is treated as a cache miss.
@Suite(.serialized) struct CIActionTests {
    static let root = CIWorkflowTests.root

    struct Run {
        var failedStep: String?
        var outputs: [String: [String: String]] = [:]
        var log = ""
        var path: [String] = []
        var summary = ""
        var usesSkipped: [String] = []
        var actionOutputs: [String: String] = [:]
    }

    /// Replaces `${{ expr }}` in `s` using `inputs` and step outputs.
    static func substitute(_ s: String, inputs: [String: String], outputs: [String: [String: String]], extra: [String: String]) -> String {
        var out = "", rest = Substring(s)
        while let open = rest.range(of: "${{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let expr = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += value(expr, inputs: inputs, outputs: outputs, extra: extra)
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    static func value(_ expr: String, inputs: [String: String], outputs: [String: [String: String]], extra: [String: String]) -> String {
        let parts = expr.split(separator: ".").map(String.init)
        if parts.count == 2 && parts[0] == "inputs" { return inputs[parts[1]] ?? "" }
        if parts.count == 4 && parts[0] == "steps" && parts[2] == "outputs" { return outputs[parts[1]]?[parts[3]] ?? "" }
        if let v = extra[expr] { return v }
        Issue.record("unsupported expression in action.yml: \(expr)")
        return ""
    }

    /// `a == 'x' && b != 'y'`: the only `if:` forms action.yml uses.
    static func condition(_ s: String, inputs: [String: String], outputs: [String: [String: String]]) -> Bool {
        s.components(separatedBy: "&&").allSatisfy { clause in
            let c = clause.trimmingCharacters(in: .whitespaces)
            let op = c.contains("!=") ? "!=" : "=="
            let sides = c.components(separatedBy: op).map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, sides[1].hasPrefix("'"), sides[1].hasSuffix("'") else {
                Issue.record("unsupported if: \(s)")
                return false
            }
            let lhs = value(sides[0], inputs: inputs, outputs: outputs, extra: [:])
            let rhs = String(sides[1].dropFirst().dropLast())
            return op == "==" ? lhs == rhs : lhs != rhs
        }
    }

    static func runAction(_ given: [String: String], in work: String) throws -> Run {
        let action = try CIWorkflowTests.load("action.yml")
        var inputs: [String: String] = [:]
        for pair in action["inputs"]?.mapping ?? [] {
            if let k = pair.key.scalar { inputs[k] = pair.value["default"]?.scalar ?? "" }
        }
        for (k, v) in given {
            #expect(inputs[k] != nil, "action.yml has no input \(k)")
            inputs[k] = v
        }
        let files = (output: work + "/github_output", path: work + "/github_path", summary: work + "/step_summary")
        for f in [files.path, files.summary] { _ = FileManager.default.createFile(atPath: f, contents: nil) }
        try FileManager.default.createDirectory(atPath: work + "/tool-cache", withIntermediateDirectories: true)
        var run = Run()
        let extra = ["github.action_path": root, "runner.temp": work]
        for (i, step) in (action["runs"]?["steps"]?.sequence ?? []).enumerated() {
            let id = step["id"]?.scalar ?? "step\(i)"
            let name = step["name"]?.scalar ?? id
            if let cond = step["if"]?.scalar, !condition(cond, inputs: inputs, outputs: run.outputs) { continue }
            if let uses = step["uses"]?.scalar {
                run.usesSkipped.append(uses)
                run.outputs[id] = ["cache-hit": "false"]
                continue
            }
            let script = try #require(step["run"]?.scalar, "step \(name) has neither run nor uses")
            #expect(step["shell"]?.scalar == "bash", "composite run steps need shell: bash (\(name))")
            var env = ProcessInfo.processInfo.environment
            env["GITHUB_OUTPUT"] = files.output
            env["GITHUB_PATH"] = files.path
            env["GITHUB_STEP_SUMMARY"] = files.summary
            env["RUNNER_TEMP"] = work
            env["RUNNER_TOOL_CACHE"] = work + "/tool-cache"
            env["NO_COLOR"] = "1"
            for pair in step["env"]?.mapping ?? [] {
                env[pair.key.scalar ?? ""] = substitute(pair.value.scalar ?? "", inputs: inputs, outputs: run.outputs, extra: extra)
            }
            #expect(!script.contains("${{"), "step \(name): expressions belong in env:, not in the script")
            _ = FileManager.default.createFile(atPath: files.output, contents: nil)
            let scriptPath = work + "/step-\(i).sh"
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            var cwd = root
            if let wd = step["working-directory"]?.scalar {
                let d = substitute(wd, inputs: inputs, outputs: run.outputs, extra: extra)
                cwd = d.hasPrefix("/") ? d : root + "/" + d
            }
            let r = try TestRun.run("/bin/bash", ["-c", "cd \"$0\" && exec bash --noprofile --norc -eo pipefail \"$1\"", cwd, scriptPath], environment: env, timeout: 60)
            run.log += "== \(name) (exit \(r.status))\n" + r.out + r.err
            var outs: [String: String] = [:]
            for line in (try? String(contentsOfFile: files.output, encoding: .utf8))?.split(separator: "\n") ?? [] {
                if let eq = line.firstIndex(of: "=") { outs[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
            }
            run.outputs[id] = outs
            if r.status != 0 { run.failedStep = name; break }
        }
        run.path = (try String(contentsOfFile: files.path, encoding: .utf8)).split(separator: "\n").map(String.init)
        run.summary = try String(contentsOfFile: files.summary, encoding: .utf8)
        for pair in action["outputs"]?.mapping ?? [] {
            run.actionOutputs[pair.key.scalar ?? ""] = substitute(pair.value["value"]?.scalar ?? "", inputs: inputs, outputs: run.outputs, extra: extra)
        }
        return run
    }

    static func withWork<T>(_ body: (String) throws -> T) throws -> T {
        let dir = NSTemporaryDirectory() + "infera-action-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    @Test func runsTheBuiltBinaryThroughTheBinaryInput() throws {
        let bin = try ServerProcess.inferaExecutable()
        let app = "Examples/apps/node-express-ioredis"
        let direct = try TestRun.run(bin, ["detect", Self.root + "/" + app, "--fail-on", "error"], environment: ["NO_COLOR": "1"], timeout: 60)
        try Self.withWork { work in
            let run = try Self.runAction(["command": "detect", "args": "\(app) --format markdown --fail-on error",
                                          "binary": bin, "allowed-exit-codes": "0 2", "output-file": work + "/detect.md"], in: work)
            #expect(run.failedStep == nil, "\(run.log)")
            #expect(run.usesSkipped.isEmpty, "the cache step is skipped when a binary is given")
            #expect(run.actionOutputs["exit-code"] == String(direct.status))
            #expect(run.actionOutputs["infera-path"] == bin)
            #expect(run.path == [(bin as NSString).deletingLastPathComponent])
            let md = try String(contentsOfFile: work + "/detect.md", encoding: .utf8)
            #expect(md.hasPrefix("<!-- infera:detect -->"))
            #expect(run.summary.hasPrefix("<!-- infera:detect -->"), "the job summary gets the same markdown")
            #expect(run.log.contains("infera 0.1.0"), "the PATH step prints the version")
        }
        // Quoted args keep their spaces; a disallowed exit code fails the step with an annotation.
        try Self.withWork { work in
            let run = try Self.runAction(["command": "plan", "args": "-f 'no such dir/infera.yaml'", "binary": bin], in: work)
            #expect(run.failedStep == "infera ${{ inputs.command }}")
            #expect(run.outputs["run"]?["exit-code"] == "1")
            #expect(run.log.contains("no such dir/infera.yaml"), "\(run.log)")
            #expect(run.log.contains("::error title=infera plan::exited with 1"))
        }
    }

    /// A local "release": <base>/v0.1.0/infera-0.1.0-linux-<arch>.tar.gz and .sha256, from the built binary.
    static func fakeRelease(_ work: String, corrupt: Bool) throws -> String {
        let bin = try ServerProcess.inferaExecutable()
        let arch = BuildInfo.arch
        let asset = "infera-\(InferaVersion.current)-linux-\(arch)"
        let base = work + "/releases", dir = base + "/v" + InferaVersion.current
        try FileManager.default.createDirectory(atPath: dir + "/" + asset, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: bin, toPath: dir + "/" + asset + "/infera")
        let r = try TestRun.run("/bin/bash", ["-c", "cd \"$0\" && tar -cf - \"$1\" | gzip -1 > \"$1.tar.gz\" && sha256sum \"$1.tar.gz\" > \"$1.tar.gz.sha256\" && rm -r \"$1\"", dir, asset], timeout: 60)
        #expect(r.status == 0, "\(r.err)")
        if corrupt {
            let sumPath = dir + "/" + asset + ".tar.gz.sha256"
            let sum = try String(contentsOfFile: sumPath, encoding: .utf8)
            try ((sum.hasPrefix("0") ? "1" : "0") + sum.dropFirst()).write(toFile: sumPath, atomically: true, encoding: .utf8)
        }
        return "file://" + base
    }

    @Test func downloadsVerifiesAndInstallsARelease() throws {
        try Self.withWork { work in
            let base = try Self.fakeRelease(work, corrupt: false)
            let run = try Self.runAction(["command": "version", "args": "--json", "base-url": base], in: work)
            #expect(run.failedStep == nil, "\(run.log)")
            #expect(run.usesSkipped == ["actions/cache@v4"])
            let installed = work + "/tool-cache/infera/\(InferaVersion.current)/\(BuildInfo.arch)/infera"
            #expect(FileManager.default.isExecutableFile(atPath: installed))
            #expect(run.path == [(installed as NSString).deletingLastPathComponent])
            #expect(run.log.contains("\"version\":\"\(InferaVersion.current)\""))
            #expect(run.log.contains(": OK"), "sha256sum -c ran")
        }
        try Self.withWork { work in
            let base = try Self.fakeRelease(work, corrupt: true)
            let run = try Self.runAction(["command": "version", "base-url": base], in: work)
            #expect(run.failedStep == "Download and verify infera")
            #expect(run.log.contains("SHA-256 mismatch"))
            #expect(!FileManager.default.fileExists(atPath: work + "/tool-cache/infera/\(InferaVersion.current)/\(BuildInfo.arch)/infera"),
                    "nothing is installed when the checksum does not match")
        }
        try Self.withWork { work in
            let run = try Self.runAction(["command": "version", "base-url": "file://" + work + "/nothing-here"], in: work)
            #expect(run.failedStep == "Download and verify infera")
            #expect(run.log.contains("::error title=infera::download failed"))
        }
    }
}

/// Runs a program with a bounded wait; returns (status, stdout, stderr).
enum TestRun {
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil, timeout: TimeInterval) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        if let environment {
            var env = environment
            if env["PATH"] == nil { env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin" }
            p.environment = env
        }
        let outFile = NSTemporaryDirectory() + "infera-run-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outFile + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: outFile + ".err", contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outFile + ".out"); try? FileManager.default.removeItem(atPath: outFile + ".err") }
        p.standardOutput = FileHandle(forWritingAtPath: outFile + ".out")
        p.standardError = FileHandle(forWritingAtPath: outFile + ".err")
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let out = (try? String(contentsOfFile: outFile + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: outFile + ".err", encoding: .utf8)) ?? ""
        return (p.terminationStatus, out, err)
    }
}
