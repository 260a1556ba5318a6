#if os(Linux)
import CEpoll
import Glibc
import NIOCore
import RESP
import RedisEngine

/// The plain-TCP transport: one epoll loop per thread, Redis's own I/O model.
///
/// Each loop reads a connection's bytes into a reused buffer, decodes every complete command,
/// runs them as one batch under `engine.lock`, and writes the replies with one `send` on the same
/// thread — no per-read allocation, no channel pipeline, no cross-thread hop. Loop 0 also owns the
/// listening sockets (it accepts and hands connections to the loops round-robin) and runs the
/// server cron. Bytes for other clients (pub/sub messages, unblocked replies, MONITOR) are appended
/// to the target connection's inbox and flushed by its loop once per iteration, so a PUBLISH to many
/// subscribers costs one `send` per subscriber per iteration rather than one per message.
final class EpollTransport: @unchecked Sendable {
    let server: RedisServer
    let loops: [PollLoop]
    private var nextLoop = 0
    private let doneLock = EngineLock()
    private var running: Int
    private let onStopped: @Sendable () -> Void

    init(server: RedisServer, threads: Int, onStopped: @escaping @Sendable () -> Void) throws {
        self.server = server
        self.onStopped = onStopped
        var loops: [PollLoop] = []
        for i in 0..<max(1, threads) {
            loops.append(try PollLoop(index: i))
        }
        self.loops = loops
        self.running = loops.count
        for l in loops { l.transport = self }
    }

    /// Binds `addresses` (redis.conf `bind` syntax: a leading `-` means optional) on `port`
    /// (0 = ephemeral) and returns the port bound.
    func listen(addresses: [String], port: Int, backlog: Int) throws -> Int {
        var fds: [Int32] = []
        var boundPort = port
        var failure: String?
        for raw in (addresses.isEmpty ? ["*", "-::*"] : addresses) {
            let optional = raw.hasPrefix("-")
            var host = optional ? String(raw.dropFirst()) : raw
            if host == "*" { host = "0.0.0.0" }
            if host == "::*" { host = "::" }
            switch Socket.listen(host: host, port: fds.isEmpty ? port : boundPort, backlog: backlog) {
            case .success(let (fd, p)):
                if fds.isEmpty { boundPort = p }
                fds.append(fd)
            case .failure(let message):
                if optional { continue }
                failure = "\(host):\(port): \(message)"
                server.log.log(.warning, "Warning: Could not create server TCP listening socket \(failure!)")
            }
        }
        if fds.isEmpty || failure != nil {
            for fd in fds { close(fd) }
            throw RedisServerError("Failed listening on port \(port) (tcp), aborting.")
        }
        for fd in fds { loops[0].addListener(fd) }
        return boundPort
    }

    /// Starts every loop's thread.
    func start() {
        // While a script runs past busy-reply-threshold, the loop running it serves the other clients
        // (Redis's processEventsWhileBlocked): BUSY for most commands, SCRIPT/FUNCTION KILL answered.
        let loops = self.loops
        let server = self.server
        server.engine.serveWhileBusy = {
            for l in loops where l.isCurrent { l.serveWhileBusy(server: server) }
        }
        for l in loops { l.startThread() }
    }

    /// Asks every loop to close its connections and listeners and exit.
    func stop() {
        for l in loops { l.requestStop() }
    }

    /// The loop that takes the next accepted connection (round-robin; loop 0 only).
    func pickLoop() -> PollLoop {
        let l = loops[nextLoop % loops.count]
        nextLoop &+= 1
        return l
    }

    fileprivate func loopExited() {
        let last: Bool = doneLock.withLock {
            running -= 1
            return running == 0
        }
        if last { onStopped() }
    }
}

/// Runs a closure on a new detached pthread.
private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// One epoll loop on its own thread.
final class PollLoop: @unchecked Sendable {
    let index: Int
    let epfd: Int32
    let wakefd: Int32
    /// Strong while the loop runs (no weak reference: it would put every retain on the slow path);
    /// cleared when the loop exits, which breaks the cycle with the transport.
    fileprivate(set) var transport: EpollTransport?
    private var thread = pthread_t()
    private var started = false

