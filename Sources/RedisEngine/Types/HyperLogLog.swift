/// Redis's HyperLogLog string format, byte for byte (the layout of redis-server 7.0's hyperloglog.c):
///
///     +------+---+-----+----------+
///     | HYLL | E | N/U | Cardin.  |   16-byte header: magic, encoding (0 dense, 1 sparse),
///     +------+---+-----+----------+   3 unused bytes, cached cardinality (little endian,
///                                     top bit of the last byte set = cache invalid)
///
/// followed by 16384 six-bit registers (dense, 12288 bytes) or the sparse opcodes
/// ZERO `00xxxxxx` (1-64 empty registers), XZERO `01xxxxxx yyyyyyyy` (1-16384 empty registers)
/// and VAL `1vvvvvxx` (1-4 registers holding 1-32). Elements are hashed with MurmurHash64A
/// (seed 0xadc83b19): the low 14 bits pick the register, the run of zeros after them plus one is
/// the value. The sparse form is promoted to dense once it would grow past `hll-sparse-max-bytes`
/// or a value above 32 is needed.
public enum HyperLogLog {
    public static let precision = 14
    public static let q = 64 - precision
    public static let registerCount = 1 << precision
    public static let headerSize = 16
    public static let denseSize = headerSize + (registerCount * 6 + 7) / 8
    public static let encodingDense: UInt8 = 0
    public static let encodingSparse: UInt8 = 1
    static let sparseValMax = 32
    static let sparseValMaxLen = 4
    static let sparseZeroMaxLen = 64
    static let sparseXZeroMaxLen = 16384
    static let alphaInf = 0.721347520444481703680

    /// Why an HLL operation failed.
    public enum Failure: Error { case corrupted }

    // MARK: hashing

    /// MurmurHash64A (Austin Appleby), reading the key as little-endian 64-bit words.
    public static func murmur64A(_ key: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let m: UInt64 = 0xc6a4_a793_5bd1_e995
        let r: UInt64 = 47
        let len = key.count
        var h = seed ^ (UInt64(truncatingIfNeeded: len) &* m)
        let blocks = len / 8
        var i = 0
        while i < blocks {
            var k = UInt64(littleEndian: key.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
            k = k &* m
            k ^= k >> r
            k = k &* m
            h ^= k
            h = h &* m
            i += 1
        }
        let tail = blocks * 8
        let rest = len & 7
        if rest > 0 {
            var j = rest - 1
            while j >= 0 {
                h ^= UInt64(key[tail + j]) << (UInt64(j) * 8)
                j -= 1
            }
            h = h &* m
        }
        h ^= h >> r
        h = h &* m
        h ^= h >> r
        return h
    }

    /// The register an element goes to and the value it proposes (Redis's hllPatLen).
    @inlinable public static func registerAndCount(_ element: UnsafeRawBufferPointer) -> (index: Int, count: Int) {
        var hash = murmur64A(element, seed: 0xadc8_3b19)
        let index = Int(hash & UInt64(registerCount - 1))
        hash >>= UInt64(precision)
        hash |= 1 << UInt64(q)
        return (index, hash.trailingZeroBitCount + 1)
    }

    // MARK: header

    /// A new, empty HLL: sparse, one XZERO opcode covering every register, cached cardinality 0.
    public static func empty() -> [UInt8] {
        var s = [UInt8](repeating: 0, count: headerSize + 2)
        s[0] = 0x48; s[1] = 0x59; s[2] = 0x4c; s[3] = 0x4c  // "HYLL"
        s[4] = encodingSparse
        let l = registerCount - 1
        s[headerSize] = UInt8(l >> 8) | 0x40
        s[headerSize + 1] = UInt8(l & 0xff)
        return s
    }

    /// True when `s` has the HYLL magic, a known encoding and (dense) the exact size (isHLLObjectOrReply).
    public static func isValidHeader(_ s: [UInt8]) -> Bool {
        if s.count < headerSize { return false }
        if s[0] != 0x48 || s[1] != 0x59 || s[2] != 0x4c || s[3] != 0x4c { return false }
        if s[4] > encodingSparse { return false }
        if s[4] == encodingDense && s.count != denseSize { return false }
        return true
    }

    @inlinable static func invalidateCache(_ s: inout [UInt8]) { s[15] |= 0x80 }

    /// The cached cardinality, or nil when the cache is invalid.
    static func cachedCardinality(_ s: [UInt8]) -> UInt64? {
        if s[15] & 0x80 != 0 { return nil }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(s[8 + i]) << (UInt64(i) * 8) }
        return v
    }

