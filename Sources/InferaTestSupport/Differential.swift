// The differential harness: the same commands go to a reference server (Debian's redis-server)
// and to the server under test; replies are compared byte for byte, normalised only where Redis
// leaves the order (or an exact value) open.

/// How a reply is normalised before comparison. `.exact` is the default: the bytes must match.
public enum ReplyNormalization: Hashable, Sendable {
    /// Byte for byte.
    case exact
    /// An array whose element order Redis leaves open (SMEMBERS, KEYS, HKEYS, SINTER, ...).
    case unordered
    /// A flat array of field/value pairs whose pair order is open (HGETALL, HRANDFIELD WITHVALUES).
    case unorderedPairs
    /// A `[cursor, [elements]]` SCAN reply; elements unordered (pairs when `pairs`), cursor kept.
    case scan(pairs: Bool)
    /// Same RESP type and, for arrays, same length (random picks: SRANDMEMBER -n, RANDOMKEY).
    case shape
    /// Integers equal within `tolerance` (PTTL after real time passes); other replies exact.
    case integerWithin(Int64)
    /// Only whether both are errors or both are not (for replies that depend on wall time).
    case errorness
    /// Each element of an array reply normalised by the given rule (EXEC of queued commands).
    case elements([ReplyNormalization])
    /// A HELLO reply: the connection `id` differs between servers and is masked; all else exact.
    case hello

    /// Returns the canonical form of `reply` under this normalisation.
    public func normalize(_ reply: RESPReply) -> RESPReply {
        switch self {
        case .exact, .integerWithin, .errorness, .shape:
            return reply
        case .unordered:
            guard let items = reply.elements else { return reply }
            return rewrap(reply, items.sorted(by: ReplyNormalization.byteOrder))
        case .unorderedPairs:
            guard let items = reply.elements, items.count % 2 == 0 else { return reply }
            var pairs: [(RESPReply, RESPReply)] = []
            var i = 0
            while i < items.count { pairs.append((items[i], items[i + 1])); i += 2 }
            pairs.sort { a, b in
                if a.0.encoded != b.0.encoded { return ReplyNormalization.byteOrder(a.0, b.0) }
                return ReplyNormalization.byteOrder(a.1, b.1)
            }
            return rewrap(reply, pairs.flatMap { [$0.0, $0.1] })
        case .scan(let pairs):
            guard let items = reply.elements, items.count == 2 else { return reply }
            let inner = (pairs ? ReplyNormalization.unorderedPairs : .unordered).normalize(items[1])
            return rewrap(reply, [items[0], inner])
        case .elements(let rules):
            guard let items = reply.elements, items.count == rules.count else { return reply }
            return rewrap(reply, zip(rules, items).map { $0.normalize($1) })
        case .hello:
            switch reply {
            case .map(let pairs):
                return .map(pairs.map { $0.key.text == "id" ? .init(key: $0.key, value: .integer(0)) : $0 })
            case .array(let items?):
                var out = items
                var i = 0
                while i + 1 < out.count {
                    if out[i].text == "id" { out[i + 1] = .integer(0) }
                    i += 2
                }
                return .array(out)
            default:
                return reply
            }
        }
    }

    /// Whether two replies agree under this normalisation.
    public func agree(_ a: RESPReply, _ b: RESPReply) -> Bool {
        switch self {
        case .integerWithin(let tol):
            if case .integer(let x) = a, case .integer(let y) = b { return abs(x - y) <= tol }
            return a.encoded == b.encoded
        case .errorness:
            return a.isError == b.isError
        case .shape:
            return ReplyNormalization.sameShape(a, b)
        case .elements(let rules):
            guard let x = a.elements, let y = b.elements, x.count == rules.count, y.count == rules.count else {
                return a.encoded == b.encoded
            }
            for (rule, (p, q)) in zip(rules, zip(x, y)) where !rule.agree(p, q) { return false }
            return true
        default:
            return normalize(a).encoded == normalize(b).encoded
        }
    }

