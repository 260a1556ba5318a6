/// A hash value: a small ordered list of pairs (Redis's listpack: insertion order, linear search)
/// that converts once to a hash table when it exceeds `hash-max-listpack-entries` entries or a
/// field/value exceeds `hash-max-listpack-value` bytes.
public final class HashObject: @unchecked Sendable {
    var fields: [ByteString] = []
    var values: [ByteString] = []
    var table: HashTable<ByteString>?

    public init() {}

    /// Number of fields.
    public var count: Int { table?.count ?? fields.count }
    /// True when stored as a table.
    public var isTable: Bool { table != nil }
    /// OBJECT ENCODING name.
    public var encodingName: String { table == nil ? "listpack" : "hashtable" }

    /// Approximate bytes used.
    public var memoryUsage: Int {
        if let t = table {
            var n = t.overheadBytes + 16
            t.forEachIndex { i in n += t.key(at: i).heapSize + t.value(at: i).heapSize }
            return n
        }
        var n = 16 + 2 * 32 + fields.capacity * 24 + values.capacity * 24
        for f in fields { n += f.heapSize }
        for v in values { n += v.heapSize }
        return n
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
            return table!.set(field, value).inserted
        }
        if let i = fields.firstIndex(of: field) {
            values[i] = value
            return false
        }
        fields.append(field)
        values.append(value)
        if fields.count > maxEntries { convert() }
        return true
    }

    /// Removes `field`; true when it existed.
    @discardableResult
    public func remove(_ field: ByteString) -> Bool {
        if table != nil { return table!.remove(field) != nil }
        if let i = fields.firstIndex(of: field) {
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
        return h
    }
}
