import InferaPlan
import RESP
import RedisEngine
import RedisServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Persistence as the deployment plans it, turned into the engine's redis.conf directives.
public struct PersistencePlan: Sendable, Equatable {
    public enum Mode: String, Sendable, Codable {
        /// RDB snapshots on a schedule (Memorystore RDB, ElastiCache daily snapshots).
        case rdb
        /// Every write logged before it is acknowledged (Upstash stores every write).
        case aof
    }
    public var mode: Mode
    /// RDB: seconds between snapshots.
    public var snapshotSeconds: Int?
    /// For people: "RDB snapshots every ONE_HOUR".
    public var summary: String
    /// Where the mapping comes from.
    public var source: String

    /// The engine settings (redis.conf names → values) that make the engine persist like this; the
    /// data directory and file name are added by the caller. An AOF plan (Upstash: every write persisted
    /// before it is acknowledged) runs on the engine's AOF with `appendfsync always`.
    func engineSettings() -> [(String, String)] {
        switch mode {
        case .rdb:
            return [("save", "\(snapshotSeconds ?? 3600) 1"), ("appendonly", "no")]
        case .aof:
            return [("save", ""), ("appendonly", "yes"), ("appendfsync", "always")]
        }
    }

    /// The same settings with persistence left out (`EngineFaults.noPersistence`).
    static let disabledSettings: [(String, String)] = [("save", ""), ("appendonly", "no")]

    /// Memorystore's `rdb_snapshot_period` values, in seconds (the plan's default is ONE_HOUR).
    static let memorystorePeriods: [String: Int] = [
        "ONE_HOUR": 3600, "SIX_HOURS": 21_600, "TWELVE_HOURS": 43_200, "TWENTY_FOUR_HOURS": 86_400,
    ]

    /// The plan for `spec`, nil when it plans no persistence.
    public static func planned(for spec: DeploymentSpec) -> PersistencePlan? {
        switch spec.provider {
        case .memorystore(let m):
            guard m.persistenceMode == "RDB" else { return nil }
            let period = m.snapshotPeriod ?? "ONE_HOUR"
            return PersistencePlan(mode: .rdb, snapshotSeconds: memorystorePeriods[period] ?? 3600,
                                   summary: "RDB snapshots every \(period)",
                                   source: "Memorystore persistence_mode RDB, rdb_snapshot_period \(period) (as `infera plan` writes it)")
        case .elasticache(let e):
            guard e.snapshotRetentionDays > 0 else { return nil }
            return PersistencePlan(mode: .rdb, snapshotSeconds: 86_400,
                                   summary: "daily snapshot, kept \(e.snapshotRetentionDays) day(s)",
                                   source: "ElastiCache snapshot_retention_limit \(e.snapshotRetentionDays) (one automatic snapshot a day)")
        case .upstash:
            return PersistencePlan(mode: .aof, snapshotSeconds: nil, summary: "always persisted (Upstash stores every write)",
                                   source: "Upstash durability: every write is persisted to block storage before it is acknowledged")
        }
    }
}

/// The `persistence` check. A second engine configured like the deployment (its `save` schedule from
/// the snapshot period) starts on a new private data directory and takes a dataset of every type; the
/// scheduled snapshot runs; the engine goes down as a failed or restarted node does (nothing saved on
/// the way); a new engine started on the same directory must give the dataset back, TTLs included. A
/// key written after the snapshot shows the window a restart loses on the provider.
enum PersistenceRehearsal {
    /// What the provider's schedule does every period: a snapshot, taken only when the engine has a
    /// `save` schedule. Returns why no snapshot was taken, or nil when one was.
    static func takeScheduledSnapshot(_ engine: Engine) -> String? {
        if engine.savePoints.isEmpty { return "the engine ran with no snapshot schedule: save \"\"" }
        return engine.saveNow().map { "the snapshot failed: \($0)" }
    }

