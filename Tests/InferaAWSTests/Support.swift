import Foundation
import InferaHTTP
import InferaTestSupport

/// A local server process (the AWS fake or moto_server) on a random 127.0.0.1 port; stopped by `stop()`,
/// and by itself when the test process dies (the fake watches its stdin; moto is killed by stop/deinit).
final class LocalServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let stdin: Pipe
    private let transport = CurlTransport(settings: TransportSettings(connectTimeout: 2, totalTimeout: 10))
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static var venvBin: String { UpstashFake.repoRoot + "/.venv/bin" }

    /// The hand-written fake (Tests/Fakes/aws_fake.py).
    static func fake(seed: Int = 1, faultRate: Double = 0, slow: Double = 2, transitionPolls: Int = 2) throws -> LocalServer {
        try LocalServer(executable: UpstashFake.python,
                        arguments: [UpstashFake.repoRoot + "/Tests/Fakes/aws_fake.py", "--port", "0", "--seed", String(seed),
                                    "--fault-rate", String(faultRate), "--slow", String(slow), "--transition-polls", String(transitionPolls)],
                        portLine: { $0.hasPrefix("PORT=") ? Int($0.dropFirst(5)) : nil })
    }

    /// moto_server 5.2.1 (from .venv) on a free port.
    static func moto() throws -> LocalServer? {
        let exe = venvBin + "/moto_server"
        guard FileManager.default.isExecutableFile(atPath: exe) else { return nil }
        let port = try freePort()
        return try LocalServer(executable: exe, arguments: ["-H", "127.0.0.1", "-p", String(port)], fixedPort: port)
    }

    /// A free loopback port (never one this test process handed out before).
    static func freePort() throws -> Int { try RedisTestClient.freeLoopbackPort() }

    init(executable: String, arguments: [String], portLine: ((Substring) -> Int?)? = nil, fixedPort: Int? = nil) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe()
        stdin = Pipe()
        p.standardOutput = out
        p.standardError = fixedPort == nil ? FileHandle.standardError : FileHandle(forWritingAtPath: "/dev/null")
        p.standardInput = stdin
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(20)
        var found: Int?
        if let portLine {
            var buffer = Data()
            let fd = out.fileHandleForReading.fileDescriptor
            while found == nil && Date() < deadline && p.isRunning {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, 200) > 0 {
                    let chunk = out.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                    found = String(decoding: buffer, as: UTF8.self).split(separator: "\n").lazy.compactMap(portLine).first
                }
            }
        } else if let fixedPort {
            // Wait until it accepts connections.
            while Date() < deadline && p.isRunning && found == nil {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var addr = sockaddr_in()
                addr.sin_family = sa_family_t(AF_INET)
                addr.sin_addr.s_addr = inet_addr("127.0.0.1")
                addr.sin_port = UInt16(fixedPort).bigEndian
                let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                close(fd)
                if ok == 0 { found = fixedPort } else { usleep(100_000) }
            }
            // Whoever answered must be our process: a server that lost the port exits shortly after.
            if found != nil { usleep(200_000); if !p.isRunning { found = nil } }
        }
        guard let port = found else {
            p.terminate()
            throw RedisTestError("\(executable) did not start")
        }
        self.port = port
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        // moto_server (werkzeug) may ignore SIGTERM: bounded wait, then SIGKILL.
        for _ in 0..<40 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func admin(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> Any {
        let req = body.map { HTTPRequest(method: method, url: baseURL + path, text: $0, contentType: "application/json") }
            ?? HTTPRequest(method: method, url: baseURL + path)
        let r = try await transport.send(req)
        return try JSONSerialization.jsonObject(with: Data(r.body), options: [.fragmentsAllowed])
    }

    func state() async throws -> [String: Any] { (try await admin(.GET, "/__fake/state") as? [String: Any]) ?? [:] }
    func stats() async throws -> [String: Any] { (try await admin(.GET, "/__fake/stats") as? [String: Any]) ?? [:] }
    func violations() async throws -> [String] { (try await stats()["violations"] as? [String]) ?? [] }
    func configure(_ json: String) async throws { _ = try await admin(.POST, "/__fake/config", json) }
}

/// The fake's test key pair.
enum TestKeys {
    static let accessKey = "AKIDINFERATEST"
    static let secretKey = "infera/test/secret/key/0000000000000000"
    static let webIdentityToken = "fake-oidc-jwt.eyJzdWIiOiJyZXBvOm9jdG8vcmVwbyJ9.sig"
}

/// A temporary ElastiCache project.
struct AWSProject {
    let dir: String
    var config: String { dir + "/infera.yaml" }

    init(name: String = "shop", environment: String = "staging", nodeType: String = "cache.t4g.small", replicas: Int = 1,
         atRest: Bool = true, subnets: [String] = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]) throws {
        dir = NSTemporaryDirectory() + "infera-aws-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try write(name: name, environment: environment, nodeType: nodeType, replicas: replicas, atRest: atRest, subnets: subnets)
    }

    func write(name: String = "shop", environment: String = "staging", nodeType: String = "cache.t4g.small", replicas: Int = 1,
               atRest: Bool = true, subnets: [String] = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
               eviction: String? = "allkeys-lru", tags: [String: String] = [:], applyImmediately: Bool? = nil, profile: String? = nil) throws {
        var extra = ""
        if let eviction { extra += "  eviction_policy: \(eviction)\n" }
        if !tags.isEmpty { extra += "  tags:\n" + tags.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"\n" }.joined() }
        if let applyImmediately { extra += "  apply_immediately: \(applyImmediately)\n" }
        let aws = profile.map { "aws:\n  profile: \($0)\n" } ?? ""
        let yaml = """
        project_name: \(name)
        provider: aws
        region: us-east-1
        environment: \(environment)
        \(aws)cache:
          type: redis
          provider: elasticache
          version: "7.1"
          instance:
            node_type: \(nodeType)
            replica_count: \(replicas)
          security:
            auth_token: true
            transit_encryption: true
            at_rest_encryption: \(atRest)
          snapshots:
            retention_days: 7
            window: "03:00-04:00"
          maintenance:
            window: "sun:05:00-sun:06:00"
          networking:
            subnet_ids: [\(subnets.joined(separator: ", "))]
            allowed_cidrs: ["10.0.0.0/16"]
        \(extra)
        """
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }

    func journal(_ project: String = "shop") -> String {
        String(decoding: FileManager.default.contents(atPath: dir + "/.infera/\(project)/journal.json") ?? Data(), as: UTF8.self)
    }
}

/// `infera` against the fake, in a project directory.
struct AWSInfera {
    let project: AWSProject
    var env: [String: String]

    init(_ project: AWSProject, _ fake: LocalServer, extra: [String: String] = [:]) {
        self.project = project
        var e: [String: String] = [
            "AWS_ENDPOINT_URL": fake.baseURL, "AWS_ACCESS_KEY_ID": TestKeys.accessKey, "AWS_SECRET_ACCESS_KEY": TestKeys.secretKey,
            "AWS_EC2_METADATA_DISABLED": "true", "INFERA_RETRY_BASE_DELAY": "0.01", "INFERA_HTTP_TIMEOUT": "1",
            "INFERA_AWS_POLL_INTERVAL": "0.05", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", "AWS_CONFIG_FILE": "/nonexistent/config",
        ]
        for (k, v) in extra { e[k] = v }
        env = InferaRunner.environment(e.filter { !$0.value.isEmpty })
    }

    func run(_ args: String..., timeout: TimeInterval = 90) throws -> InferaRunner.Result {
        try InferaRunner.run(args, cwd: project.dir, env: env, timeout: timeout)
    }
}
