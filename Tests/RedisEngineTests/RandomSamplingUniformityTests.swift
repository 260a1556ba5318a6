import Foundation
import NIOCore
import RESP
import Testing
@testable import RedisEngine

/// Redis's own uniformity check for random sampling (tests/support/util.tcl `chi_square_value`,
/// used by unit/type/set, hash and zset): over 10 members, the chi-square statistic of the picks
/// must stay below 40 (df = 9: a uniform sampler exceeds it with probability 0.00001 per check).
/// SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER (negative counts, small and large positive counts,
/// both encodings) and RANDOMKEY, in process, on a manual clock.
///
/// HashTable.randomIndex picks a uniformly random live slot (every entry equally likely, as Redis's
/// dictGetFairRandomKey); it used to pick a bucket, then a chain entry, which gave chi-square 120–210.
/// Each client's engine draws from a fixed seed, so the picks (and the statistics) are the same on
/// every run: the checks cannot flake, and a biased sampler still fails them (`biasedSamplerFails`).
@Suite("Random sampling is uniform (chi-square, as Redis's suite)")
struct RandomSamplingUniformityTests {
    static let bound = 40.0

    /// A client whose engine's random numbers come from a fixed seed.
    static func seededClient(_ seed: UInt64 = 0x5EED_1234) -> TestClient {
        let c = TestClient()
        c.engine.random = XorShiftRandom(seed: seed)
        return c
    }

    /// `chi_square_value`: expected count = picks / distinct values (integer division, as Tcl's `/`).
    static func chiSquare(_ picks: [String]) -> Double {
        var counts: [String: Int] = [:]
        for p in picks { counts[p, default: 0] += 1 }
        guard !counts.isEmpty else { return .infinity }
        let expected = Double(picks.count / counts.count)
        return counts.values.reduce(0) { $0 + pow(Double($1) - expected, 2) / expected }
    }

    static func values(_ c: TestClient, _ args: [String]) -> RESPValue? {
        var buf = ByteBuffer(string: c.runArgs(args))
        return try? RESPValue.parse(&buf)
    }

    static func strings(_ v: RESPValue?) -> [String] {
        switch v {
        case .array(let items)?: return items.flatMap { strings($0) }
        case .bulkString(let b)?: return [String(decoding: b, as: UTF8.self)]
        default: return []
        }
    }

    /// Members of both encodings: small integers (intset / listpack) and long strings (hashtable / skiplist).
    static let memberSets: [[String]] = [
        (0..<10).map(String.init),
        (0..<10).map { "member-\($0)-" + String(repeating: "x", count: 80) },
    ]

    /// Negative count (-1000), then positive counts 8 and 2 repeated to about 1000 picks.
    func checkSampler(_ c: TestClient, _ command: [String], members: [String], name: String) {
        let negative = Self.strings(Self.values(c, command + ["-1000"]))
        #expect(negative.count == 1000, "\(name) -1000")
        #expect(Set(negative).isSubset(of: Set(members)))
        #expect(Self.chiSquare(negative) < Self.bound, "\(name) -1000: chi-square \(Self.chiSquare(negative))")
        for size in [8, 2] {
            var all: [String] = []
            for _ in 0..<(1000 / size) { all += Self.strings(Self.values(c, command + [String(size)])) }
            #expect(all.count == (1000 / size) * size, "\(name) \(size)")
            #expect(Self.chiSquare(all) < Self.bound, "\(name) \(size): chi-square \(Self.chiSquare(all))")
        }
    }

    @Test func srandmemberHrandfieldZrandmember() {
        let c = Self.seededClient()
        for members in Self.memberSets {
            c.run("FLUSHALL")
            _ = c.runArgs(["SADD", "s"] + members)
            _ = c.runArgs(["HSET", "h"] + members.flatMap { [$0, "v"] })
            _ = c.runArgs(["ZADD", "z"] + members.enumerated().flatMap { [String($0.offset), $0.element] })
            checkSampler(c, ["SRANDMEMBER", "s"], members: members, name: "SRANDMEMBER \(c.run("OBJECT", "ENCODING", "s"))")
            checkSampler(c, ["HRANDFIELD", "h"], members: members, name: "HRANDFIELD \(c.run("OBJECT", "ENCODING", "h"))")
            checkSampler(c, ["ZRANDMEMBER", "z"], members: members, name: "ZRANDMEMBER \(c.run("OBJECT", "ENCODING", "z"))")
        }
    }

