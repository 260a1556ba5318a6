import NIOCore
import RESP

/// Bit operations on strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD(_RO).
enum BitCommands {
    /// Parses a bit offset (`#N` multiplied by `bits` when `hashAllowed`); nil after replying the error.
    static func bitOffset(_ ctx: inout CommandContext, _ i: Int, hashAllowed: Bool = false, bits: Int = 1) -> Int? {
        var slice = ctx.args[i]
        var usehash = false
        if hashAllowed, slice.first == UInt8(ascii: "#") {
            usehash = true
            slice = slice.dropFirst()
        }
        guard let v = slice.withUnsafeBytes({ parseStrictInt($0) }) else {
            ctx.out.error(RedisError.bitOffset)
            return nil
        }
        var off = Int(v)
        // Redis multiplies `#N` by the width in C (`loffset *= bits`, wrapping on overflow) and then
        // limits the offset to proto-max-bulk-len bytes.
        if usehash { off = off &* bits }
        if off < 0 || (off >> 3) >= ctx.engine.config.protoMaxBulkLen {
            ctx.out.error(RedisError.bitOffset)
            return nil
        }
        return off
    }

    /// The string at `key` for writing (empty when missing); nil after WRONGTYPE.
    static func loadForWrite(_ ctx: inout CommandContext, _ key: ByteString) -> (index: Int?, bytes: [UInt8])? {
        guard let i = ctx.lookupWrite(key) else { return (nil, []) }
        guard let b = StringCommands.stringBytes(&ctx, at: i) else { return nil }
        ctx.db.main.setValue(.int(0), at: i)
        return (i, b)
    }

    static func store(_ ctx: inout CommandContext, _ key: ByteString, _ index: Int?, _ bytes: [UInt8]) {
        let v = Value.rawString(ByteString(bytes))
        if let i = index {
            ctx.db.main.setValue(v, at: i)
            ctx.engine.dirty += 1
            ctx.signalModified(key)
        } else {
            ctx.setKey(key, v)
        }
    }

    static func setbit(_ ctx: inout CommandContext) {
        guard let off = bitOffset(&ctx, 2) else { return }
        guard let on = ctx.int(3), on == 0 || on == 1 else {
            ctx.out.error(RedisError.bitValue)
            return
        }
        let key = ctx.key(1)
        guard let loaded = loadForWrite(&ctx, key) else { return }
        var bytes = loaded.bytes
        let byte = off >> 3
        var grown = loaded.index == nil
        if bytes.count <= byte {
            bytes = zeroExtended(bytes, to: byte + 1)
            grown = true
        }
        let bit = 7 - (off & 7)
        let old = (bytes[byte] >> UInt8(bit)) & 1
        if on == 1 { bytes[byte] |= 1 << UInt8(bit) } else { bytes[byte] &= ~(1 << UInt8(bit)) }
        if grown || Int(old) != on {
            store(&ctx, key, loaded.index, bytes)
            ctx.notify(.string, "setbit", key)
        } else if let i = loaded.index {
            // Unchanged: Redis 7.0 still unshares the string (raw encoding) but signals nothing.
            ctx.db.main.setValue(Value.rawString(ByteString(bytes)), at: i)
        }
        ctx.out.integer(Int(old))
    }

    static func getbit(_ ctx: inout CommandContext) {
        guard let off = bitOffset(&ctx, 2) else { return }
        guard let i = ctx.lookupRead(ctx.key(1)) else {
            ctx.out.integer(0)
            return
        }
        guard let bytes = StringCommands.stringBytes(&ctx, at: i) else { return }
        let byte = off >> 3
        if byte >= bytes.count {
            ctx.out.integer(0)
            return
        }
        ctx.out.integer(Int((bytes[byte] >> UInt8(7 - (off & 7))) & 1))
    }

    static func popcount(_ b: ArraySlice<UInt8>) -> Int {
        var n = 0
        for x in b { n += x.nonzeroBitCount }
        return n
    }

