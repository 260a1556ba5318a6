#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fast byte-level searches used before any parsing: a file that never mentions Redis (or one of the
/// few Redis-only library names) is not lexed at all.
enum ByteSearch {
    /// ASCII-lower-cased needles (letters only) the prefilter looks for, case-insensitively.
    static let needles: [[UInt8]] = ["redis", "valkey", "sidekiq", "upstash"].map { Array($0.utf8) }

    /// True when `buffer` contains any of `needles`, ignoring ASCII case. One pass: 16 bytes at a time,
    /// each needle's first letter at i and last letter at i+len-1 compared together, candidates verified.
    static func containsAnyNeedle(_ base: UnsafeRawPointer, count: Int, needles: [[UInt8]] = ByteSearch.needles) -> Bool {
        let maxLen = needles.map(\.count).max() ?? 0
        guard count > 0 else { return false }
        if needles.count != 4 || count < maxLen + 16 {
            for needle in needles where count >= needle.count {
                if containsFolded(base, count: count, needle: needle) { return true }
            }
            return false
        }
        let fold = SIMD16<UInt8>(repeating: 0x20)
        let f0 = SIMD16<UInt8>(repeating: needles[0][0]), l0 = SIMD16<UInt8>(repeating: needles[0][needles[0].count - 1]), o0 = needles[0].count - 1
        let f1 = SIMD16<UInt8>(repeating: needles[1][0]), l1 = SIMD16<UInt8>(repeating: needles[1][needles[1].count - 1]), o1 = needles[1].count - 1
        let f2 = SIMD16<UInt8>(repeating: needles[2][0]), l2 = SIMD16<UInt8>(repeating: needles[2][needles[2].count - 1]), o2 = needles[2].count - 1
        let f3 = SIMD16<UInt8>(repeating: needles[3][0]), l3 = SIMD16<UInt8>(repeating: needles[3][needles[3].count - 1]), o3 = needles[3].count - 1
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var i = 0
        let last = count - maxLen - 16
        while i <= last {
            let a = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) | fold
            let m0 = (a .== f0) .& ((base.loadUnaligned(fromByteOffset: i + o0, as: SIMD16<UInt8>.self) | fold) .== l0)
            let m1 = (a .== f1) .& ((base.loadUnaligned(fromByteOffset: i + o1, as: SIMD16<UInt8>.self) | fold) .== l1)
            let m2 = (a .== f2) .& ((base.loadUnaligned(fromByteOffset: i + o2, as: SIMD16<UInt8>.self) | fold) .== l2)
            let m3 = (a .== f3) .& ((base.loadUnaligned(fromByteOffset: i + o3, as: SIMD16<UInt8>.self) | fold) .== l3)
            let m = (m0 .| m1) .| (m2 .| m3)
            if anyLane(m) {
                for lane in 0..<16 where m[lane] {
                    for needle in needles where verify(bytes + i + lane, needle) { return true }
                }
            }
            i += 16
        }
        // The tail, byte by byte.
        while i < count {
            for needle in needles where i + needle.count <= count && verify(bytes + i, needle) { return true }
            i += 1
        }
        return false
    }

    /// True when any lane is set; a bit-cast to two words instead of a generic reduction.
    @inline(__always)
    static func anyLane(_ m: SIMDMask<SIMD16<Int8>>) -> Bool {
        let words = unsafeBitCast(m, to: SIMD2<UInt64>.self)
        return (words[0] | words[1]) != 0
    }

    /// Case-insensitive (ASCII letters) search for a lower-case letters-only needle.
    static func containsFolded(_ base: UnsafeRawPointer, count: Int, needle: [UInt8]) -> Bool {
        let n = needle.count
        guard n >= 2, count >= n else { return false }
        let first = SIMD16<UInt8>(repeating: needle[0])
        let last = SIMD16<UInt8>(repeating: needle[n - 1])
        let fold = SIMD16<UInt8>(repeating: 0x20)
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var i = 0
        let limit = count - n
        while i + 16 <= limit + 1 {
            let a = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) | fold
            let b = base.loadUnaligned(fromByteOffset: i + n - 1, as: SIMD16<UInt8>.self) | fold
            let m = (a .== first) .& (b .== last)
            if anyLane(m) {
                for lane in 0..<16 where m[lane] {
                    if verify(bytes + i + lane, needle) { return true }
                }
            }
            i += 16
        }
        while i <= limit {
            if verify(bytes + i, needle) { return true }
            i += 1
        }
        return false
    }

    @inline(__always)
    static func verify(_ p: UnsafePointer<UInt8>, _ needle: [UInt8]) -> Bool {
        for k in 0..<needle.count where (p[k] | 0x20) != needle[k] { return false }
        return true
    }

    /// True when the first 8 KiB contain a NUL byte (git's binary heuristic).
    static func looksBinary(_ base: UnsafeRawPointer, count: Int) -> Bool {
        let n = min(count, 8192)
        guard n > 0 else { return false }
        return memchrNUL(base, n)
    }

    @inline(__always)
    static func memchrNUL(_ base: UnsafeRawPointer, _ n: Int) -> Bool {
        memchr(base, 0, n) != nil
    }
}

extension Array where Element == UInt8 {
    /// Case-insensitive (ASCII) search for a lower-case needle; returns the offsets of all matches.
    func foldedOffsets(of needle: String, from: Int = 0, to: Int? = nil) -> [Int] {
        let nd = Array(needle.utf8)
        let end = Swift.min(to ?? count, count)
        guard !nd.isEmpty, end - from >= nd.count else { return [] }
        var out: [Int] = []
        var i = from
        while i <= end - nd.count {
            var ok = true
            for k in 0..<nd.count where Self.fold(self[i + k]) != nd[k] { ok = false; break }
            if ok { out.append(i); i += nd.count } else { i += 1 }
        }
        return out
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b | 0x20 : b }
}
