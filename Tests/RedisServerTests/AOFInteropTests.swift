import Foundation
import InferaTestSupport
import RedisEngine
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// AOF through `infera server` and Debian's redis-server 7.0: each loads the other's appendonlydir
/// with identical data (every key read back), redis-check-aof accepts infera's, acknowledged writes
/// survive kill -9, and BGREWRITEAOF under concurrent writes loses nothing.
@Suite("AOF: interoperability with redis-server, crash safety", .serialized)
struct AOFInteropTests {
    static func tempDir(_ tag: String) throws -> String {
        let d = NSTemporaryDirectory() + "/infera-aof-\(tag)-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// Commands whose propagation is rewritten (relative TTLs, random pops, floats, scripts,
    /// transactions, generated stream IDs, a served blocking pop), run after the base was written.
    static let effectCommands: [[String]] = [
        ["SET", "p:ex", "v", "EX", "5000"], ["SETEX", "p:setex", "4000", "v"], ["EXPIRE", "s:small", "9000"],
        ["SADD", "p:set", "a", "b", "c", "d", "e"], ["SPOP", "p:set", "2"], ["SPOP", "p:set"],
        ["INCRBYFLOAT", "p:float", "1.25"], ["HINCRBYFLOAT", "p:h", "f", "0.5"],
        ["EVAL", "redis.call('SET', KEYS[1], 'x'); redis.call('RPUSH', KEYS[2], 'a', 'b'); return 1", "2", "p:lua", "p:lual"],
        ["MULTI"], ["INCR", "p:ctr"], ["LPUSH", "p:ml", "z"], ["EXEC"],
        ["XADD", "p:st", "*", "f", "1"], ["XADD", "p:st", "MAXLEN", "~", "1", "*", "f", "2"],
        ["XGROUP", "CREATE", "p:st", "pg", "0"], ["XREADGROUP", "GROUP", "pg", "bob", "COUNT", "1", "STREAMS", "p:st", ">"],
        ["RPUSH", "p:bl", "one", "two"], ["BLPOP", "p:bl", "1"], ["GETEX", "p:ex", "PX", "7000"],
        ["SELECT", "3"], ["ZADD", "p:z", "1", "m"], ["ZINCRBY", "p:z", "0.5", "m"], ["SELECT", "0"],
    ]

    static func run(_ c: RedisTestClient, _ cmds: [[String]]) throws {
        for cmd in cmds {
            if case .error(let e) = try c.command(cmd) { Issue.record("\(cmd.prefix(3)) -> \(e)") }
        }
    }

    static func waitForRewrite(_ c: RedisTestClient) throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if case .bulk(let b?) = try c.command("INFO", "persistence") {
                let s = String(decoding: b, as: UTF8.self)
                if s.contains("aof_rewrite_in_progress:0") && s.contains("aof_rewrite_scheduled:0") { return }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("BGREWRITEAOF did not finish within 30 s")
    }

    /// A consumer's seen-time is the load time when its pending entries come back through XCLAIM
    /// (an AOF base without RDB preamble, as with redis-server itself): not compared.
    static func normalized(_ r: RESPReply) -> RESPReply {
        guard case .array(let items?) = r else { return r }
        var out = items.map(normalized)
        // Nor is the radix tree's shape: a base without preamble re-adds the entries, so the nodes are packed
        // differently than in the server that trimmed them (the same happens in redis-server).
        let ignored: Set<String> = ["seen-time", "radix-tree-keys", "radix-tree-nodes"]
        for i in 0..<max(0, out.count - 1) {
            if case .bulk(let b?) = out[i], ignored.contains(String(decoding: b, as: UTF8.self)) { out[i + 1] = .integer(0) }
        }
        return .array(out)
    }

    static func compare(_ got0: [String: [RESPReply]], _ want0: [String: [RESPReply]], _ who: String) {
        let got = got0.mapValues { $0.map(normalized) }
        let want = want0.mapValues { $0.map(normalized) }
        #expect(got.count == want.count, "\(who): \(got.count) keys, want \(want.count)")
        for (k, v) in want where got[k] != v { Issue.record("\(who) loaded \(k) as \(got[k] ?? []), want \(v)") }
        for k in got.keys where want[k] == nil { Issue.record("\(who) has extra key \(k)") }
    }

    @Test func inferaAOFLoadsInRedisServerAndBack() throws {
        let dir = try Self.tempDir("i2r")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--dir", dir, "--appendonly", "yes", "--save", ""]
        var want: [String: [RESPReply]] = [:]
        do {
            let infera = try ServerProcess.startInfera(extraArguments: args + ["--appendfsync", "always"])
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            try PersistenceDataset.build(on: c)
            #expect(try c.command("BGREWRITEAOF") == .simple("Background append only file rewriting started"))
            try Self.waitForRewrite(c)
            try Self.run(c, Self.effectCommands)
            #expect(try c.command("FUNCTION", "LOAD", RDBFileInteropTests.library) == .bulk(Array("persistlib".utf8)))
            want = try PersistenceDataset.snapshot(c)
        }
        let manifest = dir + "/appendonlydir/appendonly.aof.manifest"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        #expect(text == "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
        let check = try ChildProcess.run("/usr/bin/redis-check-aof", [manifest], timeout: .seconds(30))
        #expect(check.status == 0 && check.output.contains("All AOF files and manifest are valid"), "redis-check-aof: \(check.output)")
        do {
            let redis = try ServerProcess.startRedis(extraArguments: args)
            defer { redis.stop() }
            let c = try RedisTestClient(port: redis.port)
            defer { c.close() }
            Self.compare(try PersistenceDataset.snapshot(c), want, "redis-server")
            #expect(try c.command("FCALL", "twice", "0", "ab") == .bulk(Array("abab".utf8)))
        }
        do {
            let infera = try ServerProcess.startInfera(extraArguments: args)
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            Self.compare(try PersistenceDataset.snapshot(c), want, "infera")
            #expect(try c.command("FCALL", "twice", "0", "xy") == .bulk(Array("xyxy".utf8)))
        }
    }

    @Test(arguments: ["yes", "no"])
    func redisServerAOFLoadsInInfera(preamble: String) throws {
        let dir = try Self.tempDir("r2i")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--dir", dir, "--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", preamble]
        var want: [String: [RESPReply]] = [:]
        do {
            let redis = try ServerProcess.startRedis(extraArguments: args)
            defer { redis.stop() }
            let c = try RedisTestClient(port: redis.port)
            defer { c.close() }
            try PersistenceDataset.build(on: c)
            _ = try c.command("BGREWRITEAOF")
            try Self.waitForRewrite(c)
            try Self.run(c, Self.effectCommands)
        }
        // The reference is what redis-server itself loads from its directory (without the RDB preamble,
        // XCLAIM … FORCE drops pending entries whose message was trimmed, in redis-server too).
        do {
            let redis = try ServerProcess.startRedis(extraArguments: args)
            defer { redis.stop() }
            let c = try RedisTestClient(port: redis.port)
            defer { c.close() }
            want = try PersistenceDataset.snapshot(c)
        }
        let infera = try ServerProcess.startInfera(extraArguments: args)
        defer { infera.stop() }
        let c = try RedisTestClient(port: infera.port)
        defer { c.close() }
        Self.compare(try PersistenceDataset.snapshot(c), want, "infera")
        // infera keeps appending to redis-server's incr file; a rewrite replaces redis-server's files.
        _ = try c.command("SET", "after", "restart")
        _ = try c.command("BGREWRITEAOF")
        try Self.waitForRewrite(c)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/appendonlydir").sorted()
        #expect(files == ["appendonly.aof.3.base.\(preamble == "yes" ? "rdb" : "aof")", "appendonly.aof.3.incr.aof", "appendonly.aof.manifest"])
    }

    /// Writes acknowledged before kill -9 are all there after a restart (a process kill loses nothing
    /// already written: infera writes the AOF before it replies, whatever appendfsync says).
    @Test(arguments: ["always", "everysec"])
    func acknowledgedWritesSurviveKill9(fsync: String) throws {
        let dir = try Self.tempDir("kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--dir", dir, "--appendonly", "yes", "--save", "", "--appendfsync", fsync]
        let infera = try ServerProcess.startInfera(extraArguments: args)
        let acked = AckCounter()
        let writer = Thread {
            defer { acked.finish() }
            guard let c = try? RedisTestClient(port: infera.port, timeout: .seconds(5)) else { return }
            defer { c.close() }
            for i in 0..<200_000 {
                guard case .integer(let n)? = try? c.command("RPUSH", "log", String(i)), n == i + 1 else { return }
                acked.set(i + 1)
            }
        }
        writer.start()
        // Kill once some writes are acknowledged (bounded wait), while the writer is still writing.
        let deadline = ContinuousClock.now + .seconds(20)
        while acked.value < 2000 && ContinuousClock.now < deadline && !acked.done { Thread.sleep(forTimeInterval: 0.005) }
        kill(infera.pid, SIGKILL)
        #expect(acked.wait(timeout: 20))
        let before = acked.value
        #expect(before >= 2000)
        infera.stop()
        let again = try ServerProcess.startInfera(extraArguments: args)
        defer { again.stop() }
        let c = try RedisTestClient(port: again.port)
        defer { c.close() }
        guard case .integer(let len) = try c.command("LLEN", "log") else { Issue.record("LLEN"); return }
        // Every acknowledged push is there; at most the one in flight when the kill came on top.
        #expect(Int(len) >= before && Int(len) <= before + 1, "\(len) elements after restart, \(before) acknowledged")
        if case .bulk(let last?) = try c.command("LINDEX", "log", "-1") {
            #expect(String(decoding: last, as: UTF8.self) == String(len - 1))
        }
    }

    @Test func rewriteUnderConcurrentWritesLosesNothing() throws {
        let dir = try Self.tempDir("rw")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--dir", dir, "--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", "no"]
        let infera = try ServerProcess.startInfera(extraArguments: args)
        let c = try RedisTestClient(port: infera.port)
        defer { c.close() }
        for i in 0..<2000 { _ = try c.command("HSET", "h", "f\(i)", String(i)) }
        let acked = AckCounter()
        let writer = Thread {
            defer { acked.finish() }
            guard let w = try? RedisTestClient(port: infera.port) else { return }
            defer { w.close() }
            for i in 0..<6000 {
                guard case .integer(let n)? = try? w.command("INCR", "ctr"), n == i + 1 else { return }
                _ = try? w.command("SADD", "members", "m\(i)")
                acked.set(i + 1)
            }
        }
        writer.start()
        var rewrites = 0
        let deadline = ContinuousClock.now + .seconds(40)
        while !acked.done && ContinuousClock.now < deadline {
            if case .simple = try c.command("BGREWRITEAOF") { rewrites += 1 }
            try Self.waitForRewrite(c)
        }
        #expect(acked.wait(timeout: 30))
        #expect(rewrites >= 2)
        #expect(acked.value == 6000)
        if case .bulk(let b?) = try c.command("INFO", "persistence") {
            #expect(String(decoding: b, as: UTF8.self).contains("aof_last_bgrewrite_status:ok"))
        }
        infera.stop()
        let again = try ServerProcess.startInfera(extraArguments: args)
        defer { again.stop() }
        let r = try RedisTestClient(port: again.port)
        defer { r.close() }
        #expect(try r.command("GET", "ctr") == .bulk(Array("6000".utf8)))
        #expect(try r.command("SCARD", "members") == .integer(6000))
        #expect(try r.command("HLEN", "h") == .integer(2000))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/appendonlydir")
        #expect(files.count == 3, "\(files)")
    }

    @Test func truncatedAOFStartsWithWarningAndCorruptOneRefusesClearly() throws {
        let dir = try Self.tempDir("trunc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--dir", dir, "--appendonly", "yes", "--save", ""]
        do {
            let infera = try ServerProcess.startInfera(extraArguments: args)
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            _ = try c.command("SET", "kept", "1")
        }
        let incr = dir + "/appendonlydir/appendonly.aof.1.incr.aof"
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: incr))
        try h.seekToEnd()
        try h.write(contentsOf: Array("*3\r\n$3\r\nSET\r\n$4\r\nlost".utf8))
        try h.close()
        do {
            let infera = try ServerProcess.startInfera(extraArguments: args)
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            #expect(try c.command("GET", "kept") == .bulk(Array("1".utf8)))
            #expect(try c.command("EXISTS", "lost") == .integer(0))
            #expect(infera.logTail().contains("truncat"))
        }
        let h2 = try FileHandle(forWritingTo: URL(fileURLWithPath: incr))
        try h2.seekToEnd()
        try h2.write(contentsOf: Array("$garbage\r\n".utf8))
        try h2.close()
        do {
            _ = try ServerProcess.startInfera(extraArguments: args, readyTimeout: .seconds(10))
            Issue.record("infera started on a corrupt AOF")
        } catch {
            let text = "\(error)"
            #expect(text.contains("Bad file format reading the append only file") && text.contains("appendonly.aof.1.incr.aof at offset"), "\(text)")
            #expect(!text.contains("Fatal error:") && !text.contains("Stack dump"))
        }
    }
}

/// The writer thread's count of acknowledged writes.
final class AckCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    private var finished = false
    private let sem = DispatchSemaphore(value: 0)
    var value: Int { lock.withLock { n } }
    var done: Bool { lock.withLock { finished } }
    func set(_ v: Int) { lock.withLock { n = v } }
    func finish() { lock.withLock { finished = true }; sem.signal() }
    func wait(timeout seconds: Int) -> Bool { sem.wait(timeout: .now() + .seconds(seconds)) == .success }
}
