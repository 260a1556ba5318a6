/// DEBUG DIGEST / DEBUG DIGEST-VALUE: a content digest of the dataset (40 hex digits, all zeros when
/// empty) that is the same for the same data whatever the encodings or insertion order: per key a hash
/// of (database, key, value in canonical form, expiry), xor-ed together like Redis's `computeDatasetDigest`.
/// The bytes differ from redis-server's (its own SHA1 mixing); it compares an infera dataset before and
/// after a restart or reload, which is what Redis's tests use it for.
enum DatasetDigest {
    static func put(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.append(contentsOf: String(bytes.count).utf8)
        out.append(0x3a)
        out.append(contentsOf: bytes)
    }

    /// The value's content, independent of encoding and (for sets and hashes) of order.
    static func canonical(_ v: Value) -> [UInt8] {
        var out: [UInt8] = []
        switch v {
        case .inlineString, .heapString, .raw, .int:
            out.append(UInt8(ascii: "s"))
            put(v.stringBytes?.array ?? [], into: &out)
        case .hash(let h):
            out.append(UInt8(ascii: "h"))
            for (f, x) in h.pairs.map({ ($0.0.array, $0.1.array) }).sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
                put(f, into: &out); put(x, into: &out)
            }
        case .object(let o):
            if let l = o as? ListObject {
                out.append(UInt8(ascii: "l"))
                for e in l.list.elements { put(e.array, into: &out) }
            } else if let s = o as? SetObject {
                out.append(UInt8(ascii: "S"))
                for m in s.set.allMembers.map(\.array).sorted(by: { $0.lexicographicallyPrecedes($1) }) { put(m, into: &out) }
            } else if let z = o as? ZSetObject {
                out.append(UInt8(ascii: "z"))
                for e in z.zset.allEntries { put(e.member.array, into: &out); put(RedisDouble.format(e.score), into: &out) }
            } else if let st = o as? StreamObject {
                let s = st.stream
                out.append(UInt8(ascii: "x"))
                s.forEach(from: .zero, to: .max) { id, fields in
                    put(Array(id.text.utf8), into: &out)
                    for f in fields { put(f.array, into: &out) }
                    return true
                }
                put(Array(s.lastID.text.utf8), into: &out)
                for (name, g) in s.sortedGroups {
                    put(name.array, into: &out)
                    put(Array(g.lastID.text.utf8), into: &out)
                    for (i, id) in g.pel.keys.enumerated() {
                        put(Array(id.text.utf8), into: &out)
                        put(g.pel.values[i].consumer?.name.array ?? [], into: &out)
                    }
                }
            } else {
                out.append(UInt8(ascii: "?"))
            }
        }
        return out
    }

    static func hex(_ d: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        for b in d.prefix(20) { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return String(decoding: s, as: UTF8.self)
    }

    /// DEBUG DIGEST.
    static func dataset(_ e: Engine) -> String {
        var acc = [UInt8](repeating: 0, count: 32)
        var any = false
        for db in e.databases where db.count > 0 {
            db.main.forEachIndex { i in
                let key = db.main.key(at: i)
                var m: [UInt8] = Array(String(db.index).utf8)
                put(key.array, into: &m)
                m += canonical(db.main.value(at: i))
                if !db.expires.isEmpty, let t = db.expires[key] { m += Array("!\(t)".utf8) }
                let h = SHA256.hash(m)
                for j in 0..<32 { acc[j] ^= h[j] }
                any = true
            }
        }
        return any ? hex(acc) : String(repeating: "0", count: 40)
    }

    /// DEBUG DIGEST-VALUE key...: one digest per key's value (zeros for a missing key).
    static func value(_ v: Value?) -> String {
        guard let v else { return String(repeating: "0", count: 40) }
        return hex(SHA256.hash(canonical(v)))
    }
}
