import NIOCore
import RESP

/// Redis 7.0 stream commands (t_stream.c): XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID XREAD,
/// consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM) and XINFO.
public enum StreamCommands {
    public static var all: [CommandSpec] {
        [
            CatalogSpec.make("xadd", group: "stream", since: "5.0.0", summary: "Appends a new entry to a stream", xadd),
            CatalogSpec.make("xlen", group: "stream", since: "5.0.0", summary: "Return the number of entries in a stream", xlen),
            CatalogSpec.make("xrange", group: "stream", since: "5.0.0", summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval") { xrange(&$0, rev: false) },
            CatalogSpec.make("xrevrange", group: "stream", since: "5.0.0", summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE") { xrange(&$0, rev: true) },
            CatalogSpec.make("xdel", group: "stream", since: "5.0.0", summary: "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.", xdel),
            CatalogSpec.make("xtrim", group: "stream", since: "5.0.0", summary: "Trims the stream to (approximately if '~' is passed) a certain size", xtrim),
            CatalogSpec.make("xsetid", group: "stream", since: "5.0.0", summary: "An internal command for replicating stream values", xsetid),
            CatalogSpec.make("xread", group: "stream", since: "5.0.0", summary: "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.",
                           keyFinder: streamsKeyFinder) { xread(&$0, group: false) },
            CatalogSpec.make("xreadgroup", group: "stream", since: "5.0.0", summary: "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.",
                           keyFinder: streamsKeyFinder) { ctx in
                xread(&ctx, group: true)
                for k in streamsKeyFinder(ctx.args) { ctx.db.recharge(ctx.arg(k)) }
            },
            CatalogSpec.make("xack", group: "stream", since: "5.0.0", summary: "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.", recharging(1, xack)),
            CatalogSpec.make("xpending", group: "stream", since: "5.0.0", summary: "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.", xpending),
            CatalogSpec.make("xclaim", group: "stream", since: "5.0.0", summary: "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.", recharging(1, xclaim)),
            CatalogSpec.make("xautoclaim", group: "stream", since: "6.2.0", summary: "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.", recharging(1, xautoclaim)),
            CommandSpec.container("xgroup", arity: -2, group: "stream", summary: "A container for consumer groups commands", since: "5.0.0", subcommands: [
                CatalogSpec.make("xgroup|create", group: "stream", since: "5.0.0", summary: "Create a consumer group.") { xgroup(&$0, .create); rechargeKey(&$0, 2) },
                CatalogSpec.make("xgroup|createconsumer", group: "stream", since: "6.2.0", summary: "Create a consumer in a consumer group.") { xgroup(&$0, .createConsumer); rechargeKey(&$0, 2) },
                CatalogSpec.make("xgroup|delconsumer", group: "stream", since: "5.0.0", summary: "Delete a consumer from a consumer group.") { xgroup(&$0, .delConsumer); rechargeKey(&$0, 2) },
                CatalogSpec.make("xgroup|destroy", group: "stream", since: "5.0.0", summary: "Destroy a consumer group.") { xgroup(&$0, .destroy); rechargeKey(&$0, 2) },
                CatalogSpec.make("xgroup|setid", group: "stream", since: "5.0.0", summary: "Set a consumer group to an arbitrary last delivered ID value.") { xgroup(&$0, .setID); rechargeKey(&$0, 2) },
                CatalogSpec.make("xgroup|help", group: "stream", since: "5.0.0", summary: "Show helpful text about the different subcommands") { help(&$0, xgroupHelp) },
            ]),
            CommandSpec.container("xinfo", arity: -2, group: "stream", summary: "A container for stream introspection commands", since: "5.0.0", subcommands: [
                CatalogSpec.make("xinfo|consumers", group: "stream", since: "5.0.0", summary: "List the consumers in a consumer group", xinfoConsumers),
                CatalogSpec.make("xinfo|groups", group: "stream", since: "5.0.0", summary: "List the consumer groups of a stream", xinfoGroups),
                CatalogSpec.make("xinfo|stream", group: "stream", since: "5.0.0", summary: "Get information about a stream", xinfoStream),
                CatalogSpec.make("xinfo|help", group: "stream", since: "5.0.0", summary: "Show helpful text about the different subcommands") { help(&$0, xinfoHelp) },
            ]),
        ]
    }

    /// Keys of XREAD/XREADGROUP: the first half of the arguments after STREAMS.
    @Sendable static func streamsKeyFinder(_ argv: Argv) -> [Int] {
        var i = 1
        while i < argv.count {
            if argv.equals(i, "STREAMS") {
                let n = (argv.count - i - 1) / 2
                return n > 0 ? Array((i + 1)...(i + n)) : []
            }
            i += 1
        }
        return []
    }

    static let invalidID = "ERR Invalid stream ID specified as stream command argument"

    // MARK: ID parsing (streamGenericParseIDOrReply)

    /// Parses an ID; `seqStar` allows `<ms>-*` (returns seqGiven false). Replies on error.
    static func parseID(_ ctx: inout CommandContext, _ i: Int, missingSeq: UInt64 = 0, strict: Bool,
                        seqStar: Bool = false) -> (StreamID, Bool)? {
        if let r = parseID(ctx.args[i], missingSeq: missingSeq, strict: strict, seqStar: seqStar) { return r }
        ctx.out.error(invalidID)
        return nil
    }

    static func parseID(_ raw: ArraySlice<UInt8>, missingSeq: UInt64 = 0, strict: Bool, seqStar: Bool = false) -> (StreamID, Bool)? {
        if raw.count > 127 { return nil }
        var b = raw
        if let z = b.firstIndex(of: 0) { b = b[b.startIndex..<z] }
        if b.count == 1 {
            if b.first == UInt8(ascii: "-") { return strict ? nil : (.zero, true) }
            if b.first == UInt8(ascii: "+") { return strict ? nil : (.max, true) }
        }
        if let dash = b.firstIndex(of: UInt8(ascii: "-")) {
            guard let ms = streamString2ull(b[b.startIndex..<dash]) else { return nil }
            let rest = b[(dash + 1)...]
            if seqStar && rest.count == 1 && rest.first == UInt8(ascii: "*") { return (StreamID(ms, 0), false) }
            guard let seq = streamString2ull(rest) else { return nil }
            return (StreamID(ms, seq), true)
        }
        guard let ms = streamString2ull(b) else { return nil }
        return (StreamID(ms, missingSeq), true)
    }

    /// `streamParseIntervalIDOrReply` plus the exclusive `(` handling of XRANGE/XPENDING/XAUTOCLAIM.
    static func parseInterval(_ ctx: inout CommandContext, _ i: Int, missingSeq: UInt64, start: Bool) -> StreamID? {
        let raw = ctx.args[i]
        if raw.count > 1 && raw.first == UInt8(ascii: "(") {
            guard let (id, _) = parseID(raw.dropFirst(), missingSeq: missingSeq, strict: true) else {
                ctx.out.error(invalidID); return nil
            }
            if start {
                guard let n = id.incremented else { ctx.out.error("ERR invalid start ID for the interval"); return nil }
                return n
            }
            guard let p = id.decremented else { ctx.out.error("ERR invalid end ID for the interval"); return nil }
            return p
        }
        return parseID(&ctx, i, missingSeq: missingSeq, strict: false)?.0
    }

    // MARK: replies

    static func writeID(_ out: inout ReplyWriter, _ id: StreamID) { out.bulk(id.text) }

    static func writeEntry(_ out: inout ReplyWriter, _ id: StreamID, _ fields: [ByteString]) {
        out.arrayHeader(2)
        writeID(&out, id)
        out.arrayHeader(fields.count)
        for f in fields { out.bulk(f) }
    }

    static func help(_ ctx: inout CommandContext, _ lines: [String]) {
        ctx.out.arrayHeader(lines.count)
        for l in lines { ctx.out.simple(l) }
    }

    static let xgroupHelp = [
        "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Prints this help.",
    ]

    static let xinfoHelp = [
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Prints this help.",
    ]

    /// Consumer-group changes (PEL, consumers, groups) are not key modifications (no WATCH signal,
    /// as in Redis), so these commands recharge the stream's memory themselves.
    static func recharging(_ keyArg: Int, _ handler: @escaping CommandHandler) -> CommandHandler {
        { ctx in
            handler(&ctx)
            rechargeKey(&ctx, keyArg)
        }
    }

    static func rechargeKey(_ ctx: inout CommandContext, _ keyArg: Int) {
        if ctx.argc > keyArg { ctx.db.recharge(ctx.arg(keyArg)) }
    }

    /// Looks up a stream for reading: nil + reply handled by caller for missing; replies WRONGTYPE.
    static func lookup(_ ctx: inout CommandContext, _ key: ByteString, write: Bool = false) -> TypedLookup<StreamObject> {
        ctx.fetch(StreamObject.self, key, read: !write)
    }

    // MARK: XADD / XTRIM

    /// `stream-node-max-entries` and `stream-node-max-bytes` (CONFIG SET-able; defaults 100/4096).
    static func nodeLimits(_ engine: Engine) -> (Int, Int) {
        let extra = engine.config.extra
        if extra.isEmpty { return (RedisStream.nodeMaxEntries, RedisStream.nodeMaxBytes) }
        let e = extra["stream-node-max-entries"].flatMap { Int($0) } ?? RedisStream.nodeMaxEntries
        let b = extra["stream-node-max-bytes"].flatMap { Int($0) } ?? RedisStream.nodeMaxBytes
        return (e, b)
    }

    /// `streamParseAddOrTrimArgsOrReply`: returns the index of the ID (XADD) or argc (XTRIM).
    static func parseAddOrTrim(_ ctx: inout CommandContext, xadd: Bool) -> (Int, StreamTrim, Bool, (StreamID, Bool)?)? {
        var t = StreamTrim()
        var noMkStream = false
        var id: (StreamID, Bool)? = nil
        var limitGiven = false
        var i = 2
        let argc = ctx.argc
        while i < argc {
            let more = argc - 1 - i
            let a = ctx.args[i]
            if xadd && a.count == 1 && a.first == UInt8(ascii: "*") {
                break
            } else if ctx.argIs(i, "MAXLEN") && more > 0 {
                if case .none = t.strategy {} else {
                    ctx.out.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"); return nil
                }
                t.approx = false
                let next = ctx.args[i + 1]
                if more >= 2 && next.count == 1 && next.first == UInt8(ascii: "~") { t.approx = true; i += 1 }
                else if more >= 2 && next.count == 1 && next.first == UInt8(ascii: "=") { i += 1 }
                guard let n = ctx.int64(i + 1) else { ctx.out.error(RedisError.notInteger); return nil }
                if n < 0 { ctx.out.error("ERR The MAXLEN argument must be >= 0."); return nil }
                i += 1
                t.strategy = .maxlen(n)
            } else if ctx.argIs(i, "MINID") && more > 0 {
                if case .none = t.strategy {} else {
                    ctx.out.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"); return nil
                }
                t.approx = false
                let next = ctx.args[i + 1]
                if more >= 2 && next.count == 1 && next.first == UInt8(ascii: "~") { t.approx = true; i += 1 }
                else if more >= 2 && next.count == 1 && next.first == UInt8(ascii: "=") { i += 1 }
                guard let (m, _) = parseID(&ctx, i + 1, strict: true) else { return nil }
                i += 1
                t.strategy = .minid(m)
            } else if ctx.argIs(i, "LIMIT") && more > 0 {
                guard let n = ctx.int64(i + 1) else { ctx.out.error(RedisError.notInteger); return nil }
                if n < 0 { ctx.out.error("ERR The LIMIT argument must be >= 0."); return nil }
                t.limit = n
                limitGiven = true
                i += 1
            } else if xadd && ctx.argIs(i, "NOMKSTREAM") {
                noMkStream = true
            } else if xadd {
                guard let p = parseID(&ctx, i, strict: true, seqStar: true) else { return nil }
                id = p
                break
            } else {
                ctx.out.error(RedisError.syntax); return nil
            }
            i += 1
        }
        var hasStrategy = true
        if case .none = t.strategy { hasStrategy = false }
        if t.limit != 0 && !hasStrategy {
            ctx.out.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"); return nil
        }
        if !xadd && !hasStrategy {
            ctx.out.error("ERR syntax error, XTRIM must be called with a trimming strategy"); return nil
        }
        if limitGiven {
            if !t.approx { ctx.out.error("ERR syntax error, LIMIT cannot be used without the special ~ option"); return nil }
        } else if t.approx {
            let l = Int64(100 * nodeLimits(ctx.engine).0)
            t.limit = l <= 0 || l > (1 << 30) ? 10000 : l
        } else {
            t.limit = 0
        }
        return (i, t, noMkStream, id)
    }

    static func xadd(_ ctx: inout CommandContext) {
        guard let (idPos, trim, noMk, given) = parseAddOrTrim(&ctx, xadd: true) else { return }
        let fieldPos = idPos + 1
        let nf = ctx.argc - fieldPos
        if nf < 2 || nf % 2 == 1 { ctx.replyArity(); return }
        if let (gid, seqGiven) = given, seqGiven, gid.isZero {
            ctx.out.error("ERR The ID specified in XADD must be greater than 0-0"); return
        }
        let key = ctx.key(1)
        let so: StreamObject
        switch lookup(&ctx, key, write: true) {
        case .wrongType: ctx.wrongType(); return
        case .missing:
            if noMk { ctx.out.null(); return }
            so = StreamObject()
            ctx.engine.setKey(ctx.db, key, .object(so))
        case .found(let o): so = o
        }
        let s = so.stream
        if s.lastID == .max {
            ctx.out.error("ERR The stream has exhausted the last possible ID, unable to add more items"); return
        }
        var tot = 0
        var fields: [ByteString] = []
        fields.reserveCapacity(nf)
        for j in fieldPos..<ctx.argc { fields.append(ctx.arg(j)); tot += ctx.args[j].count }
        if tot > Int(UInt32.max) { ctx.out.error("ERR Elements are too large to be stored"); return }
        var id: StreamID
        if let (gid, seqGiven) = given {
            if seqGiven { id = gid } else if s.lastID.ms == gid.ms {
                if s.lastID.seq == UInt64.max {
                    ctx.out.error("ERR The ID specified in XADD is equal or smaller than the target stream top item"); return
                }
                id = StreamID(gid.ms, s.lastID.seq + 1)
            } else { id = gid }
        } else {
            let ms = UInt64(max(ctx.now, 0))
            if ms > s.lastID.ms { id = StreamID(ms, 0) } else { id = s.lastID.incremented ?? .max }
        }
        if id <= s.lastID {
            ctx.out.error("ERR The ID specified in XADD is equal or smaller than the target stream top item"); return
        }
        let (maxEntries, maxBytes) = nodeLimits(ctx.engine)
        s.append(id, fields, maxEntries: maxEntries, maxBytes: maxBytes)
        writeID(&ctx.out, id)
        ctx.modified(key, .stream, "xadd")
        if case .none = trim.strategy {} else {
            if s.trim(trim) > 0 { ctx.notify(.stream, "xtrim", key) }
        }
    }

    static func xtrim(_ ctx: inout CommandContext) {
        guard let (_, trim, _, _) = parseAddOrTrim(&ctx, xadd: false) else { return }
        let key = ctx.key(1)
        switch lookup(&ctx, key, write: true) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let so):
            let n = so.stream.trim(trim)
            if n > 0 {
                ctx.notify(.stream, "xtrim", key)
                ctx.engine.dirty += Int(n)
                ctx.signalModified(key)
            }
            ctx.out.integer(Int(n))
        }
    }

