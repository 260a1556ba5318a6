import InferaDiagnostics
import InferaYAML
import Testing

@Suite struct YAMLParserTests {
    @Test func keepsLineAndColumnForEveryNode() throws {
        let result = YAMLParser.parse(text: "a: 1\nb:\n  c: [x, \"y\"]\n  d: é\n", file: "t.yaml")
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.root)
        let b = try #require(root["b"])
        #expect(b.start.line == 3 && b.start.column == 3)
        let c = try #require(b["c"]?.sequence)
        #expect(c.map(\.start.column) == [7, 10])
        #expect(c[1].scalarStyle == .doubleQuoted)
        let d = try #require(b["d"])
        #expect(d.scalar == "é" && d.start.line == 4 && d.start.column == 6)
        // Columns count Unicode scalars, not bytes.
        let after = YAMLParser.parse(text: "é: x\nkey: [é, z]\n", file: "t.yaml").root?["key"]?.sequence
        #expect(after?.last?.start.column == 10)
    }

    @Test(arguments: [
        ("true", true as Bool?), ("False", false), ("TRUE", true), ("yes", nil), ("\"true\"", nil), ("!!str true", nil),
    ])
    func resolvesBooleansLikeYAML12(_ text: String, _ expected: Bool?) {
        let node = YAMLParser.parse(text: "v: \(text)\n", file: "t").root?["v"]
        #expect(node?.boolValue == expected)
    }

    @Test(arguments: [("5", 5 as Int?), ("-3", -3), ("0x1F", 31), ("0o17", 15), ("\"5\"", nil), ("5.5", nil), ("1_000", nil), ("", nil)])
    func resolvesIntegers(_ text: String, _ expected: Int?) {
        let node = YAMLParser.parse(text: "v: \(text)\n", file: "t").root?["v"]
        #expect(node?.intValue == expected)
    }

    @Test func nullForms() {
        for text in ["", "~", "null", "Null", "NULL"] {
            #expect(YAMLParser.parse(text: "v: \(text)\n", file: "t").root?["v"]?.isNull == true, "\(text)")
        }
        #expect(YAMLParser.parse(text: "v: 'null'\n", file: "t").root?["v"]?.isNull == false)
    }

    @Test func expandsAliasesAtTheAliasLocation() throws {
        let root = try #require(YAMLParser.parse(text: "a: &x {k: v}\nb: *x\n", file: "t").root)
        #expect(root["b"]?["k"]?.scalar == "v")
        #expect(root["b"]?.start.line == 2)
    }

    @Test func aliasBombIsCapped() {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1..<9 {
            let name = String(UnicodeScalar(UInt8(97 + i)))
            let prev = String(UnicodeScalar(UInt8(96 + i)))
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 10).joined(separator: ", ") + "]")
        }
        let result = YAMLParser.parse(text: lines.joined(separator: "\n"), file: "t", limits: YAMLLimits(maxNodes: 10_000))
        #expect(result.diagnostics.map(\.code) == [YAMLParser.Code.aliasLimit])
    }

    @Test func depthIsCapped() {
        let text = "a: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let result = YAMLParser.parse(text: text, file: "t", limits: YAMLLimits(maxDepth: 20))
        #expect(result.diagnostics.map(\.code) == [YAMLParser.Code.tooDeep])
        #expect(result.diagnostics.first?.location?.column == 23)
    }

    @Test func sizeIsCapped() {
        let result = YAMLParser.parse(bytes: Array(repeating: 0x61, count: 2048), file: "t", limits: YAMLLimits(maxBytes: 1024))
        #expect(result.diagnostics.first?.code == YAMLParser.Code.tooLarge)
        #expect(result.diagnostics.first?.message == "file is too large (2 KB; the limit is 1 KB)")
    }

    @Test func duplicateKeysAreReportedAtTheSecond() {
        let result = YAMLParser.parse(text: "a: 1\nb: 2\na: 3\n", file: "t")
        #expect(result.diagnostics.map(\.code) == [YAMLParser.Code.duplicateKey])
        #expect(result.diagnostics.first?.location == SourceLocation(file: "t", line: 3, column: 1, length: 1))
    }

    @Test func secondDocumentIsAnError() {
        let result = YAMLParser.parse(text: "a: 1\n---\nb: 2\n", file: "t")
        #expect(result.diagnostics.map(\.code) == [YAMLParser.Code.multipleDocuments])
        #expect(result.root?["a"]?.scalar == "1")
    }

    @Test(arguments: [
        ([0x61, 0x3A, 0x20, 0xC3, 0x28] as [UInt8], 4),      // bad continuation byte
        ([0x61, 0x3A, 0x20, 0xE2, 0x82], 4),               // truncated sequence
        ([0x61, 0x3A, 0x20, 0xC0, 0xAF], 4),               // overlong
        ([0x61, 0x3A, 0x20, 0xED, 0xA0, 0x80], 4),         // surrogate
        ([0x61, 0x3A, 0x20, 0xF4, 0x90, 0x80, 0x80], 4),   // above U+10FFFF
    ])
    func invalidUTF8IsLocated(_ bytes: [UInt8], _ column: Int) {
        let result = YAMLParser.parse(bytes: bytes, file: "t")
        #expect(result.diagnostics.map(\.code) == [YAMLParser.Code.encoding])
        #expect(result.diagnostics.first?.location?.column == column)
    }

    @Test func validUTF8Passes() {
        let result = YAMLParser.parse(text: "a: \"é ✓ 😀\"\n", file: "t")
        #expect(result.diagnostics.isEmpty)
        #expect(result.root?["a"]?.scalar == "é ✓ 😀")
    }

    @Test func binaryIsRecognised() {
        let result = YAMLParser.parse(bytes: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00], file: "t")
        #expect(result.diagnostics.map(\.code) == [YAMLParser.Code.binary])
    }

    @Test func syntaxErrorsCarryAPlace() {
        let result = YAMLParser.parse(text: "a: 1\n b: 2\nc: [\n", file: "t")
        #expect(result.diagnostics.first?.code == YAMLParser.Code.syntax)
        #expect(result.diagnostics.first?.location?.line == 2)
        #expect(result.root == nil)
    }

    @Test func emptyInputHasNoRoot() {
        #expect(YAMLParser.parse(text: "", file: "t").root == nil)
        #expect(YAMLParser.parse(text: "# c\n", file: "t").root == nil)
        #expect(YAMLParser.parse(text: "", file: "t").diagnostics.isEmpty)
    }
}
