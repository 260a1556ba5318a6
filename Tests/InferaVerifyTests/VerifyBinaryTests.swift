import Foundation
import Testing
@testable import InferaVerify

/// The built `infera` binary end to end: `verify -- node …` on the Node example (no npm packages:
/// Redis over Node's built-in net/tls), `apply --dry-run`, markdown to the job summary.
/// Go and Ruby apps are not run: their toolchains are not installed on this machine.
@Suite("infera verify through the binary")
struct VerifyBinaryTests {
    static let binary = VerifyPaths.repoRoot + "/.build/debug/infera"
    static let nodeApp = VerifyPaths.repoRoot + "/Examples/verify-apps/node-orders"

    /// `node` on PATH, nil when it is not installed.
    static let node: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/node"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }()

    static func run(_ args: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["GITHUB_STEP_SUMMARY"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("infera-verify-bin-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: tmp.path + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: tmp.path + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: tmp.path + ".out")
            try? FileManager.default.removeItem(atPath: tmp.path + ".err")
        }
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp.path + ".out"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp.path + ".err"))
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let out = (try? String(contentsOfFile: tmp.path + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: tmp.path + ".err", encoding: .utf8)) ?? ""
        return (p.terminationStatus, out, err)
    }

    /// A copy of the Node app with `example`'s infera.yaml beside it (so detect reads the app).
    static func nodeAppCopy(with example: String) throws -> String {
        let dir = NSTemporaryDirectory() + "infera-verify-node-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: nodeApp, toPath: dir)
        try FileManager.default.copyItem(atPath: VerifyPaths.repoRoot + "/Examples/\(example)/infera.yaml", toPath: dir + "/infera.yaml")
        return dir
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text.prefix(200))")
    }

    @Test("a Node app's test (built-in net/tls RESP client): SORT is reported for Upstash, not for Memorystore",
          .enabled(if: node != nil, "node is not installed: the Node example app is skipped"))
    func nodeApp() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build first: swift build --build-tests")
        let node = try #require(Self.node)

        let ms = try Self.nodeAppCopy(with: "gcp-memorystore")
        defer { try? FileManager.default.removeItem(atPath: ms) }
        let a = try Self.run(["verify", "-f", ms + "/infera.yaml", "--checks", "none", "--format", "json", "--fail-on", "incompatible",
                              "--", node, ms + "/test/smoke.js"])
        #expect(a.status == 0, "\(a.err)")
        #expect(a.err.contains("smoke ok\n"), "the app's own output goes to stderr with --format json: \(a.err)")
        let msApp = try #require(try Self.json(a.out)["app"] as? [String: Any])
        #expect((msApp["incompatible"] as? [Any])?.isEmpty == true, "\(msApp["incompatible"] ?? "")")
        let commands = try #require(msApp["commands"] as? [[String: Any]])
        #expect(commands.contains { $0["command"] as? String == "SORT" && $0["count"] as? Int == 1 })
        #expect(commands.contains { $0["command"] as? String == "AUTH" }, "the app authenticated (AUTH planned)")
        #expect((msApp["environment"] as? [String])?.contains("ORDERS_REDIS_URL") == true, "detect finds the name the app reads")
        #expect(msApp["keys_without_ttl_sample"] as? [String] == ["product:*:name", "product:*:views", "products:ids"])
        #expect(msApp["keys_without_ttl"] as? Int == 7)

        let up = try Self.nodeAppCopy(with: "upstash")
        defer { try? FileManager.default.removeItem(atPath: up) }
        let b = try Self.run(["verify", "-f", up + "/infera.yaml", "--checks", "none", "--fail-on", "incompatible",
                              "--", node, up + "/test/smoke.js"])
        #expect(b.status == 2, "the tests passed but sent a command Upstash does not offer: \(b.out)\n\(b.err)")
        #expect(b.out.contains("smoke ok (without SORT)") || b.err.contains("smoke ok (without SORT)"))
        #expect(b.out.contains("would fail on Upstash: SORT (1×) — blocked; first sent by client id="), "\(b.out)")
        #expect(b.out.contains("exit status 0 after"))
        #expect(b.out.contains("≈ $") && b.out.contains("Upstash pay-as-you-go"), "pay-per-request: the rate becomes a monthly cost")
        // Without --fail-on the command's own status is kept.
        let c = try Self.run(["verify", "-f", up + "/infera.yaml", "--checks", "none", "--", node, up + "/test/smoke.js"])
        #expect(c.status == 0)
    }

    @Test("start-up: the engine serves before detect and the CA bundle; INFERA_VERIFY_TRACE=1 names each phase in order; no libcurl loaded")
    func startupOrderAndTrace() throws {
        let dir = NSTemporaryDirectory() + "infera-verify-trace-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: VerifyPaths.repoRoot + "/Examples/gcp-memorystore/infera.yaml", toPath: dir + "/infera.yaml")
        // The command sees the CA bundle (written after the engine serves) and libcurl is not mapped.
        let probe = #"test -s "$SSL_CERT_FILE" && test -s "$REDIS_CA_CERT" && ! grep -q libcurl /proc/$PPID/maps"#
        let r = try Self.run(["verify", "-f", dir + "/infera.yaml", "--checks", "none", "--", "sh", "-c", probe],
                             environment: ["INFERA_VERIFY_TRACE": "1"])
        #expect(r.status == 0, "\(r.err)")
        var at: [String: Int] = [:]
        var order: [String] = []
        for line in r.err.split(separator: "\n") where line.hasPrefix("verify: trace ") {
            let parts = line.split(separator: " ")
            let phase = String(parts[2])
            if at[phase] == nil { order.append(phase) }
            at[phase] = at[phase] ?? Int(parts[3])
        }
        for phase in ["parsed", "config-loaded", "tls-generated", "engine-constructed", "listening", "detected", "bundle-written", "command-started"] {
            #expect(at[phase] != nil, "no trace line for \(phase): \(r.err)")
        }
        #expect(Array(order.prefix(7)) == ["parsed", "config-loaded", "planned", "tls-start", "tls-generated", "engine-start", "engine-constructed"], "\(order)")
        if let listening = at["listening"], let detected = at["detected"], let bundle = at["bundle-written"], let started = at["command-started"] {
            #expect(listening <= detected && listening <= bundle, "detect and the bundle come after the engine listens: \(order)")
            #expect(detected <= started && bundle <= started)
        }
        // The announcement comes after the engine listens; without the variable there are no trace lines.
        let quiet = try Self.run(["verify", "-f", dir + "/infera.yaml", "--checks", "none"])
        #expect(quiet.status == 0 && !quiet.err.contains("verify: trace") && quiet.err.contains("verify: engine ready on rediss://:***@127.0.0.1:"), "\(quiet.err)")
    }

    @Test("apply --dry-run: the offline plan, then the checks on the bundled engine; no cloud call")
    func applyDryRun() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let r = try Self.run(["apply", "--dry-run", "--no-color", "-f", VerifyPaths.repoRoot + "/Examples/gcp-memorystore/infera.yaml"],
                             environment: ["GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent", "GOOGLE_CLOUD_PROJECT": "infera-dry-run-test"])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        #expect(r.out.contains("Dry run: no cloud calls were made"))
        #expect(r.out.contains("infera verify: my-api on Memorystore"))
        #expect(r.out.contains("PASS blocked-commands"))
        #expect(r.out.contains("0 failed"))
    }

    @Test("--format markdown goes to stdout and, under GitHub Actions, to the job summary")
    func markdownAndStepSummary() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let summary = NSTemporaryDirectory() + "infera-verify-summary-\(UUID().uuidString).md"
        defer { try? FileManager.default.removeItem(atPath: summary) }
        let r = try Self.run(["verify", "-f", VerifyPaths.repoRoot + "/Examples/aws-elasticache/infera.yaml", "--checks", "connect,auth,limits",
                              "--format", "markdown"], environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("<!-- infera:verify -->\n## infera verify: "))
        #expect(r.out.contains("on ElastiCache — ✅ ready for ElastiCache"))
        let written = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(written == r.out + "\n" || written == r.out + "\n\n", "the job summary holds the same markdown")
    }
}
