import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Append-only-file state of an engine (guarded by the engine lock), Redis 7.0's multi-part AOF:
/// `dir`/`appenddirname` holds a base file (an RDB preamble `….base.rdb`, or commands `….base.aof`),
/// incremental files (`….incr.aof`) and the manifest naming them.
public final class AOFState: @unchecked Sendable {
    public enum Status: Sendable { case off, on, waitRewrite }
    /// off / on / on but waiting for the first rewrite to write its base (CONFIG SET appendonly yes).
    public internal(set) var status: Status = .off
    /// True while commands are fed to the AOF (`status != .off` and not loading).
    public internal(set) var propagating = false
    /// Nesting depth of `Engine.call` (EXEC, scripts and served blocked clients call it inside a command).
    var depth = 0
    /// Effects of the running top-level command, committed when it ends (wrapped in MULTI/EXEC when several).
    var pending: [(db: Int, argv: [[UInt8]])] = []
    /// RESP bytes not yet written to the incr file (written before replies are sent).
    var buffer: [UInt8] = []
    /// The database the AOF's last SELECT chose (-1: none yet in this file).
    var selectedDB = -1
    /// The open incr file (-1 when none).
    var fd: Int32 = -1
    /// The manifest as on disk (or about to be written).
    public internal(set) var manifest = AOFManifest()
    /// True when `manifest` was read from or written to disk.
    var manifestLoaded = false
    /// Bytes of the base file and of every incr file (INFO aof_current_size / aof_base_size).
    public internal(set) var currentSize = 0
    public internal(set) var baseSize = 0
    /// Bytes written since the last fsync (everysec / always bookkeeping).
    var unsyncedWrites = false
    var fsyncInFlight = false
    var lastFsyncMs: Int64 = 0
    public internal(set) var delayedFsyncs = 0
    public internal(set) var lastWriteOK = true
    // BGREWRITEAOF
    public internal(set) var rewriteInProgress = false
    public internal(set) var rewriteScheduled = false
    public internal(set) var lastRewriteOK = true
    public internal(set) var rewrites = 0
    public internal(set) var consecutiveFailures = 0
    public internal(set) var lastRewriteSeconds: Int64 = -1
    var rewriteStartedMs: Int64 = 0
    /// Bumped when the AOF is switched off: a rewrite that started before does not install its base.
    var generation = 0
    /// Called (without the lock) after each background rewrite ends, with its error or nil (tests, logs).
    public var rewriteFinished: (@Sendable (String?) -> Void)?

    public init() {}
}

/// AOF settings as the engine reads them from `config.extra` (redis.conf, command line, CONFIG SET).
extension Engine {
    func aofSetting(_ name: String, _ def: String) -> String { config.extra[name] ?? def }
    /// `appendonly yes` in the configuration.
    public var aofConfigured: Bool { aofSetting("appendonly", "no").lowercased() == "yes" }
    var aofFileName: String { aofSetting("appendfilename", "appendonly.aof") }
    var aofDirName: String { aofSetting("appenddirname", "appendonlydir") }
    /// `dir`/`appenddirname`.
    public var aofDirectory: String { persistenceDirectory + "/" + aofDirName }
    var aofFsyncPolicy: String { aofSetting("appendfsync", "everysec").lowercased() }
    var aofUseRDBPreamble: Bool { aofSetting("aof-use-rdb-preamble", "yes").lowercased() == "yes" }
    var aofLoadTruncated: Bool { aofSetting("aof-load-truncated", "yes").lowercased() == "yes" }
    var aofManifestPath: String { aofDirectory + "/" + aofFileName + ".manifest" }

    private func aofLog(_ level: Int, _ message: String) { scriptLog?(level, message) }

    // MARK: feeding commands

    /// Queues one command's effect (database `db`) for the AOF; committed when the top-level command ends.
    func aofPropagate(db: Int, _ argv: [[UInt8]]) {
        aof.pending.append((db, argv))
    }

