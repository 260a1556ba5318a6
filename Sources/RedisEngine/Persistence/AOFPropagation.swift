import NIOCore
import RESP

/// What a write command that changed data puts into the AOF, as Redis 7.0 propagates it: most
/// commands verbatim; relative or random effects as the deterministic command that has the same
/// effect (read back from the keyspace after the command, or from its reply).
extension Engine {
    /// Commands whose effects are propagated by the commands they run, never by themselves.
    static let aofEffectsOnly: Set<String> = ["exec", "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"]

    /// FUNCTION LOAD/DELETE/FLUSH/RESTORE change the function libraries, not keys: written when they succeed.
    func aofChangesWithoutKeys(_ ctx: CommandContext, _ cmd: CommandSpec, _ mark: Int) -> Bool {
        switch cmd.fullName {
        case "function|load", "function|delete", "function|flush", "function|restore":
            let b = ctx.out.buffer
            return b.writerIndex > mark && b.getInteger(at: mark, as: UInt8.self) != UInt8(ascii: "-")
        default:
            return false
        }
    }

    /// Called by `call` after a write command changed data: queues what the AOF gets for it.
    func aofRecordCommand(_ ctx: inout CommandContext, _ cmd: CommandSpec, replyMark: Int) {
        if Engine.aofEffectsOnly.contains(cmd.name) { return }
        let db = ctx.session.db
        for argv in aofRewrite(&ctx, cmd, replyMark: replyMark) { aofPropagate(db: db, argv) }
    }

    /// A key deleted by the server (lazy or active expiry, eviction): DEL, or UNLINK with lazyfree.
    func aofPropagateDeletion(db: Int, key: ByteString, lazy: Bool) {
        guard aof.propagating else { return }
        aofPropagate(db: db, [Array((lazy ? "UNLINK" : "DEL").utf8), key.array])
        if aof.depth == 0 { aofCommitPending() }
    }

