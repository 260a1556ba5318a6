import NIOCore
import RESP
@testable import RedisEngine

/// Collects bytes delivered asynchronously to a client (pub/sub messages, unblocked replies).
final class DeliveryBox: @unchecked Sendable {
    var bytes: [UInt8] = []
    var resumed = 0
    var text: String { String(decoding: bytes, as: UTF8.self) }
    func take() -> String { defer { bytes.removeAll() }; return text }
}

/// One in-process client of an engine: sends commands, returns raw RESP replies.
final class DeliveryClient {
    let engine: Engine
    let session: ClientSession
    var ctx: CommandContext
    let box = DeliveryBox()

    init(_ engine: Engine) {
        self.engine = engine
        let s = engine.lock.withLock { engine.newSession() }
        session = s
        ctx = CommandContext(engine: engine, session: s, buffer: ByteBuffer())
        let box = self.box
        s.deliver = { buf in box.bytes.append(contentsOf: buf.readableBytesView) }
        s.resume = { box.resumed += 1 }
    }

    /// Sends one command; returns what was written to this client's reply buffer.
    @discardableResult
    func send(_ args: String...) -> String { sendArgs(args) }

    @discardableResult
    func sendArgs(_ args: [String]) -> String {
        ctx.args = Argv(args)
        ctx.out.buffer.clear()
        engine.lock.withLock { _ = engine.execute(&ctx) }
        return String(decoding: ctx.out.buffer.readableBytesView, as: UTF8.self)
    }

    /// Bytes delivered asynchronously since the last call.
    func delivered() -> String { box.take() }

    func close() { engine.lock.withLock { engine.closeSession(session) } }
}

/// An engine on a manual clock with helpers.
final class ManualClockEngine {
    let clock = ManualClock(milliseconds: 1_700_000_000_000)
    let engine: Engine

    init(configure: (inout EngineConfig) -> Void = { _ in }) {
        var config = EngineConfig()
        configure(&config)
        engine = Engine(config: config, clock: clock)
    }

    func client() -> DeliveryClient { DeliveryClient(engine) }

    /// Advances the clock and runs the engine cron (timeouts, active expiry).
    func advance(ms: Int64) {
        clock.advance(milliseconds: ms)
        engine.lock.withLock { engine.cron() }
    }
}

/// RESP helpers for expectations.
enum ExpectedReply {
    static func bulk(_ s: String) -> String { "$\(s.utf8.count)\r\n\(s)\r\n" }
    static func int(_ n: Int) -> String { ":\(n)\r\n" }
    static func arr(_ items: [String]) -> String { "*\(items.count)\r\n" + items.joined() }
    static func bulks(_ items: String...) -> String { arr(items.map(bulk)) }
    static func err(_ s: String) -> String { "-\(s)\r\n" }
    static let ok = "+OK\r\n"
    static let null = "$-1\r\n"
    static let nullArray = "*-1\r\n"
    static let wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
}
