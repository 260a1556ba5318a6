#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the files of a repository: `git ls-files` inside a work tree (so .gitignore is respected),
/// otherwise a walk that skips vendored and generated trees. Symbolic links are never followed.
enum FileWalker {
    /// Directory names that hold vendored, generated or tool state, never application source.
    static let skippedDirectories: Set<String> = [
        ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages", "vendor", "third_party",
        "thirdparty", ".venv", "venv", "virtualenv", "site-packages", "__pycache__", ".tox", ".nox", ".mypy_cache",
        ".pytest_cache", ".ruff_cache", "dist", "build", ".build", "target", ".gradle", ".idea", ".next", ".nuxt",
        ".svelte-kit", ".terraform", ".serverless", "coverage", "Pods", "Carthage", "DerivedData", "_build", "deps",
        ".bundle", ".cache", ".parcel-cache", ".turbo", "elm-stuff", ".stack-work", "bin", "obj",
    ]

    struct Listing {
        var files: [String]
        var walker: String
        var skippedVendored = 0
        var skippedSymlinks = 0
        var diagnostics: [Diagnostic] = []
    }

    static func list(root: String, useGit: Bool) -> Listing {
        if useGit, let files = gitFiles(root: root), !files.isEmpty {
            var kept: [String] = []
            kept.reserveCapacity(files.count)
            var vendored = 0
            for f in files {
                if isVendoredPath(f) { vendored += 1 } else { kept.append(f) }
            }
            return Listing(files: kept, walker: "git", skippedVendored: vendored)
        }
        return walk(root: root)
    }

    /// True when any directory component of `path` is in the skip list.
    static func isVendoredPath(_ path: String) -> Bool {
        var start = path.utf8.startIndex
        let u = path.utf8
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == UInt8(ascii: "/") {
                if start != i, skippedDirectories.contains(String(path[start..<i])) { return true }
                start = u.index(after: i)
            }
            i = u.index(after: i)
        }
        return false
    }

    /// `git ls-files -co --exclude-standard -z`, or nil when `root` is not in a work tree or git is missing.
    static func gitFiles(root: String) -> [String]? {
        guard let (status, data) = Subprocess.capture(["git", "-C", root, "ls-files", "-co", "--exclude-standard", "-z"]),
              status == 0 else { return nil }
        var files: [String] = []
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var start = 0
            for i in 0..<raw.count where raw[i] == 0 {
                if i > start {
                    files.append(String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<i]), as: UTF8.self))
                }
                start = i + 1
            }
        }
        return files
    }

    /// A depth-first walk with readdir; never follows symbolic links, skips vendored directories.
    static func walk(root: String) -> Listing {
        var listing = Listing(files: [], walker: "walk")
        var stack: [String] = [""]
        while let rel = stack.popLast() {
            let full = rel.isEmpty ? root : root + "/" + rel
            guard let dir = opendir(full) else {
                listing.diagnostics.append(.warning("detect.unreadable-directory", "cannot read directory: \(String(cString: strerror(errno)))", at: SourceLocation(file: rel.isEmpty ? "." : rel, line: 1, column: 1)))
                continue
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) { ptr in
                    ptr.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                let childRel = rel.isEmpty ? name : rel + "/" + name
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    var st = stat()
                    if lstat(root + "/" + childRel, &st) != 0 { continue }
                    switch st.st_mode & S_IFMT {
                    case S_IFDIR: type = Int32(DT_DIR)
                    case S_IFREG: type = Int32(DT_REG)
                    case S_IFLNK: type = Int32(DT_LNK)
                    default: continue
                    }
                }
                switch type {
                case Int32(DT_DIR):
                    if skippedDirectories.contains(name) { listing.skippedVendored += 1 } else { stack.append(childRel) }
                case Int32(DT_REG):
                    listing.files.append(childRel)
                case Int32(DT_LNK):
                    listing.skippedSymlinks += 1
                default:
                    continue
                }
            }
        }
        return listing
    }
}

/// A reusable read buffer, one per worker thread: files are read once, into the same memory.
final class ReadBuffer {
    static let maxFileSize = 2 * 1024 * 1024
    let capacity: Int
    let pointer: UnsafeMutableRawPointer

    init(capacity: Int = ReadBuffer.maxFileSize + 1) {
        self.capacity = capacity
        pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { pointer.deallocate() }

    enum Outcome {
        case ok(Int)
        case tooLarge(Int)
        case notRegular
        case symlink
        case failed(Int32)
    }

    /// Reads `path` (never through a final symlink) into the buffer.
    func read(_ path: String) -> Outcome {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)  // never block on a FIFO
        if fd < 0 {
            let e = errno
            return e == ELOOP ? .symlink : .failed(e)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failed(errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .notRegular }
        let size = Int(st.st_size)
        if size > ReadBuffer.maxFileSize { return .tooLarge(size) }
        var total = 0
        while total < capacity {
            let n = sysRead(fd, pointer + total, capacity - total)
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(errno)
            }
            if n == 0 { break }
            total += n
        }
        if total > ReadBuffer.maxFileSize { return .tooLarge(total) }
        return .ok(total)
    }
}

@inline(__always)
func sysRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buf, count)
    #else
    return Darwin.read(fd, buf, count)
    #endif
}
