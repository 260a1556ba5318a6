import NIOCore
import RESP
import RedisEngine
import RedisServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking TCP client for loopback tests (bounded by a receive timeout).
final class RawClient {
    let fd: Int32

    init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if fd < 0 { return nil }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 { close(fd); return nil }
    }

    deinit { close(fd) }

    func send(_ s: String) {
        var b = Array(s.utf8)
        _ = b.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Reads until `expected` bytes arrived, the peer closed, or the timeout hit.
    func read(atLeast expected: Int) -> String {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < expected {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when the server closed the connection (recv returns 0).
    func isClosed() -> Bool {
        var buf = [UInt8](repeating: 0, count: 16)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n == 0
    }
}

@Suite("Redis server", .serialized)
struct ServerTests {
    func withServer(_ configure: (inout RedisServerConfig) -> Void = { _ in }, _ body: (RedisServer, Int) throws -> Void) async throws {
        var cfg = RedisServerConfig()
        cfg.ephemeralPorts = true
        cfg.bind = ["127.0.0.1"]
        cfg.threads = 2
        configure(&cfg)
        let server = RedisServer(config: cfg, log: ServerLog(minimum: .warning, sink: { _ in }))
        var failure: Error?
        do {
            try server.start()
            let port = try #require(server.port)
            try body(server, port)
        } catch {
            failure = error
        }
        try await server.stop()
        if let failure { throw failure }
    }

    @Test func pipelineAndInline() async throws {
        try await withServer { _, port in
            let c = try #require(RawClient(port: port))
            c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\nECHO \"a b\"\r\n")
            let expected = "+OK\r\n$1\r\nv\r\n+PONG\r\n$3\r\na b\r\n"
            #expect(c.read(atLeast: expected.utf8.count) == expected)
        }
    }

    @Test func protocolErrorClosesConnection() async throws {
        try await withServer { _, port in
            let c = try #require(RawClient(port: port))
            c.send("PING\r\n*1\r\n+X\r\n")
            let expected = "+PONG\r\n-ERR Protocol error: expected '$', got '+'\r\n"
            #expect(c.read(atLeast: expected.utf8.count) == expected)
            #expect(c.isClosed())
            let d = try #require(RawClient(port: port))
            d.send("PING\r\n")
            #expect(d.read(atLeast: 7) == "+PONG\r\n")
        }
    }

    @Test func authRequired() async throws {
        try await withServer({ $0.engine.requirePass = RedactedSecret("pw") }) { _, port in
            let c = try #require(RawClient(port: port))
            c.send("GET k\r\nAUTH pw\r\nGET k\r\n")
            let expected = "-NOAUTH Authentication required.\r\n+OK\r\n$-1\r\n"
            #expect(c.read(atLeast: expected.utf8.count) == expected)
        }
    }

    @Test func quitAndMaxClients() async throws {
        try await withServer({ $0.engine.maxClients = 1 }) { _, port in
            let c = try #require(RawClient(port: port))
            c.send("PING\r\n")
            #expect(c.read(atLeast: 7) == "+PONG\r\n")
            let d = try #require(RawClient(port: port))
            let msg = "-ERR max number of clients reached\r\n"
            #expect(d.read(atLeast: msg.utf8.count) == msg)
            c.send("QUIT\r\n")
            #expect(c.read(atLeast: 5) == "+OK\r\n")
            #expect(c.isClosed())
        }
    }

    @Test func largePipelineSplitAcrossReads() async throws {
        try await withServer { _, port in
            let c = try #require(RawClient(port: port))
            var payload = ""
            for i in 0..<2000 { payload += "*3\r\n$3\r\nSET\r\n$\(String(i).count + 2)\r\nk:\(i)\r\n$4\r\nvvvv\r\n" }
            payload += "*1\r\n$6\r\nDBSIZE\r\n"
            c.send(payload)
            let expected = String(repeating: "+OK\r\n", count: 2000) + ":2000\r\n"
            #expect(c.read(atLeast: expected.utf8.count) == expected)
        }
    }

    @Test func configFileParsing() throws {
        let cfg = try RedisConfigFile.parseCommandLine(["redis.conf", "--port", "7000", "--requirepass", "s e"]) { _ in
            "bind 0.0.0.0\nmaxmemory 100mb\nmaxmemory-policy allkeys-lru\nsave \"\"\ninfera-disable-command config NOPERM nope\n"
        }
        #expect(cfg.port == 7000)
        #expect(cfg.bind == ["0.0.0.0"])
        #expect(cfg.engine.maxMemory == 100 * 1024 * 1024)
        #expect(cfg.engine.requirePass?.value == "s e")
        #expect(cfg.engine.disabledCommands["config"] == .some("NOPERM nope"))
        #expect(throws: ConfigFileError.self) {
            try RedisConfigFile.parseCommandLine(["--bogus", "1"])
        }
    }

    /// What CONFIG REWRITE writes, the parser reads back: every CONFIG parameter under its name or old
    /// alias (stored under the canonical name, normalised), `save` lines adding up, `user` lines, CRLF.
    @Test func configFileReadsWhatRewriteWrites() throws {
        let text = "save 900 1\r\nsave 300 10\r\nslave-serve-stale-data no\nzset-max-ziplist-entries 21\n"
            + "stream-node-max-bytes 8kb\nshutdown-on-sigterm nosave now\nlatency-tracking no\n"
            + "user default on sanitize-payload #\(String(repeating: "a", count: 64)) ~* &* +@all\n"
            + "user bob on >pw ~k* +get\nproc-title-template \"{title} \\xc3\\xa9\"\n"
            + "tls-cert-file /x/c.pem\ntcp-backlog 100\nprotected-mode NO\nthreads 2\n"
        let cfg = try RedisConfigFile.parseCommandLine(["/etc/r.conf", "--save", "60 1"]) { _ in text }
        #expect(cfg.configFile == "/etc/r.conf")
        #expect(cfg.engine.extra["save"] == "900 1 300 10 60 1")
        #expect(cfg.engine.extra["replica-serve-stale-data"] == "no")
        #expect(cfg.engine.extra["zset-max-listpack-entries"] == "21")
        #expect(cfg.engine.extra["stream-node-max-bytes"] == "8192")
        #expect(cfg.engine.extra["shutdown-on-sigterm"] == "nosave now")
        #expect(cfg.engine.extra["proc-title-template"] == "{title} \u{e9}")
        #expect(cfg.engine.deferredSettings.map(\.name) == ["latency-tracking"])
        #expect(cfg.engine.aclUsers.map { $0[0] } == ["default", "bob"])
        // Settings of the network server are reported by CONFIG GET, so a rewrite keeps them.
        #expect(cfg.tlsCertFile == "/x/c.pem" && cfg.engine.extra["tls-cert-file"] == "/x/c.pem")
        #expect(cfg.engine.extra["tcp-backlog"] == "100" && cfg.engine.extra["protected-mode"] == "no")
        #expect(cfg.threads == 2 && cfg.engine.extra["io-threads"] == "2")
        let relative = try RedisConfigFile.parseCommandLine(["r.conf"]) { _ in "" }
        #expect(relative.configFile?.hasPrefix("/") == true && relative.configFile?.hasSuffix("/r.conf") == true)
        // `save ""` clears what came before; a duplicate user or a bad value is refused.
        #expect(try RedisConfigFile.parseCommandLine(["r.conf", "--save", ""]) { _ in "save 1 1\n" }.engine.extra["save"] == "")
        do {
            _ = try RedisConfigFile.parseCommandLine(["r.conf"]) { _ in "user a on\nuser a off\n" }
            Issue.record("duplicate user accepted")
        } catch let e as ConfigFileError {
            #expect(e.reason == "Duplicate user 'a' found")
        }
        do {
            _ = try RedisConfigFile.parseCommandLine(["r.conf"]) { _ in "maxmemory-clients 200%\n" }
            Issue.record("bad value accepted")
        } catch let e as ConfigFileError {
            #expect(e.reason == "percentage argument must be less or equal to 100")
        }
        // The line of a password directive is not shown in the error.
        do {
            _ = try RedisConfigFile.parseCommandLine(["r.conf"]) { _ in "user bob on >hunter2 <nope\n" }
            Issue.record("bad user accepted")
        } catch let e as ConfigFileError {
            #expect(!e.description.contains("hunter2") && !e.description.contains("nope"))
        }
    }
}

@Suite("Redis server lifecycle", .serialized)
struct ServerLifecycleTests {
    @Test func shutdownCommandAndClientKill() async throws {
        var cfg = RedisServerConfig()
        cfg.ephemeralPorts = true
        cfg.bind = ["127.0.0.1"]
        cfg.threads = 1
        let server = RedisServer(config: cfg, log: ServerLog(minimum: .warning, sink: { _ in }))
        try server.start()
        let port = try #require(server.port)
        let a = try #require(RawClient(port: port))
        let b = try #require(RawClient(port: port))
        b.send("CLIENT ID\r\n")
        let idReply = b.read(atLeast: 3)
        let id = idReply.dropFirst().prefix { $0 != "\r" }
        a.send("CLIENT KILL ID \(id)\r\n")
        #expect(a.read(atLeast: 4) == ":1\r\n")
        #expect(b.isClosed())
        a.send("SHUTDOWN NOSAVE\r\n")
        #expect(a.isClosed())
        try await server.waitForShutdown()
    }
}
