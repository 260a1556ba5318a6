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
          infera server --tls-port 6380 --port 0 --tls-cert-file c.pem --tls-key-file k.pem --tls-ca-cert-file ca.pem
        """
    )

    @Argument(parsing: .captureForPassthrough, help: "[config-file] [--directive value ...]")
    var arguments: [String] = []

    func run() async throws {
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
        let server = RedisServer(config: config, log: ServerLog(minimum: level))
        server.installSignalHandlers()
        do {
            try server.start()
        } catch {
            server.log.log(.warning, "\(error)")
            throw ExitCode(1)
        }
        try await server.waitForShutdown()
    }

    private func printError(_ s: String) {
        var line = s + "\n"
        line.withUTF8 { p in _ = write(2, p.baseAddress, p.count) }
    }
}
