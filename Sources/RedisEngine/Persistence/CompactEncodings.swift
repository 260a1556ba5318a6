/// The compact blobs RDB values embed: listpacks (Redis 7.0), ziplists and intsets (older RDB
/// versions and 7.0's small sets). Readers validate every header, length and terminator and
/// throw `RDBFormatError` instead of trusting the data.

/// One listpack or ziplist element: an integer or a byte string.
enum CompactElement {
    case int(Int64)
    case bytes(ArraySlice<UInt8>)

    var byteString: ByteString {
        switch self {
        case .int(let v): return ByteString(String(v))
        case .bytes(let b): return ByteString(b)
        }
    }

    var integer: Int64? {
        switch self {
        case .int(let v): return v
        case .bytes(let b): return b.withUnsafeBytes { parseStrictInt($0) }
        }
    }
}

/// Builds a listpack (listpack.c layout): total bytes and element count headers, elements each
/// followed by their reverse-encoded length, 0xFF terminator. Strings that are canonical integers
/// are stored as integers, like lpAppend does.
struct ListpackBuilder {
    private(set) var body: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ s: ByteString) {
        s.withBytes { p in
            if p.count <= 20, let v = parseStrictInt(p) { appendInt(v) } else { appendString(p) }
        }
    }

    mutating func append(_ s: [UInt8]) { s.withUnsafeBytes { p in
        if p.count <= 20, let v = parseStrictInt(p) { appendInt(v) } else { appendString(p) }
    } }

    mutating func appendInt(_ v: Int64) {
        let start = body.count
        if v >= 0 && v <= 127 {
            body.append(UInt8(v))
        } else if v >= -4096 && v <= 4095 {
            let u = UInt64(bitPattern: v < 0 ? (1 << 13) + v : v)
            body.append(UInt8(truncatingIfNeeded: u >> 8) | 0xC0)
            body.append(UInt8(truncatingIfNeeded: u))
        } else if v >= -32768 && v <= 32767 {
            body.append(0xF1); le(v, 2)
        } else if v >= -8388608 && v <= 8388607 {
            body.append(0xF2); le(v, 3)
        } else if v >= -2147483648 && v <= 2147483647 {
            body.append(0xF3); le(v, 4)
        } else {
            body.append(0xF4); le(v, 8)
        }
        backlen(body.count - start)
        count += 1
    }

    private mutating func le(_ v: Int64, _ n: Int) {
        let u = UInt64(bitPattern: v)
        for i in 0..<n { body.append(UInt8(truncatingIfNeeded: u >> (UInt64(i) * 8))) }
    }

    mutating func appendString(_ p: UnsafeRawBufferPointer) {
        let start = body.count
        let n = p.count
        if n < 64 {
            body.append(0x80 | UInt8(n))
        } else if n < 4096 {
            body.append(0xE0 | UInt8(n >> 8))
            body.append(UInt8(n & 0xFF))
        } else {
            body.append(0xF0)
            for i in 0..<4 { body.append(UInt8(truncatingIfNeeded: n >> (i * 8))) }
        }
        body.append(contentsOf: p)
        backlen(body.count - start)
        count += 1
    }

    private mutating func backlen(_ l: Int) {
        if l <= 127 {
            body.append(UInt8(l))
        } else if l < 16383 {
            body.append(UInt8(l >> 7)); body.append(UInt8(l & 127) | 128)
        } else if l < 2097151 {
            body.append(UInt8(l >> 14)); body.append(UInt8((l >> 7) & 127) | 128); body.append(UInt8(l & 127) | 128)
        } else if l < 268435455 {
            body.append(UInt8(l >> 21)); body.append(UInt8((l >> 14) & 127) | 128)
            body.append(UInt8((l >> 7) & 127) | 128); body.append(UInt8(l & 127) | 128)
        } else {
            body.append(UInt8(truncatingIfNeeded: l >> 28)); body.append(UInt8((l >> 21) & 127) | 128)
            body.append(UInt8((l >> 14) & 127) | 128); body.append(UInt8((l >> 7) & 127) | 128); body.append(UInt8(l & 127) | 128)
        }
    }

    /// The finished listpack.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        let total = 6 + body.count + 1
        out.reserveCapacity(total)
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: total >> (i * 8))) }
        let n = count < 65535 ? count : 65535
        out.append(UInt8(n & 0xFF)); out.append(UInt8(n >> 8))
        out.append(contentsOf: body)
        out.append(0xFF)
        return out
    }
}

