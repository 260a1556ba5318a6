/// Redis 7.0's RDB format: type and opcode bytes, length and string encodings, CRC-64/Jones,
/// LZF, and the bounds-checked reader and the writer every persistence path (DUMP/RESTORE,
/// RDB files, the AOF's RDB preamble) uses.
public enum RDB {
    /// RDB version Redis 7.0 writes (the DUMP footer and the file header).
    public static let version: UInt16 = 10

    // Value types (rdb.h).
    static let typeString: UInt8 = 0
    static let typeList: UInt8 = 1
    static let typeSet: UInt8 = 2
    static let typeZSet: UInt8 = 3
    static let typeHash: UInt8 = 4
    static let typeZSet2: UInt8 = 5
    static let typeModule2: UInt8 = 7
    static let typeHashZipmap: UInt8 = 9
    static let typeListZiplist: UInt8 = 10
    static let typeSetIntset: UInt8 = 11
    static let typeZSetZiplist: UInt8 = 12
    static let typeHashZiplist: UInt8 = 13
    static let typeListQuicklist: UInt8 = 14
    static let typeStreamListpacks: UInt8 = 15
    static let typeHashListpack: UInt8 = 16
    static let typeZSetListpack: UInt8 = 17
    static let typeListQuicklist2: UInt8 = 18
    static let typeStreamListpacks2: UInt8 = 19

    // Opcodes.
    public static let opFunction2: UInt8 = 245
    static let opFunction: UInt8 = 246
    static let opModuleAux: UInt8 = 247
    static let opIdle: UInt8 = 248
    static let opFreq: UInt8 = 249
    static let opAux: UInt8 = 250
    static let opResizeDB: UInt8 = 251
    static let opExpireTimeMs: UInt8 = 252
    static let opExpireTime: UInt8 = 253
    static let opSelectDB: UInt8 = 254
    static let opEOF: UInt8 = 255

    /// The payload DUMP returns: value bytes, RDB version (little-endian), CRC-64 of all of it.
    public static func dumpPayload(_ body: [UInt8]) -> [UInt8] {
        var out = body
        out.append(UInt8(version & 0xFF))
        out.append(UInt8(version >> 8))
        let crc = CRC64.checksum(out)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: crc >> (UInt64(i) * 8))) }
        return out
    }

    /// The value bytes of a DUMP payload when its version is one Redis 7.0 reads and its CRC matches
    /// (Redis's verifyDumpPayload); nil otherwise.
    public static func verifyDumpPayload(_ payload: [UInt8]) -> ArraySlice<UInt8>? {
        guard payload.count >= 10 else { return nil }
        let at = payload.count - 10
        let v = UInt16(payload[at]) | UInt16(payload[at + 1]) << 8
        guard v <= version else { return nil }
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(payload[at + 2 + i]) << (UInt64(i) * 8) }
        guard CRC64.checksum(payload[..<(at + 2)]) == stored else { return nil }
        return payload[..<at]
    }
}