    /// Writes the queued effects into the AOF buffer: MULTI/EXEC around several, SELECT when the database changes.
    func aofCommitPending() {
        let a = aof
        if a.pending.isEmpty { return }
        let wrap = a.pending.count > 1
        if wrap { AOFEncoding.append(["MULTI"], to: &a.buffer) }
        for (db, argv) in a.pending {
            if db != a.selectedDB {
                AOFEncoding.append([Array("SELECT".utf8), Array(String(db).utf8)], to: &a.buffer)
                a.selectedDB = db
            }
            AOFEncoding.append(argv, to: &a.buffer)
        }
        if wrap { AOFEncoding.append(["EXEC"], to: &a.buffer) }
        a.pending.removeAll(keepingCapacity: true)
    }

    /// Writes the AOF buffer to the incr file (before the replies of the batch are sent); with
    /// `appendfsync always` it is fsynced too.
    public func aofFlush() {
        let a = aof
        if a.buffer.isEmpty || a.fd < 0 { return }
        var done = 0
        while done < a.buffer.count {
            let n = a.buffer.withUnsafeBytes { write(a.fd, $0.baseAddress! + done, a.buffer.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                if a.lastWriteOK { aofLog(3, "Error writing to the AOF file: \(RDBFile.errnoText())") }
                a.lastWriteOK = false
                a.buffer.removeFirst(done)   // keep what was not written: retried on the next flush
                return
            }
            done += n
        }
        if !a.lastWriteOK { aofLog(2, "AOF write error looks solved, Redis can write again.") }
        a.lastWriteOK = true
        a.currentSize += a.buffer.count
        a.buffer.removeAll(keepingCapacity: true)
        switch aofFsyncPolicy {
        case "always":
            if fdatasync(a.fd) != 0 { aofLog(3, "Can't persist AOF for fsync error when the AOF fsync policy is 'always': \(RDBFile.errnoText())") }
            a.lastFsyncMs = clock.nowMilliseconds()
        case "everysec":
            a.unsyncedWrites = true
        default:
            break
        }
    }

    /// everysec: an fsync on a background thread at most once a second (from the cron).
    func aofBackgroundFsyncIfDue(now: Int64) {
        let a = aof
        guard a.fd >= 0, a.unsyncedWrites, aofFsyncPolicy == "everysec", now - a.lastFsyncMs >= 1000 else { return }
        if a.fsyncInFlight {
            if now - a.lastFsyncMs >= 2000 { a.delayedFsyncs += 1 }
            return
        }
        let fd = dup(a.fd)
        if fd < 0 { return }
        a.unsyncedWrites = false
        a.fsyncInFlight = true
        a.lastFsyncMs = now
        DispatchQueue.global().async { [self] in
            _ = fdatasync(fd)
            close(fd)
            lock.withLock { aof.fsyncInFlight = false }
        }
    }

    // MARK: files

    func aofPath(_ name: String) -> String { aofDirectory + "/" + name }

    /// Writes `manifest` atomically (temp file, fsync, rename, fsync of the directory).
    func aofPersistManifest(_ m: AOFManifest) throws {
        let temp = aofDirectory + "/temp-" + aofFileName + ".manifest"
        try AOFFiles.writeFile(temp, Array(m.text.utf8))
        guard rename(temp, aofManifestPath) == 0 else {
            let e = RDBFile.errnoText()
            unlink(temp)
            throw RDBFormatError("Error trying to rename the temporary AOF manifest file \(temp) into \(aofManifestPath): \(e)")
        }
        AOFFiles.fsyncDirectory(aofDirectory)
        aof.manifest = m
        aof.manifestLoaded = true
    }

    /// Opens (creating) incr file `name` for appending.
    /// `fresh`: a new file of a rewrite or of the first start; a leftover with that name (not in the
    /// manifest) is emptied rather than appended to.
    func aofOpenIncr(_ name: String, fresh: Bool = false) throws -> Int32 {
        let path = aofPath(name)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | (fresh ? O_TRUNC : 0), 0o644)
        if fd < 0 { throw RDBFormatError("Can't open the append-only file \(path): \(RDBFile.errnoText())") }
        return fd
    }

