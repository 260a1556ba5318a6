import Foundation
import InferaTestSupport
import RedisEngine
import Testing

/// RDB files between infera and redis-server 7.0: infera's file passes redis-check-rdb and loads
/// in redis-server with identical data (every key read back), redis-server's dump.rdb loads in
/// infera, and SAVE / BGSAVE / LASTSAVE / SHUTDOWN SAVE|NOSAVE / the save schedule / DEBUG RELOAD
/// behave like redis-server's.
@Suite("RDB files: interoperability with redis-server")
struct RDBFileInteropTests {
    static func tempDir(_ tag: String) throws -> String {
        let d = NSTemporaryDirectory() + "/infera-rdb-\(tag)-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static let library = "#!lua name=persistlib\nredis.register_function('twice', function(keys, args) return args[1] .. args[1] end)"

    static func waitForBackgroundSave(_ c: RedisTestClient) throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if case .bulk(let b?) = try c.command("INFO", "persistence"),
               String(decoding: b, as: UTF8.self).contains("rdb_bgsave_in_progress:0") { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("background save did not finish within 20 s")
    }

    @Test func inferaFileLoadsInRedisServerAndInfera() throws {
        let dir = try Self.tempDir("i2r")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--dir", dir, "--dbfilename", "infera.rdb"]
        var want: [String: [RESPReply]] = [:]
        do {
            let infera = try ServerProcess.startInfera(extraArguments: args)
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            try PersistenceDataset.build(on: c)
            #expect(try c.command("FUNCTION", "LOAD", Self.library) == .bulk(Array("persistlib".utf8)))
            want = try PersistenceDataset.snapshot(c)
            #expect(try c.command("SAVE") == .simple("OK"))
            guard case .integer(let last) = try c.command("LASTSAVE") else { Issue.record("LASTSAVE"); return }
            #expect(abs(Int(last) - Int(Date().timeIntervalSince1970)) < 5)
        }
        let path = dir + "/infera.rdb"
        let check = try ChildProcess.run("/usr/bin/redis-check-rdb", [path], timeout: .seconds(30))
        #expect(check.status == 0 && check.output.contains("RDB looks OK"), "redis-check-rdb: \(check.output)")
        // redis-server loads it.
        do {
            let redis = try ServerProcess.startRedis(extraArguments: args)
            defer { redis.stop() }
            let c = try RedisTestClient(port: redis.port)
            defer { c.close() }
            let got = try PersistenceDataset.snapshot(c)
            #expect(got.count == want.count)
            for (k, v) in want where got[k] != v { Issue.record("redis-server loaded \(k) as \(got[k] ?? []), want \(v)") }
            #expect(try c.command("FCALL", "twice", "0", "ab") == .bulk(Array("abab".utf8)))
        }
        // A new infera server on the same dir loads it back (data survives a restart).
        do {
            let infera = try ServerProcess.startInfera(extraArguments: args)
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            let got = try PersistenceDataset.snapshot(c)
            #expect(got.count == want.count)
            for (k, v) in want where got[k] != v { Issue.record("infera reloaded \(k) as \(got[k] ?? []), want \(v)") }
            #expect(try c.command("FCALL", "twice", "0", "xy") == .bulk(Array("xyxy".utf8)))
        }
    }

    @Test func redisServerFileLoadsInInfera() throws {
        let dir = try Self.tempDir("r2i")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--dir", dir, "--dbfilename", "dump.rdb"]
        var want: [String: [RESPReply]] = [:]
        do {
            let redis = try ServerProcess.startRedis(extraArguments: args)
            defer { redis.stop() }
            let c = try RedisTestClient(port: redis.port)
            defer { c.close() }
            try PersistenceDataset.build(on: c)
            #expect(try c.command("FUNCTION", "LOAD", Self.library) == .bulk(Array("persistlib".utf8)))
            want = try PersistenceDataset.snapshot(c)
            #expect(try c.command("SAVE") == .simple("OK"))
        }
        let infera = try ServerProcess.startInfera(extraArguments: args)
        defer { infera.stop() }
        let c = try RedisTestClient(port: infera.port)
        defer { c.close() }
        let got = try PersistenceDataset.snapshot(c)
        #expect(got.count == want.count)
        for (k, v) in want where got[k] != v { Issue.record("infera loaded \(k) as \(got[k] ?? []), want \(v)") }
        #expect(try c.command("FCALL", "twice", "0", "ab") == .bulk(Array("abab".utf8)))
    }

    @Test func backgroundSaveShutdownAndSchedule() throws {
        let dir = try Self.tempDir("bg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--dir", dir, "--save", "", "--enable-debug-command", "yes"]
        do {
            let infera = try ServerProcess.startInfera(extraArguments: args)
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            // Like redis-server (which chdirs there), CONFIG GET dir reports the resolved absolute path.
            let resolved = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
            #expect(try c.command("CONFIG", "GET", "dir") == .array([.bulk(Array("dir".utf8)), .bulk(Array(resolved.utf8))]))
            for i in 0..<2000 { try c.send(["SET", "k\(i)", "v\(i)"]) }
            for _ in 0..<2000 { _ = try c.readReply() }
            #expect(try c.command("BGSAVE") == .simple("Background saving started"))
            try Self.waitForBackgroundSave(c)
            let engine = Engine()
            let report = try RDBFile.load(path: dir + "/dump.rdb", into: engine)
            #expect(report.keys == 2000)
            #expect(try c.command("DEBUG", "RELOAD") == .simple("OK"))
            #expect(try c.command("DBSIZE") == .integer(2000))
            #expect(try c.command("CONFIG", "SET", "dbfilename", "a/b") != .simple("OK"))
            #expect(try c.command("CONFIG", "SET", "save", "1 2 3") != .simple("OK"))
            _ = try c.command("SET", "after", "1")
            try c.send(["SHUTDOWN", "SAVE"])
            _ = try? c.readReply(timeout: .seconds(10))
        }
        do {
            let infera = try ServerProcess.startInfera(extraArguments: args)
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            #expect(try c.command("GET", "after") == .bulk(Array("1".utf8)))
            _ = try c.command("SET", "lost", "1")
            try c.send(["SHUTDOWN", "NOSAVE"])
            _ = try? c.readReply(timeout: .seconds(10))
        }
        do {
            // The save schedule: "0 1" saves within a cron tick or two of the first change.
            let infera = try ServerProcess.startInfera(extraArguments: ["--dir", dir, "--save", "0 1"])
            defer { infera.stop() }
            let c = try RedisTestClient(port: infera.port)
            defer { c.close() }
            #expect(try c.command("EXISTS", "lost", "after") == .integer(1))
            _ = try c.command("SET", "scheduled", "yes")
            let deadline = ContinuousClock.now + .seconds(10)
            var saved = false
            while !saved && ContinuousClock.now < deadline {
                if case .bulk(let b?) = try c.command("INFO", "persistence") {
                    let t = String(decoding: b, as: UTF8.self)
                    saved = t.contains("rdb_changes_since_last_save:0") && t.contains("rdb_bgsave_in_progress:0")
                }
                if !saved { Thread.sleep(forTimeInterval: 0.05) }
            }
            #expect(saved, "the save schedule did not save within 10 s")
            let engine = Engine()
            try RDBFile.load(path: dir + "/dump.rdb", into: engine)
            #expect(engine.databases[0].main.find(ByteString("scheduled")) != nil)
        }
        // A corrupt file stops the start with the reason (never a crash).
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir + "/dump.rdb")))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/dump.rdb"))
        let exe = try ServerProcess.inferaExecutable()
        let port = try RedisTestClient.freeLoopbackPort()
        let run = try ChildProcess.run(exe, ["server", "--port", String(port), "--dir", dir], timeout: .seconds(20))
        #expect(run.status != 0 && run.status != nil, "infera started on a corrupt file: \(run.output)")
        #expect(run.output.contains("loading the DB"), "\(run.output)")
    }
}
