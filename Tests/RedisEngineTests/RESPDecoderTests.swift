import NIOCore
import RESP
import Testing

@Suite("RESP decoder")
struct RESPDecoderTests {
    func decodeAll(_ input: String, limits: RESPLimits = RESPLimits(), auth: Bool = false) -> ([[String]], String?) {
        var decoder = RESPCommandDecoder(limits: limits)
        decoder.authRequired = auth
        var buf = ByteBuffer(string: input)
        var argv = Argv()
        var out: [[String]] = []
        for _ in 0..<1000 {
            switch decoder.decode(&buf, into: &argv) {
            case .command: out.append((0..<argv.count).map { argv.string($0) })
            case .needMoreData: return (out, nil)
            case .protocolError(let m): return (out, m)
            }
        }
        return (out, "loop")
    }

    @Test func multibulk() {
        let (cmds, e) = decodeAll("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n")
        #expect(e == nil)
        #expect(cmds == [["GET", "k"], ["PING"]])
    }

    @Test func byteAtATime() {
        let input = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nPING\r\n".utf8)
        var decoder = RESPCommandDecoder()
        var buf = ByteBuffer()
        var argv = Argv()
        var got: [[String]] = []
        for b in input {
            buf.writeInteger(b)
            while case .command = decoder.decode(&buf, into: &argv) {
                got.append((0..<argv.count).map { argv.string($0) })
            }
        }
        #expect(got == [["SET", "k", "hello"], ["PING"]])
    }

    @Test func inlineWithQuotes() {
        let (cmds, e) = decodeAll("set a \"b c\\x41\\n\" 'd e'\r\n\r\nping\n")
        #expect(e == nil)
        #expect(cmds == [["set", "a", "b cA\n", "d e"], ["ping"]])
    }

    /// Plain tokens take the copy-free path; a quote inside a token switches to sdssplitargs' rules
    /// for that token only (as redis-server: `ab"c d"` is one argument `abc d`).
    @Test func inlineMixesPlainAndQuotedTokens() {
        let (cmds, e) = decodeAll("set\tk ab\"c d\" x'y z' \u{0B}last\r\nget  k\r\n")
        #expect(e == nil)
        #expect(cmds == [["set", "k", "abc d", "xy z", "last"], ["get", "k"]])
    }

    @Test(arguments: [
        ("*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'"),
        ("*abc\r\n", "Protocol error: invalid multibulk length"),
        ("*1\r\n$-5\r\n", "Protocol error: invalid bulk length"),
        ("*1\r\n$abc\r\n", "Protocol error: invalid bulk length"),
        ("set \"a\r\n", "Protocol error: unbalanced quotes in request"),
        ("set \"a\"b\r\n", "Protocol error: unbalanced quotes in request"),
        ("*3000000000\r\n", "Protocol error: invalid multibulk length"),
    ])
    func protocolErrors(input: String, message: String) {
        let (_, e) = decodeAll(input)
        #expect(e == message)
    }

    @Test func limits() {
        var l = RESPLimits()
        l.maxBulkLength = 10
        #expect(decodeAll("*1\r\n$11\r\n", limits: l).1 == "Protocol error: invalid bulk length")
        #expect(decodeAll(String(repeating: "a", count: 70000)).1 == "Protocol error: too big inline request")
        #expect(decodeAll("*" + String(repeating: "1", count: 70000)).1 == "Protocol error: too big mbulk count string")
        #expect(decodeAll("*11\r\n", auth: true).1 == "Protocol error: unauthenticated multibulk length")
        #expect(decodeAll("*1\r\n$20000\r\n", auth: true).1 == "Protocol error: unauthenticated bulk length")
    }

    @Test func emptyMultibulkIsSkipped() {
        let (cmds, e) = decodeAll("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n")
        #expect(e == nil)
        #expect(cmds == [["PING"]])
    }

    @Test func replyWriterEncodings() {
        var w = ReplyWriter(version: .resp2)
        w.null(); w.mapHeader(2); w.double(1.5); w.boolean(true); w.integer(-123); w.nullArray()
        #expect(w.string == "$-1\r\n*4\r\n$3\r\n1.5\r\n:1\r\n:-123\r\n*-1\r\n")
        var w3 = ReplyWriter(version: .resp3)
        w3.null(); w3.mapHeader(2); w3.double(1.5); w3.boolean(true); w3.double(.infinity); w3.setHeader(1)
        #expect(w3.string == "_\r\n%2\r\n,1.5\r\n#t\r\n,inf\r\n~1\r\n")
    }

    @Test func replyParserRoundTrip() throws {
        var buf = ByteBuffer(string: "*3\r\n$1\r\na\r\n:5\r\n%1\r\n+k\r\n_\r\n")
        let v = try RESPValue.parse(&buf)
        #expect(v?.description == "[\"a\", :5, {+k: (nil)}]")
    }
}
