import Testing
@testable import RedisEngine

/// Streams on an in-process engine with a manual clock: `*` IDs, idle times, blocking timeouts,
/// and the stream value type against a simple model.
@Suite struct StreamEngineTests {
    @Test func autoIDsFollowTheClockAndNeverGoBack() {
        let t = ManualClockEngine()
        let c = t.client()
        #expect(c.send("XADD", "s", "*", "a", "1") == ExpectedReply.bulk("1700000000000-0"))
        #expect(c.send("XADD", "s", "*", "a", "2") == ExpectedReply.bulk("1700000000000-1"))
        t.clock.advance(milliseconds: 5)
        #expect(c.send("XADD", "s", "*", "a", "3") == ExpectedReply.bulk("1700000000005-0"))
        #expect(c.send("XADD", "s", "1800000000000-*", "a", "4") == ExpectedReply.bulk("1800000000000-0"))
        // The clock is now behind the last ID: `*` increments the sequence.
        #expect(c.send("XADD", "s", "*", "a", "5") == ExpectedReply.bulk("1800000000000-1"))
        #expect(c.send("XADD", "s", "1800000000000-*", "a", "6") == ExpectedReply.bulk("1800000000000-2"))
        #expect(c.send("XLEN", "s") == ExpectedReply.int(6))
        #expect(c.send("XADD", "s", "MAXLEN", "2", "*", "a", "7") == ExpectedReply.bulk("1800000000000-3"))
        #expect(c.send("XLEN", "s") == ExpectedReply.int(2))
    }