    private static func sameShape(_ a: RESPReply, _ b: RESPReply) -> Bool {
        switch (a, b) {
        case (.array(let x), .array(let y)): return x?.count == y?.count
        case (.bulk(let x), .bulk(let y)): return (x == nil) == (y == nil)
        case (.error(let x), .error(let y)): return x == y
        case (.integer, .integer), (.simple, .simple), (.null, .null): return true
        case (.set(let x), .set(let y)), (.push(let x), .push(let y)): return x.count == y.count
        case (.map(let x), .map(let y)): return x.count == y.count
        default: return false
        }
    }

    private func rewrap(_ reply: RESPReply, _ items: [RESPReply]) -> RESPReply {
        switch reply {
        case .set: return .set(items)
        case .push: return .push(items)
        default: return .array(items)
        }
    }

    static func byteOrder(_ a: RESPReply, _ b: RESPReply) -> Bool {
        a.encoded.lexicographicallyPrecedes(b.encoded)
    }
}

/// One command of a differential sequence and how its reply is compared.
public struct DiffCommand: Hashable, Sendable, CustomStringConvertible {
    /// The command and its arguments as sent.
    public var args: [[UInt8]]
    /// How the reply is normalised before comparison.
    public var normalization: ReplyNormalization

    public init(_ args: [String], _ normalization: ReplyNormalization = .exact) {
        self.args = args.map { Array($0.utf8) }
        self.normalization = normalization
    }

    public init(bytes: [[UInt8]], _ normalization: ReplyNormalization = .exact) {
        self.args = bytes
        self.normalization = normalization
    }

    /// The command as redis-cli would print it (quoted where needed).
    public var description: String {
        args.map { arg -> String in
            let s = String(decoding: arg, as: UTF8.self)
            let plain = !arg.isEmpty && arg.allSatisfy { $0 > 32 && $0 < 127 && $0 != 34 && $0 != 39 && $0 != 92 }
            return plain ? s : "\"" + RESPReply.escape(arg).replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: " ")
    }
}

/// A reply that differed between the reference and the server under test.
public struct DiffMismatch: Sendable, CustomStringConvertible {
    /// Position of the command in its sequence.
    public var index: Int
    /// The command whose replies differ.
    public var command: DiffCommand
    /// The reference (redis-server) reply.
    public var expected: RESPReply
    /// The reply of the server under test.
    public var actual: RESPReply

    public var description: String {
        "#\(index) \(command)\n    redis-server: \(expected)\n    under test:   \(actual)"
    }
}

/// Parses a compact script of commands, one per line, with redis-cli style quoting:
/// `SET "a key" "va\"lue"`, `"\x00"` escapes; `#` starts a comment line. A trailing
/// ` ~unordered`, ` ~pairs`, ` ~scan`, ` ~hscan`, ` ~shape`, ` ~pttl`, ` ~errorness` picks the normalisation.
public enum DiffScript {
    public static func parse(_ text: String) -> [DiffCommand] {
        var out: [DiffCommand] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = rawLine.trimmingCharacters(in: " \t")
            if line.isEmpty || line.hasPrefix("#") { continue }
            var norm = ReplyNormalization.exact
            let markers: [(String, ReplyNormalization)] = [
                (" ~unordered", .unordered), (" ~pairs", .unorderedPairs), (" ~scan", .scan(pairs: false)),
                (" ~hscan", .scan(pairs: true)), (" ~shape", .shape), (" ~pttl", .integerWithin(250)),
                (" ~errorness", .errorness), (" ~hello", .hello),
            ]
            for (marker, n) in markers where line.hasSuffix(marker) {
                norm = n
                line = String(line.dropLast(marker.count))
            }
            out.append(DiffCommand(bytes: tokenize(line), norm))
        }
        return out
    }

    /// Splits a line into arguments, honouring double quotes and backslash escapes.
    public static func tokenize(_ line: String) -> [[UInt8]] {
        var args: [[UInt8]] = []
        var current: [UInt8] = []
        var inToken = false
        var inQuotes = false
        let bytes = Array(line.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\\"), i + 1 < bytes.count {
                    let n = bytes[i + 1]
                    switch n {
                    case UInt8(ascii: "n"): current.append(10); i += 2
                    case UInt8(ascii: "r"): current.append(13); i += 2
                    case UInt8(ascii: "t"): current.append(9); i += 2
                    case UInt8(ascii: "x") where i + 3 < bytes.count:
                        let hex = String(decoding: bytes[(i + 2)...(i + 3)], as: UTF8.self)
                        current.append(UInt8(hex, radix: 16) ?? 0); i += 4
                    default: current.append(n); i += 2
                    }
                    continue
                }
                if b == UInt8(ascii: "\"") { inQuotes = false; i += 1; continue }
                current.append(b); i += 1; continue
            }
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") {
                if inToken { args.append(current); current = []; inToken = false }
                i += 1; continue
            }
            if b == UInt8(ascii: "\"") { inQuotes = true; inToken = true; i += 1; continue }
            current.append(b); inToken = true; i += 1
        }
        if inToken { args.append(current) }
        return args
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}

