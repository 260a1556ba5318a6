/// Redis's glob-style matcher (`stringmatchlen`): `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes.
/// Used by PSUBSCRIBE, ACL key/channel patterns and SSCAN/ZSCAN MATCH.
public enum RedisGlob {
    /// Whether `string` matches `pattern`.
    public static func matches(_ pattern: [UInt8], _ string: [UInt8], noCase: Bool = false) -> Bool {
        pattern.withUnsafeBufferPointer { p in
            string.withUnsafeBufferPointer { s in matches(p, s, noCase: noCase) }
        }
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 {
        (c >= 65 && c <= 90) ? c + 32 : c
    }

    /// Buffer form of ``matches(_:_:noCase:)``.
    public static func matches(_ p: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>, noCase: Bool) -> Bool {
        var pi = 0, si = 0
        var starP = -1, starS = 0
        let pn = p.count, sn = s.count
        while si < sn {
            if pi < pn {
                let c = p[pi]
                if c == UInt8(ascii: "*") {
                    while pi < pn && p[pi] == UInt8(ascii: "*") { pi += 1 }
                    if pi == pn { return true }
                    starP = pi
                    starS = si
                    continue
                }
                if let (ok, next) = matchOne(p, pi, s[si], noCase: noCase), ok {
                    pi = next
                    si += 1
                    continue
                }
            }
            if starP >= 0 {
                starS += 1
                si = starS
                pi = starP
                continue
            }
            return false
        }
        while pi < pn && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == pn
    }

    /// Matches one pattern element at `pi` against `ch`; returns (matched, next pattern index).
    @inline(__always)
    static func matchOne(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ ch: UInt8, noCase: Bool) -> (Bool, Int)? {
        var pi = start
        let pn = p.count
        switch p[pi] {
        case UInt8(ascii: "?"):
            return (true, pi + 1)
        case UInt8(ascii: "["):
            pi += 1
            var not = false
            if pi < pn && p[pi] == UInt8(ascii: "^") { not = true; pi += 1 }
            var match = false
            while true {
                if pi >= pn { pi -= 1; break }   // unterminated class: Redis treats end as ']'
                let c = p[pi]
                if c == UInt8(ascii: "]") { break }
                if c == UInt8(ascii: "\\") && pi + 2 < pn + 1 && pi + 1 < pn {
                    pi += 1
                    if p[pi] == ch || (noCase && lower(p[pi]) == lower(ch)) { match = true }
                } else if pi + 2 < pn && p[pi + 1] == UInt8(ascii: "-") {
                    var a = c, z = p[pi + 2]
                    if a > z { swap(&a, &z) }
                    var x = ch
                    if noCase { a = lower(a); z = lower(z); x = lower(x) }
                    pi += 2
                    if x >= a && x <= z { match = true }
                } else {
                    if c == ch || (noCase && lower(c) == lower(ch)) { match = true }
                }
                pi += 1
            }
            if not { match = !match }
            return (match, pi + 1)
        case UInt8(ascii: "\\") where pi + 1 < pn:
            let c = p[pi + 1]
            return (c == ch || (noCase && lower(c) == lower(ch)), pi + 2)
        default:
            let c = p[pi]
            return (c == ch || (noCase && lower(c) == lower(ch)), pi + 1)
        }
    }
}
