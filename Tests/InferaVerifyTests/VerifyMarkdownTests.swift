import Foundation
import InferaPlan
import Testing
@testable import InferaVerify

/// `infera verify --format markdown` against Tests/Fixtures/ci/verify-markdown/<case>.md, one or
/// more real runs per provider (the checks and an application on the engine). What changes from run
/// to run (client ports and ids, timings, memory, the command rate) is fixed before rendering; the
/// rest is the real report. `INFERA_RECORD=1` rewrites the files and fails.
@Suite("Verify markdown summaries (golden files)")
struct VerifyMarkdownTests {
    static let dir = VerifyPaths.repoRoot + "/Tests/Fixtures/ci/verify-markdown"

    /// Python run by the application cases: a blocked command for Memorystore (CONFIG SET), one for
    /// Upstash (SORT), KEYS, a key without a TTL.
    static let appScript = """
    import os, redis
    r = redis.from_url(os.environ["REDIS_URL"], ssl_ca_certs=os.environ["REDIS_CA_CERT"])
    try:
        r.config_set("notify-keyspace-events", "Ex")
    except redis.ResponseError as e:
        print("config set:", e)
    r.setex("cache:product:1", 600, "kettle")
    r.set("catalogue:version", "7")
    r.sadd("products:ids", "1", "2")
    try:
        r.sort("products:ids")
    except redis.ResponseError as e:
        print("sort:", e)
    r.keys("cache:*")
    """

    /// Client ports and ids, timings, memory and the rate (hence the cost) replaced by fixed values.
    static func normalized(_ report: VerifyReport, spec: DeploymentSpec) -> VerifyReport {
        var r = report
        r.durationMilliseconds = 1000
        r.engine.url = r.engine.url.replacing(/127\.0\.0\.1:\d+/, with: "127.0.0.1:6379")
        r.engine.startMilliseconds = 5
        for i in r.checks.indices { r.checks[i].milliseconds = 1 }
        if var a = r.app {
            func fix(_ s: String) -> String { s.replacing(/id=\d+ addr=127\.0\.0\.1:\d+/, with: "id=7 addr=127.0.0.1:50000") }
            for i in a.commands.indices { a.commands[i].firstClient = fix(a.commands[i].firstClient) }
            for i in a.incompatible.indices { a.incompatible[i].firstClient = fix(a.incompatible[i].firstClient) }
            for i in a.restricted.indices { a.restricted[i].firstClient = fix(a.restricted[i].firstClient) }
            // The interpreter's path depends on the clone; the script is in this file.
            a.command = ["python", "-c", "import os, redis; r = redis.from_url(os.environ['REDIS_URL'], ssl_ca_certs=os.environ['REDIS_CA_CERT']); r.config_set('notify-keyspace-events', 'Ex')"]
            a.durationSeconds = 2
            a.peakMemoryBytes = 3 << 20
            a.evictedKeys = 0
            a.projectCost(settings: VerifySettings(spec: spec))
            r.app = a
        }
        return r
    }

    static func run(_ spec: DeploymentSpec, checks: [String]? = nil, app: Bool, faults: EngineFaults = EngineFaults()) async throws -> String {
        VerifyMarkdown.render(try await report(spec, checks: checks, app: app, faults: faults))
    }

    static func report(_ spec: DeploymentSpec, checks: [String]? = nil, app: Bool, faults: EngineFaults = EngineFaults()) async throws -> VerifyReport {
        var o = VerifyOptions()
        o.checks = checks
        o.faults = faults
        if app {
            o.command = [VerifyPaths.python, "-c", appScript]
            o.commandStdoutToStderr = true
        }
        return normalized(try await VerifyRun.run(spec: spec, options: o), spec: spec)
    }

    /// The checks whose reasons carry no run-dependent figures (memory's carries eviction counts).
    static let stableChecks = VerifyCheck.all.map(\.id).filter { $0 != "memory" }

    @Test("golden markdown for each provider: passing, failing checks, application findings")
    func goldenMarkdown() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: VerifyPaths.python), "run `make setup` for .venv (redis-py)")
        let cases: [(String, String)] = [
            ("memorystore-app", try await Self.run(Specs.memorystore(persistence: true), checks: Self.stableChecks, app: true)),
            ("elasticache-checks-failed", try await Self.run(Specs.elasticache(), checks: Self.stableChecks, app: false,
                                                            faults: faults { $0.dropConfigs = true; $0.noRestrictions = true })),
            ("upstash-app", try await Self.run(Specs.upstash(), checks: ["connect", "auth", "tls", "limits"], app: true)),
        ]
        for (name, markdown) in cases {
            let path = Self.dir + "/\(name).md"
            if ProcessInfo.processInfo.environment["INFERA_RECORD"] == "1" {
                try FileManager.default.createDirectory(atPath: Self.dir, withIntermediateDirectories: true)
                try markdown.write(toFile: path, atomically: true, encoding: .utf8)
                Issue.record("recorded \(path); run again without INFERA_RECORD=1")
                continue
            }
            let expected = try String(contentsOfFile: path, encoding: .utf8)
            #expect(markdown == expected, "\(name): markdown differs from \(path) (INFERA_RECORD=1 to record)")
        }
    }

    @Test("the head names what a reviewer acts on; the summary fits GitHub's limit")
    func headAndLimit() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: VerifyPaths.python))
        let md = try await Self.run(Specs.memorystore(), checks: ["connect", "blocked-commands"], app: true,
                                    faults: faults { $0.noRestrictions = true })
        let head = md.components(separatedBy: "<details>")[0]
        #expect(head.hasPrefix("<!-- infera:verify -->\n## infera verify: `shop` on Memorystore — ❌ 1 check failed"))
        #expect(head.contains("### Failed checks") && head.contains("**Fix:**"))
        #expect(head.contains("`blocked-commands`"))
        #expect(md.utf8.count <= 65_536)
        let ok = try await Self.run(Specs.memorystore(), checks: ["connect"], app: true)
        #expect(ok.contains("— ❌ 1 command would fail"))
        #expect(ok.contains("| `CONFIG SET` | 1 | blocked (NOPERM) | client id="))
        #expect(!ok.contains("`SORT`  |"), "SORT is allowed on Memorystore")
        // A report too long for a comment keeps its head and cuts the folded details.
        var big = try await Self.report(Specs.memorystore(auth: false, tls: false), checks: ["connect"], app: false)
        var app = AppReport(command: ["x"], environment: [])
        app.commands = (0..<3000).map { CommandRecorder.Use(command: "COMMAND-NUMBER-\($0)", count: $0 + 1, firstClient: "") }
        big.app = app
        let cut = VerifyMarkdown.render(big, limit: 4000)
        #expect(cut.utf8.count <= 4000)
        #expect(cut.hasPrefix("<!-- infera:verify -->") && cut.contains("**App:**"))
        #expect(cut.contains("Summary truncated"))
    }
}

