import InferaTestSupport
import NIOCore
import RESP
import RedisEngine
import RedisServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The two ways plain TCP is served: epoll loops (the Linux default) and SwiftNIO.
/// Both must behave the same; these run the connection-level behaviours against each.
@Suite("Server transports", .serialized)
struct TransportTests {
    static var backends: [IOBackend] {
        #if os(Linux)
        return [.epoll, .nio]
        #else
        return [.nio]
        #endif
    }

    func withServer(_ backend: IOBackend, threads: Int = 2, _ configure: (inout RedisServerConfig) -> Void = { _ in },
                    _ body: (RedisServer, Int) throws -> Void) async throws {
        try await ServerTests().withServer({ cfg in
            cfg.threads = threads
            cfg.ioBackend = backend
            configure(&cfg)
        }, body)
    }

    /// Replies are written once per loop iteration; a script that turns busy in the middle of an
    /// iteration must not keep the replies it was owed from clients served earlier in it (the Redis
    /// suite's "killed by SCRIPT KILL even when use pcall" hung on a PING answered that way).
    @Test("a reply owed when a script turns busy is sent while the script is busy (epoll, one loop)")
    func replyOwedBeforeABusyScript() async throws {
        #if os(Linux)
        try await withServer(.epoll, threads: 1) { _, port in
            let admin = try RedisTestClient(port: port)
            #expect(try admin.command("CONFIG", "SET", "busy-reply-threshold", "20") == .simple("OK"))
            let a = try RedisTestClient(port: port)
            let b = try RedisTestClient(port: port)
            let ping = RedisTestClient.encodeCommand([Array("PING".utf8)])
            let spin = RedisTestClient.encodeCommand(["EVAL", "while true do end", "0"].map { Array($0.utf8) })
            for round in 0..<12 {
                // Back to back, so the loop usually reads both in one wait: PING first, then the script.
                try a.sendRaw(ping)
                try b.sendRaw(spin)
                let reply = try a.readReply(timeout: .seconds(5))
                #expect(reply == .simple("PONG") || reply.isError, "round \(round): \(reply)")
                // Kill the script (it may not have reached the busy threshold yet: retry a bounded number of times).
                var killed = false
                for _ in 0..<200 where !killed {
                    let r = try a.command("SCRIPT", "KILL")
                    if r == .simple("OK") { killed = true } else { usleep(5_000) }
                }
                #expect(killed, "round \(round): SCRIPT KILL never succeeded")
                let scriptReply = try b.readReply(timeout: .seconds(5))
                #expect(scriptReply.isError, "round \(round): \(scriptReply)")
            }
            #expect(try admin.command("PING") == .simple("PONG"))
        }
        #endif
    }

