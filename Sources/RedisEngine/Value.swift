/// A value stored under a key. 24 bytes wide: strings up to 22 bytes and integers need no allocation.
public enum Value: Sendable {
    /// A string of up to 22 bytes stored inline (same layout as `ByteString.inline`).
    case inlineString(UInt64, UInt64, UInt32, UInt16, UInt8)
    /// A longer string.
    case heapString([UInt8])
    /// A string modified in place (APPEND, SETRANGE, SETBIT...): Redis's "raw" encoding.
    case raw([UInt8])
    /// A string holding a canonical decimal integer (Redis's "int" encoding).
    case int(Int64)
    /// A hash.
    case hash(HashObject)
    /// Any other type (lists, sets, sorted sets, ...), implemented by subclasses of `RedisObject`.
    case object(RedisObject)

    /// A string value from bytes; canonical integers get the int encoding like Redis.
    @inlinable public static func string(_ b: ByteString) -> Value {
        switch b {
        case .inline(let a, let b2, let c, let d, let n):
            if n > 0 && n <= 20, let i = Value.canonicalInteger(b) {
                return .int(i)
            }
            return .inlineString(a, b2, c, d, n)
        case .heap(let arr): return .heapString(arr)
        }
    }

    /// A string value from an argument.
    @inlinable public static func string(_ slice: ArraySlice<UInt8>) -> Value { .string(ByteString(slice)) }

    /// A raw-encoded string value (after APPEND, SETRANGE, SETBIT...), never int-encoded.
    @inlinable public static func rawString(_ b: ByteString) -> Value { .raw(b.array) }

    /// A string value that is never int-encoded but keeps the embstr/raw split by length (INCRBYFLOAT).
    @inlinable public static func plainString(_ b: ByteString) -> Value {
        switch b {
        case .inline(let a, let b2, let c, let d, let n): return .inlineString(a, b2, c, d, n)
        case .heap(let arr): return .heapString(arr)
        }
    }

    /// The integer if `b` is a canonical decimal that Redis would int-encode.
    @inlinable public static func canonicalInteger(_ b: ByteString) -> Int64? {
        b.withBytes { p -> Int64? in
            guard let v = parseStrictInt(p) else { return nil }
            return v
        }
    }

    /// The string bytes, or nil when the value is not a string.
    @inlinable public var stringBytes: ByteString? {
        switch self {
        case .inlineString(let a, let b, let c, let d, let n): return .inline(a, b, c, d, n)
        case .heapString(let arr): return .heap(arr)
        case .raw(let arr): return ByteString(arr)
        case .int(let i): return ByteString(String(i))
        default: return nil
        }
    }

    /// True for the string type.
    @inlinable public var isString: Bool {
        switch self {
        case .inlineString, .heapString, .int, .raw: return true
        default: return false
        }
    }

    /// The name TYPE reports.
    public var typeName: String {
        switch self {
        case .inlineString, .heapString, .int, .raw: return "string"
        case .hash: return "hash"
        case .object(let o): return o.typeName
        }
    }

    /// The name OBJECT ENCODING reports.
    public var encodingName: String {
        switch self {
        case .int: return "int"
        case .inlineString(_, _, _, _, let n): return n <= 44 ? "embstr" : "raw"
        case .heapString(let a): return a.count <= 44 ? "embstr" : "raw"
        case .raw: return "raw"
        case .hash(let h): return h.encodingName
        case .object(let o): return o.encodingName
        }
    }

    /// Bytes Redis 7.0 would allocate for this value (robj and payload), in O(1): see `MemoryModel`.
    public var memoryUsage: Int {
        switch self {
        case .int: return MemoryModel.objectHeader
        case .inlineString(_, _, _, _, let n): return MemoryModel.string(length: Int(n), capacity: Int(n), isInt: false)
        case .heapString(let a): return MemoryModel.string(length: a.count, capacity: a.count, isInt: false)
        case .raw(let a): return MemoryModel.objectHeader + MemoryModel.sds(Swift.max(a.count, a.capacity))
        case .hash(let h): return h.memoryUsage
        case .object(let o): return o.memoryUsage
        }
    }
}

/// Base class of non-string, non-hash values (lists, sets, sorted sets); subclasses live in their own files.
open class RedisObject: @unchecked Sendable {
    public init() {}
    /// The name TYPE reports ("list", "set", "zset", ...).
    open var typeName: String { "none" }
    /// The name OBJECT ENCODING reports.
    open var encodingName: String { "raw" }
    /// Bytes Redis would allocate for this value (robj included); must be O(1): it is read after every
    /// write to the key (`Engine.recharge`).
    open var memoryUsage: Int { 64 }
    /// Number of elements (0 means the key must be deleted).
    open var elementCount: Int { 0 }
    /// A deep copy (COPY command).
    open func copy() -> RedisObject { self }
    /// The elements SORT reads (lists in order, sets, sorted sets by score); nil when SORT must reply WRONGTYPE.
    open var sortableElements: [ByteString]? { nil }
}

/// Strict integer parse like Redis's string2ll: optional '-', digits, no leading zeros/'+'/spaces.
@inlinable public func parseStrictInt(_ p: UnsafeRawBufferPointer) -> Int64? {
    let n = p.count
    if n == 0 || n > 20 { return nil }
    if n == 1 && p[0] == 48 { return 0 }
    var i = 0
    var neg = false
    if p[0] == 45 {
        neg = true
        i = 1
        if n == 1 { return nil }
    }
    if p[i] < 49 || p[i] > 57 { return nil }
    var v: UInt64 = 0
    while i < n {
        let c = p[i]
        if c < 48 || c > 57 { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        if o1 { return nil }
        let (a, o2) = m.addingReportingOverflow(UInt64(c - 48))
        if o2 { return nil }
        v = a
        i += 1
    }
    if neg {
        if v > UInt64(Int64.max) + 1 { return nil }
        return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
    }
    if v > UInt64(Int64.max) { return nil }
    return Int64(v)
}
