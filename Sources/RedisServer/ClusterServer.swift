import Dispatch
import RedisEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `infera server --cluster-enabled yes --cluster-shards N --port P`: a Redis Cluster of N primaries in
/// one process, node i listening on P + i with its own engine (its own keyspace, lock and event loop)
/// and owning the i-th slot range of `redis-cli --cluster create`'s split.
public final class RedisClusterServer: @unchecked Sendable {
    /// One server per node, in shard order.
    public let servers: [RedisServer]
    public let config: RedisServerConfig
    public let log: ServerLog
    /// The layout served (set by `start()`).
    public private(set) var topology: ClusterTopology?
    private var signalSources: [DispatchSourceSignal] = []

    public init(config: RedisServerConfig, log: ServerLog = ServerLog()) {
        self.config = config
        self.log = log
        var servers: [RedisServer] = []
        for i in 0..<max(1, config.clusterShards) {
            var c = config
            c.port = config.ephemeralPorts || config.port == 0 ? config.port : config.port + i
            c.tlsPort = config.tlsPort > 0 && !config.ephemeralPorts ? config.tlsPort + i : config.tlsPort
            // The nodes share one config file: only the first (on the file's own port) may CONFIG REWRITE it.
            if i > 0 { c.configFile = nil }
            servers.append(RedisServer(config: c, log: log))
        }
        self.servers = servers
    }

    /// The address other nodes and clients are told (MOVED, CLUSTER SLOTS/NODES).
    public var announceHost: String {
        if let ip = config.engine.extra["cluster-announce-ip"], !ip.isEmpty { return ip }
        for raw in config.bind {
            let h = raw.hasPrefix("-") ? String(raw.dropFirst()) : raw
            if h == "*" || h == "0.0.0.0" || h == "::*" || h == "::" { return "127.0.0.1" }
            return h
        }
        return "127.0.0.1"
    }

    /// Plain (or TLS) ports of the nodes, in shard order.
    public var ports: [Int] { servers.map { $0.port ?? $0.tlsPort ?? 0 } }

    /// Binds every node and installs the layout. With fixed ports the layout is in place before the
    /// first client can connect; with ephemeral ports (tests) right after binding.
    public func start() throws {
        let fixed = !config.ephemeralPorts && (config.port > 0 || config.tlsPort > 0)
        if fixed {
            let base = config.port > 0 ? config.port : config.tlsPort
            if base + servers.count - 1 > 65535 {
                throw RedisServerError("cluster ports \(base)…\(base + servers.count - 1) go past 65535; choose a lower --port")
            }
            install(ClusterTopology.even(host: announceHost, ports: (0..<servers.count).map { base + $0 }))
        }
        var started: [RedisServer] = []
        do {
            for s in servers {
                try s.start()
                started.append(s)
            }
        } catch {
            for s in started { s.initiateShutdown(reason: "Another cluster node failed to start") }
            throw error
        }
        if !fixed { install(ClusterTopology.even(host: announceHost, ports: ports)) }
        if let t = topology {
            for n in t.nodes {
                log.log(.notice, "Cluster node \(n.id) serving slots \(n.firstSlot)-\(n.lastSlot) on \(n.host):\(n.port)")
            }
            log.log(.notice, "Running mode=cluster, \(t.nodes.count) shards, ports \(ports.map(String.init).joined(separator: ","))")
        }
    }

    private func install(_ t: ClusterTopology) {
        topology = t
        let bus = ClusterBus()
        bus.attach(servers.map(\.engine))
        for (i, s) in servers.enumerated() {
            s.engine.lock.withLock { ClusterNode.install(on: s.engine, topology: t, index: i).bus = bus }
        }
    }

    /// SIGTERM/SIGINT stop every node.
    public func installSignalHandlers() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let name = sig == SIGTERM ? "SIGTERM" : "SIGINT"
            src.setEventHandler { [weak self] in
                self?.log.log(.warning, "Received \(name) scheduling shutdown...")
                self?.initiateShutdown(reason: "User requested shutdown...")
            }
            src.resume()
            signalSources.append(src)
        }
    }

    public func initiateShutdown(reason: String) {
        for s in servers { s.initiateShutdown(reason: reason) }
    }

    /// Waits until one node shuts down (SHUTDOWN, a signal), then stops the others: one process.
    public func waitForShutdown() async throws {
        await withTaskGroup(of: Void.self) { group in
            for s in servers { group.addTask { try? await s.waitForShutdown() } }
            _ = await group.next()
            initiateShutdown(reason: "A cluster node shut down; stopping the others")
            await group.waitForAll()
        }
    }

    /// Stops every node and waits (tests).
    public func stop() async throws {
        initiateShutdown(reason: "Shutting down")
        try await waitForShutdown()
    }
}
