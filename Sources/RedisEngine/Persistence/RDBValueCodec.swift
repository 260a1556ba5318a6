/// Values to and from Redis 7.0's RDB object encoding (rdbSaveObject / rdbLoadObject): the type
/// byte then the value, for every type the engine has. Writing picks the encoding Redis 7.0 would
/// use for the object's current encoding; reading accepts every encoding Redis 7.0 loads,
/// including the ziplist-based ones of older RDB versions, and throws on anything malformed.
public enum RDBValueCodec {
    /// Appends the type byte and the serialized value.
    public static func write(_ value: Value, to w: inout RDBWriter) {
        switch value {
        case .int(let i):
            w.byte(RDB.typeString)
            w.string(int: i)
        case .inlineString, .heapString, .raw:
            w.byte(RDB.typeString)
            value.stringBytes!.withBytes { p in
                if p.count <= 11, parseStrictInt(p) != nil {
                    w.string(raw: p)
                } else {
                    w.length(p.count)
                    w.bytes.append(contentsOf: p)
                }
            }
        case .hash(let h):
            writeHash(h, to: &w)
        case .object(let o):
            if let l = o as? ListObject {
                writeList(l.list, to: &w)
            } else if let s = o as? SetObject {
                writeSet(s.set, to: &w)
            } else if let z = o as? ZSetObject {
                writeZSet(z.zset, to: &w)
            } else if let s = o as? StreamObject {
                writeStream(s.stream, to: &w)
            } else {
                // No other object types exist; an empty string keeps the file well-formed.
                w.byte(RDB.typeString)
                w.length(0)
            }
        }
    }

    /// The serialized value (type byte included) of `value`.
    public static func serialize(_ value: Value) -> [UInt8] {
        var w = RDBWriter()
        write(value, to: &w)
        return w.bytes
    }

    static func writeHash(_ h: HashObject, to w: inout RDBWriter) {
        let pairs = h.pairs
        if h.isTable {
            w.byte(RDB.typeHash)
            w.length(pairs.count)
            for (f, v) in pairs { w.string(f); w.string(v) }
        } else {
            w.byte(RDB.typeHashListpack)
            var lp = ListpackBuilder()
            for (f, v) in pairs { lp.append(f); lp.append(v) }
            w.string(lp.bytes)
        }
    }

    /// Quicklist nodes of at most ~8 KiB (list-max-listpack-size -2), each a packed listpack.
    static func writeList(_ list: RedisList, to w: inout RDBWriter) {
        var nodes: [[UInt8]] = []
        var lp = ListpackBuilder()
        list.forEach(from: 0, through: list.count - 1) { e in
            if lp.count > 0 && lp.body.count + e.count > 8180 {
                nodes.append(lp.bytes)
                lp = ListpackBuilder()
            }
            lp.append(e)
        }
        if lp.count > 0 { nodes.append(lp.bytes) }
        w.byte(RDB.typeListQuicklist2)
        w.length(nodes.count)
        for n in nodes {
            w.length(2)  // QUICKLIST_NODE_CONTAINER_PACKED
            w.string(n)
        }
    }

    static func writeSet(_ set: RedisSet, to w: inout RDBWriter) {
        let members = set.allMembers
        if !set.isHashtable, !members.isEmpty {
            let ints = members.compactMap { RedisSet.intValue($0) }
            if ints.count == members.count {
                w.byte(RDB.typeSetIntset)
                w.string(CompactDecoding.makeIntset(ints))
                return
            }
        }
        w.byte(RDB.typeSet)
        w.length(members.count)
        for m in members { w.string(m) }
    }

    static func writeZSet(_ z: RedisSortedSet, to w: inout RDBWriter) {
        let entries = z.allEntries
        if z.isSkiplist {
            w.byte(RDB.typeZSet2)
            w.length(entries.count)
            // Like Redis: from the tail, so loading can insert at the head.
            for e in entries.reversed() {
                w.string(e.member)
                w.binaryDouble(e.score)
            }
        } else {
            w.byte(RDB.typeZSetListpack)
            var lp = ListpackBuilder()
            for e in entries {
                lp.append(e.member)
                lp.append(RedisDouble.d2string(e.score))
            }
            w.string(lp.bytes)
        }
    }

