import Foundation
import InferaTestSupport
import RedisEngine
import Testing

/// A Redis Cluster of three primaries under test: `infera server --cluster-enabled yes` (one process,
/// ports P…P+2) or three `redis-server --cluster-enabled yes` joined by `redis-cli --cluster create`
/// in a temporary directory. Stopped (and the directory removed) by `stop()`.
final class TestCluster: @unchecked Sendable {
    let name: String
    let ports: [Int]
    private let processes: [ServerProcess]
    private let dir: String?

    private init(name: String, ports: [Int], processes: [ServerProcess], dir: String?) {
        self.name = name
        self.ports = ports
        self.processes = processes
        self.dir = dir
    }

    deinit { stop() }

    func stop() {
        for p in processes { p.stop() }
        if let dir { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// `infera server --cluster-enabled yes --cluster-shards 3`, every node answering PING.
    static func infera() throws -> TestCluster {
        var lastError: Error = RedisTestError("infera cluster did not start")
        for _ in 0..<3 {
            let p = try ServerProcess.startInfera(extraArguments: ["--cluster-enabled", "yes", "--cluster-shards", "3"])
            let ports = [p.port, p.port + 1, p.port + 2]
            do {
                try waitForPing(ports, timeout: .seconds(10))
                return TestCluster(name: "infera server", ports: ports, processes: [p], dir: nil)
            } catch {
                lastError = RedisTestError("\(error)\n--- log ---\n\(p.logTail())")
                p.stop()   // P+1 or P+2 was taken: try another base port
            }
        }
        throw lastError
    }

    /// Three redis-servers joined with `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`,
    /// waited for (bounded) until every node reports `cluster_state:ok` and sees three slot ranges.
    static func redis() throws -> TestCluster {
        let dir = NSTemporaryDirectory() + "infera-redis-cluster-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var nodes: [ServerProcess] = []
        do {
            for i in 0..<3 {
                // The bus port is the client port + 10000 unless set: a random client port above 55535
                // would make redis-server refuse to start, so the bus gets a free port of its own.
                nodes.append(try ServerProcess.startRedis(extraArguments: [
                    "--cluster-enabled", "yes", "--cluster-config-file", "\(dir)/nodes-\(i).conf", "--dir", dir,
                    "--cluster-port", String(try RedisTestClient.freeLoopbackPort()),
                ]))
            }
            guard let cli = ServerProcess.which("redis-cli") else { throw RedisTestError("redis-cli not found: run scripts/setup.sh") }
            let (status, output) = try ChildProcess.run(cli, ["--cluster", "create"] + nodes.map { "127.0.0.1:\($0.port)" }
                                                        + ["--cluster-replicas", "0", "--cluster-yes"], timeout: .seconds(30))
            guard status == 0 else { throw RedisTestError("redis-cli --cluster create failed:\n\(output)") }
            let cluster = TestCluster(name: "redis-server", ports: nodes.map(\.port), processes: nodes, dir: dir)
            let deadline = ContinuousClock.now + .seconds(20)
            var ready = false
            while !ready && ContinuousClock.now < deadline {
                ready = try nodes.allSatisfy { n in
                    let c = try RedisTestClient(port: n.port, timeout: .seconds(2))
                    defer { c.close() }
                    let info = try c.command("CLUSTER", "INFO").text ?? ""
                    let slots = try c.command("CLUSTER", "SLOTS").elements?.count ?? 0
                    return info.contains("cluster_state:ok") && slots == 3
                }
                if !ready { Thread.sleep(forTimeInterval: 0.05) }
            }
            guard ready else { throw RedisTestError("redis-server cluster not ready within 20 s") }
            return cluster
        } catch {
            for n in nodes { n.stop() }
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
    }

    static func waitForPing(_ ports: [Int], timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        for port in ports {
            var up = false
            while !up && ContinuousClock.now < deadline {
                if let c = try? RedisTestClient(port: port, timeout: .milliseconds(500)) {
                    up = (try? c.command("PING")) == .simple("PONG")
                    c.close()
                }
                if !up { Thread.sleep(forTimeInterval: 0.02) }
            }
            guard up else { throw RedisTestError("cluster node on port \(port) did not answer PING") }
        }
    }

    /// A reply as text with this cluster's ports replaced by node numbers and node ids by `<id>`.
    func normalize(_ reply: RESPReply) -> String {
        var s = reply.description
        for (i, p) in ports.enumerated() {
            s = s.replacingOccurrences(of: "127.0.0.1:\(p)", with: "127.0.0.1:<node\(i)>")
            s = s.replacingOccurrences(of: ":\(p)\\r\\n", with: ":<node\(i)>\\r\\n")
        }
        return s.replacingOccurrences(of: "[0-9a-f]{40}", with: "<id>", options: .regularExpression)
    }
}

@Suite("Cluster mode (infera server --cluster-enabled yes)")
struct ClusterTests {
    static let python = RealClientTests.python
    static let clients = RealClientTests.clients

    @Test("slots: CRC16 with hash tags and redis-cli's split of 16384 slots")
    func slots() {
        #expect(KeySlot.slot(of: "foo") == 12182)
        #expect(KeySlot.slot(of: "{user}:1") == KeySlot.slot(of: "user"))
        #expect(KeySlot.slot(of: "{user}:1") == 5474)
        #expect(KeySlot.slot(of: "{}x") == KeySlot.slot(of: "{}x"))
        #expect(KeySlot.slot(of: "{}x") != KeySlot.slot(of: "x"))   // empty tag: the whole key
        #expect(KeySlot.slot(of: "a{b}{c}") == KeySlot.slot(of: "b"))
        #expect(ClusterTopology.slotRanges(count: 3) == [0...5460, 5461...10922, 10923...16383])
        #expect(ClusterTopology.slotRanges(count: 1) == [0...16383])
        let five = ClusterTopology.slotRanges(count: 5)
        #expect(five.first?.lowerBound == 0 && five.last?.upperBound == 16383)
        #expect(zip(five, five.dropFirst()).allSatisfy { $0.upperBound + 1 == $1.lowerBound })
        let t = ClusterTopology.even(host: "127.0.0.1", ports: [7000, 7001, 7002])
        #expect(t.nodes.map(\.id) == ClusterTopology.even(host: "127.0.0.1", ports: [7000, 7001, 7002]).nodes.map(\.id))
        #expect(Set(t.nodes.map(\.id)).count == 3 && t.nodes.allSatisfy { $0.id.count == 40 })
        #expect(t.owner(of: 5474) == 1)
    }

    /// Commands sent to node 0 of each cluster; replies compared after ports and ids are normalized.
    static func script(localKeys: (String, String)) -> [[String]] {
        let (k1, k2) = localKeys   // both owned by node 0, different slots
        var cmds: [[String]] = []
        for key in ["", "a", "foo", "{user}:1", "{user}:2", "user:1", "{}x", "{a", "a}{b}", "x{}{y}", "{{a}}", "k\u{ff}"] {
            cmds.append(["CLUSTER", "KEYSLOT", key])
        }
        cmds += [
            ["MGET", "user:1", "user:2"], ["MGET", "{user}:1", "{user}:2"], ["GET", "a"], ["SET", "a", "1"],
            ["SET", k1, "1"], ["GET", k1], ["MSET", k1, "1", "{\(k1)}2", "2"], ["MSET", k1, "1", k2, "2"],
            ["DEL", k1, k2], ["EXISTS", k1, "{\(k1)}2"], ["SUNIONSTORE", k1, "{\(k1)}1", k2],
            ["ZUNIONSTORE", "{\(k1)}d", "2", "{\(k1)}1", "{\(k1)}2"], ["ZUNIONSTORE", "{\(k1)}d", "2", "{\(k1)}1", "a"],
            ["XREAD", "STREAMS", k1, "a", "0", "0"], ["BLPOP", k1, "a", "0"], ["RENAME", k1, "a"], ["WATCH", k1, "a"],
            ["OBJECT", "ENCODING", "a"], ["OBJECT", "ENCODING", k1], ["SPUBLISH", "a", "x"], ["SPUBLISH", k1, "x"],
            // movable keys and other key layouts
            ["XREADGROUP", "GROUP", "g", "c", "STREAMS", k1, "a", "0", "0"], ["SORT", k1, "BY", "x", "STORE", "a"],
            ["LMPOP", "2", k1, "a", "LEFT"], ["ZINTERCARD", "2", k1, "a"], ["SINTERCARD", "2", k1, "a"], ["BITOP", "AND", k1, "a"],
            ["GEORADIUS", k1, "0", "0", "1", "km", "STORE", "a"], ["MEMORY", "USAGE", "a"], ["XINFO", "STREAM", "a"],
            ["FCALL", "nosuchfunction", "2", k1, "a"], ["ZDIFFSTORE", k1, "2", k1, "a"], ["PFMERGE", k1, "a"],
            ["SMOVE", k1, "a", "x"], ["TOUCH", k1, "a"], ["GETEX", "a"], ["LMOVE", k1, "{\(k1)}2", "LEFT", "RIGHT"],
            ["EVAL", "return 1", "2", k1, "a"], ["EVAL", "return redis.call('get', KEYS[1])", "1", k1],
            ["EVAL", "return redis.call('get', 'a')", "0"], ["EVAL", "return redis.call('get', '\(k2)')", "1", k1],
            ["EVAL", "return redis.call('get', KEYS[1])", "1", "a"],
            ["MULTI"], ["SET", k1, "1"], ["SET", "a", "1"], ["EXEC"],
            ["MULTI"], ["SET", k1, "1"], ["SET", "{\(k1)}x", "1"], ["EXEC"],
            ["MULTI"], ["SET", k1, "1"], ["SET", k2, "1"], ["EXEC"],
            ["SELECT", "0"], ["SELECT", "1"], ["SELECT", "x"], ["MOVE", k1, "1"], ["SWAPDB", "0", "1"],
            ["COPY", k1, "{\(k1)}z", "DB", "1"], ["COPY", k1, "{\(k1)}z", "DB", "0"],
            ["CLUSTER", "COUNTKEYSINSLOT", String(KeySlot.slot(of: k1))], ["CLUSTER", "COUNTKEYSINSLOT", "-1"],
            ["CLUSTER", "COUNTKEYSINSLOT", "16384"], ["CLUSTER", "COUNTKEYSINSLOT", "abc"],
            ["CLUSTER", "GETKEYSINSLOT", String(KeySlot.slot(of: k2)), "10"], ["CLUSTER", "GETKEYSINSLOT", "1", "-1"],
            ["CLUSTER", "KEYSLOT"], ["CLUSTER", "NOSUCH"], ["CLUSTER", "COUNT-FAILURE-REPORTS", "nosuchnode"],
            ["READONLY"], ["GET", "a"], ["READWRITE"], ["ASKING"], ["GET", "a"],
            ["CLUSTER", "SLOTS"], ["INFO", "cluster"], ["DBSIZE"],
        ]
        return cmds
    }

    /// Two keys node 0 owns (slots 0…5460) in different slots.
    static func localKeys() -> (String, String) {
        let keys = (0..<200).map { "k\($0)" }.filter { KeySlot.slot(of: $0) <= 5460 }
        let first = keys[0]
        return (first, keys.first { KeySlot.slot(of: $0) != KeySlot.slot(of: first) }!)
    }

    static func transcript(_ cluster: TestCluster, _ cmds: [[String]]) throws -> [String] {
        let c = try RedisTestClient(port: cluster.ports[0])
        defer { c.close() }
        var out: [String] = []
        for cmd in cmds { out.append(cmd.joined(separator: " ") + " -> " + cluster.normalize(try c.command(cmd))) }
        // Orders Redis leaves open: CLUSTER SHARDS (by shard), KEYS.
        let shards = (try c.command("CLUSTER", "SHARDS").elements ?? []).map { cluster.normalize($0) }.sorted()
        out.append("CLUSTER SHARDS -> " + shards.joined(separator: " | "))
        let keys = (try c.command("KEYS", "*").elements ?? []).compactMap(\.text).sorted()
        out.append("KEYS * -> \(keys)")
        // CLUSTER INFO: the fields clients and redis-cli read.
        let info = try c.command("CLUSTER", "INFO").text ?? ""
        let wanted = ["cluster_state", "cluster_slots_assigned", "cluster_slots_ok", "cluster_slots_pfail", "cluster_slots_fail",
                      "cluster_known_nodes", "cluster_size", "cluster_current_epoch", "cluster_my_epoch"]
        let fields = info.split(whereSeparator: \.isNewline).filter { l in wanted.contains { l.hasPrefix($0 + ":") } }
        out.append("CLUSTER INFO -> \(fields.sorted())")
        // CLUSTER NODES: per line the address, flags, master, epoch, link state and slots (ids and times aside).
        let nodes = (try c.command("CLUSTER", "NODES").text ?? "").split(separator: "\n").map { line -> String in
            let f = line.split(separator: " ").map(String.init)
            guard f.count >= 9 else { return "malformed: \(line)" }
            let address = String(f[1].split(separator: "@")[0])   // the bus port: +10000, or random past 55535
            return cluster.normalize(.bulk(address)) + " " + f[2] + " " + f[3] + " " + f[6] + " " + f[7] + " " + f[8...].joined(separator: " ")
        }.sorted()
        out.append("CLUSTER NODES -> \(nodes)")
        let myid = try c.command("CLUSTER", "MYID").text ?? ""
        out.append("CLUSTER MYID is a node id: \(myid.count == 40 && nodes.count == 3)")
        return out
    }

    @Test("replies match a 3-node redis-server cluster: KEYSLOT, CROSSSLOT, MOVED, EXEC, scripts, SELECT, CLUSTER SLOTS/SHARDS/NODES/INFO")
    func differential() throws {
        let cmds = Self.script(localKeys: Self.localKeys())
        let reference = try TestCluster.redis()
        defer { reference.stop() }
        let candidate = try TestCluster.infera()
        defer { candidate.stop() }
        let a = try Self.transcript(reference, cmds)
        let b = try Self.transcript(candidate, cmds)
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) where x != y {
            Issue.record("cluster reply differs\n  redis-server: \(x)\n  infera:       \(y)")
        }
    }

    @Test("redis-cli --cluster check passes against infera server in cluster mode")
    func clusterCheck() throws {
        let cluster = try TestCluster.infera()
        defer { cluster.stop() }
        let cli = try #require(ServerProcess.which("redis-cli"))
        let (status, output) = try ChildProcess.run(cli, ["--cluster", "check", "127.0.0.1:\(cluster.ports[1])"], timeout: .seconds(30))
        #expect(status == 0, "redis-cli --cluster check failed:\n\(output)")
        #expect(output.contains("[OK] All nodes agree about slots configuration."), "\(output)")
        #expect(output.contains("[OK] All 16384 slots covered."), "\(output)")
        #expect(!output.contains("[ERR]") && !output.contains("[WARNING]"), "\(output)")
    }

    @Test("redis-py RedisCluster writes 10,000 keys across all shards and reads them back (same transcript as redis-server's cluster)")
    func redisPyCluster() throws {
        let reference = try TestCluster.redis()
        defer { reference.stop() }
        let candidate = try TestCluster.infera()
        defer { candidate.stop() }
        var transcripts: [String] = []
        for cluster in [reference, candidate] {
            let (status, output) = try ChildProcess.run(Self.python, ["-u", "\(Self.clients)/cluster_keys.py", String(cluster.ports[0])],
                                                        timeout: .seconds(60))
            #expect(status == 0, "cluster_keys.py failed against \(cluster.name):\n\(output)")
            transcripts.append(output)
        }
        #expect(transcripts[1].contains("read back: 10000 of 10000"))
        #expect(transcripts[0] == transcripts[1], "redis-server:\n\(transcripts[0])\ninfera:\n\(transcripts[1])")
        // Every shard holds its own keys only: the per-node DBSIZEs add up to the 10,000 (+2 hash-tag keys).
        var total = 0
        for port in candidate.ports {
            let c = try RedisTestClient(port: port)
            defer { c.close() }
            let n = try #require(try c.command("DBSIZE").integer)
            #expect(n > 3000)
            total += Int(n)
            let keys = try c.command("KEYS", "key:1*").elements ?? []
            let slots = Set(keys.compactMap(\.text).map { KeySlot.slot(of: $0) })
            let owner = ClusterTopology.slotRanges(count: 3)[candidate.ports.firstIndex(of: port)!]
            #expect(slots.allSatisfy { owner.contains($0) }, "node \(port) holds keys outside its slots")
        }
        #expect(total == 10_002)
    }

    @Test("PUBLISH on one node reaches subscribers on the others, in order (the cluster bus)")
    func publishReachesEveryNode() throws {
        let cluster = try TestCluster.infera()
        defer { cluster.stop() }
        let subscriber = try RedisTestClient(port: cluster.ports[2], timeout: .seconds(5))
        defer { subscriber.close() }
        _ = try subscriber.command("SUBSCRIBE", "news")
        let publisher = try RedisTestClient(port: cluster.ports[0])
        defer { publisher.close() }
        #expect(try publisher.command("PUBLISH", "news", "first") == .integer(0))   // local subscribers only, like Redis
        #expect(try publisher.command("PUBLISH", "news", "second") == .integer(0))
        for text in ["first", "second"] {
            let m = try subscriber.readReply(timeout: .seconds(5))
            #expect(m.elements?.compactMap(\.text) == ["message", "news", text], "\(m)")
        }
        let local = try RedisTestClient(port: cluster.ports[2])
        defer { local.close() }
        #expect(try local.command("PUBLISH", "news", "third") == .integer(1))
        #expect(try subscriber.readReply(timeout: .seconds(5)).elements?.compactMap(\.text) == ["message", "news", "third"])
        #expect(try subscriber.hasNoPendingReply(within: .milliseconds(200)))   // delivered once, not echoed back
    }

    @Test("redis-cli -c follows MOVED redirects; without -c the redirect is shown")
    func redisCliRedirects() throws {
        let cluster = try TestCluster.infera()
        defer { cluster.stop() }
        let cli = try #require(ServerProcess.which("redis-cli"))
        let port = String(cluster.ports[0])
        let set = try ChildProcess.run(cli, ["-c", "-p", port, "SET", "a", "hello"], timeout: .seconds(10))
        #expect(set.output.trimmingCharacters(in: .whitespacesAndNewlines) == "OK", "\(set.output)")
        let get = try ChildProcess.run(cli, ["-c", "-p", port, "GET", "a"], timeout: .seconds(10))
        #expect(get.output.trimmingCharacters(in: .whitespacesAndNewlines) == "hello", "\(get.output)")
        let plain = try ChildProcess.run(cli, ["-p", port, "GET", "a"], timeout: .seconds(10))
        #expect(plain.output.contains("MOVED 15495 127.0.0.1:\(cluster.ports[2])"), "\(plain.output)")
        let owner = try ChildProcess.run(cli, ["-p", String(cluster.ports[2]), "GET", "a"], timeout: .seconds(10))
        #expect(owner.output.trimmingCharacters(in: .whitespacesAndNewlines) == "hello", "\(owner.output)")
    }
}
