import NIOCore
import RESP

/// Hash commands.
public enum HashCommands {
    public static var all: [CommandSpec] { [] }
}

/// A hash value: a small ordered list of pairs (Redis's listpack) that converts to a table when it grows.
public final class HashObject: @unchecked Sendable {
    public init() {}
    public var encodingName: String { "listpack" }
    public var memoryUsage: Int { 64 }
}
