import RESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream entry ID (`<ms>-<seq>`), ordered like Redis's `streamCompareID`.
public struct StreamID: Hashable, Comparable, Sendable {
    public var ms: UInt64
    public var seq: UInt64
    public init(_ ms: UInt64, _ seq: UInt64) { self.ms = ms; self.seq = seq }

    public static let zero = StreamID(0, 0)
    public static let max = StreamID(UInt64.max, UInt64.max)

    public static func < (a: StreamID, b: StreamID) -> Bool {
        a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq
    }

    public var isZero: Bool { ms == 0 && seq == 0 }

    /// The next ID (`streamIncrID`), nil when this is the maximum ID.
    public var incremented: StreamID? {
        if seq == UInt64.max {
            if ms == UInt64.max { return nil }
            return StreamID(ms + 1, 0)
        }
        return StreamID(ms, seq + 1)
    }

    /// The previous ID (`streamDecrID`), nil for 0-0.
    public var decremented: StreamID? {
        if seq == 0 {
            if ms == 0 { return nil }
            return StreamID(ms - 1, UInt64.max)
        }
        return StreamID(ms, seq - 1)
    }

    /// `<ms>-<seq>` as Redis prints it.
    public var text: String { "\(ms)-\(seq)" }
}

/// A sorted map keyed by stream IDs (pending-entries lists): binary search, append fast path.
public struct StreamIDMap<V> {
    public private(set) var keys: [StreamID] = []
    public private(set) var values: [V] = []
    public init() {}

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Index of the first key >= `id`.
    public func lowerBound(_ id: StreamID) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public subscript(id: StreamID) -> V? {
        let i = lowerBound(id)
        return i < keys.count && keys[i] == id ? values[i] : nil
    }

    /// Inserts or replaces; returns true when the key was new.
    @discardableResult public mutating func set(_ id: StreamID, _ v: V) -> Bool {
        if let last = keys.last, last < id {
            keys.append(id); values.append(v); return true
        }
        let i = lowerBound(id)
        if i < keys.count && keys[i] == id { values[i] = v; return false }
        keys.insert(id, at: i)
        values.insert(v, at: i)
        return true
    }

    @discardableResult public mutating func remove(_ id: StreamID) -> V? {
        let i = lowerBound(id)
        guard i < keys.count && keys[i] == id else { return nil }
        keys.remove(at: i)
        return values.remove(at: i)
    }
}

/// A pending (delivered, not acknowledged) entry of a consumer group.
public final class StreamNACK {
    public var deliveryTime: Int64
    public var deliveryCount: Int64
    public var consumer: StreamConsumer?
    public init(deliveryTime: Int64, deliveryCount: Int64, consumer: StreamConsumer?) {
        self.deliveryTime = deliveryTime; self.deliveryCount = deliveryCount; self.consumer = consumer
    }
}

/// A consumer of a group with its own pending entries.
public final class StreamConsumer {
    public let name: ByteString
    public var seenTime: Int64
    public var pel = StreamIDMap<StreamNACK>()
    public init(name: ByteString, seenTime: Int64) { self.name = name; self.seenTime = seenTime }
}

/// A consumer group: last delivered ID, logical read counter, PEL and consumers.
public final class StreamGroup {
    public var lastID: StreamID
    /// Redis 7.0's `entries_read` (-1 = unknown).
    public var entriesRead: Int64
    public var pel = StreamIDMap<StreamNACK>()
    public var consumers: [ByteString: StreamConsumer] = [:]
    public init(lastID: StreamID, entriesRead: Int64) { self.lastID = lastID; self.entriesRead = entriesRead }

    /// Consumers in name order (Redis keeps them in a radix tree).
    public var sortedConsumers: [StreamConsumer] { consumers.values.sorted { $0.name < $1.name } }

    /// Removes a consumer and its pending entries from the group PEL.
    public func deleteConsumer(_ c: StreamConsumer) {
        for id in c.pel.keys { pel.remove(id) }
        consumers[c.name] = nil
    }
}