    // MARK: XLEN / XRANGE / XDEL / XSETID

    static func xlen(_ ctx: inout CommandContext) {
        switch lookup(&ctx, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.integer(0)
        case .found(let so): ctx.out.integer(so.stream.length)
        }
    }

    static func xrange(_ ctx: inout CommandContext, rev: Bool) {
        let si = rev ? 3 : 2, ei = rev ? 2 : 3
        guard let start = parseInterval(&ctx, si, missingSeq: 0, start: true) else { return }
        guard let end = parseInterval(&ctx, ei, missingSeq: UInt64.max, start: false) else { return }
        var count: Int64 = -1
        var j = 4
        while j < ctx.argc {
            if ctx.argIs(j, "COUNT") && ctx.argc - j - 1 >= 1 {
                guard let c = ctx.int64(j + 1) else { ctx.out.error(RedisError.notInteger); return }
                count = c < 0 ? 0 : c
                j += 2
            } else {
                ctx.out.error(RedisError.syntax); return
            }
        }
        switch lookup(&ctx, ctx.key(1)) {
        case .wrongType: ctx.wrongType()
        case .missing: ctx.out.emptyArray()
        case .found(let so):
            if count == 0 { ctx.out.nullArray(); return }
            replyRange(&ctx.out, so.stream, start, end, count: count < 0 ? 0 : Int(count), rev: rev)
        }
    }

