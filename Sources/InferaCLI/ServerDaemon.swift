#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RedisServer

/// `daemonize yes`, `pidfile` and `logfile` for `infera server`, like redis-server.
///
/// Forking a Swift process that already runs the concurrency runtime is unsafe, so the daemon is
/// a fresh copy of this executable started with `posix_spawn` in a new session (`setsid`), stdin and
/// stdout on /dev/null and stderr on the log file (or /dev/null). The parent waits until the child
/// reports that it listens (one byte on an inherited pipe) and exits 0, or, when the child exits
/// during startup (port in use, bad TLS file...), exits 1 pointing at the log file. So
/// `infera server --daemonize yes --port 7000 && redis-cli -p 7000 ping` works without a sleep.
enum ServerDaemon {
    /// Set in the child's environment: the number of the pipe descriptor to report readiness on.
    static let readyFDVariable = "INFERA_SERVER_DAEMON_READY_FD"

    /// True in the detached child.
    static var isDaemonChild: Bool { getenv(readyFDVariable) != nil }

    /// Starts the detached copy and returns the exit code for the parent.
    static func spawnDetached(logFile: String) -> Int32 {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return report("cannot create a pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let childFD: Int32 = 3

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        if logFile.isEmpty {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, logFile, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, childFD)
        posix_spawn_file_actions_addclose(&actions, readEnd)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        #if os(Linux)
        posix_spawnattr_setflags(&attr, Int16(0x80))   // POSIX_SPAWN_SETSID (glibc)
        #endif

        let exe = executablePath()
        var env = environmentStrings() + ["\(readyFDVariable)=\(childFD)"]
        var argv = CommandLine.arguments
        argv[0] = exe
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cArgv in
            withCStrings(env) { cEnv in posix_spawn(&pid, exe, &actions, &attr, cArgv, cEnv) }
        }
        env.removeAll()
        close(writeEnd)
        defer { close(readEnd) }
        guard rc == 0 else { return report("cannot start the daemon: \(String(cString: strerror(rc)))") }

        var byte: UInt8 = 0
        var n: Int
        repeat { n = read(readEnd, &byte, 1) } while n < 0 && errno == EINTR
        if n == 1 { return 0 }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let whereToLook = logFile.isEmpty ? "set --logfile to keep its log" : "see \(logFile)"
        return report("the daemon stopped during startup (exit status \(code)); \(whereToLook)")
    }

    /// In the child, once listening: writes the pid file and tells the parent.
    static func reportReady() {
        guard let v = getenv(readyFDVariable), let fd = Int32(String(cString: v)) else { return }
        unsetenv(readyFDVariable)
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
        close(fd)
    }

    /// Writes `pid` to `path` (redis-server's createPidFile); a failure is only logged.
    static func writePidFile(_ path: String, log: ServerLog) {
        let text = "\(getpid())\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            log.log(.warning, "Failed to write PID file: \(String(cString: strerror(errno)))")
            return
        }
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    /// A log sink appending to `path` (redis-server opens the log file for every line, so a
    /// rotated file is picked up; so do we).
    static func fileSink(_ path: String) -> @Sendable (String) -> Void {
        return { line in
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            guard fd >= 0 else { return }
            var l = line + "\n"
            l.withUTF8 { p in _ = write(fd, p.baseAddress, p.count) }
            close(fd)
        }
    }

    /// Checks that the log file can be opened (redis-server exits at startup otherwise).
    static func checkLogFile(_ path: String) -> String? {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        if fd < 0 { return "Can't open the log file: \(String(cString: strerror(errno)))" }
        close(fd)
        return nil
    }

    private static func report(_ message: String) -> Int32 {
        var line = "infera server: \(message)\n"
        line.withUTF8 { p in _ = write(2, p.baseAddress, p.count) }
        return 1
    }

    private static func executablePath() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    private static func environmentStrings() -> [String] {
        var out: [String] = []
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if !s.hasPrefix(readyFDVariable + "=") { out.append(s) }
            p += 1
        }
        return out
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
