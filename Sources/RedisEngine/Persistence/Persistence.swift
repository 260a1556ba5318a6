import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// RDB persistence state of an engine (guarded by the engine lock): last save, the background
/// save in flight, and the hooks scripting installs so FUNCTION libraries are saved and loaded.
public final class PersistenceState: @unchecked Sendable {
    /// Unix time (s) of the last successful save (LASTSAVE).
    public var lastSave: Int64 = 0
    public var lastBgsaveOK = true
    public var bgsaveInProgress = false
    /// BGSAVE SCHEDULE while one was running: start another when it ends.
    public var bgsaveScheduled = false
    /// Successful saves since start (INFO rdb_saves).
    public var saves = 0
    /// Unix time (s) of the last failed attempt (the save schedule retries after 5 s).
    public var lastFailedAttempt: Int64 = 0
    public var lastBgsaveSeconds: Int64 = -1
    /// Bumped by every synchronous save: a background save that started before it does not
    /// replace the newer file when it ends.
    var generation = 0
    /// Set by scripting: the code of every FUNCTION library.
    public var functionLibraries: (() -> [[UInt8]])?
    /// Set by scripting: loads one library from an RDB file; returns an error text or nil.
    public var loadFunctionLibrary: (([UInt8]) -> String?)?
    /// Called (without the lock) after each background save ends, with its error or nil (tests, logs).
    public var backgroundSaveFinished: (@Sendable (String?) -> Void)?

    public init() {}
}

extension Engine {
    /// `dir`: where RDB files go (absolute; the process's working directory when unset).
    public var persistenceDirectory: String {
        if let d = config.extra["dir"], !d.isEmpty { return d }
        return Engine.currentDirectory()
    }

    /// `dir`/`dbfilename`.
    public var rdbPath: String {
        persistenceDirectory + "/" + (config.extra["dbfilename"] ?? "dump.rdb")
    }

    /// The process's working directory.
    public static func currentDirectory() -> String {
        guard let p = getcwd(nil, 0) else { return "." }
        defer { free(p) }
        return String(cString: p)
    }

    /// The `save` schedule: (seconds, changes) pairs.
    public var savePoints: [(seconds: Int, changes: Int)] {
        PersistenceCommands.parseSavePoints(config.extra["save"] ?? "") ?? []
    }

    private func log(_ level: Int, _ message: String) { scriptLog?(level, message) }

    /// SAVE (engine lock held): writes the RDB file now. Returns an error text, or nil on success.
    public func saveNow() -> String? {
        let snap = KeyspaceSnapshot.take(self)
        let now = clock.nowMilliseconds() / 1000
        do {
            try RDBFile.write(snap, to: rdbPath)
        } catch {
            persistence.lastFailedAttempt = now
            log(3, "\(error)")
            return "\(error)"
        }
        persistence.generation += 1
        persistence.lastSave = now
        persistence.saves += 1
        dirty = 0
        log(2, "DB saved on disk")
        return nil
    }

    /// BGSAVE (engine lock held): snapshots the keyspace and writes it on a background thread.
    /// False when a background save is already running.
    @discardableResult
    public func startBackgroundSave() -> Bool {
        let p = persistence
        if p.bgsaveInProgress { return false }
        let started = clock.nowMilliseconds()
        let snap = KeyspaceSnapshot.take(self)
        let path = rdbPath
        let generation = p.generation
        p.bgsaveInProgress = true
        log(2, "Background saving started")
        DispatchQueue.global().async { [self] in
            var failure: String?
            var temp: String?
            do { temp = try RDBFile.writeTemp(snap, forPath: path) } catch { failure = "\(error)" }
            let notify: (@Sendable (String?) -> Void)? = lock.withLock {
                if let t = temp {
                    if p.generation == generation {
                        do { try RDBFile.commit(temp: t, to: path) } catch { failure = "\(error)" }
                    } else {
                        unlink(t)   // a synchronous save wrote newer data meanwhile
                    }
                }
                let now = clock.nowMilliseconds()
                p.bgsaveInProgress = false
                p.lastBgsaveSeconds = (now - started) / 1000
                if let failure {
                    p.lastBgsaveOK = false
                    p.lastFailedAttempt = now / 1000
                    log(3, "Background saving error: \(failure)")
                } else {
                    p.lastBgsaveOK = true
                    p.lastSave = now / 1000
                    p.saves += 1
                    dirty = max(0, dirty - snap.dirty)
                    log(2, "Background saving terminated with success")
                }
                if p.bgsaveScheduled {
                    p.bgsaveScheduled = false
                    startBackgroundSave()
                }
                return p.backgroundSaveFinished
            }
            notify?(failure)
        }
        return true
    }

