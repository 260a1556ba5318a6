import RESP

/// Result of looking a key up for a typed command.
public enum TypedLookup<T> {
    case missing
    case wrongType
    case found(T)
}

extension CommandContext {
    /// Looks `key` up expecting an object of type `T`.
    @inlinable public mutating func fetch<T: RedisObject>(_ type: T.Type, _ key: ByteString, read: Bool = true) -> TypedLookup<T> {
        let idx = read ? lookupRead(key) : lookupWrite(key)
        guard let i = idx else { return .missing }
        if case .object(let o) = db.main.value(at: i), let t = o as? T { return .found(t) }
        return .wrongType
    }

    /// Marks `key` as modified: dirty counter, WATCH/blocking signal and keyspace event.
    @inlinable public mutating func modified(_ key: ByteString, _ type: KeyspaceEventType, _ event: StaticString, dirty: Int = 1) {
        engine.dirty += dirty
        signalModified(key)
        notify(type, event, key)
    }

    /// Deletes `key` after its collection became empty (signals and emits `del`).
    @inlinable public mutating func deleteEmptied(_ key: ByteString) {
        engine.deleteKey(db, key)
        signalModified(key)
        notify(.generic, "del", key)
    }

    /// Argument `i` as ByteString.
    @inlinable public func arg(_ i: Int) -> ByteString { ByteString(args[i]) }

    /// Argument `i` as a Redis-parsed double (strtod rules), or nil.
    @inlinable public func score(_ i: Int) -> Double? { RedisDouble.parse(args[i]) }

    /// Argument `i` as a 64-bit integer (like `getLongLongFromObject`), or nil.
    @inlinable public func int64(_ i: Int) -> Int64? { args[i].withUnsafeBytes { parseStrictInt($0) } }
}