/// One node of a stream: Redis's listpack of up to `stream-node-max-entries` entries, emulated
/// with arrays (deleted entries stay as tombstones until the node empties, like Redis). The byte
/// size of the listpack Redis would build is tracked so nodes split exactly where Redis's do,
/// which makes `MAXLEN ~` / `MINID ~` trimming (whole nodes only) give the same results.
final class StreamNode {
    var master: StreamID
    var masterFields: [ByteString]
    var ids: [StreamID] = []
    var fields: [[ByteString]] = []
    var deleted: [Bool] = []
    var live = 0
    var tombstones = 0
    var bytes = 0
    /// False once an entry was appended after a larger tombstone (possible after XSETID lowered
    /// the last ID): live entries stay sorted, but binary search over all entries is then invalid.
    var inOrder = true

    init(master: StreamID, masterFields: [ByteString]) {
        self.master = master
        self.masterFields = masterFields
        bytes = 7 + Listpack.int(1) + Listpack.int(0) + Listpack.int(Int64(masterFields.count)) + Listpack.int(0)
        for f in masterFields { bytes += Listpack.string(f) }
    }

    func clone() -> StreamNode {
        let n = StreamNode(master: master, masterFields: masterFields)
        n.ids = ids; n.fields = fields; n.deleted = deleted
        n.live = live; n.tombstones = tombstones; n.bytes = bytes; n.inOrder = inOrder
        return n
    }

    /// Index of the first entry >= id (tombstones included); 0 when the node is not in order
    /// (callers then scan and skip, like Redis's listpack iterator).
    func lowerBound(_ id: StreamID) -> Int {
        if !inOrder { return 0 }
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the live entry with `id`.
    func liveIndex(_ id: StreamID) -> Int? {
        var i = lowerBound(id)
        while i < ids.count {
            if ids[i] == id && !deleted[i] { return i }
            if inOrder && ids[i] > id { return nil }
            i += 1
        }
        return nil
    }

    func append(_ id: StreamID, _ f: [ByteString]) {
        let numFields = f.count / 2
        var same = numFields == masterFields.count
        if same {
            var i = 0
            while i < numFields { if f[2 * i] != masterFields[i] { same = false; break }; i += 1 }
        }
        var b = Listpack.int(same ? 2 : 0)
        b += Listpack.int(Int64(bitPattern: id.ms &- master.ms))
        b += Listpack.int(Int64(bitPattern: id.seq &- master.seq))
        if !same { b += Listpack.int(Int64(numFields)) }
        var i = 0
        while i < numFields {
            if !same { b += Listpack.string(f[2 * i]) }
            b += Listpack.string(f[2 * i + 1])
            i += 1
        }
        b += Listpack.int(Int64(numFields + 3 + (same ? 0 : numFields + 1)))
        bytes += b
        if let last = ids.last, last >= id { inOrder = false }
        ids.append(id); fields.append(f); deleted.append(false)
        live += 1
    }
}

/// Sizes of listpack elements (listpack.c), used to split stream nodes where Redis does.
enum Listpack {
    static func backlen(_ l: Int) -> Int {
        if l <= 127 { return 1 }
        if l < 16383 { return 2 }
        if l < 2097151 { return 3 }
        if l < 268435455 { return 4 }
        return 5
    }
    static func int(_ v: Int64) -> Int {
        let l: Int
        if v >= 0 && v <= 127 { l = 1 }
        else if v >= -4096 && v <= 4095 { l = 2 }
        else if v >= -32768 && v <= 32767 { l = 3 }
        else if v >= -8388608 && v <= 8388607 { l = 4 }
        else if v >= -2147483648 && v <= 2147483647 { l = 5 }
        else { l = 9 }
        return l + backlen(l)
    }
    static func string(_ s: ByteString) -> Int {
        if s.count <= 20, let v = s.withBytes({ parseStrictInt($0) }) { return int(v) }
        let n = s.count
        let l = n < 64 ? 1 + n : (n < 4096 ? 2 + n : 5 + n)
        return l + backlen(l)
    }
}

/// Trimming parameters of XADD/XTRIM.
public struct StreamTrim {
    public enum Strategy { case none, maxlen(Int64), minid(StreamID) }
    public var strategy: Strategy = .none
    public var approx = false
    public var limit: Int64 = 0
    public init() {}
}

/// A Redis stream: entries in nodes ordered by ID (binary search over nodes, then inside the node),
/// plus the stream metadata Redis 7.0 reports and the consumer groups.
public final class RedisStream {
    public static let nodeMaxEntries = 100
    public static let nodeMaxBytes = 4096

