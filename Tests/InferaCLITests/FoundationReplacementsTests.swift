import Foundation
import InferaDiagnostics
import Testing

/// The helpers that replaced full Foundation in Sources/ (InferaDiagnostics/FoundationReplacements.swift)
/// give what the Foundation API they replace gives, compared here against Foundation itself.
@Suite struct FoundationReplacementsTests {
    static let strings = ["", "plain", "a/b", "quote\"back\\slash", "tab\tnl\ncr\r\u{8}\u{c}\u{1}\u{1f}\u{7f}", "ünïcödé ✓ 🎉",
                          "https://x.example/p?q=1&r=<2>", "%SRCROOT%", "  padded  "]

    static var sampleTree: [String: Any] {
        [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "Zeta": 1, "alpha": -2, "Alpha2": 3, "alpha10": 4, "alpha9": 5, "a_b": true, "aB": false, "ab": "x", "AB": "y",
            "ruleId": "INF001", "ruleIndex": 0, "uri": "s", "uriBaseId": "%SRCROOT%", "item1": 1, "item01": 2,
            "numbers": [0.5, 0.85, 1.0, 0.333333333, 1e-7, 123456.789, 1e21, -0.0, 2.5e-5, 100.0] as [Any],
            "nested": ["empty": [String: Any](), "list": [Any](), "strings": strings, "deep": [["k": "v"], ["n": 1]]] as [String: Any],
            "Token": "t", "accessKey": "k", "SecretAccessKey": "s", "Expiration": "2026-01-01T00:00:00Z",
        ]
    }

    @Test(arguments: [false, true])
    func serialisesLikeJSONSerialization(_ pretty: Bool) throws {
        for escapeSlashes in [true, false] {
            var options: JSONSerialization.WritingOptions = [.sortedKeys]
            if pretty { options.insert(.prettyPrinted) }
            if !escapeSlashes { options.insert(.withoutEscapingSlashes) }
            for tree in [Self.sampleTree, ["k": Self.strings] as [String: Any], [:]] {
                let want = String(decoding: try JSONSerialization.data(withJSONObject: tree, options: options), as: UTF8.self)
                let got = try JSONObjects.serialize(tree, pretty: pretty, escapeSlashes: escapeSlashes)
                #expect(got == want)
            }
        }
    }

    @Test func parsesWhatJSONSerializationParses() throws {
        let text = #"{"s":"a\/b\u00e9\ud83c\udf89\n","i":42,"neg":-7,"d":1.5,"e":2e3,"t":true,"f":false,"n":null,"a":[1,"x",{"k":[]}],"o":{}}"#
        let got = try #require(try JSONObjects.parse(Array(text.utf8)) as? [String: Any])
        #expect(got["s"] as? String == "a/bé🎉\n")
        #expect(got["i"] as? Int == 42 && got["neg"] as? Int == -7)
        #expect(got["d"] as? Double == 1.5 && got["e"] as? Double == 2000)
        #expect(got["t"] as? Bool == true && got["f"] as? Bool == false && got["n"] is JSONNull)
        #expect((got["a"] as? [Any])?.count == 3 && (got["o"] as? [String: Any])?.isEmpty == true)
        // Re-serialised, it is what JSONSerialization writes for its own parse of the same text.
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let want = String(decoding: try JSONSerialization.data(withJSONObject: foundation, options: [.sortedKeys]), as: UTF8.self)
        #expect(try JSONObjects.serialize(got) == want)
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"open", "01", "[1] x", "nul", "{\"a\":\"\u{1}\"}"] {
            #expect(throws: JSONObjects.Error.self, "\(bad)") { try JSONObjects.parse(Array(bad.utf8)) }
        }
        #expect(throws: JSONObjects.Error.self) { try JSONObjects.parse(Array("\"fragment\"".utf8)) }
        #expect(try JSONObjects.parse(Array("\"fragment\"".utf8), fragmentsAllowed: true) as? String == "fragment")
        #expect(JSONObjects.object(Array("[1]".utf8)) == nil)
    }

    @Test func textHelpersMatchNSString() {
        for s in Self.strings + ["→ arrow", "e\u{301}", "line\r\nnext", "\u{2028}x\u{85}\u{a0}"] {
            for n in [0, 3, 8, 20] {
                #expect(s.padded(toLength: n) == s.padding(toLength: n, withPad: " ", startingAt: 0), "\(s) \(n)")
            }
            #expect(s.trimmingWhitespace() == s.trimmingCharacters(in: .whitespacesAndNewlines), "\(s)")
            #expect(s.trimmingWhitespace(newlines: false) == s.trimmingCharacters(in: .whitespaces), "\(s)")
            for (a, b) in [("\n", "%0A"), ("\r", "%0D"), ("/", "_"), (" ", ""), ("ab", "X"), ("%", "%25")] {
                #expect(s.replacingAll(a, with: b) == s.replacingOccurrences(of: a, with: b), "\(s) \(a)")
            }
        }
        for d in [0.0, 0.125, 0.375, 0.625, 0.875, 0.005, 0.015, 0.845, 0.995, 1.0, 0.5, 2.0 / 3.0, 123.456, -0.004] {
            #expect(cFormat("%.2f", d) == String(format: "%.2f", d), "\(d)")
        }
    }
}
