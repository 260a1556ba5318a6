import Dispatch
import NIOCore
import NIOPosix
import NIOSSL
import RESP
import RedisEngine
import RedisScripting
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors starting the server.
public struct RedisServerError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The network server: SwiftNIO on every core, optional TLS, the engine behind one lock.
public final class RedisServer: @unchecked Sendable {
    /// The engine serving commands.
    public let engine: Engine
    /// Network settings.
    public let config: RedisServerConfig
    /// The log.
    public let log: ServerLog
    /// SwiftNIO: the TLS listener, and plain TCP too with `io-backend nio` (created on demand).
    private var nioGroup: MultiThreadedEventLoopGroup?
    #if os(Linux)
    /// epoll loops: plain TCP and the cron (the default `io-backend`).
    private var epoll: EpollTransport?
    #endif
    private var listeners: [Channel] = []
    private var clients: [ObjectIdentifier: Channel] = [:]
    private let clientsLock = EngineLock()
    private var cronTask: RepeatedTask?
    private let finished = ShutdownLatch()
    private var shuttingDown = false
    private var signalSources: [DispatchSourceSignal] = []
    /// SwiftNIO event loops (TLS; plain TCP too with `infera-io-backend nio`): `io-threads`, default all cores.
    private let nioThreads: Int
    /// epoll loops for plain TCP: `io-threads`, default 1 like redis-server. Every command runs under the
    /// engine's one lock, so a second loop only adds lock hand-offs: measured on 2 cores it used 1.1–1.4×
    /// the CPU per request of one loop with no throughput gain (docs/engine.md).
    private let epollThreads: Int

    /// Redis's protected-mode refusal, word for word.
    public static let protectedModeMessage = "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."

    /// A server for `config`; pass `engine` to share one (tests), otherwise one is created.
    public init(config: RedisServerConfig, engine: Engine? = nil, log: ServerLog = ServerLog()) {
        self.config = config
        self.engine = engine ?? Engine(config: config.engine)
        self.log = log
        LuaScripting.install(on: self.engine)
        // Config-file settings that go through CONFIG SET's handlers, then the file's `user` lines.
        startupProblem = ConfigCommands.applyDeferredSettings(self.engine)
        ACLCommands.loadConfiguredUsers(self.engine)
        if self.engine.scriptLog == nil {
            self.engine.scriptLog = { level, message in log.log(ServerLog.Level(rawValue: level) ?? .notice, message) }
        }
        self.nioThreads = max(1, config.threads > 0 ? config.threads : System.coreCount)
        self.epollThreads = max(1, config.threads > 0 ? config.threads : 1)
        let limits = [config.outputBufferLimitNormal, config.outputBufferLimitPubSub].flatMap { [$0.hard, $0.soft] }
        self.minimumOutputLimit = limits.filter { $0 > 0 }.min() ?? Int.max
    }

    private func group() -> MultiThreadedEventLoopGroup {
        if let g = nioGroup { return g }
        let g = MultiThreadedEventLoopGroup(numberOfThreads: nioThreads)
        nioGroup = g
        return g
    }

    /// The smallest non-zero output-buffer limit (hard or soft, any class): below it no check is needed.
    let minimumOutputLimit: Int

    /// True when plain TCP and the cron run on the epoll transport.
    private var usesEpoll: Bool {
        #if os(Linux)
        return config.ioBackend == .epoll
        #else
        return false
        #endif
    }

    /// Ports actually bound (plain, then TLS), useful with port 0.
    public private(set) var boundPorts: [Int] = []
    /// The plain TCP port bound (first listener), or nil.
    public private(set) var port: Int?
    /// The TLS port bound, or nil.
    public private(set) var tlsPort: Int?

    /// A config-file setting that could not be applied (e.g. `dir` not a directory): `start` refuses.
    private var startupProblem: String?