    // Loop-thread only.
    private var connections: [Int32: PollConnection] = [:]
    private var listeners: [Int32] = []
    private var scratch = ByteBufferAllocator().buffer(capacity: PollLoop.readSize)
    private var pausedConnections: [PollConnection] = []
    /// Connections with replies to send before the next wait (see `flushPendingWrites`).
    private var pendingWrites: [PollConnection] = []
    private var nextCron: Int64 = 0
    /// Connections with output appended by this thread's own commands (no lock: loop thread only).
    private var localReady: [PollConnection] = []
    /// The connection whose batch is running (loop thread): not served while a script is busy.
    private var executing: PollConnection?
    private var eventFDs = [Int32](repeating: 0, count: 256)
    private var eventMasks = [UInt32](repeating: 0, count: 256)

    // Guarded by `lock`: requests from other threads (or from commands run on this one).
    let lock = EngineLock()
    private var ready: [PollConnection] = []
    private var newConnections: [(Int32, String, String)] = []
    private var stopRequested = false
    private var wakeArmed = false

    static let readSize = 16 * 1024

    init(index: Int) throws {
        self.index = index
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        if epfd < 0 { throw RedisServerError("epoll_create1 failed: \(String(cString: strerror(errno)))") }
        wakefd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        if wakefd < 0 {
            close(epfd)
            throw RedisServerError("eventfd failed: \(String(cString: strerror(errno)))")
        }
        _ = infera_epoll_ctl(epfd, EPOLL_CTL_ADD, wakefd, EPOLLIN.rawValue)
    }

    deinit {
        close(wakefd)
        close(epfd)
    }

    /// True on this loop's own thread.
    var isCurrent: Bool { started && pthread_equal(pthread_self(), thread) != 0 }

