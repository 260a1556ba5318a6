import NIOCore
import RESP
import RedisEngine

/// One client connection: accumulates the query buffer, decodes every complete command of a read,
/// runs them as one batch under the engine lock, and writes the replies once.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: RedisServer
    private let engine: Engine
    private var session: ClientSession!
    private var ctx: CommandContext?
    private var decoder: RESPCommandDecoder
    private var query: ByteBuffer
    private var needsFlush = false
    private var closing = false
    private var pendingPaused = false
    private var pauseTimerScheduled = false
    private var context: ChannelHandlerContext?
    private let isTLS: Bool
    private var rejected = false

    init(server: RedisServer, isTLS: Bool) {
        self.server = server
        self.engine = server.engine
        self.isTLS = isTLS
        var limits = RESPLimits()
        limits.maxBulkLength = server.engine.config.protoMaxBulkLen
        limits.maxQueryBuffer = server.engine.config.clientQueryBufferLimit
        self.decoder = RESPCommandDecoder(limits: limits)
        self.query = ByteBuffer()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let remote = Self.describe(channel.remoteAddress)
        let local = Self.describe(channel.localAddress)
        let isLocal = Self.isLoopback(channel.remoteAddress)
        engine.lock.lock()
        if engine.sessions.count >= engine.config.maxClients {
            engine.stats.rejectedConnections += 1
            engine.lock.unlock()
            reject(context, "-ERR max number of clients reached\r\n")
            return
        }
        if server.config.protectedMode && !engine.config.passwordRequired && engine.authenticator == nil && !isLocal {
            engine.stats.rejectedConnections += 1
            engine.lock.unlock()
            reject(context, "-" + RedisServer.protectedModeMessage + "\r\n")
            return
        }
        let s = engine.newSession(remoteAddress: remote, localAddress: local)
        s.isTLS = isTLS
        session = s
        ctx = CommandContext(engine: engine, session: s, buffer: context.channel.allocator.buffer(capacity: 1024))
        engine.lock.unlock()

        // Both run while the engine lock is held by some connection: always hop through the event
        // loop's queue so a synchronous close (channelInactive takes the lock) cannot deadlock.
        let channelLoop = channel.eventLoop
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        s.deliver = { buffer in
            channelLoop.execute {
                // Bytes for this client from other clients (pub/sub, MONITOR, unblocked replies):
                // count what the socket has not taken yet and apply client-output-buffer-limit.
                let n = buffer.readableBytes
                let handler = bound.value
                handler.pendingDelivered += n
                if handler.overOutputLimit() {
                    handler.server.log.log(.warning, "Client id=\(s.id) addr=\(s.remoteAddress) scheduled to be closed ASAP for overcoming of output buffer limits.")
                    channel.close(promise: nil)
                    return
                }
                channel.writeAndFlush(buffer).whenComplete { _ in bound.value.pendingDelivered -= n }
            }
        }
        s.kill = {
            channelLoop.execute { channel.close(promise: nil) }
        }
        s.resume = {
            loop.execute { bound.value.resumeProcessing() }
        }
        server.connectionOpened(channel)
        context.fireChannelActive()
    }

    /// Delivered bytes not yet written to the socket (event loop only).
    private var pendingDelivered = 0
    private var softLimitSince: Int64 = 0

    /// Redis's `client-output-buffer-limit` for this client's class (pub/sub or normal).
    private func overOutputLimit() -> Bool {
        guard let s = session else { return false }
        let pubsub = engine.lock.withLock { s.subscriptionCount + s.patternSubscriptionCount > 0 }
        let limits = pubsub ? server.config.outputBufferLimitPubSub : server.config.outputBufferLimitNormal
        if limits.hard > 0 && pendingDelivered >= limits.hard { return true }
        if limits.soft > 0 && pendingDelivered >= limits.soft {
            let now = monotonicMicros() / 1000
            if softLimitSince == 0 { softLimitSince = now }
            return now - softLimitSince >= Int64(limits.softSeconds) * 1000
        }
        softLimitSince = 0
        return false
    }

    private func reject(_ context: ChannelHandlerContext, _ message: String) {
        rejected = true
        var b = context.channel.allocator.buffer(capacity: message.utf8.count)
        b.writeString(message)
        let ch = context.channel
        context.writeAndFlush(wrapOutboundOut(b)).whenComplete { _ in ch.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let s = session {
            engine.lock.withLock { engine.closeSession(s) }
            server.connectionClosed(context.channel)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if rejected || closing { return }
        var incoming = unwrapInboundIn(data)
        if query.readableBytes == 0 {
            // Common case: decode straight from NIO's receive buffer and keep no reference to it,
            // so the channel's pooled receive buffer is reused for the next read instead of a
            // fresh allocation per read. Only an incomplete tail is copied into `query`.
            process(context, &incoming)
            if incoming.readableBytes > 0 {
                query.clear()
                query.writeBuffer(&incoming)
            }
        } else {
            query.writeBuffer(&incoming)
            process(context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func resumeProcessing() {
        guard let context = context, !closing else { return }
        process(context)
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    /// Processes the connection's own query buffer.
    private func process(_ context: ChannelHandlerContext) {
        // Work on a local: one exclusive access per batch instead of several per command.
        var q = ByteBuffer()
        swap(&q, &query)
        process(context, &q)
        if q.readableBytes == 0 {
            q.clear()
        } else if q.readerIndex > 64 * 1024 {
            q.discardReadBytes()
        }
        swap(&q, &query)
    }

    /// Decodes and runs every complete command in `q` (consuming them) as one batch under the
    /// engine lock and queues the replies; leaves an incomplete tail (or everything when blocked) in `q`.
    private func process(_ context: ChannelHandlerContext, _ q: inout ByteBuffer) {
        guard let s = session, var c = ctx else { return }
        let engine = self.engine
        var dec = decoder
        ctx = nil
        if c.out.buffer.readableBytes == 0 { c.out.buffer.clear() }
        engine.lock.lock()
        if s.isBlocked {
            s.queryBufferLength = q.readableBytes
            engine.lock.unlock()
            ctx = c
            return
        }
        let paused = CommandBatch.run(engine: engine, log: server.log, ctx: &c, decoder: &dec, query: &q,
                                      pendingPaused: &pendingPaused)
        let outBytes = c.out.buffer.readableBytes
        let close = s.closeAfterReply
        let pauseUntil = engine.pauseUntil
        engine.lock.unlock()

        decoder = dec
        var out: ByteBuffer?
        if outBytes > 0 {
            out = c.out.buffer
            // Mark the bytes as sent; the storage is reused (cleared) on the next batch once NIO released it.
            c.out.buffer.moveReaderIndex(forwardBy: outBytes)
            if c.out.buffer.capacity > 1024 * 1024 {
                c.out.buffer = context.channel.allocator.buffer(capacity: 16 * 1024)
            }
        }
        ctx = c
        if let out {
            if close {
                closing = true
                let ch = context.channel
                context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in ch.close(promise: nil) }
                return
            }
            context.write(wrapOutboundOut(out), promise: nil)
            needsFlush = true
        } else if close {
            closing = true
            context.close(promise: nil)
            return
        }
        if paused && !pauseTimerScheduled {
            pauseTimerScheduled = true
            let now = engine.clock.nowMilliseconds()
            let wait = max(1, pauseUntil - now)
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(wait)) {
                bound.value.pauseTimerScheduled = false
                bound.value.resumeProcessing()
            }
        }
    }

    static func describe(_ address: SocketAddress?) -> String {
        guard let a = address else { return "?:0" }
        let ip = a.ipAddress ?? "?"
        let port = a.port ?? 0
        if case .v6 = a { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let a = address else { return true }
        switch a {
        case .unixDomainSocket: return true
        case .v4: return (a.ipAddress ?? "").hasPrefix("127.")
        case .v6: return a.ipAddress == "::1" || (a.ipAddress ?? "").hasPrefix("::ffff:127.")
        }
    }
}

