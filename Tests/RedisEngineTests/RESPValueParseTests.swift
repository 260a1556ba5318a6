import NIOCore
import RESP
import Testing

/// The client-side reply parser (`RESPValue.parse`): malformed input must be rejected, never
/// silently re-shaped (fuzzer finding #10 in docs/engine-testing.md).
@Suite("RESPValue reply parser")
struct RESPValueParseTests {
    func parse(_ text: String) throws -> RESPValue? {
        var buf = ByteBuffer(string: text)
        return try RESPValue.parse(&buf)
    }

    @Test func verbatimRoundTrip() throws {
        let v = try #require(try parse("=15\r\ntxt:Some string\r\n"))
        guard case .verbatim(let format, let text) = v else {
            Issue.record("expected a verbatim string, got \(v)")
            return
        }
        #expect(format == "txt")
        #expect(text == "Some string")
        var out = ByteBuffer()
        v.encode(into: &out)
        #expect(String(buffer: out) == "=15\r\ntxt:Some string\r\n")
        let empty = try #require(try parse("=4\r\nmkd:\r\n"))
        guard case .verbatim("mkd", "") = empty else {
            Issue.record("expected an empty markdown verbatim string, got \(empty)")
            return
        }
    }

    @Test(arguments: [
        "=1\r\na\r\n",            // no 3-letter format
        "=3\r\ntxt\r\n",          // format without ':'
        "=5\r\ntxtxa\r\n",        // 4th byte is not ':'
        "=2\r*-2\rNG\r\n",        // CR without LF after the length
        "=-2\r\n",                // negative length
        "$3\r\nabcXY",            // blob not terminated by CRLF
        "=5\r\nt\rt:a\r\n",       // control byte in the format
    ])
    func malformedIsRejected(_ input: String) {
        #expect(throws: RESPValue.ParseError.self) { _ = try parse(input) }
    }

    @Test func incompleteNeedsMoreBytes() throws {
        #expect(try parse("=15\r\ntxt:Some") == nil)
        #expect(try parse("$3\r\nabc\r") == nil)
        #expect(try parse("+OK\r") == nil)
    }
}
