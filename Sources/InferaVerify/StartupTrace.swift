#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `INFERA_VERIFY_TRACE=1`: one stderr line per start-up phase, `verify: trace <phase> <µs>`, the time read
/// from CLOCK_MONOTONIC (the clock `time.monotonic_ns()` reads), so a benchmark that noted the clock before
/// starting infera can say where the time from exec to serving went (scripts/bench-verify.sh prints it).
public enum StartupTrace {
    /// Whether tracing is on (read once).
    public static let enabled: Bool = getenv("INFERA_VERIFY_TRACE").map { String(cString: $0) == "1" } ?? false

    /// Writes the phase line now (no buffering: stderr may be a pipe read line by line).
    public static func mark(_ phase: String) {
        guard enabled else { return }
        let line = "verify: trace \(phase) \(monotonicMicrosNow())\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }
}
