/// The parts of Redis's RDB format FUNCTION DUMP/RESTORE use: length-prefixed strings (with the
/// integer and LZF encodings when reading), the opcode for a library, and the DUMP footer (RDB
/// version, little-endian, then CRC-64/Jones of everything before it).
enum RDBEncoding {
    static let opcodeFunction2: UInt8 = 245
    static let rdbVersion: UInt16 = 10

    static func appendLength(_ n: Int, to out: inout [UInt8]) {
        if n < 1 << 6 {
            out.append(UInt8(n))
        } else if n < 1 << 14 {
            out.append(0x40 | UInt8(n >> 8))
            out.append(UInt8(n & 0xFF))
        } else if n <= Int(UInt32.max) {
            out.append(0x80)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8((n >> shift) & 0xFF)) }
        } else {
            out.append(0x81)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((n >> shift) & 0xFF)) }
        }
    }

    static func appendString(_ s: [UInt8], to out: inout [UInt8]) {
        appendLength(s.count, to: &out)
        out.append(contentsOf: s)
    }

    static func appendFooter(to out: inout [UInt8]) {
        out.append(UInt8(rdbVersion & 0xFF))
        out.append(UInt8(rdbVersion >> 8))
        let crc = CRC64.checksum(out)
        for i in 0..<8 { out.append(UInt8((crc >> (UInt64(i) * 8)) & 0xFF)) }
    }

    /// The payload without its footer, when the version is one this engine reads and the CRC matches.
    static func verifyFooter(_ payload: [UInt8]) -> ArraySlice<UInt8>? {
        guard payload.count >= 10 else { return nil }
        let versionAt = payload.count - 10
        let version = UInt16(payload[versionAt]) | UInt16(payload[versionAt + 1]) << 8
        guard version <= rdbVersion else { return nil }
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(payload[versionAt + 2 + i]) << (UInt64(i) * 8) }
        guard CRC64.checksum(payload[..<(versionAt + 2)]) == stored else { return nil }
        return payload[..<versionAt]
    }

    /// Reads RDB values from a byte slice; every read is bounds-checked (nil on malformed input).
    struct Reader {
        var bytes: ArraySlice<UInt8>
        var atEnd: Bool { bytes.isEmpty }

        mutating func readByte() -> UInt8? { bytes.popFirst() }

        /// A length, or an encoding marker (`isEncoded`) for integer / LZF strings.
        mutating func readLength() -> (value: Int, isEncoded: Bool)? {
            guard let first = readByte() else { return nil }
            switch first >> 6 {
            case 0: return (Int(first & 0x3F), false)
            case 1:
                guard let b = readByte() else { return nil }
                return (Int(first & 0x3F) << 8 | Int(b), false)
            case 2:
                let width = first == 0x80 ? 4 : first == 0x81 ? 8 : 0
                guard width > 0, bytes.count >= width else { return nil }
                var v: UInt64 = 0
                for _ in 0..<width { v = v << 8 | UInt64(readByte()!) }
                guard v <= UInt64(Int.max) else { return nil }
                return (Int(v), false)
            default: return (Int(first & 0x3F), true)
            }
        }

        mutating func take(_ n: Int) -> [UInt8]? {
            guard n >= 0, bytes.count >= n else { return nil }
            let out = Array(bytes.prefix(n))
            bytes = bytes.dropFirst(n)
            return out
        }

        mutating func readString() -> [UInt8]? {
            guard let (len, encoded) = readLength() else { return nil }
            guard encoded else { return take(len) }
            switch len {
            case 0: return take(1).map { Array(String(Int8(bitPattern: $0[0])).utf8) }
            case 1:
                guard let b = take(2) else { return nil }
                return Array(String(Int16(bitPattern: UInt16(b[0]) | UInt16(b[1]) << 8)).utf8)
            case 2:
                guard let b = take(4) else { return nil }
                var v: UInt32 = 0
                for i in 0..<4 { v |= UInt32(b[i]) << (UInt32(i) * 8) }
                return Array(String(Int32(bitPattern: v)).utf8)
            case 3:
                guard let (clen, e1) = readLength(), !e1, let (ulen, e2) = readLength(), !e2,
                      ulen <= 512 * 1024 * 1024, let compressed = take(clen) else { return nil }
                return LZF.decompress(compressed, expectedLength: ulen)
            default: return nil
            }
        }
    }
}

/// LZF decompression (the format Redis compresses RDB strings with).
enum LZF {
    static func decompress(_ input: [UInt8], expectedLength: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(expectedLength)
        var i = 0
        while i < input.count {
            let ctrl = Int(input[i])
            i += 1
            if ctrl < 32 {
                let n = ctrl + 1
                guard i + n <= input.count, out.count + n <= expectedLength else { return nil }
                out.append(contentsOf: input[i..<(i + n)])
                i += n
            } else {
                var len = ctrl >> 5
                if len == 7 {
                    guard i < input.count else { return nil }
                    len += Int(input[i])
                    i += 1
                }
                guard i < input.count else { return nil }
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

/// CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, init 0).
enum CRC64 {
    static let table: [UInt64] = (0..<256).map { i -> UInt64 in
        var crc = UInt64(i)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x95AC_9329_AC4B_C9B5 : crc >> 1 }
        return crc
    }

    static func checksum<C: Collection>(_ bytes: C, seed: UInt64 = 0) -> UInt64 where C.Element == UInt8 {
        var crc = seed
        for b in bytes { crc = table[Int((crc ^ UInt64(b)) & 0xFF)] ^ (crc >> 8) }
        return crc
    }
}
