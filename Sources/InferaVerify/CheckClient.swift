import NIOCore
import NIOPosix
import NIOSSL
import RESP

/// A small blocking RESP client the checks use (plain TCP or TLS verified against a CA file). Every wait
/// is bounded by `timeout`.
final class CheckClient: @unchecked Sendable {
    private let channel: Channel
    private let collector: ReplyCollector
    let timeout: TimeAmount

    private init(channel: Channel, collector: ReplyCollector, timeout: TimeAmount) {
        self.channel = channel
        self.collector = collector
        self.timeout = timeout
    }

    /// Connects to `host:port`; with `caFile` the connection is TLS and the server certificate must verify
    /// against it for `serverName`. `trustSystemOnly` verifies against the system roots instead.
    static func connect(group: EventLoopGroup, host: String = "127.0.0.1", port: Int, tls: Bool, caFile: String?,
                        serverName: String = "localhost", timeout: TimeAmount = .seconds(3)) throws -> CheckClient {
        let collector = ReplyCollector()
        let sslContext: NIOSSLContext?
        if tls {
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .fullVerification
            config.trustRoots = caFile.map { .file($0) } ?? .default
            sslContext = try NIOSSLContext(configuration: config)
        } else {
            sslContext = nil
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let h = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(h)
                    }
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
        let channel = try bootstrap.connect(host: host, port: port).wait()
        return CheckClient(channel: channel, collector: collector, timeout: timeout)
    }

    /// Sends one command and waits for its reply.
    @discardableResult
    func call(_ args: String...) throws -> RESPValue { try call(args) }

    @discardableResult
    func call(_ args: [String]) throws -> RESPValue {
        try pipeline([args])[0]
    }

    /// Sends commands with one write (`args` as raw bytes allowed via `callBytes`) and waits for every reply.
    func pipeline(_ commands: [[String]]) throws -> [RESPValue] {
        try pipelineBytes(commands.map { $0.map { Array($0.utf8) } })
    }

    func pipelineBytes(_ commands: [[[UInt8]]]) throws -> [RESPValue] {
        var buf = channel.allocator.buffer(capacity: 64)
        for args in commands {
            buf.writeString("*\(args.count)\r\n")
            for a in args {
                buf.writeString("$\(a.count)\r\n")
                buf.writeBytes(a)
                buf.writeString("\r\n")
            }
        }
        try channel.writeAndFlush(buf).wait()
        return try (0..<commands.count).map { _ in try next() }
    }

    /// The next reply or push message (pub/sub), waiting at most `timeout`.
    func next(timeout: TimeAmount? = nil) throws -> RESPValue {
        try collector.take(timeout: timeout ?? self.timeout)
    }

    func close() {
        _ = try? channel.close().wait()
    }
}

/// Collects decoded replies on the channel's event loop; `take` hands out the next one.
final class ReplyCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    // Touched only on the event loop.
    private var replies: [RESPValue] = []
    private var failure: String?
    private var pending: ByteBuffer?
    private var waiters: [EventLoopPromise<RESPValue>] = []
    private var loop: EventLoop?

    func handlerAdded(context: ChannelHandlerContext) { loop = context.eventLoop }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if pending == nil { pending = incoming } else { pending!.writeBuffer(&incoming) }
        do {
            while var p = pending, let v = try RESPValue.parse(&p) {
                pending = p
                if waiters.isEmpty { replies.append(v) } else { waiters.removeFirst().succeed(v) }
            }
        } catch {
            fail("unreadable reply: \(error)")
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail("\(error)")
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) { fail("connection closed by the server") }

    private func fail(_ message: String) {
        if failure == nil { failure = message }
        let w = waiters
        waiters.removeAll()
        for p in w { p.fail(VerifyError(failure ?? message)) }
    }

    func take(timeout: TimeAmount) throws -> RESPValue {
        guard let loop else { throw VerifyError("not connected") }
        let promise = loop.makePromise(of: RESPValue.self)
        loop.execute {
            if !self.replies.isEmpty {
                promise.succeed(self.replies.removeFirst())
            } else if let f = self.failure {
                promise.fail(VerifyError(f))
            } else {
                self.waiters.append(promise)
                loop.scheduleTask(in: timeout) {
                    if let i = self.waiters.firstIndex(where: { $0.futureResult === promise.futureResult }) {
                        self.waiters.remove(at: i)
                        promise.fail(VerifyError("no reply within \(timeout.nanoseconds / 1_000_000) ms"))
                    }
                }
            }
        }
        return try promise.futureResult.wait()
    }
}