    @Test func spopTakesEveryMemberEquallyOften() {
        let c = Self.seededClient()
        for members in Self.memberSets {
            for count in [1, 3] {
                var all: [String] = []
                for _ in 0..<(1000 / count) {
                    c.run("DEL", "s")
                    _ = c.runArgs(["SADD", "s"] + members)
                    all += Self.strings(c.value("SPOP", "s", String(count)))
                }
                #expect(all.count == (1000 / count) * count)
                #expect(Self.chiSquare(all) < Self.bound, "SPOP \(count) over \(members[0]): chi-square \(Self.chiSquare(all))")
            }
        }
    }

    @Test func randomkeyPicksEveryKeyEquallyOften() {
        let c = Self.seededClient()
        for i in 0..<10 { c.run("SET", "key:\(i)", "v") }
        var picks: [String] = []
        for _ in 0..<1000 { picks += Self.strings(c.value("RANDOMKEY")) }
        #expect(picks.count == 1000)
        #expect(Self.chiSquare(picks) < Self.bound, "RANDOMKEY: chi-square \(Self.chiSquare(picks))")
    }

    /// The same picks on a table with holes (members removed, slots free) and after compaction stay uniform;
    /// the old bucket-then-chain pick over the same table fails the bound, so the test can fail.
    @Test func tableWithFreeSlotsAndBiasedSamplerFails() {
        var t = HashTable<Bool>(placeholder: false, seed: 7)
        for i in 0..<400 { t.insertNew(ByteString("m\(i)"), true) }
        for i in 0..<400 where i % 40 != 0 { t.remove(ByteString("m\(i)")) }   // 10 left among 400 slots
        var g = XorShiftRandom(seed: 99)
        var picks: [String] = []
        for _ in 0..<1000 { picks.append(t.key(at: t.randomIndex(using: &g)!).string) }
        #expect(Set(picks).count == 10)
        #expect(Self.chiSquare(picks) < Self.bound, "free slots: chi-square \(Self.chiSquare(picks))")
        #expect(t.isSparse)
        t.compact()
        #expect(t.slotCount == 10 && t.count == 10)
        for i in stride(from: 0, to: 400, by: 40) { #expect(t[ByteString("m\(i)")] == true) }
        picks = []
        for _ in 0..<1000 { picks.append(t.key(at: t.randomIndex(using: &g)!).string) }
        #expect(Self.chiSquare(picks) < Self.bound, "compacted: chi-square \(Self.chiSquare(picks))")

        // Bucket-then-chain over 10 keys in 16 buckets (the old sampler): biased beyond the bound.
        var u = HashTable<Bool>(placeholder: false, seed: 7)
        for i in 0..<10 { u.insertNew(ByteString("key:\(i)"), true) }
        picks = []
        for _ in 0..<1000 { picks.append(u.key(at: Self.bucketThenChain(u, &g)).string) }
        #expect(Self.chiSquare(picks) > Self.bound, "bucket-then-chain: chi-square \(Self.chiSquare(picks))")
    }

    /// The old, biased pick: a random non-empty bucket, then a random entry of its chain.
    static func bucketThenChain(_ t: HashTable<Bool>, _ g: inout XorShiftRandom) -> Int {
        while true {
            let b = Int(g.next() % UInt64(t.buckets.count))
            var chain: [Int] = []
            var i = t.buckets[b]
            while i >= 0 { chain.append(Int(i)); i = t.next[Int(i)] }
            if !chain.isEmpty { return chain[Int(g.next() % UInt64(chain.count))] }
        }
    }
}
