import NIOCore
import RESP
import RedisEngine

/// The part of serving a read that both transports share (epoll and SwiftNIO): decode every
/// complete command of the client's query buffer and run it, with Redis's CLIENT PAUSE, blocking,
/// protocol-error and query-buffer-limit handling, and the I/O statistics.
enum CommandBatch {
    /// Runs the batch in `query` (consuming what it decodes) for `ctx.session`; the caller holds
    /// `engine.lock` and has checked that the client is not blocked. An incomplete command stays in
    /// `query`. Returns true when CLIENT PAUSE holds the client's next command back (it stays in
    /// `ctx.args` and `pendingPaused` is set, to be retried once the pause ends).
    static func run(engine: Engine, log: ServerLog, ctx: inout CommandContext, decoder: inout RESPCommandDecoder,
                    query q: inout ByteBuffer, pendingPaused: inout Bool) -> Bool {
        let s = ctx.session
        let received = q.readableBytes
        let outStart = ctx.out.buffer.writerIndex
        var paused = false
        var protocolError: String?
        engine.stats.totalReadsProcessed += 1
        engine.beginBatch()
        if pendingPaused {
            if engine.execute(&ctx) {
                pendingPaused = false
                s.isPostponed = false
            } else {
                paused = true
            }
        }
        if !paused && !s.closeAfterReply && !s.isBlocked {
            loop: while true {
                decoder.authRequired = !s.authenticated
                switch decoder.decode(&q, into: &ctx.args) {
                case .command:
                    if !engine.execute(&ctx) {
                        pendingPaused = true
                        paused = true
                        break loop
                    }
                    if s.closeAfterReply || s.isBlocked { break loop }
                case .needMoreData:
                    break loop
                case .protocolError(let message):
                    protocolError = message
                    break loop
                }
            }
        }
        engine.endBatch()
        if let message = protocolError {
            ctx.out.error("ERR " + message)
            s.closeAfterReply = true
        }
        if q.readableBytes > engine.config.clientQueryBufferLimit {
            s.closeAfterReply = true
            log.log(.warning, "Closing client that reached max query buffer length: id=\(s.id) addr=\(s.remoteAddress) qbuf=\(q.readableBytes) (qbuf initial bytes: \"\")")
        }
        engine.stats.netInputBytes += received - q.readableBytes
        engine.stats.netOutputBytes += ctx.out.buffer.writerIndex - outStart
        s.queryBufferLength = q.readableBytes
        return paused
    }
}
