import NIOCore
import NIOPosix
import RESP
import RedisEngine
import RedisServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deliberate deviations from the plan (tests: each check must fail against a wrongly configured engine).
public struct EngineFaults: Sendable {
    /// Run without the planned password.
    public var noAuth = false
    /// Run plain TCP although TLS is planned.
    public var noTLS = false
    /// Sign the server certificate with a CA other than the one handed to the application.
    public var foreignCA = false
    /// Leave out the provider profile (nothing blocked, no limits).
    public var noRestrictions = false
    /// Run with this eviction policy instead of the planned one.
    public var evictionPolicy: String?
    /// Disable these commands (lower-case), e.g. ["zadd"], as a broken engine would.
    public var disabledCommands: [String] = []
    /// Ignore `notify-keyspace-events` from the config.
    public var dropConfigs = false
    /// Run with this many databases instead of the planned count.
    public var databases: Int?
    /// Run without the planned persistence (no `save` schedule).
    public var noPersistence = false
    public init() {}
}

/// The bundled engine, started inside this process on a free loopback port and configured like the
/// planned deployment.
public final class VerifyEngine: @unchecked Sendable {
    public let settings: VerifySettings
    public let server: RedisServer
    /// The password clients must send (nil without AUTH). Never printed.
    public let password: String?
    /// TLS material (nil without TLS).
    public let tls: ThrowawayTLS?
    /// A second CA (`EngineFaults.foreignCA`): the one the server really uses.
    let foreignTLS: ThrowawayTLS?
    /// The port clients connect to.
    public let port: Int
    /// True when the engine really serves TLS.
    public let servesTLS: Bool
    /// Commands the application sent (filled while `recorder.recording` is on).
    public let recorder: CommandRecorder
    /// What was configured and what was left out, one line each.
    public let notes: [String]
    /// Event loops for the checks' own clients: made on first use (a run with `--checks none` never needs
    /// them, and the thread is not on the path to serving).
    var clientGroup: MultiThreadedEventLoopGroup {
        clientGroupLock.withLock {
            if let g = clientGroupStorage { return g }
            let g = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            clientGroupStorage = g
            return g
        }
    }
    private let clientGroupLock = EngineLock()
    private var clientGroupStorage: MultiThreadedEventLoopGroup?
    /// Start-up time of the engine (µs), from `start` to serving.
    public let startMicros: Int
    /// Cluster mode: every node (`server` is node 0, the application's endpoint). See ClusterVerify.swift.
    public internal(set) var cluster: RedisClusterServer?
    /// Cluster mode: what the application sent that a cluster refuses or treats differently.
    public internal(set) var clusterRecorder: ClusterRecorder?
    /// The deliberate deviations it runs with (tests).
    public let faults: EngineFaults
    /// Where the engine keeps its data when persistence is planned (nil otherwise).
    public let dataDirectory: String?
    /// True when `dataDirectory` was made for this engine and goes away with it.
    let ownsDataDirectory: Bool
    /// Engines a check started (the persistence rehearsal's restart) that stop with this one.
    private let retiredLock = EngineLock()
    private var retired: [VerifyEngine] = []

    private init(settings: VerifySettings, server: RedisServer, password: String?, tls: ThrowawayTLS?, foreignTLS: ThrowawayTLS?,
                 port: Int, servesTLS: Bool, recorder: CommandRecorder, notes: [String], startMicros: Int,
                 faults: EngineFaults, dataDirectory: String?, ownsDataDirectory: Bool) {
        self.settings = settings
        self.server = server
        self.password = password
        self.tls = tls
        self.foreignTLS = foreignTLS
        self.port = port
        self.servesTLS = servesTLS
        self.recorder = recorder
        self.notes = notes
        self.startMicros = startMicros
        self.faults = faults
        self.dataDirectory = dataDirectory
        self.ownsDataDirectory = ownsDataDirectory
    }

    /// The URL the application gets (`redis://` or `rediss://`, with the password when AUTH is on).
    public var url: String { url(includePassword: true) }

    /// The URL with the password replaced by `***` (for output).
    public var redactedURL: String { url(includePassword: false) }

