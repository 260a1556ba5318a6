#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RedisEngine

/// Logs like redis-server: `pid:M 28 Nov 2026 20:16:02.123 * message`.
public final class ServerLog: @unchecked Sendable {
    /// Log levels and their markers.
    public enum Level: Int, Sendable {
        case debug = 0, verbose, notice, warning
        var marker: String {
            switch self {
            case .debug: return "."
            case .verbose: return "-"
            case .notice: return "*"
            case .warning: return "#"
            }
        }
    }

    private let lock = EngineLock()
    private let sink: @Sendable (String) -> Void
    /// Messages below this level are dropped.
    public var minimum: Level

    /// A log writing lines to `sink` (stdout by default).
    public init(minimum: Level = .notice, sink: (@Sendable (String) -> Void)? = nil) {
        self.minimum = minimum
        self.sink = sink ?? { line in
            var l = line + "\n"
            l.withUTF8 { p in _ = write(1, p.baseAddress, p.count) }
        }
    }

    /// Logs `message` with role `role` (C = starting, M = master).
    public func log(_ level: Level, _ message: String, role: Character = "M") {
        if level.rawValue < minimum.rawValue { return }
        let line = "\(getpid()):\(role) \(Self.timestamp()) \(level.marker) \(message)"
        lock.withLock { sink(line) }
    }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var tmv = tm()
        localtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%d %b %Y %H:%M:%S", &tmv)
        let base = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let ms = Int(tv.tv_usec) / 1000
        return base + "." + (ms < 10 ? "00" : ms < 100 ? "0" : "") + String(ms)
    }
}
