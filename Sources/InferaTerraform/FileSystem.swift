#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations rendering and writing need (POSIX, no Foundation: keeps start-up fast).
public enum FileSystem {
    /// Whole file as UTF-8 text.
    public static func readText(_ path: String) throws -> String {
        guard let bytes = try readBytes(path) else { throw RenderError.io("cannot read \(path): \(errnoText())") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whole file, or nil when it does not exist.
    public static func readBytes(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw RenderError.io("cannot open \(path): \(errnoText())")
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RenderError.io("cannot read \(path): \(errnoText())")
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Writes `text` atomically: a temporary file in the same directory, then rename(2) over the target.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let tmp = "\(path).infera-tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw RenderError.io("cannot create \(tmp): \(errnoText())") }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let msg = errnoText()
                close(fd)
                unlink(tmp)
                throw RenderError.io("cannot write \(tmp): \(msg)")
            }
            offset += n
        }
        bytes.removeAll()
        // No fsync: rename(2) already makes the replacement atomic for readers, and generated files
        // can always be regenerated; an fsync per file would cost more than the whole plan.
        close(fd)
        if rename(tmp, path) != 0 {
            let msg = errnoText()
            unlink(tmp)
            throw RenderError.io("cannot rename \(tmp) to \(path): \(msg)")
        }
    }

    /// Creates `path` and its parents.
    public static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw RenderError.io("cannot create directory \(current): \(errnoText())")
            }
        }
    }

    /// True when `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Regular files under `root`, relative, sorted.
    public static func listFiles(under root: String) throws -> [String] {
        guard isDirectory(root) else { throw RenderError.io("\(root) is not a directory") }
        var out: [String] = []
        func walk(_ rel: String, depth: Int = 0) {
            guard depth < 8 else { return }  // templates are two levels deep; stops symlink loops
            let full = rel.isEmpty ? root : root + "/" + rel
            guard let dir = opendir(full) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                let child = rel.isEmpty ? name : rel + "/" + name
                if isDirectory(root + "/" + child) { walk(child, depth: depth + 1) } else { out.append(child) }
            }
        }
        walk("")
        return out.sorted()
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