/// Runs command sequences against a reference and a server under test and collects mismatches.
public struct DifferentialRunner: Sendable {
    public let reference: RedisTestClient
    public let candidate: RedisTestClient
    /// Commands are sent in pipelined batches of this size (1 = strict request/response).
    public var batch: Int

    public init(reference: RedisTestClient, candidate: RedisTestClient, batch: Int = 64) {
        self.reference = reference
        self.candidate = candidate
        self.batch = batch
    }

    /// Sends every command to both servers and returns the replies that differ.
    public func run(_ commands: [DiffCommand]) throws -> [DiffMismatch] {
        var mismatches: [DiffMismatch] = []
        var i = 0
        while i < commands.count {
            let chunk = commands[i..<min(commands.count, i + max(1, batch))]
            for c in chunk { try reference.send(bytes: c.args) }
            for c in chunk { try candidate.send(bytes: c.args) }
            var expected: [RESPReply] = []
            for _ in chunk { expected.append(try reference.readReply()) }
            for (offset, c) in chunk.enumerated() {
                let actual: RESPReply
                do { actual = try candidate.readReply() } catch {
                    throw RedisTestError("no reply from the server under test to #\(i + offset) \(c): \(error)")
                }
                if !c.normalization.agree(expected[offset], actual) {
                    mismatches.append(DiffMismatch(index: i + offset, command: c, expected: expected[offset], actual: actual))
                }
            }
            i += chunk.count
        }
        return mismatches
    }

    /// Resets both servers (FLUSHALL, SELECT 0) so a sequence starts from an empty keyspace.
    public func reset() throws {
        for (name, c) in [("redis-server", reference), ("server under test", candidate)] {
            let select = try c.command("SELECT", "0")
            let flush = try c.command("FLUSHALL")
            guard select == .simple("OK"), flush == .simple("OK") else {
                throw RedisTestError("cannot reset the \(name) between sequences: SELECT 0 -> \(select), FLUSHALL -> \(flush)")
            }
        }
    }

    /// Finds a short prefix-subsequence that still reproduces the first mismatch of `commands`:
    /// replays on reset servers, greedily dropping chunks (delta debugging), bounded by
    /// `maxReplays`. Returns the reduced sequence (ending with the mismatching command).
    public func minimize(_ commands: [DiffCommand], maxReplays: Int = 300) throws -> [DiffCommand] {
        guard let first = try replayFirstMismatch(commands) else { return commands }
        var current = Array(commands[0...first])
        var replays = 1
        var chunk = max(1, current.count / 2)
        while chunk >= 1 && replays < maxReplays {
            var start = 0
            var removedAny = false
            while start < current.count - 1 && replays < maxReplays {
                let end = min(start + chunk, current.count - 1) // never drop the failing command itself
                if end <= start { break }
                var trial = current
                trial.removeSubrange(start..<end)
                replays += 1
                if let idx = try replayFirstMismatch(trial) {
                    current = Array(trial[0...idx])
                    removedAny = true
                } else {
                    start = end
                }
            }
            if !removedAny { chunk /= 2 }
        }
        try reset()
        return current
    }

    private func replayFirstMismatch(_ commands: [DiffCommand]) throws -> Int? {
        try reset()
        return try run(commands).first?.index
    }
}