    var nodes: [StreamNode] = []
    public private(set) var length = 0
    public var lastID = StreamID.zero
    public var firstID = StreamID.zero
    public var maxDeletedID = StreamID.zero
    public var entriesAdded: Int64 = 0
    public var groups: [ByteString: StreamGroup] = [:]

    public init() {}

    public func clone() -> RedisStream {
        let s = RedisStream()
        s.nodes = nodes.map { $0.clone() }
        s.length = length; s.lastID = lastID; s.firstID = firstID
        s.maxDeletedID = maxDeletedID; s.entriesAdded = entriesAdded
        for (name, g) in groups {
            let ng = StreamGroup(lastID: g.lastID, entriesRead: g.entriesRead)
            var map: [ObjectIdentifier: StreamConsumer] = [:]
            for (cn, c) in g.consumers {
                let nc = StreamConsumer(name: c.name, seenTime: c.seenTime)
                ng.consumers[cn] = nc
                map[ObjectIdentifier(c)] = nc
            }
            for (i, id) in g.pel.keys.enumerated() {
                let n = g.pel.values[i]
                let owner = n.consumer.flatMap { map[ObjectIdentifier($0)] }
                let nn = StreamNACK(deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: owner)
                ng.pel.set(id, nn)
                owner?.pel.set(id, nn)
            }
            s.groups[name] = ng
        }
        return s
    }

    /// Groups in name order.
    public var sortedGroups: [(ByteString, StreamGroup)] { groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }

    public var nodeCount: Int { nodes.count }

    /// Approximate bytes used (MEMORY USAGE).
    public var approximateBytes: Int {
        var total = 64
        for n in nodes { total += n.bytes + 64 }
        // Redis preallocates the tail listpack (4 KiB) and keeps it until the node is full.
        if let tail = nodes.last, tail.bytes < RedisStream.nodeMaxBytes { total += RedisStream.nodeMaxBytes - tail.bytes }
        for (_, g) in groups { total += 64 + g.pel.count * 48; for (_, c) in g.consumers { total += 48 + c.name.count + c.pel.count * 24 } }
        return total
    }

    // MARK: append

    /// Appends an entry with `id` (already validated to be > lastID).
    /// `maxEntries`/`maxBytes` are `stream-node-max-entries`/`-bytes` (0 = no entry limit /
    /// the 1 GiB listpack limit, like Redis).
    public func append(_ id: StreamID, _ fields: [ByteString], maxEntries: Int = RedisStream.nodeMaxEntries,
                       maxBytes: Int = RedisStream.nodeMaxBytes) {
        var tot = 0
        for f in fields { tot += f.count }
        let byteLimit = maxBytes <= 0 || maxBytes > (1 << 30) ? (1 << 30) : maxBytes
        var node = nodes.last
        if let n = node {
            if n.bytes + tot >= byteLimit { node = nil }
            else if maxEntries > 0 && n.live + n.tombstones >= maxEntries { node = nil }
        }
        let target: StreamNode
        if let n = node { target = n } else {
            var mf: [ByteString] = []
            mf.reserveCapacity(fields.count / 2)
            var i = 0
            while i < fields.count { mf.append(fields[i]); i += 2 }
            target = StreamNode(master: id, masterFields: mf)
            nodes.append(target)
        }
        target.append(id, fields)
        length += 1
        entriesAdded &+= 1
        lastID = id
        if length == 1 { firstID = id }
    }

    // MARK: lookup

    /// Index of the node that may contain `id` (last node whose master <= id), or 0.
    func nodeIndex(for id: StreamID) -> Int {
        var lo = 0, hi = nodes.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if nodes[mid].master <= id { lo = mid + 1 } else { hi = mid }
        }
        return Swift.max(lo - 1, 0)
    }

    /// The fields of a live entry, or nil.
    public func entry(_ id: StreamID) -> [ByteString]? {
        if nodes.isEmpty { return nil }
        let n = nodes[nodeIndex(for: id)]
        guard let i = n.liveIndex(id) else { return nil }
        return n.fields[i]
    }