enum CompactDecoding {
    static func bad(_ s: String) -> RDBFormatError { RDBFormatError(s) }

    /// Every element of a listpack, after checking its headers, each element's back-length and the terminator.
    static func listpack(_ lp: [UInt8]) throws -> [CompactElement] {
        guard lp.count >= 7 else { throw bad("listpack too short") }
        let total = Int(lp[0]) | Int(lp[1]) << 8 | Int(lp[2]) << 16 | Int(lp[3]) << 24
        guard total == lp.count, lp[lp.count - 1] == 0xFF else { throw bad("listpack header or terminator mismatch") }
        let declared = Int(lp[4]) | Int(lp[5]) << 8
        var out: [CompactElement] = []
        var p = 6
        let end = lp.count - 1
        func need(_ n: Int) throws { if n < 0 || p + n > end { throw bad("listpack element overflows") } }
        func le(_ at: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(lp[at + i]) << (UInt64(i) * 8) }
            return v
        }
        func signExtend(_ v: UInt64, bits: Int) -> Int64 {
            let shift = UInt64(64 - bits)
            return Int64(bitPattern: v << shift) >> Int64(shift)
        }
        while p < end {
            let start = p
            let b = lp[p]
            if b & 0x80 == 0 {
                out.append(.int(Int64(b))); p += 1
            } else if b & 0xC0 == 0x80 {
                let n = Int(b & 0x3F)
                try need(1 + n)
                out.append(.bytes(lp[(p + 1)..<(p + 1 + n)])); p += 1 + n
            } else if b & 0xE0 == 0xC0 {
                try need(2)
                let u = UInt64(b & 0x1F) << 8 | UInt64(lp[p + 1])
                out.append(.int(signExtend(u, bits: 13))); p += 2
            } else if b & 0xF0 == 0xE0 {
                try need(2)
                let n = Int(b & 0x0F) << 8 | Int(lp[p + 1])
                try need(2 + n)
                out.append(.bytes(lp[(p + 2)..<(p + 2 + n)])); p += 2 + n
            } else {
                switch b {
                case 0xF0:
                    try need(5)
                    let n = Int(le(p + 1, 4))
                    try need(5 + n)
                    out.append(.bytes(lp[(p + 5)..<(p + 5 + n)])); p += 5 + n
                case 0xF1: try need(3); out.append(.int(signExtend(le(p + 1, 2), bits: 16))); p += 3
                case 0xF2: try need(4); out.append(.int(signExtend(le(p + 1, 3), bits: 24))); p += 4
                case 0xF3: try need(5); out.append(.int(signExtend(le(p + 1, 4), bits: 32))); p += 5
                case 0xF4: try need(9); out.append(.int(Int64(bitPattern: le(p + 1, 8)))); p += 9
                default: throw bad("invalid listpack encoding \(b)")
                }
            }
            // The element's reverse-encoded length must follow and match.
            let l = p - start
            let bl = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5
            try need(bl)
            var v = 0, shift = 0
            var q = p + bl - 1
            while true {
                v |= Int(lp[q] & 127) << shift
                if lp[q] & 128 == 0 { break }
                shift += 7
                q -= 1
                if q < p { throw bad("listpack back-length overflows") }
            }
            guard v == l else { throw bad("listpack back-length mismatch") }
            p += bl
        }
        guard p == end else { throw bad("listpack length mismatch") }
        if declared != 65535 && declared != out.count { throw bad("listpack count mismatch") }
        return out
    }

    /// Every element of a ziplist (ziplist.c: RDB versions before 10), validated like listpacks.
    static func ziplist(_ zl: [UInt8]) throws -> [CompactElement] {
        guard zl.count >= 11 else { throw bad("ziplist too short") }
        func le(_ at: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(zl[at + i]) << (UInt64(i) * 8) }
            return v
        }
        guard Int(le(0, 4)) == zl.count, zl[zl.count - 1] == 0xFF else { throw bad("ziplist header or terminator mismatch") }
        let declared = Int(le(8, 2))
        var out: [CompactElement] = []
        var p = 10
        let end = zl.count - 1
        func need(_ n: Int) throws { if n < 0 || p + n > end { throw bad("ziplist entry overflows") } }
        func signExtend(_ v: UInt64, bits: Int) -> Int64 {
            let shift = UInt64(64 - bits)
            return Int64(bitPattern: v << shift) >> Int64(shift)
        }
        while p < end {
            try need(1)
            if zl[p] == 0xFE { try need(5); p += 5 } else { p += 1 }
            try need(1)
            let b = zl[p]
            switch b >> 6 {
            case 0:
                let n = Int(b & 0x3F)
                try need(1 + n)
                out.append(.bytes(zl[(p + 1)..<(p + 1 + n)])); p += 1 + n
            case 1:
                try need(2)
                let n = Int(b & 0x3F) << 8 | Int(zl[p + 1])
                try need(2 + n)
                out.append(.bytes(zl[(p + 2)..<(p + 2 + n)])); p += 2 + n
            case 2:
                guard b == 0x80 else { throw bad("invalid ziplist encoding") }
                try need(5)
                let n = Int(zl[p + 1]) << 24 | Int(zl[p + 2]) << 16 | Int(zl[p + 3]) << 8 | Int(zl[p + 4])
                try need(5 + n)
                out.append(.bytes(zl[(p + 5)..<(p + 5 + n)])); p += 5 + n
            default:
                switch b {
                case 0xC0: try need(3); out.append(.int(signExtend(le(p + 1, 2), bits: 16))); p += 3
                case 0xD0: try need(5); out.append(.int(signExtend(le(p + 1, 4), bits: 32))); p += 5
                case 0xE0: try need(9); out.append(.int(Int64(bitPattern: le(p + 1, 8)))); p += 9
                case 0xF0: try need(4); out.append(.int(signExtend(le(p + 1, 3), bits: 24))); p += 4
                case 0xFE: try need(2); out.append(.int(Int64(Int8(bitPattern: zl[p + 1])))); p += 2
                case 0xF1...0xFD: out.append(.int(Int64(b & 0x0F) - 1)); p += 1
                default: throw bad("invalid ziplist encoding \(b)")
                }
            }
        }
        guard p == end else { throw bad("ziplist length mismatch") }
        if declared != 65535 && declared != out.count { throw bad("ziplist count mismatch") }
        return out
    }

    /// The members of an intset (encoding width, count, sorted little-endian integers).
    static func intset(_ b: [UInt8]) throws -> [Int64] {
        guard b.count >= 8 else { throw bad("intset too short") }
        let enc = Int(b[0]) | Int(b[1]) << 8 | Int(b[2]) << 16 | Int(b[3]) << 24
        let n = Int(b[4]) | Int(b[5]) << 8 | Int(b[6]) << 16 | Int(b[7]) << 24
        guard enc == 2 || enc == 4 || enc == 8, b.count == 8 + enc * n, n > 0 else { throw bad("intset size mismatch") }
        var out: [Int64] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            var v: UInt64 = 0
            for j in 0..<enc { v |= UInt64(b[8 + i * enc + j]) << (UInt64(j) * 8) }
            let shift = UInt64(64 - enc * 8)
            let x = Int64(bitPattern: v << shift) >> Int64(shift)
            if let last = out.last, last >= x { throw bad("intset not sorted") }
            out.append(x)
        }
        return out
    }

    /// An intset holding `values` (sorted here).
    static func makeIntset(_ values: [Int64]) -> [UInt8] {
        let sorted = values.sorted()
        var enc = 2
        for v in sorted {
            if v < Int64(Int32.min) || v > Int64(Int32.max) { enc = 8; break }
            if v < Int64(Int16.min) || v > Int64(Int16.max) { enc = 4 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(8 + enc * sorted.count)
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: enc >> (i * 8))) }
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: sorted.count >> (i * 8))) }
        for v in sorted {
            let u = UInt64(bitPattern: v)
            for j in 0..<enc { out.append(UInt8(truncatingIfNeeded: u >> (UInt64(j) * 8))) }
        }
        return out
    }
}