    static func storeCardinality(_ s: inout [UInt8], _ card: UInt64) {
        for i in 0..<8 { s[8 + i] = UInt8(truncatingIfNeeded: card >> (UInt64(i) * 8)) }
    }

    // MARK: dense registers

    @inlinable static func denseGet(_ s: UnsafeBufferPointer<UInt8>, _ reg: Int) -> Int {
        let byte = headerSize + reg * 6 / 8
        let fb = (reg * 6) & 7
        let b0 = Int(s[byte])
        let b1 = byte + 1 < s.count ? Int(s[byte + 1]) : 0
        return ((b0 >> fb) | (b1 << (8 - fb))) & 63
    }

    @inlinable static func denseGet(_ s: [UInt8], _ reg: Int) -> Int {
        s.withUnsafeBufferPointer { denseGet($0, reg) }
    }

    @inlinable static func denseSetRaw(_ s: inout [UInt8], _ reg: Int, _ val: Int) {
        let byte = headerSize + reg * 6 / 8
        let fb = (reg * 6) & 7
        let fb8 = 8 - fb
        s[byte] &= ~UInt8(truncatingIfNeeded: 63 << fb)
        s[byte] |= UInt8(truncatingIfNeeded: val << fb)
        if byte + 1 < s.count {
            s[byte + 1] &= ~UInt8(truncatingIfNeeded: 63 >> fb8)
            s[byte + 1] |= UInt8(truncatingIfNeeded: val >> fb8)
        }
    }

    /// Raises register `reg` to `count` when that is higher; true when it changed.
    @inlinable static func denseSet(_ s: inout [UInt8], _ reg: Int, _ count: Int) -> Bool {
        if count > denseGet(s, reg) {
            denseSetRaw(&s, reg, count)
            return true
        }
        return false
    }

    // MARK: sparse

