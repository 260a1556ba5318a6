/// Fast byte-level searches used before any parsing: a file that never mentions Redis (or one of the
/// few Redis-only library names) is not lexed at all.
enum ByteSearch {
    /// ASCII-lower-cased needles (letters only) the prefilter looks for, case-insensitively.
    static let needles: [[UInt8]] = ["redis", "valkey", "sidekiq", "upstash"].map { Array($0.utf8) }

    /// True when `buffer` contains any of `needles`, ignoring ASCII case.
    /// Compares 16 bytes at a time against each needle's first and last letter, then verifies candidates.
    static func containsAnyNeedle(_ base: UnsafeRawPointer, count: Int, needles: [[UInt8]] = ByteSearch.needles) -> Bool {
        for needle in needles where count >= needle.count {
            if containsFolded(base, count: count, needle: needle) { return true }
        }
        return false
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
            if any(m) {
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
        let p = base.assumingMemoryBound(to: UInt8.self)
        for i in 0..<n where p[i] == 0 { return true }
        return false
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
