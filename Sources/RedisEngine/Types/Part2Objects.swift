import NIOCore
import RESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A list value stored in the keyspace.
public final class ListObject: RedisObject, @unchecked Sendable {
    public var list: RedisList
    public init(_ list: RedisList = RedisList()) { self.list = list }
    override public var typeName: String { "list" }
    /// Redis 7.0 always reports `quicklist` for lists.
    override public var encodingName: String { "quicklist" }
    override public var memoryUsage: Int { list.approximateBytes }
    override public var elementCount: Int { list.count }
    override public func copy() -> RedisObject { ListObject(list) }
    override public var sortableElements: [RBytes]? { list.elements }
}

/// A set value stored in the keyspace.
public final class SetObject: RedisObject, @unchecked Sendable {
    public var set: RedisSet
    public init(_ set: RedisSet = RedisSet()) { self.set = set }
    override public var typeName: String { "set" }
    override public var encodingName: String { self.set.encoding }
    override public var memoryUsage: Int { self.set.approximateBytes }
    override public var elementCount: Int { self.set.count }
    override public func copy() -> RedisObject { SetObject(set) }
    override public var sortableElements: [RBytes]? { self.set.allMembers }
}

/// A sorted-set value stored in the keyspace.
public final class ZSetObject: RedisObject, @unchecked Sendable {
    public var zset: RedisSortedSet
    public init(_ zset: RedisSortedSet = RedisSortedSet()) { self.zset = zset }
    override public var typeName: String { "zset" }
    override public var encodingName: String { zset.encoding }
    override public var memoryUsage: Int { zset.approximateBytes }
    override public var elementCount: Int { zset.count }
    override public func copy() -> RedisObject { ZSetObject(zset) }
    override public var sortableElements: [RBytes]? { zset.allEntries.map { $0.member } }
}

/// Result of looking a key up for a typed command.
public enum TypedLookup<T> {
    case missing
    case wrongType
    case found(T)
}

extension CommandContext {
    /// Looks `key` up expecting an object of type `T`.
    @inlinable public mutating func fetch<T: RedisObject>(_ type: T.Type, _ key: RBytes, read: Bool = true) -> TypedLookup<T> {
        let idx = read ? lookupRead(key) : lookupWrite(key)
        guard let i = idx else { return .missing }
        if case .object(let o) = db.main.value(at: i), let t = o as? T { return .found(t) }
        return .wrongType
    }

    /// Marks `key` as modified: dirty counter, WATCH/blocking signal and keyspace event.
    @inlinable public mutating func modified(_ key: RBytes, _ type: KeyspaceEventType, _ event: StaticString, dirty: Int = 1) {
        engine.dirty += dirty
        signalModified(key)
        notify(type, event, key)
    }

    /// Deletes `key` after its collection became empty (signals and emits `del`).
    @inlinable public mutating func deleteEmptied(_ key: RBytes) {
        engine.deleteKey(db, key)
        signalModified(key)
        notify(.generic, "del", key)
    }

    /// Argument `i` as RBytes.
    @inlinable public func arg(_ i: Int) -> RBytes { RBytes(args[i]) }

    /// Argument `i` as a Redis-parsed double (strtod rules), or nil.
    @inlinable public func score(_ i: Int) -> Double? { RedisDouble.parse(args[i]) }

    /// Argument `i` as a 64-bit integer (like `getLongLongFromObject`), or nil.
    @inlinable public func int64(_ i: Int) -> Int64? { args[i].withUnsafeBytes { parseStrictInt($0) } }
}

extension ReplyWriter {
    /// Writes a score: bulk string in RESP2, double in RESP3, formatted exactly like Redis 7.0.
    @inlinable public mutating func score(_ d: Double) {
        if version == .resp3 {
            buffer.writeInteger(UInt8(ascii: ","))
            writeScoreText(d)
            buffer.writeStaticString("\r\n")
        } else {
            if d.isInfinite {
                buffer.writeStaticString(d < 0 ? "$4\r\n-inf\r\n" : "$3\r\ninf\r\n")
                return
            }
            if d == d.rounded(.towardZero) && abs(d) < 1e15 && !(d == 0 && d.sign == .minus) {
                bulk(integer: Int(d))
                return
            }
            var tmp = ReplyWriter(buffer: ByteBuffer(), version: .resp2)
            tmp.writeScoreText(d)
            bulk(tmp.buffer.readableBytesView)
        }
    }

    /// Writes the text of a score (no framing).
    @usableFromInline mutating func writeScoreText(_ d: Double) {
        if d.isInfinite { buffer.writeStaticString(d < 0 ? "-inf" : "inf"); return }
        if d == d.rounded(.towardZero) && abs(d) < 1e15 {
            if d == 0 { buffer.writeStaticString(d.sign == .minus ? "-0" : "0"); return }
            writeDecimal(Int(d))
            return
        }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf in
            let len = withVaList([d]) { vsnprintf(buf.baseAddress!, 64, "%.17g", $0) }
            let n = Int(max(0, min(len, 63)))
            buffer.writeBytes(UnsafeRawBufferPointer(start: UnsafeRawPointer(buf.baseAddress!), count: n))
        }
    }

    /// An empty array (`*0`).
    @inlinable public mutating func emptyArray() { buffer.writeStaticString("*0\r\n") }
}

/// Builds CommandSpecs from the Redis 7.0 command catalog (arity, flags, keys and ACL categories
/// exactly as redis-server reports them), so part 2's commands cannot drift from Redis's table.
enum Part2Spec {
    static let flagMap: [String: CommandFlags] = {
        var d: [String: CommandFlags] = [:]
        for (f, n) in CommandFlags.names { d[n] = f }
        return d
    }()

    static func make(_ name: String, group: String, since: String = "1.0.0", summary: String = "",
                     extraFlags: CommandFlags = [],
                     keyFinder: (@Sendable (Argv) -> [Int])? = nil,
                     subcommands: [CommandSpec] = [],
                     _ handler: @escaping CommandHandler) -> CommandSpec {
        let lname = name.lowercased()
        let info = ACLCommandCatalog.info(lname)
        var flags: CommandFlags = extraFlags
        var cats: [String] = []
        if let info {
            for (i, n) in ACLCommandFlags.names.enumerated() where info.flags.contains(ACLCommandFlags(rawValue: 1 << UInt32(i))) {
                if let f = flagMap[n] { flags.insert(f) }
            }
            for c in ACLCategory.allCases where info.categories & c.bit != 0 { cats.append(c.name) }
        }
        let short = lname.split(separator: "|").last.map(String.init) ?? lname
        return CommandSpec(short, arity: info?.arity ?? -1, flags: flags,
                           keys: (info?.firstKey ?? 0, info?.lastKey ?? 0, info?.keyStep ?? 0),
                           categories: cats, group: group, summary: summary, since: since,
                           keyFinder: keyFinder, subcommands: subcommands, handler: handler)
    }

    /// Key finder for `<cmd> numkeys key... ` layouts (`numkeysAt` = position of numkeys, `fixedKeys`
    /// = key positions before it such as ZUNIONSTORE's destination).
    static func numkeysFinder(at numkeysAt: Int, fixedKeys: [Int] = []) -> @Sendable (Argv) -> [Int] {
        return { argv in
            var out = fixedKeys.filter { $0 < argv.count }
            guard numkeysAt < argv.count,
                  let n = argv[numkeysAt].withUnsafeBytes({ parseStrictInt($0) }), n > 0 else { return out }
            var i = numkeysAt + 1
            var k = 0
            while k < n && i < argv.count { out.append(i); i += 1; k += 1 }
            return out
        }
    }
}