    @inlinable static func valOpcode(_ value: Int, _ len: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: ((value - 1) << 2) | (len - 1)) | 0x80
    }

    static func appendZeros(_ seq: inout [UInt8], _ len: Int) {
        if len > sparseZeroMaxLen {
            let l = len - 1
            seq.append(UInt8(truncatingIfNeeded: l >> 8) | 0x40)
            seq.append(UInt8(truncatingIfNeeded: l & 0xff))
        } else {
            seq.append(UInt8(truncatingIfNeeded: len - 1))
        }
    }

    /// Converts a sparse HLL to dense (the header, cached cardinality included, is kept).
    static func sparseToDense(_ s: inout [UInt8]) throws(Failure) {
        if s[4] == encodingDense { return }
        var d = [UInt8](repeating: 0, count: denseSize)
        for i in 0..<headerSize { d[i] = s[i] }
        d[4] = encodingDense
        var idx = 0
        var p = headerSize
        let end = s.count
        while p < end {
            let op = s[p]
            if op & 0xc0 == 0 {
                idx += Int(op & 0x3f) + 1
                p += 1
            } else if op & 0x80 == 0 {
                guard p + 1 < end else { throw .corrupted }
                idx += ((Int(op & 0x3f) << 8) | Int(s[p + 1])) + 1
                p += 2
            } else {
                let runlen = Int(op & 3) + 1
                let val = Int((op >> 2) & 0x1f) + 1
                if runlen + idx > registerCount { break }
                for _ in 0..<runlen {
                    denseSetRaw(&d, idx, val)
                    idx += 1
                }
                p += 1
            }
        }
        if idx != registerCount { throw .corrupted }
        s = d
    }

    /// Raises register `index` of a sparse HLL to `count` (Redis's hllSparseSet), promoting to dense
    /// when needed. Returns true when a register changed.
    static func sparseSet(_ s: inout [UInt8], _ index: Int, _ count: Int, maxBytes: Int) throws(Failure) -> Bool {
        if count > sparseValMax {
            try sparseToDense(&s)
            return denseSet(&s, index, count)
        }
        var p = headerSize
        let end = s.count
        var first = 0
        var prev = -1
        var span = 0
        var oplen = 1
        while p < end {
            oplen = 1
            let op = s[p]
            if op & 0xc0 == 0 {
                span = Int(op & 0x3f) + 1
            } else if op & 0x80 != 0 {
                span = Int(op & 3) + 1
            } else {
                guard p + 1 < end else { throw .corrupted }
                span = ((Int(op & 0x3f) << 8) | Int(s[p + 1])) + 1
                oplen = 2
            }
            if index <= first + span - 1 { break }
            prev = p
            p += oplen
            first += span
        }
        if span == 0 || p >= end { throw .corrupted }
        let op = s[p]
        let isVal = op & 0x80 != 0
        let isZero = op & 0xc0 == 0
        let isXZero = !isVal && !isZero
        let runlen = span
        var done = false
        if isVal {
            let old = Int((op >> 2) & 0x1f) + 1
            if old >= count { return false }
            if runlen == 1 {
                s[p] = valOpcode(count, 1)
                done = true
            }
        }
        if !done && isZero && runlen == 1 {
            s[p] = valOpcode(count, 1)
            done = true
        }
        if !done {
            var seq: [UInt8] = []
            seq.reserveCapacity(5)
            let last = first + span - 1
            if isZero || isXZero {
                if index != first { appendZeros(&seq, index - first) }
                seq.append(valOpcode(count, 1))
                if index != last { appendZeros(&seq, last - index) }
            } else {
                let cur = Int((op >> 2) & 0x1f) + 1
                if index != first { seq.append(valOpcode(cur, index - first)) }
                seq.append(valOpcode(count, 1))
                if index != last { seq.append(valOpcode(cur, last - index)) }
            }
            let oldlen = isXZero ? 2 : 1
            let delta = seq.count - oldlen
            if delta > 0 && s.count + delta > maxBytes {
                try sparseToDense(&s)
                return denseSet(&s, index, count)
            }
            s.replaceSubrange(p..<(p + oldlen), with: seq)
        }
        // Merge adjacent VAL opcodes with the same value around the change (at most 5 opcodes).
        var q = prev >= 0 ? prev : headerSize
        var scan = 5
        while q < s.count && scan > 0 {
            scan -= 1
            let b = s[q]
            if b & 0xc0 == 0x40 { q += 2; continue }
            if b & 0xc0 == 0 { q += 1; continue }
            if q + 1 < s.count && s[q + 1] & 0x80 != 0 {
                let v1 = Int((b >> 2) & 0x1f) + 1, v2 = Int((s[q + 1] >> 2) & 0x1f) + 1
                if v1 == v2 {
                    let len = Int(b & 3) + 1 + Int(s[q + 1] & 3) + 1
                    if len <= sparseValMaxLen {
                        s[q + 1] = valOpcode(v1, len)
                        s.remove(at: q)
                        continue
                    }
                }
            }
            q += 1
        }
        invalidateCache(&s)
        return true
    }

    /// Adds an element; true when a register changed (the caller invalidates the cache).
    static func add(_ s: inout [UInt8], _ element: UnsafeRawBufferPointer, maxBytes: Int) throws(Failure) -> Bool {
        let (index, count) = registerAndCount(element)
        if s[4] == encodingDense { return denseSet(&s, index, count) }
        return try sparseSet(&s, index, count, maxBytes: maxBytes)
    }

    // MARK: counting

    /// Register-value histogram of a dense or sparse HLL.
    static func histogram(_ s: [UInt8]) throws(Failure) -> [Int] {
        var h = [Int](repeating: 0, count: 64)
        if s[4] == encodingDense {
            s.withUnsafeBufferPointer { b in
                for r in 0..<registerCount { h[denseGet(b, r)] += 1 }
            }
            return h
        }
        var idx = 0
        var p = headerSize
        let end = s.count
        while p < end {
            let op = s[p]
            if op & 0xc0 == 0 {
                let r = Int(op & 0x3f) + 1
                idx += r; h[0] += r; p += 1
            } else if op & 0x80 == 0 {
                guard p + 1 < end else { throw .corrupted }
                let r = ((Int(op & 0x3f) << 8) | Int(s[p + 1])) + 1
                idx += r; h[0] += r; p += 2
            } else {
                let r = Int(op & 3) + 1
                if r + idx > registerCount { break }
                idx += r
                h[Int((op >> 2) & 0x1f) + 1] += r
                p += 1
            }
        }
        if idx != registerCount { throw .corrupted }
        return h
    }

    /// Histogram of plain one-byte-per-register values (PFCOUNT over several keys).
    static func histogram(raw: [UInt8]) -> [Int] {
        var h = [Int](repeating: 0, count: 64)
        for v in raw { h[Int(v)] += 1 }
        return h
    }

    static func sigma(_ x0: Double) -> Double {
        if x0 == 1 { return .infinity }
        var x = x0, y = 1.0, z = x0, zp = 0.0
        repeat {
            x *= x
            zp = z
            z += x * y
            y += y
        } while zp != z
        return z
    }

    static func tau(_ x0: Double) -> Double {
        if x0 == 0 || x0 == 1 { return 0 }
        var x = x0, y = 1.0, z = 1 - x0, zp = 0.0
        repeat {
            x = x.squareRoot()
            zp = z
            y *= 0.5
            z -= (1 - x) * (1 - x) * y
        } while zp != z
        return z / 3
    }

    /// Ertl's improved estimator, as Redis's hllCount computes it.
    static func estimate(_ h: [Int]) -> UInt64 {
        let m = Double(registerCount)
        var z = m * tau((m - Double(h[q + 1])) / m)
        var j = q
        while j >= 1 {
            z += Double(h[j])
            z *= 0.5
            j -= 1
        }
        z += m * sigma(Double(h[0]) / m)
        let e = (alphaInf * m * m / z).rounded(.toNearestOrAwayFromZero)
        return e.isFinite && e >= 0 ? UInt64(e) : 0
    }

    /// Merges `s` into per-register maxima (Redis's hllMerge).
    static func merge(into max: inout [UInt8], _ s: [UInt8]) throws(Failure) {
        if s[4] == encodingDense {
            s.withUnsafeBufferPointer { b in
                for r in 0..<registerCount {
                    let v = UInt8(denseGet(b, r))
                    if v > max[r] { max[r] = v }
                }
            }
            return
        }
        var i = 0
        var p = headerSize
        let end = s.count
        while p < end {
            let op = s[p]
            if op & 0xc0 == 0 {
                i += Int(op & 0x3f) + 1; p += 1
            } else if op & 0x80 == 0 {
                guard p + 1 < end else { throw .corrupted }
                i += ((Int(op & 0x3f) << 8) | Int(s[p + 1])) + 1; p += 2
            } else {
                let r = Int(op & 3) + 1
                if r + i > registerCount { break }
                let v = UInt8((op >> 2) & 0x1f) + 1
                for _ in 0..<r {
                    if v > max[i] { max[i] = v }
                    i += 1
                }
                p += 1
            }
        }
        if i != registerCount { throw .corrupted }
    }

    /// PFDEBUG DECODE's text: `z:N`, `Z:N` and `v:value,len` per opcode.
    static func decode(_ s: [UInt8]) -> String {
        var parts: [String] = []
        var p = headerSize
        while p < s.count {
            let op = s[p]
            if op & 0xc0 == 0 {
                parts.append("z:\(Int(op & 0x3f) + 1)"); p += 1
            } else if op & 0x80 == 0 {
                let next = p + 1 < s.count ? Int(s[p + 1]) : 0
                parts.append("Z:\(((Int(op & 0x3f) << 8) | next) + 1)"); p += 2
            } else {
                parts.append("v:\(Int((op >> 2) & 0x1f) + 1),\(Int(op & 3) + 1)"); p += 1
            }
        }
        return parts.joined(separator: " ")
    }
}
