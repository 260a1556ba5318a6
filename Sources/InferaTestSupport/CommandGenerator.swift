// A seeded generator of random Redis command sequences for property-based differential tests:
// valid and invalid commands over a small shared keyspace (so types collide and WRONGTYPE,
// arity, syntax and range errors are exercised). Everything it generates has a deterministic
// reply on redis-server, or is marked with the normalisation that makes it comparable.

/// SplitMix64: a small, fast, seedable generator (same seed → same sequence on every platform).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates random command sequences from a seed, per command group.
public struct CommandGenerator: Sendable {
    /// Command families that can be switched on separately (as the engine grows).
    public enum Group: String, CaseIterable, Sendable {
        case strings, bits, keys, expiry, hashes, lists, sets, sortedSets, server, invalid, streams, extremes

        /// Every group except `.streams` and `.extremes`, which are opt-in (StreamDifferentialTests,
        /// ExtremeIntegerTests) so the existing seeds keep generating the sequences they always did.
        public static var allCases: [Group] {
            [.strings, .bits, .keys, .expiry, .hashes, .lists, .sets, .sortedSets, .server, .invalid]
        }
    }

    public let seed: UInt64
    public let groups: [Group]
    private var rng: SeededGenerator
    private let keyCount: Int
    /// Key prefix of the current command's type ("k" strings, "h" hashes, "l" lists, "s" sets,
    /// "z" sorted sets, "" any): most keys have the command's type, some collide on purpose.
    private var prefix = ""
    /// Milliseconds part of generated stream IDs: grows so most XADDs succeed on both servers.
    private var streamMs = 1

    /// - Parameters:
    ///   - seed: the seed; print it on failure so a run can be reproduced.
    ///   - groups: which command families to draw from.
    ///   - keyCount: size of the shared keyspace (smaller = more type collisions).
    /// Commands for which this returns true are not emitted (known engine gaps, documented).
    private let excluding: @Sendable (DiffCommand) -> Bool

    public init(seed: UInt64, groups: [Group] = Group.allCases, keyCount: Int = 12,
                excluding: @escaping @Sendable (DiffCommand) -> Bool = { _ in false }) {
        self.seed = seed
        self.excluding = excluding
        self.groups = groups.isEmpty ? Group.allCases : groups
        self.rng = SeededGenerator(seed: seed)
        self.keyCount = max(1, keyCount)
    }

    /// The next `count` commands.
    public mutating func sequence(count: Int) -> [DiffCommand] {
        (0..<count).map { _ in next() }
    }

    /// The next random command (never one that `excluding` rejects; bounded retries).
    public mutating func next() -> DiffCommand {
        var c = nextUnfiltered()
        var tries = 0
        while excluding(c) && tries < 1000 {
            c = nextUnfiltered()
            tries += 1
        }
        return c
    }

    private mutating func nextUnfiltered() -> DiffCommand {
        let g = groups[int(groups.count)]
        switch g {
        case .strings, .bits: prefix = "k"
        case .hashes: prefix = "h"
        case .lists: prefix = "l"
        case .sets: prefix = "s"
        case .sortedSets: prefix = "z"
        case .streams: prefix = "x"
        case .keys, .expiry, .server, .invalid, .extremes: prefix = ""
        }
        switch g {
        case .strings: return strings()
        case .bits: return bits()
        case .keys: return keys()
        case .expiry: return expiry()
        case .hashes: return hashes()
        case .lists: return lists()
        case .sets: return sets()
        case .sortedSets: return sortedSets()
        case .server: return server()
        case .invalid: return invalid()
        case .streams: return streams()
        case .extremes: return extremes()
        }
    }

    // MARK: - random pieces