    /// Calls `body` for live entries in [start, end], ascending or descending, until it returns false.
    public func forEach(from start: StreamID, to end: StreamID, reverse: Bool = false,
                        _ body: (StreamID, [ByteString]) -> Bool) {
        if nodes.isEmpty || start > end { return }
        if !reverse {
            var ni = nodeIndex(for: start)
            var ei = nodes[ni].lowerBound(start)
            while ni < nodes.count {
                let n = nodes[ni]
                while ei < n.ids.count {
                    if n.deleted[ei] { ei += 1; continue }
                    let id = n.ids[ei]
                    if id < start { ei += 1; continue }
                    if id > end { return }
                    if !body(id, n.fields[ei]) { return }
                    ei += 1
                }
                ni += 1
                ei = 0
            }
        } else {
            var ni = nodeIndex(for: end)
            var n = nodes[ni]
            var ei = n.ids.count - 1
            if n.inOrder {
                // Last entry <= end.
                var lo = 0, hi = n.ids.count
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if n.ids[mid] <= end { lo = mid + 1 } else { hi = mid }
                }
                ei = lo - 1
            }
            while true {
                while ei >= 0 {
                    if n.deleted[ei] { ei -= 1; continue }
                    let id = n.ids[ei]
                    if id > end { ei -= 1; continue }
                    if id < start { return }
                    if !body(id, n.fields[ei]) { return }
                    ei -= 1
                }
                ni -= 1
                if ni < 0 { return }
                n = nodes[ni]
                ei = n.ids.count - 1
            }
        }
    }

    /// First or last live entry.
    public func edge(last: Bool) -> (StreamID, [ByteString])? {
        var out: (StreamID, [ByteString])? = nil
        forEach(from: .zero, to: .max, reverse: last) { id, f in out = (id, f); return false }
        return out
    }

    /// The last live ID (`streamLastValidID`), 0-0 when empty.
    public var lastValidID: StreamID { edge(last: true)?.0 ?? .zero }

    // MARK: delete

    /// Deletes a live entry (`streamDeleteItem`).
    public func delete(_ id: StreamID) -> Bool {
        if nodes.isEmpty { return false }
        let ni = nodeIndex(for: id)
        let n = nodes[ni]
        guard let i = n.liveIndex(id) else { return false }
        if n.live == 1 {
            nodes.remove(at: ni)
        } else {
            n.deleted[i] = true
            n.live -= 1
            n.tombstones += 1
        }
        length -= 1
        return true
    }

    /// XDEL: deletes live entries, tracks the largest deleted ID and the first ID; returns the count.
    public func deleteIDs(_ ids: [StreamID]) -> Int {
        var deleted = 0
        var firstEntry = false
        for id in ids where delete(id) {
            if id == firstID { firstEntry = true }
            if id > maxDeletedID { maxDeletedID = id }
            deleted += 1
        }
        if deleted > 0 {
            if length == 0 { firstID = .zero } else if firstEntry { updateFirstID() }
        }
        return deleted
    }

    /// Recomputes `firstID` after entries were removed from the front.
    func updateFirstID() {
        firstID = length == 0 ? .zero : (edge(last: false)?.0 ?? .zero)
    }

    // MARK: trim

    /// `streamTrim`: whole nodes first; with `approx` stop at the first node that cannot go whole.
    public func trim(_ t: StreamTrim) -> Int64 {
        var deleted: Int64 = 0
        switch t.strategy {
        case .none: return 0
        default: break
        }
        while !nodes.isEmpty {
            let n = nodes[0]
            if case .maxlen(let maxlen) = t.strategy, Int64(length) <= maxlen { break }
            let entries = Int64(n.live)
            if t.limit != 0 && deleted + entries > t.limit { break }
            let removeNode: Bool
            switch t.strategy {
            case .maxlen(let maxlen): removeNode = Int64(length) - entries >= maxlen
            case .minid(let minid): removeNode = (n.ids.last ?? n.master) < minid
            case .none: removeNode = false
            }
            if removeNode {
                nodes.removeFirst()
                length -= Int(entries)
                deleted += entries
                continue
            }
            if t.approx { break }
            var fromNode = 0
            for i in 0..<n.ids.count {
                let stop: Bool
                switch t.strategy {
                case .maxlen(let maxlen): stop = Int64(length) <= maxlen
                case .minid(let minid): stop = n.ids[i] >= minid
                case .none: stop = true
                }
                if stop { break }
                if !n.deleted[i] {
                    n.deleted[i] = true
                    fromNode += 1
                    length -= 1
                }
            }
            n.live -= fromNode
            n.tombstones += fromNode
            deleted += Int64(fromNode)
            break
        }
        updateFirstID()
        return deleted
    }

    // MARK: consumer groups / lag (Redis 7.0)

    /// `streamRangeHasTombstones`.
    public func rangeHasTombstones(from start: StreamID?, to end: StreamID? = nil) -> Bool {
        if length == 0 || maxDeletedID.isZero { return false }
        if firstID > maxDeletedID { return false }
        let s = start ?? .zero, e = end ?? .max
        return s <= maxDeletedID && maxDeletedID <= e
    }

    /// `streamEstimateDistanceFromFirstEverEntry` (-1 = unknown).
    public func estimateDistance(_ id: StreamID) -> Int64 {
        if entriesAdded == 0 { return 0 }
        if length == 0 && id <= lastID { return entriesAdded }
        if id == lastID { return entriesAdded }
        if id > lastID { return -1 }
        if maxDeletedID.isZero || maxDeletedID < firstID {
            if id < firstID { return entriesAdded &- Int64(length) }
            if id == firstID { return entriesAdded &- Int64(length) &+ 1 }
        }
        return -1
    }

    /// The lag XINFO reports for `g`, nil when unknown.
    public func lag(_ g: StreamGroup) -> Int64? {
        if entriesAdded == 0 { return 0 }
        if g.entriesRead != -1 && !rangeHasTombstones(from: g.lastID) { return entriesAdded &- g.entriesRead }
        let r = estimateDistance(g.lastID)
        return r == -1 ? nil : entriesAdded &- r
    }

    /// Records that `id` was delivered to `g` (updates last ID and the read counter).
    public func advanceGroup(_ g: StreamGroup, to id: StreamID) {
        guard id > g.lastID else { return }
        if g.entriesRead != -1 && !rangeHasTombstones(from: id) {
            g.entriesRead &+= 1
        } else if entriesAdded != 0 {
            g.entriesRead = estimateDistance(id)
        }
        g.lastID = id
    }
}

