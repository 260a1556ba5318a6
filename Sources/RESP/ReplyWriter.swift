import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The protocol version a client speaks (`HELLO 2` / `HELLO 3`).
public enum RESPVersion: Int, Sendable {
    case resp2 = 2
    case resp3 = 3
}

/// Writes RESP replies straight into an outbound `ByteBuffer` (no intermediate values).
///
/// Every method appends one complete reply element. Aggregate headers (`arrayHeader`,
/// `mapHeader`, `setHeader`, `pushHeader`) are followed by their elements. Methods that differ
/// between RESP2 and RESP3 (null, map, set, double, boolean, verbatim, push) pick the encoding
/// from `version`.
public struct ReplyWriter: Sendable {
    /// The bytes written so far.
    public var buffer: ByteBuffer
    /// The protocol the client speaks.
    public var version: RESPVersion

    /// A writer appending to `buffer`.
    public init(buffer: ByteBuffer, version: RESPVersion = .resp2) {
        self.buffer = buffer
        self.version = version
    }

    /// A writer with a fresh buffer (tests, internal calls).
    public init(version: RESPVersion = .resp2) {
        self.buffer = ByteBufferAllocator().buffer(capacity: 256)
        self.version = version
    }

    /// True when RESP3 is in use.
    @inlinable public var isRESP3: Bool { version == .resp3 }

    /// Bytes written so far (for tests).
    public var bytes: [UInt8] { buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [] }
    /// Written bytes as a String (for tests).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: simple replies

    /// `+OK\r\n`
    @inlinable public mutating func ok() { buffer.writeStaticString("+OK\r\n") }

    /// `+<s>\r\n` from a static string (no CR/LF inside).
    @inlinable public mutating func simple(_ s: StaticString) {
        buffer.writeInteger(UInt8(ascii: "+"))
        buffer.writeStaticString(s)
        buffer.writeStaticString("\r\n")
    }

    /// `+<s>\r\n`; CR and LF are replaced by spaces as Redis does.
    public mutating func simple(_ s: String) {
        buffer.writeInteger(UInt8(ascii: "+"))
        writeSanitized(s)
        buffer.writeStaticString("\r\n")
    }

    /// `+<bytes>\r\n`
    public mutating func simple<C: Collection>(bytes: C) where C.Element == UInt8 {
        buffer.writeInteger(UInt8(ascii: "+"))
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }

    /// `-<message>\r\n`; the message includes its code (`ERR ...`, `WRONGTYPE ...`).
    @inlinable public mutating func error(_ message: StaticString) {
        buffer.writeInteger(UInt8(ascii: "-"))
        buffer.writeStaticString(message)
        buffer.writeStaticString("\r\n")
    }

    /// `-<message>\r\n`; CR and LF in the message become spaces.
    public mutating func error(_ message: String) {
        buffer.writeInteger(UInt8(ascii: "-"))
        writeSanitized(message)
        buffer.writeStaticString("\r\n")
    }

