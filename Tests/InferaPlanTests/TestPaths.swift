import Foundation

/// Paths inside the repository, found from this file's location.
enum TestPaths {
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let golden = repoRoot + "/Tests/InferaPlanTests/Golden"
    static let tools = repoRoot + "/Tests/Tools"
    static let templates = repoRoot + "/templates"
    static let python = repoRoot + "/.venv/bin/python"
    static let checkov = repoRoot + "/.venv/bin/checkov"

    static var recording: Bool { ProcessInfo.processInfo.environment["INFERA_RECORD"] == "1" }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "infera-\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a program, returns (exit status, stdout, stderr). Bounded by `timeout` seconds.
    static func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 120,
                    environment: [String: String]? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        // Drain both pipes concurrently with the wait so a chatty tool cannot block on a full pipe.
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        group.wait()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
