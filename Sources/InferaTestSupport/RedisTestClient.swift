// A deliberately simple, blocking RESP client over a plain TCP socket to 127.0.0.1, for tests.
// Every read and write is bounded by a deadline; nothing here can hang a test run.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Errors of the test client and launchers; the text says what happened and where.
public struct RedisTestError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A blocking RESP client for tests: sends commands (as RESP arrays, inline text or raw bytes)
/// and reads replies frame by frame with a timeout. Keeps the exact bytes of every reply.
///
/// One client is used by one task at a time; the lock only makes accidental sharing safe.
public final class RedisTestClient: @unchecked Sendable {
    /// The loopback port this client is connected to.
    public let port: Int
    /// How long a single reply may take before `readReply` throws.
    public let timeout: Duration

    private var fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private let lock = NSLock()

    /// Connects to `127.0.0.1:port`, failing after `timeout`.
    public init(port: Int, timeout: Duration = .seconds(10)) throws {
        self.port = port
        self.timeout = timeout
        fd = try RedisTestClient.connect(port: port, timeout: timeout)
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }

    /// Closes the connection (idempotent).
    public func close() {
        lock.lock(); defer { lock.unlock() }
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }

    /// Encodes a command as a RESP array of bulk strings.
    public static func encodeCommand(_ args: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = Array("*\(args.count)\r\n".utf8)
        for a in args {
            out.append(contentsOf: Array("$\(a.count)\r\n".utf8))
            out.append(contentsOf: a)
            out.append(contentsOf: [13, 10])
        }
        return out
    }

    /// Sends one command without waiting for its reply (for pipelining).
    public func send(_ args: [String]) throws {
        try sendRaw(RedisTestClient.encodeCommand(args.map { Array($0.utf8) }))
    }

    /// Sends one command given as byte strings without waiting for its reply.
    public func send(bytes args: [[UInt8]]) throws {
        try sendRaw(RedisTestClient.encodeCommand(args))
    }

    /// Sends raw bytes (inline commands, malformed frames).
    public func sendRaw(_ bytes: [UInt8]) throws {
        lock.lock(); defer { lock.unlock() }
        guard fd >= 0 else { throw RedisTestError("port \(port): send on a closed client") }
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { offset += n; continue }
            if n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) && ContinuousClock.now < deadline { continue }
            throw RedisTestError("port \(port): send failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Sends a command and reads its reply.
    @discardableResult
    public func command(_ args: String...) throws -> RESPReply {
        try send(args)
        return try readReply()
    }

    /// Sends a command given as an array and reads its reply.
    @discardableResult
    public func command(_ args: [String]) throws -> RESPReply {
        try send(args)
        return try readReply()
    }

    /// Reads exactly one reply frame; throws after `timeout` or if the peer closed.
    public func readReply() throws -> RESPReply {
        try readReply(timeout: timeout)
    }

    /// Reads exactly one reply frame within `timeout`.
    public func readReply(timeout: Duration) throws -> RESPReply {
        lock.lock(); defer { lock.unlock() }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let (reply, used) = try RESPReplyParser.parse(buffer[start...]) {
                start += used
                if start > 65536 && start * 2 > buffer.count {
                    buffer.removeFirst(start)
                    start = 0
                }
                return reply
            }
            let got = try fill(until: deadline)
            if got == 0 {
                throw RedisTestError("port \(port): connection closed by server while waiting for a reply"
                    + (buffer.count > start ? " (partial: \(RESPReply.escape(Array(buffer[start...]))))" : ""))
            }
        }
    }

    /// True when nothing arrives within `window` (for checking that a blocked client stays blocked).
    public func hasNoPendingReply(within window: Duration) throws -> Bool {
        lock.lock(); defer { lock.unlock() }
        if buffer.count > start { return false }
        do {
            let got = try fill(until: ContinuousClock.now + window)
            return got < 0 ? true : false
        } catch let e as RedisTestError where e.description.hasSuffix("timed out") {
            return true
        }
    }

    /// Waits up to `timeout` for the server to close the connection; returns true if it did,
    /// and any bytes that arrived before the close.
    public func waitForClose(timeout: Duration) throws -> (closed: Bool, trailing: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            do {
                let got = try fill(until: deadline)
                if got == 0 { return (true, Array(buffer[start...])) }
            } catch let e as RedisTestError where e.description.hasSuffix("timed out") {
                break
            } catch {
                // ECONNRESET and friends also mean closed.
                return (true, Array(buffer[start...]))
            }
        }
        return (false, Array(buffer[start...]))
    }

    /// Reads once into the buffer. Returns bytes read (0 = closed by peer).
    private func fill(until deadline: ContinuousClock.Instant) throws -> Int {
        guard fd >= 0 else { throw RedisTestError("port \(port): read on a closed client") }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { throw RedisTestError("port \(port): reply timed out") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(clamping: max(1, remaining.components.seconds * 1000
                + remaining.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&pfd, 1, ms)
            if ready < 0 {
                if errno == EINTR { continue }
                throw RedisTestError("port \(port): poll failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { return 0 }
                throw RedisTestError("port \(port): recv failed: \(String(cString: strerror(errno)))")
            }
            buffer.append(contentsOf: chunk[0..<n])
            return n
        }
    }

    private static func connect(port: Int, timeout: Duration) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        var lastError = ""
        repeat {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw RedisTestError("socket() failed: \(String(cString: strerror(errno)))") }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if rc == 0 {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastError = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            // Loopback connects fail or succeed at once; only retry briefly (server still starting).
            Thread.sleep(forTimeInterval: 0.02)
        } while ContinuousClock.now < deadline
        throw RedisTestError("connect to 127.0.0.1:\(port) failed: \(lastError)")
    }

    /// Ports already handed out in this process: the kernel often answers two bind-to-0 probes in a
    /// row with the same port, and two servers started by parallel suites must not share one.
    private static let handedOut = Mutex<Set<Int>>([])

    /// Finds a free TCP port on 127.0.0.1 by binding port 0 (the OS picks a random free port), never
    /// one this process has handed out before.
    public static func freeLoopbackPort() throws -> Int {
        for _ in 0..<50 {
            let port = try probeFreeLoopbackPort()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw RedisTestError("no free loopback port that this process has not already handed out")
    }

    private static func probeFreeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisTestError("socket() failed") }
        defer { _ = Glibc.close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else { throw RedisTestError("bind(127.0.0.1:0) failed: \(String(cString: strerror(errno)))") }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: bound.sin_port))
    }
}
