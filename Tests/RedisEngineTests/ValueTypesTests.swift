import Testing
@testable import RedisEngine

private func b(_ s: String) -> ByteString { ByteString(s) }
private func sl(_ s: String) -> ArraySlice<UInt8> { Array(s.utf8)[...] }
private func s(_ b: ByteString) -> String { b.string }

/// Deterministic generator so failures reproduce.
private struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

@Suite struct ScoreFormattingTests {
    @Test(arguments: [
        (1.1, "1.1000000000000001"), (3.0, "3"), (Double.infinity, "inf"), (-Double.infinity, "-inf"),
        (0.1, "0.10000000000000001"), (123456789012345678.0, "1.2345678901234568e+17"), (1e17, "1e+17"),
        (1e300, "1.0000000000000001e+300"), (Double.leastNonzeroMagnitude, "4.9406564584124654e-324"), (-0.0, "-0"), (0.0, "0"),
        (-42.0, "-42"), (0.30000000000000004, "0.30000000000000004"), (1.5, "1.5"), (999999999999999.0, "999999999999999"),
    ])
    func formatsLikeRedis(value: Double, expected: String) {
        #expect(RedisDouble.formatString(value) == expected)
    }

    @Test(arguments: [
        ("1", 1.0), ("-0", -0.0), ("0x10", 16.0), ("1.5e3", 1500.0), (".5", 0.5), ("5.", 5.0), ("+inf", Double.infinity),
        ("-inf", -Double.infinity), ("Infinity", Double.infinity), ("5e-324", Double.leastNonzeroMagnitude), ("+7", 7.0), ("0012", 12.0),
    ])
    func parsesLikeStrtod(text: String, expected: Double) {
        #expect(RedisDouble.parse(text) == expected)
    }

    @Test(arguments: ["nan", "1e400", " 1", "", "1 ", "abc", "-", "1.2.3", "-1e400"])
    func rejectsWhatRedisRejects(text: String) {
        #expect(RedisDouble.parse(text) == nil)
    }
}

@Suite struct RedisListTests {
    @Test func pushPopBothEnds() {
        var l = RedisList()
        for i in 0..<100 { l.pushBack(b("r\(i)")); l.pushFront(b("l\(i)")) }
        #expect(l.count == 200)
        #expect(s(l[0]) == "l99" && s(l[199]) == "r99")
        let pf = l.popFront()
        #expect(pf.map(s) == "l99")
        let pb = l.popBack()
        #expect(pb.map(s) == "r99")
        #expect(l.count == 198)
        while l.popFront() != nil {}
        let last = l.popBack()
        #expect(l.isEmpty && last == nil)
    }

    @Test func randomOperationsMatchArrayModel() {
        var rng = SplitMix(state: 42)
        var l = RedisList()
        var model: [ByteString] = []
        for step in 0..<20_000 {
            let v = b("v\(rng.int(20))")
            switch rng.int(9) {
            case 0: l.pushFront(v); model.insert(v, at: 0)
            case 1: l.pushBack(v); model.append(v)
            case 2: let got = l.popFront(); #expect(got == (model.isEmpty ? nil : model.removeFirst()))
            case 3: let got = l.popBack(); #expect(got == model.popLast())
            case 4:
                let i = rng.int(model.count + 1)
                l.insert(v, at: i); model.insert(v, at: i)
            case 5 where !model.isEmpty:
                let i = rng.int(model.count)
                l.remove(at: i); model.remove(at: i)
            case 6:
                let limit = rng.int(5) - 2
                var removed = 0
                if limit >= 0 {
                    var out: [ByteString] = []
                    for e in model { if e == v && (limit == 0 || removed < limit) { removed += 1 } else { out.append(e) } }
                    model = out
                } else {
                    var out: [ByteString] = []
                    for e in model.reversed() { if e == v && removed < -limit { removed += 1 } else { out.append(e) } }
                    model = out.reversed()
                }
                let got = l.removeMatching(v, limit: limit)
                #expect(got == removed)
            case 7 where !model.isEmpty:
                let a = rng.int(model.count), z = rng.int(model.count)
                l.keep(from: a, through: z)
                model = a > z ? [] : Array(model[a...z])
            case 8 where step % 50 == 0:
                for _ in 0..<200 { l.pushBack(v); model.append(v) }
            default: break
            }
            if step % 97 == 0 { #expect(l.elements == model) }
        }
        #expect(l.elements == model)
    }
}

@Suite struct RedisSetTests {
    @Test func intsetEncodingAndOrder() {
        var set = RedisSet()
        for m in ["10", "-3", "7", "0"] { set.insert(b(m)) }
        #expect(set.encoding == "intset")
        #expect(set.allMembers.map(s) == ["-3", "0", "7", "10"])
        set.insert(b("x"))
        #expect(set.encoding == "hashtable")
        set.remove(b("x"))
        #expect(set.encoding == "hashtable")
    }

