import InferaPlan
import RedisEngine

/// Everything one verify run found. Encoded as `infera.verify/v1` JSON.
public struct VerifyReport: Sendable, Codable {
    public static let schemaID = "infera.verify/v1"
    public var schema = VerifyReport.schemaID
    public var project: String
    public var provider: String
    public var profile: String
    public var engine: EngineSummary
    public var checks: [VerifyCheckResult] = []
    public var app: AppReport?
    public var durationMilliseconds: Double = 0

    /// How the engine was configured.
    public struct EngineSummary: Sendable, Codable {
        public var url: String
        public var tls: Bool
        public var auth: Bool
        public var plannedMemoryBytes: Int
        public var reservedFraction: Double
        public var reservedSource: String
        public var scale: Double
        public var maxMemoryBytes: Int
        public var evictionPolicy: String
        public var providerEvictionPolicy: String
        public var databases: Int
        public var persistence: String?
        public var notes: [String]
        public var startMilliseconds: Double
        public var blockedErrorSource: String
        public var limits: [String]
    }

    init(spec: DeploymentSpec, engine: VerifyEngine) {
        let s = engine.settings
        project = spec.projectName
        provider = spec.providerName
        profile = s.profile.displayName
        self.engine = EngineSummary(
            url: engine.redactedURL, tls: s.tls, auth: s.auth, plannedMemoryBytes: s.plannedMemoryBytes,
            reservedFraction: s.reservedFraction, reservedSource: s.reservedSource, scale: s.scale,
            maxMemoryBytes: s.maxMemoryBytes, evictionPolicy: s.evictionPolicy, providerEvictionPolicy: s.providerEvictionName,
            databases: s.databases, persistence: s.persistence, notes: engine.notes,
            startMilliseconds: Double(engine.startMicros) / 1000, blockedErrorSource: s.profile.blockedErrorSource,
            limits: s.profile.limits.map { "\($0.name): \($0.value) [\($0.source)]" })
    }

    /// Checks that failed.
    public var failedChecks: [VerifyCheckResult] { checks.filter { $0.status == .fail } }

    /// The exit status `infera verify` ends with: the command's own when one ran (2 under
    /// `failOnIncompatible` when it succeeded but sent a blocked command), else 1 when a check failed.
    public func exitStatus(failOnIncompatible: Bool) -> Int32 {
        if let app {
            if app.exitStatus == 0 && failOnIncompatible && !app.incompatible.isEmpty { return 2 }
            if app.exitStatus != 0 { return app.exitStatus }
            return failedChecks.isEmpty ? 0 : 1
        }
        return failedChecks.isEmpty ? 0 : 1
    }
}

/// A command the application sent that the provider treats differently.
public struct CommandFinding: Sendable, Codable, Equatable {
    public var command: String
    public var count: Int
    public var firstClient: String
    /// `blocked`, `unlisted`, `restricted`, or `refused` (a limit of the profile refused the call).
    public var kind: String
    public var note: String
    public var source: String
}

/// What the application's command did against the engine.
public struct AppReport: Sendable, Codable {
    public var command: [String]
    /// Names of the variables set for it (values are never reported).
    public var environment: [String]
    public var exitStatus: Int32 = 0
    public var launchError: String?
    public var durationSeconds: Double = 0
    public var totalCommands = 0
    public var commands: [CommandRecorder.Use] = []
    /// Would fail on the provider (blocked / unlisted / refused by a limit).
    public var incompatible: [CommandFinding] = []
    /// Accepted but limited on the provider.
    public var restricted: [CommandFinding] = []
    public var keysCalls = 0
    public var flushCalls = 0
    public var largeValues = 0
    public var largestValueBytes = 0
    public var keysTotal = 0
    public var keysWithoutTTL = 0
    /// Up to five key patterns without a TTL (`cache:product:*`), the first in sorted order.
    public var keysWithoutTTLSample: [String] = []
    public var peakMemoryBytes = 0
    public var plannedMemoryBytes = 0
    public var evictedKeys = 0
    public var commandsPerSecond: Double = 0
    public var monthlyCommands: Double?
    public var monthlyCostUSD: Double?
    public var costNote: String = ""

