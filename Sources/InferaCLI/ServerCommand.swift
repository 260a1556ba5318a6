import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RedisEngine
import RedisServer

/// `infera server`: Run the bundled Redis-compatible engine.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the bundled Redis-compatible engine.",
        discussion: """
        Accepts redis-server's command line: an optional redis.conf path followed by
        --directive value pairs, e.g.

          infera server --port 6380 --requirepass s3cret
          infera server ./redis.conf --bind 0.0.0.0 --protected-mode no
          infera server --cluster-enabled yes --cluster-shards 3 --port 7000   # nodes on 7000-7002
          infera server --tls-port 6380 --port 0 --tls-cert-file c.pem --tls-key-file k.pem --tls-ca-cert-file ca.pem
          infera server --port 6380 --daemonize yes --pidfile /tmp/infera.pid --logfile /tmp/infera.log
          infera server --port 6380 --appendonly yes --appendfsync always    # AOF in ./appendonlydir
          infera server --check-aof ./appendonlydir [--fix]                 # like redis-check-aof
        """
    )

    @Argument(parsing: .captureForPassthrough, help: "[config-file] [--directive value ...]")
    var arguments: [String] = []

    func run() async throws {
        if arguments.first == "--check-aof" {
            // redis-check-aof's job: check (and with --fix truncate) an AOF directory, manifest or file.
            let rest = Array(arguments.dropFirst())
            let fix = rest.contains("--fix")
            guard let path = rest.first(where: { $0 != "--fix" }), rest.count <= 2 else {
                printError("Usage: infera server --check-aof <appendonlydir | manifest | file> [--fix]")
                throw ExitCode(1)
            }
            let result = AOFCheck.run(path: path, fix: fix)
            for line in result.lines { print(line) }
            if !result.ok { throw ExitCode(1) }
            return
        }
        var config: RedisServerConfig
        do {
            config = try RedisConfigFile.parseCommandLine(arguments)
        } catch let e as ConfigFileError {
            printError(e.description)
            throw ExitCode(1)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        // Like redis-server: RDB files live in the working directory unless `dir` says otherwise,
        // and an existing dump there is loaded at start-up.
        if config.engine.extra["dir"] == nil {
            config.engine.extra["dir"] = Engine.currentDirectory()
        }
        let level: ServerLog.Level
        switch config.logLevel {
        case "debug": level = .debug
        case "verbose": level = .verbose
        case "warning", "nothing": level = .warning
        default: level = .notice
        }
        if !config.logFile.isEmpty, let problem = ServerDaemon.checkLogFile(config.logFile) {
            printError(problem)
            throw ExitCode(1)
        }
        if config.daemonize && !ServerDaemon.isDaemonChild {
            let code = ServerDaemon.spawnDetached(logFile: config.logFile)
            if code != 0 { throw ExitCode(code) }
            return
        }
        let sink = config.logFile.isEmpty ? nil : ServerDaemon.fileSink(config.logFile)
        // redis-server writes a pid file when one is configured or when it daemonizes.
        let pidFile = config.pidFile ?? (config.daemonize ? "/var/run/redis.pid" : nil)
        let log = ServerLog(minimum: level, sink: sink)
        if config.clusterEnabled {
            let cluster = RedisClusterServer(config: config, log: log)
            cluster.installSignalHandlers()
            try await serve(start: cluster.start, log: log, pidFile: pidFile, waitForShutdown: cluster.waitForShutdown)
        } else {
            let server = RedisServer(config: config, log: log)
            server.installSignalHandlers()
            try await serve(start: server.start, log: log, pidFile: pidFile, waitForShutdown: server.waitForShutdown)
        }
    }

    /// Starts (exit 1 with the reason logged when it cannot), writes the pid file, tells a waiting
    /// `--daemonize` parent that it is ready, serves until shutdown, then removes the pid file.
    private func serve(start: () throws -> Void, log: ServerLog, pidFile: String?,
                       waitForShutdown: () async throws -> Void) async throws {
        do {
            try start()
        } catch {
            log.log(.warning, "\(error)")
            throw ExitCode(1)
        }
        if let pidFile { ServerDaemon.writePidFile(pidFile, log: log) }
        ServerDaemon.reportReady()
        try await waitForShutdown()
        if let pidFile { unlink(pidFile) }
    }

    private func printError(_ s: String) {
        var line = s + "\n"
        line.withUTF8 { p in _ = write(2, p.baseAddress, p.count) }
    }
}
