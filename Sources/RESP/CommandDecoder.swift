import NIOCore

/// Incremental decoder of client commands: RESP multibulk (`*N\r\n$L\r\n...`) and inline commands,
/// with Redis 7.0's limits and exact protocol error texts.
///
/// Feed it the connection's cumulative query buffer; it consumes one command at a time and keeps
/// partial progress (the multibulk count and completed arguments) between reads, so a large value
/// arriving in many reads is not re-parsed.
public struct RESPCommandDecoder: Sendable {
    /// The outcome of one `decode` call.
    public enum Result: Sendable, Equatable {
        /// `argv` holds one complete command.
        case command
        /// The buffer holds no complete command yet.
        case needMoreData
        /// The client broke the protocol: reply `-ERR <message>` and close the connection.
        case protocolError(String)
    }

    /// The limits in force.
    public var limits: RESPLimits
    /// When true, the unauthenticated limits apply (multibulk ≤ 10 elements, bulk ≤ 16384 bytes).
    public var authRequired = false

    private var pendingArgs = 0
    private var bulkLength = -1
    private var inMultibulk = false

    /// A decoder with the given limits.
    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// True while a command has been partly received.
    public var hasPartialCommand: Bool { inMultibulk }

    /// Decodes the next command from `buffer` into `argv` (which is reset first when a new command starts).
    public mutating func decode(_ buffer: inout ByteBuffer, into argv: inout Argv) -> Result {
        while true {
            let readable = buffer.readableBytes
            if readable == 0 { return .needMoreData }
            var consumed = 0
            let step: Step = buffer.withUnsafeReadableBytes { raw in
                if !inMultibulk {
                    if raw[0] == UInt8(ascii: "*") {
                        return parseMultibulkHeader(raw, &consumed, &argv)
                    }
                    return parseInline(raw, &consumed, &argv)
                }
                return parseBulks(raw, &consumed, &argv)
            }
            if consumed > 0 { buffer.moveReaderIndex(forwardBy: consumed) }
            switch step {
            case .done: return .command
            case .more: return .needMoreData
            case .again: continue
            case .error(let message):
                inMultibulk = false
                pendingArgs = 0
                bulkLength = -1
                return .protocolError(message)
            }
        }
    }

    private enum Step {
        case done, more, again
        case error(String)
    }

    private static func findCR(_ raw: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = from
        let n = raw.count
        while i < n {
            if raw[i] == 13 { return i }
            i += 1
        }
        return nil
    }

