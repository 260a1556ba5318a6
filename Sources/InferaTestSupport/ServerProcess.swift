// Launches redis-server and `infera server` on free loopback ports for tests and waits, bounded
// in time, until they answer PING. A watchdog process kills the server if the test process dies,
// so no server outlives a crashed test run.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A server child process listening on `127.0.0.1:port`.
public final class ServerProcess: @unchecked Sendable {
    /// The loopback port the server listens on.
    public let port: Int
    /// A short name for diagnostics (`redis-server`, `infera server`).
    public let name: String
    /// Where the server's stdout/stderr go.
    public let logPath: String

    private let process: ChildProcess
    private let watchdog: ChildProcess?
    private let lock = NSLock()
    private var stopped = false

    /// The process id of the server.
    public var pid: Int32 { process.pid }

    private init(port: Int, name: String, logPath: String, process: ChildProcess, watchdog: ChildProcess?) {
        self.port = port
        self.name = name
        self.logPath = logPath
        self.process = process
        self.watchdog = watchdog
    }

    deinit { stop() }

    /// The server's log so far (for failure messages), at most the last 4 KiB.
    public func logTail() -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(4096), as: UTF8.self)
    }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Stops the server: SIGTERM, up to 5 s to exit, then SIGKILL. Idempotent.
    public func stop() {
        lock.lock()
        if stopped { lock.unlock(); return }
        stopped = true
        lock.unlock()
        process.terminate(grace: .seconds(5))
        watchdog?.terminate(grace: .zero)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Finds an executable on PATH (or returns an absolute path if it exists).
    public static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts Debian's redis-server on a free random loopback port with persistence off.
    /// Fails (never skips) when redis-server is not installed.
    public static func startRedis(extraArguments: [String] = [], readyTimeout: Duration = .seconds(10)) throws -> ServerProcess {
        guard let exe = which("redis-server") else {
            throw RedisTestError("redis-server not found on PATH: the differential tests need Debian's redis-server 7.0 (run scripts/setup.sh)")
        }
        return try start(name: "redis-server", executable: exe, readyTimeout: readyTimeout) { port in
            ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--databases", "16", "--logfile", ""] + extraArguments
        }
    }

    /// Starts the built `infera server` binary on a free random loopback port.
    public static func startInfera(extraArguments: [String] = [], readyTimeout: Duration = .seconds(20)) throws -> ServerProcess {
        let exe = try inferaExecutable()
        return try start(name: "infera server", executable: exe, readyTimeout: readyTimeout) { port in
            ["server", "--port", String(port), "--bind", "127.0.0.1"] + extraArguments
        }
    }

    /// The `infera` executable to test: `$INFERA_BIN`, else the one built next to the test bundle.
    public static func inferaExecutable() throws -> String {
        if let env = ProcessInfo.processInfo.environment["INFERA_BIN"], !env.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: env) else {
                throw RedisTestError("INFERA_BIN=\(env) is not an executable file")
            }
            return env
        }
        var candidates: [String] = []
        if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var dir = (me as NSString).deletingLastPathComponent
            // The test runner may live inside an .xctest bundle directory on some platforms.
            while dir.hasSuffix(".xctest") || dir.hasSuffix("/Contents/MacOS") || dir.hasSuffix("/Contents") {
                dir = (dir as NSString).deletingLastPathComponent
            }
            candidates.append(dir + "/infera")
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/infera")
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
        throw RedisTestError("the infera executable was not found (looked at \(candidates.joined(separator: ", "))); build it with `swift build --build-tests` or set INFERA_BIN")
    }

    /// Starts `executable` with the arguments built for a free port, retrying on a port race,
    /// and waits until it answers PING (any reply counts: NOAUTH means it is up).
    public static func start(name: String, executable: String, readyTimeout: Duration,
                             environment: [String: String]? = nil,
                             arguments: (Int) -> [String]) throws -> ServerProcess {
        var lastError: Error = RedisTestError("\(name) did not start")
        for _ in 0..<3 {
            let port = try RedisTestClient.freeLoopbackPort()
            let logPath = NSTemporaryDirectory() + "/infera-test-\(name.replacingOccurrences(of: " ", with: "-"))-\(port)-\(UInt32.random(in: 0...UInt32.max)).log"
            guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
                throw RedisTestError("cannot create \(logPath)")
            }
            let args = arguments(port)
            let p = try ChildProcess.spawn(executable: executable, arguments: args, outputPath: logPath, environment: environment)
            let watchdog = startWatchdog(child: p.pid)
            let server = ServerProcess(port: port, name: name, logPath: logPath, process: p, watchdog: watchdog)
            do {
                try server.waitUntilReady(timeout: readyTimeout)
                return server
            } catch {
                lastError = RedisTestError("\(name) (\(executable) \(args.joined(separator: " "))) did not become ready on port \(port): \(error)\n--- log ---\n\(server.logTail())")
                server.stop()
            }
        }
        throw lastError
    }

    private func waitUntilReady(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        var last = "no attempt"
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw RedisTestError("exited (\(process.exitDescription))")
            }
            do {
                let c = try RedisTestClient(port: port, timeout: .milliseconds(500))
                defer { c.close() }
                let reply = try c.command("PING")
                last = "\(reply)"
                // `-LOADING` would mean not ready yet; anything else (PONG, NOAUTH) means serving.
                if case .error(let e) = reply, e.hasPrefix("LOADING") { continue }
                return
            } catch {
                last = "\(error)"
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        throw RedisTestError("not ready after \(timeout): \(last)")
    }

    /// A tiny shell loop that kills `child` once this test process is gone.
    private static func startWatchdog(child: Int32) -> ChildProcess? {
        let me = getpid()
        let script = "while kill -0 \(me) 2>/dev/null && kill -0 \(child) 2>/dev/null; do sleep 1; done; kill -9 \(child) 2>/dev/null; exit 0"
        return try? ChildProcess.spawn(executable: "/bin/sh", arguments: ["-c", script], outputPath: "/dev/null", environment: nil)
    }

    /// Resident memory of the server in bytes (VmRSS from /proc), if readable.
    public func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}

