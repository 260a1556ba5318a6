import InferaDetect
import InferaPlan
import RedisEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `application.env` entry of infera.yaml: a literal value, or nil when it comes from a secret.
public struct AppEnvEntry: Sendable, Hashable {
    public var name: String
    public var literal: String?
    public init(name: String, literal: String?) {
        self.name = name
        self.literal = literal
    }
}

/// What `infera verify` (and `infera apply --dry-run`) is asked to do.
public struct VerifyOptions: Sendable {
    /// Check ids to run (nil: every check; empty: none).
    public var checks: [String]?
    /// `--scale`: fraction of the planned memory (1 = as planned).
    public var scale: Double = 1
    /// `-- CMD ARGS…`: the application's command (empty: checks only).
    public var command: [String] = []
    /// `application.env` from infera.yaml.
    public var appEnv: [AppEnvEntry] = []
    /// Where `infera detect` looks for the variable names the code reads (nil: skip detection).
    public var detectRoot: String?
    /// Send the command's stdout to stderr (machine-readable formats own stdout).
    public var commandStdoutToStderr = false
    /// Deliberate misconfiguration (tests).
    public var faults = EngineFaults()
    /// Progress lines ("engine ready", each check, the command) as they happen.
    public var progress: (@Sendable (String) -> Void)?
    public init() {}
}

/// The reusable entry point: plan's `DeploymentSpec` in, a `VerifyReport` out. `infera verify` and
/// `infera apply --dry-run` both call it; nothing here talks to a cloud.
public enum VerifyRun {
    /// Starts the engine configured like `spec`, runs the checks, then the command (if any), and stops.
    public static func run(spec: DeploymentSpec, options: VerifyOptions) async throws -> VerifyReport {
        let t0 = monotonicMicrosNow()
        let checks = try selectChecks(options.checks)
        let settings = VerifySettings(spec: spec, scale: options.scale)
        // Serving first: everything not needed to answer the application's first command (detect, the CA
        // bundle for SSL_CERT_FILE, the checks' client event loop) comes after the engine listens.
        let engine = try VerifyEngine.start(settings, faults: options.faults)
        // The names the code reads are found while the checks run (detect reads the whole tree; on a
        // large repository it would otherwise delay the command, and before the engine it delayed serving).
        let detection: Task<[String], Never>? = options.command.isEmpty ? nil : options.detectRoot.map { root in
            Task.detached(priority: .userInitiated) { () -> [String] in
                let names = detectedNames(root: root)
                StartupTrace.mark("detected")
                return names
            }
        }
        // The CA bundle for SSL_CERT_FILE is only for the command: written while the checks run.
        let bundle: Task<String?, Never>? = options.command.isEmpty ? nil : engine.tls.map { tls in
            Task.detached(priority: .userInitiated) { () -> String? in
                defer { StartupTrace.mark("bundle-written") }
                do { try tls.writeBundle(); return nil } catch { return "\(error)" }
            }
        }
        let say = options.progress ?? { _ in }
        say("engine ready on \(engine.redactedURL) in \(String(format1(Double(engine.startMicros) / 1000))) ms (\(settings.profile.displayName) profile, maxmemory \(formatBytes(settings.maxMemoryBytes)), \(settings.evictionPolicy))")
        var report = VerifyReport(spec: spec, engine: engine)
        report.checks = VerifyCheck.runAll(checks, on: engine) { r in
            say("\(r.status.rawValue.uppercased()) \(r.id): \(r.reason)")
        }
        if !options.command.isEmpty {
            // Start the application from a clean dataset and memory baseline.
            engine.withEngine { e in
                for db in e.databases { db.clear() }
                e.stats.evictedKeys = 0
            }
            let detected = await detection?.value ?? []
            if let problem = await bundle?.value { say("SSL_CERT_FILE bundle not written: \(problem)") }
            report.app = await runApplication(engine: engine, spec: spec, options: options, detected: detected, say: say)
        }
        await engine.stop()
        report.durationMilliseconds = Double(monotonicMicrosNow() - t0) / 1000
        return report
    }

