import NIOCore
import RESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
