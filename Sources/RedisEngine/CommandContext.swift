#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import RESP

/// Everything a command handler needs: the engine, the client, the arguments and the reply writer.
///
/// The server keeps one context per connection and reuses it for every command, so the argument
/// and reply buffers are allocated once.
public struct CommandContext: @unchecked Sendable {
    /// The engine (keyspace, config, stats, extensions).
    public unowned(unsafe) let engine: Engine
    /// The client running the command.
    public let session: ClientSession
    /// The command's arguments (`args[0]` is the command name).
    public var args: Argv
    /// Where the reply goes.
    public var out: ReplyWriter
    /// The time the command started (ms), like Redis's cached `server.mstime`.
    public var now: Int64 = 0
    /// The command being executed (set by the dispatcher).
    public var command: CommandSpec?
    /// Set by a handler whose error reply was already counted in the error statistics (a script
    /// ending with the error of a command it called, as Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE).
    public var errorStatsCounted = false

    /// A context for `session`, writing into `buffer`.
    public init(engine: Engine, session: ClientSession, buffer: ByteBuffer) {
        self.engine = engine
        self.session = session
        self.args = Argv.empty   // callers set the arguments (or decode into them)
        self.out = ReplyWriter(buffer: buffer, version: session.protocolVersion)
    }

    /// The selected database.
    @inlinable public var db: Database { engine.databases[session.db] }

    /// Number of arguments.
    @inlinable public var argc: Int { args.count }

    /// Argument `i` as a key.
    @inlinable public func key(_ i: Int) -> ByteString { ByteString(args[i]) }

    /// Argument `i` parsed as a strict integer (Redis's string2ll), or nil.
    @inlinable public func int(_ i: Int) -> Int? {
        args[i].withUnsafeBytes { p in parseStrictInt(p).map { Int($0) } }
    }

    /// Parses argument `i` as an integer or replies `ERR value is not an integer or out of range`.
    @inlinable public mutating func intOrReply(_ i: Int) -> Int? {
        if let v = int(i) { return v }
        out.error(RedisError.notInteger)
        return nil
    }

    /// Argument `i` parsed as a double like Redis's strtold-based parsing, or nil.
    public func double(_ i: Int) -> Double? { parseRedisDouble(args[i]) }

    /// True when argument `i` equals the upper-case ASCII `word` ignoring case.
    @inlinable public func argIs(_ i: Int, _ word: StaticString) -> Bool { args.equals(i, word) }

    /// Replies with the arity error for the running command.
    public mutating func replyArity() {
        out.error(RedisError.arity(command?.fullName ?? args.string(0).lowercased()))
    }

    /// Sends `bytes` to `target`: inline into this reply stream when `target` is the running client,
    /// otherwise through the target connection's `deliver` (asynchronously, in order).
    public mutating func deliver(_ bytes: ByteBuffer, to target: ClientSession) {
        if target === session {
            var b = bytes
            out.buffer.writeBuffer(&b)
        } else {
            target.deliver?(bytes)
        }
    }

    /// Signals that `key` in the current database was modified (WATCH, client-side caching, blocking wake-ups).
    @inlinable public func signalModified(_ key: ByteString) {
        engine.signalModifiedKey(db: session.db, key: key)
    }

    /// Emits a keyspace notification for `key` in the current database. Messages for the running client
    /// itself (a RESP3 client subscribed to its own keyspace events) go into this reply stream right away,
    /// before the command's reply, like Redis.
    @inlinable public mutating func notify(_ type: KeyspaceEventType, _ event: StaticString, _ key: ByteString) {
        if engine.config.notifyKeyspaceEvents.isEmpty { return }
        notifyDelivering(type, event, key, db: session.db)
    }

    /// Like `notify` for a key of database `db` (COPY ... DB, MOVE).
    @inlinable public mutating func notify(_ type: KeyspaceEventType, _ event: StaticString, _ key: ByteString, db: Int) {
        if engine.config.notifyKeyspaceEvents.isEmpty { return }
        notifyDelivering(type, event, key, db: db)
    }
}

/// Parses a double the way Redis's `getDoubleFromObject`/`string2ld` do: no spaces, no empty,
/// accepts inf/-inf/+inf, rejects nan.
public func parseRedisDouble(_ bytes: ArraySlice<UInt8>) -> Double? {
    let n = bytes.count
    if n == 0 || n > 5000 { return nil }
    guard let first = bytes.first, let last = bytes.last else { return nil }
    if isSpaceByte(first) || isSpaceByte(last) { return nil }
    let s = String(decoding: bytes, as: UTF8.self)
    switch s.lowercased() {
    case "inf", "+inf", "infinity", "+infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    default: break
    }
    if bytes.contains(0) { return nil }
    guard let d = Double(s) else {
        return parseHexOrOther(s)
    }
    if d.isNaN { return nil }
    return d
}

private func parseHexOrOther(_ s: String) -> Double? {
    var end: UnsafeMutablePointer<CChar>? = nil
    return s.withCString { p -> Double? in
        let v = strtod(p, &end)
        guard let e = end, e.pointee == 0, e != UnsafeMutablePointer(mutating: p) else { return nil }
        if v.isNaN { return nil }
        return v
    }
}

@inlinable func isSpaceByte(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

/// Types of keyspace events (`notify-keyspace-events` classes).
public struct KeyspaceEventType: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let keyspace = KeyspaceEventType(rawValue: 1 << 0)   // K
    public static let keyevent = KeyspaceEventType(rawValue: 1 << 1)   // E
    public static let generic = KeyspaceEventType(rawValue: 1 << 2)    // g
    public static let string = KeyspaceEventType(rawValue: 1 << 3)     // $
    public static let list = KeyspaceEventType(rawValue: 1 << 4)       // l
    public static let set = KeyspaceEventType(rawValue: 1 << 5)        // s
    public static let hash = KeyspaceEventType(rawValue: 1 << 6)       // h
    public static let zset = KeyspaceEventType(rawValue: 1 << 7)       // z
    public static let expired = KeyspaceEventType(rawValue: 1 << 8)    // x
    public static let evicted = KeyspaceEventType(rawValue: 1 << 9)    // e
    public static let stream = KeyspaceEventType(rawValue: 1 << 10)    // t
    public static let keyMiss = KeyspaceEventType(rawValue: 1 << 11)   // m
    public static let module = KeyspaceEventType(rawValue: 1 << 12)    // d
    public static let newKey = KeyspaceEventType(rawValue: 1 << 13)    // n
}
