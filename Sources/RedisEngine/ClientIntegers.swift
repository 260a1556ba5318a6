import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Helpers for turning a client's integers into offsets, counts and sizes without trapping.
// Swift traps on integer overflow and on out-of-range indexes, so every path from a client's
// argument to arithmetic goes through a range check that answers with redis-server's own error.

extension CommandContext {
    /// Argument `i` as an integer within `min...max`, like Redis's `getRangeLongFromObjectOrReply`:
    /// replies `ERR value is not an integer or out of range`, or
    /// `ERR value is out of range, value must between <min> and <max>`, and returns nil.
    public mutating func rangeIntOrReply(_ i: Int, _ min: Int, _ max: Int) -> Int? {
        guard let v = int(i) else {
            out.error(RedisError.notInteger)
            return nil
        }
        if v < min || v > max {
            out.error("ERR value is out of range, value must between \(min) and \(max)")
            return nil
        }
        return v
    }

    /// The count argument of SRANDMEMBER / HRANDFIELD / ZRANDMEMBER: `-LONG_MAX...LONG_MAX`, and
    /// with WITHVALUES / WITHSCORES at most half of that in magnitude (Redis 7.0.8+), else nil
    /// after the reply.
    mutating func randomCountOrReply(_ i: Int) -> Int? { rangeIntOrReply(i, -Int.max, Int.max) }

    /// Ends a reply that grew past `engine.config.maxReplyBytes` since `mark` (the buffer's writer
    /// index when the command began writing): drops what it wrote and closes the client after this
    /// command, as Redis does when a client passes its output-buffer hard limit. Returns true when
    /// the reply was abandoned. Call it inside loops whose length a client chooses.
    @inline(__always)
    public mutating func replyOverflowed(since mark: Int) -> Bool {
        if out.buffer.writerIndex - mark <= engine.config.maxReplyBytes { return false }
        out.buffer.moveWriterIndex(to: mark)
        session.closeAfterReply = true
        return true
    }
}

/// `bytes` extended with zero bytes to `count` (no change when already that long), copied with
/// memcpy/memset so a large extension costs one allocation even in debug builds.
func zeroExtended(_ bytes: [UInt8], to count: Int) -> [UInt8] {
    if count <= bytes.count { return bytes }
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        let base = buffer.baseAddress!
        bytes.withUnsafeBufferPointer { src in
            if let s = src.baseAddress, src.count > 0 { memcpy(base, s, src.count) }
        }
        memset(base + bytes.count, 0, count - bytes.count)
        initialized = count
    }
}

/// `a + b`, or nil when it overflows.
@inline(__always) func addingOrNil(_ a: Int, _ b: Int) -> Int? {
    let (r, o) = a.addingReportingOverflow(b)
    return o ? nil : r
}
