/// A hash value: a small ordered list of pairs (Redis's listpack: insertion order, linear search)
/// that converts once to a hash table when it exceeds `hash-max-listpack-entries` entries or a
/// field/value exceeds `hash-max-listpack-value` bytes.
public final class HashObject: @unchecked Sendable {
    var fields: [ByteString] = []
    var values: [ByteString] = []
    var table: HashTable<ByteString>?
    /// Sum of the fields' and values' lengths, kept up to date by `set`/`remove` (memory accounting).
    public private(set) var byteCount = 0

    public init() {}

    /// Number of fields.
    public var count: Int { table?.count ?? fields.count }
    /// True when stored as a table.
    public var isTable: Bool { table != nil }
    /// OBJECT ENCODING name.
    public var encodingName: String { table == nil ? "listpack" : "hashtable" }

    /// Bytes Redis 7.0 would allocate for this hash (listpack or dict), in O(1); see `MemoryModel`.
    public var memoryUsage: Int {
        if let t = table { return MemoryModel.hashtableHash(count: t.count, buckets: t.bucketCount, bytes: byteCount) }
        return MemoryModel.listpackHash(count: fields.count, bytes: byteCount)
    }

    /// The value of `field`.
    public func get(_ field: ByteString) -> ByteString? {
        if let t = table { return t[field] }
        if let i = fields.firstIndex(of: field) { return values[i] }
        return nil
    }

    /// Sets `field`; returns true when it is new. Converts to a table past the listpack limits.
    @discardableResult
    public func set(_ field: ByteString, _ value: ByteString, maxEntries: Int, maxValue: Int) -> Bool {
        if table == nil && (field.count > maxValue || value.count > maxValue) { convert() }
        if table != nil {
            let old = table!.exchange(field, value).old
            byteCount += value.count - (old.map { $0.count } ?? -field.count)
            return old == nil
        }
        if let i = fields.firstIndex(of: field) {
            byteCount += value.count - values[i].count
            values[i] = value
            return false
        }
        byteCount += field.count + value.count
        fields.append(field)
        values.append(value)
        if fields.count > maxEntries { convert() }
        return true
    }

    /// Removes `field`; true when it existed.
    @discardableResult
    public func remove(_ field: ByteString) -> Bool {
        if table != nil {
            guard let old = table!.remove(field) else { return false }
            byteCount -= field.count + old.count
            table!.compactIfSparse()
            return true
        }
        if let i = fields.firstIndex(of: field) {
            byteCount -= field.count + values[i].count
            fields.remove(at: i)
            values.remove(at: i)
            return true
        }
        return false
    }

    private func convert() {
        var t = HashTable<ByteString>(placeholder: .empty)
        for i in fields.indices { t.set(fields[i], values[i]) }
        table = t
        fields = []
        values = []
    }

    /// Every (field, value) pair, in listpack order or table order.
    public var pairs: [(ByteString, ByteString)] {
        if let t = table {
            var out: [(ByteString, ByteString)] = []
            out.reserveCapacity(t.count)
            t.forEachIndex { out.append((t.key(at: $0), t.value(at: $0))) }
            return out
        }
        return Array(zip(fields, values))
    }

    /// A random pair.
    public func randomPair<G: RandomNumberGenerator>(using g: inout G) -> (ByteString, ByteString)? {
        if let t = table {
            guard let i = t.randomIndex(using: &g) else { return nil }
            return (t.key(at: i), t.value(at: i))
        }
        if fields.isEmpty { return nil }
        let i = Int(g.next() % UInt64(fields.count))
        return (fields[i], values[i])
    }

    /// One HSCAN step; listpack hashes return everything with cursor 0.
    public func scan(cursor: UInt64, count: Int, _ body: (ByteString, ByteString) -> Void) -> UInt64 {
        guard let t = table else {
            for i in fields.indices { body(fields[i], values[i]) }
            return 0
        }
        var c = cursor
        var seen = 0
        var iterations = count * 10
        repeat {
            c = t.scan(cursor: c) { i in
                body(t.key(at: i), t.value(at: i))
                seen += 1
            }
            iterations -= 1
        } while c != 0 && iterations > 0 && seen < count
        return c
    }

    /// A deep copy.
    public func copy() -> HashObject {
        let h = HashObject()
        h.fields = fields
        h.values = values
        h.table = table
        h.byteCount = byteCount
        return h
    }
}