    @Test("pipelined commands, a partial command split over writes, INFO reports the multiplexing API",
          arguments: backends)
    func pipelineAndPartialFrames(_ backend: IOBackend) async throws {
        try await withServer(backend) { _, port in
            let c = try RedisTestClient(port: port)
            // 100 pipelined INCRs in one write.
            var batch: [UInt8] = []
            for _ in 0..<100 { batch += RedisTestClient.encodeCommand([Array("INCR".utf8), Array("n".utf8)]) }
            try c.sendRaw(batch)
            for i in 1...100 { #expect(try c.readReply() == .integer(Int64(i))) }
            // One command delivered byte by byte.
            let frame = RedisTestClient.encodeCommand([Array("SET".utf8), Array("k".utf8), Array("hello".utf8)])
            for b in frame { try c.sendRaw([b]) }
            #expect(try c.readReply() == .simple("OK"))
            // A value larger than one 16 KiB read.
            let big = String(repeating: "x", count: 200_000)
            #expect(try c.command("SET", "big", big) == .simple("OK"))
            #expect(try c.command("STRLEN", "big") == .integer(200_000))
            #expect(try c.command("GET", "big") == .bulk(Array(big.utf8)))
            guard case .bulk(let info?) = try c.command("INFO", "server") else { Issue.record("INFO"); return }
            let text = String(decoding: info, as: UTF8.self)
            #expect(text.contains("multiplexing_api:\(backend == .epoll ? "epoll" : "nio")"))
        }
    }

    @Test("clients on different loops: counters, pub/sub fan-out and a blocked BLPOP woken by another client",
          arguments: backends)
    func crossConnection(_ backend: IOBackend) async throws {
        try await withServer(backend) { _, port in
            // Subscribers first (spread over both loops by round-robin accept).
            var subs: [RedisTestClient] = []
            for _ in 0..<6 {
                let s = try RedisTestClient(port: port)
                try s.send(["SUBSCRIBE", "news"])
                _ = try s.readReply()
                subs.append(s)
            }
            let blocked = try RedisTestClient(port: port)
            try blocked.send(["BLPOP", "jobs", "5"])
            let pub = try RedisTestClient(port: port)
            for i in 0..<50 {
                #expect(try pub.command("PUBLISH", "news", "m\(i)") == .integer(6))
            }
            for s in subs {
                for i in 0..<50 {
                    #expect(try s.readReply() == .array([.bulk(Array("message".utf8)), .bulk(Array("news".utf8)),
                                                          .bulk(Array("m\(i)".utf8))]))
                }
            }
            // The blocked client is still waiting; a push on another connection wakes it.
            #expect(try blocked.hasNoPendingReply(within: .milliseconds(50)))
            #expect(try pub.command("RPUSH", "jobs", "j1") == .integer(1))
            #expect(try blocked.readReply() == .array([.bulk(Array("jobs".utf8)), .bulk(Array("j1".utf8))]))
            // And it processes its next command normally.
            #expect(try blocked.command("PING") == .simple("PONG"))
        }
    }

    @Test("QUIT replies then closes; a protocol error closes only that connection; CLIENT KILL closes another",
          arguments: backends)
    func closing(_ backend: IOBackend) async throws {
        try await withServer(backend) { _, port in
            let a = try RedisTestClient(port: port)
            let b = try RedisTestClient(port: port)
            #expect(try a.command("QUIT") == .simple("OK"))
            #expect(try a.waitForClose(timeout: .seconds(5)).closed)
            try b.sendRaw(Array("*1\r\n$x\r\n".utf8))
            #expect(try b.readReply() == .error("ERR Protocol error: invalid bulk length"))
            #expect(try b.waitForClose(timeout: .seconds(5)).closed)
            let c = try RedisTestClient(port: port)
            let d = try RedisTestClient(port: port)
            guard case .integer(let id) = try d.command("CLIENT", "ID") else { Issue.record("CLIENT ID"); return }
            #expect(try c.command("CLIENT", "KILL", "ID", String(id)) == .integer(1))
            #expect(try d.waitForClose(timeout: .seconds(5)).closed)
            #expect(try c.command("PING") == .simple("PONG"))
        }
    }

    @Test("CLIENT PAUSE holds commands back until it expires", arguments: backends)
    func pause(_ backend: IOBackend) async throws {
        try await withServer(backend) { _, port in
            let a = try RedisTestClient(port: port)
            let b = try RedisTestClient(port: port)
            #expect(try a.command("CLIENT", "PAUSE", "300") == .simple("OK"))
            let start = ContinuousClock.now
            #expect(try b.command("PING") == .simple("PONG"))
            #expect(ContinuousClock.now - start >= .milliseconds(250))
        }
    }

    /// A subscriber that stops reading is disconnected once its pending output passes the pub/sub
    /// hard limit, as redis-server does; the publisher and the server carry on.
    @Test("client-output-buffer-limit pubsub disconnects a subscriber that does not read, like redis-server",
          arguments: backends)
    func pubsubOutputLimit(_ backend: IOBackend) async throws {
        try await withServer(backend, { $0.outputBufferLimitPubSub = OutputBufferLimit(hard: 256 * 1024, soft: 0, softSeconds: 0) }) { _, port in
            let dropped = try Self.slowSubscriberDropped(port: port)
            #expect(dropped)
        }
        // The reference behaves the same with the same limit.
        let redis = try ServerProcess.startRedis(extraArguments: ["--client-output-buffer-limit", "pubsub 256kb 0 0"])
        defer { redis.stop() }
        let redisDropped = try Self.slowSubscriberDropped(port: redis.port)
        #expect(redisDropped)
    }

    /// Publishes 16 KiB messages (at most 64 MiB in all) to a subscriber that never reads; true when
    /// PUBLISH starts reporting 0 receivers (the subscriber was disconnected).
    static func slowSubscriberDropped(port: Int) throws -> Bool {
        let sub = try RedisTestClient(port: port)
        try sub.send(["SUBSCRIBE", "firehose"])
        _ = try sub.readReply()
        let pub = try RedisTestClient(port: port)
        let payload = String(repeating: "p", count: 16 * 1024)
        for _ in 0..<4096 {
            if try pub.command("PUBLISH", "firehose", payload) == .integer(0) {
                return try pub.command("PING") == .simple("PONG")
            }
        }
        return false
    }

    @Test("the idle timeout closes clients that send nothing", arguments: backends)
    func idleTimeout(_ backend: IOBackend) async throws {
        try await withServer(backend, { $0.engine.timeout = 1 }) { _, port in
            let a = try RedisTestClient(port: port)
            #expect(try a.command("PING") == .simple("PONG"))
            #expect(try a.waitForClose(timeout: .seconds(5)).closed)
        }
    }
}