    /// Binds every listener and starts the cron. Logs the start-up banner.
    public func start() throws {
        if let startupProblem { throw RedisServerError("Fatal config file error: \(startupProblem)") }
        let pid = Int(getpid())
        log.log(.warning, "oO0OoO0OoO0Oo infera engine is starting oO0OoO0OoO0Oo", role: "C")
        log.log(.warning, "infera engine version=\(ConnectionCommands.redisVersion), bits=64, commit=00000000, modified=0, pid=\(pid), just started", role: "C")
        if let f = config.configFile {
            log.log(.warning, "Configuration loaded", role: "C")
            _ = f
        } else {
            log.log(.warning, "Warning: no config file specified, using the default config. In order to specify a config file use infera server /path/to/redis.conf", role: "C")
        }
        engine.lock.withLock {
            engine.serverInfo.processID = pid
            engine.serverInfo.ioThreads = usesEpoll ? epollThreads : nioThreads
            engine.serverInfo.multiplexingAPI = usesEpoll ? "epoll" : "nio"
            engine.serverInfo.configFile = config.configFile ?? ""
            engine.serverInfo.bind = config.bind.joined(separator: " ")
            engine.shutdownHandler = { [weak self] args in
                guard let self else { return false }
                // Called under the engine lock: shut down from another thread instead.
                DispatchQueue.global().async { self.initiateShutdown(reason: "User requested shutdown...") }
                return true
            }
        }
        log.log(.notice, "monotonic clock: POSIX clock_gettime")
        if engine.lock.withLock({ engine.config.extra["always-show-logo"] }) == "yes" {
            // What redis-server's logo says, before loading data (Redis's test suite finds the pid by " PID: ").
            log.log(.notice, "infera engine 7.0.15 running in standalone mode, Port: \(config.port) PID: \(pid)")
        }
        try loadPersistedData()

        #if os(Linux)
        if usesEpoll {
            let transport = try EpollTransport(server: self, threads: epollThreads) { [weak self] in
                self?.epollStopped()
            }
            epoll = transport
            if config.port > 0 {
                let p = try transport.listen(addresses: config.bind, port: config.ephemeralPorts ? 0 : config.port,
                                             backlog: config.tcpBacklog)
                port = p
                boundPorts.append(p)
            }
        }
        #endif
        if !usesEpoll && config.port > 0 {
            let chans = try bindAll(port: config.ephemeralPorts ? 0 : config.port, tls: nil)
            if let p = chans.first?.localAddress?.port { port = p; boundPorts.append(p) }
            listeners += chans
        }
        if config.tlsPort > 0 {
            let ssl = try makeTLSContext()
            let chans = try bindAll(port: config.ephemeralPorts ? 0 : config.tlsPort, tls: ssl)
            if let p = chans.first?.localAddress?.port { tlsPort = p; boundPorts.append(p) }
            listeners += chans
        }
        if port == nil && tlsPort == nil {
            #if os(Linux)
            epoll = nil
            #endif
            throw RedisServerError("Configured to not listen anywhere, exiting.")
        }
        engine.lock.withLock {
            engine.serverInfo.port = port ?? 0
            engine.serverInfo.tlsPort = tlsPort ?? 0
            engine.config.extra["port"] = String(port ?? 0)
            engine.config.extra["tls-port"] = String(tlsPort ?? 0)
        }
        log.log(.notice, "Running mode=standalone, port=\(port ?? tlsPort ?? 0).")
        if config.protectedMode && !engine.config.passwordRequired && !config.bind.contains(where: { $0.hasPrefix("127.") || $0 == "-::1" || $0 == "::1" || $0 == "localhost" }) == false {
            // loopback binds only: nothing to warn about
        }
        log.log(.warning, "Server initialized")
        log.log(.notice, "Ready to accept connections\(tlsPort != nil ? " tls" : "")\(port != nil ? " tcp" : "")")

        #if os(Linux)
        if let epoll {
            epoll.start()   // loop 0 runs the cron
            return
        }
        #endif
        let hz = max(1, min(500, engine.config.hz))
        cronTask = group().next().scheduleRepeatedTask(initialDelay: .milliseconds(Int64(1000 / hz)),
                                                       delay: .milliseconds(Int64(1000 / hz))) { [weak self] _ in
            self?.cron()
        }
    }