    @Test func pendingIdleTimesClaimAndAutoclaimOnTheClock() {
        let t = ManualClockEngine()
        let c = t.client()
        c.send("XADD", "s", "1-1", "a", "1")
        c.send("XADD", "s", "2-1", "b", "2")
        c.send("XGROUP", "CREATE", "s", "g", "0")
        c.send("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
        t.clock.advance(milliseconds: 1500)
        #expect(c.send("XPENDING", "s", "g", "-", "+", "10") == ExpectedReply.arr([
            ExpectedReply.arr([ExpectedReply.bulk("1-1"), ExpectedReply.bulk("alice"), ExpectedReply.int(1500), ExpectedReply.int(1)]),
            ExpectedReply.arr([ExpectedReply.bulk("2-1"), ExpectedReply.bulk("alice"), ExpectedReply.int(1500), ExpectedReply.int(1)]),
        ]))
        #expect(c.send("XPENDING", "s", "g", "IDLE", "2000", "-", "+", "10") == "*0\r\n")
        #expect(c.send("XCLAIM", "s", "g", "bob", "2000", "1-1", "JUSTID") == "*0\r\n")
        #expect(c.send("XCLAIM", "s", "g", "bob", "1000", "1-1", "JUSTID") == ExpectedReply.bulks("1-1"))
        #expect(c.send("XPENDING", "s", "g", "-", "+", "1") == ExpectedReply.arr([
            ExpectedReply.arr([ExpectedReply.bulk("1-1"), ExpectedReply.bulk("bob"), ExpectedReply.int(0), ExpectedReply.int(1)]),
        ]))
        t.clock.advance(milliseconds: 10)
        #expect(c.send("XINFO", "CONSUMERS", "s", "g") == ExpectedReply.arr([
            ExpectedReply.arr([ExpectedReply.bulk("name"), ExpectedReply.bulk("alice"), ExpectedReply.bulk("pending"), ExpectedReply.int(1), ExpectedReply.bulk("idle"), ExpectedReply.int(1510)]),
            ExpectedReply.arr([ExpectedReply.bulk("name"), ExpectedReply.bulk("bob"), ExpectedReply.bulk("pending"), ExpectedReply.int(1), ExpectedReply.bulk("idle"), ExpectedReply.int(10)]),
        ]))
        // XAUTOCLAIM: only 2-1 is idle long enough; the cursor wraps to 0-0.
        #expect(c.send("XAUTOCLAIM", "s", "g", "carol", "1000", "0", "JUSTID") == ExpectedReply.arr([ExpectedReply.bulk("0-0"), ExpectedReply.bulks("2-1"), "*0\r\n"]))
        c.send("XDEL", "s", "1-1")
        #expect(c.send("XAUTOCLAIM", "s", "g", "carol", "0", "0") == ExpectedReply.arr([
            ExpectedReply.bulk("0-0"),
            ExpectedReply.arr([ExpectedReply.arr([ExpectedReply.bulk("2-1"), ExpectedReply.bulks("b", "2")])]),
            ExpectedReply.bulks("1-1"),
        ]))
        #expect(c.send("XPENDING", "s", "g") == ExpectedReply.arr([ExpectedReply.int(1), ExpectedReply.bulk("2-1"), ExpectedReply.bulk("2-1"), ExpectedReply.arr([ExpectedReply.bulks("carol", "1")])]))
    }

    @Test func blockedXreadIsServedByXaddAndTimesOut() {
        let t = ManualClockEngine()
        let a = t.client(), b = t.client(), w = t.client()
        #expect(a.send("XREAD", "BLOCK", "100", "STREAMS", "s", "$") == "")
        #expect(b.send("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "$") == "")
        t.advance(ms: 50)
        #expect(a.delivered() == "")
        #expect(w.send("XADD", "s", "1-1", "f", "v") == ExpectedReply.bulk("1-1"))
        let entry = ExpectedReply.arr([ExpectedReply.arr([ExpectedReply.bulk("s"), ExpectedReply.arr([ExpectedReply.arr([ExpectedReply.bulk("1-1"), ExpectedReply.bulks("f", "v")])])])])
        #expect(a.delivered() == entry)
        #expect(b.delivered() == entry)
        #expect(a.send("XREAD", "BLOCK", "100", "STREAMS", "s", "$") == "")
        t.advance(ms: 99)
        #expect(a.delivered() == "")
        t.advance(ms: 2)
        #expect(a.delivered() == ExpectedReply.nullArray)
        #expect(a.send("PING") == "+PONG\r\n")
    }

    @Test func blockedXreadgroupGetsErrorsWhenGroupOrKeyGoes() {
        let t = ManualClockEngine()
        let a = t.client(), w = t.client()
        w.send("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        #expect(a.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">") == "")
        #expect(w.send("XGROUP", "DESTROY", "s", "g") == ExpectedReply.int(1))
        #expect(a.delivered() == ExpectedReply.err("NOGROUP the consumer group this client was blocked on no longer exists"))
        w.send("XGROUP", "CREATE", "s", "g", "$")
        #expect(a.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">") == "")
        #expect(w.send("DEL", "s") == ExpectedReply.int(1))
        #expect(a.delivered() == ExpectedReply.err("UNBLOCKED the stream key no longer exists"))
        // Inside MULTI a blocking read with nothing to serve answers like a timeout.
        a.send("MULTI")
        a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        #expect(a.send("EXEC") == ExpectedReply.arr([ExpectedReply.nullArray]))
    }

    @Test func streamsWorkWithGenericKeyCommands() {
        let t = ManualClockEngine()
        let c = t.client()
        c.send("XADD", "s", "1-1", "a", "1")
        c.send("XGROUP", "CREATE", "s", "g", "0")
        c.send("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
        #expect(c.send("TYPE", "s") == "+stream\r\n")
        #expect(c.send("OBJECT", "ENCODING", "s") == ExpectedReply.bulk("stream"))
        #expect(c.send("COPY", "s", "s2") == ExpectedReply.int(1))
        c.send("XADD", "s", "2-1", "a", "2")
        c.send("XACK", "s", "g", "1-1")
        #expect(c.send("XLEN", "s2") == ExpectedReply.int(1))
        #expect(c.send("XPENDING", "s2", "g") == ExpectedReply.arr([ExpectedReply.int(1), ExpectedReply.bulk("1-1"), ExpectedReply.bulk("1-1"), ExpectedReply.arr([ExpectedReply.bulks("c", "1")])]))
        #expect(c.send("RENAME", "s2", "s3") == ExpectedReply.ok)
        #expect(c.send("XLEN", "s3") == ExpectedReply.int(1))
        #expect(c.send("SCAN", "0", "TYPE", "stream") == ExpectedReply.arr([ExpectedReply.bulk("0"), ExpectedReply.bulks("s", "s3")]) ||
                c.send("SCAN", "0", "TYPE", "stream") == ExpectedReply.arr([ExpectedReply.bulk("0"), ExpectedReply.bulks("s3", "s")]))
        let small = c.send("MEMORY", "USAGE", "s")
        for i in 3...300 { c.send("XADD", "s", "\(i)-1", "field", String(repeating: "v", count: 40)) }
        let big = c.send("MEMORY", "USAGE", "s")
        let n1 = Int(small.dropFirst().dropLast()) ?? 0, n2 = Int(big.dropFirst().dropLast()) ?? 0
        #expect(n1 > 0 && n2 > n1 + 298 * 40, "\(small) \(big)")
        c.send("XDEL", "s", "1-1")
        #expect(c.send("EXPIRE", "s", "10") == ExpectedReply.int(1))
        t.advance(ms: 10_001)
        #expect(c.send("EXISTS", "s") == ExpectedReply.int(0))
    }

    @Test func radixTreeKeysAndNodesMatchRedis() {
        // Recorded from redis-server 7.0.15: 350 entries `i-1` (i = 1...350) → 4 keys, 11 nodes.
        let s = RedisStream()
        for i in 1...350 { s.append(StreamID(UInt64(i), 1), ["a", ByteString(String(i))]) }
        #expect(s.nodeCount == 4)
        #expect(StreamCommands.raxNodeCount(s) == 11)
        // 1-1, 2^40-0, 2^40+1-0, a 5,000-byte entry (own node), then 2^40+2-6 → 3 keys, 8 nodes.
        let b = RedisStream()
        b.append(StreamID(1, 1), ["f", "1"])
        b.append(StreamID(1 << 40, 0), ["f", "1"])
        b.append(StreamID((1 << 40) + 1, 0), ["f", "1"])
        b.append(StreamID((1 << 40) + 2, 5), ["f", ByteString(String(repeating: "x", count: 5000))])
        b.append(StreamID((1 << 40) + 2, 6), ["f", "1"])
        #expect(b.nodeCount == 3)
        #expect(StreamCommands.raxNodeCount(b) == 8)
        #expect(StreamCommands.raxNodeCount(RedisStream()) == 1)
    }

    @Test func streamMatchesASortedModelUnderRandomOperations() {
        var rng = StreamRNG(seed: 42)
        let s = RedisStream()
        var model: [(StreamID, [ByteString])] = []
        var next: UInt64 = 1
        for step in 0..<6000 {
            switch rng.next() % 10 {
            case 0...5:
                next += rng.next() % 3
                let id = StreamID(next, rng.next() % 4)
                if let last = model.last?.0, id <= last { continue }
                if id <= s.lastID { continue }
                let f: [ByteString] = [ByteString("f\(rng.next() % 3)"), ByteString(String(rng.next() % 1000))]
                s.append(id, f)
                model.append((id, f))
            case 6, 7:
                guard !model.isEmpty else { continue }
                let i = Int(rng.next() % UInt64(model.count))
                #expect(s.deleteIDs([model[i].0, model[i].0]) == 1)
                model.remove(at: i)
            case 8:
                var t = StreamTrim()
                let keep = Int64(rng.next() % 200)
                t.strategy = .maxlen(keep)
                t.approx = rng.next() % 2 == 0
                if t.approx { t.limit = 10000 }
                let removed = s.trim(t)
                #expect(removed >= 0)
                model.removeFirst(min(Int(removed), model.count))
                if !t.approx { #expect(s.length <= Int(keep)) }
            default:
                guard !model.isEmpty else { continue }
                let lo = model[Int(rng.next() % UInt64(model.count))].0
                var got: [StreamID] = []
                s.forEach(from: lo, to: .max, reverse: rng.next() % 2 == 0) { id, _ in got.append(id); return true }
                let want = model.map { $0.0 }.filter { $0 >= lo }
                #expect(Set(got) == Set(want), "step \(step)")
            }
            #expect(s.length == model.count)
            #expect(s.firstID == (model.first?.0 ?? .zero) || model.isEmpty)
            for n in s.nodes { #expect(n.live > 0 && n.live + n.tombstones <= RedisStream.nodeMaxEntries) }
        }
        var all: [StreamID] = []
        s.forEach(from: .zero, to: .max) { id, _ in all.append(id); return true }
        #expect(all == model.map { $0.0 })
        var rev: [StreamID] = []
        s.forEach(from: .zero, to: .max, reverse: true) { id, _ in rev.append(id); return true }
        #expect(rev == all.reversed())
        for (id, f) in model.prefix(50) { #expect(s.entry(id) == f) }
    }

    @Test func idParsingFollowsString2ull() {
        func p(_ s: String, star: Bool = false) -> String? {
            StreamCommands.parseID(ArraySlice(Array(s.utf8)), strict: true, seqStar: star).map { "\($0.0.text)/\($0.1)" }
        }
        #expect(p("5") == "5-0/true")
        #expect(p("007-1") == "7-1/true")
        #expect(p("-0") == "0-0/true" || p("-0") == nil)
        #expect(p("1-*", star: true) == "1-0/false")
        #expect(p("1-*") == nil)
        #expect(p("18446744073709551615-18446744073709551615") == "18446744073709551615-18446744073709551615/true")
        #expect(p("18446744073709551616-0") == nil)
        #expect(p("-") == nil && p("+") == nil && p("") == nil && p("1-") == nil && p("x-1") == nil && p("-5") == nil)
        #expect(StreamCommands.parseID(ArraySlice(Array("-".utf8)), strict: false)?.0 == .zero)
        #expect(StreamCommands.parseID(ArraySlice(Array("+".utf8)), strict: false)?.0 == .max)
    }
}

/// Deterministic PRNG for the model test.
private struct StreamRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