    private func url(includePassword: Bool) -> String {
        let scheme = settings.tls ? "rediss" : "redis"
        var cred = ""
        if let password {
            let pw = includePassword ? password : "***"
            cred = "\(settings.username ?? ""):\(pw)@"
        }
        return "\(scheme)://\(cred)127.0.0.1:\(port)"
    }

    /// Starts the engine for `settings`. With persistence planned it keeps its data in `dataDirectory`
    /// (loading what is there, as a restarted node does), or in a new private directory it removes at `stop()`.
    public static func start(_ settings: VerifySettings, faults: EngineFaults = EngineFaults(),
                             dataDirectory: String? = nil) throws -> VerifyEngine {
        let t0 = monotonicMicrosNow()
        var notes: [String] = []
        var config = RedisServerConfig()
        config.bind = ["127.0.0.1"]
        config.threads = 1
        config.protectedMode = false
        var engine = EngineConfig()
        engine.databases = faults.databases ?? settings.databases
        engine.maxMemory = settings.maxMemoryBytes
        engine.maxMemoryPolicy = faults.evictionPolicy ?? settings.evictionPolicy
        engine.hz = 10
        let profile = settings.profile
        if !faults.noRestrictions {
            engine.disabledCommands = profile.disabledCommands
            engine.oomErrorText = profile.oomErrorText
            if let v = profile.maxValueBytes { engine.protoMaxBulkLen = max(v, 1 << 20) }
        }
        for c in faults.disabledCommands { engine.disabledCommands[c] = .some(nil) }

        var password: String?
        if settings.auth {
            password = randomHex(bytes: 24)
            if !faults.noAuth { engine.requirePass = RedactedSecret(password!) }
        }
        var dataDir: String?
        var ownsDataDir = false
        if let plan = settings.persistencePlan {
            if let d = dataDirectory { dataDir = d } else {
                dataDir = try makePrivateDirectory("/tmp/infera-verify-data.XXXXXX")
                ownsDataDir = true
            }
            engine.extra["dir"] = dataDir
            engine.extra["dbfilename"] = "dump.rdb"
            let persist = faults.noPersistence ? PersistencePlan.disabledSettings : plan.engineSettings()
            for (name, value) in persist { engine.extra[name] = value }
            let shown = persist.map { "\($0.0) \($0.1.isEmpty || $0.1.contains(" ") ? "\"\($0.1)\"" : $0.1)" }.joined(separator: ", ")
            if faults.noPersistence {
                notes.append("persistence planned (\(plan.summary)) but left out of the engine (test fault): \(shown)")
            } else if plan.mode == .rdb {
                notes.append("persistence: \(plan.summary) → save \"\(engine.extra["save"] ?? "")\" in a private data directory")
            } else {
                notes.append("persistence: \(plan.summary) → \(shown) in a private data directory")
            }
        }
        config.engine = engine
        // redisConfigs / parameters: applied with redis.conf's own parser; what the engine does not model is noted.
        if !faults.dropConfigs {
            for (name, value) in settings.configs.sorted(by: { $0.key < $1.key }) {
                if ["databases", "maxmemory-gb", "reserved-memory-percent"].contains(name) { continue }
                do {
                    try RedisConfigFile.apply("\(name) \"\(value)\"", to: &config)
                    notes.append("\(name) \(value): applied")
                } catch {
                    notes.append("\(name) \(value): not modelled by the engine, ignored")
                }
            }
        }
        var tls: ThrowawayTLS?
        var foreign: ThrowawayTLS?
        var servesTLS = false
        if settings.tls {
            StartupTrace.mark("tls-start")
            tls = try ThrowawayTLS.generate()
            StartupTrace.mark("tls-generated")
            if !faults.noTLS {
                var served = tls!
                if faults.foreignCA {
                    foreign = try ThrowawayTLS.generate()
                    served = foreign!
                }
                config.tlsCertFile = served.serverCertPath
                config.tlsKeyFile = served.serverKeyPath
                config.tlsAuthClients = .no
                config.port = 0                     // no plaintext listener
                config.tlsPort = 6380               // enabled; the OS picks the number (ephemeralPorts)
                servesTLS = true
            }
        }
        if !servesTLS { config.port = 6379 }    // enabled; the OS picks the number
        config.ephemeralPorts = true
        let recorder = CommandRecorder()
        let hook = makeHook(profile: faults.noRestrictions ? nil : profile, recorder: recorder)
        let log = ServerLog(minimum: .warning, sink: { _ in })
        var cluster: RedisClusterServer?
        let clusterRecorder = ClusterRecorder()
        let server: RedisServer
        if let shards = settings.clusterShards {
            do {
                let c = try startCluster(config: config, shards: shards, hook: hook, recorder: clusterRecorder, log: log)
                cluster = c
                server = c.servers[0]
                notes.append("cluster mode: \(shards) shards on ports \(c.ports.map(String.init).joined(separator: ", ")); the application's endpoint (node 0) serves every slot and reports keys of other shards; CROSSSLOT and SELECT answer as on the managed cluster")
            } catch {
                tls?.remove()
                foreign?.remove()
                if ownsDataDir, let d = dataDir { removeTree(d) }
                throw VerifyError("the engine did not start in cluster mode: \(error)")
            }
        } else {
            StartupTrace.mark("engine-start")
            server = RedisServer(config: config, log: log)
            StartupTrace.mark("engine-constructed")
            server.engine.lock.withLock {
                server.engine.commandHook = hook
            }
            do {
                try server.start()
                StartupTrace.mark("listening")
            } catch {
                tls?.remove()
                foreign?.remove()
                if ownsDataDir, let d = dataDir { removeTree(d) }
                throw VerifyError("the engine did not start: \(error)")
            }
        }
        guard let port = servesTLS ? server.tlsPort : server.port else {
            throw VerifyError("the engine did not report its port")
        }
        let verify = VerifyEngine(settings: settings, server: server, password: password, tls: tls, foreignTLS: foreign,
                                  port: port, servesTLS: servesTLS, recorder: recorder, notes: notes,
                                  startMicros: monotonicMicrosNow() - t0, faults: faults, dataDirectory: dataDir, ownsDataDirectory: ownsDataDir)
        verify.cluster = cluster
        verify.clusterRecorder = cluster == nil ? nil : clusterRecorder
        return verify
    }

