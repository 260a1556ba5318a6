#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Process memory figures.
public enum MemoryInfo {
    /// Resident set size in bytes (from /proc/self/statm on Linux; 0 when unknown).
    public static func residentBytes() -> Int {
        #if os(Linux)
        let fd = open("/proc/self/statm", O_RDONLY)
        if fd < 0 { return 0 }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 128)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 127) }
        if n <= 0 { return 0 }
        let text = String(decoding: buf[0..<n], as: UTF8.self)
        let parts = text.split(separator: " ")
        guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return 0
        #endif
    }

    /// Peak RSS in bytes (getrusage).
    public static func peakResidentBytes() -> Int {
        var ru = rusage()
        getrusage(0, &ru)
        #if os(Linux)
        return Int(ru.ru_maxrss) * 1024
        #else
        return Int(ru.ru_maxrss)
        #endif
    }
}
