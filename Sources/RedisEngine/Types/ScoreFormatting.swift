#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number formatting and parsing exactly as Redis 7.0 does it for sorted-set scores
/// (`strtod` with Redis's checks on input, `%.17g` on output, `inf`/`-inf` for infinities).
public enum RedisDouble {
    /// Parses a score the way Redis's `getDoubleFromObject` does: `strtod` over the whole
    /// string, no leading space, no NaN, no overflow. Returns nil when Redis would reply
    /// "value is not a valid float".
    public static func parse(_ bytes: [UInt8]) -> Double? {
        parse(bytes[...])
    }

    /// Slice variant of ``parse(_:)``.
    public static func parse(_ bytes: ArraySlice<UInt8>) -> Double? {
        let n = bytes.count
        if n == 0 || n > 5000 { return nil }
        if let f = bytes.first, isSpace(f) { return nil }
        // Fast path: plain (optionally signed) integers of up to 15 digits are exact doubles.
        if n <= 16 {
            var i = bytes.startIndex
            var neg = false
            if bytes[i] == UInt8(ascii: "-") { neg = true; i += 1 } else if bytes[i] == UInt8(ascii: "+") { i += 1 }
            if i < bytes.endIndex {
                var v: Int64 = 0
                var ok = true
                while i < bytes.endIndex {
                    let d = bytes[i] &- 48
                    if d > 9 { ok = false; break }
                    v = v * 10 + Int64(d)
                    i += 1
                }
                if ok { return neg ? (v == 0 ? -0.0 : -Double(v)) : Double(v) }
            }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf -> Double? in
            var j = 0
            for b in bytes { buf[j] = CChar(bitPattern: b); j += 1 }
            buf[n] = 0
            let base = buf.baseAddress!
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtod(base, &end)
            guard let e = end, e - base == n else { return nil }
            if v.isNaN { return nil }
            if errno == ERANGE && (v == .infinity || v == -.infinity || v == 0) { return nil }
            return v
        }
    }

    /// Parses like ``parse(_:)`` from a Swift string (tests, configuration).
    public static func parse(_ s: String) -> Double? { parse(Array(s.utf8)) }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == 32 || (c >= 9 && c <= 13)
    }

    /// Formats a double like Redis 7.0's reply code: `inf`, `-inf`, otherwise `%.17g`.
    public static func format(_ d: Double) -> [UInt8] {
        var out: [UInt8] = []
        append(d, to: &out)
        return out
    }

    /// Formats as a Swift string (tests, diagnostics).
    public static func formatString(_ d: Double) -> String { String(decoding: format(d), as: UTF8.self) }

    /// Appends the Redis text form of `d` to `out`.
    public static func append(_ d: Double, to out: inout [UInt8]) {
        if d.isInfinite {
            if d < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: [UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "f")])
            return
        }
        if d.isNaN { out.append(contentsOf: Array("nan".utf8)); return }
        // Integers up to 2^53 print identically under %.17g as plain digits.
        if d == d.rounded(.towardZero) && abs(d) < 1e15 {
            if d == 0 {
                if d.sign == .minus { out.append(UInt8(ascii: "-")) }
                out.append(UInt8(ascii: "0"))
                return
            }
            appendInt(Int64(d), to: &out)
            return
        }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf in
            let len = withVaList([d]) { vsnprintf(buf.baseAddress!, 64, "%.17g", $0) }
            for i in 0..<Int(max(0, min(len, 63))) { out.append(UInt8(bitPattern: buf[i])) }
        }
    }

    /// Redis's `d2string` (used where scores are stored or scanned as text, e.g. ZSCAN):
    /// integral values within the 64-bit range print as integers, others as `%.17g`.
    public static func d2string(_ d: Double) -> [UInt8] {
        if d.isFinite && d != 0 && d == d.rounded(.towardZero) && d > -9.2233720368547758e18 && d < 9.2233720368547758e18 {
            var out: [UInt8] = []
            appendInt(Int64(d), to: &out)
            return out
        }
        return format(d)
    }

    @inline(__always) static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { raw in
            repeat {
                raw[n] = UInt8(48 + m % 10)
                m /= 10
                n += 1
            } while m > 0
            while n > 0 { n -= 1; out.append(raw[n]) }
        }
    }
}