    /// Stops the engine (and the engines a check started) and removes the TLS files and its data directory.
    public func stop() async {
        for other in retiredLock.withLock({ () -> [VerifyEngine] in defer { retired.removeAll() }; return retired }) {
            await other.stop()
        }
        if let cluster { try? await cluster.stop() } else { try? await server.stop() }
        if let g = clientGroupLock.withLock({ clientGroupStorage }) { try? await g.shutdownGracefully() }
        tls?.remove()
        foreignTLS?.remove()
        if ownsDataDirectory, let d = dataDirectory { removeTree(d) }
    }

    /// Stops serving now (a node going down: nothing is saved on the way) and leaves the rest of the
    /// shutdown to `owner.stop()`.
    func halt(stoppingWith owner: VerifyEngine) {
        server.initiateShutdown(reason: "verify: restart rehearsal")
        owner.retiredLock.withLock { owner.retired.append(self) }
    }

    /// Memory the engine accounts for now (`Engine.usedMemory`: dataset and client buffers, bytes).
    public func usedMemory() -> Int {
        server.engine.lock.withLock { server.engine.usedMemory }
    }

    /// A client as the application would connect: TLS verified against `REDIS_CA_CERT`, then AUTH.
    func connect(authenticate: Bool = true) throws -> CheckClient {
        let c = try CheckClient.connect(group: clientGroup, port: port, tls: settings.tls, caFile: tls?.caCertPath)
        if authenticate, let password {
            let reply = try settings.username.map { try c.call("AUTH", $0, password) } ?? c.call("AUTH", password)
            if case .error(let e) = reply { c.close(); throw VerifyError("AUTH failed: \(e)") }
        }
        return c
    }

    /// Runs `body` with the engine lock held.
    func withEngine<T>(_ body: (Engine) -> T) -> T {
        server.engine.lock.withLock { body(server.engine) }
    }
}