    private mutating func int(_ n: Int) -> Int { n <= 1 ? 0 : Int(rng.next() % UInt64(n)) }
    private mutating func range(_ lo: Int, _ hi: Int) -> Int { lo + int(hi - lo + 1) }
    private mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    private mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }

    private mutating func key() -> String {
        let p = prefix.isEmpty || chance(15) ? pick(["k", "h", "l", "s", "z"]) : prefix
        return "\(p)\(int(keyCount))"
    }
    private mutating func keys(_ lo: Int, _ hi: Int) -> [String] { (0..<range(lo, hi)).map { _ in key() } }

    private mutating func value() -> String {
        switch int(10) {
        case 0: return ""
        case 1, 2: return String(range(-20, 120))
        case 3: return pick(["3.5", "-0.25", "1e3", "10.0", "  7", "0x10", "9223372036854775807", "-9223372036854775808", "12345678901234567890"])
        case 4: return pick(["hello world", "a\u{0}b", "ünï", "\r\n", "*1\r\n$1\r\nx"])
        case 5: return String(repeating: pick(["x", "ab"]), count: range(20, 70))
        default: return pick(["a", "b", "c", "d", "e", "f", "foo", "bar", "baz", "v1", "v2"])
        }
    }

    private mutating func member() -> String { pick(["a", "b", "c", "d", "e", "f", "g", "1", "2", "10", "-3", "m1", "m2", ""]) }
    private mutating func field() -> String { pick(["f1", "f2", "f3", "f4", "n", "x", "", "name", "count"]) }
    private mutating func index() -> String { String(range(-6, 6)) }
    private mutating func smallInt() -> String { String(range(-5, 10)) }
    private mutating func score() -> String {
        pick(["0", "1", "2", "3", "-1", "1.5", "2.5", "-2.75", "10", "100", "inf", "-inf", "+inf", "0.1", "1e2", "3.0000000000000004"])
    }
    private mutating func scoreBound() -> String {
        pick(["-inf", "+inf", "0", "1", "(1", "2", "(2.5", "10", "(100", "-1", "3"])
    }
    private mutating func lexBound() -> String { pick(["-", "+", "[a", "(a", "[c", "(d", "[m1", "[", "(", "[z"]) }
    private mutating func ttl() -> String { String(range(100, 10_000)) }

    private func cmd(_ args: [String], _ n: ReplyNormalization = .exact) -> DiffCommand { DiffCommand(args, n) }

    /// Integers at the edges of every width a server might convert a client's number to:
    /// 0, -1, ±2^31, ±2^32, ±2^62, ±(2^63-1), -2^63, 2^63 and 2^64 (not 64-bit integers), non-integers.
    public static let extremeIntegers = [
        "0", "-1", "1", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "-4294967296", "4611686018427387903", "4611686018427387904", "-4611686018427387903", "-4611686018427387904",
        "9223372036854775807", "-9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616", "", "1e3", "3.5", " 1", "+1", "01", "-0",
    ]
    /// The same without values that make either server allocate a large string (offsets between
    /// 2^20 and the 512 MB proto-max-bulk-len: SETRANGE/SETBIT/BITFIELD writes would really allocate).
    public static let extremeOffsets = extremeIntegers.filter {
        guard let v = Int64($0) else { return true }
        return v < (1 << 20) || v >= Int64(4_294_967_296)
    }

    private mutating func extreme() -> String { pick(Self.extremeIntegers) }
    private func stableTTL(_ x: String) -> String { x == "1" ? "100000" : x }
    private mutating func extremeOffset() -> String { pick(Self.extremeOffsets) }
    /// A count for SRANDMEMBER/HRANDFIELD/ZRANDMEMBER: huge negative counts make redis-server loop
    /// until memory runs out (it builds the reply element by element), so they are left out.
    private mutating func randomCount() -> String {
        pick(Self.extremeIntegers.filter { v in !(v.hasPrefix("-") && v.count > 3 && v != "-9223372036854775808" && v != "-9223372036854775809") })
    }

    /// Commands whose integer arguments are extreme, over keys of every type (issue #15): offsets,
    /// lengths, counts, indexes, score ranges, LIMIT, TTLs and sizes. Replies are deterministic on
    /// redis-server (random picks only with normalisations that make them comparable).
    private mutating func extremes() -> DiffCommand {
        let x = extreme()
        let o = extremeOffset()
        switch int(44) {
        case 0: return cmd(["SETRANGE", pick(["k0", "k1", "knew"]), o, pick(["A", "", "xyz"])])
        case 1: return cmd(["GETRANGE", "k0", x, extreme()])
        case 2: return cmd(["SETBIT", pick(["k0", "k2"]), o, pick(["0", "1"])])
        case 3: return cmd(["GETBIT", "k0", x])
        case 4: return cmd(["BITCOUNT", "k0", x, extreme()] + (chance(50) ? [pick(["BIT", "BYTE"])] : []))
        case 5: return cmd(["BITPOS", "k0", pick(["0", "1"]), x] + (chance(60) ? [extreme()] : []) + (chance(40) ? [pick(["BIT", "BYTE"])] : []))
        case 6: return cmd(["BITFIELD", "k0", "GET", pick(["u8", "i64", "u63", "i1"]), pick([x, "#" + x])])
        case 7: return cmd(["BITFIELD", "k0", "SET", pick(["u8", "i16"]), pick([o, "#" + pick(["0", "1", "-1", "9223372036854775807", "-9223372036854775807"])]), x])
        case 8:
            return cmd(["BITFIELD", "k0", "OVERFLOW", pick(["WRAP", "SAT", "FAIL"]), "INCRBY", pick(["i64", "i8", "u63", "u1"]),
                        pick(["0", "3", "#1"]), x])
        case 9: return cmd(["LRANGE", "l0", x, extreme()])
        case 10: return cmd(["LINDEX", "l0", x])
        case 11: return cmd(["LSET", "l0", x, "v"])
        case 12: return cmd(["LPOS", "l0", pick(["a", "b"])] + pick([["RANK", x], ["COUNT", x], ["MAXLEN", x], ["RANK", x, "COUNT", extreme(), "MAXLEN", extreme()]]))
        case 13: return cmd(["LTRIM", "l1", x, extreme()])
        case 14: return cmd([pick(["LPOP", "RPOP"]), "l0", x])
        case 15: return cmd(["LMPOP", "1", "l0", pick(["LEFT", "RIGHT"]), "COUNT", x])
        case 16: return cmd(["SRANDMEMBER", pick(["s0", "snone"]), randomCount()], .shape)
        case 17: return cmd(["SPOP", "s1", x], .shape)
        case 18: return cmd(["HRANDFIELD", pick(["h0", "hnone"]), randomCount()] + (chance(50) ? ["WITHVALUES"] : []), .shape)
        case 19: return cmd(["ZRANDMEMBER", pick(["z0", "znone"]), randomCount()] + (chance(50) ? ["WITHSCORES"] : []), .shape)
        case 20: return cmd(["ZRANGE", "z0", x, extreme()] + (chance(30) ? ["REV"] : []))
        case 21: return cmd(["ZRANGE", "z0", "-inf", "+inf", "BYSCORE", "LIMIT", x, extreme()])
        case 22: return cmd(["ZRANGEBYSCORE", "z0", "-inf", "+inf", "LIMIT", x, extreme()])
        case 23: return cmd(["ZRANGEBYLEX", "z0", "-", "+", "LIMIT", x, extreme()])
        case 24: return cmd(["ZREVRANGEBYSCORE", "z0", "+inf", "-inf", "WITHSCORES", "LIMIT", x, extreme()])
        case 25: return cmd(["ZREMRANGEBYRANK", "z1", x, extreme()])
        case 26: return cmd([pick(["ZPOPMIN", "ZPOPMAX"]), "z1", x])
        case 27: return cmd(["ZADD", "z0", pick([x, "1e308", "-1e308", "inf"]), "m"])
        case 28: return cmd(["ZINCRBY", "z0", pick([x, "1e308", "inf"]), "m"])
        // A relative TTL of 1 (second or millisecond) expires while the sequence runs, at a different
        // point on each server: it becomes 100000 (absolute times of 1 are in the past, deterministic).
        case 29:
            let c = pick(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
            return cmd([c, pick(["k0", "l0"]), c.hasSuffix("AT") ? x : stableTTL(x)])
        case 30:
            let unit = pick(["EX", "PX", "EXAT", "PXAT"])
            return cmd(["SET", "k3", "v", unit, unit.hasSuffix("AT") ? x : stableTTL(x)])
        case 31: return cmd([pick(["SETEX", "PSETEX"]), "k3", stableTTL(x), "v"])
        case 32:
            let unit = pick(["EX", "PX", "EXAT", "PXAT"])
            return cmd(["GETEX", "k0", unit, unit.hasSuffix("AT") ? x : stableTTL(x)])
        case 33: return cmd([pick(["INCRBY", "DECRBY"]), pick(["n0", "n1"]), x])
        case 34: return cmd(["INCRBYFLOAT", pick(["n0", "n1"]), pick([x, "1e308", "-1e308", "5e-324"])])
        case 35: return cmd(["HINCRBY", "h0", "n", x])
        case 36: return cmd([pick(["SELECT", "MOVE k0", "SWAPDB 0", "COPY k0 kc DB"]), x].flatMap { $0.split(separator: " ").map(String.init) })
        case 37:
            // Small positive COUNTs make the reply depend on the hash table's layout: only counts that
            // cover the whole keyspace, or that are invalid, are compared.
            let count = Int64(x).map { $0 > 0 && $0 < 1000 ? "1000" : x } ?? x
            return cmd(["SCAN", pick(["0", "", "x1", " 1"]), "COUNT", count], .scan(pairs: false))
        case 38: return cmd(["SORT", "l0", "ALPHA", "LIMIT", x, extreme()])
        case 39:
            let explicit = "\(2_000_000_000_000 + int(1000))-1"
            return cmd(["XADD", "x0", pick(["\(x)-1", "1-\(x)", "\(x)", explicit]), "f", "v"])
        case 40: return cmd(["XRANGE", "x0", pick(["-", x, "\(x)-\(extreme())"]), "+", "COUNT", x])
        case 41: return cmd(["XTRIM", "x0", pick(["MAXLEN", "MINID"]), x])
        case 42: return cmd(["OBJECT", "FREQ", "k0"])
        default:
            // Fill the keyspace the commands above work on.
            switch int(7) {
            case 0: return cmd(["SET", "k0", pick(["hello world", "\u{ff}\u{0}abc", ""])])
            case 1: return cmd(["RPUSH", "l0", "a", "b", "c", "a"])
            case 2: return cmd(["SADD", pick(["s0", "s1"]), "a", "b", "c"])
            case 3: return cmd(["HSET", "h0", "a", "1", "n", "5"])
            case 4: return cmd(["ZADD", pick(["z0", "z1"]), "1", "a", "2", "b", "3", "c"])
            case 5: return cmd(["SET", pick(["n0", "n1"]), pick(["10", "9223372036854775807", "-9223372036854775808", "1.5"])])
            default: return cmd(["RPUSH", "l1", "a", "b", "c"])
            }
        }
    }

    // MARK: - groups

    private mutating func strings() -> DiffCommand {
        let k = key()
        switch int(28) {
        case 0, 1, 2: return cmd(["SET", k, value()])
        case 3:
            var a = ["SET", k, value()]
            if chance(40) { a += pick([["EX", ttl()], ["PX", ttl() + "000"], ["EXAT", "4102444800"], ["PXAT", "4102444800000"], ["KEEPTTL"], ["EX", "0"], ["PX", "-5"], ["EX", "abc"]]) }
            if chance(40) { a.append(pick(["NX", "XX"])) }
            if chance(30) { a.append("GET") }
            if chance(10) { a.append(pick(["NX", "XX", "KEEPTTL", "FOO"])) }
            return cmd(a)
        case 4, 5: return cmd(["GET", k])
        case 6: return cmd(["SETNX", k, value()])
        case 7: return cmd(["SETEX", k, pick([ttl(), "0", "-1", "x"]), value()])
        case 8: return cmd(["PSETEX", k, pick([ttl() + "000", "0"]), value()])
        case 9:
            var a = ["GETEX", k]
            if chance(60) { a += pick([["EX", ttl()], ["PX", ttl() + "000"], ["PERSIST"], ["EXAT", "4102444800"], ["EX", "0"], ["PERSIST", "EX", "5"]]) }
            return cmd(a)
        case 10: return cmd(["GETDEL", k])
        case 11: return cmd(["GETSET", k, value()])
        case 12: return cmd(["MGET"] + keys(1, 4))
        case 13:
            var a = ["MSET"]
            for _ in 0..<range(1, 3) { a += [key(), value()] }
            return cmd(a)
        case 14:
            var a = ["MSETNX"]
            for _ in 0..<range(1, 3) { a += [key(), value()] }
            return cmd(a)
        case 15: return cmd(["APPEND", k, value()])
        case 16: return cmd(["STRLEN", k])
        case 17, 18: return cmd([pick(["INCR", "DECR"]), k])
        case 19: return cmd([pick(["INCRBY", "DECRBY"]), k, pick([smallInt(), "9223372036854775807", "-9223372036854775808", "1.5", "x", "100"])])
        case 20: return cmd(["INCRBYFLOAT", k, pick(["0.1", "1", "-2.5", "1e3", "3.0e-2", "inf", "x", "10.50", "5.0e3"])])
        case 21: return cmd(["GETRANGE", k, index(), index()])
        case 22: return cmd(["SETRANGE", k, pick(["0", "1", "3", "10", "-1"]), value()])
        case 23:
            var a = ["LCS", k, key()]
            if chance(50) { a.append(pick(["LEN", "IDX", "IDX MINMATCHLEN 2", "IDX WITHMATCHLEN"])) }
            return cmd(a.flatMap { $0.split(separator: " ").map(String.init) })
        case 24: return cmd(["SUBSTR", k, index(), index()])
        case 25: return cmd(["SET", k, String(range(-5, 50))])
        case 26: return cmd(["INCRBY", k, String(range(-100, 100))])
        default: return cmd(["EXISTS", k])
        }
    }

    private mutating func bits() -> DiffCommand {
        let k = key()
        switch int(9) {
        case 0, 1: return cmd(["SETBIT", k, String(range(0, 80)), pick(["0", "1", "1", "2"])])
        case 2: return cmd(["GETBIT", k, String(range(0, 90))])
        case 3:
            var a = ["BITCOUNT", k]
            if chance(60) { a += [index(), index()] }
            if chance(30) { a.append(pick(["BYTE", "BIT"])) }
            return cmd(a)
        case 4:
            var a = ["BITPOS", k, pick(["0", "1"])]
            if chance(50) { a.append(index()) }
            if chance(30) { a.append(index()) }
            return cmd(a)
        case 5:
            let op = pick(["AND", "OR", "XOR", "NOT"])
            return cmd(["BITOP", op, key()] + (op == "NOT" ? [key()] : keys(1, 3)))
        case 6:
            return cmd(["BITFIELD", k] + pick([
                ["GET", "u8", "0"], ["SET", "i8", "#1", "100"], ["INCRBY", "u4", "2", "7"],
                ["OVERFLOW", "SAT", "INCRBY", "i8", "0", "200"], ["OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"],
                ["GET", "i64", "0"], ["GET", "u64", "0"], ["SET", "u16", "8", "65535", "GET", "u16", "8"],
            ]))
        case 7: return cmd(["BITFIELD_RO", k, "GET", "u8", String(range(0, 16))])
        default: return cmd(["SET", k, value()])
        }
    }

    private mutating func keys() -> DiffCommand {
        let k = key()
        switch int(20) {
        case 0: return cmd(["DEL"] + keys(1, 3))
        case 1: return cmd(["UNLINK"] + keys(1, 3))
        case 2: return cmd(["EXISTS"] + keys(1, 4))
        case 3: return cmd(["TYPE", k])
        case 4: return cmd(["RENAME", k, key()])
        case 5: return cmd(["RENAMENX", k, key()])
        case 6:
            var a = ["COPY", k, key()]
            if chance(40) { a.append("REPLACE") }
            if chance(20) { a += ["DB", pick(["0", "1", "x"])] }
            return cmd(a)
        case 7: return cmd(["MOVE", k, pick(["1", "0", "2", "x", "99"])])
        case 8: return cmd(["TOUCH"] + keys(1, 3))
        case 9: return cmd(["KEYS", pick(["*", "k1*", "k?", "k[1-3]", "nomatch", "k\\1"])], .unordered)
        case 10: return cmd(["SCAN", "0", "COUNT", "1000"] + (chance(40) ? ["MATCH", pick(["k1*", "*", "k?"])] : [])
                        + (chance(30) ? ["TYPE", pick(["string", "hash", "list", "set", "zset"])] : []), .scan(pairs: false))
        case 11: return cmd(["RANDOMKEY"], .shape)
        case 12: return cmd(["DBSIZE"])
        case 13:
            var a = ["SORT", k]
            if chance(40) { a.append(pick(["ALPHA", "DESC", "ASC"])) }
            if chance(30) { a += ["LIMIT", String(range(0, 3)), String(range(-1, 4))] }
            if chance(20) { a.append("ALPHA") }
            if chance(15) { a += ["STORE", key()] }
            return cmd(a)
        case 14: return cmd(["SORT_RO", k, "ALPHA"])
        case 15: return cmd(["SELECT", pick(["0", "1", "0", "0"])])
        case 16: return cmd(["SWAPDB", "0", "1"])
        case 17: return cmd(["EXISTS", k])
        case 18: return cmd(["TYPE", k])
        default: return cmd(["DEL", k])
        }
    }

    private mutating func expiry() -> DiffCommand {
        let k = key()
        switch int(14) {
        case 0, 1:
            var a = [pick(["EXPIRE", "PEXPIRE"]), k, pick([ttl(), ttl(), "0", "-1", "x", "9223372036854775807"])]
            if chance(40) { a.append(pick(["NX", "XX", "GT", "LT", "NX", "FOO"])) }
            if chance(10) { a.append(pick(["XX", "GT"])) }
            return cmd(a)
        case 2:
            var a = [pick(["EXPIREAT", "PEXPIREAT"]), k, pick(["4102444800", "4102444800000", "1", "100"])]
            if chance(30) { a.append(pick(["NX", "XX", "GT", "LT"])) }
            return cmd(a)
        case 3, 4: return cmd(["TTL", k], .integerWithin(1))
        case 5: return cmd(["PTTL", k], .integerWithin(500))
        case 6: return cmd(["EXPIRETIME", k], .integerWithin(1))
        case 7: return cmd(["PEXPIRETIME", k], .integerWithin(500))
        case 8: return cmd(["PERSIST", k])
        case 9: return cmd(["SET", k, value(), "EX", ttl()])
        case 10: return cmd(["EXPIRE", k, ttl()])
        case 11: return cmd(["GETEX", k, "PERSIST"])
        case 12: return cmd(["SET", k, value(), "KEEPTTL"])
        default: return cmd(["TTL", k], .integerWithin(1))
        }
    }

    private mutating func hashes() -> DiffCommand {
        let k = key()
        switch int(22) {
        case 0, 1, 2:
            var a = [pick(["HSET", "HSET", "HMSET"]), k]
            for _ in 0..<range(1, 3) { a += [field(), value()] }
            return cmd(a)
        case 3: return cmd(["HSETNX", k, field(), value()])
        case 4, 5: return cmd(["HGET", k, field()])
        case 6: return cmd(["HMGET", k] + (0..<range(1, 4)).map { _ in field() })
        case 7: return cmd(["HDEL", k] + (0..<range(1, 3)).map { _ in field() })
        case 8: return cmd(["HLEN", k])
        case 9: return cmd(["HEXISTS", k, field()])
        case 10: return cmd(["HINCRBY", k, field(), pick([smallInt(), "9223372036854775807", "x", "1.5"])])
        case 11: return cmd(["HINCRBYFLOAT", k, field(), pick(["0.5", "-1.25", "x", "1e2", "inf"])])
        case 12: return cmd(["HKEYS", k], .unordered)
        case 13: return cmd(["HVALS", k], .unordered)
        case 14, 15: return cmd(["HGETALL", k], .unorderedPairs)
        case 16: return cmd(["HSTRLEN", k, field()])
        case 17: return cmd(["HRANDFIELD", k, "100"], .unordered)
        case 18: return cmd(["HRANDFIELD", k, "100", "WITHVALUES"], .unorderedPairs)
        case 19: return cmd(["HRANDFIELD", k, pick(["-3", "-1", "0"])], .shape)
        case 20: return cmd(["HSCAN", k, "0", "COUNT", "1000"] + (chance(30) ? ["MATCH", "f*"] : []), .scan(pairs: true))
        default: return cmd(["HRANDFIELD", k], .shape)
        }
    }

    private mutating func lists() -> DiffCommand {
        let k = key()
        switch int(24) {
        case 0, 1, 2: return cmd([pick(["LPUSH", "RPUSH"]), k] + (0..<range(1, 4)).map { _ in member() })
        case 3: return cmd([pick(["LPUSHX", "RPUSHX"]), k] + (0..<range(1, 2)).map { _ in member() })
        case 4, 5: return cmd([pick(["LPOP", "RPOP"]), k] + (chance(40) ? [pick(["0", "1", "2", "10", "-1", "x"])] : []))
        case 6: return cmd(["LLEN", k])
        case 7, 8: return cmd(["LRANGE", k, index(), index()])
        case 9: return cmd(["LINDEX", k, index()])
        case 10: return cmd(["LSET", k, index(), member()])
        case 11: return cmd(["LINSERT", k, pick(["BEFORE", "AFTER", "MIDDLE"]), member(), member()])
        case 12: return cmd(["LREM", k, index(), member()])
        case 13: return cmd(["LTRIM", k, index(), index()])
        case 14:
            var a = ["LPOS", k, member()]
            if chance(40) { a += ["RANK", pick(["1", "-1", "2", "0"])] }
            if chance(40) { a += ["COUNT", pick(["0", "1", "2"])] }
            if chance(20) { a += ["MAXLEN", pick(["0", "2"])] }
            return cmd(a)
        case 15: return cmd(["LMOVE", k, key(), pick(["LEFT", "RIGHT"]), pick(["LEFT", "RIGHT", "UP"])])
        case 16: return cmd(["RPOPLPUSH", k, key()])
        case 17:
            let ks = keys(1, 3)
            var a = ["LMPOP", String(ks.count)] + ks + [pick(["LEFT", "RIGHT"])]
            if chance(40) { a += ["COUNT", pick(["1", "2", "5", "0"])] }
            return cmd(a)
        case 18: return cmd(["BLPOP"] + keys(1, 2) + ["0"]).nonBlockingOnlyIfPresent
        case 19: return cmd(["LRANGE", k, "0", "-1"])
        case 20: return cmd(["RPUSH", k, member(), member(), member(), member()])
        case 21: return cmd(["SORT", k, pick(["ALPHA", "DESC ALPHA", "LIMIT 0 2 ALPHA"])].flatMap { $0.split(separator: " ").map(String.init) })
        default: return cmd(["LLEN", k])
        }
    }

    private mutating func sets() -> DiffCommand {
        let k = key()
        switch int(22) {
        case 0, 1, 2: return cmd(["SADD", k] + (0..<range(1, 4)).map { _ in member() })
        case 3: return cmd(["SREM", k] + (0..<range(1, 3)).map { _ in member() })
        case 4, 5: return cmd(["SMEMBERS", k], .unordered)
        case 6: return cmd(["SISMEMBER", k, member()])
        case 7: return cmd(["SMISMEMBER", k] + (0..<range(1, 3)).map { _ in member() })
        case 8: return cmd(["SCARD", k])
        case 9: return cmd(["SMOVE", k, key(), member()])
        case 10: return cmd([pick(["SINTER", "SUNION", "SDIFF"])] + keys(1, 3), .unordered)
        case 11: return cmd([pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), key()] + keys(1, 3))
        case 12:
            let ks = keys(1, 3)
            return cmd(["SINTERCARD", String(ks.count)] + ks + (chance(40) ? ["LIMIT", pick(["0", "1", "2", "-1"])] : []))
        case 13: return cmd(["SSCAN", k, "0", "COUNT", "1000"] + (chance(30) ? ["MATCH", "m*"] : []), .scan(pairs: false))
        case 14: return cmd(["SPOP", k, "100"], .unordered)
        case 15: return cmd(["SRANDMEMBER", k, "100"], .unordered)
        case 16: return cmd(["SRANDMEMBER", k, pick(["-3", "-1", "0", "1"])], .shape)
        case 17: return cmd(["SRANDMEMBER", k], .shape)
        case 18: return cmd(["SADD", k, String(range(0, 30)), String(range(0, 30))])
        case 19: return cmd(["SORT", k, pick(["ALPHA", "DESC ALPHA", "LIMIT 1 2 ALPHA"])].flatMap { $0.split(separator: " ").map(String.init) })
        default: return cmd(["SCARD", k])
        }
    }

    private mutating func sortedSets() -> DiffCommand {
        let k = key()
        switch int(34) {
        case 0, 1, 2, 3:
            var a = ["ZADD", k]
            if chance(30) { a.append(pick(["NX", "XX", "GT", "LT", "CH", "NX GT"])) }
            if chance(20) { a.append("CH") }
            let incr = chance(10)
            if incr { a.append("INCR") }
            for _ in 0..<(incr ? 1 : range(1, 3)) { a += [score(), member()] }
            if chance(3) { a.append(pick(["nan", "abc", "1"])) }
            return cmd(a.flatMap { $0.split(separator: " ").map(String.init) })
        case 4: return cmd(["ZREM", k] + (0..<range(1, 3)).map { _ in member() })
        case 5: return cmd(["ZSCORE", k, member()])
        case 6: return cmd(["ZMSCORE", k] + (0..<range(1, 3)).map { _ in member() })
        case 7: return cmd(["ZINCRBY", k, pick(["1", "-2.5", "0.1", "inf", "x"]), member()])
        case 8: return cmd(["ZCARD", k])
        case 9: return cmd(["ZCOUNT", k, scoreBound(), scoreBound()])
        case 10: return cmd(["ZLEXCOUNT", k, lexBound(), lexBound()])
        case 11, 12:
            var a = ["ZRANGE", k]
            switch int(3) {
            case 0: a += [index(), index()]
            case 1: a += [scoreBound(), scoreBound(), "BYSCORE"]
            default: a += [lexBound(), lexBound(), "BYLEX"]
            }
            if chance(30) { a.append("REV") }
            if chance(25) { a += ["LIMIT", String(range(0, 3)), String(range(-1, 3))] }
            if chance(30) { a.append("WITHSCORES") }
            return cmd(a)
        case 13:
            var a = ["ZRANGESTORE", key(), k]
            if chance(50) { a += [index(), index()] } else { a += [scoreBound(), scoreBound(), "BYSCORE"] }
            return cmd(a)
        case 14: return cmd([pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), k, scoreBound(), scoreBound()]
                            + (chance(30) ? ["WITHSCORES"] : []) + (chance(30) ? ["LIMIT", "0", String(range(1, 3))] : []))
        case 15: return cmd([pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]), k, lexBound(), lexBound()])
        case 16: return cmd(["ZREVRANGE", k, index(), index()] + (chance(40) ? ["WITHSCORES"] : []))
        case 17: return cmd([pick(["ZRANK", "ZREVRANK"]), k, member()])
        case 18: return cmd(["ZREMRANGEBYSCORE", k, scoreBound(), scoreBound()])
        case 19: return cmd(["ZREMRANGEBYRANK", k, index(), index()])
        case 20: return cmd(["ZREMRANGEBYLEX", k, lexBound(), lexBound()])
        case 21: return cmd([pick(["ZPOPMIN", "ZPOPMAX"]), k] + (chance(50) ? [pick(["1", "2", "0", "-1", "10"])] : []))
        case 22:
            let ks = keys(1, 2)
            return cmd(["ZMPOP", String(ks.count)] + ks + [pick(["MIN", "MAX"])] + (chance(40) ? ["COUNT", pick(["1", "3"])] : []))
        case 23, 24:
            let op = pick(["ZUNION", "ZINTER", "ZDIFF"])
            let ks = keys(1, 3)
            var a = [op, String(ks.count)] + ks
            if op != "ZDIFF" && chance(40) { a += ["WEIGHTS"] + ks.map { _ in pick(["1", "2", "0.5", "-1", "inf"]) } }
            if op != "ZDIFF" && chance(40) { a += ["AGGREGATE", pick(["SUM", "MIN", "MAX"])] }
            if chance(50) { a.append("WITHSCORES") }
            return cmd(a)
        case 25:
            let op = pick(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"])
            let ks = keys(1, 3)
            var a = [op, key(), String(ks.count)] + ks
            if op != "ZDIFFSTORE" && chance(40) { a += ["WEIGHTS"] + ks.map { _ in pick(["1", "3", "0.5"]) } }
            if op != "ZDIFFSTORE" && chance(30) { a += ["AGGREGATE", pick(["SUM", "MIN", "MAX"])] }
            return cmd(a)
        case 26:
            let ks = keys(1, 3)
            return cmd(["ZINTERCARD", String(ks.count)] + ks + (chance(40) ? ["LIMIT", pick(["0", "1"])] : []))
        case 27: return cmd(["ZSCAN", k, "0", "COUNT", "1000"], .scan(pairs: true))
        case 28: return cmd(["ZRANDMEMBER", k, "100", "WITHSCORES"], .unorderedPairs)
        case 29: return cmd(["ZRANDMEMBER", k, pick(["-2", "0"])], .shape)
        case 30: return cmd(["ZADD", k, String(range(0, 20)), member(), String(range(0, 20)), member()])
        case 31: return cmd(["ZRANGE", k, "0", "-1", "WITHSCORES"])
        default: return cmd(["ZCARD", k])
        }
    }

    // Stream IDs are explicit (`*` depends on the clock); idle times are compared by shape.
    private mutating func streamID() -> String {
        chance(10) ? pick(["0-0", "x", "-1", "18446744073709551615-18446744073709551615"])
            : pick(["1-1", "1-2", "2-0", "2-*", "3", "3-*", "5-5", "7-*", "10-1", "12", "0-1"])
    }
    private mutating func streamBound() -> String {
        chance(5) ? pick(["x", "("]) : pick(["-", "+", "0", "1", "2-0", "(1-1", "(2-0", "5", "(5-5", "10-1"])
    }
    private mutating func streamGroup() -> String { pick(["g1", "g2", "g3"]) }
    private mutating func consumer() -> String { pick(["c1", "c2", "c3"]) }

    private mutating func streams() -> DiffCommand {
        let k = key()
        switch int(30) {
        case 0, 1, 2, 3, 26, 27:
            var a = ["XADD", k]
            if chance(10) { a.append("NOMKSTREAM") }
            if chance(20) { a += [pick(["MAXLEN", "MINID"])] + (chance(50) ? [pick(["~", "="])] : []) + [pick(["0", "2", "5", "3-0", "x"])] }
            if chance(5) { a += ["LIMIT", pick(["0", "10"])] }
            if chance(80) {
                streamMs += range(0, 2)
                a.append(chance(70) ? "\(streamMs)-*" : "\(streamMs)-\(range(0, 9))")
            } else {
                a.append(streamID())
            }
            for _ in 0..<range(1, 2) { a += [field(), value()] }
            return cmd(a)
        case 4: return cmd(["XLEN", k])
        case 5, 6: return cmd([pick(["XRANGE", "XREVRANGE"]), k, streamBound(), streamBound()] + (chance(40) ? ["COUNT", pick(["0", "1", "2", "-1", "x"])] : []))
        case 7: return cmd(["XDEL", k] + (0..<range(1, 3)).map { _ in streamID() })
        case 8:
            var a = ["XTRIM", k, pick(["MAXLEN", "MINID"])]
            if chance(40) { a.append(pick(["~", "="])) }
            a.append(pick(["0", "1", "3", "2-0", "5-5", "x"]))
            if chance(10) { a += ["LIMIT", pick(["1", "100"])] }
            return cmd(a)
        case 9: return cmd(["XSETID", k, pick(["10-1", "99-0", "1-1", "x"])] + (chance(20) ? ["ENTRIESADDED", pick(["1", "50"])] : []))
        case 10, 11: return cmd(["XREAD"] + (chance(40) ? ["COUNT", pick(["1", "2", "0"])] : []) + ["STREAMS", k] + (chance(30) ? [key()] : []))
            .fixXreadIDs(pickID: ["0", "$", "1-1", "5-5", "x"], rng: int(1000))
        case 12, 28, 29:
            var a = ["XGROUP", "CREATE", k, streamGroup(), pick(["$", "0", "0", "1-1", "x"])]
            if chance(70) { a.append("MKSTREAM") }
            if chance(15) { a += ["ENTRIESREAD", pick(["0", "2", "-1", "-2"])] }
            return cmd(a)
        case 13: return cmd(["XGROUP", pick(["DESTROY", "CREATECONSUMER", "DELCONSUMER", "SETID"]), k, streamGroup()]
                              + [pick([consumer(), "0", "$"])]).trimmedForXgroup
        case 14, 15, 16:
            var a = ["XREADGROUP", "GROUP", streamGroup(), consumer()]
            if chance(30) { a += ["COUNT", pick(["1", "2"])] }
            if chance(15) { a.append("NOACK") }
            a += ["STREAMS", k, pick([">", ">", "0", "1-1", "$"])]
            return cmd(a)
        case 17, 18: return cmd(["XACK", k, streamGroup()] + (0..<range(1, 2)).map { _ in streamID() })
        case 19: return cmd(["XPENDING", k, streamGroup()])
        case 20: return cmd(["XPENDING", k, streamGroup(), streamBound(), streamBound(), pick(["1", "10"])] + (chance(30) ? [consumer()] : []), .shape)
        case 21:
            var a = ["XCLAIM", k, streamGroup(), consumer(), "0"] + (0..<range(1, 2)).map { _ in streamID() }
            if chance(30) { a.append("JUSTID") }
            if chance(20) { a.append("FORCE") }
            if chance(15) { a += ["RETRYCOUNT", pick(["3", "x"])] }
            return cmd(a)
        case 22:
            var a = ["XAUTOCLAIM", k, streamGroup(), consumer(), "0", streamBound()]
            if chance(40) { a += ["COUNT", pick(["1", "2", "0"])] }
            if chance(30) { a.append("JUSTID") }
            return cmd(a)
        case 23: return cmd(["XINFO", "STREAM", k])
        case 24: return cmd(["XINFO", "GROUPS", k])
        default: return cmd(["TYPE", k])
        }
    }

    private mutating func server() -> DiffCommand {
        switch int(8) {
        case 0: return cmd(["PING"] + (chance(50) ? [value()] : []))
        case 1: return cmd(["ECHO", value()])
        case 2: return cmd(["DBSIZE"])
        case 3: return cmd(["EXISTS", key()])
        case 4: return cmd(["TYPE", key()])
        case 5: return cmd(["COMMAND", "COUNT"], .shape)
        case 6: return cmd(["TIME"], .shape)
        default: return cmd(["ECHO", "x"])
        }
    }

    private mutating func invalid() -> DiffCommand {
        let k = key()
        return cmd(pick([
            ["GET"], ["SET", k], ["GET", k, "x"], ["INCR"], ["HSET", k, "f"], ["HGET", k], ["LPUSH", k],
            ["ZADD", k, "1"], ["ZADD", k, "x", "m"], ["SADD", k], ["EXPIRE", k], ["TTL"], ["DEL"],
            ["NOSUCHCOMMAND", "a", "b"], ["nosuch"], ["SET", k, "v", "EX"], ["SET", k, "v", "NX", "XX"],
            ["SET", k, "v", "EX", "10", "PX", "10"], ["MSET", k], ["MSET", k, "v", "k2"], ["SELECT", "99"],
            ["SELECT", "x"], ["ECHO"], ["PING", "a", "b"], ["LRANGE", k, "a", "b"], ["ZRANGE", k, "0"],
            ["ZRANGE", k, "(1", "2"], ["ZRANGEBYSCORE", k, "x", "y"], ["ZRANGEBYLEX", k, "a", "b"],
            ["HINCRBY", k, "f", "x"], ["INCRBY", k, "99999999999999999999"], ["GETRANGE", k, "0"],
            ["OBJECT", "NOSUCH", k], ["CLIENT", "NOSUCH"], ["CONFIG", "NOSUCH"], ["SCAN", "x"],
            ["SCAN", "0", "COUNT", "0"], ["LPOS", k, "a", "RANK", "0"], ["BITCOUNT", k, "0"],
            ["SETBIT", k, "-1", "1"], ["GETBIT", k, "x"], ["SRANDMEMBER", k, "x"], ["ZINTERCARD", "0", k],
            ["LMPOP", "0", k, "LEFT"], ["ZMPOP", "1", k, "UP"], ["SINTERCARD", "2", k],
            ["EXPIRE", k, "10", "NX", "XX"], ["EXPIRE", k, "10", "GT", "LT"], ["COPY", k],
            ["HELLO", "4"], ["SWAPDB", "0", "x"], ["DBSIZE", "x"], ["TYPE"], ["RENAME", k],
        ]))
    }
}

extension DiffCommand {
    /// XREAD STREAMS k1 [k2]: appends one ID per key.
    fileprivate func fixXreadIDs(pickID ids: [String], rng: Int) -> DiffCommand {
        var c = self
        let strings = c.args.map { String(decoding: $0, as: UTF8.self) }
        guard let s = strings.firstIndex(of: "STREAMS") else { return c }
        let nkeys = strings.count - s - 1
        for i in 0..<nkeys { c.args.append(Array(ids[(rng + i * 7) % ids.count].utf8)) }
        return c
    }

    /// XGROUP DESTROY takes no fourth argument.
    fileprivate var trimmedForXgroup: DiffCommand {
        var c = self
        if c.args.count > 1, String(decoding: c.args[1], as: UTF8.self) == "DESTROY" { c.args.removeLast() }
        return c
    }

    /// BLPOP with timeout 0 would block forever on an empty list; rewrite it to the
    /// non-blocking LPOP-equivalent check form so random sequences never block.
    fileprivate var nonBlockingOnlyIfPresent: DiffCommand {
        var c = self
        if let last = c.args.indices.last { c.args[last] = Array("0.01".utf8) }
        return c
    }
}
