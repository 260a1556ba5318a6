import Foundation
import InferaTestSupport
import Testing

/// The real `infera` binary against the local Upstash fake (OpenAPI-validated, 127.0.0.1).
@Suite(.serialized) struct ApplyEndToEndTests {
    static let fast = ["INFERA_RETRY_BASE_DELAY": "0.01", "INFERA_HTTP_TIMEOUT": "2"]

    @Test func planApplyStatusOutputNoopUpdateDestroyCycle() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let project = try UpstashProject(budget: 50)
        defer { project.remove() }
        let infera = Infera(project, fake, extra: Self.fast)

        var r = try infera.run("plan", "--out", "infra")
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.stdout.contains("Observed state: Upstash account dev@example.com at \(fake.baseURL)."))
        #expect(r.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy."))

        // No terminal and no --auto-approve: refuse instead of hanging.
        r = try infera.run("apply")
        #expect(r.status == 1)
        #expect(r.stderr.contains("refusing to apply without confirmation: no terminal to ask on"))
        var ci = infera
        ci.env["CI"] = "true"
        r = try ci.run("apply")
        #expect(r.status == 1 && r.stderr.contains("running under CI"))
        #expect(try await fake.databases().isEmpty)

        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.stdout.contains("upstash_redis_database.main: Creating..."))
        #expect(r.stdout.contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed."))
        let dbs = try await fake.databases()
        #expect(dbs.count == 1)
        let password = try #require(dbs.first?["password"] as? String)
        let endpoint = try #require(dbs.first?["endpoint"] as? String)
        #expect(!r.combined.contains(password))

        r = try infera.run("status")
        #expect(r.status == 0)
        #expect(r.stdout.contains("state:") && r.stdout.contains("active") && r.stdout.contains("\(endpoint):6379"))
        #expect(r.stdout.contains("last operation: create succeeded"))
        r = try infera.run("status", "--format", "json")
        let status = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let resources = try #require(status?["resources"] as? [[String: Any]])
        #expect(resources.first?["state"] as? String == "active" && resources.first?["tls"] as? Bool == true)

        r = try infera.run("output")
        #expect(r.status == 0 && r.stdout.contains("password    = <sensitive>") && r.stdout.contains("endpoint    = \"\(endpoint)\""))
        #expect(!r.stdout.contains(password))
        r = try infera.run("output", "redis_url", "--show-secrets")
        #expect(r.stdout == "rediss://default:\(password)@\(endpoint):6379\n")
        r = try infera.run("output", "port")
        #expect(r.stdout == "6379\n")
        r = try infera.run("output", "nope")
        #expect(r.status == 1 && r.stderr.contains("no output named 'nope'"))
        r = try infera.run("output", "--json")
        #expect(r.stdout.contains("\"sensitive\":true") || r.stdout.contains("\"sensitive\": true"))
        #expect(!r.stdout.contains(password))

        // Again: nothing to do.
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("Apply complete! Resources: 0 added, 0 changed, 0 destroyed."), "\(r.combined)")
        r = try infera.run("plan", "--out", "infra", "--detailed-exitcode")
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.stdout.contains("No changes."))

        // Change a setting: a real `~` update with before -> after, applied in place from a saved plan.
        try project.write(budget: 90)
        r = try infera.run("plan", "--out", "infra", "--detailed-exitcode", "--save", "plan.json")
        #expect(r.status == 2)
        #expect(r.stdout.contains("~ budget = 50 -> 90"))
        #expect(r.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."))
        r = try infera.run("apply", "plan.json")
        #expect(r.status == 0 && r.stdout.contains("Apply complete! Resources: 0 added, 1 changed, 0 destroyed."), "\(r.combined)")
        var now = try await fake.databases()
        #expect(now.count == 1 && now.first?["budget"] as? Int == 90)

        // A saved plan goes stale when live state changes after it was saved.
        try project.write(budget: 90, eviction: false)
        r = try infera.run("plan", "--out", "infra", "--save", "stale.json")
        #expect(r.stdout.contains("~ eviction = true -> false"))
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0)
        r = try infera.run("apply", "stale.json")
        #expect(r.status == 1)
        #expect(r.stderr.contains("the plan is stale"))
        #expect(r.stderr.contains("hint: run `infera plan --save FILE` again"))

        r = try infera.run("destroy", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("Destroy complete! Resources: 1 destroyed."), "\(r.combined)")
        #expect(try await fake.databases().isEmpty)
        r = try infera.run("destroy", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("Destroy complete! Resources: 0 destroyed."))
        now = try await fake.databases()
        #expect(now.isEmpty)
        #expect(try await fake.violations() == [])

        // The journal: private, no operation left open.
        let attrs = try FileManager.default.attributesOfItem(atPath: project.dir + "/.infera/shop/journal.json")
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        #expect(!project.journal().contains("\"started\"") && !project.journal().contains("\"pending\""))
    }

    @Test func productionDestroyNeedsForceAndReplacementNeedsAllowReplace() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let project = try UpstashProject(environment: "production")
        defer { project.remove() }
        let infera = Infera(project, fake, extra: Self.fast)
        var r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0, "\(r.combined)")

        // primary_region forces replacement of the database, which holds data.
        try (try String(contentsOfFile: project.config, encoding: .utf8)).replacingOccurrences(of: "region: us-east-1", with: "region: eu-central-1")
            .write(toFile: project.config, atomically: true, encoding: .utf8)
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 1)
        #expect(r.stdout.contains("# forces replacement"))
        #expect(r.stderr.contains("upstash_redis_database.main: this plan replaces a resource that holds data"))
        #expect(r.stderr.contains("--allow-replace"))
        r = try infera.run("apply", "--auto-approve", "--allow-replace")
        #expect(r.status == 0 && r.stdout.contains("Resources: 1 added, 0 changed, 1 destroyed."), "\(r.combined)")
        let dbs = try await fake.databases()
        #expect(dbs.count == 1 && dbs.first?["primary_region"] as? String == "eu-central-1")

        r = try infera.run("destroy", "--auto-approve")
        #expect(r.status == 1 && r.stderr.contains("refusing to destroy the production deployment shop"))
        #expect(try await fake.databases().count == 1)
        r = try infera.run("destroy", "--auto-approve", "--force")
        #expect(r.status == 0 && r.stdout.contains("Destroy complete! Resources: 1 destroyed."))
        #expect(try await fake.violations() == [])
    }

    @Test func findsAnExistingDatabaseByNameAndReconcilesIt() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let project = try UpstashProject(budget: 20, eviction: false, readRegions: [])
        defer { project.remove() }
        let infera = Infera(project, fake, extra: Self.fast)
        // shop-redis exists with other settings (made by hand, or by another machine).
        var r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0)
        try FileManager.default.removeItem(atPath: project.dir + "/.infera") // nothing known locally
        try project.write(budget: 70)
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("0 added, 1 changed"), "\(r.combined)")
        let dbs = try await fake.databases()
        #expect(dbs.count == 1)
        #expect(dbs.first?["budget"] as? Int == 70 && dbs.first?["eviction"] as? Bool == true)
        #expect(dbs.first?["read_regions"] as? [String] == ["eu-west-1"])
    }

    /// Dropping `read_regions` from infera.yaml is a change (to `[]`), planned and applied.
    @Test func removingReadRegionsIsPlannedAndApplied() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let project = try UpstashProject(readRegions: ["eu-west-1", "ap-south-1"])
        defer { project.remove() }
        let infera = Infera(project, fake, extra: Self.fast)
        var r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0, "\(r.combined)")
        try project.write(readRegions: [])
        r = try infera.run("plan", "--detailed-exitcode")
        #expect(r.status == 2, "\(r.combined)")
        #expect(r.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "\(r.stdout)")
        #expect(r.stdout.contains("read_regions"), "\(r.stdout)")
        r = try infera.run("apply", "--auto-approve")
        #expect(r.status == 0 && r.stdout.contains("0 added, 1 changed"), "\(r.combined)")
        #expect(try await fake.databases().first?["read_regions"] as? [String] ?? ["?"] == [])
        r = try infera.run("plan", "--detailed-exitcode")
        #expect(r.status == 0 && r.stdout.contains("No changes."), "\(r.combined)")
    }

    @Test func jsonEventsAndOfflinePlan() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let project = try UpstashProject()
        defer { project.remove() }
        let infera = Infera(project, fake, extra: Self.fast)
        var r = try infera.run("plan", "--offline", "--out", "infra")
        #expect(r.status == 0 && r.stdout.contains("Observed state: none (offline plan"))
        #expect(try await fake.stats()["requests"] as? Int == 0)
        r = try infera.run("apply", "--auto-approve", "--format", "json")
        #expect(r.status == 0, "\(r.combined)")
        let events = r.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.count == r.stdout.split(separator: "\n").count) // every line is a JSON object
        #expect(events.map { $0["type"] as? String ?? "" } == ["started", "completed", "apply_complete"])
        #expect(events.last?["added"] as? Int == 1)
        let outputs = events.last?["outputs"] as? [String: [String: Any]]
        #expect(outputs?["password"]?["sensitive"] as? Bool == true && outputs?["password"]?["value"] is NSNull)
        r = try infera.run("destroy", "--auto-approve", "--format", "json")
        #expect(r.stdout.hasSuffix("{\"destroyed\":1,\"type\":\"destroy_complete\"}\n"), "\(r.stdout)")
        try await fake.configure(#"{"max_databases": 0}"#)
        r = try infera.run("apply", "--auto-approve", "--format", "json")
        #expect(r.status == 1 && r.stdout.contains("\"type\":\"error\"") && r.stdout.contains("\"hint\":"), "\(r.stdout)")
    }

    @Test func planWithoutCredentialsFallsBackOffline() throws {
        let project = try UpstashProject()
        defer { project.remove() }
        let r = try InferaRunner.run(["plan", "--out", "infra"], cwd: project.dir, env: InferaRunner.environment([:]))
        #expect(r.status == 0)
        #expect(r.stderr.contains("note: no Upstash credentials found"))
        #expect(r.stdout.contains("Observed state: none (offline plan"))
        let r2 = try InferaRunner.run(["apply", "--auto-approve"], cwd: project.dir, env: InferaRunner.environment([:]))
        #expect(r2.status == 1 && r2.stderr.contains("error: upstash: no Upstash credentials found") && r2.stderr.contains("UPSTASH_API_KEY"))
    }
}