    /// Writes the entries in [start, end] (count 0 = all).
    static func replyRange(_ out: inout ReplyWriter, _ s: RedisStream, _ start: StreamID, _ end: StreamID, count: Int, rev: Bool) {
        var items: [(StreamID, [ByteString])] = []
        s.forEach(from: start, to: end, reverse: rev) { id, f in
            items.append((id, f))
            return count == 0 || items.count < count
        }
        out.arrayHeader(items.count)
        for (id, f) in items { writeEntry(&out, id, f) }
    }

    static func xdel(_ ctx: inout CommandContext) {
        let key = ctx.key(1)
        let so: StreamObject
        switch lookup(&ctx, key, write: true) {
        case .wrongType: ctx.wrongType(); return
        case .missing: ctx.out.integer(0); return
        case .found(let o): so = o
        }
        var ids: [StreamID] = []
        for j in 2..<ctx.argc {
            guard let (id, _) = parseID(&ctx, j, strict: true) else { return }
            ids.append(id)
        }
        let deleted = so.stream.deleteIDs(ids)
        if deleted > 0 { ctx.modified(key, .stream, "xdel", dirty: deleted) }
        ctx.out.integer(deleted)
    }

    static func xsetid(_ ctx: inout CommandContext) {
        guard let (id, _) = parseID(&ctx, 2, strict: true) else { return }
        var entriesAdded: Int64 = -1
        var maxXdel = StreamID.zero
        var i = 3
        while i < ctx.argc {
            let more = ctx.argc - 1 - i
            if ctx.argIs(i, "ENTRIESADDED") && more > 0 {
                guard let n = ctx.int64(i + 1) else { ctx.out.error(RedisError.notInteger); return }
                if n < 0 { ctx.out.error("ERR entries_added must be positive"); return }
                entriesAdded = n
                i += 2
            } else if ctx.argIs(i, "MAXDELETEDID") && more > 0 {
                guard let (m, _) = parseID(&ctx, i + 1, strict: true) else { return }
                if id < m { ctx.out.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"); return }
                maxXdel = m
                i += 2
            } else {
                ctx.out.error(RedisError.syntax); return
            }
        }
        let key = ctx.key(1)
        let s: RedisStream
        switch lookup(&ctx, key, write: true) {
        case .wrongType: ctx.wrongType(); return
        case .missing: ctx.out.error(RedisError.noSuchKey); return
        case .found(let o): s = o.stream
        }
        if s.length > 0 {
            if id < s.lastValidID {
                ctx.out.error("ERR The ID specified in XSETID is smaller than the target stream top item"); return
            }
            if entriesAdded != -1 && Int64(s.length) > entriesAdded {
                ctx.out.error("ERR The entries_added specified in XSETID is smaller than the target stream length"); return
            }
        }
        s.lastID = id
        if entriesAdded != -1 { s.entriesAdded = entriesAdded }
        if !maxXdel.isZero { s.maxDeletedID = maxXdel }
        ctx.out.ok()
        ctx.modified(key, .stream, "xsetid")
    }

    // MARK: XREAD / XREADGROUP

    static func xread(_ ctx: inout CommandContext, group isGroup: Bool) {
        var timeout: Int64 = -1
        var count: Int64 = 0
        var streamsArg = 0
        var streamsCount = 0
        var noack = false
        var groupName: ByteString? = nil
        var consumerName: ByteString? = nil
        var i = 1
        while i < ctx.argc {
            let more = ctx.argc - i - 1
            if ctx.argIs(i, "BLOCK") && more > 0 {
                // Redis: a script (the internal Lua client) can never block.
                if ctx.session.isInternal {
                    ctx.out.error("ERR \(ctx.args.string(0)) command is not allowed with BLOCK option from scripts")
                    return
                }
                i += 1
                guard let t = ctx.int64(i) else { ctx.out.error("ERR timeout is not an integer or out of range"); return }
                if t < 0 { ctx.out.error("ERR timeout is negative"); return }
                if t > 0 {
                    if t > Int64.max - ctx.now { ctx.out.error("ERR timeout is out of range"); return }
                    timeout = t + ctx.now
                } else { timeout = 0 }
            } else if ctx.argIs(i, "COUNT") && more > 0 {
                i += 1
                guard let c = ctx.int64(i) else { ctx.out.error(RedisError.notInteger); return }
                count = max(c, 0)
            } else if ctx.argIs(i, "STREAMS") && more > 0 {
                streamsArg = i + 1
                streamsCount = ctx.argc - streamsArg
                if streamsCount % 2 != 0 {
                    ctx.out.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
                    return
                }
                streamsCount /= 2
                break
            } else if ctx.argIs(i, "GROUP") && more >= 2 {
                if !isGroup { ctx.out.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."); return }
                groupName = ctx.arg(i + 1)
                consumerName = ctx.arg(i + 2)
                i += 2
            } else if ctx.argIs(i, "NOACK") {
                if !isGroup { ctx.out.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."); return }
                noack = true
            } else {
                ctx.out.error(RedisError.syntax); return
            }
            i += 1
        }
        if streamsArg == 0 { ctx.out.error(RedisError.syntax); return }
        if isGroup && groupName == nil { ctx.out.error("ERR Missing GROUP option for XREADGROUP"); return }

        var keys: [ByteString] = []
        var ids: [StreamID] = []
        var groups: [StreamGroup?] = []
        var streams: [RedisStream?] = []
        for j in 0..<streamsCount {
            let key = ctx.key(streamsArg + j)
            let idArg = streamsArg + streamsCount + j
            var s: RedisStream? = nil
            switch lookup(&ctx, key) {
            case .wrongType: ctx.wrongType(); return
            case .missing: break
            case .found(let o): s = o.stream
            }
            var g: StreamGroup? = nil
            if let gname = groupName {
                guard let st = s, let found = st.groups[gname] else {
                    ctx.out.error("NOGROUP No such key '\(key.string)' or consumer group '\(gname.string)' in XREADGROUP with GROUP option")
                    return
                }
                g = found
            }
            keys.append(key); groups.append(g); streams.append(s)
            let a = ctx.args[idArg]
            if a.count == 1 && a.first == UInt8(ascii: "$") {
                if isGroup {
                    ctx.out.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
                    return
                }
                ids.append(s?.lastID ?? .zero)
                continue
            } else if a.count == 1 && a.first == UInt8(ascii: ">") {
                if !isGroup {
                    ctx.out.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
                    return
                }
                ids.append(.max)
                continue
            }
            guard let (id, _) = parseID(&ctx, idArg, strict: true) else { return }
            ids.append(id)
        }

        // Serve synchronously what can be served.
        var body = ReplyWriter(buffer: ByteBufferAllocator().buffer(capacity: 64), version: ctx.out.version)
        var served = 0
        for j in 0..<streamsCount {
            guard let s = streams[j] else { continue }
            var gt = ids[j]
            var sync = false
            var history = false
            var consumer: StreamConsumer? = nil
            if let g = groups[j], let cname = consumerName {
                if gt != .max {
                    sync = true; history = true
                } else if s.length > 0 {
                    if s.lastValidID > g.lastID { sync = true; gt = g.lastID }
                }
                if sync { consumer = consumerFor(&ctx, g, cname, keys[j]) }
            } else if s.length > 0 {
                if s.lastValidID > gt { sync = true }
            }
            if sync {
                served += 1
                if ctx.out.version != .resp3 { body.arrayHeader(2) }
                body.bulk(keys[j])
                let start = gt.incremented ?? .max
                replyWithRange(&body, s, start: start, count: Int(count), group: groups[j], consumer: consumer,
                               noack: noack, history: history, now: ctx.now)
                if groups[j] != nil { ctx.engine.dirty += 1 }
            }
        }
        if served > 0 {
            if ctx.out.version == .resp3 { ctx.out.mapHeader(served) } else { ctx.out.arrayHeader(served) }
            var b = body.buffer
            ctx.out.buffer.writeBuffer(&b)
            return
        }
        if timeout != -1 {
            if !Blocking.mayBlock(ctx) { ctx.out.nullArray(); return }
            let state = ctx.session.state(StreamBlockState.self) { StreamBlockState() }
            state.ids = [:]
            for (j, k) in keys.enumerated() where state.ids[k] == nil { state.ids[k] = ids[j] }
            state.group = groupName
            state.consumer = consumerName
            state.noack = noack
            state.count = count > 0 ? Int(count) : 1000
            var allKeys: [ByteString] = []
            var seen = Set<ByteString>()
            for j in 0..<streamsCount {
                let k = ctx.key(streamsArg + j)
                if seen.insert(k).inserted { allKeys.append(k) }
            }
            Blocking.block(&ctx, keys: allKeys, timeout: timeout, kind: .stream)
            return
        }
        ctx.out.nullArray()
    }

    /// Finds or creates a consumer (refreshing its seen time like `streamLookupConsumer`).
    static func consumerFor(_ ctx: inout CommandContext, _ g: StreamGroup, _ name: ByteString, _ key: ByteString) -> StreamConsumer {
        if let c = g.consumers[name] { c.seenTime = ctx.now; return c }
        let c = StreamConsumer(name: name, seenTime: ctx.now)
        g.consumers[name] = c
        ctx.engine.dirty += 1
        ctx.notify(.stream, "xgroup-createconsumer", key)
        return c
    }

    /// `streamReplyWithRange` for XREAD/XREADGROUP: entries from `start` (inclusive), group/PEL bookkeeping.
    static func replyWithRange(_ out: inout ReplyWriter, _ s: RedisStream, start: StreamID, count: Int,
                               group: StreamGroup?, consumer: StreamConsumer?, noack: Bool, history: Bool, now: Int64) {
        if let g = group, let c = consumer, history {
            _ = g
            var n = 0
            var items: [(StreamID, [ByteString]?)] = []
            var k = c.pel.lowerBound(start)
            while k < c.pel.count && (count == 0 || n < count) {
                let id = c.pel.keys[k]
                let f = s.entry(id)
                if f != nil {
                    let nack = c.pel.values[k]
                    nack.deliveryTime = now
                    nack.deliveryCount &+= 1
                }
                items.append((id, f))
                n += 1
                k += 1
            }
            out.arrayHeader(items.count)
            for (id, f) in items {
                if let f { writeEntry(&out, id, f) } else {
                    out.arrayHeader(2); writeID(&out, id); out.nullArray()
                }
            }
            return
        }
        var items: [(StreamID, [ByteString])] = []
        s.forEach(from: start, to: .max) { id, f in
            items.append((id, f))
            return count == 0 || items.count < count
        }
        out.arrayHeader(items.count)
        for (id, f) in items {
            if let g = group { s.advanceGroup(g, to: id) }
            writeEntry(&out, id, f)
            if let g = group, let c = consumer, !noack {
                if let existing = g.pel[id] {
                    existing.consumer?.pel.remove(id)
                    existing.consumer = c
                    existing.deliveryTime = now
                    existing.deliveryCount = 1
                    c.pel.set(id, existing)
                } else {
                    let nack = StreamNACK(deliveryTime: now, deliveryCount: 1, consumer: c)
                    g.pel.set(id, nack)
                    c.pel.set(id, nack)
                }
            }
        }
    }

    // MARK: XGROUP

    enum GroupOp { case create, createConsumer, delConsumer, destroy, setID }

    static func subcommandSyntax(_ ctx: inout CommandContext) {
        ctx.out.error("ERR unknown subcommand or wrong number of arguments for '\(String(ctx.args.string(1).prefix(128)))'. Try \(ctx.args.string(0).uppercased()) HELP.")
    }

    static func xgroup(_ ctx: inout CommandContext, _ op: GroupOp) {
        var mkstream = false
        var entriesRead: Int64 = -1
        if op == .create || op == .setID {
            var i = 5
            while i < ctx.argc {
                if op == .create && ctx.argIs(i, "MKSTREAM") {
                    mkstream = true; i += 1
                } else if ctx.argIs(i, "ENTRIESREAD") && i + 1 < ctx.argc {
                    guard let n = ctx.int64(i + 1) else { ctx.out.error(RedisError.notInteger); return }
                    if n < 0 && n != -1 { ctx.out.error("ERR value for ENTRIESREAD must be positive or -1"); return }
                    entriesRead = n
                    i += 2
                } else {
                    subcommandSyntax(&ctx); return
                }
            }
        }
        let key = ctx.key(2)
        var s: RedisStream? = nil
        switch lookup(&ctx, key, write: true) {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let o): s = o.stream
        }
        let gname = ctx.arg(3)
        if s == nil && !mkstream {
            ctx.out.error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
            return
        }
        let g = s?.groups[gname]
        if g == nil && (op == .setID || op == .createConsumer || op == .delConsumer) {
            ctx.out.error("NOGROUP No such consumer group '\(gname.string)' for key name '\(key.string)'")
            return
        }
        switch op {
        case .create:
            if ctx.argc > 8 { subcommandSyntax(&ctx); return }
            var id: StreamID
            let a = ctx.args[4]
            if a.count == 1 && a.first == UInt8(ascii: "$") {
                id = s?.lastID ?? .zero
            } else {
                guard let (p, _) = parseID(&ctx, 4, strict: true) else { return }
                id = p
            }
            let stream: RedisStream
            if let s { stream = s } else {
                let so = StreamObject()
                ctx.engine.setKey(ctx.db, key, .object(so))
                ctx.signalModified(key)
                stream = so.stream
            }
            if stream.groups[gname] != nil {
                ctx.out.error("BUSYGROUP Consumer Group name already exists"); return
            }
            stream.groups[gname] = StreamGroup(lastID: id, entriesRead: entriesRead)
            ctx.out.ok()
            ctx.engine.dirty += 1
            ctx.notify(.stream, "xgroup-create", key)
        case .setID:
            guard let s, let g else { return }
            if ctx.argc != 5 && ctx.argc != 7 { subcommandSyntax(&ctx); return }
            let a = ctx.args[4]
            if a.count == 1 && a.first == UInt8(ascii: "$") {
                g.lastID = s.lastID
            } else {
                guard let (p, _) = parseID(&ctx, 4, strict: false) else { return }
                g.lastID = p
            }
            g.entriesRead = entriesRead
            ctx.out.ok()
            ctx.engine.dirty += 1
            ctx.notify(.stream, "xgroup-setid", key)
        case .destroy:
            guard let s else { return }
            if g != nil {
                s.groups[gname] = nil
                ctx.out.integer(1)
                ctx.engine.dirty += 1
                ctx.notify(.stream, "xgroup-destroy", key)
                SessionStateExtension.of(ctx.engine)?.blocking.signal(DBKey(db: ctx.session.db, key: key))
            } else {
                ctx.out.integer(0)
            }
        case .createConsumer:
            guard let g else { return }
            let cname = ctx.arg(4)
            if g.consumers[cname] != nil { ctx.out.integer(0); return }
            g.consumers[cname] = StreamConsumer(name: cname, seenTime: ctx.now)
            ctx.engine.dirty += 1
            ctx.notify(.stream, "xgroup-createconsumer", key)
            ctx.out.integer(1)
        case .delConsumer:
            guard let g else { return }
            var pending = 0
            if let c = g.consumers[ctx.arg(4)] {
                pending = c.pel.count
                g.deleteConsumer(c)
                ctx.engine.dirty += 1
                ctx.notify(.stream, "xgroup-delconsumer", key)
            }
            ctx.out.integer(pending)
        }
    }

    // MARK: XACK / XPENDING

    static func xack(_ ctx: inout CommandContext) {
        var group: StreamGroup? = nil
        switch lookup(&ctx, ctx.key(1)) {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let o): group = o.stream.groups[ctx.arg(2)]
        }
        guard let g = group else { ctx.out.integer(0); return }
        var ids: [StreamID] = []
        for j in 3..<ctx.argc {
            guard let (id, _) = parseID(&ctx, j, strict: true) else { return }
            ids.append(id)
        }
        var acked = 0
        for id in ids {
            if let nack = g.pel.remove(id) {
                nack.consumer?.pel.remove(id)
                acked += 1
                ctx.engine.dirty += 1
            }
        }
        ctx.out.integer(acked)
    }

    static func xpending(_ ctx: inout CommandContext) {
        let argc = ctx.argc
        let justInfo = argc == 3
        if argc != 3 && (argc < 6 || argc > 9) { ctx.out.error(RedisError.syntax); return }
        var minIdle: Int64 = 0
        var count: Int64 = 0
        var start = StreamID.zero, end = StreamID.max
        var consumerName: ByteString? = nil
        if argc >= 6 {
            var si = 3
            if ctx.argIs(3, "IDLE") {
                guard let v = ctx.int64(4) else { ctx.out.error(RedisError.notInteger); return }
                minIdle = v
                if argc < 8 { ctx.out.error(RedisError.syntax); return }
                si += 2
            }
            guard let c = ctx.int64(si + 2) else { ctx.out.error(RedisError.notInteger); return }
            count = max(c, 0)
            guard let s0 = parseInterval(&ctx, si, missingSeq: 0, start: true) else { return }
            guard let e0 = parseInterval(&ctx, si + 1, missingSeq: UInt64.max, start: false) else { return }
            start = s0; end = e0
            if si + 3 < argc { consumerName = ctx.arg(si + 3) }
        }
        let key = ctx.key(1), gname = ctx.arg(2)
        var group: StreamGroup? = nil
        switch lookup(&ctx, key) {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let o): group = o.stream.groups[gname]
        }
        guard let g = group else {
            ctx.out.error("NOGROUP No such key '\(key.string)' or consumer group '\(gname.string)'"); return
        }
        if justInfo {
            ctx.out.arrayHeader(4)
            ctx.out.integer(g.pel.count)
            if g.pel.isEmpty {
                ctx.out.null(); ctx.out.null(); ctx.out.nullArray()
                return
            }
            writeID(&ctx.out, g.pel.keys[0])
            writeID(&ctx.out, g.pel.keys[g.pel.count - 1])
            let withPending = g.sortedConsumers.filter { !$0.pel.isEmpty }
            ctx.out.arrayHeader(withPending.count)
            for c in withPending {
                ctx.out.arrayHeader(2)
                ctx.out.bulk(c.name)
                ctx.out.bulk(integer: c.pel.count)
            }
            return
        }
        var pel = g.pel
        if let cn = consumerName {
            guard let c = g.consumers[cn] else { ctx.out.emptyArray(); return }
            pel = c.pel
        }
        var rows: [(StreamID, StreamNACK)] = []
        var k = pel.lowerBound(start)
        while count > 0 && k < pel.count && pel.keys[k] <= end {
            let nack = pel.values[k]
            if minIdle != 0 && ctx.now - nack.deliveryTime < minIdle { k += 1; continue }
            rows.append((pel.keys[k], nack))
            count -= 1
            k += 1
        }
        ctx.out.arrayHeader(rows.count)
        for (id, nack) in rows {
            ctx.out.arrayHeader(4)
            writeID(&ctx.out, id)
            ctx.out.bulk(nack.consumer?.name ?? ByteString.empty)
            ctx.out.integer(Int(max(ctx.now - nack.deliveryTime, 0)))
            ctx.out.integer(Int(nack.deliveryCount))
        }
    }

