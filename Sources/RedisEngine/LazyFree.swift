/// Redis 7.0's lazy freeing statistics (lazyfree.c): UNLINK and FLUSHDB/FLUSHALL ASYNC hand values whose
/// free effort exceeds LAZYFREE_THRESHOLD to a background thread and count them in `lazyfreed_objects`.
/// The engine frees synchronously; it counts the objects Redis would have freed in the background.
enum LazyFree {
    /// LAZYFREE_THRESHOLD: values cheaper to free than this are freed at once (not counted).
    static let threshold = 64

    /// lazyfreeGetFreeEffort: allocations to free for `value` (1 for strings and compact encodings).
    static func effort(_ value: Value) -> Int {
        switch value {
        case .hash(let h):
            return h.table == nil ? 1 : h.count
        case .object(let o):
            switch o {
            case let l as ListObject:
                // Quicklist nodes: listpacks of at most 8 KB (list-max-listpack-size -2).
                let bytes = l.list.byteCount + 2 * l.list.count
                return Swift.max(1, (bytes + 8191) / 8192)
            case let s as SetObject:
                return s.set.isHashtable ? s.set.count : 1
            case let z as ZSetObject:
                return z.zset.isSkiplist ? z.zset.count : 1
            case let st as StreamObject:
                // Rax nodes of the entries, then every group and (estimated from the first) its PEL.
                let s = st.stream
                var e = s.nodes.count
                if let first = s.groups.first?.value { e += s.groups.count * (1 + first.pel.count) }
                return e
            default:
                return 1
            }
        default:
            return 1
        }
    }
}
