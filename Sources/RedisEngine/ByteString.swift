/// A compact binary-safe byte string used for keys, fields and string values.
///
/// Up to 22 bytes are stored inline (no allocation); longer strings live in one `[UInt8]`.
/// The type is 24 bytes wide. Strings of 22 bytes or fewer are always inline, so equality can
/// compare the inline words directly.
public enum ByteString: Sendable {
    /// Inline storage: 22 bytes of data (zero padded) and the length.
    case inline(UInt64, UInt64, UInt32, UInt16, UInt8)
    /// Heap storage for more than 22 bytes.
    case heap([UInt8])

    /// Maximum inline length.
    public static let inlineCapacity = 22

    /// The empty string.
    public static let empty = ByteString.inline(0, 0, 0, 0, 0)

    /// Copies `raw`.
    @inlinable public init(raw: UnsafeRawBufferPointer) {
        let n = raw.count
        if n <= ByteString.inlineCapacity {
            var t: (UInt64, UInt64, UInt32, UInt16) = (0, 0, 0, 0)
            if n > 0 {
                withUnsafeMutableBytes(of: &t) { p in
                    p.baseAddress!.copyMemory(from: raw.baseAddress!, byteCount: n)
                }
            }
            self = .inline(t.0, t.1, t.2, t.3, UInt8(n))
        } else {
            self = .heap(Array(raw))
        }
    }

    /// Copies a slice of bytes (e.g. an argument).
    @inlinable public init(_ slice: ArraySlice<UInt8>) {
        self = slice.withUnsafeBytes { ByteString(raw: $0) }
    }

    /// Copies an array of bytes (keeps the array when it is long).
    @inlinable public init(_ array: [UInt8]) {
        if array.count > ByteString.inlineCapacity { self = .heap(array) } else {
            self = array.withUnsafeBytes { ByteString(raw: $0) }
        }
    }

    /// UTF-8 bytes of `s`.
    public init(_ s: String) { self.init(Array(s.utf8)) }

    /// Length in bytes.
    @inlinable public var count: Int {
        switch self {
        case .inline(_, _, _, _, let n): return Int(n)
        case .heap(let a): return a.count
        }
    }

    /// True when empty.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// Calls `body` with the bytes.
    @inlinable public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .inline(let a, let b, let c, let d, let n):
            var t = (a, b, c, d)
            return try withUnsafeBytes(of: &t) { p in
                try body(UnsafeRawBufferPointer(rebasing: p[0..<Int(n)]))
            }
        case .heap(let arr):
            return try arr.withUnsafeBytes(body)
        }
    }

    /// The bytes as an array.
    public var array: [UInt8] {
        switch self {
        case .heap(let a): return a
        default: return withBytes { Array($0) }
        }
    }

    /// The bytes decoded as UTF-8 (lossy), for messages.
    public var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Heap bytes used beyond the 24 inline bytes (for MEMORY USAGE).
    public var heapSize: Int {
        switch self {
        case .inline: return 0
        case .heap(let a): return 32 + a.capacity
        }
    }

    /// A fast 64-bit hash of the bytes with `seed`.
    @inlinable public func hash(seed: UInt64) -> UInt64 {
        switch self {
        case .inline(let a, let b, let c, let d, let n):
            var h = seed ^ (UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
            h = ByteString.mix(h ^ a)
            h = ByteString.mix(h ^ b)
            h = ByteString.mix(h ^ (UInt64(c) | (UInt64(d) << 32)))
            return h
        case .heap(let arr):
            return arr.withUnsafeBytes { ByteString.hashBytes($0, seed: seed) }
        }
    }

    @inlinable static func mix(_ x: UInt64) -> UInt64 {
        let m = x.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
        return m.high ^ m.low
    }

    @inlinable static func hashBytes(_ p: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed ^ (UInt64(p.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        let n = p.count
        while i + 8 <= n {
            h = mix(h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ tail ^ 0xA076_1D64_78BD_642F)
    }
}

extension ByteString: Hashable {
    @inlinable public static func == (l: ByteString, r: ByteString) -> Bool {
        switch (l, r) {
        case let (.inline(a1, b1, c1, d1, n1), .inline(a2, b2, c2, d2, n2)):
            return a1 == a2 && b1 == b2 && c1 == c2 && d1 == d2 && n1 == n2
        case let (.heap(x), .heap(y)):
            return x == y
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hash(seed: 0))
    }
}

extension ByteString: Comparable {
    /// Binary comparison (memcmp, then length), as Redis compares strings.
    public static func < (l: ByteString, r: ByteString) -> Bool {
        l.withBytes { a in r.withBytes { b in ByteString.compare(a, b) < 0 } }
    }

    /// memcmp-then-length comparison.
    public static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

extension ByteString: ExpressibleByStringLiteral, CustomStringConvertible {
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { string }
}

extension ByteString {
    /// Equality with raw memory.
    @inlinable public func equals(raw: UnsafeRawBufferPointer) -> Bool {
        withBytes { p in
            p.count == raw.count && (p.count == 0 || memcmpBytes(p, raw))
        }
    }
}

@inlinable func memcmpBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    var i = 0
    let n = a.count
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