    static func streamIDBytes(_ id: StreamID) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: id.ms >> UInt64(s))) }
        for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: id.seq >> UInt64(s))) }
        return out
    }

    static func writeStream(_ s: RedisStream, to w: inout RDBWriter) {
        w.byte(RDB.typeStreamListpacks2)
        var nodes: [(StreamID, [UInt8])] = []
        s.forEachNodeForPersistence { master, masterFields, ids, fields, deleted in
            var lp = ListpackBuilder()
            var live = 0
            for d in deleted where !d { live += 1 }
            lp.appendInt(Int64(live))
            lp.appendInt(Int64(deleted.count - live))
            lp.appendInt(Int64(masterFields.count))
            for f in masterFields { lp.append(f) }
            lp.appendInt(0)
            for (i, id) in ids.enumerated() {
                let f = fields[i]
                let numFields = f.count / 2
                var same = numFields == masterFields.count
                if same {
                    for j in 0..<numFields where f[2 * j] != masterFields[j] { same = false; break }
                }
                lp.appendInt((deleted[i] ? 1 : 0) | (same ? 2 : 0))
                lp.appendInt(Int64(bitPattern: id.ms &- master.ms))
                lp.appendInt(Int64(bitPattern: id.seq &- master.seq))
                if !same { lp.appendInt(Int64(numFields)) }
                for j in 0..<numFields {
                    if !same { lp.append(f[2 * j]) }
                    lp.append(f[2 * j + 1])
                }
                lp.appendInt(Int64(numFields + 3 + (same ? 0 : numFields + 1)))
            }
            nodes.append((master, lp.bytes))
        }
        w.length(nodes.count)
        for (master, lp) in nodes {
            let key = streamIDBytes(master)
            w.length(key.count); w.raw(key)
            w.length(lp.count); w.raw(lp)
        }
        w.length(s.length)
        w.length(s.lastID.ms); w.length(s.lastID.seq)
        w.length(s.firstID.ms); w.length(s.firstID.seq)
        w.length(s.maxDeletedID.ms); w.length(s.maxDeletedID.seq)
        w.length(UInt64(bitPattern: s.entriesAdded))
        let groups = s.sortedGroups
        w.length(groups.count)
        for (name, g) in groups {
            w.string(name)
            w.length(g.lastID.ms); w.length(g.lastID.seq)
            w.length(UInt64(bitPattern: g.entriesRead))
            w.length(g.pel.count)
            for (i, id) in g.pel.keys.enumerated() {
                let n = g.pel.values[i]
                w.raw(streamIDBytes(id))
                w.millisecondTime(n.deliveryTime)
                w.length(UInt64(bitPattern: n.deliveryCount))
            }
            let consumers = g.sortedConsumers
            w.length(consumers.count)
            for c in consumers {
                w.string(c.name)
                w.millisecondTime(c.seenTime)
                w.length(c.pel.count)
                for id in c.pel.keys { w.raw(streamIDBytes(id)) }
            }
        }
    }

    // MARK: reading

    /// True for the value types Redis 7.0 loads (rdbIsObjectType).
    static func isObjectType(_ t: UInt8) -> Bool { t <= 7 && t != 6 || (t >= 9 && t <= 19) }

    /// Reads a value of RDB type `type`. Empty collections throw `RDBEmptyKey` (Redis skips them in
    /// files and refuses them in RESTORE).
    public static func read(type: UInt8, from r: inout RDBReader, config: EngineConfig) throws -> Value {
        func bad(_ s: String) -> RDBFormatError { RDBFormatError(s) }
        switch type {
        case RDB.typeString:
            return Value.string(ByteString(try r.string()))
        case RDB.typeList, RDB.typeListZiplist, RDB.typeListQuicklist, RDB.typeListQuicklist2:
            var list = RedisList()
            if type == RDB.typeList {
                let n = try r.count()
                for _ in 0..<n { list.pushBack(ByteString(try r.string())) }
            } else if type == RDB.typeListZiplist {
                for e in try CompactDecoding.ziplist(try r.string()) { list.pushBack(e.byteString) }
            } else {
                let nodes = try r.count()
                for _ in 0..<nodes {
                    var container: UInt64 = 2
                    if type == RDB.typeListQuicklist2 { container = try r.length() }
                    let blob = try r.string()
                    switch container {
                    case 1: list.pushBack(ByteString(blob))
                    case 2:
                        let elems = type == RDB.typeListQuicklist2 ? try CompactDecoding.listpack(blob) : try CompactDecoding.ziplist(blob)
                        for e in elems { list.pushBack(e.byteString) }
                    default: throw bad("unknown quicklist container \(container)")
                    }
                }
            }
            if list.isEmpty { throw RDBEmptyKey() }
            return .object(ListObject(list))
        case RDB.typeSet, RDB.typeSetIntset:
            var set = RedisSet()
            if type == RDB.typeSet {
                let n = try r.count()
                for _ in 0..<n {
                    if !set.insert(ByteString(try r.string())) { throw bad("duplicate set member") }
                }
            } else {
                for v in try CompactDecoding.intset(try r.string()) { set.insert(ByteString(String(v))) }
            }
            if set.isEmpty { throw RDBEmptyKey() }
            return .object(SetObject(set))
        case RDB.typeZSet, RDB.typeZSet2, RDB.typeZSetZiplist, RDB.typeZSetListpack:
            var z = RedisSortedSet()
            func add(_ m: ByteString, _ score: Double) throws {
                if score.isNaN { throw bad("zset score is NaN") }
                if z.contains(m) { throw bad("duplicate zset member") }
                z.set(m, score: score)
            }
            if type == RDB.typeZSet || type == RDB.typeZSet2 {
                let n = try r.count()
                for _ in 0..<n {
                    let m = ByteString(try r.string())
                    try add(m, type == RDB.typeZSet2 ? try r.binaryDouble() : try r.textDouble())
                }
            } else {
                let blob = try r.string()
                let elems = type == RDB.typeZSetListpack ? try CompactDecoding.listpack(blob) : try CompactDecoding.ziplist(blob)
                guard elems.count % 2 == 0 else { throw bad("odd zset listpack") }
                var i = 0
                while i < elems.count {
                    let score: Double
                    switch elems[i + 1] {
                    case .int(let v): score = Double(v)
                    case .bytes(let b):
                        guard let d = RedisDouble.parse(b) ?? Double(String(decoding: b, as: UTF8.self)) else { throw bad("invalid zset score") }
                        score = d
                    }
                    try add(elems[i].byteString, score)
                    i += 2
                }
            }
            if z.isEmpty { throw RDBEmptyKey() }
            return .object(ZSetObject(z))
        case RDB.typeHash, RDB.typeHashZiplist, RDB.typeHashListpack:
            let h = HashObject()
            let maxE = config.hashMaxListpackEntries, maxV = config.hashMaxListpackValue
            if type == RDB.typeHash {
                let n = try r.count()
                for _ in 0..<n {
                    let f = ByteString(try r.string()), v = ByteString(try r.string())
                    if !h.set(f, v, maxEntries: maxE, maxValue: maxV) { throw bad("duplicate hash field") }
                }
            } else {
                let blob = try r.string()
                let elems = type == RDB.typeHashListpack ? try CompactDecoding.listpack(blob) : try CompactDecoding.ziplist(blob)
                guard elems.count % 2 == 0 else { throw bad("odd hash listpack") }
                var i = 0
                while i < elems.count {
                    if !h.set(elems[i].byteString, elems[i + 1].byteString, maxEntries: maxE, maxValue: maxV) {
                        throw bad("duplicate hash field")
                    }
                    i += 2
                }
            }
            if h.count == 0 { throw RDBEmptyKey() }
            return .hash(h)
        case RDB.typeStreamListpacks, RDB.typeStreamListpacks2:
            return .object(StreamObject(try readStream(v2: type == RDB.typeStreamListpacks2, from: &r)))
        case RDB.typeHashZipmap:
            throw bad("zipmap hashes (RDB version < 4) are not supported")
        case RDB.typeModule2, 6:
            throw bad("module values are not supported")
        default:
            throw bad("unknown value type \(type)")
        }
    }

    static func readStreamID(_ r: inout RDBReader) throws -> StreamID {
        let b = try r.take(16)
        var ms: UInt64 = 0, seq: UInt64 = 0
        for (i, x) in b.enumerated() {
            if i < 8 { ms = ms << 8 | UInt64(x) } else { seq = seq << 8 | UInt64(x) }
        }
        return StreamID(ms, seq)
    }

    static func readStream(v2: Bool, from r: inout RDBReader) throws -> RedisStream {
        func bad(_ s: String) -> RDBFormatError { RDBFormatError("stream: " + s) }
        let s = RedisStream()
        let nodeCount = try r.count()
        var previousMaster: StreamID?
        for _ in 0..<nodeCount {
            let key = try r.string()
            guard key.count == 16 else { throw bad("node key is not 16 bytes") }
            var kr = RDBReader(key[...])
            let master = try readStreamID(&kr)
            if let p = previousMaster, p >= master { throw bad("node keys out of order") }
            previousMaster = master
            let elems = try CompactDecoding.listpack(try r.string())
            var i = 0
            func next() throws -> CompactElement {
                guard i < elems.count else { throw bad("truncated node") }
                defer { i += 1 }
                return elems[i]
            }
            func nextInt() throws -> Int64 {
                guard let v = try next().integer else { throw bad("expected an integer") }
                return v
            }
            let count = try nextInt(), deletedCount = try nextInt(), nf = try nextInt()
            guard count >= 0, deletedCount >= 0, nf >= 0, nf <= Int64(elems.count) else { throw bad("bad master entry") }
            if count + deletedCount == 0 { throw bad("empty node") }
            var masterFields: [ByteString] = []
            for _ in 0..<nf { masterFields.append(try next().byteString) }
            guard try nextInt() == 0 else { throw bad("bad master entry terminator") }
            var entries: [(StreamID, [ByteString], Bool)] = []
            while i < elems.count {
                let flags = try nextInt()
                let msd = try nextInt(), seqd = try nextInt()
                let id = StreamID(master.ms &+ UInt64(bitPattern: msd), master.seq &+ UInt64(bitPattern: seqd))
                var f: [ByteString] = []
                let same = flags & 2 != 0
                if same {
                    for j in 0..<Int(nf) { f.append(masterFields[j]); f.append(try next().byteString) }
                } else {
                    let n = try nextInt()
                    guard n >= 0, n <= Int64(elems.count) else { throw bad("bad field count") }
                    for _ in 0..<n { f.append(try next().byteString); f.append(try next().byteString) }
                }
                let lpCount = try nextInt()
                let expected = Int64(f.count / 2 + 3 + (same ? 0 : f.count / 2 + 1))
                guard lpCount == expected else { throw bad("bad entry element count") }
                entries.append((id, f, flags & 1 != 0))
            }
            let live = entries.filter { !$0.2 }.count
            guard live == Int(count), entries.count - live == Int(deletedCount) else { throw bad("node counts mismatch") }
            s.appendLoadedNode(master: master, masterFields: masterFields, entries: entries)
        }
        let length = try r.length()
        guard length == UInt64(s.length) else { throw bad("length mismatch") }
        s.lastID = StreamID(try r.length(), try r.length())
        if v2 {
            s.firstID = StreamID(try r.length(), try r.length())
            s.maxDeletedID = StreamID(try r.length(), try r.length())
            s.entriesAdded = Int64(bitPattern: try r.length())
        } else {
            s.firstID = s.edge(last: false)?.0 ?? .zero
            s.entriesAdded = Int64(s.length)
        }
        if let last = s.edge(last: true)?.0, last > s.lastID { throw bad("an entry is past the last ID") }
        let groupCount = try r.count()
        for _ in 0..<groupCount {
            let name = ByteString(try r.string())
            let lastID = StreamID(try r.length(), try r.length())
            let entriesRead: Int64 = v2 ? Int64(bitPattern: try r.length()) : s.estimateDistance(lastID)
            if s.groups[name] != nil { throw bad("duplicate group") }
            let g = StreamGroup(lastID: lastID, entriesRead: entriesRead)
            let pelCount = try r.count()
            for _ in 0..<pelCount {
                let id = try readStreamID(&r)
                let t = try r.millisecondTime()
                let dc = Int64(bitPattern: try r.length())
                if !g.pel.set(id, StreamNACK(deliveryTime: t, deliveryCount: dc, consumer: nil)) { throw bad("duplicate PEL entry") }
            }
            let consumerCount = try r.count()
            for _ in 0..<consumerCount {
                let cname = ByteString(try r.string())
                let seen = try r.millisecondTime()
                if g.consumers[cname] != nil { throw bad("duplicate consumer") }
                let c = StreamConsumer(name: cname, seenTime: seen)
                let n = try r.count()
                for _ in 0..<n {
                    let id = try readStreamID(&r)
                    guard let nack = g.pel[id], nack.consumer == nil else { throw bad("consumer PEL entry not in the group PEL") }
                    nack.consumer = c
                    c.pel.set(id, nack)
                }
                g.consumers[cname] = c
            }
            for nack in g.pel.values where nack.consumer == nil { throw bad("PEL entry without a consumer") }
            s.groups[name] = g
        }
        return s
    }
}

/// A value that decoded to an empty collection (Redis's RDB_LOAD_ERR_EMPTY_KEY).
public struct RDBEmptyKey: Error, Sendable {}
