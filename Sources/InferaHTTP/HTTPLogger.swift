#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where debug lines go (`INFERA_LOG=debug` or `--debug`): stderr by default. Lines handed to a
/// logger are already redacted.
public protocol HTTPLogger: Sendable {
    func log(_ line: String)
}

/// Writes each line to standard error.
public struct StderrLogger: HTTPLogger {
    public init() {}
    public func log(_ line: String) {
        var s = line
        if !s.hasSuffix("\n") { s += "\n" }
        var bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
        bytes.removeAll()
    }
}

/// Keeps lines in memory (tests, and `--debug` capture).
public final class MemoryLogger: HTTPLogger, @unchecked Sendable {
    private let lock = Lock()
    private var stored: [String] = []
    public init() {}
    public func log(_ line: String) { lock.withLock { stored.append(line) } }
    public var lines: [String] { lock.withLock { stored } }
}

/// Formats requests and responses like Terraform's `TF_LOG=debug`, redacted.
public struct HTTPDebugFormatter: Sendable {
    public var redactor: Redactor
    /// Bodies longer than this are cut (bytes).
    public var maxBody: Int

    public init(redactor: Redactor, maxBody: Int = 8192) {
        self.redactor = redactor
        self.maxBody = maxBody
    }

    public func request(_ r: HTTPRequest, attempt: Int) -> String {
        var s = "[DEBUG] infera: HTTP request: \(r.method.rawValue) \(redactor.redact(url: r.url)) (attempt \(attempt))\n"
        for h in r.headers { s += "  \(h.name): \(redactor.redact(header: h.name, value: h.value))\n" }
        s += body(r.body)
        return s
    }

    public func response(_ r: HTTPResponse, to req: HTTPRequest) -> String {
        var s = "[DEBUG] infera: HTTP response: \(r.status) for \(req.method.rawValue) \(redactor.redact(url: req.url)) (\(Int(r.timing.total * 1000)) ms)\n"
        for h in r.headers { s += "  \(h.name): \(redactor.redact(header: h.name, value: h.value))\n" }
        s += body(r.body)
        return s
    }

    public func failure(_ e: HTTPError, to req: HTTPRequest) -> String {
        "[DEBUG] infera: HTTP error: \(req.method.rawValue) \(redactor.redact(url: req.url)): \(redactor.redact(e.message))\n"
    }

    func body(_ b: [UInt8]) -> String {
        guard !b.isEmpty else { return "" }
        var text = String(decoding: b.prefix(maxBody), as: UTF8.self)
        if b.count > maxBody { text += "… (\(b.count - maxBody) more bytes)" }
        return "  \(redactor.redact(text))\n"
    }
}