    static func bitcount(_ ctx: inout CommandContext) {
        // Redis 7.0 looks the key up (missing → 0, wrong type → WRONGTYPE) before parsing the range.
        guard let i = ctx.lookupRead(ctx.key(1)) else {
            ctx.out.integer(0)
            return
        }
        guard let bytes = StringCommands.stringBytes(&ctx, at: i) else { return }
        var isBit = false
        var start = 0, end = 0
        var hasRange = false
        if ctx.argc == 4 || ctx.argc == 5 {
            guard let s = ctx.intOrReply(2), let e = ctx.intOrReply(3) else { return }
            start = s; end = e
            hasRange = true
            if ctx.argc == 5 {
                if ctx.argIs(4, "BIT") { isBit = true } else if !ctx.argIs(4, "BYTE") {
                    ctx.out.error(RedisError.syntax)
                    return
                }
            }
        } else if ctx.argc != 2 {
            ctx.out.error(RedisError.syntax)
            return
        }
        let strlen = bytes.count
        if !hasRange {
            ctx.out.integer(popcount(bytes[...]))
            return
        }
        let totlen = isBit ? strlen * 8 : strlen
        if start < 0 && end < 0 && start > end {
            ctx.out.integer(0)
            return
        }
        if start < 0 { start = totlen + start }
        if end < 0 { end = totlen + end }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= totlen { end = totlen - 1 }
        if start > end {
            ctx.out.integer(0)
            return
        }
        if !isBit {
            ctx.out.integer(popcount(bytes[start...end]))
            return
        }
        var n = 0
        for bit in start...end where (bytes[bit >> 3] >> UInt8(7 - (bit & 7))) & 1 == 1 { n += 1 }
        ctx.out.integer(n)
    }

    static func bitpos(_ ctx: inout CommandContext) {
        guard let bitArg = ctx.intOrReply(2) else { return }
        if bitArg != 0 && bitArg != 1 {
            ctx.out.error("ERR The bit argument must be 1 or 0.")
            return
        }
        // Redis 7.0 looks the key up (missing → -1 or 0) before parsing the range.
        guard let i = ctx.lookupRead(ctx.key(1)) else {
            ctx.out.integer(bitArg == 1 ? -1 : 0)
            return
        }
        guard let bytes = StringCommands.stringBytes(&ctx, at: i) else { return }
        var isBit = false
        var start = 0, end = -1
        var endGiven = false
        if ctx.argc > 6 {
            ctx.out.error(RedisError.syntax)
            return
        }
        if ctx.argc >= 4 {
            guard let s = ctx.intOrReply(3) else { return }
            start = s
            if ctx.argc == 6 {
                if ctx.argIs(5, "BIT") { isBit = true } else if !ctx.argIs(5, "BYTE") {
                    ctx.out.error(RedisError.syntax)
                    return
                }
            }
            if ctx.argc >= 5 {
                guard let e = ctx.intOrReply(4) else { return }
                end = e
                endGiven = true
            }
        }
        let strlen = bytes.count
        let totlen = isBit ? strlen * 8 : strlen
        if start < 0 { start = totlen + start }
        if end < 0 { end = totlen + end }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= totlen { end = totlen - 1 }
        if start > end || totlen == 0 {
            ctx.out.integer(-1)
            return
        }
        let firstBit = isBit ? start : start * 8
        let lastBit = isBit ? end : end * 8 + 7
        var pos = firstBit
        while pos <= lastBit {
            let b = Int((bytes[pos >> 3] >> UInt8(7 - (pos & 7))) & 1)
            if b == bitArg {
                ctx.out.integer(pos)
                return
            }
            pos += 1
        }
        if bitArg == 0 && !endGiven {
            ctx.out.integer(lastBit + 1)
            return
        }
        ctx.out.integer(-1)
    }

    static func bitop(_ ctx: inout CommandContext) {
        enum Op { case and, or, xor, not }
        let op: Op
        if ctx.argIs(1, "AND") { op = .and } else if ctx.argIs(1, "OR") { op = .or } else if ctx.argIs(1, "XOR") { op = .xor } else if ctx.argIs(1, "NOT") { op = .not } else {
            ctx.out.error(RedisError.syntax)
            return
        }
        if op == .not && ctx.argc != 4 {
            ctx.out.error("ERR BITOP NOT must be called with a single source key.")
            return
        }
        var sources: [[UInt8]] = []
        var maxLen = 0
        for j in 3..<ctx.argc {
            if let i = ctx.lookupRead(ctx.key(j)) {
                guard let b = ctx.value(at: i).stringBytes?.array, ctx.value(at: i).isString else {
                    ctx.wrongType()
                    return
                }
                sources.append(b)
                maxLen = max(maxLen, b.count)
            } else {
                sources.append([])
            }
        }
        var result = [UInt8](repeating: 0, count: maxLen)
        for k in 0..<maxLen {
            switch op {
            case .not:
                result[k] = ~(k < sources[0].count ? sources[0][k] : 0)
            case .and:
                var v: UInt8 = 0xff
                for s in sources { v &= k < s.count ? s[k] : 0 }
                result[k] = v
            case .or:
                var v: UInt8 = 0
                for s in sources { v |= k < s.count ? s[k] : 0 }
                result[k] = v
            case .xor:
                var v: UInt8 = 0
                for s in sources { v ^= k < s.count ? s[k] : 0 }
                result[k] = v
            }
        }
        let dest = ctx.key(2)
        if maxLen == 0 {
            if ctx.deleteKey(dest) { ctx.notify(.generic, "del", dest) }
        } else {
            ctx.setKey(dest, Value.rawString(ByteString(result)))
            ctx.notify(.string, "set", dest)
        }
        ctx.out.integer(maxLen)
    }