    func aofSwitchFD(_ fd: Int32) {
        let a = aof
        if a.fd >= 0 {
            if a.unsyncedWrites || aofFsyncPolicy != "no" { _ = fdatasync(a.fd) }
            close(a.fd)
        }
        a.fd = fd
        a.selectedDB = -1
        a.unsyncedWrites = false
    }

    /// Reads the manifest from disk when there is one (nil when there is none).
    func aofReadManifest() throws -> AOFManifest? {
        guard let bytes = RDBFile.readWholeFile(aofManifestPath) else {
            if errno == ENOENT { return nil }
            throw RDBFormatError("Can't open the AOF manifest \(aofManifestPath) for reading: \(RDBFile.errnoText())")
        }
        do {
            return try AOFManifest.parse(String(decoding: bytes, as: UTF8.self))
        } catch let e as AOFManifest.ParseError {
            throw RDBFormatError("\(e.description) in \(aofManifestPath)")
        }
    }

    func aofFileSize(_ name: String) -> Int {
        var st = stat()
        return stat(aofPath(name), &st) == 0 ? Int(st.st_size) : 0
    }

    // MARK: start and stop

    /// After the start-up load with `appendonly yes`: appends to the manifest's last incr file, or
    /// creates the AOF (a base from the current dataset, an empty incr file, the manifest) when none exists.
    public func aofStartAtBoot() throws {
        let a = aof
        try AOFFiles.makeDirectory(aofDirectory)
        if let m = try aofReadManifest() {
            a.manifest = m
            a.manifestLoaded = true
            var m2 = m
            if m.incrs.isEmpty {
                m2.incrs.append(.init(name: "\(aofFileName).\(1).incr.aof", seq: 1, type: .incr))
                try aofPersistManifest(m2)
            }
            aofSwitchFD(try aofOpenIncr(m2.incrs.last!.name, fresh: m.incrs.isEmpty))
            a.baseSize = m2.base.map { aofFileSize($0.name) } ?? 0
            a.currentSize = a.baseSize + m2.incrs.reduce(0) { $0 + aofFileSize($1.name) }
        } else {
            // Redis 7.0: "Creating AOF base file appendonly.aof.1.base.rdb on server start".
            let baseName = aofBaseName(seq: 1)
            let snap = KeyspaceSnapshot.take(self)
            let temp = try AOFBase.writeTemp(snap, directory: aofDirectory, rdbPreamble: aofUseRDBPreamble)
            guard rename(temp, aofPath(baseName)) == 0 else { throw RDBFormatError("Can't create the AOF base file \(aofPath(baseName)): \(RDBFile.errnoText())") }
            aofLog(2, "Creating AOF base file \(baseName) on server start")
            let incr = "\(aofFileName).1.incr.aof"
            let fd = try aofOpenIncr(incr, fresh: true)
            aofLog(2, "Creating AOF incr file \(incr) on server start")
            var m = AOFManifest()
            m.base = .init(name: baseName, seq: 1, type: .base)
            m.incrs = [.init(name: incr, seq: 1, type: .incr)]
            try aofPersistManifest(m)
            aofSwitchFD(fd)
            a.baseSize = aofFileSize(baseName)
            a.currentSize = a.baseSize
        }
        a.status = .on
        a.propagating = true
        a.lastFsyncMs = clock.nowMilliseconds()
    }

    func aofBaseName(seq: Int) -> String {
        "\(aofFileName).\(seq).base.\(aofUseRDBPreamble ? "rdb" : "aof")"
    }

    /// CONFIG SET appendonly yes at run time: a rewrite writes a base from the current dataset;
    /// commands from now on go to the new incr file. Returns an error text or nil.
    public func aofEnable() -> String? {
        if aof.status != .off { return nil }
        do {
            try AOFFiles.makeDirectory(aofDirectory)
            if !aof.manifestLoaded, let m = try aofReadManifest() { aof.manifest = m; aof.manifestLoaded = true }
        } catch {
            aofLog(3, "\(error)")
            return "\(error)"
        }
        aof.status = .waitRewrite
        aof.propagating = true
        if let err = aofStartRewrite() {
            aof.status = .off
            aof.propagating = false
            aofSwitchFD(-1)
            return err
        }
        aofLog(2, "AOF rewrite scheduled/started: appendonly enabled")
        return nil
    }

