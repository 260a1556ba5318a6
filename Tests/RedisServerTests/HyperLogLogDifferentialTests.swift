import Foundation
import InferaTestSupport
import Testing

// HyperLogLog against redis-server 7.0: the same inputs must give the same counts AND the same
// bytes (GET of the key shows the sparse/dense representation and the cached cardinality).

enum HyperLogLogCases {
    static let basics = DiffCase("hll-basics-errors", """
    pfadd h
    pfadd h a b c
    pfadd h a
    get h
    pfcount h
    get h
    pfadd h d
    get h
    pfcount nokey
    pfadd h2
    get h2
    pfcount h h2 nokey
    set s notanhll
    pfadd s a
    pfcount s
    pfcount h s
    pfmerge s h
    pfmerge d h s
    lpush l a
    pfadd l a
    pfcount l
    pfmerge d l
    pfmerge d h
    get d
    pfmerge d
    pfmerge newkey
    get newkey
    pfdebug encoding h
    pfdebug decode h
    pfdebug getreg nokey
    pfdebug foo h
    pfdebug encoding s
    pfdebug encoding l
    pfdebug todense h
    pfdebug todense h
    pfdebug encoding h
    pfdebug decode h
    pfcount h
    get h
    pfadd h e f
    pfcount h
    get h
    pfadd
    pfcount
    pfmerge
    pfdebug encoding
    pfselftest x
    type h
    object encoding h
    set int 12345
    pfadd int a
    """)

    static let corrupted = DiffCase("hll-corrupted", """
    set bad1 "HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x40\\x00"
    pfcount bad1
    pfcount bad1 bad1
    pfmerge d bad1
    set bad2 "HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x7f"
    pfcount bad2
    set bad3 "HYLL\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x00"
    pfcount bad3
    pfadd bad3 a
    set bad4 "HYLL\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x7f\\xff"
    pfcount bad4
    set bad5 "HYLX\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x7f\\xff"
    pfcount bad5
    set ok "HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x7f\\xff"
    pfcount ok
    get ok
    pfadd ok x y z
    get ok
    set cached "HYLL\\x01\\x00\\x00\\x00\\x07\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x7f\\xff"
    pfcount cached
    """)

    /// A sequence of PFADDs that walks a key from sparse through promotion to dense, reading the
    /// bytes and the count after every step; `maxBytes` sets hll-sparse-max-bytes first.
    static func growth(name: String, maxBytes: Int, rounds: Int, perRound: Int, seed: UInt64) -> DiffCase {
        var rng = SplitMix(seed: seed)
        var lines = ["config set hll-sparse-max-bytes \(maxBytes)"]
        for r in 0..<rounds {
            var add = ["pfadd", "h"]
            for _ in 0..<perRound { add.append("e\(rng.next() % 100_000)") }
            lines.append(add.joined(separator: " "))
            if r % 3 == 0 { lines.append("pfcount h") }
            lines.append("get h")
            lines.append("pfdebug encoding h")
            if r % 4 == 1 {
                lines.append("pfadd other o\(r) p\(r) q\(r)")
                lines.append("pfmerge m\(r % 3) other h")
                lines.append("get m\(r % 3)")
                lines.append("pfcount m\(r % 3) other h")
            }
        }
        lines.append("pfcount h")
        lines.append("get h")
        lines.append("config set hll-sparse-max-bytes 3000")
        return DiffCase(name, lines.joined(separator: "\n"))
    }

    /// Large values (> 32) force promotion from sparse; values from many registers.
    static let merges = DiffCase("hll-merge-sparse-dense", """
    pfadd a 1 2 3 4 5 6 7 8 9 10
    pfdebug todense a
    pfadd b 11 12 13
    pfmerge b a
    pfdebug encoding b
    get b
    pfmerge c b a
    get c
    pfcount a b c
    pfadd e1
    pfadd e2
    pfmerge e3 e1 e2
    get e3
    pfcount e3
    pfmerge e1 nokey
    get e1
    """)

    static var all: [DiffCase] {
        [
            basics, corrupted, merges,
            growth(name: "hll-growth-default", maxBytes: 3000, rounds: 30, perRound: 60, seed: 7),
            growth(name: "hll-growth-small-sparse", maxBytes: 120, rounds: 12, perRound: 9, seed: 8),
            growth(name: "hll-growth-big-sparse", maxBytes: 12000, rounds: 20, perRound: 200, seed: 9),
        ]
    }
}

/// Deterministic generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("HyperLogLog: differential vs redis-server 7.0")
struct HyperLogLogDifferentialTests {
    @Test func hyperLogLogCommands() throws { try runCases(HyperLogLogCases.all) }
}
