/// Redis's glob-style pattern matching (`stringmatchlen`): `*`, `?`, `[abc]`, `[^a-z]`, `\x`.
public enum Glob {
    /// True when `string` matches `pattern`.
    public static func match(_ pattern: UnsafeRawBufferPointer, _ string: UnsafeRawBufferPointer, nocase: Bool = false) -> Bool {
        var skipLonger = false
        return matchImpl(pattern, 0, string, 0, nocase, &skipLonger, 0)
    }

    /// Convenience over byte collections.
    public static func match<P: Collection, S: Collection>(_ pattern: P, _ string: S, nocase: Bool = false) -> Bool
    where P.Element == UInt8, S.Element == UInt8 {
        let p = Array(pattern), s = Array(string)
        return p.withUnsafeBytes { pp in s.withUnsafeBytes { ss in match(pp, ss, nocase: nocase) } }
    }

    /// True when the pattern is `*` (matches everything).
    public static func isMatchAll(_ p: [UInt8]) -> Bool { p.count == 1 && p[0] == UInt8(ascii: "*") }

    private static func lower(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c + 32 : c }

    private static func matchImpl(_ p: UnsafeRawBufferPointer, _ pi0: Int, _ s: UnsafeRawBufferPointer, _ si0: Int,
                                  _ nocase: Bool, _ skipLonger: inout Bool, _ nesting: Int) -> Bool {
        if nesting > 1000 { return false }
        var pi = pi0, si = si0
        let plen = p.count, slen = s.count
        while pi < plen && si < slen {
            switch p[pi] {
            case UInt8(ascii: "*"):
                while pi + 1 < plen && p[pi + 1] == UInt8(ascii: "*") { pi += 1 }
                if pi + 1 == plen { return true }
                while si < slen {
                    if matchImpl(p, pi + 1, s, si, nocase, &skipLonger, nesting + 1) { return true }
                    if skipLonger { return false }
                    si += 1
                }
                skipLonger = true
                return false
            case UInt8(ascii: "?"):
                si += 1
            case UInt8(ascii: "["):
                pi += 1
                let not = pi < plen && p[pi] == UInt8(ascii: "^")
                if not { pi += 1 }
                var matched = false
                while true {
                    if pi < plen && p[pi] == UInt8(ascii: "\\") && pi + 1 < plen {
                        pi += 1
                        if p[pi] == s[si] { matched = true }
                    } else if pi >= plen || p[pi] == UInt8(ascii: "]") {
                        break
                    } else if pi + 2 < plen && p[pi + 1] == UInt8(ascii: "-") {
                        var start = p[pi], end = p[pi + 2]
                        var c = s[si]
                        if start > end { swap(&start, &end) }
                        if nocase {
                            start = lower(start); end = lower(end); c = lower(c)
                        }
                        pi += 2
                        if c >= start && c <= end { matched = true }
                    } else {
                        if nocase {
                            if lower(p[pi]) == lower(s[si]) { matched = true }
                        } else if p[pi] == s[si] {
                            matched = true
                        }
                    }
                    pi += 1
                }
                if pi >= plen { pi = plen - 1 }
                if not { matched = !matched }
                if !matched { return false }
                si += 1
            case UInt8(ascii: "\\"):
                if pi + 1 < plen { pi += 1 }
                fallthrough
            default:
                if nocase {
                    if lower(p[pi]) != lower(s[si]) { return false }
                } else if p[pi] != s[si] {
                    return false
                }
                si += 1
            }
            pi += 1
            if si == slen {
                while pi < plen && p[pi] == UInt8(ascii: "*") { pi += 1 }
                break
            }
        }
        return pi == plen && si == slen
    }
}