    private func aofRewrite(_ ctx: inout CommandContext, _ cmd: CommandSpec, replyMark: Int) -> [[[UInt8]]] {
        let args = ctx.args
        let verbatim: [[UInt8]] = (0..<args.count).map { Array(args[$0]) }
        func b(_ s: String) -> [UInt8] { Array(s.utf8) }
        let db = ctx.db
        let now = ctx.now
        /// The key's expiry if it still exists (nil: gone; some(nil): no TTL).
        func state(_ key: ByteString) -> (value: Value, expire: Int64?)? {
            guard let i = db.main.find(key) else { return nil }
            let t = db.expires.isEmpty ? nil : db.expires[key]
            if let t, now > t { return nil }
            return (db.main.value(at: i), t)
        }
        func del(_ key: ByteString) -> [[UInt8]] { [b("DEL"), key.array] }
        func reply() -> RESPValue? {
            let len = ctx.out.buffer.writerIndex - replyMark
            guard len > 0, var slice = ctx.out.buffer.getSlice(at: replyMark, length: len) else { return nil }
            return try? RESPValue.parse(&slice)
        }
        switch cmd.fullName {
        case "expire", "pexpire", "expireat", "pexpireat":
            let key = ctx.key(1)
            guard let s = state(key) else { return [del(key)] }
            guard let t = s.expire else { return [verbatim] }
            return [[b("PEXPIREAT"), key.array, b(String(t))]]
        case "set", "setex", "psetex":
            let key = ctx.key(1)
            guard let s = state(key) else { return [del(key)] }
            let relative = cmd.name != "set" || (2..<args.count).contains { i in
                ctx.argIs(i, "EX") || ctx.argIs(i, "PX") || ctx.argIs(i, "EXAT") || ctx.argIs(i, "KEEPTTL")
            }
            if !relative { return [verbatim] }
            var out = [b("SET"), key.array, s.value.stringBytes?.array ?? []]
            if let t = s.expire { out += [b("PXAT"), b(String(t))] }
            return [out]
        case "getex":
            let key = ctx.key(1)
            guard let s = state(key) else { return [del(key)] }
            if let t = s.expire { return [[b("PEXPIREAT"), key.array, b(String(t))]] }
            return [[b("PERSIST"), key.array]]
        case "incrbyfloat":
            let key = ctx.key(1)
            guard let s = state(key), let v = s.value.stringBytes else { return [verbatim] }
            return [[b("SET"), key.array, v.array, b("KEEPTTL")]]
        case "hincrbyfloat":
            let key = ctx.key(1)
            guard let s = state(key), case .hash(let h) = s.value, let v = h.get(ctx.key(2)) else { return [verbatim] }
            return [[b("HSET"), key.array, ctx.key(2).array, v.array]]
        case "getdel":
            return [del(ctx.key(1))]
        case "restore":
            // A relative TTL becomes absolute (ABSTTL), so replaying later restores the same deadline.
            let key = ctx.key(1)
            guard let s = state(key) else { return [verbatim] }
            var out = verbatim
            let hasAbs = (4..<args.count).contains { ctx.argIs($0, "ABSTTL") }
            if let t = s.expire, !hasAbs { out[2] = b(String(t)); out.append(b("ABSTTL")) }
            return [out]
        case "spop":
            let key = ctx.key(1)
            switch reply() {
            case .bulkString(let m)?: return [[b("SREM"), key.array, m]]
            case .array(let items)?, .set(let items)?:
                if state(key) == nil { return [del(key)] }
                let members = items.compactMap { if case .bulkString(let m) = $0 { return m } else { return nil } }
                if members.isEmpty { return [] }
                var out: [[[UInt8]]] = []
                var i = 0
                while i < members.count {
                    let end = min(members.count, i + 1024)
                    out.append([b("SREM"), key.array] + members[i..<end])
                    i = end
                }
                return out
            default: return state(key) == nil ? [del(key)] : [verbatim]
            }
        case "blpop", "brpop", "bzpopmin", "bzpopmax":
            guard case .array(let items)? = reply(), let first = items.first, case .bulkString(let key) = first else { return [verbatim] }
            let name: String
            switch cmd.name {
            case "blpop": name = "LPOP"
            case "brpop": name = "RPOP"
            case "bzpopmin": name = "ZPOPMIN"
            default: name = "ZPOPMAX"
            }
            return [[b(name), key]]
        case "blmpop", "bzmpop":
            guard case .array(let items)? = reply(), items.count == 2, case .bulkString(let key) = items[0] else { return [verbatim] }
            let count: Int
            switch items[1] {
            case .array(let a), .set(let a): count = a.count
            case .map(let m): count = m.count
            default: count = 1
            }
            guard let numkeys = ctx.int(2), 3 + numkeys < args.count else { return [verbatim] }
            let left = ctx.argIs(3 + numkeys, "LEFT") || ctx.argIs(3 + numkeys, "MIN")
            let name = cmd.name == "blmpop" ? (left ? "LPOP" : "RPOP") : (left ? "ZPOPMIN" : "ZPOPMAX")
            return [[b(name), key, b(String(count))]]
        case "blmove":
            return [[b("LMOVE")] + verbatim[1..<5]]
        case "brpoplpush":
            return [[b("RPOPLPUSH"), verbatim[1], verbatim[2]]]
        case "xadd":
            return [xaddRewrite(&ctx, verbatim, reply: reply())]
        case "xtrim":
            return [trimRewrite(&ctx, verbatim, from: 2)]
        case "xreadgroup":
            return xreadgroupEffects(&ctx, reply: reply()) ?? [verbatim]
        default:
            return [verbatim]
        }
    }

