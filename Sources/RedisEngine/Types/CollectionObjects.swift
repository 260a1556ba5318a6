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
    override public var sortableElements: [ByteString]? { list.elements }
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
    override public var sortableElements: [ByteString]? { self.set.allMembers }
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
    override public var sortableElements: [ByteString]? { zset.allEntries.map { $0.member } }
}