    /// CONFIG SET appendonly no: flush, fsync and close; a rewrite in flight is abandoned.
    public func aofDisable() {
        let a = aof
        if a.status == .off { return }
        aofCommitPending()
        aofFlush()
        aofSwitchFD(-1)
        a.status = .off
        a.propagating = false
        a.generation += 1
        a.pending.removeAll()
        a.buffer.removeAll()
        a.rewriteScheduled = false
        aofLog(2, "AOF disabled")
    }

    /// SHUTDOWN / SIGTERM: everything written and fsynced.
    public func aofShutdown() {
        guard aof.status != .off else { return }
        aofCommitPending()
        aofFlush()
        if aof.fd >= 0 { _ = fsync(aof.fd) }
        aof.unsyncedWrites = false
    }

    // MARK: rewrite

    /// BGREWRITEAOF: opens a new incr file (commands from now on go there, and the manifest names it so
    /// a crash loses nothing), takes a snapshot, writes it as the new base on a background thread, then
    /// installs base + new incr in the manifest and deletes the old files. Returns an error text or nil.
    @discardableResult
    public func aofStartRewrite() -> String? {
        let a = aof
        if a.rewriteInProgress { return "Background append only file rewriting already in progress" }
        aofCommitPending()
        aofFlush()
        var m = a.manifest
        let newIncr = AOFManifest.Entry(name: "\(aofFileName).\(m.currentIncrSeq + 1).incr.aof", seq: m.currentIncrSeq + 1, type: .incr)
        let newBase = AOFManifest.Entry(name: aofBaseName(seq: m.baseSeq + 1), seq: m.baseSeq + 1, type: .base)
        do {
            try AOFFiles.makeDirectory(aofDirectory)
            let fd = try aofOpenIncr(newIncr.name, fresh: true)
            if a.status == .on {
                m.incrs.append(newIncr)
                try aofPersistManifest(m)
            }
            aofSwitchFD(fd)
        } catch {
            a.lastRewriteOK = false
            a.consecutiveFailures += 1
            aofLog(3, "\(error)")
            return "\(error)"
        }
        let incrAtStart = a.currentSize
        _ = incrAtStart
        let snap = KeyspaceSnapshot.take(self)
        let dir = aofDirectory
        let preamble = aofUseRDBPreamble
        let generation = a.generation
        a.rewriteInProgress = true
        a.rewriteScheduled = false
        a.rewriteStartedMs = clock.nowMilliseconds()
        aofLog(2, "Background append only file rewriting started")
        DispatchQueue.global().async { [self] in
            var failure: String?
            var temp: String?
            do { temp = try AOFBase.writeTemp(snap, directory: dir, rdbPreamble: preamble) } catch { failure = "\(error)" }
            let notify: (@Sendable (String?) -> Void)? = lock.withLock {
                let now = clock.nowMilliseconds()
                a.rewriteInProgress = false
                a.lastRewriteSeconds = (now - a.rewriteStartedMs) / 1000
                if let t = temp {
                    if a.generation != generation || a.status == .off {
                        unlink(t)
                        failure = failure ?? "AOF was disabled during the rewrite"
                    } else if let err = aofInstallRewrite(temp: t, base: newBase, incr: newIncr) {
                        failure = err
                    }
                }
                if let failure {
                    a.lastRewriteOK = false
                    a.consecutiveFailures += 1
                    aofLog(3, "Background AOF rewrite failed: \(failure)")
                } else {
                    a.lastRewriteOK = true
                    a.consecutiveFailures = 0
                    a.rewrites += 1
                    aofLog(2, "Background AOF rewrite finished successfully")
                }
                if a.rewriteScheduled && a.status != .off { aofStartRewrite() }
                return a.rewriteFinished
            }
            notify?(failure)
        }
        return nil
    }

