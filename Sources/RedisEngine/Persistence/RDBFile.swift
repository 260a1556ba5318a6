import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point-in-time copy of the keyspace that a background thread can serialize while commands
/// keep running. Taking it costs one pass over the keys that reads only the value kind: the
/// key/value tables are copied by reference (Swift's copy-on-write duplicates them on the next
/// write, much like fork's copy-on-write pages), strings are immutable values, and each
/// collection is frozen as its copy-on-write struct (lists, sets, sorted sets, hashes) or cloned
/// (streams, which are reference graphs).
public struct KeyspaceSnapshot: @unchecked Sendable {
    struct DB {
        var index: Int
        var main: HashTable<Value>
        var expires: HashTable<Int64>
        /// Frozen copies of the collections, by entry index of `main`.
        var frozen: [Int: Value]
    }
    var dbs: [DB] = []
    /// FUNCTION libraries' code (saved with the RDB_OPCODE_FUNCTION2 opcode).
    var functions: [[UInt8]] = []
    /// Unix time (s) the snapshot was taken.
    var time: Int64 = 0
    /// The engine's change counter when it was taken.
    var dirty = 0
    /// The engine's `usedMemory` when it was taken (the `used-mem` aux field).
    var usedMemory = 0

    /// Takes a snapshot (call with the engine lock held).
    public static func take(_ engine: Engine) -> KeyspaceSnapshot {
        var s = KeyspaceSnapshot()
        s.time = engine.clock.nowMilliseconds() / 1000
        s.dirty = engine.dirty
        s.usedMemory = engine.usedMemory
        s.functions = engine.persistence.functionLibraries?() ?? []
        for db in engine.databases where db.count > 0 {
            var frozen: [Int: Value] = [:]
            let main = db.main
            // One linear pass over the value slots (freed slots hold the string placeholder).
            main.vals.withUnsafeBufferPointer { vals in
                for i in vals.indices {
                    switch vals[i] {
                    case .hash(let h): frozen[i] = .hash(h.copy())
                    case .object(let o): frozen[i] = .object(o.copy())
                    default: continue
                    }
                }
            }
            s.dbs.append(DB(index: db.index, main: main, expires: db.expires, frozen: frozen))
        }
        return s
    }

    /// Number of keys in the snapshot.
    public var keyCount: Int { dbs.reduce(0) { $0 + $1.main.count } }
}

/// Writing and reading whole RDB files (Redis 7.0, RDB version 10).
public enum RDBFile {
    /// Serializes `snapshot` to `path` atomically (temp file in the same directory, fsync, rename).
    /// Throws with a message naming the path on I/O errors.
    public static func write(_ snapshot: KeyspaceSnapshot, to path: String) throws {
        try commit(temp: try writeTemp(snapshot, forPath: path), to: path)
    }