    @Test func intValueRules() {
        #expect(RedisSet.intValue(b("007")) == nil)
        #expect(RedisSet.intValue(b("-0")) == nil)
        #expect(RedisSet.intValue(b("+1")) == nil)
        #expect(RedisSet.intValue(b("9223372036854775807")) == Int64.max)
        #expect(RedisSet.intValue(b("-9223372036854775808")) == Int64.min)
        #expect(RedisSet.intValue(b("9223372036854775808")) == nil)
    }

    @Test func randomOperationsMatchModel() {
        var rng = SplitMix(state: 7)
        var set = RedisSet()
        var model = Set<ByteString>()
        for _ in 0..<20_000 {
            let v = b("m\(rng.int(300))")
            if rng.int(2) == 0 { let got = set.insert(v); #expect(got == model.insert(v).inserted) } else { let got = set.remove(v); #expect(got == (model.remove(v) != nil)) }
        }
        #expect(Set(set.allMembers) == model && set.count == model.count)
    }
}

@Suite struct RedisSortedSetTests {
    @Test func orderingRanksAndRanges() {
        var z = RedisSortedSet()
        let r1 = z.set(b("b"), score: 2), r2 = z.set(b("a"), score: 1), r3 = z.set(b("c"), score: 2), r4 = z.set(b("a"), score: 3)
        #expect(r1 && r2 && r3 && !r4)
        #expect(z.allEntries.map { s($0.member) } == ["b", "c", "a"])
        #expect(z.rank(of: b("a")) == 2 && z.rank(of: b("b")) == 0 && z.rank(of: b("zz")) == nil)
        #expect(z.count(in: ZScoreRange(min: 2, max: 3, minExclusive: true)) == 1)
        #expect(z.count(in: ZScoreRange(min: -.infinity, max: .infinity)) == 3)
        var lex = RedisSortedSet()
        for m in ["a", "b", "c", "d"] { lex.set(b(m), score: 0) }
        #expect(lex.count(in: ZLexRange(min: .inclusive(b("b")), max: .positiveInfinity)) == 3)
        #expect(lex.count(in: ZLexRange(min: .exclusive(b("b")), max: .exclusive(b("d")))) == 1)
        #expect(z.validate())
    }

    @Test func listpackLosesSignOfZeroSkiplistKeepsIt() {
        var z = RedisSortedSet()
        z.set(b("g"), score: -0.0)
        #expect(RedisDouble.formatString(z.score(of: b("g"))!) == "0")
        var big = RedisSortedSet()
        big.set(b(String(repeating: "x", count: 65)), score: 1)
        big.set(b("g"), score: -0.0)
        #expect(big.encoding == "skiplist")
        #expect(RedisDouble.formatString(big.score(of: b("g"))!) == "-0")
    }

    @Test func memberOrderIsMemcmpThenLength() {
        var rng = SplitMix(state: 7)
        // Short strings over a tiny alphabet (with NUL and 0xFF) so prefixes and ties are common;
        // lengths straddle the 22-byte inline limit and the word boundaries.
        func random() -> [UInt8] {
            let n = [0, 1, 7, 8, 9, 15, 16, 19, 20, 21, 22, 23, 30][rng.int(13)]
            return (0..<n).map { _ in [0, 1, 0x61, 0x80, 0xFF][rng.int(5)] }
        }
        for _ in 0..<3_000 {
            let x = random(), y = rng.int(4) == 0 ? random() : Array(random().prefix(rng.int(24)))
            let want = x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
            #expect(redisCompareBytes(ByteString(x), ByteString(y)) == want)
            #expect(redisCompareBytes(ByteString(y), ByteString(x)) == -want)
        }
    }

