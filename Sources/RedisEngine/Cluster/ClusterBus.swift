import Dispatch
import NIOCore
import RESP

/// What the cluster bus carries between the nodes of one process: PUBLISH, which Redis Cluster
/// propagates to every node so subscribers anywhere get the message. Deliveries run on one serial
/// queue (messages keep their order), each under the receiving node's lock, never while another
/// node's lock is held.
public final class ClusterBus: @unchecked Sendable {
    private let queue = DispatchQueue(label: "infera.cluster.bus")
    /// Node engines by index (set once by the server before clients connect).
    private var engines: [Engine] = []
    private var sessions: [ClientSession] = []

    public init() {}

    /// The engines of every node, in node order.
    public func attach(_ engines: [Engine]) {
        self.engines = engines
        sessions = engines.map { e in
            let s = ClientSession(id: 0, now: e.clock.nowMilliseconds(), authenticated: true)
            s.isInternal = true
            s.name = ByteString("cluster-bus")
            return s
        }
    }

    /// Runs `PUBLISH channel message` on every node but `from`, later, in order.
    func broadcastPublish(from: Int, channel: [UInt8], message: [UInt8]) {
        queue.async { [self] in
            for (i, engine) in engines.enumerated() where i != from {
                let session = sessions[i]
                engine.lock.withLock {
                    guard let cmd = engine.commandTable.lookup(ArraySlice("publish".utf8)) else { return }
                    var ctx = CommandContext(engine: engine, session: session, buffer: ByteBufferAllocator().buffer(capacity: 16))
                    ctx.args = Argv(bytes: [Array("PUBLISH".utf8), channel, message])
                    ctx.now = engine.clock.nowMilliseconds()
                    engine.call(&ctx, cmd)
                }
            }
        }
    }
}
