import RESP

/// PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST over Redis's HLL string format (`HyperLogLog`).
public enum HyperLogLogCommands {
    public static var all: [CommandSpec] {
        [
            CatalogSpec.make("pfadd", group: "hyperloglog", since: "2.8.9", summary: "Adds the specified elements to the specified HyperLogLog.", pfadd),
            CatalogSpec.make("pfcount", group: "hyperloglog", since: "2.8.9", summary: "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
                             extraFlags: [.mayReplicate], pfcount),
            CatalogSpec.make("pfmerge", group: "hyperloglog", since: "2.8.9", summary: "Merge N different HyperLogLogs into a single one.", pfmerge),
            CatalogSpec.make("pfdebug", group: "hyperloglog", since: "2.8.9", summary: "Internal commands for debugging HyperLogLog values", pfdebug),
            CatalogSpec.make("pfselftest", group: "hyperloglog", since: "2.8.9", summary: "An internal command for testing HyperLogLog values", pfselftest),
        ]
    }

    static let invalidHLL: StaticString = "WRONGTYPE Key is not a valid HyperLogLog string value."
    static let corrupted: StaticString = "INVALIDOBJ Corrupted HLL object detected"

    /// `hll-sparse-max-bytes` (CONFIG SET accepts it; default 3000).
    static func sparseMaxBytes(_ e: Engine) -> Int {
        e.config.hllSparseMaxBytes   // stored normalized (plain bytes) by CONFIG SET
    }

    /// The HLL bytes at entry `i`, or nil after replying WRONGTYPE (not a string or not an HLL).
    static func hllBytes(_ ctx: inout CommandContext, at i: Int) -> [UInt8]? {
        guard let b = StringCommands.stringBytes(&ctx, at: i) else { return nil }
        if !HyperLogLog.isValidHeader(b) {
            ctx.out.error(invalidHLL)
            return nil
        }
        return b
    }

    static func pfadd(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        var bytes: [UInt8]
        var updated = 0
        let idx = ctx.lookupWrite(key)
        if let i = idx {
            guard let b = hllBytes(&ctx, at: i) else { return }
            bytes = b
            // Take the array out of the table so changing it does not copy 12 KB.
            ctx.db.main.setValue(.int(0), at: i)
        } else {
            bytes = HyperLogLog.empty()
            updated += 1
        }
        let maxBytes = sparseMaxBytes(ctx.engine)
        var failed = false
        for j in 2..<ctx.argc {
            do {
                let changed = try ctx.args[j].withUnsafeBytes { p throws(HyperLogLog.Failure) -> Bool in
                    try HyperLogLog.add(&bytes, p, maxBytes: maxBytes)
                }
                if changed { updated += 1 }
            } catch {
                failed = true
                break
            }
        }
        if updated > 0 { HyperLogLog.invalidateCache(&bytes) }
        if let i = idx {
            ctx.db.main.setValue(.raw(bytes), at: i)
        } else {
            ctx.engine.setKey(ctx.db, key, .raw(bytes))
        }
        if failed {
            ctx.out.error(corrupted)
            return
        }
        if updated > 0 {
            ctx.signalModified(key)
            ctx.notify(.string, "pfadd", key)
            ctx.engine.dirty += updated
        }
        ctx.out.integer(updated > 0 ? 1 : 0)
    }

    static func pfcount(_ ctx: inout CommandContext) {
        if ctx.argc > 2 {
            var max = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
            for j in 1..<ctx.argc {
                guard let i = ctx.lookupRead(ctx.key(j)) else { continue }
                guard let b = hllBytes(&ctx, at: i) else { return }
                do { try HyperLogLog.merge(into: &max, b) } catch {
                    ctx.out.error(corrupted)
                    return
                }
            }
            ctx.out.integer(Int(HyperLogLog.estimate(HyperLogLog.histogram(raw: max))))
            return
        }
        let key = ctx.key(1)
        guard let i = ctx.lookupRead(key) else {
            ctx.out.integer(0)
            return
        }
        guard var b = hllBytes(&ctx, at: i) else { return }
        if let c = HyperLogLog.cachedCardinality(b) {
            ctx.out.integer(Int(truncatingIfNeeded: c))
            return
        }
        let card: UInt64
        do { card = HyperLogLog.estimate(try HyperLogLog.histogram(b)) } catch {
            ctx.out.error(corrupted)
            return
        }
        ctx.db.main.setValue(.int(0), at: i)
        HyperLogLog.storeCardinality(&b, card)
        ctx.db.main.setValue(.raw(b), at: i)
        ctx.signalModified(key)
        ctx.engine.dirty += 1
        ctx.out.integer(Int(truncatingIfNeeded: card))
    }