    // MARK: XCLAIM / XAUTOCLAIM

    static func xclaim(_ ctx: inout CommandContext) {
        let key = ctx.key(1), gname = ctx.arg(2)
        var found: (RedisStream, StreamGroup)? = nil
        switch lookup(&ctx, key) {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let o): if let g = o.stream.groups[gname] { found = (o.stream, g) }
        }
        guard let (s, g) = found else {
            ctx.out.error("NOGROUP No such key '\(key.string)' or consumer group '\(gname.string)'"); return
        }
        guard var minIdle = ctx.int64(4) else { ctx.out.error("ERR Invalid min-idle-time argument for XCLAIM"); return }
        if minIdle < 0 { minIdle = 0 }
        var ids: [StreamID] = []
        var j = 5
        while j < ctx.argc, let (id, _) = parseID(ctx.args[j], strict: true) { ids.append(id); j += 1 }
        let now = ctx.now
        var retryCount: Int64 = -1
        var deliveryTime: Int64 = -1
        var force = false, justID = false
        var lastID = StreamID.zero
        while j < ctx.argc {
            let more = ctx.argc - 1 - j
            if ctx.argIs(j, "FORCE") { force = true }
            else if ctx.argIs(j, "JUSTID") { justID = true }
            else if ctx.argIs(j, "IDLE") && more > 0 {
                j += 1
                guard let v = ctx.int64(j) else { ctx.out.error("ERR Invalid IDLE option argument for XCLAIM"); return }
                deliveryTime = now &- v
            } else if ctx.argIs(j, "TIME") && more > 0 {
                j += 1
                guard let v = ctx.int64(j) else { ctx.out.error("ERR Invalid TIME option argument for XCLAIM"); return }
                deliveryTime = v
            } else if ctx.argIs(j, "RETRYCOUNT") && more > 0 {
                j += 1
                guard let v = ctx.int64(j) else { ctx.out.error("ERR Invalid RETRYCOUNT option argument for XCLAIM"); return }
                retryCount = v
            } else if ctx.argIs(j, "LASTID") && more > 0 {
                j += 1
                guard let (v, _) = parseID(&ctx, j, strict: true) else { return }
                lastID = v
            } else {
                ctx.out.error("ERR Unrecognized XCLAIM option '\(ctx.args.string(j))'"); return
            }
            j += 1
        }
        if lastID > g.lastID { g.lastID = lastID }
        if deliveryTime != -1 {
            if deliveryTime < 0 || deliveryTime > now { deliveryTime = now }
        } else { deliveryTime = now }
        var consumer: StreamConsumer? = nil
        let cname = ctx.arg(3)
        var body = ReplyWriter(buffer: ByteBufferAllocator().buffer(capacity: 64), version: ctx.out.version)
        var n = 0
        for id in ids {
            var nack = g.pel[id]
            if s.entry(id) == nil {
                if let old = nack {
                    g.pel.remove(id); old.consumer?.pel.remove(id)
                    ctx.engine.dirty += 1
                }
                continue
            }
            if force && nack == nil {
                let fresh = StreamNACK(deliveryTime: now, deliveryCount: 1, consumer: nil)
                g.pel.set(id, fresh)
                nack = fresh
            }
            guard let nk = nack else { continue }
            if nk.consumer != nil && minIdle != 0 && now - nk.deliveryTime < minIdle { continue }
            let c = consumer ?? consumerFor(&ctx, g, cname, key)
            consumer = c
            if nk.consumer !== c { nk.consumer?.pel.remove(id) }
            nk.deliveryTime = deliveryTime
            if retryCount >= 0 { nk.deliveryCount = retryCount } else if !justID { nk.deliveryCount &+= 1 }
            if nk.consumer !== c { c.pel.set(id, nk); nk.consumer = c }
            if justID { writeID(&body, id) } else if let f = s.entry(id) { writeEntry(&body, id, f) } else { body.null() }
            n += 1
            ctx.engine.dirty += 1
        }
        ctx.out.arrayHeader(n)
        var b = body.buffer
        ctx.out.buffer.writeBuffer(&b)
    }

    static func xautoclaim(_ ctx: inout CommandContext) {
        guard var minIdle = ctx.int64(4) else { ctx.out.error("ERR Invalid min-idle-time argument for XAUTOCLAIM"); return }
        if minIdle < 0 { minIdle = 0 }
        guard let start = parseInterval(&ctx, 5, missingSeq: 0, start: true) else { return }
        var count: Int64 = 100
        var justID = false
        var j = 6
        while j < ctx.argc {
            let more = ctx.argc - 1 - j
            if ctx.argIs(j, "COUNT") && more > 0 {
                let maxCount = Int64.max / 16
                guard let v = ctx.int64(j + 1), v >= 1, v <= maxCount else { ctx.out.error("ERR COUNT must be > 0"); return }
                count = v
                j += 1
            } else if ctx.argIs(j, "JUSTID") {
                justID = true
            } else {
                ctx.out.error(RedisError.syntax); return
            }
            j += 1
        }
        let key = ctx.key(1), gname = ctx.arg(2)
        var found: (RedisStream, StreamGroup)? = nil
        switch lookup(&ctx, key) {
        case .wrongType: ctx.wrongType(); return
        case .missing: break
        case .found(let o): if let g = o.stream.groups[gname] { found = (o.stream, g) }
        }
        guard let (s, g) = found else {
            ctx.out.error("NOGROUP No such key '\(key.string)' or consumer group '\(gname.string)'"); return
        }
        var attempts = count * 10
        let now = ctx.now
        let cname = ctx.arg(3)
        var consumer: StreamConsumer? = nil
        var body = ReplyWriter(buffer: ByteBufferAllocator().buffer(capacity: 64), version: ctx.out.version)
        var n = 0
        var deletedIDs: [StreamID] = []
        var pos = g.pel.lowerBound(start)
        while attempts > 0 && count > 0 && pos < g.pel.count {
            attempts -= 1
            let id = g.pel.keys[pos]
            let nk = g.pel.values[pos]
            if s.entry(id) == nil {
                g.pel.remove(id); nk.consumer?.pel.remove(id)
                ctx.engine.dirty += 1
                deletedIDs.append(id)
                count -= 1
                continue
            }
            pos += 1
            if minIdle != 0 && now - nk.deliveryTime < minIdle { continue }
            let c = consumer ?? consumerFor(&ctx, g, cname, key)
            consumer = c
            if nk.consumer !== c { nk.consumer?.pel.remove(id) }
            nk.deliveryTime = now
            if !justID { nk.deliveryCount &+= 1 }
            if nk.consumer !== c { c.pel.set(id, nk); nk.consumer = c }
            if justID { writeID(&body, id) } else if let f = s.entry(id) { writeEntry(&body, id, f) } else { body.null() }
            n += 1
            count -= 1
            ctx.engine.dirty += 1
        }
        let next = pos < g.pel.count ? g.pel.keys[pos] : StreamID.zero
        ctx.out.arrayHeader(3)
        writeID(&ctx.out, next)
        ctx.out.arrayHeader(n)
        var b = body.buffer
        ctx.out.buffer.writeBuffer(&b)
        ctx.out.arrayHeader(deletedIDs.count)
        for id in deletedIDs { writeID(&ctx.out, id) }
    }

    // MARK: XINFO

    static func streamFor(_ ctx: inout CommandContext, _ key: ByteString) -> RedisStream? {
        switch lookup(&ctx, key) {
        case .wrongType: ctx.wrongType(); return nil
        case .missing: ctx.out.error(RedisError.noSuchKey); return nil
        case .found(let o): return o.stream
        }
    }

    static func xinfoConsumers(_ ctx: inout CommandContext) {
        let key = ctx.key(2), gname = ctx.arg(3)
        guard let s = streamFor(&ctx, key) else { return }
        guard let g = s.groups[gname] else {
            ctx.out.error("NOGROUP No such consumer group '\(gname.string)' for key name '\(key.string)'"); return
        }
        let cs = g.sortedConsumers
        ctx.out.arrayHeader(cs.count)
        for c in cs {
            ctx.out.mapHeader(3)
            ctx.out.bulk("name"); ctx.out.bulk(c.name)
            ctx.out.bulk("pending"); ctx.out.integer(c.pel.count)
            ctx.out.bulk("idle"); ctx.out.integer(Int(max(ctx.now - c.seenTime, 0)))
        }
    }

    static func xinfoGroups(_ ctx: inout CommandContext) {
        guard let s = streamFor(&ctx, ctx.key(2)) else { return }
        let gs = s.sortedGroups
        ctx.out.arrayHeader(gs.count)
        for (name, g) in gs {
            ctx.out.mapHeader(6)
            ctx.out.bulk("name"); ctx.out.bulk(name)
            ctx.out.bulk("consumers"); ctx.out.integer(g.consumers.count)
            ctx.out.bulk("pending"); ctx.out.integer(g.pel.count)
            ctx.out.bulk("last-delivered-id"); writeID(&ctx.out, g.lastID)
            ctx.out.bulk("entries-read")
            if g.entriesRead != -1 { ctx.out.integer(Int(g.entriesRead)) } else { ctx.out.null() }
            ctx.out.bulk("lag")
            if let l = s.lag(g) { ctx.out.integer(Int(l)) } else { ctx.out.null() }
        }
    }

    static func xinfoStream(_ ctx: inout CommandContext) {
        var full = false
        var count: Int64 = 10
        if ctx.argc > 3 {
            if ctx.argc > 6 || !ctx.argIs(3, "FULL") { subcommandSyntax(&ctx); return }
            full = true
            if ctx.argc > 4 {
                if ctx.argc != 6 || !ctx.argIs(4, "COUNT") { subcommandSyntax(&ctx); return }
                guard let c = ctx.int64(5) else { ctx.out.error(RedisError.notInteger); return }
                count = c < 0 ? 0 : c
            }
        }
        guard let s = streamFor(&ctx, ctx.key(2)) else { return }
        let o = ctx.out.version
        _ = o
        ctx.out.mapHeader(full ? 9 : 10)
        ctx.out.bulk("length"); ctx.out.integer(s.length)
        ctx.out.bulk("radix-tree-keys"); ctx.out.integer(s.nodeCount)
        ctx.out.bulk("radix-tree-nodes"); ctx.out.integer(raxNodeCount(s))
        ctx.out.bulk("last-generated-id"); writeID(&ctx.out, s.lastID)
        ctx.out.bulk("max-deleted-entry-id"); writeID(&ctx.out, s.maxDeletedID)
        ctx.out.bulk("entries-added"); ctx.out.integer(Int(s.entriesAdded))
        ctx.out.bulk("recorded-first-entry-id"); writeID(&ctx.out, s.firstID)
        if !full {
            ctx.out.bulk("groups"); ctx.out.integer(s.groups.count)
            ctx.out.bulk("first-entry")
            if let (id, f) = s.edge(last: false) { writeEntry(&ctx.out, id, f) } else { ctx.out.null() }
            ctx.out.bulk("last-entry")
            if let (id, f) = s.edge(last: true) { writeEntry(&ctx.out, id, f) } else { ctx.out.null() }
            return
        }
        ctx.out.bulk("entries")
        replyRange(&ctx.out, s, .zero, .max, count: Int(count), rev: false)
        ctx.out.bulk("groups")
        let gs = s.sortedGroups
        ctx.out.arrayHeader(gs.count)
        for (name, g) in gs {
            ctx.out.mapHeader(7)
            ctx.out.bulk("name"); ctx.out.bulk(name)
            ctx.out.bulk("last-delivered-id"); writeID(&ctx.out, g.lastID)
            ctx.out.bulk("entries-read")
            if g.entriesRead != -1 { ctx.out.integer(Int(g.entriesRead)) } else { ctx.out.null() }
            ctx.out.bulk("lag")
            if let l = s.lag(g) { ctx.out.integer(Int(l)) } else { ctx.out.null() }
            ctx.out.bulk("pel-count"); ctx.out.integer(g.pel.count)
            ctx.out.bulk("pending")
            let pn = count == 0 ? g.pel.count : min(g.pel.count, Int(count))
            ctx.out.arrayHeader(pn)
            for k in 0..<pn {
                let nack = g.pel.values[k]
                ctx.out.arrayHeader(4)
                writeID(&ctx.out, g.pel.keys[k])
                ctx.out.bulk(nack.consumer?.name ?? ByteString.empty)
                ctx.out.integer(Int(nack.deliveryTime))
                ctx.out.integer(Int(nack.deliveryCount))
            }
            let cs = g.sortedConsumers
            ctx.out.bulk("consumers")
            ctx.out.arrayHeader(cs.count)
            for c in cs {
                ctx.out.mapHeader(4)
                ctx.out.bulk("name"); ctx.out.bulk(c.name)
                ctx.out.bulk("seen-time"); ctx.out.integer(Int(c.seenTime))
                ctx.out.bulk("pel-count"); ctx.out.integer(c.pel.count)
                ctx.out.bulk("pending")
                let cn = count == 0 ? c.pel.count : min(c.pel.count, Int(count))
                ctx.out.arrayHeader(cn)
                for k in 0..<cn {
                    let nack = c.pel.values[k]
                    ctx.out.arrayHeader(3)
                    writeID(&ctx.out, c.pel.keys[k])
                    ctx.out.integer(Int(nack.deliveryTime))
                    ctx.out.integer(Int(nack.deliveryCount))
                }
            }
        }
    }

    /// Number of nodes of the radix tree Redis would build over the nodes' 128-bit big-endian master IDs.
    static func raxNodeCount(_ s: RedisStream) -> Int {
        let keys: [[UInt8]] = s.nodes.map { n in
            var k = [UInt8](repeating: 0, count: 16)
            for b in 0..<8 {
                k[b] = UInt8(truncatingIfNeeded: n.master.ms >> (56 - 8 * UInt64(b)))
                k[8 + b] = UInt8(truncatingIfNeeded: n.master.seq >> (56 - 8 * UInt64(b)))
            }
            return k
        }
        if keys.isEmpty { return 1 }
        return raxCount(keys[...], depth: 0)
    }

    private static func raxCount(_ keys: ArraySlice<[UInt8]>, depth: Int) -> Int {
        guard let first = keys.first else { return 0 }
        if depth >= 16 { return 1 }
        // Common prefix from `depth`.
        var p = depth
        while p < 16 {
            let c = first[p]
            if keys.contains(where: { $0[p] != c }) { break }
            p += 1
        }
        if p == 16 { return 2 }            // compressed node + leaf
        var total = p > depth ? 1 : 0      // compressed node for the shared prefix
        total += 1                         // branching node
        var i = keys.startIndex
        while i < keys.endIndex {
            var e = i
            while e < keys.endIndex && keys[e][p] == keys[i][p] { e += 1 }
            total += p + 1 >= 16 ? 1 : raxCount(keys[i..<e], depth: p + 1)
            i = e
        }
        return total
    }
}