    private mutating func writeSanitized(_ s: String) {
        var s = s
        _ = s.withUTF8 { u in
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: u.count) { p in
                for i in 0..<u.count {
                    let c = u[i]
                    p[i] = (c == 13 || c == 10) ? 32 : c
                }
                return u.count
            }
        }
    }

    /// `:<n>\r\n`
    @inlinable public mutating func integer(_ n: Int) { header(UInt8(ascii: ":"), n) }

    /// `<prefix><n>\r\n` in one buffer write (array/map/set/push headers, integers, bulk lengths).
    @inlinable public mutating func header(_ prefix: UInt8, _ n: Int) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 23) { p in
            p[0] = prefix
            let i = ReplyWriter.formatDecimal(n, into: p, at: 1)
            p[i] = 13
            p[i + 1] = 10
            return i + 2
        }
    }

    /// Writes the decimal form of `n` at `p[at...]` (room for 20 bytes needed); returns the end index.
    @inlinable @inline(__always)
    public static func formatDecimal(_ n: Int, into p: UnsafeMutableRawBufferPointer, at: Int) -> Int {
        var i = at
        if n < 0 {
            p[i] = UInt8(ascii: "-")
            i += 1
        }
        var v = n.magnitude
        if v < 10 {
            p[i] = UInt8(truncatingIfNeeded: 48 &+ v)
            return i + 1
        }
        var digits = 1
        var t = v
        while t >= 10 { t /= 10; digits += 1 }
        var j = i + digits - 1
        while j >= i {
            p[j] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
            j -= 1
        }
        return i + digits
    }

    /// Writes the decimal digits of `n` (no framing).
    @inlinable public mutating func writeDecimal(_ n: Int) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 20) { p in
            ReplyWriter.formatDecimal(n, into: p, at: 0)
        }
    }

    // MARK: bulk strings

    /// `$<len>\r\n<bytes>\r\n`
    @inlinable public mutating func bulk<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { bulk(raw: UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        header(UInt8(ascii: "$"), bytes.count)
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }

    /// Bulk string from raw memory, framed and copied in one buffer write.
    @inlinable public mutating func bulk(raw: UnsafeRawBufferPointer) {
        let count = raw.count
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count + 25) { p in
            p[0] = UInt8(ascii: "$")
            var i = ReplyWriter.formatDecimal(count, into: p, at: 1)
            p[i] = 13
            p[i + 1] = 10
            i += 2
            if count > 0, let src = raw.baseAddress, let dst = p.baseAddress {
                (dst + i).copyMemory(from: src, byteCount: count)
            }
            i += count
            p[i] = 13
            p[i + 1] = 10
            return i + 2
        }
    }

    /// Bulk string from a Swift string.
    public mutating func bulk(_ s: String) {
        var s = s
        s.withUTF8 { bulk(raw: UnsafeRawBufferPointer($0)) }
    }

    /// Bulk string holding the decimal form of `n`.
    public mutating func bulk(integer n: Int) {
        var tmp = ReplyWriter(buffer: ByteBuffer(), version: version)
        tmp.writeDecimal(n)
        bulk(tmp.buffer.readableBytesView)
    }

    /// The null reply: `$-1\r\n` in RESP2, `_\r\n` in RESP3.
    @inlinable public mutating func null() {
        if version == .resp3 { buffer.writeStaticString("_\r\n") } else { buffer.writeStaticString("$-1\r\n") }
    }

    /// The null array: `*-1\r\n` in RESP2, `_\r\n` in RESP3.
    @inlinable public mutating func nullArray() {
        if version == .resp3 { buffer.writeStaticString("_\r\n") } else { buffer.writeStaticString("*-1\r\n") }
    }

    /// Verbatim string (`=<len>\r\ntxt:<text>\r\n` in RESP3, a bulk string in RESP2).
    public mutating func verbatim(_ s: String, format: StaticString = "txt") {
        if version == .resp3 {
            let body = Array(s.utf8)
            buffer.writeInteger(UInt8(ascii: "="))
            writeDecimal(body.count + 4)
            buffer.writeStaticString("\r\n")
            buffer.writeStaticString(format)
            buffer.writeInteger(UInt8(ascii: ":"))
            buffer.writeBytes(body)
            buffer.writeStaticString("\r\n")
        } else {
            bulk(s)
        }
    }

    // MARK: aggregates

    /// `*<n>\r\n`
    @inlinable public mutating func arrayHeader(_ n: Int) { header(UInt8(ascii: "*"), n) }

    /// A map of `n` pairs: `%<n>` in RESP3, `*<2n>` in RESP2.
    @inlinable public mutating func mapHeader(_ n: Int) {
        if version == .resp3 { header(UInt8(ascii: "%"), n) } else { header(UInt8(ascii: "*"), n * 2) }
    }

    /// A set of `n` elements: `~<n>` in RESP3, `*<n>` in RESP2.
    @inlinable public mutating func setHeader(_ n: Int) {
        header(version == .resp3 ? UInt8(ascii: "~") : UInt8(ascii: "*"), n)
    }

    /// An out-of-band push of `n` elements: `><n>` in RESP3, `*<n>` in RESP2.
    @inlinable public mutating func pushHeader(_ n: Int) {
        header(version == .resp3 ? UInt8(ascii: ">") : UInt8(ascii: "*"), n)
    }

    /// A double: `,<d>\r\n` in RESP3, a bulk string in RESP2 (formatted like Redis's `%.17g`).
    public mutating func double(_ d: Double) {
        let text = RedisNumberFormat.double(d)
        if version == .resp3 {
            buffer.writeInteger(UInt8(ascii: ","))
            if d.isInfinite {
                buffer.writeStaticString(d < 0 ? "-inf" : "inf")
            } else if d.isNaN {
                buffer.writeStaticString("nan")
            } else {
                buffer.writeString(text)
            }
            buffer.writeStaticString("\r\n")
        } else {
            bulk(text)
        }
    }

    /// A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2.
    public mutating func boolean(_ b: Bool) {
        if version == .resp3 {
            buffer.writeStaticString(b ? "#t\r\n" : "#f\r\n")
        } else {
            buffer.writeStaticString(b ? ":1\r\n" : ":0\r\n")
        }
    }

    /// Appends already encoded RESP bytes.
    public mutating func raw<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        buffer.writeBytes(bytes)
    }

    /// Appends an already encoded static RESP reply.
    @inlinable public mutating func raw(_ s: StaticString) {
        buffer.writeStaticString(s)
    }
}

/// Number formatting exactly as Redis prints numbers.
public enum RedisNumberFormat {
    /// `%.17g` as Redis uses for double replies (`inf`, `-inf`, `nan`).
    public static func double(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        return formatG(d, precision: 17)
    }

    /// C's `%.<precision>g`.
    public static func formatG(_ d: Double, precision: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf in
            let n = withVaList([d]) { vsnprintf(buf.baseAddress, 64, "%.\(precision)g", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buf.baseAddress, count: Int(n)), as: UTF8.self)
        }
    }

    /// C's `%.<precision>Lf` followed by trailing-zero removal, as Redis's INCRBYFLOAT / HINCRBYFLOAT do
    /// (`ld2string` with `LD_STR_HUMAN`), using Double precision.
    public static func human(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        var s = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 5120) { buf in
            let n = withVaList([d]) { vsnprintf(buf.baseAddress, 5120, "%.17f", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buf.baseAddress, count: Int(n)), as: UTF8.self)
        }
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }
}