    static func pfmerge(_ ctx: inout CommandContext) {
        var max = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
        var useDense = false
        for j in 1..<ctx.argc {
            guard let i = ctx.lookupRead(ctx.key(j)) else { continue }
            guard let b = hllBytes(&ctx, at: i) else { return }
            if b[4] == HyperLogLog.encodingDense { useDense = true }
            do { try HyperLogLog.merge(into: &max, b) } catch {
                ctx.out.error(corrupted)
                return
            }
        }
        let key = ctx.key(1)
        var bytes: [UInt8]
        let idx = ctx.lookupWrite(key)
        if let i = idx {
            guard let b = StringCommands.stringBytes(&ctx, at: i) else { return }
            bytes = b
            ctx.db.main.setValue(.int(0), at: i)
        } else {
            bytes = HyperLogLog.empty()
        }
        let maxBytes = sparseMaxBytes(ctx.engine)
        var failed = false
        do {
            if useDense { try HyperLogLog.sparseToDense(&bytes) }
            for r in 0..<HyperLogLog.registerCount where max[r] != 0 {
                if bytes[4] == HyperLogLog.encodingDense {
                    _ = HyperLogLog.denseSet(&bytes, r, Int(max[r]))
                } else {
                    _ = try HyperLogLog.sparseSet(&bytes, r, Int(max[r]), maxBytes: maxBytes)
                }
            }
        } catch {
            failed = true
        }
        if !failed { HyperLogLog.invalidateCache(&bytes) }
        if let i = idx {
            ctx.db.main.setValue(.raw(bytes), at: i)
        } else {
            ctx.engine.setKey(ctx.db, key, .raw(bytes))
        }
        if failed {
            ctx.out.error(corrupted)
            return
        }
        ctx.signalModified(key)
        ctx.notify(.string, "pfadd", key)
        ctx.engine.dirty += 1
        ctx.out.ok()
    }

    static func pfdebug(_ ctx: inout CommandContext) {
        let sub = ctx.args.string(1)
        let key = ctx.key(2)
        guard let i = ctx.lookupWrite(key) else {
            ctx.out.error("ERR The specified key does not exist")
            return
        }
        guard var b = hllBytes(&ctx, at: i) else { return }
        switch sub.lowercased() {
        case "getreg":
            if b[4] == HyperLogLog.encodingSparse {
                do { try HyperLogLog.sparseToDense(&b) } catch {
                    ctx.out.error(corrupted)
                    return
                }
                ctx.db.main.setValue(.raw(b), at: i)
                ctx.engine.dirty += 1
            }
            ctx.out.arrayHeader(HyperLogLog.registerCount)
            for r in 0..<HyperLogLog.registerCount { ctx.out.integer(HyperLogLog.denseGet(b, r)) }
        case "decode":
            if b[4] != HyperLogLog.encodingSparse {
                ctx.out.error("ERR HLL encoding is not sparse")
                return
            }
            ctx.out.bulk(HyperLogLog.decode(b))
        case "encoding":
            ctx.out.simple(b[4] == HyperLogLog.encodingDense ? "dense" : "sparse")
        case "todense":
            var conv = false
            if b[4] == HyperLogLog.encodingSparse {
                do { try HyperLogLog.sparseToDense(&b) } catch {
                    ctx.out.error(corrupted)
                    return
                }
                ctx.db.main.setValue(.raw(b), at: i)
                ctx.engine.dirty += 1
                conv = true
            }
            ctx.out.integer(conv ? 1 : 0)
        default:
            ctx.out.error("ERR Unknown PFDEBUG subcommand '\(sub)'")
        }
    }

    /// PFSELFTEST: register packing round trips, and sparse (with promotion) and dense HLLs fed the
    /// same elements agree on every register and estimate within 5 standard errors.
    static func pfselftest(_ ctx: inout CommandContext) {
        if let failure = selfTest(seed: UInt64(truncatingIfNeeded: ctx.now)) {
            ctx.out.error("TESTFAILED " + failure)
        } else {
            ctx.out.ok()
        }
    }

    /// Runs the self test; nil on success, the failure otherwise.
    public static func selfTest(seed: UInt64, elements: Int = 100_000) -> String? {
        var rng = SplitMix64(seed: seed)
        var dense = HyperLogLog.empty()
        do { try HyperLogLog.sparseToDense(&dense) } catch { return "Sparse to dense conversion of an empty HLL failed" }
        for _ in 0..<100 {
            var values = [Int](repeating: 0, count: HyperLogLog.registerCount)
            for r in 0..<HyperLogLog.registerCount {
                values[r] = Int(rng.next() & 63)
                HyperLogLog.denseSetRaw(&dense, r, values[r])
            }
            for r in 0..<HyperLogLog.registerCount where HyperLogLog.denseGet(dense, r) != values[r] {
                return "Register error at \(r)"
            }
        }
        var sparse = HyperLogLog.empty()
        dense = HyperLogLog.empty()
        do { try HyperLogLog.sparseToDense(&dense) } catch { return "Sparse to dense conversion failed" }
        let relErr = 1.04 / Double(HyperLogLog.registerCount).squareRoot()
        var checkpoint = 1
        for n in 1...max(1, elements) {
            var x = UInt64(n).littleEndian
            do {
                try withUnsafeBytes(of: &x) { p throws(HyperLogLog.Failure) in
                    _ = try HyperLogLog.add(&sparse, p, maxBytes: HyperLogLog.denseSize)
                    _ = try HyperLogLog.add(&dense, p, maxBytes: HyperLogLog.denseSize)
                }
            } catch { return "Corrupted sparse HLL after \(n) additions" }
            if n == checkpoint {
                let a: UInt64, b: UInt64
                do {
                    a = HyperLogLog.estimate(try HyperLogLog.histogram(sparse))
                    b = HyperLogLog.estimate(try HyperLogLog.histogram(dense))
                } catch { return "Corrupted HLL at \(n)" }
                if a != b { return "Sparse and dense estimates differ at \(n): \(a) vs \(b)" }
                let err = abs(Double(n) - Double(b))
                let maxErr = max(1.0, Double(n) * relErr * 5)
                if err > maxErr { return "Approximation error \(err) above \(maxErr) at \(n) elements" }
                checkpoint *= 10
            }
        }
        return nil
    }
}

/// A small deterministic generator for self tests.
struct SplitMix64: RandomNumberGenerator {
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