    /// Loads `dir`/`dbfilename` when it exists (start-up; engine lock held). Returns nil when there
    /// is no file; throws `RDBFormatError` when it cannot be read or is malformed.
    public func loadDataFile() throws -> RDBFile.LoadReport? {
        let path = rdbPath
        if access(path, F_OK) != 0 { return nil }
        let report = try RDBFile.load(path: path, into: self)
        persistence.lastSave = clock.nowMilliseconds() / 1000
        dirty = 0
        return report
    }
}

/// SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD, SHUTDOWN's save, the `save` schedule and the `dir`,
/// `dbfilename` and `save` parameters.
public enum PersistenceCommands {
    static func save(_ ctx: inout CommandContext) {
        if ctx.engine.persistence.bgsaveInProgress {
            ctx.out.error("ERR Background save already in progress")
            return
        }
        if ctx.engine.saveNow() == nil { ctx.out.ok() } else { ctx.out.error("ERR") }
    }

    static func bgsave(_ ctx: inout CommandContext) {
        var schedule = false
        if ctx.argc > 1 {
            if ctx.argc == 2 && ctx.argIs(1, "SCHEDULE") { schedule = true } else {
                ctx.out.error(RedisError.syntax)
                return
            }
        }
        let p = ctx.engine.persistence
        if p.bgsaveInProgress {
            if schedule {
                p.bgsaveScheduled = true
                ctx.out.simple("Background saving scheduled")
            } else {
                ctx.out.error("ERR Background save already in progress")
            }
            return
        }
        ctx.engine.startBackgroundSave()
        ctx.out.simple("Background saving started")
    }

    static func lastsave(_ ctx: inout CommandContext) {
        let p = ctx.engine.persistence
        ctx.out.integer(Int(p.lastSave != 0 ? p.lastSave : ctx.engine.startTime / 1000))
    }

    /// DEBUG RELOAD: save, flush, load the file back.
    static func debugReload(_ ctx: inout CommandContext) {
        let e = ctx.engine
        if let err = e.saveNow() {
            ctx.out.error("ERR Error trying to save the DB: \(err)")
            return
        }
        e.flushAll()
        e.signalDatabaseChanged(db: nil)
        do {
            _ = try e.loadDataFile()
            ctx.out.ok()
        } catch {
            ctx.out.error("ERR Error trying to load the RDB dump, check server logs.")
        }
    }

    /// DEBUG OBJECT <key>: Redis's low-level summary (serializedlength is the RDB value's length).
    static func debugObject(_ ctx: inout CommandContext) {
        let key = ctx.key(2)
        guard let i = ctx.lookupReadNoTouch(key) else {
            ctx.out.error(RedisError.noSuchKey)
            return
        }
        let v = ctx.value(at: i)
        let db = ctx.db
        let clock = i < db.clocks.count ? db.clocks[i] : 0
        let idle = AccessClock.idleMilliseconds(clock, now: ctx.now) / 1000
        let serialized = RDBValueCodec.serialize(v).count - 1
        ctx.out.simple("Value at:0x\(String(UInt(bitPattern: i &+ 0x7f0000000000), radix: 16)) refcount:1 encoding:\(v.encodingName) serializedlength:\(serialized) lru:\(clock & AccessClock.lruMax) lru_seconds_idle:\(idle)")
    }

