import Foundation
import InferaHTTP

/// The fake Upstash Developer API (Tests/Fakes/upstash_fake.py) on a random 127.0.0.1 port.
/// It validates every request against the OpenAPI document, keeps state, and injects faults from a
/// seed. Stopped by `stop()` / deinit; it also exits by itself when this process dies (its stdin closes).
public final class UpstashFake: @unchecked Sendable {
    public let port: Int
    public let email = "dev@example.com"
    public let apiKey: String
    private let process: Process
    private let stdin: Pipe
    private let transport = CurlTransport(settings: TransportSettings(connectTimeout: 2, totalTimeout: 10))

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Environment for `infera` to use this fake.
    public var environment: [String: String] {
        ["INFERA_UPSTASH_API_URL": baseURL, "UPSTASH_EMAIL": email, "UPSTASH_API_KEY": apiKey]
    }

    /// The repository root (from this file's location).
    public static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The project's Python (.venv) when set up, else python3 on PATH.
    public static var python: String {
        let venv = repoRoot + "/.venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : (ServerProcess.which("python3") ?? "/usr/bin/python3")
    }

    public init(seed: Int = 1, faultRate: Double = 0, slow: Double = 2, apiKey: String = "fake-api-key-0000") throws {
        self.apiKey = apiKey
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python)
        p.arguments = [Self.repoRoot + "/Tests/Fakes/upstash_fake.py", "--port", "0", "--seed", String(seed),
                       "--fault-rate", String(faultRate), "--slow", String(slow)]
        var env = ProcessInfo.processInfo.environment
        env["FAKE_UPSTASH_API_KEY"] = apiKey
        p.environment = env
        let out = Pipe()
        stdin = Pipe()
        p.standardOutput = out
        p.standardInput = stdin
        try p.run()
        process = p
        // Read "PORT=n" (bounded: 15 s).
        var buffer = Data()
        let deadline = Date().addingTimeInterval(15)
        var found: Int?
        let fd = out.fileHandleForReading.fileDescriptor
        while found == nil && Date() < deadline && p.isRunning {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 200) > 0 {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                let text = String(decoding: buffer, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT=") }) { found = Int(line.dropFirst(5)) }
            }
        }
        guard let port = found else {
            p.terminate()
            throw RedisTestError("the Upstash fake did not start (python: \(Self.python)); output: \(String(decoding: buffer, as: UTF8.self))")
        }
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        guard process.isRunning else { return }
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    func admin(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> Any {
        let req = body.map { HTTPRequest(method: method, url: baseURL + path, text: $0, contentType: "application/json") }
            ?? HTTPRequest(method: method, url: baseURL + path)
        let r = try await transport.send(req)
        return try JSONSerialization.jsonObject(with: Data(r.body), options: [.fragmentsAllowed])
    }

    /// Every database the fake holds (with secrets).
    public func databases() async throws -> [[String: Any]] {
        (try await admin(.GET, "/__fake/state") as? [[String: Any]]) ?? []
    }

    /// Request counts, violations of the OpenAPI document, faults injected.
    public func stats() async throws -> [String: Any] {
        (try await admin(.GET, "/__fake/stats") as? [String: Any]) ?? [:]
    }

    /// Requests that did not match the OpenAPI document.
    public func violations() async throws -> [String] { (try await stats()["violations"] as? [String]) ?? [] }

    /// Changes fault injection (`fault_rate`, `seed`, `slow`) or the mode (`bad_shape`, `slow_create`).
    public func configure(_ json: String) async throws { _ = try await admin(.POST, "/__fake/config", json) }

    public func reset() async throws { _ = try await admin(.POST, "/__fake/reset", "{}") }
}

/// Runs the `infera` binary (bounded in time) with its own environment and working directory.
public enum InferaRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var combined: String { stdout + stderr }
    }

    /// A clean environment for infera: PATH and HOME only, plus `extra` (no CI variable unless given).
    public static func environment(_ extra: [String: String]) -> [String: String] {
        let env = ProcessInfo.processInfo.environment
        var out: [String: String] = ["PATH": env["PATH"] ?? "/usr/bin:/bin", "HOME": env["HOME"] ?? "/tmp", "NO_COLOR": "1"]
        for (k, v) in extra { out[k] = v }
        return out
    }

    public static func run(_ arguments: [String], cwd: String, env: [String: String], timeout: TimeInterval = 60) throws -> Result {
        let p = try start(arguments, cwd: cwd, env: env)
        return p.wait(timeout: timeout)
    }

    /// A started infera process whose output goes to temporary files.
    public final class Running: @unchecked Sendable {
        public let process: Process
        let outPath: String
        let errPath: String
        init(process: Process, outPath: String, errPath: String) {
            self.process = process
            self.outPath = outPath
            self.errPath = errPath
        }

        public var stdoutSoFar: String { String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self) }

        public func kill9() { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }

        /// Sends `sig` (SIGINT for Ctrl-C) without waiting.
        public func send(_ sig: Int32) { kill(process.processIdentifier, sig) }

        public func wait(timeout: TimeInterval) -> Result {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let r = Result(status: process.terminationStatus,
                           stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
                           stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
            return r
        }
    }

    public static func start(_ arguments: [String], cwd: String, env: [String: String]) throws -> Running {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try ServerProcess.inferaExecutable())
        p.arguments = arguments
        p.environment = env
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let id = UUID().uuidString
        let outPath = NSTemporaryDirectory() + "infera-out-\(id)", errPath = NSTemporaryDirectory() + "infera-err-\(id)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: outPath)
        p.standardError = FileHandle(forWritingAtPath: errPath)
        p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try p.run()
        return Running(process: p, outPath: outPath, errPath: errPath)
    }
}