    func addListener(_ fd: Int32) {
        listeners.append(fd)
        _ = infera_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, EPOLLIN.rawValue)
    }

    func startThread() {
        let body = ThreadBody { [self] in self.run() }
        let arg = Unmanaged.passRetained(body).toOpaque()
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { raw in
            guard let raw else { return nil }
            let b = Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue()
            b.run()
            return nil
        }, arg)
        if rc != 0 {
            Unmanaged<ThreadBody>.fromOpaque(arg).release()
            return
        }
        pthread_detach(t)
    }

    // MARK: cross-thread requests

    private func wake() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakefd, $0.baseAddress, 8) }
    }

    /// Queues `c` for the loop's end-of-iteration pass (flush inbox / resume / kill). Call with `lock` held.
    private func enqueueLocked(_ c: PollConnection) {
        if !c.queued {
            c.queued = true
            ready.append(c)
        }
    }

    private func armWakeLocked() -> Bool {
        if isCurrent || wakeArmed { return false }
        wakeArmed = true
        return true
    }

    func deliver(_ bytes: ByteBuffer, to c: PollConnection) {
        if isCurrent {
            // Same thread (e.g. a PUBLISH from a client of this loop): nobody else touches `c.out`
            // now, so append straight to its send queue; it is flushed at the end of this iteration.
            var b = bytes
            c.out.writeBuffer(&b)
            if !c.locallyQueued {
                c.locallyQueued = true
                localReady.append(c)
            }
            return
        }
        lock.lock()
        var b = bytes
        c.inbox.writeBuffer(&b)
        enqueueLocked(c)
        let w = armWakeLocked()
        lock.unlock()
        if w { wake() }
    }

    func requestResume(_ c: PollConnection) {
        lock.lock()
        c.resumeRequested = true
        enqueueLocked(c)
        let w = armWakeLocked()
        lock.unlock()
        if w { wake() }
    }

    func requestKill(_ c: PollConnection) {
        lock.lock()
        c.killRequested = true
        enqueueLocked(c)
        let w = armWakeLocked()
        lock.unlock()
        if w { wake() }
    }

    func handOver(fd: Int32, remote: String, local: String) {
        lock.lock()
        newConnections.append((fd, remote, local))
        let w = armWakeLocked()
        lock.unlock()
        if w { wake() }
    }

    func requestStop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
        wake()
    }

    // MARK: the loop

    private func run() {
        thread = pthread_self()
        started = true
        guard let transport else { return }
        let server = transport.server
        let hz = max(1, min(500, server.engine.config.hz))
        let cronInterval = Int64(1000 / hz)
        nextCron = monotonicMillis() + cronInterval
        while true {
            // Replies go out once every event of the last wait was handled (Redis's
            // handleClientsWithPendingWrites in beforeSleep): a client woken by one send finds the
            // replies of the others ready too, instead of being woken once per connection.
            if !pendingWrites.isEmpty { flushPendingWrites(server: server) }
            var timeout: Int32 = -1
            let now = monotonicMillis()
            if index == 0 { timeout = Int32(clamping: max(0, nextCron - now)) }
            if !pausedConnections.isEmpty { timeout = timeout < 0 ? 5 : min(timeout, 5) }
            lock.lock()
            if !ready.isEmpty || !newConnections.isEmpty || stopRequested || !localReady.isEmpty { timeout = 0 }
            lock.unlock()
            let n = eventFDs.withUnsafeMutableBufferPointer { fds in
                eventMasks.withUnsafeMutableBufferPointer { masks in
                    infera_epoll_wait(epfd, fds.baseAddress, masks.baseAddress, 256, timeout)
                }
            }
            if n < 0 && errno != EINTR { break }
            var i = 0
            while i < Int(max(n, 0)) {
                let fd = eventFDs[i]
                let mask = eventMasks[i]
                i += 1
                if fd == wakefd {
                    var v: UInt64 = 0
                    _ = withUnsafeMutableBytes(of: &v) { read(wakefd, $0.baseAddress, 8) }
                    continue
                }
                if let c = connections[fd] {
                    if mask & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                        readable(c, server: server)
                    }
                    if !c.closed && mask & EPOLLOUT.rawValue != 0 {
                        flush(c, server: server)
                    }
                } else if listeners.contains(fd) {
                    acceptAll(fd, server: server)
                }
            }
            // The clients that sent commands get their replies before the subscribers their
            // PUBLISHes reached (flushed by serviceRequests), as Redis writes its pending list
            // newest first: a publisher is not kept waiting behind its own fan-out.
            if !pendingWrites.isEmpty { flushPendingWrites(server: server) }
            if !pausedConnections.isEmpty { retryPaused(server: server) }
            if index == 0 && monotonicMillis() >= nextCron {
                server.cron()
                nextCron = monotonicMillis() + cronInterval
            }
            if serviceRequests(server: server) { break }
        }
        shutdown(server: server)
        self.transport = nil
        transport.loopExited()
    }

    /// Handles queued requests; returns true when the loop must stop.
    private func serviceRequests(server: RedisServer) -> Bool {
        var rounds = 0
        while rounds < 64 {
            rounds += 1
            if !localReady.isEmpty {
                let local = localReady
                localReady.removeAll(keepingCapacity: true)
                for c in local where !c.closed {
                    c.locallyQueued = false
                    flush(c, server: server)
                    if !c.closed { checkOutputLimits(c, server: server) }
                }
            }
            lock.lock()
            wakeArmed = false
            if stopRequested {
                lock.unlock()
                return true
            }
            let fresh = newConnections
            newConnections.removeAll(keepingCapacity: true)
            let batch = ready
            ready.removeAll(keepingCapacity: true)
            for c in batch { c.queued = false }
            lock.unlock()
            if fresh.isEmpty && batch.isEmpty && localReady.isEmpty { return false }
            for (fd, remote, local) in fresh { register(fd: fd, remote: remote, local: local, server: server) }
            if !batch.isEmpty { service(batch, server: server) }
        }
        return false
    }

    private func service(_ batch: [PollConnection], server: RedisServer) {
        let engine = server.engine
        var resumes: [PollConnection] = []
        for c in batch where !c.closed {
            lock.lock()
            let kill = c.killRequested
            let resume = c.resumeRequested
            c.resumeRequested = false
            var inbox = ByteBuffer()
            if c.inbox.readableBytes > 0 {
                swap(&inbox, &c.inbox)
            }
            lock.unlock()
            if kill {
                closeConnection(c, server: server)
                continue
            }
            if inbox.readableBytes > 0 {
                c.out.writeBuffer(&inbox)
                flush(c, server: server)
                if !c.closed { checkOutputLimits(c, server: server) }
            }
            if resume && !c.closed { resumes.append(c) }
        }
        for c in resumes where !c.closed {
            process(c, engine: engine, server: server)
        }
    }

    // MARK: accepting

    private func acceptAll(_ listener: Int32, server: RedisServer, holdingEngineLock: Bool = false) {
        guard let transport else { return }
        for _ in 0..<256 {
            var storage = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    accept(listener, sa, &len)
                }
            }
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            // accept4 is a GNU extension Swift's Glibc module does not export: set the flags here.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            Socket.configureClient(fd, keepAlive: server.config.tcpKeepAlive)
            let remote = Socket.describe(storage)
            let local = Socket.localAddress(fd)
            let target = transport.pickLoop()
            if target === self {
                register(fd: fd, remote: remote, local: local, server: server, holdingEngineLock: holdingEngineLock)
            } else {
                target.handOver(fd: fd, remote: remote, local: local)
            }
        }
    }

    private func register(fd: Int32, remote: String, local: String, server: RedisServer, holdingEngineLock: Bool = false) {
        let engine = server.engine
        if !holdingEngineLock { engine.lock.lock() }
        defer { if !holdingEngineLock { engine.lock.unlock() } }
        if engine.sessions.count >= engine.config.maxClients {
            engine.stats.rejectedConnections += 1
            Socket.rejectAndClose(fd, "-ERR max number of clients reached\r\n")
            return
        }
        if server.config.protectedMode && !engine.config.passwordRequired && engine.authenticator == nil
            && !Socket.isLoopback(remote) {
            engine.stats.rejectedConnections += 1
            Socket.rejectAndClose(fd, "-" + RedisServer.protectedModeMessage + "\r\n")
            return
        }
        let s = engine.newSession(remoteAddress: remote, localAddress: local)
        let c = PollConnection(fd: fd, loop: self, session: s, engine: engine)
        // Strong captures (a weak reference would push every retain of `c` onto the slow side-table
        // path); the cycle session → closure → connection is broken in `closeConnection`.
        s.deliver = { bytes in c.loop.deliver(bytes, to: c) }
        s.kill = { c.loop.requestKill(c) }
        s.resume = { c.loop.requestResume(c) }
        connections[fd] = c
        if infera_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, EPOLLIN.rawValue) != 0 {
            // Not watched: forget it without closeConnection, which takes the engine lock we may hold.
            c.closed = true
            connections[fd] = nil
            Glibc.close(fd)
            s.deliver = nil
            s.kill = nil
            s.resume = nil
            engine.closeSession(s)
        }
    }

    // MARK: reading and executing

    private func readable(_ c: PollConnection, server: RedisServer) {
        if c.closing {
            // Draining replies before a close: discard further input like Redis (CLIENT_CLOSE_AFTER_REPLY).
            scratch.clear()
            let n = readInto(c.fd, &scratch, PollLoop.readSize)
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { closeConnection(c, server: server) }
            return
        }
        if c.query.readableBytes == 0 {
            // Common case: decode straight from the loop's scratch buffer; keep only an incomplete tail.
            scratch.clear()
            let n = readInto(c.fd, &scratch, PollLoop.readSize)
            if n <= 0 {
                if n == 0 || (errno != EAGAIN && errno != EINTR) { closeConnection(c, server: server) }
                return
            }
            var q = ByteBuffer()
            swap(&q, &scratch)
            execute(c, &q, server: server)
            if q.readableBytes > 0 && !c.closed {
                c.query.clear()
                c.query.writeBuffer(&q)
            }
            q.clear()
            swap(&q, &scratch)
        } else {
            let n = readInto(c.fd, &c.query, max(PollLoop.readSize, min(c.query.readableBytes, 1 << 20)))
            if n <= 0 {
                if n == 0 || (errno != EAGAIN && errno != EINTR) { closeConnection(c, server: server) }
                return
            }
            process(c, engine: server.engine, server: server)
        }
    }

    /// Runs the connection's own buffered query (after more bytes arrived, or on resume).
    private func process(_ c: PollConnection, engine: Engine, server: RedisServer) {
        var q = ByteBuffer()
        swap(&q, &c.query)
        execute(c, &q, server: server)
        if q.readableBytes == 0 {
            q.clear()
        } else if q.readerIndex > 64 * 1024 {
            q.discardReadBytes()
        }
        if !c.closed { swap(&q, &c.query) }
    }

    /// Decodes and runs every complete command in `q` as one batch under the engine lock, then
    /// writes the replies. Leaves an incomplete tail (or everything, while blocked) in `q`.
    private func execute(_ c: PollConnection, _ q: inout ByteBuffer, server: RedisServer) {
        let engine = server.engine
        let s = c.session
        engine.lock.lock()
        // Messages delivered to this client before this batch go out before its replies.
        if c.hasInbox {
            lock.lock()
            if c.inbox.readableBytes > 0 { c.ctx.out.buffer.writeBuffer(&c.inbox) }
            lock.unlock()
        }
        if s.isBlocked {
            s.queryBufferLength = q.readableBytes
            engine.lock.unlock()
            flush(c, server: server)
            return
        }
        executing = c
        let isPaused = CommandBatch.run(engine: engine, log: server.log, ctx: &c.ctx, decoder: &c.decoder,
                                        query: &q, pendingPaused: &c.pendingPaused)
        executing = nil
        s.outputBufferLength = c.ctx.out.buffer.readableBytes
        let close = s.closeAfterReply
        engine.lock.unlock()

        if close { c.closing = true }
        if c.out.readableBytes > 0 || c.closing {
            if !c.writePending {
                c.writePending = true
                pendingWrites.append(c)
            }
        } else if c.out.capacity > 1 << 20 {
            c.out = ByteBufferAllocator().buffer(capacity: 16 * 1024)
        }
        if isPaused && !c.closed && !c.inPausedList {
            c.inPausedList = true
            pausedConnections.append(c)
        }
    }

    /// Re-runs clients held back by CLIENT PAUSE once the pause is over (or was lifted by UNPAUSE);
    /// a client still held back (PAUSE WRITE, or a new pause) puts itself back on the list.
    private func retryPaused(server: RedisServer) {
        let engine = server.engine
        let until = engine.lock.withLock { engine.pauseUntil }
        if until != 0 && engine.clock.nowMilliseconds() < until { return }
        let list = pausedConnections
        pausedConnections.removeAll()
        for c in list where !c.closed {
            c.inPausedList = false
            process(c, engine: engine, server: server)
        }
    }

    // MARK: writing

    /// Sends the replies of every connection that produced some since the last wait.
    private func flushPendingWrites(server: RedisServer) {
        let list = pendingWrites
        pendingWrites.removeAll(keepingCapacity: true)
        for c in list {
            c.writePending = false
            if !c.closed { flush(c, server: server) }
        }
    }

    /// Sends as much of the connection's output as the socket takes; watches for writability otherwise.
    private func flush(_ c: PollConnection, server: RedisServer) {
        guard !c.closed else { return }
        while c.out.readableBytes > 0 {
            let n = c.out.withUnsafeReadableBytes { p in send(c.fd, p.baseAddress, p.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                c.out.moveReaderIndex(forwardBy: n)
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if !c.wantsWrite {
                    c.wantsWrite = true
                    _ = infera_epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, EPOLLIN.rawValue | EPOLLOUT.rawValue)
                }
                return
            }
            closeConnection(c, server: server)
            return
        }
        if c.out.capacity > 1 << 20 {
            c.out = ByteBufferAllocator().buffer(capacity: 16 * 1024)
        } else {
            c.out.clear()
        }
        if c.wantsWrite {
            c.wantsWrite = false
            _ = infera_epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, EPOLLIN.rawValue)
        }
        if c.closing { closeConnection(c, server: server) }
    }

    /// Redis's `client-output-buffer-limit pubsub 32mb 8mb 60` (and the normal class's hard limit):
    /// a subscriber that cannot keep up is disconnected instead of growing without bound.
    private func checkOutputLimits(_ c: PollConnection, server: RedisServer) {
        let pending = c.out.readableBytes
        if pending < server.minimumOutputLimit && c.softLimitSince == 0 { return }
        let s = c.session
        let engine = server.engine
        engine.lock.lock()
        let pubsub = s.subscriptionCount + s.patternSubscriptionCount > 0
        s.outputBufferLength = pending
        engine.lock.unlock()
        let limits = pubsub ? server.config.outputBufferLimitPubSub : server.config.outputBufferLimitNormal
        var over = limits.hard > 0 && pending >= limits.hard
        if !over && limits.soft > 0 && pending >= limits.soft {
            let now = monotonicMillis()
            if c.softLimitSince == 0 {
                c.softLimitSince = now
            } else if now - c.softLimitSince >= Int64(limits.softSeconds) * 1000 {
                over = true
            }
        } else if pending < limits.soft {
            c.softLimitSince = 0
        }
        if over {
            server.log.log(.warning, "Client id=\(s.id) addr=\(s.remoteAddress) scheduled to be closed ASAP for overcoming of output buffer limits.")
            closeConnection(c, server: server)
        }
    }

    // MARK: closing

    /// Called (on this loop's thread, engine lock held) while a script of `executing` is busy: reads
    /// what other clients sent and answers each complete command with `engine.busyReply`. Nothing here
    /// takes the engine lock, accepts or closes connections: that waits for the normal loop.
    func serveWhileBusy(server: RedisServer) {
        let n = eventFDs.withUnsafeMutableBufferPointer { fds in
            eventMasks.withUnsafeMutableBufferPointer { masks in
                infera_epoll_wait(epfd, fds.baseAddress, masks.baseAddress, 256, 0)
            }
        }
        // Replies other clients were owed when the script started go out now (as Redis's
        // processEventsWhileBlocked writes its pending list): a client waiting for one before it
        // sends SCRIPT KILL must get it.
        for c in pendingWrites where c !== executing && !c.closed { sendWhileBusy(c) }
        guard n > 0, let reply = server.engine.busyReply else { return }
        for i in 0..<Int(n) {
            let fd = eventFDs[i]
            if listeners.contains(fd) {
                acceptAll(fd, server: server, holdingEngineLock: true)
                continue
            }
            guard let c = connections[fd], c !== executing, !c.closed, !c.closing else { continue }
            if eventMasks[i] & EPOLLIN.rawValue != 0 {
                let got = readInto(c.fd, &c.query, PollLoop.readSize)
                if got > 0 {
                    var args = Argv()
                    loop: while true {
                        switch c.decoder.decode(&c.query, into: &args) {
                        case .command:
                            var bytes = reply(args, c.session)
                            c.out.writeBuffer(&bytes)
                        case .needMoreData:
                            break loop
                        case .protocolError(let message):
                            c.out.writeString("-ERR \(message)\r\n")
                            c.closing = true
                            break loop
                        }
                    }
                }
            }
            sendWhileBusy(c)
        }
    }

    /// Sends what the socket takes of `c`'s output without closing anything (the engine lock is held
    /// by the busy script); the rest waits for writability and the normal loop.
    private func sendWhileBusy(_ c: PollConnection) {
        while c.out.readableBytes > 0 {
            let sent = c.out.withUnsafeReadableBytes { p in send(c.fd, p.baseAddress, p.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { c.out.moveReaderIndex(forwardBy: sent); continue }
            if sent < 0 && errno == EINTR { continue }
            if !c.wantsWrite {
                c.wantsWrite = true
                _ = infera_epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, EPOLLIN.rawValue | EPOLLOUT.rawValue)
            }
            break
        }
    }

    private func closeConnection(_ c: PollConnection, server: RedisServer) {
        if c.closed { return }
        c.closed = true
        _ = infera_epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, 0)
        Glibc.close(c.fd)
        connections[c.fd] = nil
        let engine = server.engine
        engine.lock.withLock {
            let s = c.session
            s.deliver = nil
            s.kill = nil
            s.resume = nil
            engine.closeSession(s)
        }
    }

    private func shutdown(server: RedisServer) {
        flushPendingWrites(server: server)
        for (_, c) in connections { closeConnection(c, server: server) }
        for fd in listeners {
            _ = infera_epoll_ctl(epfd, EPOLL_CTL_DEL, fd, 0)
            Glibc.close(fd)
        }
        listeners.removeAll()
        lock.lock()
        let fresh = newConnections
        newConnections.removeAll()
        lock.unlock()
        for (fd, _, _) in fresh { Glibc.close(fd) }
    }

    private func readInto(_ fd: Int32, _ buffer: inout ByteBuffer, _ size: Int) -> Int {
        buffer.reserveCapacity(minimumWritableBytes: size)
        let n = buffer.withUnsafeMutableWritableBytes { p in read(fd, p.baseAddress, p.count) }
        if n > 0 { buffer.moveWriterIndex(forwardBy: n) }
        return n
    }
}