    /// The dataset a restart must keep: one key of each type, one with a TTL.
    enum Dataset {
        static let ttlKey = "infera:verify:persist:session"
        static let afterSnapshotKey = "infera:verify:persist:after-snapshot"
        static let writes: [[String]] = [
            ["SET", "infera:verify:persist:string", "kept"],
            ["SET", ttlKey, "alice", "EX", "3600"],
            ["HSET", "infera:verify:persist:hash", "user", "alice", "visits", "3"],
            ["RPUSH", "infera:verify:persist:list", "a", "b", "c"],
            ["SADD", "infera:verify:persist:set", "x", "y"],
            ["ZADD", "infera:verify:persist:zset", "1", "one", "2", "two"],
            ["XADD", "infera:verify:persist:stream", "1-1", "order", "7"],
        ]
        /// (key, read command, expected reply as `RESPValue.description`).
        static let reads: [(String, [String], String)] = [
            ("infera:verify:persist:string", ["GET", "infera:verify:persist:string"], "\"kept\""),
            (ttlKey, ["GET", ttlKey], "\"alice\""),
            ("infera:verify:persist:hash", ["HGET", "infera:verify:persist:hash", "visits"], "\"3\""),
            ("infera:verify:persist:list", ["LRANGE", "infera:verify:persist:list", "0", "-1"], "[\"a\", \"b\", \"c\"]"),
            ("infera:verify:persist:set", ["SCARD", "infera:verify:persist:set"], ":2"),
            ("infera:verify:persist:zset", ["ZSCORE", "infera:verify:persist:zset", "two"], "\"2\""),
            ("infera:verify:persist:stream", ["XLEN", "infera:verify:persist:stream"], ":1"),
        ]
    }

    static func run(_ e: VerifyEngine) throws -> VerifyCheck.Outcome {
        guard let plan = e.settings.persistencePlan else { return .skip("no persistence planned") }
        switch plan.mode {
        case .rdb: return try rehearseSnapshots(e, plan: plan)
        case .aof: return try rehearseEveryWrite(e, plan: plan)
        }
    }

    /// Writes the dataset on a new engine over `dir`; `between` runs after the dataset and before the
    /// last write (the snapshot of an RDB plan). Returns a failure, or nil when every write was accepted.
    private static func writeDataset(_ engine: VerifyEngine, lastWrite: String,
                                     between: (Engine) -> String?) throws -> (failure: VerifyCheck.Outcome?, note: String?) {
        let c = try engine.connect()
        defer { c.close() }
        for w in Dataset.writes {
            let r = try c.call(w)
            if let err = r.errorText { return (.fail("\(w[0]) answered \(err) while writing the dataset"), nil) }
        }
        let note = engine.withEngine { between($0) }
        let r = try c.call("SET", Dataset.afterSnapshotKey, lastWrite)
        if let err = r.errorText { return (.fail("SET answered \(err) while writing the dataset"), nil) }
        return (nil, note)
    }

    /// Reads the dataset back on `engine`: what is missing or different, one entry per key.
    private static func lostKeys(_ engine: VerifyEngine) throws -> (lost: [String], lastWriteKept: Bool) {
        let r = try engine.connect()
        defer { r.close() }
        var lost: [String] = []
        for (key, read, want) in Dataset.reads {
            let got = try r.call(read)
            if got.description != want { lost.append("\(key) → \(got.description.prefix(40))") }
        }
        let ttl = try r.call("TTL", Dataset.ttlKey).int ?? -2
        if lost.isEmpty && (ttl <= 0 || ttl > 3600) { lost.append("\(Dataset.ttlKey)'s TTL → \(ttl)") }
        let kept = (try r.call("EXISTS", Dataset.afterSnapshotKey).int ?? 0) == 1
        return (lost, kept)
    }

