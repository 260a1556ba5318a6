import Foundation
import NIOCore
import RESP
import Testing
@testable import RedisEngine

/// The AOF inside one engine (manual clock, temp directory): what each write command propagates,
/// the manifest format, loading it back, and truncated/corrupt files.
@Suite("AOF: propagation, manifest, loading")
struct AOFTests {
    static func tempDir() throws -> String {
        let d = NSTemporaryDirectory() + "/infera-aof-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func config(_ dir: String, _ extra: [String: String] = [:]) -> EngineConfig {
        var c = EngineConfig()
        c.extra["dir"] = dir
        c.extra["appendonly"] = "yes"
        c.extra["appendfsync"] = "always"
        c.enableDebugCommand = "yes"
        for (k, v) in extra { c.extra[k] = v }
        return c
    }

    /// An engine with the AOF started in `dir` (loading what is there first).
    static func engine(_ dir: String, clock: ManualClock, _ extra: [String: String] = [:]) throws -> (TestClient, AOFLoadReport?) {
        let c = TestClient(clock: clock, config: config(dir, extra))
        let report = try c.engine.lock.withLock { () throws -> AOFLoadReport? in
            let r = try c.engine.loadAOF()
            try c.engine.aofStartAtBoot()
            return r
        }
        return (c, report)
    }

    /// The commands in an AOF file.
    static func commands(_ path: String) throws -> [[String]] {
        let data = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var out: [[String]] = []
        var pos = 0
        while true {
            switch try AOFParser.next(data[...], at: pos) {
            case .command(let argv, _, let end):
                out.append(argv.map { String(decoding: $0, as: UTF8.self) })
                pos = end
            case .annotation(let end): pos = end
            case .truncated, .end: return out
            }
        }
    }