    init(command: [String], environment: [String]) {
        self.command = command
        self.environment = environment
    }

    mutating func fill(from recorder: CommandRecorder, engine: Engine, settings: VerifySettings) {
        totalCommands = recorder.total
        commands = recorder.uses
        let profile = settings.profile
        for use in commands {
            if let rule = profile.rule(for: use.command) {
                let f = CommandFinding(command: use.command, count: use.count, firstClient: use.firstClient,
                                       kind: rule.kind.rawValue, note: rule.note, source: rule.source)
                if rule.kind == .restricted {
                    if let refused = recorder.refused[use.command] {
                        var r = f
                        r.kind = "refused"
                        r.count = refused
                        incompatible.append(r)
                    } else {
                        restricted.append(f)
                    }
                } else {
                    incompatible.append(f)
                }
            } else if let refused = recorder.refused[use.command] {
                incompatible.append(CommandFinding(command: use.command, count: refused, firstClient: use.firstClient, kind: "refused",
                                                   note: "refused by a \(profile.displayName) limit", source: profile.limits.first?.source ?? ""))
            }
        }
        keysCalls = recorder.counts["KEYS"] ?? 0
        flushCalls = (recorder.counts["FLUSHALL"] ?? 0) + (recorder.counts["FLUSHDB"] ?? 0)
        largeValues = recorder.largeValues
        largestValueBytes = recorder.largestValue
        evictedKeys = engine.stats.evictedKeys
        // Distinct patterns (bounded), reported in sorted order so the report does not depend on hash order.
        var patterns: Set<String> = []
        for db in engine.databases {
            keysTotal += db.count
            db.main.forEachIndex { i in
                let k = db.main.key(at: i)
                if db.expireTime(k) == nil {
                    keysWithoutTTL += 1
                    if patterns.count < 10_000 { patterns.insert(keyPattern(k.string)) }
                }
            }
        }
        keysWithoutTTLSample = Array(patterns.sorted().prefix(5))
    }

    mutating func projectCost(settings: VerifySettings) {
        commandsPerSecond = durationSeconds > 0 ? Double(totalCommands) / durationSeconds : 0
        guard let price = settings.pricePer100KCommands else {
            costNote = "\(settings.profile.displayName) bills by capacity, not per request: the command rate does not change the cost"
            return
        }
        let monthly = commandsPerSecond * 30 * 86_400
        monthlyCommands = monthly
        let cost = monthly / 100_000 * price
        monthlyCostUSD = cost
        var note = "at \(format1(commandsPerSecond)) commands/s sustained: \(Int(monthly)) commands/month ≈ $\(money(cost))/month on Upstash pay-as-you-go ($\(money(price)) per 100K, \(Pricing.sources["upstash"] ?? ""))"
        if let b = settings.budget { note += cost > Double(b) ? "; over the $\(b) budget" : "; within the $\(b) budget" }
        costNote = note
    }
}

func money(_ d: Double) -> String {
    let cents = Int((d * 100).rounded())
    let c = cents % 100
    return "\(cents / 100).\(c < 10 ? "0" : "")\(c)"
}

/// `cache:product:42` → `cache:product:*` (numeric and long hex/uuid-like segments become `*`).
func keyPattern(_ key: String) -> String {
    key.split(separator: ":", omittingEmptySubsequences: false).map { seg -> String in
        let s = String(seg)
        if !s.isEmpty && s.allSatisfy({ $0.isNumber }) { return "*" }
        if s.count >= 8 && s.allSatisfy({ $0.isHexDigit || $0 == "-" }) { return "*" }
        return s
    }.joined(separator: ":")
}