    /// The save SHUTDOWN does (SAVE given, or save points configured and no NOSAVE). Returns false
    /// when the save failed.
    public static func saveForShutdown(_ engine: Engine, save: Bool, nosave: Bool) -> Bool {
        engine.aofShutdown()
        if nosave { return true }
        if !save && engine.savePoints.isEmpty { return true }
        return engine.saveNow() == nil
    }

    /// Parses `save` ("" or pairs of seconds and changes); nil when malformed.
    public static func parseSavePoints(_ v: String) -> [(seconds: Int, changes: Int)]? {
        let words = v.split(separator: " ").map(String.init)
        if words.isEmpty || words == [""] { return [] }
        guard words.count % 2 == 0 else { return nil }
        var out: [(Int, Int)] = []
        var i = 0
        while i < words.count {
            guard let s = Int(words[i]), let c = Int(words[i + 1]), s >= 0, c >= 0 else { return nil }
            out.append((s, c))
            i += 2
        }
        return out
    }

    static var configParameters: [ConfigCommands.Parameter] {
        [
            ConfigCommands.Parameter(name: "save", aliases: [], get: { $0.config.extra["save"] ?? "" }, set: { e, v in
                guard parseSavePoints(v) != nil else { return "Invalid save parameters" }
                e.config.extra["save"] = v
                return nil
            }),
            ConfigCommands.Parameter(name: "dir", aliases: [], get: { $0.persistenceDirectory }, set: { e, v in
                var st = stat()
                guard stat(v, &st) == 0 else { return String(cString: strerror(errno)) }
                guard (st.st_mode & S_IFMT) == S_IFDIR else { return "Not a directory" }
                guard let abs = realpath(v, nil) else { return String(cString: strerror(errno)) }
                e.config.extra["dir"] = String(cString: abs)
                free(abs)
                return nil
            }),
            ConfigCommands.Parameter(name: "dbfilename", aliases: [], get: { $0.config.extra["dbfilename"] ?? "dump.rdb" }, set: { e, v in
                if v.contains("/") { return "dbfilename can't be a path, just a filename" }
                e.config.extra["dbfilename"] = v
                return nil
            }),
        ]
    }

    /// INFO persistence lines.
    static func infoLines(_ e: Engine) -> [String] {
        let p = e.persistence
        return [
            "loading:0", "async_loading:0", "rdb_changes_since_last_save:\(e.dirty)",
            "rdb_bgsave_in_progress:\(p.bgsaveInProgress ? 1 : 0)",
            "rdb_last_save_time:\(p.lastSave != 0 ? p.lastSave : e.startTime / 1000)",
            "rdb_last_bgsave_status:\(p.lastBgsaveOK ? "ok" : "err")", "rdb_last_bgsave_time_sec:\(p.lastBgsaveSeconds)",
            "rdb_saves:\(p.saves)",
        ]
    }
}

/// Runs the `save` schedule from the engine cron: a background save when, for any `save <seconds>
/// <changes>` pair, that many changes happened and that many seconds passed since the last save
/// (after a failure, retry no sooner than 5 s later, like Redis).
final class PersistenceCron: EngineExtension {
    var hooks: ExtensionHooks { [] }
    unowned let engine: Engine
    init(engine: Engine) { self.engine = engine }

    func cron(now: Int64) {
        let p = engine.persistence
        if p.bgsaveInProgress || engine.dirty == 0 { return }
        let points = engine.savePoints
        if points.isEmpty { return }
        let nowS = now / 1000
        let last = p.lastSave != 0 ? p.lastSave : engine.startTime / 1000
        for sp in points where engine.dirty >= sp.changes && nowS - last > Int64(sp.seconds) {
            if !p.lastBgsaveOK && nowS - p.lastFailedAttempt <= 5 { return }
            engine.startBackgroundSave()
            return
        }
    }
}
