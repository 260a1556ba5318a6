import Foundation
import InferaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `infera server --daemonize yes --pidfile … --logfile …` behaves like redis-server: the command
/// returns once the detached server listens, the pid file names it and goes away at SHUTDOWN, the
/// log goes to the file, and a daemon that cannot start makes the command fail (what Redis's test
/// harness needs for its restart hook, COMPAT_RESTART_CMD).
@Suite("infera server --daemonize")
struct ServerDaemonTests {
    @Test func daemonizesWritesPidFileAndLogAndFailsLoudly() throws {
        let exe = try ServerProcess.inferaExecutable()
        let dir = NSTemporaryDirectory() + "/infera-daemon-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidPath = dir + "/server.pid", logPath = dir + "/server.log"
        let port = try RedisTestClient.freeLoopbackPort()
        var daemonPid: pid_t = 0
        defer { if daemonPid > 0 { kill(daemonPid, SIGKILL) } }

        let started = try ChildProcess.run(exe, ["server", "--port", String(port), "--bind", "127.0.0.1", "--daemonize", "yes",
                                                 "--pidfile", pidPath, "--logfile", logPath], timeout: .seconds(30))
        #expect(started.status == 0, "output: \(started.output)")
        let pidText = String(decoding: FileManager.default.contents(atPath: pidPath) ?? Data(), as: UTF8.self)
        daemonPid = pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        try #require(daemonPid > 0, "pid file: '\(pidText)'")
        #expect(kill(daemonPid, 0) == 0)

        // Ready when the command returned: no retry loop needed.
        let client = try RedisTestClient(port: port)
        #expect(try client.command("PING") == .simple("PONG"))
        #expect(try client.command("CONFIG", "GET", "daemonize") == .array([.bulk(Array("daemonize".utf8)), .bulk(Array("yes".utf8))]))
        let log = String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
        #expect(log.contains("Running mode=standalone, port=\(port)"))
        #expect(log.contains("\(daemonPid):M"))

        // A second daemon on the same port fails at startup and says where to look.
        let clash = try ChildProcess.run(exe, ["server", "--port", String(port), "--bind", "127.0.0.1", "--daemonize", "yes",
                                               "--logfile", logPath], timeout: .seconds(30))
        #expect(clash.status == 1)
        #expect(clash.output.contains("the daemon stopped during startup") && clash.output.contains(logPath))

        _ = try? client.command("SHUTDOWN", "NOSAVE")
        let deadline = ContinuousClock.now + .seconds(10)
        while kill(daemonPid, 0) == 0 && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(kill(daemonPid, 0) != 0, "the daemon is still running after SHUTDOWN")
        #expect(!FileManager.default.fileExists(atPath: pidPath), "the pid file outlived the server")
        let finalLog = String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
        #expect(finalLog.contains("Address already in use"))
        #expect(finalLog.contains("bye bye"))
    }

    @Test func unwritableLogFileIsRefusedBeforeDetaching() throws {
        let exe = try ServerProcess.inferaExecutable()
        let r = try ChildProcess.run(exe, ["server", "--port", "0", "--daemonize", "yes", "--logfile", "/nonexistent-dir/x.log"],
                                     timeout: .seconds(30))
        #expect(r.status == 1)
        #expect(r.output.contains("Can't open the log file"))
    }
}