    /// XREADGROUP as Redis 7.0 propagates it: the consumer's creation, one `XCLAIM key group consumer 0 id
    /// TIME <delivery ms> RETRYCOUNT <count> FORCE JUSTID LASTID <group last id>` per delivered entry (none
    /// with NOACK), then `XGROUP SETID key group <last id> ENTRIESREAD <n>`. nil: fall back to verbatim.
    private func xreadgroupEffects(_ ctx: inout CommandContext, reply: RESPValue?) -> [[[UInt8]]]? {
        func b(_ s: String) -> [UInt8] { Array(s.utf8) }
        var groupAt = -1, streamsAt = -1, noack = false
        var i = 1
        while i < ctx.argc {
            if ctx.argIs(i, "GROUP") { groupAt = i; i += 3; continue }
            if ctx.argIs(i, "NOACK") { noack = true }
            if ctx.argIs(i, "STREAMS") { streamsAt = i; break }
            i += 1
        }
        guard groupAt > 0, groupAt + 2 < ctx.argc, streamsAt > 0 else { return nil }
        let group = ctx.key(groupAt + 1), consumer = ctx.key(groupAt + 2)
        let n = (ctx.argc - streamsAt - 1) / 2
        // Delivered IDs per key, from the reply (RESP2 array of [key, entries], RESP3 map).
        var delivered: [ByteString: [StreamID]] = [:]
        func ids(_ entries: RESPValue) -> [StreamID] {
            guard case .array(let list) = entries else { return [] }
            return list.compactMap { e in
                guard case .array(let pair) = e, let first = pair.first, case .bulkString(let raw) = first,
                      let parsed = StreamCommands.parseID(raw[...], strict: true) else { return nil }
                return parsed.0
            }
        }
        switch reply {
        case .array(let items)?:
            for it in items {
                if case .array(let kv) = it, kv.count == 2, case .bulkString(let k) = kv[0] { delivered[ByteString(k)] = ids(kv[1]) }
            }
        case .map(let pairs)?:
            for (k, v) in pairs { if case .bulkString(let kb) = k { delivered[ByteString(kb)] = ids(v) } }
        default: break
        }
        var out: [[[UInt8]]] = []
        for j in 0..<n {
            let key = ctx.key(streamsAt + 1 + j)
            guard let idx = ctx.db.main.find(key), case .object(let o) = ctx.db.main.value(at: idx),
                  let st = o as? StreamObject, let g = st.stream.groups[group] else { continue }
            if g.consumers[consumer] != nil {
                out.append([b("XGROUP"), b("CREATECONSUMER"), key.array, group.array, consumer.array])
            }
            let got = delivered[key] ?? []
            if !noack {
                for id in got {
                    guard let nack = g.pel[id] else { continue }
                    out.append([b("XCLAIM"), key.array, group.array, consumer.array, b("0"), b(id.text),
                                b("TIME"), b(String(nack.deliveryTime)), b("RETRYCOUNT"), b(String(nack.deliveryCount)),
                                b("FORCE"), b("JUSTID"), b("LASTID"), b(g.lastID.text)])
                }
            }
            if !got.isEmpty {
                out.append([b("XGROUP"), b("SETID"), key.array, group.array, b(g.lastID.text), b("ENTRIESREAD"), b(String(g.entriesRead))])
            }
        }
        return out
    }

    /// XADD with `*` or `ms-*` gets the ID it generated; approximate trimming (`~`, LIMIT) becomes
    /// the exact trim it did (Redis's streamRewriteApproxSpecifier / streamRewriteTrimArgument).
    private func xaddRewrite(_ ctx: inout CommandContext, _ argv: [[UInt8]], reply: RESPValue?) -> [[UInt8]] {
        var out = trimRewrite(&ctx, argv, from: 2)
        // Find the ID argument: after the options.
        var i = 2
        while i < out.count {
            let w = String(decoding: out[i], as: UTF8.self).uppercased()
            if w == "NOMKSTREAM" { i += 1; continue }
            if w == "MAXLEN" || w == "MINID" {
                i += 1
                if i < out.count, out[i] == [UInt8(ascii: "=")] || out[i] == [UInt8(ascii: "~")] { i += 1 }
                i += 1
                continue
            }
            if w == "LIMIT" { i += 2; continue }
            break
        }
        if i < out.count, case .bulkString(let id)? = reply { out[i] = id }
        return out
    }

    private func trimRewrite(_ ctx: inout CommandContext, _ argv: [[UInt8]], from start: Int) -> [[UInt8]] {
        var out = argv
        var i = start
        while i < out.count - 1 {
            let w = String(decoding: out[i], as: UTF8.self).uppercased()
            if w == "MAXLEN" || w == "MINID" {
                guard out[i + 1] == [UInt8(ascii: "~")] else { return out }
                out[i + 1] = [UInt8(ascii: "=")]
                let key = ctx.key(1)
                if let idx = ctx.db.main.find(key), case .object(let o) = ctx.db.main.value(at: idx), let s = o as? StreamObject {
                    if i + 2 < out.count {
                        out[i + 2] = w == "MAXLEN" ? Array(String(s.stream.length).utf8) : Array(s.stream.firstID.text.utf8)
                    }
                }
                // LIMIT only goes with ~.
                if i + 4 < out.count, String(decoding: out[i + 3], as: UTF8.self).uppercased() == "LIMIT" {
                    out.removeSubrange((i + 3)...(i + 4))
                }
                return out
            }
            i += 1
        }
        return out
    }
}
