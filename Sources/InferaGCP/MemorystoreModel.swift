/// Memorystore for Redis v1 `Instance` (gcp-redis-v1-discovery.json), the fields infera writes or reads.
/// Encoding omits nil fields, so a value built for a PATCH carries only the masked fields.
public struct RedisInstance: Codable, Sendable, Hashable {
    public var name: String?
    public var displayName: String?
    public var labels: [String: String]?
    public var locationId: String?
    public var alternativeLocationId: String?
    public var redisVersion: String?
    public var reservedIpRange: String?
    public var tier: String?
    public var memorySizeGb: Int?
    public var authorizedNetwork: String?
    public var connectMode: String?
    public var authEnabled: Bool?
    public var transitEncryptionMode: String?
    public var replicaCount: Int?
    public var readReplicasMode: String?
    public var customerManagedKey: String?
    public var redisConfigs: [String: String]?
    public var persistenceConfig: PersistenceConfig?
    public var maintenancePolicy: MaintenancePolicy?
    public var maintenanceVersion: String?
    // Output only.
    public var host: String?
    public var port: Int?
    public var readEndpoint: String?
    public var readEndpointPort: Int?
    public var state: String?
    public var statusMessage: String?
    public var createTime: String?
    public var currentLocationId: String?
    public var serverCaCerts: [TLSCertificate]?
    public var maintenanceSchedule: MaintenanceSchedule?

    public init() {}

    /// The fields that are output only: never sent.
    public var withoutOutputFields: RedisInstance {
        var c = self
        c.host = nil; c.port = nil; c.readEndpoint = nil; c.readEndpointPort = nil; c.state = nil
        c.statusMessage = nil; c.createTime = nil; c.currentLocationId = nil; c.serverCaCerts = nil
        c.maintenanceSchedule = nil; c.name = nil
        if var p = c.persistenceConfig { p.rdbNextSnapshotTime = nil; c.persistenceConfig = p }
        if var m = c.maintenancePolicy {
            m.createTime = nil; m.updateTime = nil
            m.weeklyMaintenanceWindow = m.weeklyMaintenanceWindow?.map { var w = $0; w.duration = nil; return w }
            c.maintenancePolicy = m
        }
        return c
    }
}

public struct PersistenceConfig: Codable, Sendable, Hashable {
    public var persistenceMode: String?
    public var rdbSnapshotPeriod: String?
    public var rdbSnapshotStartTime: String?
    public var rdbNextSnapshotTime: String?
    public init(persistenceMode: String? = nil, rdbSnapshotPeriod: String? = nil) {
        self.persistenceMode = persistenceMode
        self.rdbSnapshotPeriod = rdbSnapshotPeriod
    }
}

public struct MaintenancePolicy: Codable, Sendable, Hashable {
    public var description: String?
    public var weeklyMaintenanceWindow: [WeeklyMaintenanceWindow]?
    public var createTime: String?
    public var updateTime: String?
    public init(weeklyMaintenanceWindow: [WeeklyMaintenanceWindow]) { self.weeklyMaintenanceWindow = weeklyMaintenanceWindow }
}

public struct WeeklyMaintenanceWindow: Codable, Sendable, Hashable {
    public var day: String?
    public var startTime: TimeOfDay?
    public var duration: String?
    public init(day: String, startTime: TimeOfDay) {
        self.day = day
        self.startTime = startTime
    }
}

public struct TimeOfDay: Codable, Sendable, Hashable {
    public var hours: Int?
    public var minutes: Int?
    public var seconds: Int?
    public var nanos: Int?
    public init(hours: Int, minutes: Int) {
        self.hours = hours
        self.minutes = minutes
    }
}

public struct TLSCertificate: Codable, Sendable, Hashable {
    public var serialNumber: String?
    public var cert: String?
    public var createTime: String?
    public var expireTime: String?
    public var sha1Fingerprint: String?
}

public struct MaintenanceSchedule: Codable, Sendable, Hashable {
    public var startTime: String?
    public var endTime: String?
    public var scheduleDeadlineTime: String?
    public var canReschedule: Bool?
}

/// `google.rpc.Status` inside a finished operation (`code` is the numeric google.rpc.Code).
public struct RPCStatus: Codable, Sendable, Hashable {
    public var code: Int?
    public var message: String?
}

/// `google.longrunning.Operation`.
public struct Operation: Sendable, Hashable {
    public var name: String
    public var done: Bool
    public var error: RPCStatus?
    /// The `response` object as raw JSON bytes (an Instance for create/patch/upgrade, Empty for delete).
    public var responseJSON: [UInt8]?
    /// `metadata.verb` (`create`, `update`, `delete`, `upgrade`).
    public var verb: String?
    /// `metadata.target`.
    public var target: String?
    /// `metadata.createTime`.
    public var createTime: String?

    public init(name: String, done: Bool, error: RPCStatus? = nil, responseJSON: [UInt8]? = nil,
                verb: String? = nil, target: String? = nil, createTime: String? = nil) {
        self.name = name
        self.done = done
        self.error = error
        self.responseJSON = responseJSON
        self.verb = verb
        self.target = target
        self.createTime = createTime
    }

    /// Parses an Operation; nil when the body is not one.
    public static func decode(_ bytes: [UInt8]) -> Operation? {
        guard let json = JSONValue.parse(bytes), let name = json["name"]?.stringValue else { return nil }
        var error: RPCStatus?
        if let e = json["error"], e.objectValue != nil {
            error = RPCStatus(code: e["code"]?.intValue, message: e["message"]?.stringValue)
        }
        let response = json["response"].map { Array($0.rendered(pretty: false).utf8) }
        return Operation(name: name, done: json["done"]?.boolValue ?? false, error: error, responseJSON: response,
                         verb: json["metadata"]?["verb"]?.stringValue, target: json["metadata"]?["target"]?.stringValue,
                         createTime: json["metadata"]?["createTime"]?.stringValue)
    }

    /// The google.rpc.Code name for `error.code`.
    public static func codeName(_ code: Int) -> String {
        let names = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                     "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
                     "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]
        return code >= 0 && code < names.count ? names[code] : "CODE_\(code)"
    }
}

import InferaDiagnostics