    /// Moves the new base into place and writes the manifest base + [new incr], then deletes the
    /// files it replaced (lock held). Returns an error text or nil.
    private func aofInstallRewrite(temp: String, base: AOFManifest.Entry, incr: AOFManifest.Entry) -> String? {
        let a = aof
        guard rename(temp, aofPath(base.name)) == 0 else {
            let e = RDBFile.errnoText()
            unlink(temp)
            return "Error trying to rename the temporary AOF base file \(temp) into \(base.name): \(e)"
        }
        let old = a.manifest
        var m = AOFManifest()
        m.base = base
        m.incrs = [incr]
        do { try aofPersistManifest(m) } catch { return "\(error)" }
        var gone: [String] = []
        if let b = old.base, b.name != base.name { gone.append(b.name) }
        for e in old.incrs + old.history where e.name != incr.name { gone.append(e.name) }
        for name in gone { unlink(aofPath(name)) }
        a.status = .on
        a.baseSize = aofFileSize(base.name)
        a.currentSize = a.baseSize + aofFileSize(incr.name) + a.buffer.count
        aofLog(2, "Successfully renamed the temporary AOF base file into \(base.name); removed \(gone.count) history file(s)")
        return nil
    }

    /// `auto-aof-rewrite-percentage` / `auto-aof-rewrite-min-size` (from the cron).
    func aofAutoRewriteIfDue() {
        let a = aof
        guard a.status == .on, !a.rewriteInProgress, !persistence.bgsaveInProgress else { return }
        let percent = Int(aofSetting("auto-aof-rewrite-percentage", "100")) ?? 100
        let minSize = Int(ConfigCommands.memtoull(aofSetting("auto-aof-rewrite-min-size", "67108864")).map { Int(clamping: $0) } ?? 67_108_864)
        guard percent > 0, a.currentSize > minSize else { return }
        let base = max(a.baseSize, 1)
        let growth = (a.currentSize * 100 / base) - 100
        if growth >= percent {
            aofLog(2, "Starting automatic rewriting of AOF on \(growth)% growth")
            aofStartRewrite()
        }
    }
}

/// The AOF's cron work: everysec fsync, automatic rewrite, a scheduled rewrite.
final class AOFCron: EngineExtension {
    var hooks: ExtensionHooks { [] }
    unowned let engine: Engine
    init(engine: Engine) { self.engine = engine }

    func cron(now: Int64) {
        let a = engine.aof
        if a.status == .off { return }
        engine.aofCommitPending()
        engine.aofFlush()
        engine.aofBackgroundFsyncIfDue(now: now)
        if a.rewriteScheduled && !a.rewriteInProgress { engine.aofStartRewrite() } else { engine.aofAutoRewriteIfDue() }
    }
}

/// RESP encoding of propagated commands.
enum AOFEncoding {
    static func append(_ argv: [String], to out: inout [UInt8]) {
        append(argv.map { Array($0.utf8) }, to: &out)
    }

    static func append(_ argv: [[UInt8]], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        out.append(contentsOf: String(argv.count).utf8)
        out.append(13); out.append(10)
        for a in argv {
            out.append(UInt8(ascii: "$"))
            out.append(contentsOf: String(a.count).utf8)
            out.append(13); out.append(10)
            out.append(contentsOf: a)
            out.append(13); out.append(10)
        }
    }
}

/// File helpers for the AOF directory.
enum AOFFiles {
    static func makeDirectory(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw RDBFormatError("The AOF directory \(path) exists and is not a directory") }
            return
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw RDBFormatError("Can't create the AOF directory \(path): \(RDBFile.errnoText())")
        }
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw RDBFormatError("Can't open \(path) for writing: \(RDBFile.errnoText())") }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw RDBFormatError("Write error on \(path): \(RDBFile.errnoText())") }
            done += n
        }
        guard fsync(fd) == 0 else { throw RDBFormatError("fsync error on \(path): \(RDBFile.errnoText())") }
    }

    static func fsyncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }
}