    /// The checks named by `--checks` (ids, comma-separated allowed); unknown ids are an error with a hint.
    public static func selectChecks(_ ids: [String]?) throws -> [VerifyCheck] {
        guard let ids else { return VerifyCheck.all }
        let wanted = ids.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters() } }.filter { !$0.isEmpty }
        if wanted == ["none"] { return [] }
        var out: [VerifyCheck] = []
        for id in wanted {
            guard let c = VerifyCheck.all.first(where: { $0.id == id }) else {
                throw VerifyError("unknown check '\(id)'; see `infera verify --list-checks` (known: \(VerifyCheck.all.map(\.id).joined(separator: ", ")))")
            }
            out.append(c)
        }
        return out
    }

    /// Environment variables the application gets: name → value (values include the password: never print them).
    public static func applicationEnvironment(engine: VerifyEngine, spec: DeploymentSpec, appEnv: [AppEnvEntry],
                                              detected: [String]) -> [(String, String)] {
        var env: [(String, String)] = []
        var seen: Set<String> = []
        func add(_ name: String, _ value: String) {
            if seen.insert(name).inserted { env.append((name, value)) }
        }
        add("REDIS_URL", engine.url)
        add(spec.urlEnvVar, engine.url)
        if let ca = engine.tls {
            add("REDIS_CA_CERT", ca.caCertPath)
            // OpenSSL-based clients (Python, Ruby, PHP, Go on Linux) read SSL_CERT_FILE; Node adds NODE_EXTRA_CA_CERTS.
            add("SSL_CERT_FILE", ca.bundlePath)
            add("NODE_EXTRA_CA_CERTS", ca.caCertPath)
        }
        for e in appEnv {
            if let lit = e.literal { add(e.name, lit) } else { add(e.name, value(forName: e.name, engine: engine)) }
        }
        for name in detected { add(name, value(forName: name, engine: engine)) }
        return env
    }

    /// The value a Redis connection variable gets, from its name.
    static func value(forName name: String, engine: VerifyEngine) -> String {
        let n = name.uppercased()
        if n.contains("CA_CERT") || n.contains("CACERT") || n.hasSuffix("_CA") { return engine.tls?.caCertPath ?? "" }
        if n.hasSuffix("URL") || n.hasSuffix("URI") || n.hasSuffix("DSN") { return engine.url }
        if n.hasSuffix("HOST") || n.hasSuffix("HOSTNAME") || n.hasSuffix("ADDR") && !n.hasSuffix("_ADDR") { return "127.0.0.1" }
        if n.hasSuffix("ADDR") || n.hasSuffix("ADDRESS") || n.hasSuffix("ENDPOINT") { return "127.0.0.1:\(engine.port)" }
        if n.hasSuffix("PORT") { return String(engine.port) }
        if n.contains("PASSWORD") || n.hasSuffix("PASS") || n.contains("TOKEN") || n.hasSuffix("AUTH") || n.contains("SECRET") { return engine.password ?? "" }
        if n.hasSuffix("USER") || n.hasSuffix("USERNAME") { return engine.settings.username ?? "" }
        if n.hasSuffix("TLS") || n.hasSuffix("SSL") { return engine.settings.tls ? "true" : "false" }
        if n.hasSuffix("_DB") || n.hasSuffix("DATABASE") { return "0" }
        return engine.url
    }

    /// The Redis variable names `infera detect` finds the code under `root` reading.
    static func detectedNames(root: String) -> [String] {
        let report = Detector.detect(root: root, options: DetectOptions(useGit: false))
        return Array(Set(report.env_vars.map(\.name))).sorted()
    }

    static func runApplication(engine: VerifyEngine, spec: DeploymentSpec, options: VerifyOptions, detected: [String],
                               say: @Sendable (String) -> Void) async -> AppReport {
        let env = applicationEnvironment(engine: engine, spec: spec, appEnv: options.appEnv, detected: detected)
        var app = AppReport(command: options.command, environment: env.map(\.0))
        say("running \(options.command.joined(separator: " ")) with \(env.map(\.0).joined(separator: ", "))")
        engine.withEngine { _ in engine.recorder.recording = true }
        engine.clusterRecorder?.recording = true
        let t0 = monotonicMicrosNow()
        let status: Int32
        do {
            let pid = try spawn(options.command, extraEnv: env, stdoutToStderr: options.commandStdoutToStderr)
            StartupTrace.mark("command-started")
            status = await waitSampling(pid: pid, engine: engine) { app.peakMemoryBytes = max(app.peakMemoryBytes, $0) }
        } catch {
            app.launchError = "\(error)"
            status = 127
        }
        let elapsed = Double(monotonicMicrosNow() - t0) / 1e6
        app.peakMemoryBytes = max(app.peakMemoryBytes, engine.usedMemory())
        engine.withEngine { e in
            engine.recorder.recording = false
            app.fill(from: engine.recorder, engine: e, settings: engine.settings)
        }
        if let cr = engine.clusterRecorder {
            cr.recording = false
            app.addClusterFindings(cr, shards: engine.settings.clusterShards ?? 0)
        }
        app.exitStatus = status
        app.durationSeconds = elapsed
        app.plannedMemoryBytes = engine.settings.maxMemoryBytes
        app.projectCost(settings: engine.settings)
        say("\(options.command.first ?? "command") exited with status \(status) after \(format1(elapsed)) s; \(app.totalCommands) commands recorded")
        return app
    }

    /// Starts `argv` with the current environment plus `extraEnv` (overriding same-named variables).
    static func spawn(_ argv: [String], extraEnv: [(String, String)], stdoutToStderr: Bool) throws -> pid_t {
        var envMap: [String: String] = [:]
        var order: [String] = []
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") {
                let k = String(s[..<eq])
                if envMap[k] == nil { order.append(k) }
                envMap[k] = String(s[s.index(after: eq)...])
            }
            p += 1
        }
        for (k, v) in extraEnv {
            if envMap[k] == nil { order.append(k) }
            envMap[k] = v
        }
        let envStrings = order.map { "\($0)=\(envMap[$0]!)" }
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer {
            for a in cArgs { free(a) }
            for e in cEnv { free(e) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if stdoutToStderr { posix_spawn_file_actions_adddup2(&actions, 2, 1) }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cArgs, &cEnv)
        if rc != 0 { throw VerifyError("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Waits for `pid`, sampling the engine's memory every 50 ms; returns the exit status (128+signal when killed).
    static func waitSampling(pid: pid_t, engine: VerifyEngine, sample: (Int) -> Void) async -> Int32 {
        while true {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                let sig = status & 0x7f
                if sig == 0 { return (status >> 8) & 0xff }
                return 128 + sig
            }
            if r < 0 && errno != EINTR { return 127 }
            sample(engine.usedMemory())
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}

func format1(_ d: Double) -> String {
    let r = (d * 10).rounded() / 10
    return r == r.rounded() ? "\(Int(r)).0" : "\(r)"
}

extension Substring {
    func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