    @Test func writeCommandsArePropagatedAsRedisDoes() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock(milliseconds: 1_700_000_000_000)
        let (c, report) = try Self.engine(dir, clock: clock)
        #expect(report == nil)
        let t0: Int64 = 1_700_000_000_000
        c.run("SET", "a", "1")
        c.run("SET", "b", "v", "EX", "100")              // SET b v PXAT <abs>
        c.run("EXPIRE", "a", "10")                       // PEXPIREAT a <abs>
        c.run("DEL", "missing")                          // changed nothing: not written
        c.run("SET", "a", "2", "NX")                     // NX failed: not written
        c.run("SADD", "s", "only")
        c.run("SPOP", "s")                               // SREM s only
        c.run("INCRBYFLOAT", "f", "1.5")                 // SET f 1.5 KEEPTTL
        c.run("HINCRBYFLOAT", "h", "x", "2.5")           // HSET h x 2.5
        c.run("MULTI"); c.run("SET", "m", "1"); c.run("INCR", "m"); c.run("EXEC")
        c.run("GETEX", "b", "PERSIST")                   // PERSIST b
        c.run("SET", "e", "v", "PX", "5")
        c.advance(10)
        c.run("GET", "e")                                // lazy expiry: DEL e
        c.run("SELECT", "2")
        c.run("RPUSH", "l", "p", "q")
        c.run("XADD", "st", "*", "f", "v")              // the generated ID
        c.run("XGROUP", "CREATE", "st", "g", "0")
        c.run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "st", ">")   // XCLAIM … + XGROUP SETID
        c.run("EXPIRE", "l", "-1")                       // expire in the past: DEL l
        let m = c.engine.lock.withLock { c.engine.aof.manifest }
        #expect(m.text == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        let got = try Self.commands(dir + "/appendonlydir/appendonly.aof.1.incr.aof")
        let xid = "\(t0 + 10)-0"
        let want: [[String]] = [
            ["SELECT", "0"], ["SET", "a", "1"], ["SET", "b", "v", "PXAT", String(t0 + 100_000)],
            ["PEXPIREAT", "a", String(t0 + 10_000)], ["SADD", "s", "only"], ["SREM", "s", "only"],
            ["SET", "f", "1.5", "KEEPTTL"], ["HSET", "h", "x", "2.5"],
            ["MULTI"], ["SET", "m", "1"], ["INCR", "m"], ["EXEC"],
            ["PERSIST", "b"], ["SET", "e", "v", "PXAT", String(t0 + 5)], ["DEL", "e"],
            ["SELECT", "2"], ["RPUSH", "l", "p", "q"], ["XADD", "st", xid, "f", "v"],
            ["XGROUP", "CREATE", "st", "g", "0"], ["MULTI"], ["XGROUP", "CREATECONSUMER", "st", "g", "alice"],
            ["XCLAIM", "st", "g", "alice", "0", xid, "TIME", String(t0 + 10), "RETRYCOUNT", "1", "FORCE", "JUSTID", "LASTID", xid],
            ["XGROUP", "SETID", "st", "g", xid, "ENTRIESREAD", "1"], ["EXEC"], ["DEL", "l"],
        ]
        #expect(got == want)

        // A second engine on the same directory loads base + incr and has the same data.
        let (c2, report2) = try Self.engine(dir, clock: clock)
        #expect(report2?.files == 2)
        #expect(c2.run("GET", "a") == bulk("1"))
        #expect(c2.run("PTTL", "a") == int(10_000 - 10))
        #expect(c2.run("GET", "b") == bulk("v"))
        #expect(c2.run("TTL", "b") == int(-1))
        #expect(c2.run("GET", "m") == bulk("2"))
        #expect(c2.run("DEBUG", "DIGEST") == c.run("DEBUG", "DIGEST"))
        #expect(c2.run("DEBUG", "DIGEST") != "+" + String(repeating: "0", count: 40) + "\r\n")
        #expect(c2.run("EXISTS", "s", "e") == int(0))
        #expect(c2.run("HGET", "h", "x") == bulk("2.5"))
        c2.run("SELECT", "2")
        #expect(c2.run("XLEN", "st") == int(1))
        #expect(c2.value("XPENDING", "st", "g")?.description.contains("alice") == true)
        #expect(c2.run("EXISTS", "l") == int(0))
    }

    @Test func rewriteInstallsANewBaseAndKeepsLaterWrites() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock(milliseconds: 1_700_000_000_000)
        for preamble in ["yes", "no"] {
            let sub = dir + "/" + preamble
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
            let (c, _) = try Self.engine(sub, clock: clock, ["aof-use-rdb-preamble": preamble])
            for i in 0..<50 { c.run("RPUSH", "list", "e\(i)") }
            c.run("ZADD", "z", "1.5", "a", "-2", "b")
            c.run("XADD", "st", "1-1", "f", "v")
            c.run("XGROUP", "CREATE", "st", "g", "0")
            c.run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "st", ">")
            let done = DispatchSemaphore(value: 0)
            c.engine.lock.withLock {
                c.engine.aof.rewriteFinished = { _ in done.signal() }
                #expect(c.engine.aofStartRewrite() == nil)
            }
            c.run("SET", "during", "rewrite")          // goes to the new incr file
            #expect(done.wait(timeout: .now() + 20) == .success)
            c.run("SET", "after", "rewrite")
            let ext = preamble == "yes" ? "rdb" : "aof"
            let m = c.engine.lock.withLock { c.engine.aof.manifest }
            #expect(m.text == "file appendonly.aof.2.base.\(ext) seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
            let files = try FileManager.default.contentsOfDirectory(atPath: sub + "/appendonlydir").sorted()
            #expect(files == ["appendonly.aof.2.base.\(ext)", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"])
            if preamble == "no" {
                let base = try Self.commands(sub + "/appendonlydir/appendonly.aof.2.base.aof")
                #expect(base.contains(["XCLAIM", "st", "g", "alice", "0", "1-1", "TIME", String(1_700_000_000_000), "RETRYCOUNT", "1", "JUSTID", "FORCE"]))
            }
            let (c2, _) = try Self.engine(sub, clock: clock, ["aof-use-rdb-preamble": preamble])
            #expect(c2.run("LLEN", "list") == int(50))
            #expect(c2.run("ZSCORE", "z", "b") == bulk("-2"))
            #expect(c2.run("GET", "during") == bulk("rewrite"))
            #expect(c2.run("GET", "after") == bulk("rewrite"))
            #expect(c2.value("XPENDING", "st", "g")?.description.contains("alice") == true)
        }
    }

    @Test func truncatedTailIsCutOffAndCorruptionIsReported() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock(milliseconds: 1_700_000_000_000)
        let (c, _) = try Self.engine(dir, clock: clock)
        c.run("SET", "k1", "v1")
        c.run("SET", "k2", "v2")
        let incr = dir + "/appendonlydir/appendonly.aof.1.incr.aof"
        let good = try FileManager.default.attributesOfItem(atPath: incr)[.size] as? Int ?? -1
        // A crash in the middle of writing a command.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: incr))
        try h.seekToEnd()
        try h.write(contentsOf: Array("*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$2\r\nv".utf8))
        try h.close()

        // aof-load-truncated no: refused, with the file, the offset and a hint.
        let strict = TestClient(clock: clock, config: Self.config(dir, ["aof-load-truncated": "no"]))
        do {
            _ = try strict.engine.lock.withLock { try strict.engine.loadAOF() }
            Issue.record("a truncated AOF loaded with aof-load-truncated no")
        } catch let e as AOFLoadError {
            #expect(e.file == incr && e.offset == good)
            #expect(e.description.contains("--check-aof"))
        }
        // yes (the default): loaded, the partial command cut off.
        let (c2, report) = try Self.engine(dir, clock: clock)
        #expect(report?.truncated?.offset == good)
        #expect(c2.run("GET", "k2") == bulk("v2"))
        #expect(c2.run("EXISTS", "k3") == int(0))
        #expect(try FileManager.default.attributesOfItem(atPath: incr)[.size] as? Int == good)

        // Garbage in the middle of the last file is not a truncation: clear error.
        let h2 = try FileHandle(forWritingTo: URL(fileURLWithPath: incr))
        try h2.seekToEnd()
        try h2.write(contentsOf: Array("xx garbage\r\n*1\r\n$4\r\nPING\r\n".utf8))
        try h2.close()
        let broken = TestClient(clock: clock, config: Self.config(dir))
        #expect(throws: AOFLoadError.self) { _ = try broken.engine.lock.withLock { try broken.engine.loadAOF() } }
    }

    @Test func manifestRoundTripsRedisFormat() throws {
        let text = "file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\n"
            + "file appendonly.aof.5.incr.aof seq 5 type i\nfile \"my file.aof\" seq 6 type i\n"
        let m = try AOFManifest.parse(text)
        #expect(m.base?.name == "appendonly.aof.3.base.rdb")
        #expect(m.history.map(\.seq) == [2])
        #expect(m.incrs.map(\.name) == ["appendonly.aof.5.incr.aof", "my file.aof"])
        #expect(m.text == text)
        // Keys in another order, comments, CRLF.
        let m2 = try AOFManifest.parse("# comment\r\ntype b seq 1 file a.base.rdb\r\n")
        #expect(m2.base == .init(name: "a.base.rdb", seq: 1, type: .base))
        #expect(throws: AOFManifest.ParseError.self) { try AOFManifest.parse("file x seq 1\n") }
        #expect(throws: AOFManifest.ParseError.self) { try AOFManifest.parse("file a seq 1 type b\n\nfile b seq 1 type i\n") }
        #expect(throws: AOFManifest.ParseError.self) { try AOFManifest.parse("file a seq 1 type q\n") }
        #expect(throws: AOFManifest.ParseError.self) { try AOFManifest.parse("file a seq 2 type i\nfile b seq 1 type i\n") }
        #expect(throws: AOFManifest.ParseError.self) { try AOFManifest.parse("file a seq 1 type b\nfile b seq 2 type b\n") }
    }
}