    @Test func copiesStayIndependentAndScoreMovesKeepInvariants() {
        var z = RedisSortedSet()
        for i in 0..<300 { z.set(b("m\(i)"), score: Double(i % 17)) }
        let snapshot = z
        // Reorder every member (delete + reinsert in the skiplist), remove some, add new ones.
        for i in 0..<300 { z.set(b("m\(i)"), score: Double((i * 7) % 23) - 5) }
        for i in stride(from: 0, to: 300, by: 3) { z.remove(b("m\(i)")) }
        for i in 300..<400 { z.set(b("m\(i)"), score: 1.5) }
        #expect(z.validate() && snapshot.validate())
        #expect(snapshot.count == 300 && z.count == 300)
        #expect(snapshot.score(of: b("m5")) == 5 && z.score(of: b("m5")) == 7)
        #expect(snapshot.allEntries.map { $0.score } == (0..<300).map { Double($0 % 17) }.sorted())
        // Lexicographic and score ranges walk the same links as ranks.
        let lex = ZLexRange(min: .inclusive(b("m31")), max: .exclusive(b("m35")))
        var same = RedisSortedSet()
        for i in 0..<200 { same.set(b("m\(i)"), score: 0) }
        #expect(same.count(in: lex) == 4)   // m31 m32 m33 m34 (m3xx would be past m199)
        #expect(same.member(same.firstNode(in: lex)) == b("m31") && same.member(same.lastNode(in: lex)) == b("m34"))
        let node = z.node(of: b("m1"))
        #expect(node != 0 && z.member(node) == b("m1") && z.node(of: b("m0")) == 0)
        z.updateScore(node: node, to: 1000)
        #expect(z.lastNode == node && z.rank(of: b("m1")) == z.count - 1 && z.validate())
    }

    @Test func randomOperationsMatchSortedModel() {
        var rng = SplitMix(state: 99)
        var z = RedisSortedSet()
        var model: [ByteString: Double] = [:]
        func sortedModel() -> [(ByteString, Double)] {
            model.map { ($0.key, $0.value) }.sorted { RedisSortedSet.less($0.1, $0.0, $1.1, $1.0) }
        }
        for step in 0..<15_000 {
            let m = b("k\(rng.int(400))")
            let sc = Double(rng.int(50)) / 2
            switch rng.int(4) {
            case 0, 1:
                let isNew = model[m] == nil
                let got = z.set(m, score: sc)
                #expect(got == isNew)
                model[m] = sc
            case 2:
                let got = z.remove(m)
                #expect(got == (model.removeValue(forKey: m) != nil))
            default:
                let a = rng.int(60), c = rng.int(60)
                let removed = z.removeRanks(a, through: c)
                let sm = sortedModel()
                if a <= c && a < sm.count {
                    let expected = sm[a...min(c, sm.count - 1)].map { $0.0 }
                    #expect(removed == expected)
                    for e in expected { model.removeValue(forKey: e) }
                } else {
                    #expect(removed.isEmpty)
                }
            }
            if step % 500 == 0 {
                #expect(z.validate())
                let sm = sortedModel()
                #expect(z.allEntries.map { $0.member } == sm.map { $0.0 })
                for (i, e) in sm.enumerated() where i % 7 == 0 {
                    #expect(z.rank(of: e.0) == i)
                    #expect(z.member(z.node(atRank: i)) == e.0)
                }
                let r = ZScoreRange(min: 5, max: 10, minExclusive: true)
                #expect(z.count(in: r) == sm.filter { $0.1 > 5 && $0.1 <= 10 }.count)
                let reversed = z.entries(fromRank: 0, through: 9, reverse: true).map { $0.member }
                #expect(reversed == Array(sm.reversed().prefix(10)).map { $0.0 })
            }
        }
        #expect(z.count == model.count)
        #expect(z.validate())
    }

    @Test func rangeParsing() {
        #expect(ZScoreRange.parse(min: sl("(1"), max: sl("+inf")) == ZScoreRange(min: 1, max: .infinity, minExclusive: true))
        #expect(ZScoreRange.parse(min: sl("x"), max: sl("1")) == nil)
        #expect(ZLexRange.parse(min: sl("a"), max: sl("+")) == nil)
        #expect(ZLexRange.parse(min: sl("[a"), max: sl("(b"))?.isEmpty == false)
        #expect(ZLexRange.parse(min: sl("(a"), max: sl("(a"))?.isEmpty == true)
    }
}
