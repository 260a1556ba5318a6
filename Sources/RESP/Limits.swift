/// Protocol limits, with Redis 7.0's defaults.
public struct RESPLimits: Sendable, Equatable {
    /// Maximum size of one bulk string (`proto-max-bulk-len`, default 512 MB).
    public var maxBulkLength: Int = 512 * 1024 * 1024
    /// Maximum size of an inline command or of a count line (`PROTO_INLINE_MAX_SIZE`, 64 KB).
    public var maxInlineSize: Int = 64 * 1024
    /// Maximum number of elements of a multibulk (`INT_MAX` in Redis 7.0).
    public var maxMultibulkLength: Int = Int(Int32.max)
    /// Maximum size of the query buffer (`client-query-buffer-limit`, default 1 GB).
    public var maxQueryBuffer: Int = 1024 * 1024 * 1024

    /// Redis's defaults.
    public init() {}
}