    /// Redis's string2ll: optional '-', digits, no leading zeros, no '+', fits in Int64.
    public static func parseInteger(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        if i >= end { return nil }
        if end - i == 1 && raw[i] == UInt8(ascii: "0") { return 0 }
        var negative = false
        if raw[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
            if i >= end { return nil }
        }
        if raw[i] < UInt8(ascii: "1") || raw[i] > UInt8(ascii: "9") { return nil }
        var v: UInt64 = 0
        while i < end {
            let c = raw[i]
            if c < 48 || c > 57 { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            if o1 { return nil }
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o2 { return nil }
            v = a
            i += 1
        }
        if negative {
            if v > UInt64(Int64.max) + 1 { return nil }
            return v == UInt64(Int64.max) + 1 ? Int(Int64.min) : -Int(v)
        }
        if v > UInt64(Int64.max) { return nil }
        return Int(v)
    }

    private mutating func parseMultibulkHeader(_ raw: UnsafeRawBufferPointer, _ consumed: inout Int, _ argv: inout Argv) -> Step {
        guard let cr = Self.findCR(raw, from: 1) else {
            if raw.count > limits.maxInlineSize { return .error("Protocol error: too big mbulk count string") }
            return .more
        }
        if cr + 1 >= raw.count { return .more }
        let parsed = Self.parseInteger(raw, 1, cr)
        guard let n = parsed, n <= limits.maxMultibulkLength else {
            return .error("Protocol error: invalid multibulk length")
        }
        if n > 10 && authRequired { return .error("Protocol error: unauthenticated multibulk length") }
        consumed = cr + 2
        if n <= 0 { return .again }
        argv.reset()
        pendingArgs = n
        bulkLength = -1
        inMultibulk = true
        return parseBulks(raw, &consumed, &argv)
    }

    private mutating func parseBulks(_ raw: UnsafeRawBufferPointer, _ consumed: inout Int, _ argv: inout Argv) -> Step {
        var pos = consumed
        let n = raw.count
        while pendingArgs > 0 {
            if bulkLength < 0 {
                if pos >= n { consumed = pos; return .more }
                guard let cr = Self.findCR(raw, from: pos) else {
                    if n - pos > limits.maxInlineSize { return .error("Protocol error: too big bulk count string") }
                    consumed = pos
                    return .more
                }
                if cr + 1 >= n { consumed = pos; return .more }
                if raw[pos] != UInt8(ascii: "$") {
                    let c = Character(Unicode.Scalar(raw[pos]))
                    return .error("Protocol error: expected '$', got '\(c)'")
                }
                guard let len = Self.parseInteger(raw, pos + 1, cr), len >= 0, len <= limits.maxBulkLength else {
                    return .error("Protocol error: invalid bulk length")
                }
                if len > 16384 && authRequired { return .error("Protocol error: unauthenticated bulk length") }
                pos = cr + 2
                bulkLength = len
                if len >= 32 * 1024 { argv.reserve(additional: len) }
            }
            if n - pos < bulkLength + 2 { consumed = pos; return .more }
            argv.append(raw: UnsafeRawBufferPointer(rebasing: raw[pos..<(pos + bulkLength)]))
            pos += bulkLength + 2
            bulkLength = -1
            pendingArgs -= 1
        }
        consumed = pos
        inMultibulk = false
        return .done
    }

    private mutating func parseInline(_ raw: UnsafeRawBufferPointer, _ consumed: inout Int, _ argv: inout Argv) -> Step {
        var nl = -1
        var i = 0
        let n = raw.count
        while i < n {
            if raw[i] == 10 { nl = i; break }
            i += 1
        }
        if nl < 0 {
            if n > limits.maxInlineSize { return .error("Protocol error: too big inline request") }
            return .more
        }
        var end = nl
        if end > 0 && raw[end - 1] == 13 { end -= 1 }
        argv.reset()
        guard Self.splitArgs(raw, 0, end, into: &argv) else {
            return .error("Protocol error: unbalanced quotes in request")
        }
        consumed = nl + 1
        if argv.isEmpty { return .again }
        return .done
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 32 || c == 9 || c == 10 || c == 11 || c == 12 || c == 13
    }

    private static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c - 48)
        case 97...102: return Int(c - 87)
        case 65...70: return Int(c - 55)
        default: return nil
        }
    }

    /// Redis's sdssplitargs: space separated, "double quoted" with \xHH and \n\r\t\b\a escapes, 'single quoted'.
    public static func splitArgs(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int, into argv: inout Argv) -> Bool {
        var p = start
        var current: [UInt8] = []
        while true {
            while p < end && isSpace(raw[p]) { p += 1 }
            if p >= end { return true }
            // Fast path: a token without quotes goes straight into argv (no copy through `current`).
            var q = p
            while q < end {
                let c = raw[q]
                if c == 32 || c == 10 || c == 13 || c == 9 || c == 0 || c == 34 || c == 39 { break }
                q += 1
            }
            if q >= end || (raw[q] != 34 && raw[q] != 39) {
                argv.append(raw: UnsafeRawBufferPointer(rebasing: raw[p..<q]))
                p = q < end ? q + 1 : q
                continue
            }
            var inq = false, insq = false, done = false
            current.removeAll(keepingCapacity: true)
            while !done {
                if inq {
                    if p >= end { return false }
                    let c = raw[p]
                    if c == 92 && p + 3 < end && raw[p + 1] == UInt8(ascii: "x"),
                       let h = hexValue(raw[p + 2]), let l = hexValue(raw[p + 3]) {
                        current.append(UInt8(h * 16 + l))
                        p += 3
                    } else if c == 92 && p + 1 < end {
                        p += 1
                        switch raw[p] {
                        case UInt8(ascii: "n"): current.append(10)
                        case UInt8(ascii: "r"): current.append(13)
                        case UInt8(ascii: "t"): current.append(9)
                        case UInt8(ascii: "b"): current.append(8)
                        case UInt8(ascii: "a"): current.append(7)
                        default: current.append(raw[p])
                        }
                    } else if c == 34 {
                        if p + 1 < end && !isSpace(raw[p + 1]) { return false }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else if insq {
                    if p >= end { return false }
                    let c = raw[p]
                    if c == 92 && p + 1 < end && raw[p + 1] == 39 {
                        p += 1
                        current.append(39)
                    } else if c == 39 {
                        if p + 1 < end && !isSpace(raw[p + 1]) { return false }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else {
                    if p >= end { done = true; break }
                    let c = raw[p]
                    switch c {
                    case 32, 10, 13, 9, 0:
                        done = true
                    case 34: inq = true
                    case 39: insq = true
                    default: current.append(c)
                    }
                }
                if p < end { p += 1 }
            }
            argv.append(current)
        }
    }
}

extension Argv {
    /// Reserves room for `additional` more argument bytes.
    public mutating func reserve(additional: Int) {
        storageReserve(additional)
    }
}
