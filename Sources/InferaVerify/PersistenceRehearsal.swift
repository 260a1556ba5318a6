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

    /// The redis.conf directives that make the engine persist like this (the data directory is added by the caller).
    public var directives: [String] {
        switch mode {
        case .rdb: return ["save \"\(snapshotSeconds ?? 3600) 1\"", "appendonly no", "dbfilename dump.rdb"]
        case .aof: return ["save \"\"", "appendonly yes", "appendfsync always", "dbfilename dump.rdb"]
        }
    }

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

/// The `persistence` check: the engine, configured with the planned persistence on a fresh data
/// directory, takes the data a restart must keep, restarts on the same directory, and must give it back.
enum PersistenceRehearsal {
    /// True once the engine can write and load its data (RDB SAVE / load at start). Until then the
    /// check reports "skipped: persistence" and says so.
    static let engineCanPersist = false

    static func run(_ e: VerifyEngine) throws -> VerifyCheck.Outcome {
        guard let plan = e.settings.persistencePlan else { return .skip("no persistence planned") }
        guard engineCanPersist else {
            return .skip("skipped: persistence (planned: \(plan.summary); the engine cannot persist yet, so a restart is not rehearsed)")
        }
        return .skip("skipped: persistence (planned: \(plan.summary))")
    }
}
