/// Redis 7.0's multi-part AOF manifest (`<appendfilename>.manifest` inside `appenddirname`):
/// one line per file, `file <name> seq <n> type <b|h|i>`, base first, then history, then the
/// incremental files in order. Names that need it are quoted the way Redis's `sdscatrepr` does.
public struct AOFManifest: Equatable, Sendable {
    public enum FileType: String, Sendable { case base = "b", history = "h", incr = "i" }

    public struct Entry: Equatable, Sendable {
        public var name: String
        public var seq: Int
        public var type: FileType
        public init(name: String, seq: Int, type: FileType) { self.name = name; self.seq = seq; self.type = type }
    }

    public var base: Entry?
    public var incrs: [Entry] = []
    public var history: [Entry] = []

    public init() {}

    /// The highest incr sequence number (0 when there is none).
    public var currentIncrSeq: Int { incrs.last?.seq ?? 0 }
    /// The base's sequence number (0 when there is none).
    public var baseSeq: Int { base?.seq ?? 0 }

    /// Redis's text form.
    public var text: String {
        var out = ""
        func line(_ e: Entry) { out += "file \(AOFManifest.quoted(e.name)) seq \(e.seq) type \(e.type.rawValue)\n" }
        if let b = base { line(b) }
        for h in history { line(h) }
        for i in incrs { line(i) }
        return out
    }

    /// A manifest parse error (Redis's wording where it has one).
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Parses a manifest. Lines starting with `#` are comments; keys may come in any order.
    public static func parse(_ text: String) throws -> AOFManifest {
        var m = AOFManifest()
        var lineNo = 0
        var maxIncrSeq = 0
        var rawLines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if rawLines.last?.isEmpty == true { rawLines.removeLast() }   // the newline ending the last line
        for raw in rawLines {
            lineNo += 1
            var line = Substring(raw)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.utf8.count > 1024 { throw ParseError(description: "The AOF manifest file contains too long line") }
            if line.hasPrefix("#") { continue }
            // Redis refuses blank lines too.
            guard let words = splitArgs(String(line)), words.count % 2 == 0, words.count >= 6 else {
                throw ParseError(description: "Invalid AOF manifest file format (line \(lineNo): \(line))")
            }
            var name: String?, seq: Int?, type: FileType?
            var i = 0
            while i < words.count {
                switch words[i] {
                case "file": name = words[i + 1]
                case "seq": seq = Int(words[i + 1])
                case "type": type = FileType(rawValue: words[i + 1])
                default: break   // unknown keys are skipped, like Redis
                }
                i += 2
            }
            if type == nil, let i = words.firstIndex(of: "type"), i % 2 == 0 {
                throw ParseError(description: "Unknown AOF file type (line \(lineNo))")
            }
            guard let n = name, let s = seq, s > 0, let t = type, !n.contains("/") else {
                throw ParseError(description: "Invalid AOF manifest file format (line \(lineNo): \(line))")
            }
            let e = Entry(name: n, seq: s, type: t)
            switch t {
            case .base:
                if m.base != nil { throw ParseError(description: "Found duplicate base file information (line \(lineNo))") }
                m.base = e
            case .history:
                m.history.append(e)
            case .incr:
                if s <= maxIncrSeq { throw ParseError(description: "Found a non-monotonic sequence number (line \(lineNo))") }
                maxIncrSeq = s
                m.incrs.append(e)
            }
        }
        if m.base == nil && m.incrs.isEmpty && m.history.isEmpty {
            throw ParseError(description: "Found an empty AOF manifest")
        }
        return m
    }

    /// Quotes `name` like `sdscatrepr` when it holds a space or a character that is not printable.
    static func quoted(_ name: String) -> String {
        let needs = name.utf8.contains { $0 <= 32 || $0 >= 127 || $0 == 34 || $0 == 39 || $0 == 92 }
        return needs ? reprQuoted(Array(name.utf8)) : name
    }

    /// Redis's `sdssplitargs`: words separated by spaces, "double quoted" with escapes or 'single quoted'.
    static func splitArgs(_ line: String) -> [String]? {
        let b = Array(line.utf8)
        var out: [String] = []
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        while true {
            while i < b.count && (b[i] == 32 || b[i] == 9) { i += 1 }
            if i >= b.count { return out }
            var cur: [UInt8] = []
            if b[i] == 34 {
                i += 1
                var closed = false
                while i < b.count {
                    let c = b[i]
                    if c == 92 && i + 1 < b.count {
                        let n = b[i + 1]
                        if n == UInt8(ascii: "x"), i + 3 < b.count, let h = hex(b[i + 2]), let l = hex(b[i + 3]) {
                            cur.append(h << 4 | l); i += 4; continue
                        }
                        switch n {
                        case UInt8(ascii: "n"): cur.append(10)
                        case UInt8(ascii: "r"): cur.append(13)
                        case UInt8(ascii: "t"): cur.append(9)
                        case UInt8(ascii: "b"): cur.append(8)
                        case UInt8(ascii: "a"): cur.append(7)
                        default: cur.append(n)
                        }
                        i += 2; continue
                    }
                    if c == 34 { closed = true; i += 1; break }
                    cur.append(c); i += 1
                }
                if !closed || (i < b.count && b[i] != 32 && b[i] != 9) { return nil }
            } else if b[i] == 39 {
                i += 1
                var closed = false
                while i < b.count {
                    if b[i] == 92 && i + 1 < b.count && b[i + 1] == 39 { cur.append(39); i += 2; continue }
                    if b[i] == 39 { closed = true; i += 1; break }
                    cur.append(b[i]); i += 1
                }
                if !closed || (i < b.count && b[i] != 32 && b[i] != 9) { return nil }
            } else {
                while i < b.count && b[i] != 32 && b[i] != 9 { cur.append(b[i]); i += 1 }
            }
            out.append(String(decoding: cur, as: UTF8.self))
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
