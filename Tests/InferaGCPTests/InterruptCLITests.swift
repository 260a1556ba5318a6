import Foundation
import InferaTestSupport
import Testing

/// Ctrl-C during `apply`, through the real binary: the run stops gracefully, the accepted
/// operation stays pending in the journal, and the re-run waits for that operation.
extension MemorystoreCLITests {
    @Test func ctrlCDuringTheOperationWaitStopsGracefullyAndTheRerunResumes() async throws {
        let fake = try GCPFake(polls: 100_000)
        let d = Deployment()
        try d.write()
        let env = InferaRunner.environment(fake.environment.merging(["INFERA_POLL_INTERVAL": "0.02"]) { $1 })
        let running = try InferaRunner.start(["apply", "--auto-approve", "-f", "infera.yaml"], cwd: d.dir, env: env)
        var token: String?
        for _ in 0..<1000 where token == nil {
            usleep(20_000)
            let j = d.journal().replacingOccurrences(of: "\\/", with: "/")
            if let r = j.range(of: ##"op:projects/[^"#]+"##, options: .regularExpression) { token = String(j[r]) }
        }
        let op = try #require(token, "the journal never showed the pending operation")
        running.send(SIGINT)
        let stopped = running.wait(timeout: 20)
        #expect(stopped.status == 1, "\(stopped.combined)")
        #expect(stopped.stderr.contains("Interrupt received."), "\(stopped.combined)")
        #expect(stopped.stderr.contains("Gracefully shutting down..."))
        #expect(stopped.stderr.contains("error: apply: interrupted"), "\(stopped.combined)")
        #expect(stopped.stderr.contains("re-run `infera apply`"))
        #expect(d.journal().contains("\"pending\""), "the operation must stay pending in the journal")

        try await fake.configure(#"{"finish_ops_after": 3, "clear_requests": true}"#)
        let resumed = try run(d, ["apply", "--auto-approve"], fake)
        #expect(resumed.status == 0, "\(resumed.combined)")
        #expect(resumed.stdout.contains("Waiting for the create started by an earlier, interrupted run"), "\(resumed.combined)")
        let reqs = try await fake.requests()
        #expect(reqs.contains { $0["path"] as? String == "/v1/" + String(op.dropFirst(3)) })
        #expect(!reqs.contains { $0["method"] as? String == "POST" && ($0["path"] as? String)?.hasSuffix("/instances") == true },
                "the re-run created the instance again")
        #expect(try await instances(fake).count == 1)
        #expect(!d.journal().contains("\"pending\""))
    }
}