/// A malformed RDB value or file.
public struct RDBFormatError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor).
public enum CRC64 {
    static let table: [UInt64] = (0..<256).map { i -> UInt64 in
        var crc = UInt64(i)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x95AC_9329_AC4B_C9B5 : crc >> 1 }
        return crc
    }

    /// The CRC of `bytes`, continuing from `seed` (the CRC of what came before).
    public static func checksum<C: Collection>(_ bytes: C, seed: UInt64 = 0) -> UInt64 where C.Element == UInt8 {
        var crc = seed
        table.withUnsafeBufferPointer { t in
            for b in bytes { crc = t[Int((crc ^ UInt64(b)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc
    }
}

/// LZF decompression (lzf_d.c's format): literal runs and back references, bounds-checked.
enum LZFDecoder {
    static func decompress(_ input: ArraySlice<UInt8>, expectedLength: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(expectedLength)
        var i = input.startIndex
        let end = input.endIndex
        while i < end {
            let ctrl = Int(input[i])
            i += 1
            if ctrl < 32 {
                let n = ctrl + 1
                guard end - i >= n, out.count + n <= expectedLength else { return nil }
                out.append(contentsOf: input[i..<(i + n)])
                i += n
            } else {
                var len = ctrl >> 5
                if len == 7 {
                    guard i < end else { return nil }
                    len += Int(input[i])
                    i += 1
                }
                guard i < end else { return nil }
                let back = ((ctrl & 0x1F) << 8) + Int(input[i]) + 1
                i += 1
                len += 2
                guard back <= out.count, out.count + len <= expectedLength else { return nil }
                var from = out.count - back
                for _ in 0..<len {
                    out.append(out[from])
                    from += 1
                }
            }
        }
        return out.count == expectedLength ? out : nil
    }
}

/// Appends RDB encodings to a byte array.
public struct RDBWriter {
    public var bytes: [UInt8] = []
    public init() {}

    @inline(__always) public mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian lengths.
    mutating func length(_ n: UInt64) {
        if n < 1 << 6 {
            bytes.append(UInt8(n))
        } else if n < 1 << 14 {
            bytes.append(0x40 | UInt8(n >> 8))
            bytes.append(UInt8(n & 0xFF))
        } else if n <= UInt64(UInt32.max) {
            bytes.append(0x80)
            for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: n >> UInt64(s))) }
        } else {
            bytes.append(0x81)
            for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: n >> UInt64(s))) }
        }
    }

    @inline(__always) mutating func length(_ n: Int) { length(UInt64(n)) }

    /// rdbSaveRawString: short canonical integers use the INT8/16/32 encodings, the rest is written
    /// as length + bytes (Redis may LZF-compress; readers accept both).
    mutating func string(_ s: ByteString) {
        s.withBytes { string(raw: $0) }
    }

    mutating func string(raw p: UnsafeRawBufferPointer) {
        if p.count <= 11, let v = parseStrictInt(p), integer(v) { return }
        length(p.count)
        bytes.append(contentsOf: p)
    }

    public mutating func string(_ a: [UInt8]) { a.withUnsafeBytes { string(raw: $0) } }

    /// A string holding the decimal `v` (rdbSaveLongLongAsStringObject).
    mutating func string(int v: Int64) {
        if integer(v) { return }
        let digits = Array(String(v).utf8)
        length(digits.count)
        bytes.append(contentsOf: digits)
    }

    /// rdbEncodeInteger: true when `v` fits an INT8/16/32 encoding (written).
    private mutating func integer(_ v: Int64) -> Bool {
        if v >= -(1 << 7) && v <= (1 << 7) - 1 {
            bytes.append(0xC0)
            bytes.append(UInt8(truncatingIfNeeded: v))
        } else if v >= -(1 << 15) && v <= (1 << 15) - 1 {
            bytes.append(0xC1)
            bytes.append(UInt8(truncatingIfNeeded: v))
            bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        } else if v >= -(1 << 31) && v <= (1 << 31) - 1 {
            bytes.append(0xC2)
            for s in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> Int64(s * 8))) }
        } else {
            return false
        }
        return true
    }

    /// Raw bytes with no length prefix.
    mutating func raw(_ a: [UInt8]) { bytes.append(contentsOf: a) }

    /// rdbSaveBinaryDoubleValue: 8 bytes little-endian IEEE 754.
    mutating func binaryDouble(_ d: Double) { uint64LE(d.bitPattern) }

    /// rdbSaveMillisecondTime: 8 bytes little-endian.
    mutating func millisecondTime(_ t: Int64) { uint64LE(UInt64(bitPattern: t)) }

    mutating func uint64LE(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (UInt64(i) * 8))) }
    }

    mutating func uint32LE(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (UInt32(i) * 8))) }
    }
}

/// Reads RDB encodings from a byte slice; every read is bounds-checked and throws on malformed input.
public struct RDBReader {
    public var bytes: ArraySlice<UInt8>
    public init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
    public var atEnd: Bool { bytes.isEmpty }
    /// The largest string a value may hold (proto-max-bulk-len's ceiling).
    static let maxString = 512 * 1024 * 1024