    // MARK: BITFIELD

    struct FieldOp {
        enum Kind { case get, set, incrby }
        var kind: Kind
        var signed: Bool
        var bits: Int
        var offset: Int
        var value: Int64
        var overflow: Overflow
        /// Bytes the string needs to hold this field (no overflow for any offset).
        var byteEnd: Int { (offset >> 3) + ((offset & 7) + bits + 7) >> 3 }
    }

    enum Overflow { case wrap, sat, fail }

    static func parseType(_ ctx: inout CommandContext, _ i: Int) -> (Bool, Int)? {
        let t = Array(ctx.args[i])
        let err = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
        guard let f = t.first, f == UInt8(ascii: "i") || f == UInt8(ascii: "u") || f == UInt8(ascii: "I") || f == UInt8(ascii: "U"),
              let n = t.dropFirst().withUnsafeBytes({ parseStrictInt($0) }) else {
            ctx.out.error(err)
            return nil
        }
        let signed = f == UInt8(ascii: "i") || f == UInt8(ascii: "I")
        if n < 1 || (signed && n > 64) || (!signed && n > 63) {
            ctx.out.error(err)
            return nil
        }
        return (signed, Int(n))
    }

    static func bitfield(_ ctx: inout CommandContext, readOnly: Bool) {
        var ops: [FieldOp] = []
        var overflow = Overflow.wrap
        var j = 2
        var hasWrite = false
        while j < ctx.argc {
            let remaining = ctx.argc - j - 1
            if ctx.argIs(j, "GET") && remaining >= 2 {
                guard let (s, b) = parseType(&ctx, j + 1), let off = bitOffset(&ctx, j + 2, hashAllowed: true, bits: b) else { return }
                ops.append(FieldOp(kind: .get, signed: s, bits: b, offset: off, value: 0, overflow: overflow))
                j += 3
            } else if (ctx.argIs(j, "SET") || ctx.argIs(j, "INCRBY")) && remaining >= 3 {
                let isSet = ctx.argIs(j, "SET")
                guard let (s, b) = parseType(&ctx, j + 1), let off = bitOffset(&ctx, j + 2, hashAllowed: true, bits: b) else { return }
                guard let v = ctx.intOrReply(j + 3) else { return }
                ops.append(FieldOp(kind: isSet ? .set : .incrby, signed: s, bits: b, offset: off, value: Int64(v), overflow: overflow))
                hasWrite = true
                j += 4
            } else if ctx.argIs(j, "OVERFLOW") && remaining >= 1 {
                if ctx.argIs(j + 1, "WRAP") { overflow = .wrap } else if ctx.argIs(j + 1, "SAT") { overflow = .sat } else if ctx.argIs(j + 1, "FAIL") { overflow = .fail } else {
                    ctx.out.error("ERR Invalid OVERFLOW type specified")
                    return
                }
                j += 2
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
        }
        if readOnly && hasWrite {
            ctx.out.error("ERR BITFIELD_RO only supports the GET subcommand")
            return
        }
        let key = ctx.key(1)
        var idx: Int?
        var bytes: [UInt8] = []
        if hasWrite {
            guard let loaded = loadForWrite(&ctx, key) else { return }
            idx = loaded.index
            bytes = loaded.bytes
        } else if let i = ctx.lookupRead(key) {
            guard let b = StringCommands.stringBytes(&ctx, at: i) else { return }
            bytes = b
        }
        // Redis's lookupStringForBitCommand: creating or growing the string makes every write a change.
        var grown = hasWrite && idx == nil
        if hasWrite {
            var highest = 0
            for op in ops where op.kind != .get { highest = max(highest, op.byteEnd) }
            if bytes.count < highest { grown = true }
            bytes = zeroExtended(bytes, to: highest)
        }
        ctx.out.arrayHeader(ops.count)
        var changes = 0
        for op in ops {
            if op.kind != .get && bytes.count < op.byteEnd { bytes = zeroExtended(bytes, to: op.byteEnd) }
            let raw = getBits(bytes, op.offset, op.bits)
            let current: Int64 = op.signed ? signExtend(raw, op.bits) : Int64(bitPattern: raw)
            switch op.kind {
            case .get:
                ctx.out.integer(Int(current))
            case .set, .incrby:
                var target: Int64
                var overflowed = false
                if op.kind == .set {
                    (target, overflowed) = fit(op.value, signed: op.signed, bits: op.bits, mode: op.overflow, base: nil)
                } else {
                    (target, overflowed) = fit(op.value, signed: op.signed, bits: op.bits, mode: op.overflow, base: current)
                }
                if overflowed && op.overflow == .fail {
                    ctx.out.null()
                    continue
                }
                setBits(&bytes, op.offset, op.bits, UInt64(bitPattern: target))
                if grown || target != current { changes += 1 }
                ctx.out.integer(Int(op.kind == .set ? current : target))
            }
        }
        guard hasWrite else { return }
        if let i = idx {
            // Redis adds one to the dirty counter per changing operation, none when nothing changed.
            ctx.db.main.setValue(Value.rawString(ByteString(bytes)), at: i)
            if changes > 0 {
                ctx.engine.dirty += changes
                ctx.signalModified(key)
            }
        } else {
            ctx.setKey(key, Value.rawString(ByteString(bytes)))
            ctx.engine.dirty += changes - 1
        }
        if changes > 0 { ctx.notify(.string, "setbit", key) }
    }

    static func getBits(_ b: [UInt8], _ offset: Int, _ bits: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<bits {
            let pos = offset &+ k
            let byte = pos >> 3
            let bit: UInt64 = byte >= 0 && byte < b.count ? UInt64((b[byte] >> UInt8(7 - (pos & 7))) & 1) : 0
            v = (v << 1) | bit
        }
        return v
    }

    static func setBits(_ b: inout [UInt8], _ offset: Int, _ bits: Int, _ value: UInt64) {
        for k in 0..<bits {
            let pos = offset + k
            let bit = (value >> UInt64(bits - 1 - k)) & 1
            let mask = UInt8(1) << UInt8(7 - (pos & 7))
            if bit == 1 { b[pos >> 3] |= mask } else { b[pos >> 3] &= ~mask }
        }
    }

    static func signExtend(_ v: UInt64, _ bits: Int) -> Int64 {
        if bits == 64 { return Int64(bitPattern: v) }
        let shift = UInt64(64 - bits)
        return Int64(bitPattern: v << shift) >> Int64(shift)
    }

    /// Applies (base +) value with the overflow policy; returns the stored value and whether it overflowed.
    static func fit(_ value: Int64, signed: Bool, bits: Int, mode: Overflow, base: Int64?) -> (Int64, Bool) {
        if signed {
            let maxV: Int64 = bits == 64 ? Int64.max : (Int64(1) << Int64(bits - 1)) - 1
            let minV: Int64 = bits == 64 ? Int64.min : -(Int64(1) << Int64(bits - 1))
            var result: Int64
            var over = false
            var sat: Int64 = 0
            if let b = base {
                let (r, o) = b.addingReportingOverflow(value)
                if o || r > maxV || r < minV {
                    over = true
                    sat = (o ? (value > 0) : (r > maxV)) ? maxV : minV
                }
                result = b &+ value
            } else {
                result = value
                if value > maxV || value < minV {
                    over = true
                    sat = value > maxV ? maxV : minV
                }
            }
            if over {
                switch mode {
                case .sat: return (sat, true)
                case .fail: return (0, true)
                case .wrap: break
                }
            }
            return (signExtend(UInt64(bitPattern: result) & maskBits(bits), bits), over)
        } else {
            let maxV: UInt64 = maskBits(bits)
            var over = false
            var sat: UInt64 = 0
            var result: UInt64
            if let b = base {
                let ub = UInt64(bitPattern: b)
                if value >= 0 {
                    let (r, o) = ub.addingReportingOverflow(UInt64(value))
                    if o || r > maxV { over = true; sat = maxV }
                    result = r
                } else {
                    let dec = UInt64(bitPattern: 0 &- value)
                    if dec > ub { over = true; sat = 0 }
                    result = ub &- dec
                }
            } else {
                if value < 0 || UInt64(value) > maxV {
                    over = true
                    sat = value < 0 ? 0 : maxV
                }
                result = UInt64(bitPattern: value)
            }
            if over {
                switch mode {
                case .sat: return (Int64(bitPattern: sat), true)
                case .fail: return (0, true)
                case .wrap: break
                }
            }
            return (Int64(bitPattern: result & maxV), over)
        }
    }

    static func maskBits(_ bits: Int) -> UInt64 { bits >= 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1 }
}