/// The confirmation prompts on a real terminal (a pseudo-terminal from util-linux `script`).
@Suite(.serialized) struct ApplyPromptTests {
    /// Runs infera on a pty, typing `answer` when asked; returns (exit status, transcript).
    static func onTerminal(_ args: [String], answer: String, project: UpstashProject, env: [String: String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([try ServerProcess.inferaExecutable()] + args).map { "'\($0)'" }.joined(separator: " ")
        p.arguments = ["-qec", command, "/dev/null"]
        p.environment = env
        p.currentDirectoryURL = URL(fileURLWithPath: project.dir)
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        try input.fileHandleForWriting.write(contentsOf: Data((answer + "\n").utf8))
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        try? input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (p.terminationStatus, text)
    }

    @Test func applyAsksAndOnlyYesApproves() async throws {
        let fake = try UpstashFake()
        defer { fake.stop() }
        let project = try UpstashProject(environment: "production")
        defer { project.remove() }
        let env = InferaRunner.environment(fake.environment.merging(["INFERA_RETRY_BASE_DELAY": "0.01", "TERM": "xterm"]) { $1 })
        var (status, text) = try Self.onTerminal(["apply", "--no-color"], answer: "y", project: project, env: env)
        #expect(status == 1 && text.contains("Do you want to perform these actions? Only 'yes' will be accepted:") && text.contains("Apply cancelled."), "\(text)")
        #expect(try await fake.databases().isEmpty)
        (status, text) = try Self.onTerminal(["apply", "--no-color"], answer: "yes", project: project, env: env)
        #expect(status == 0 && text.contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed."), "\(text)")
        #expect(try await fake.databases().count == 1)
        // Production destroy: the project name must be typed; "yes" is not enough.
        (status, text) = try Self.onTerminal(["destroy", "--no-color"], answer: "yes", project: project, env: env)
        #expect(status == 1 && text.contains("Type the project name (shop) to confirm") && text.contains("Destroy cancelled."), "\(text)")
        #expect(try await fake.databases().count == 1)
        (status, text) = try Self.onTerminal(["destroy", "--no-color"], answer: "shop", project: project, env: env)
        #expect(status == 0 && text.contains("Destroy complete! Resources: 1 destroyed."), "\(text)")
        #expect(try await fake.databases().isEmpty)
    }
}
