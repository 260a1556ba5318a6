import NIOCore
import RESP
@testable import RedisEngine

/// A test client bound to an engine with a manual clock.
final class TestClient {
    let engine: Engine
    let clock: ManualClock
    let session: ClientSession
    var ctx: CommandContext

    init(engine: Engine? = nil, clock: ManualClock? = nil, config: EngineConfig = EngineConfig()) {
        let c = clock ?? ManualClock(milliseconds: 1_700_000_000_000)
        self.clock = c
        let e = engine ?? Engine(config: config, clock: c)
        self.engine = e
        self.session = e.lock.withLock { e.newSession() }
        self.ctx = CommandContext(engine: e, session: session, buffer: ByteBuffer())
    }

    /// A second client on the same engine.
    func another() -> TestClient { TestClient(engine: engine, clock: clock) }

    /// Runs one command and returns the raw reply bytes as a string.
    @discardableResult
    func run(_ args: String...) -> String { runArgs(args) }

    func runArgs(_ args: [String]) -> String {
        ctx.args = Argv(args)
        ctx.out.buffer.clear()
        engine.lock.withLock { _ = engine.execute(&ctx) }
        return ctx.out.string
    }

    /// Runs a command given as raw byte arguments.
    func runBytes(_ args: [[UInt8]]) -> String {
        ctx.args = Argv(bytes: args)
        ctx.out.buffer.clear()
        engine.lock.withLock { _ = engine.execute(&ctx) }
        return ctx.out.string
    }

    /// Parses the reply of a command.
    func value(_ args: String...) -> RESPValue? {
        let raw = runArgs(args)
        var buf = ByteBuffer(string: raw)
        return try? RESPValue.parse(&buf)
    }

    func advance(_ ms: Int64) { clock.advance(milliseconds: ms) }
}

/// RESP encodings for expectations.
func bulk(_ s: String) -> String { "$\(s.utf8.count)\r\n\(s)\r\n" }
func int(_ i: Int) -> String { ":\(i)\r\n" }
func err(_ s: String) -> String { "-\(s)\r\n" }
let OK = "+OK\r\n"
let NIL = "$-1\r\n"
func arr(_ items: String...) -> String { "*\(items.count)\r\n" + items.joined() }