    private func bindAll(port: Int, tls: NIOSSLContext?) throws -> [Channel] {
        var out: [Channel] = []
        var lastError: Error?
        let addresses = config.bind.isEmpty ? ["*", "-::*"] : config.bind
        for raw in addresses {
            let optional = raw.hasPrefix("-")
            var host = optional ? String(raw.dropFirst()) : raw
            if host == "*" { host = "0.0.0.0" }
            if host == "::*" { host = "::" }
            do {
                let ch = try bootstrap(tls: tls).bind(host: host, port: out.isEmpty ? port : (out.first?.localAddress?.port ?? port)).wait()
                out.append(ch)
            } catch {
                if optional { continue }
                lastError = error
                log.log(.warning, "Warning: Could not create server TCP listening socket \(host):\(port): \(error)")
            }
        }
        if out.isEmpty || lastError != nil {
            for c in out { try? c.close().wait() }
            throw RedisServerError("Failed listening on port \(port) (tcp), aborting.")
        }
        return out
    }

    private func bootstrap(tls: NIOSSLContext?) -> ServerBootstrap {
        ServerBootstrap(group: group())
            .serverChannelOption(.backlog, value: Int32(config.tcpBacklog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: config.tcpKeepAlive > 0 ? 1 : 0)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 * 1024, maximum: 256 * 1024))
            .childChannelInitializer { [unowned self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(server: self, isTLS: tls != nil))
                }
            }
    }

    private func makeTLSContext() throws -> NIOSSLContext {
        guard let certFile = config.tlsCertFile, let keyFile = config.tlsKeyFile else {
            throw RedisServerError("Failed to configure TLS: tls-cert-file and tls-key-file are required")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key: NIOSSLPrivateKey
            if let pass = config.tlsKeyFilePass {
                key = try NIOSSLPrivateKey(file: keyFile, format: .pem) { setter in setter(Array(pass.value.utf8)) }
            } else {
                key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            }
            var tlsConfig = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            if let ca = config.tlsCACertFile {
                tlsConfig.trustRoots = .file(ca)
            }
            switch config.tlsAuthClients {
            case .yes: tlsConfig.certificateVerification = .noHostnameVerification
            case .optional: tlsConfig.certificateVerification = .optionalVerification
            case .no: tlsConfig.certificateVerification = .none
            }
            return try NIOSSLContext(configuration: tlsConfig)
        } catch let e as RedisServerError {
            throw e
        } catch {
            throw RedisServerError("Failed to configure TLS: \(error)")
        }
    }

    func connectionOpened(_ channel: Channel) {
        clientsLock.withLock { clients[ObjectIdentifier(channel)] = channel }
    }

    func connectionClosed(_ channel: Channel) {
        clientsLock.withLock { clients[ObjectIdentifier(channel)] = nil }
    }

    /// The periodic work (`hz` times a second): engine cron (expiry, blocked timeouts), idle timeouts.
    func cron() {
        var toKill: [@Sendable () -> Void] = []
        engine.lock.withLock {
            engine.cron()
            let timeout = engine.config.timeout
            if timeout > 0 {
                let now = engine.clock.nowMilliseconds()
                for s in engine.sessions.values where !s.isBlocked && !s.exemptFromTimeout
                    && now - s.lastInteraction > Int64(timeout) * 1000 {
                    if let k = s.kill { toKill.append(k) }
                }
            }
        }
        for k in toKill { k() }
    }

    /// Loads `dir`/`dbfilename` when `dir` is configured (redis-server's start-up load; `infera server`
    /// sets `dir` to its working directory by default). A missing file is an empty start; a corrupt one
    /// stops the start with the reason.
    private func loadPersistedData() throws {
        try engine.lock.withLock {
            guard let dir = engine.config.extra["dir"], !dir.isEmpty else { return }
            if !dir.hasPrefix("/") { engine.config.extra["dir"] = RedisServer.absolutePath(dir) }
            let started = engine.clock.nowMilliseconds()
            if engine.aofConfigured {
                // appendonly yes: the AOF is the source of truth (the RDB file is not read), as in Redis.
                do {
                    if let report = try engine.loadAOF() {
                        let secs = Double(engine.clock.nowMilliseconds() - started) / 1000
                        if let t = report.truncated {
                            log.log(.warning, "AOF \(t.file) was truncated at offset \(t.offset) (incomplete last command)")
                        }
                        log.log(.notice, "DB loaded from append only file: \(secs) seconds (\(report.files) file(s), \(report.keysFromBase) keys from the base, \(report.commands) commands)")
                    }
                    try engine.aofStartAtBoot()
                } catch {
                    throw RedisServerError("Fatal error loading the AOF in \(engine.aofDirectory): \(error)")
                }
                return
            }
            do {
                if let report = try engine.loadDataFile() {
                    let secs = Double(engine.clock.nowMilliseconds() - started) / 1000
                    log.log(.notice, "DB loaded from disk: \(secs) seconds (\(report.keys) keys, \(report.expiredSkipped) expired keys skipped)")
                }
            } catch {
                log.log(.warning, "\(error)")
                throw RedisServerError("Fatal error loading the DB \(engine.rdbPath): \(error)")
            }
        }
    }

    static func absolutePath(_ p: String) -> String {
        Engine.currentDirectory() + "/" + p
    }

    /// Installs SIGTERM/SIGINT handlers that shut the server down gracefully.
    public func installSignalHandlers() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let name = sig == SIGTERM ? "SIGTERM" : "SIGINT"
            src.setEventHandler { [weak self] in
                self?.log.log(.warning, "Received \(name) scheduling shutdown...")
                // Like redis-server: save first when save points are configured.
                if let e = self?.engine {
                    e.lock.withLock {
                        if !e.savePoints.isEmpty { _ = PersistenceCommands.saveForShutdown(e, save: true, nosave: false) }
                        e.aofShutdown()   // the AOF is written and fsynced whatever the save points say
                    }
                }
                self?.initiateShutdown(reason: "User requested shutdown...")
            }
            src.resume()
            signalSources.append(src)
        }
    }

    /// Stops accepting, closes every client, and completes `waitForShutdown`.
    public func initiateShutdown(reason: String) {
        let already: Bool = clientsLock.withLock {
            let a = shuttingDown
            shuttingDown = true
            return a
        }
        if already { return }
        log.log(.warning, reason)
        cronTask?.cancel()
        let chans = clientsLock.withLock { Array(clients.values) }
        let all = listeners + chans
        let log = self.log
        let finished = self.finished
        // Two parts finish independently: the NIO channels (TLS) and the epoll loops.
        let parts = PendingParts(count: 2) {
            log.log(.warning, "infera engine is now ready to exit, bye bye...")
            finished.open()
        }
        if let g = nioGroup, !all.isEmpty {
            EventLoopFuture.whenAllComplete(all.map { $0.close() }, on: g.next()).whenComplete { _ in parts.done() }
        } else {
            parts.done()
        }
        #if os(Linux)
        if let epoll {
            epollParts = parts
            epoll.stop()
        } else {
            parts.done()
        }
        #else
        parts.done()
        #endif
    }

    #if os(Linux)
    private var epollParts: PendingParts?
    private func epollStopped() {
        clientsLock.withLock { epollParts }?.done()
    }
    #endif

    deinit {
        if !shuttingDown { finished.open() }
    }

    /// Waits until the server has shut down, then releases its threads.
    public func waitForShutdown() async throws {
        await finished.wait()
        if let g = nioGroup { try await g.shutdownGracefully() }
    }

    /// Shuts down and waits (tests).
    public func stop() async throws {
        initiateShutdown(reason: "Shutting down")
        try await waitForShutdown()
    }
}

/// Completes once `open()` is called; any number of waiters.
final class ShutdownLatch: @unchecked Sendable {
    private let lock = EngineLock()
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func open() {
        let w: [CheckedContinuation<Void, Never>] = lock.withLock {
            if isOpen { return [] }
            isOpen = true
            let w = waiters
            waiters.removeAll()
            return w
        }
        for c in w { c.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                if isOpen { return true }
                waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
}

/// Runs `whenDone` after `done()` was called `count` times.
final class PendingParts: @unchecked Sendable {
    private let lock = EngineLock()
    private var remaining: Int
    private let whenDone: @Sendable () -> Void

    init(count: Int, whenDone: @escaping @Sendable () -> Void) {
        remaining = count
        self.whenDone = whenDone
    }

    func done() {
        let last: Bool = lock.withLock {
            remaining -= 1
            return remaining == 0
        }
        if last { whenDone() }
    }
}