/// A child process started with posix_spawn and an EMPTY signal mask and default signal
/// handlers (Foundation's Process lets the child inherit the test runner's blocked signals, so
/// SIGTERM would never reach it). stdin is /dev/null; stdout and stderr go to `outputPath`.
public final class ChildProcess: @unchecked Sendable {
    /// The child's process id.
    public let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?

    private init(pid: pid_t) { self.pid = pid }

    /// Spawns `executable` with `arguments` (argv[0] is added).
    public static func spawn(executable: String, arguments: [String], outputPath: String,
                             environment: [String: String]?) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let env = environment ?? ProcessInfo.processInfo.environment
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else {
            throw RedisTestError("cannot run \(executable): \(String(cString: strerror(rc)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Whether the child is still running (reaps it once it has exited).
    public var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        if status != nil { return false }
        var st: Int32 = 0
        let r = waitpid(pid, &st, WNOHANG)
        if r == pid || r < 0 {
            status = r < 0 ? -1 : st
            return false
        }
        return true
    }

    /// How the child ended, for diagnostics.
    public var exitDescription: String {
        lock.lock(); defer { lock.unlock() }
        guard let st = status else { return "still running" }
        if st < 0 { return "already reaped" }
        if st & 0x7f == 0 { return "exit status \((st >> 8) & 0xff)" }
        return "killed by signal \(st & 0x7f)"
    }

    /// The exit status if the child exited normally, else nil.
    public var exitStatus: Int32? {
        lock.lock(); defer { lock.unlock() }
        guard let st = status, st >= 0, st & 0x7f == 0 else { return nil }
        return (st >> 8) & 0xff
    }

    /// Runs a program to completion (killed after `timeout`) and returns its exit status
    /// (nil if it was killed or crashed) and its combined stdout/stderr.
    public static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(120),
                           environment: [String: String]? = nil) throws -> (status: Int32?, output: String) {
        let out = NSTemporaryDirectory() + "/infera-run-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let child = try spawn(executable: executable, arguments: arguments, outputPath: out, environment: environment)
        let deadline = ContinuousClock.now + timeout
        while child.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let timedOut = child.isRunning
        child.terminate(grace: .milliseconds(500))
        let text = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
        if timedOut {
            throw RedisTestError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout); output:\n\(text)")
        }
        return (child.exitStatus, text)
    }

    /// SIGTERM, wait up to `grace`, then SIGKILL and reap (bounded). Idempotent.
    public func terminate(grace: Duration) {
        guard isRunning else { return }
        if grace > .zero {
            kill(pid, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
        }
        if isRunning {
            kill(pid, SIGKILL)
            let hard = ContinuousClock.now + .seconds(2)
            while isRunning && ContinuousClock.now < hard { Thread.sleep(forTimeInterval: 0.005) }
        }
    }
}