/// One client connection of the epoll transport.
final class PollConnection: @unchecked Sendable {
    let fd: Int32
    /// The owning loop (it outlives its connections).
    unowned(unsafe) let loop: PollLoop
    let session: ClientSession
    /// The reused command context (arguments and reply buffer): loop thread, under the engine lock.
    var ctx: CommandContext
    var decoder: RESPCommandDecoder
    /// Bytes of an incomplete command (loop thread).
    var query = ByteBuffer()
    var pendingPaused = false
    var inPausedList = false
    /// Close once the output is flushed (QUIT, protocol errors, CLIENT KILL of self).
    var closing = false
    var closed = false
    var wantsWrite = false
    /// Queued in the loop's `pendingWrites` (replies to send before the next wait).
    var writePending = false
    var softLimitSince: Int64 = 0
    /// In the loop's `localReady` list (loop thread only).
    var locallyQueued = false
    // Guarded by `loop.lock`.
    var inbox = ByteBuffer()
    var queued = false
    var resumeRequested = false
    var killRequested = false

    init(fd: Int32, loop: PollLoop, session: ClientSession, engine: Engine) {
        self.fd = fd
        self.loop = loop
        self.session = session
        self.ctx = CommandContext(engine: engine, session: session, buffer: ByteBufferAllocator().buffer(capacity: 1024))
        var limits = RESPLimits()
        limits.maxBulkLength = engine.config.protoMaxBulkLen
        limits.maxQueryBuffer = engine.config.clientQueryBufferLimit
        self.decoder = RESPCommandDecoder(limits: limits)
    }