/// What a client blocked in XREAD/XREADGROUP waits for.
final class StreamBlockState {
    var ids: [ByteString: StreamID] = [:]
    var group: ByteString?
    var consumer: ByteString?
    var noack = false
    var count = 1000
}

extension SessionStateExtension {
    /// FLUSHDB/FLUSHALL/SWAPDB: re-examines the keys stream readers wait on (Redis 7.0's
    /// scanDatabaseForDeletedStreams), so XREADGROUP waiters on vanished streams get UNBLOCKED.
    func signalStreamWaiters(db: Int?) {
        for (dk, queue) in blocking.waiting where db == nil || dk.db == db {
            if queue.contains(where: { $0.kind == .stream }) { blocking.signal(dk) }
        }
    }

    /// Serves clients blocked in XREAD/XREADGROUP on `dk` (Redis 7.0's serveClientsBlockedOnStreamKey
    /// and unblockDeletedStreamReadgroupClients).
    func serveStreamWaiters(_ dk: DBKey) {
        guard let engine, dk.db < engine.databases.count, let queue = blocking.waiting[dk] else { return }
        let db = engine.databases[dk.db]
        let now = engine.clock.nowMilliseconds()
        var stream: RedisStream? = nil
        if let i = engine.lookup(db, dk.key, now: now), case .object(let o) = db.main.value(at: i), let so = o as? StreamObject {
            stream = so.stream
        }
        for c in queue where c.kind == .stream {
            guard blocking.bySession[c.session.id] === c, let info = c.session.existingState(StreamBlockState.self) else { continue }
            guard let s = stream else {
                if info.group != nil { unblock(c, error: "UNBLOCKED the stream key no longer exists") }
                continue
            }
            var gt = info.ids[dk.key] ?? .zero
            var group: StreamGroup? = nil
            if let gname = info.group {
                guard let g = s.groups[gname] else {
                    unblock(c, reply: "-NOGROUP the consumer group this client was blocked on no longer exists\r\n")
                    continue
                }
                group = g
                gt = g.lastID
            }
            guard s.lastID > gt else { continue }
            var out = ReplyWriter(buffer: ByteBufferAllocator().buffer(capacity: 128), version: c.session.protocolVersion)
            var consumer: StreamConsumer? = nil
            if let g = group, let cname = info.consumer {
                if let existing = g.consumers[cname] { existing.seenTime = now; consumer = existing } else {
                    let nc = StreamConsumer(name: cname, seenTime: now)
                    g.consumers[cname] = nc
                    consumer = nc
                    engine.notifyKeyspaceEvent(.stream, "xgroup-createconsumer", key: dk.key, db: dk.db)
                }
                engine.dirty += 1
            }
            if c.session.protocolVersion == .resp3 { out.mapHeader(1) } else { out.arrayHeader(1); out.arrayHeader(2) }
            out.bulk(dk.key)
            StreamCommands.replyWithRange(&out, s, start: gt.incremented ?? .max, count: info.count, group: group,
                                          consumer: consumer, noack: info.noack, history: false, now: now)
            blocking.remove(c)
            c.session.isBlocked = false
            c.session.deliver?(out.buffer)
            c.session.resume?()
        }
    }
}
