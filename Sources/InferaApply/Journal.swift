#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
import InferaHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One operation infera started on a resource.
public struct JournalEntry: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Begun; the provider call may or may not have reached the provider.
        case started
        /// The provider accepted it and it is still running (`operation` says how to poll it).
        case pending
        case succeeded
        case failed
    }

    public var id: String
    public var runID: String
    public var address: String
    public var action: StepAction
    public var state: State
    public var operation: PendingOperation?
    public var resourceID: String?
    /// ISO 8601 UTC.
    public var startedAt: String
    public var finishedAt: String?
    /// Why it failed (redacted), or a short note.
    public var message: String?

    /// Still open: a crash or Ctrl-C left it `started` or `pending`.
    public var isInFlight: Bool { state == .started || state == .pending }

    enum CodingKeys: String, CodingKey {
        case id, runID = "run_id", address, action, state, operation, resourceID = "resource_id", startedAt = "started_at",
             finishedAt = "finished_at", message
    }
}

/// The apply journal: `.infera/<project>/journal.json` beside infera.yaml (directory mode 0700,
/// file mode 0600, rewritten atomically). It records operations in flight so that after a crash or
/// Ctrl-C the next run waits for them instead of starting a second one. It never holds a secret:
/// only addresses, actions, provider ids and operation handles.
public final class Journal: @unchecked Sendable {
    public let directory: String
    public var path: String { directory + "/journal.json" }
    /// Entries kept (oldest finished ones are dropped first).
    public let capacity = 200
    private let lock = InferaHTTP.Lock()
    private let runID: String
    private var counter = 0

    /// Opens (creating when needed) the journal in `directory`.
    public init(directory: String) throws {
        self.directory = directory
        try Journal.makeDirectory(directory)
        runID = "\(Int(Date().timeIntervalSince1970))-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// `.infera/<project>` beside the configuration file `configPath`.
    public static func directory(forConfig configPath: String, project: String) -> String {
        var dir = "."
        if let slash = configPath.lastIndex(of: "/") { dir = String(configPath[..<slash]); if dir.isEmpty { dir = "/" } }
        let safe = String(project.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return dir + "/.infera/" + safe
    }

    static func makeDirectory(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") where part != "." {
            built += "/" + part
            if mkdir(built, 0o700) != 0 && errno != EEXIST {
                throw ProviderError(.other, resource: "journal", message: "cannot create \(built): \(String(cString: strerror(errno)))",
                                    hint: "check the permissions of the directory holding infera.yaml")
            }
        }
        chmod(path, 0o700)
    }

    public func entries() throws -> [JournalEntry] {
        try lock.withLock { try load() }
    }

    /// Entries still `started` or `pending`.
    public func inFlight() throws -> [JournalEntry] { try entries().filter(\.isInFlight) }

    /// The latest entry for `address`.
    public func lastOperation(for address: String) -> JournalEntry? {
        (try? entries())?.last { $0.address == address }
    }

    /// Records the start of `action` on `address`.
    public func begin(address: String, action: StepAction) throws -> JournalEntry {
        try lock.withLock {
            counter += 1
            let e = JournalEntry(id: "\(runID)-\(counter)", runID: runID, address: address, action: action, state: .started,
                                 operation: nil, resourceID: nil, startedAt: Self.now(), finishedAt: nil, message: nil)
            var all = try load()
            all.append(e)
            try save(all)
            return e
        }
    }

    /// Replaces the entry with the same id (or appends it).
    public func record(_ entry: JournalEntry) throws {
        try lock.withLock {
            var all = try load()
            var e = entry
            if e.state == .succeeded || e.state == .failed, e.finishedAt == nil { e.finishedAt = Self.now() }
            if let i = all.firstIndex(where: { $0.id == e.id }) { all[i] = e } else { all.append(e) }
            try save(all)
        }
    }

    /// Marks every in-flight entry for `address` as finished with `state` (after a later run
    /// resolved it by waiting or by refreshing).
    public func resolve(address: String, state: JournalEntry.State, message: String) throws {
        try lock.withLock {
            var all = try load()
            for i in all.indices where all[i].address == address && all[i].isInFlight {
                all[i].state = state
                all[i].message = message
                all[i].finishedAt = Self.now()
            }
            try save(all)
        }
    }

    static func now() -> String {
        Date().ISO8601Format()
    }

    private func load() throws -> [JournalEntry] {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return [] }
        do {
            return try JSONDecoder().decode(JournalFile.self, from: data).entries
        } catch {
            throw ProviderError(.other, resource: "journal", message: "\(path) is not a journal infera can read",
                                hint: "move it aside (it holds no secrets) and re-run; infera re-discovers resources by name")
        }
    }

    private func save(_ entries: [JournalEntry]) throws {
        var keep = entries
        if keep.count > capacity {
            let excess = keep.count - capacity
            var dropped = 0
            keep.removeAll { e in
                if dropped < excess && !e.isInFlight { dropped += 1; return true }
                return false
            }
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try enc.encode(JournalFile(version: 1, entries: keep))
        try PrivateFile.write(Array(data) + [10], to: path)
    }
}

struct JournalFile: Codable {
    var version: Int
    var entries: [JournalEntry]
}

/// Files only the owner may read (0600), written atomically (temp file, fsync, rename).
public enum PrivateFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let tmp = path + ".tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw ProviderError(.other, resource: path, message: "cannot write: \(String(cString: strerror(errno)))",
                                hint: "check the permissions of \(path)'s directory")
        }
        fchmod(fd, 0o600)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 { if errno == EINTR { continue }; close(fd); unlink(tmp)
                throw ProviderError(.other, resource: path, message: "write failed: \(String(cString: strerror(errno)))", hint: "check free disk space")
            }
            off += n
        }
        fsync(fd)
        close(fd)
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ProviderError(.other, resource: path, message: "rename failed: \(String(cString: strerror(errno)))", hint: "check the permissions of \(path)'s directory")
        }
    }
}

/// One apply / destroy at a time per deployment: an exclusive `flock` on `.infera/<project>/lock`
/// (mode 0600). The kernel drops it when the process dies, so a crash never leaves a stale lock.
public final class DeploymentLock: @unchecked Sendable {
    private var fd: Int32
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Takes the lock, waiting up to `timeout` seconds (polling with `clock`) while another
    /// process holds it; `onWait` is told who holds it. Throws `ProviderError(.refused)` on timeout.
    public static func acquire(directory: String, timeout: Double, clock: any InferaClock,
                               onWait: (String) -> Void = { _ in }) async throws -> DeploymentLock {
        try Journal.makeDirectory(directory)
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else {
            throw ProviderError(.other, resource: "lock", message: "cannot open \(path): \(String(cString: strerror(errno)))",
                                hint: "check the permissions of \(directory)")
        }
        fchmod(fd, 0o600)
        let start = clock.now()
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = readHolder(fd)
            if !told { onWait(holder); told = true }
            if clock.now() - start >= timeout {
                close(fd)
                throw ProviderError(.refused, resource: "lock",
                                    message: "another infera run holds the lock on this deployment (\(holder))",
                                    hint: "wait for it to finish, or raise INFERA_LOCK_TIMEOUT (seconds) to wait longer; the lock is \(path)")
            }
            try await clock.sleep(seconds: 0.2)
        }
        let me = Array("pid \(getpid()) since \(Journal.now())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = me.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return DeploymentLock(fd: fd, path: path)
    }

    static func readHolder(_ fd: Int32) -> String {
        var buf = [UInt8](repeating: 0, count: 128)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        let s = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmingWhitespace() : ""
        return s.isEmpty ? "another process" : s
    }

    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