    /// The pending output (the context's reply buffer doubles as the socket's send queue).
    var out: ByteBuffer {
        get { ctx.out.buffer }
        _modify { yield &ctx.out.buffer }
    }

    /// Cheap unlocked hint that the inbox may hold bytes (rechecked under `loop.lock`).
    var hasInbox: Bool { queued }
}

/// Socket helpers (BSD sockets through Glibc).
enum Socket {
    enum ListenResult {
        case success((Int32, Int))
        case failure(String)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    static func listen(host: String, port: Int, backlog: Int) -> ListenResult {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        if rc != 0 { return .failure(String(cString: gai_strerror(rc))) }
        defer { freeaddrinfo(res) }
        guard let ai = res else { return .failure("no address") }
        let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { return .failure(errorText()) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if ai.pointee.ai_family == AF_INET6 {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        if bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) != 0 || Glibc.listen(fd, Int32(backlog)) != 0 {
            let e = errorText()
            close(fd)
            return .failure(e)
        }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return .success((fd, portOf(storage)))
    }

    static func configureClient(_ fd: Int32, keepAlive: Int) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if keepAlive > 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    static func portOf(_ s: sockaddr_storage) -> Int {
        var s = s
        return withUnsafePointer(to: &s) { p in
            if Int32(p.pointee.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// `ip:port`, or `[ip]:port` for IPv6, like Redis's CLIENT LIST `addr`.
    static func describe(_ s: sockaddr_storage) -> String {
        var s = s
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        return withUnsafePointer(to: &s) { p -> String in
            if Int32(p.pointee.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a -> String in
                    var addr = a.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                    return "[\(cText(text))]:\(UInt16(bigEndian: a.pointee.sin6_port))"
                }
            }
            if Int32(p.pointee.ss_family) == AF_INET {
                return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a -> String in
                    var addr = a.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                    return "\(cText(text)):\(UInt16(bigEndian: a.pointee.sin_port))"
                }
            }
            return "?:0"
        }
    }

    private static func cText(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func localAddress(_ fd: Int32) -> String {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return rc == 0 ? describe(storage) : "?:0"
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address.hasPrefix("[::1]") || address.hasPrefix("[::ffff:127.")
    }

    /// Writes a refusal (best effort: the socket is fresh, so a short message fits) and closes.
    static func rejectAndClose(_ fd: Int32, _ message: String) {
        var bytes = Array(message.utf8)
        _ = bytes.withUnsafeMutableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(fd)
    }
}

/// Monotonic milliseconds (loop timers).
func monotonicMillis() -> Int64 { monotonicMicros() / 1000 }
#endif
