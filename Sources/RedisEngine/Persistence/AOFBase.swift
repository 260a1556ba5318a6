#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an AOF base file from a keyspace snapshot: an RDB image (`aof-use-rdb-preamble yes`, the
/// default) or the commands that rebuild the dataset (`no`), the way Redis's `rewriteAppendOnlyFile` does.
enum AOFBase {
    /// Writes the base into a temp file in `directory` (fsynced); returns its path.
    static func writeTemp(_ snap: KeyspaceSnapshot, directory: String, rdbPreamble: Bool) throws -> String {
        if rdbPreamble {
            return try RDBFile.writeTemp(snap, forPath: directory + "/base", aofBase: true)
        }
        let temp = directory + "/temp-rewriteaof-bg-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).aof"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw RDBFormatError("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): \(RDBFile.errnoText())") }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temp) }
        }
        var out: [UInt8] = []
        func flush() throws {
            var done = 0
            while done < out.count {
                let n = out.withUnsafeBytes { write(fd, $0.baseAddress! + done, out.count - done) }
                if n < 0 { if errno == EINTR { continue }; throw RDBFormatError("Write error writing append only file on disk: \(RDBFile.errnoText())") }
                done += n
            }
            out.removeAll(keepingCapacity: true)
        }
        for f in snap.functions {
            AOFEncoding.append([Array("FUNCTION".utf8), Array("LOAD".utf8), f], to: &out)
        }
        for db in snap.dbs {
            AOFEncoding.append([Array("SELECT".utf8), Array(String(db.index).utf8)], to: &out)
            var failure: Error?
            db.main.forEachIndex { i in
                if failure != nil { return }
                let key = db.main.key(at: i).array
                let v = db.frozen[i] ?? db.main.value(at: i)
                commands(for: key, v, into: &out)
                if !db.expires.isEmpty, let t = db.expires[db.main.key(at: i)] {
                    AOFEncoding.append([Array("PEXPIREAT".utf8), key, Array(String(t).utf8)], to: &out)
                }
                if out.count >= 1 << 20 { do { try flush() } catch { failure = error } }
            }
            if let failure { throw failure }
        }
        try flush()
        guard fsync(fd) == 0 else { throw RDBFormatError("fsync error writing the AOF base: \(RDBFile.errnoText())") }
        ok = true
        return temp
    }

    /// Elements per command for collections (Redis's AOF_REWRITE_ITEMS_PER_CMD).
    static let itemsPerCommand = 64

    static func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// The commands that rebuild `key` holding `v`.
    static func commands(for key: [UInt8], _ v: Value, into out: inout [UInt8]) {
        func batched(_ cmd: String, _ items: [[UInt8]], stride: Int) {
            var i = 0
            while i < items.count {
                let end = min(items.count, i + itemsPerCommand * stride)
                AOFEncoding.append([b(cmd), key] + Array(items[i..<end]), to: &out)
                i = end
            }
        }
        switch v {
        case .inlineString, .heapString, .raw, .int:
            AOFEncoding.append([b("SET"), key, v.stringBytes?.array ?? []], to: &out)
        case .hash(let h):
            batched("HMSET", h.pairs.flatMap { [$0.0.array, $0.1.array] }, stride: 2)
        case .object(let o):
            if let l = o as? ListObject {
                batched("RPUSH", l.list.elements.map(\.array), stride: 1)
            } else if let s = o as? SetObject {
                batched("SADD", s.set.allMembers.map(\.array), stride: 1)
            } else if let z = o as? ZSetObject {
                batched("ZADD", z.zset.allEntries.flatMap { [RedisDouble.format($0.score), $0.member.array] }, stride: 2)
            } else if let st = o as? StreamObject {
                stream(key, st.stream, into: &out)
            } else {
                // HyperLogLogs are strings; nothing else is stored.
                AOFEncoding.append([b("DEL"), key], to: &out)
            }
        }
    }

    /// Redis's `rewriteStreamObject`: XADD every entry (or create the empty stream), XSETID with the
    /// counters, groups with their last id and entries-read, each pending entry as XCLAIM … FORCE, and
    /// consumers without pending entries with XGROUP CREATECONSUMER.
    static func stream(_ key: [UInt8], _ s: RedisStream, into out: inout [UInt8]) {
        if s.length > 0 {
            s.forEach(from: .zero, to: .max) { id, fields in
                AOFEncoding.append([b("XADD"), key, b(id.text)] + fields.map(\.array), to: &out)
                return true
            }
        } else {
            AOFEncoding.append([b("XADD"), key, b("MAXLEN"), b("0"), b(s.lastID.text), b("x"), b("y")], to: &out)
        }
        AOFEncoding.append([b("XSETID"), key, b(s.lastID.text), b("ENTRIESADDED"), b(String(s.entriesAdded)),
                            b("MAXDELETEDID"), b(s.maxDeletedID.text)], to: &out)
        for (name, g) in s.sortedGroups {
            AOFEncoding.append([b("XGROUP"), b("CREATE"), key, name.array, b(g.lastID.text), b("ENTRIESREAD"), b(String(g.entriesRead))], to: &out)
            for c in g.sortedConsumers {
                if c.pel.isEmpty {
                    AOFEncoding.append([b("XGROUP"), b("CREATECONSUMER"), key, name.array, c.name.array], to: &out)
                    continue
                }
                for (i, id) in c.pel.keys.enumerated() {
                    let n = c.pel.values[i]
                    AOFEncoding.append([b("XCLAIM"), key, name.array, c.name.array, b("0"), b(id.text), b("TIME"), b(String(n.deliveryTime)),
                                        b("RETRYCOUNT"), b(String(n.deliveryCount)), b("JUSTID"), b("FORCE")], to: &out)
                }
            }
        }
    }
}