    /// RDB plans: the scheduled snapshot, then a crash; what the snapshot holds must come back.
    private static func rehearseSnapshots(_ e: VerifyEngine, plan: PersistencePlan) throws -> VerifyCheck.Outcome {
        let dir = try makePrivateDirectory("/tmp/infera-verify-restart.XXXXXX")
        defer { removeTree(dir) }
        let first = try VerifyEngine.start(e.settings, faults: e.faults, dataDirectory: dir)
        let written: (failure: VerifyCheck.Outcome?, note: String?)
        do {
            written = try writeDataset(first, lastWrite: "written after the snapshot") { takeScheduledSnapshot($0) }
        } catch {
            first.halt(stoppingWith: e)
            throw error
        }
        first.halt(stoppingWith: e)
        if let failure = written.failure { return failure }

        let second = try VerifyEngine.start(e.settings, faults: e.faults, dataDirectory: dir)
        defer { second.halt(stoppingWith: e) }
        let (lost, kept) = try lostKeys(second)
        if !lost.isEmpty {
            let why = written.note.map { " (\($0))" } ?? " (the snapshot was written but not loaded at start)"
            return .fail("\(lost.count) of \(Dataset.reads.count) keys written before the snapshot were gone after a restart\(why), although \(plan.summary) is planned: \(lost.prefix(3).joined(separator: "; "))")
        }
        let window = kept ? "" : "; a write after the snapshot was lost, as on the provider (up to \(formatSeconds(plan.snapshotSeconds ?? 3600)) of writes)"
        return .pass("\(plan.summary): \(Dataset.reads.count) keys of every type and a TTL came back after a snapshot and a restart\(window)")
    }

    /// AOF plans (Upstash: every write persisted): every key, the last write included, must come back
    /// after a crash (the node goes down with nothing saved on the way: only the AOF can bring them back).
    private static func rehearseEveryWrite(_ e: VerifyEngine, plan: PersistencePlan) throws -> VerifyCheck.Outcome {
        let dir = try makePrivateDirectory("/tmp/infera-verify-restart.XXXXXX")
        defer { removeTree(dir) }
        let first = try VerifyEngine.start(e.settings, faults: e.faults, dataDirectory: dir)
        let written: (failure: VerifyCheck.Outcome?, note: String?)
        do {
            written = try writeDataset(first, lastWrite: "the last write before the crash") { _ in nil }
        } catch {
            first.halt(stoppingWith: e)
            throw error
        }
        first.halt(stoppingWith: e)
        if let failure = written.failure { return failure }

        let second = try VerifyEngine.start(e.settings, faults: e.faults, dataDirectory: dir)
        defer { second.halt(stoppingWith: e) }
        let (lost, kept) = try lostKeys(second)
        let total = Dataset.reads.count + 1
        var missing = lost
        if !kept { missing.append("\(Dataset.afterSnapshotKey) (the last write) → nil") }
        if !missing.isEmpty {
            let how = second.withEngine { engine -> String in
                let save = engine.config.extra["save"] ?? ""
                let aof = engine.config.extra["appendonly"] ?? "no"
                return save.isEmpty && aof != "yes" ? "the engine ran with no persistence: save \"\", appendonly \(aof)" : "save \"\(save)\", appendonly \(aof)"
            }
            return .fail("\(missing.count) of \(total) keys were gone after a crash (\(how)), although \(plan.summary) is planned: \(missing.prefix(3).joined(separator: "; "))")
        }
        return .pass("\(plan.summary): \(Dataset.reads.count) keys of every type, a TTL and the last write came back after a crash (appendonly yes, appendfsync always)")
    }

    static func formatSeconds(_ s: Int) -> String {
        s % 3600 == 0 ? "\(s / 3600) hour\(s == 3600 ? "" : "s")" : "\(s) s"
    }
}

/// A new directory (mode 0700) from a `mkdtemp` template.
func makePrivateDirectory(_ template: String) throws -> String {
    var t = Array(template.utf8CString)
    guard let p = t.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw VerifyError("cannot create a temporary directory \(template) (errno \(errno))")
    }
    return String(cString: p)
}

/// Removes a directory this run made and the files in it (one level: the engine writes no subdirectories).
func removeTree(_ dir: String) {
    if let d = opendir(dir) {
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            unlink(dir + "/" + name)
        }
        closedir(d)
    }
    rmdir(dir)
}