    /// Writes `snapshot` to a temp file next to `path` (flushed with fsync); returns its path.
    /// `aofBase`: the file is an AOF base (RDB preamble; aux field `aof-base` 1).
    public static func writeTemp(_ snapshot: KeyspaceSnapshot, forPath path: String, aofBase: Bool = false) throws -> String {
        let dir = parentDirectory(of: path)
        let temp = dir + "/temp-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).rdb"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw RDBFormatError("Failed opening the temp RDB file \(temp) (in server root dir \(dir)) for saving: \(errnoText())") }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temp) }
        }
        var out = ChunkedFileWriter(fd: fd)
        try serialize(snapshot, into: &out, aofBase: aofBase)
        guard fsync(fd) == 0 else { throw RDBFormatError("Write error saving DB on disk: \(errnoText())") }
        ok = true
        return temp
    }

    /// Moves a finished temp file over `path`.
    public static func commit(temp: String, to path: String) throws {
        guard rename(temp, path) == 0 else {
            let e = errnoText()
            unlink(temp)
            throw RDBFormatError("Error moving temp DB file \(temp) on the final destination \(path): \(e)")
        }
    }

    /// The file as bytes (tests, DEBUG RELOAD).
    public static func serialize(_ snapshot: KeyspaceSnapshot) -> [UInt8] {
        var out = ChunkedFileWriter(fd: -1)
        try? serialize(snapshot, into: &out)
        return out.memory
    }

    static func serialize(_ snapshot: KeyspaceSnapshot, into out: inout ChunkedFileWriter, aofBase: Bool = false) throws {
        var w = RDBWriter()
        w.raw(Array("REDIS0010".utf8))
        func aux(_ k: String, _ v: String) {
            w.byte(RDB.opAux)
            w.string(Array(k.utf8))
            w.string(Array(v.utf8))
        }
        aux("redis-ver", "7.0.15")
        aux("redis-bits", "64")
        aux("ctime", String(snapshot.time))
        aux("used-mem", String(snapshot.usedMemory))
        aux("aof-base", aofBase ? "1" : "0")
        for f in snapshot.functions {
            w.byte(RDB.opFunction2)
            w.string(f)
        }
        for db in snapshot.dbs {
            w.byte(RDB.opSelectDB)
            w.length(db.index)
            w.byte(RDB.opResizeDB)
            w.length(db.main.count)
            w.length(db.expires.count)
            var failure: Error?
            db.main.forEachIndex { i in
                if failure != nil { return }
                let key = db.main.key(at: i)
                if !db.expires.isEmpty, let t = db.expires[key] {
                    w.byte(RDB.opExpireTimeMs)
                    w.uint64LE(UInt64(bitPattern: t))
                }
                let v = db.frozen[i] ?? db.main.value(at: i)
                // Type byte first, then the key, then the value: RDBValueCodec writes type+value.
                var vw = RDBWriter()
                RDBValueCodec.write(v, to: &vw)
                w.byte(vw.bytes[0])
                w.string(key)
                w.bytes.append(contentsOf: vw.bytes[1...])
                if w.bytes.count >= 1 << 20 {
                    do { try out.append(w.bytes) } catch { failure = error }
                    w.bytes.removeAll(keepingCapacity: true)
                }
            }
            if let failure { throw failure }
        }
        w.byte(RDB.opEOF)
        try out.append(w.bytes)
        try out.appendChecksum()
    }

    // MARK: loading

    /// What a load found.
    public struct LoadReport: Sendable {
        public var keys = 0
        public var expiredSkipped = 0
        public var functions = 0
        public var version = 0
        /// Offset just past the RDB's checksum (an AOF base with an RDB preamble continues there).
        public var endOffset = 0
    }

    /// Loads the file at `path` into `engine` (lock held by the caller), replacing nothing that is
    /// not in the file: call on an empty engine. Throws `RDBFormatError` naming what is wrong.
    @discardableResult
    public static func load(path: String, into engine: Engine) throws -> LoadReport {
        guard let data = readWholeFile(path) else { throw RDBFormatError("Fatal error loading the DB: \(errnoText()). Exiting.") }
        return try load(bytes: data, into: engine)
    }

    public static func load(bytes data: [UInt8], into engine: Engine) throws -> LoadReport {
        try load(bytes: data[...], into: engine)
    }

    /// Loads an RDB image that starts at `data.startIndex` (an AOF base's preamble may be followed by commands).
    public static func load(bytes data: ArraySlice<UInt8>, into engine: Engine) throws -> LoadReport {
        var report = LoadReport()
        let s0 = data.startIndex
        guard data.count >= 9, Array(data[s0..<s0 + 5]) == Array("REDIS".utf8),
              let version = Int(String(decoding: data[s0 + 5..<s0 + 9], as: UTF8.self)) else {
            throw RDBFormatError("Wrong signature trying to load DB from file")
        }
        guard version >= 1 && version <= Int(RDB.version) else {
            throw RDBFormatError("Can't handle RDB format version \(version)")
        }
        report.version = version
        var r = RDBReader(data[(s0 + 9)...])
        var db = engine.databases[0]
        var expire: Int64 = -1
        let now = engine.clock.nowMilliseconds()
        while true {
            let type = try r.byte()
            switch type {
            case RDB.opExpireTime:
                expire = Int64(Int32(bitPattern: try r.uint32LE())) * 1000
                continue
            case RDB.opExpireTimeMs:
                expire = try r.millisecondTime()
                continue
            case RDB.opFreq:
                _ = try r.byte()
                continue
            case RDB.opIdle:
                _ = try r.length()
                continue
            case RDB.opEOF:
                if version >= 5 {
                    let bodyEnd = r.bytes.startIndex
                    let stored = try r.uint64LE()
                    if stored != 0 && CRC64.checksum(data[data.startIndex..<bodyEnd]) != stored {
                        throw RDBFormatError("Wrong RDB checksum. Aborting now.")
                    }
                }
                report.endOffset = r.bytes.startIndex - data.startIndex
                return report
            case RDB.opSelectDB:
                let n = try r.length()
                guard n < UInt64(engine.databases.count) else {
                    throw RDBFormatError("FATAL: Data file was created with a Redis server configured to handle more than \(engine.databases.count) databases. Exiting")
                }
                db = engine.databases[Int(n)]
                continue
            case RDB.opResizeDB:
                _ = try r.length(); _ = try r.length()
                continue
            case RDB.opAux:
                _ = try r.string(); _ = try r.string()
                continue
            case RDB.opModuleAux:
                throw RDBFormatError("The RDB file contains AUX module data this server cannot load (no modules)")
            case RDB.opFunction2:
                let code = try r.string()
                if let load = engine.persistence.loadFunctionLibrary {
                    if let err = load(code) { throw RDBFormatError("Failed loading library: \(err)") }
                    report.functions += 1
                }
                continue
            case RDB.opFunction:
                throw RDBFormatError("Pre-release function format not supported.")
            default:
                guard RDBValueCodec.isObjectType(type) else { throw RDBFormatError("Unknown RDB type \(type)") }
            }
            let key = ByteString(try r.string())
            let value: Value
            do {
                value = try RDBValueCodec.read(type: type, from: &r, config: engine.config)
            } catch is RDBEmptyKey {
                expire = -1
                continue
            } catch let e as RDBFormatError {
                throw RDBFormatError("Bad data for key '\(key.string)': \(e.description)")
            }
            if expire != -1 && expire < now {
                report.expiredSkipped += 1
            } else {
                engine.setKey(db, key, value)
                if expire != -1 { db.expires.set(key, expire) }
                report.keys += 1
            }
            expire = -1
        }
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let size = Int(st.st_size)
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            done += n
        }
        return done == size ? out : Array(out[0..<done])
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Writes bytes to a file descriptor (or memory when fd is -1) while keeping the running CRC-64.
struct ChunkedFileWriter {
    let fd: Int32
    var crc: UInt64 = 0
    var memory: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    mutating func append(_ bytes: [UInt8]) throws {
        crc = CRC64.checksum(bytes, seed: crc)
        try raw(bytes)
    }

    mutating func appendChecksum() throws {
        var b: [UInt8] = []
        for i in 0..<8 { b.append(UInt8(truncatingIfNeeded: crc >> (UInt64(i) * 8))) }
        try raw(b)
    }

    private mutating func raw(_ bytes: [UInt8]) throws {
        if fd < 0 { memory.append(contentsOf: bytes); return }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RDBFormatError("Write error saving DB on disk: \(RDBFile.errnoText())")
            }
            done += n
        }
    }

}