/// A stream value stored in the keyspace.
public final class StreamObject: RedisObject, @unchecked Sendable {
    public var stream: RedisStream
    public init(_ stream: RedisStream = RedisStream()) { self.stream = stream }
    override public var typeName: String { "stream" }
    override public var encodingName: String { "stream" }
    override public var memoryUsage: Int { stream.approximateBytes }
    /// Streams stay in the keyspace when empty: never report 0.
    override public var elementCount: Int { Swift.max(stream.length, 1) }
    override public func copy() -> RedisObject { StreamObject(stream.clone()) }
}

/// Redis's `string2ull`: string2ll, then strtoull as a fallback (accepts "007", "+5", "-0").
func streamString2ull(_ bytes: ArraySlice<UInt8>) -> UInt64? {
    if let v = bytes.withUnsafeBytes({ parseStrictInt($0) }) {
        return v < 0 ? nil : UInt64(v)
    }
    if bytes.isEmpty { return nil }
    var cs = [CChar](repeating: 0, count: bytes.count + 1)
    for (i, b) in bytes.enumerated() { cs[i] = CChar(bitPattern: b) }
    errno = 0
    var end: UnsafeMutablePointer<CChar>? = nil
    let v = cs.withUnsafeMutableBufferPointer { p -> UInt64 in
        let r = strtoull(p.baseAddress!, &end, 10)
        return UInt64(r)
    }
    if errno == EINVAL || errno == ERANGE { return nil }
    guard let e = end else { return nil }
    let consumed = cs.withUnsafeBufferPointer { p in p.baseAddress!.distance(to: UnsafePointer(e)) }
    if consumed != bytes.count { return nil }
    return v
}

// MARK: persistence (RDBValueCodec)

extension RedisStream {
    /// The nodes as (master ID, master fields, entries: id, field-value list, deleted) for RDB writing.
    func forEachNodeForPersistence(_ body: (StreamID, [ByteString], [StreamID], [[ByteString]], [Bool]) -> Void) {
        for n in nodes { body(n.master, n.masterFields, n.ids, n.fields, n.deleted) }
    }

    /// Appends a node read from an RDB value: entries in order, deleted ones kept as tombstones.
    func appendLoadedNode(master: StreamID, masterFields: [ByteString], entries: [(StreamID, [ByteString], Bool)]) {
        let n = StreamNode(master: master, masterFields: masterFields)
        for (id, f, deleted) in entries {
            n.append(id, f)
            if deleted {
                n.deleted[n.deleted.count - 1] = true
                n.live -= 1
                n.tombstones += 1
            }
        }
        nodes.append(n)
        length += n.live
    }
}
