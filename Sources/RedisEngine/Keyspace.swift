import NIOCore
import RESP

/// Keyspace helpers for command handlers: lookups that honour expiry, writes that signal changes.
extension CommandContext {
    /// Looks `key` up for reading (expires it when due) and counts a keyspace hit or miss.
    @inlinable public mutating func lookupRead(_ key: ByteString) -> Int? {
        let e = engine
        let r = e.lookup(e.databases[session.db], key, now: now)
        if r == nil { e.stats.keyspaceMisses += 1 } else { e.stats.keyspaceHits += 1 }
        return r
    }

    /// Like `lookupRead` but leaves the access clock alone (Redis's LOOKUP_NOTOUCH: TYPE, EXISTS, TTL...).
    @inlinable public mutating func lookupReadNoTouch(_ key: ByteString) -> Int? {
        let e = engine
        let r = e.lookupNoTouch(e.databases[session.db], key, now: now)
        if r == nil { e.stats.keyspaceMisses += 1 } else { e.stats.keyspaceHits += 1 }
        return r
    }

    /// Looks `key` up for writing (expires it when due; no hit/miss statistics).
    @inlinable public func lookupWrite(_ key: ByteString) -> Int? {
        engine.lookup(engine.databases[session.db], key, now: now)
    }

    /// True when `key` exists (after expiry).
    @inlinable public func exists(_ key: ByteString) -> Bool { lookupWrite(key) != nil }

    /// The value at entry `index` of the current database.
    @inlinable public func value(at index: Int) -> Value { engine.databases[session.db].value(at: index) }

    /// Stores `value` under `key` (clearing its TTL unless `keepTTL`), signals the change and counts it dirty.
    /// `accessClock`: the clock to keep (a key the command already looked up), see `Engine.setKey`.
    @inlinable public func setKey(_ key: ByteString, _ value: Value, keepTTL: Bool = false, accessClock: UInt32? = nil) {
        engine.setKey(db, key, value, keepTTL: keepTTL, accessClock: accessClock)
        engine.dirty += 1
        signalModified(key)
    }

    /// Deletes `key`, signalling the change; returns true when it existed (after expiry).
    @discardableResult
    @inlinable public func deleteKey(_ key: ByteString) -> Bool {
        let d = db
        if lookupWrite(key) == nil { return false }
        engine.deleteKey(d, key)
        engine.dirty += 1
        signalModified(key)
        return true
    }

    /// Sets an absolute expiry time (ms) on an existing key.
    @inlinable public func setExpire(_ key: ByteString, at when: Int64) {
        db.expires.set(key, when)
    }

    /// Removes the expiry of `key`; true when it had one.
    @discardableResult
    @inlinable public func removeExpire(_ key: ByteString) -> Bool {
        if db.expires.isEmpty { return false }
        return db.expires.remove(key) != nil
    }

    /// Writes the WRONGTYPE error.
    @inlinable public mutating func wrongType() { out.error(RedisError.wrongType) }

    /// Replies with the string at entry `index`, or WRONGTYPE.
    @inlinable public mutating func replyString(at index: Int) {
        out.replyStringValue(db.main.value(at: index))
    }
}

extension ReplyWriter {
    /// Writes a string value as a bulk reply, or WRONGTYPE for other types.
    @inlinable public mutating func replyStringValue(_ v: Value) {
        switch v {
        case .inlineString(let a, let b, let c, let d, let n):
            var t = (a, b, c, d)
            withUnsafeBytes(of: &t) { p in bulk(raw: UnsafeRawBufferPointer(rebasing: p[0..<Int(n)])) }
        case .heapString(let arr), .raw(let arr):
            arr.withUnsafeBytes { bulk(raw: $0) }
        case .int(let i):
            buffer.writeInteger(UInt8(ascii: "$"))
            var digits = ReplyWriter.decimalLength(i)
            if i < 0 { digits += 1 }
            writeDecimal(digits)
            buffer.writeStaticString("\r\n")
            writeDecimal(Int(i))
            buffer.writeStaticString("\r\n")
        default:
            error(RedisError.wrongType)
        }
    }

    /// Writes an `ByteString` as a bulk string.
    @inlinable public mutating func bulk(_ b: ByteString) {
        b.withBytes { bulk(raw: $0) }
    }

    /// Number of decimal digits of |i|.
    @inlinable public static func decimalLength(_ i: Int64) -> Int {
        var v = i.magnitude
        var n = 1
        while v >= 10 { v /= 10; n += 1 }
        return n
    }
}