    static func bad(_ what: String) -> RDBFormatError { RDBFormatError(what) }

    public mutating func byte() throws -> UInt8 {
        guard let b = bytes.popFirst() else { throw RDBReader.bad("unexpected end of data") }
        return b
    }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count >= n else { throw RDBReader.bad("unexpected end of data") }
        let s = bytes.prefix(n)
        bytes = bytes.dropFirst(n)
        return s
    }

    /// A length, or (`encoded`) one of the special string encodings 0 INT8, 1 INT16, 2 INT32, 3 LZF.
    mutating func lengthOrEncoding() throws -> (value: UInt64, encoded: Bool) {
        let first = try byte()
        switch first >> 6 {
        case 0: return (UInt64(first & 0x3F), false)
        case 1: return (UInt64(first & 0x3F) << 8 | UInt64(try byte()), false)
        case 2:
            let width: Int
            switch first {
            case 0x80: width = 4
            case 0x81: width = 8
            default: throw RDBReader.bad("unknown length encoding \(first)")
            }
            var v: UInt64 = 0
            for b in try take(width) { v = v << 8 | UInt64(b) }
            return (v, false)
        default: return (UInt64(first & 0x3F), true)
        }
    }

    /// A plain length (no string encodings).
    mutating func length() throws -> UInt64 {
        let (v, enc) = try lengthOrEncoding()
        if enc { throw RDBReader.bad("unexpected encoded length") }
        return v
    }

    /// A length usable as a count of items still to read: each needs at least one byte.
    mutating func count() throws -> Int {
        let v = try length()
        guard v <= UInt64(bytes.count) else { throw RDBReader.bad("length \(v) exceeds the data") }
        return Int(v)
    }

    /// rdbGenericLoadStringObject: raw, integer or LZF-compressed strings.
    public mutating func string() throws -> [UInt8] {
        let (len, enc) = try lengthOrEncoding()
        if !enc {
            guard len <= UInt64(bytes.count) else { throw RDBReader.bad("string length exceeds the data") }
            return Array(try take(Int(len)))
        }
        switch len {
        case 0: return Array(String(Int8(bitPattern: try byte())).utf8)
        case 1:
            let b = try take(2)
            return Array(String(Int16(bitPattern: UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8)).utf8)
        case 2:
            let b = try take(4)
            var v: UInt32 = 0
            for (i, x) in b.enumerated() { v |= UInt32(x) << (UInt32(i) * 8) }
            return Array(String(Int32(bitPattern: v)).utf8)
        case 3:
            let clen = try length(), ulen = try length()
            guard clen <= UInt64(bytes.count), ulen <= UInt64(RDBReader.maxString) else { throw RDBReader.bad("bad LZF lengths") }
            let c = try take(Int(clen))
            guard let out = LZFDecoder.decompress(c, expectedLength: Int(ulen)) else { throw RDBReader.bad("invalid LZF data") }
            return out
        default: throw RDBReader.bad("unknown string encoding \(len)")
        }
    }

    mutating func binaryDouble() throws -> Double { Double(bitPattern: try uint64LE()) }

    /// rdbLoadDoubleValue (ZSET version 1): length byte, then text; 253 nan, 254 +inf, 255 -inf.
    mutating func textDouble() throws -> Double {
        let n = try byte()
        switch n {
        case 253: return .nan
        case 254: return .infinity
        case 255: return -.infinity
        default:
            let t = try take(Int(n))
            guard let d = Double(String(decoding: t, as: UTF8.self)) else { throw RDBReader.bad("invalid double") }
            return d
        }
    }

    mutating func millisecondTime() throws -> Int64 { Int64(bitPattern: try uint64LE()) }

    mutating func uint64LE() throws -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (UInt64(i) * 8) }
        return v
    }

    mutating func uint32LE() throws -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in try take(4).enumerated() { v |= UInt32(b) << (UInt32(i) * 8) }
        return v
    }
}
