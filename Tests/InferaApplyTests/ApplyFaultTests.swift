import Foundation
import InferaHTTP
import InferaTestSupport
import Testing

/// Faults, crashes and bad input against the real binary and the fake.
@Suite(.serialized) struct ApplyFaultTests {
    static let fast = ["INFERA_RETRY_BASE_DELAY": "0.01", "INFERA_HTTP_TIMEOUT": "0.5"]

    /// With 30% of requests failing (5xx, 429 + Retry-After, resets before/after the change, responses
    /// slower than the timeout), repeated applies converge to exactly one database with the right settings.
    @Test(arguments: [11, 22, 33])
    func repeatedAppliesConvergeUnderFaults(seed: Int) async throws {
        let fake = try UpstashFake(seed: seed, faultRate: 0.3, slow: 0.8)
        defer { fake.stop() }
        let project = try UpstashProject(budget: 40, eviction: false, readRegions: ["eu-west-1", "ap-south-1"])
        defer { project.remove() }
        let infera = Infera(project, fake, extra: Self.fast)
        var succeeded = false
        var runs = 0
        while !succeeded && runs < 12 {
            runs += 1
            let r = try infera.run("apply", "--auto-approve")
            #expect(r.status == 0 || r.status == 1)
            if r.status == 1 {
                // One clear message, never a crash.
                #expect(r.stderr.components(separatedBy: "error: ").count == 2, "\(r.stderr)")
                #expect(r.stderr.contains("hint: "))
            }
            succeeded = r.status == 0
        }
        #expect(succeeded, "no apply succeeded in \(runs) runs")
        try await fake.configure(#"{"fault_rate": 0}"#)
        let dbs = try await fake.databases()
        #expect(dbs.count == 1, "duplicates: \(dbs.map { $0["database_id"] ?? "" })")
        let db = try #require(dbs.first)
        #expect(db["budget"] as? Int == 40 && db["eviction"] as? Bool == false)
        #expect(db["read_regions"] as? [String] == ["ap-south-1", "eu-west-1"])
        let again = try infera.run("apply", "--auto-approve")
        #expect(again.stdout.contains("Resources: 0 added, 0 changed, 0 destroyed."), "\(again.combined)")
        #expect(try await fake.violations() == [])
        #expect(!project.journal().contains("\"pending\""))
    }

    /// `kill -9` while the create is in flight, then re-run: the database is adopted, not duplicated.
    @Test func killedHalfwayThenRerunConvergesWithoutDuplicate() async throws {
        // The create answers after 10 s, a wide window for the kill even on a loaded machine; the kill
        // comes as soon as the fake has counted the create, so the test does not wait that long.
        let fake = try UpstashFake(slow: 10)
        defer { fake.stop() }
        try await fake.configure(#"{"mode": "slow_create"}"#)
        let project = try UpstashProject()
        defer { project.remove() }
        let infera = Infera(project, fake, extra: ["INFERA_RETRY_BASE_DELAY": "0.01", "INFERA_HTTP_TIMEOUT": "20"])
        let running = try InferaRunner.start(["apply", "--auto-approve"], cwd: project.dir, env: infera.env)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, (try await fake.stats()["creates"] as? Int ?? 0) < 1 { try await Task.sleep(nanoseconds: 20_000_000) }
        running.kill9()
        #expect(try await fake.databases().count == 1) // created, but infera never heard back
        #expect(project.journal().contains("\"started\""))
        try await fake.configure(#"{"mode": ""}"#)

        let r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.stdout.contains("Apply complete!"))
        let dbs = try await fake.databases()
        #expect(dbs.count == 1)
        let stats = try await fake.stats()
        #expect(stats["creates"] as? Int == 1)
        #expect(!project.journal().contains("\"started\"") && !project.journal().contains("\"pending\""))
    }

    /// Each bad input: exit 1, one message naming the resource and what to do, journal consistent.
    @Test func badInputGivesOneClearMessage() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let project = try UpstashProject()
        defer { project.remove() }
        func check(_ r: InferaRunner.Result, _ expected: [String], _ label: String) {
            #expect(r.status == 1, "\(label): \(r.combined)")
            #expect(r.stderr.components(separatedBy: "error: ").count == 2, "\(label): \(r.stderr)")
            for e in expected { #expect(r.stderr.contains(e), "\(label): missing '\(e)' in \(r.stderr)") }
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"), "\(label)")
            #expect(!project.journal().contains("\"started\"") && !project.journal().contains("\"pending\""), "\(label): journal")
        }
        // Unreachable endpoint (nothing listens on the port).
        let closed = try RedisTestClient.freeLoopbackPort()
        var infera = Infera(project, fake, extra: ApplyFaultTests.fast)
        infera.env["INFERA_UPSTASH_API_URL"] = "http://127.0.0.1:\(closed)"
        check(try infera.run("apply", "--auto-approve"), ["error: upstash_redis_database.main: cannot connect to", "hint: check your network", "INFERA_UPSTASH_API_URL"], "unreachable")
        // A malformed override.
        infera.env["INFERA_UPSTASH_API_URL"] = "127.0.0.1:\(closed)"
        check(try infera.run("plan"), ["INFERA_UPSTASH_API_URL", "hint: set it like"], "bad URL")

        // Bad credentials.
        infera = Infera(project, fake, extra: ApplyFaultTests.fast)
        infera.env["UPSTASH_API_KEY"] = "wrong-key"
        check(try infera.run("apply", "--auto-approve"), ["upstash_redis_database.main: Upstash refused the credentials", "(HTTP 401: Unauthorized)", "hint: check UPSTASH_EMAIL and UPSTASH_API_KEY"], "credentials")

        // A 4xx with the provider's error body.
        infera = Infera(project, fake, extra: ApplyFaultTests.fast)
        try await fake.configure(#"{"max_databases": 0}"#)
        check(try infera.run("apply", "--auto-approve"), ["upstash_redis_database.main: Upstash rejected the request to create database (HTTP 400: You have reached the maximum number of databases (0) for your plan)", "hint: "], "4xx")
        #expect(project.journal().contains("\"failed\""))
        try await fake.configure(#"{"max_databases": 100}"#)

        // An unexpected JSON shape.
        try await fake.configure(#"{"mode": "bad_shape"}"#)
        check(try infera.run("status"), ["upstash_redis_database.main: unexpected response from the Upstash API (expected a JSON array of databases)", "hint: check that INFERA_UPSTASH_API_URL"], "shape")
        try await fake.configure(#"{"mode": ""}"#)
        #expect(try await fake.databases().isEmpty)
    }

    /// Planted secrets (API key, database password, REST token) never reach stdout, stderr, the
    /// --debug log or any file infera writes.
    @Test func plantedSecretsNeverLeak() async throws {
        let apiKey = "PLANTED-API-KEY-5d41402abc"
        let fake = try UpstashFake(seed: 5, faultRate: 0.2, slow: 0.8, apiKey: apiKey)
        defer { fake.stop() }
        let project = try UpstashProject()
        defer { project.remove() }
        var infera = Infera(project, fake, extra: ApplyFaultTests.fast)
        infera.env["INFERA_LOG"] = "debug"
        var transcript = ""
        for args in [["plan", "--out", "infra", "--save", "plan.json"], ["apply", "--auto-approve"], ["apply", "--auto-approve"],
                     ["apply", "--auto-approve", "--debug", "--format", "json"], ["status"], ["status", "--format", "json"],
                     ["output"], ["output", "--json"], ["output", "redis_url"], ["plan", "--out", "infra", "--format", "json"]] {
            let r = try infera.run(args)
            transcript += r.stdout + r.stderr
        }
        #expect(transcript.contains("[DEBUG] infera: HTTP request: GET \(fake.baseURL)/v2/redis/databases"))
        #expect(transcript.contains("Authorization: <redacted>"))
        try await fake.configure(#"{"fault_rate": 0}"#)
        let dbs = try await fake.databases()
        #expect(dbs.count == 1)
        var planted = [apiKey, Base64.encode(Array("dev@example.com:\(apiKey)".utf8))] // the key, and the Basic header's value
        for db in dbs {
            for k in ["password", "rest_token", "read_only_rest_token"] { if let v = db[k] as? String { planted.append(v) } }
        }
        #expect(planted.count >= 5)
        var files = ""
        for f in project.files() { files += String(decoding: FileManager.default.contents(atPath: f) ?? Data(), as: UTF8.self) }
        #expect(project.files().contains { $0.hasSuffix("journal.json") })
        for secret in planted {
            #expect(!transcript.contains(secret), "\(secret.prefix(6))… leaked to stdout/stderr/log")
            #expect(!files.contains(secret), "\(secret.prefix(6))… leaked into a file")
        }
    }
}