/// The engine hook: records commands while the application runs and applies the request limits a
/// provider has beyond blocked commands (sizes, CONFIG parameters, COMMAND).
func makeHook(profile: ProviderProfile?, recorder: CommandRecorder) -> (inout CommandContext) -> Bool {
    let maxRequest = profile?.maxRequestBytes
    let maxKey = profile?.maxKeyBytes
    let configParams = profile?.configParameters
    let emptyCommand = profile?.commandReturnsEmpty ?? false
    return { ctx in
        let engine = ctx.engine
        let spec = engine.commandTable.lookup(ctx.args[0])
        var name = ctx.args.string(0).uppercased()
        if let spec, spec.isContainer, ctx.args.count > 1 { name += " " + ctx.args.string(1).uppercased() }
        if recorder.recording { recorder.record(name, spec, ctx) }
        func refuse(_ text: String) -> Bool {
            if recorder.recording { recorder.refused[name, default: 0] += 1 }
            return reject(&ctx, text)
        }
        if let maxRequest {
            var total = 0
            for i in 0..<ctx.args.count { total += ctx.args.length(i) }
            if total > maxRequest { return refuse(ProviderProfile.UpstashErrors.requestTooBig) }
        }
        if let maxKey, let spec, ctx.args.count > 1 {
            for i in spec.keyPositions(ctx.args) where ctx.args.length(i) > maxKey {
                return refuse(ProviderProfile.UpstashErrors.keyTooBig(limit: maxKey, actual: ctx.args.length(i)))
            }
        }
        if let configParams, name == "CONFIG GET" || name == "CONFIG SET", ctx.args.count > 2 {
            let param = ctx.args.string(2).lowercased()
            if !configParams.contains(param) {
                if name == "CONFIG GET" {
                    ctx.out.arrayHeader(0)
                    return false
                }
                return refuse("ERR Unknown option or number of arguments for CONFIG SET - '\(ctx.args.string(2))'")
            }
        }
        if emptyCommand && name == "COMMAND" && ctx.args.count == 1 {
            ctx.out.arrayHeader(0)
            return false
        }
        return true
    }
}

private func reject(_ ctx: inout CommandContext, _ text: String) -> Bool {
    ctx.engine.stats.rejectedCalls += 1
    ctx.out.error(text)
    return false
}

/// What the application sent, collected under the engine lock.
public final class CommandRecorder: @unchecked Sendable {
    /// Values at least this large are reported (Redis guidance: keep values small; 100 KB).
    public static let largeValueBytes = 100 * 1024

    public struct Use: Sendable, Codable, Equatable {
        public var command: String
        public var count: Int
        public var firstClient: String
    }

    /// Recording is on only while the application's command runs (not during the checks).
    public var recording = false
    public private(set) var counts: [String: Int] = [:]
    public private(set) var firstClient: [String: String] = [:]
    public private(set) var total = 0
    /// Calls a profile limit refused (request/key size, CONFIG parameter), by command.
    public internal(set) var refused: [String: Int] = [:]
    public private(set) var largeValues = 0
    public private(set) var largestValue = 0
    public private(set) var largeValueFirst: String?

    func record(_ name: String, _ spec: CommandSpec?, _ ctx: CommandContext) {
        total += 1
        counts[name, default: 0] += 1
        if firstClient[name] == nil {
            let s = ctx.session
            var who = "client id=\(s.id) addr=\(s.remoteAddress)"
            if let n = s.name, n.count > 0 { who += " name=" + n.string }
            firstClient[name] = who
        }
        if let spec, spec.flags.contains(.write) {
            for i in 1..<max(1, ctx.args.count) where ctx.args.length(i) >= Self.largeValueBytes {
                largeValues += 1
                if ctx.args.length(i) > largestValue { largestValue = ctx.args.length(i) }
                if largeValueFirst == nil { largeValueFirst = name }
            }
        }
    }

    /// Every command used, most used first.
    public var uses: [Use] {
        counts.map { Use(command: $0.key, count: $0.value, firstClient: firstClient[$0.key] ?? "") }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.command < $1.command }
    }
}

/// A random lower-case hex string from the system's random source.
func randomHex(bytes: Int) -> String {
    var g = SystemRandomNumberGenerator()
    let digits = Array("0123456789abcdef")
    var s = ""
    for _ in 0..<bytes {
        let b = UInt8.random(in: 0...255, using: &g)
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 15)])
    }
    return s
}

/// Monotonic clock, microseconds.
public func monotonicMicrosNow() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int(ts.tv_sec) * 1_000_000 + Int(ts.tv_nsec) / 1000
}
