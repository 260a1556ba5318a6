import InferaDiagnostics
import Testing

@Suite struct RendererTests {
    @Test func rendersLocationSourceCaretAndHint() {
        let d = Diagnostic.error("x", "bad value", at: SourceLocation(file: "f.yaml", line: 2, column: 7, length: 3), hint: "fix it")
        let text = DiagnosticRenderer().render([d], sources: ["f.yaml": "a: 1\nkey:  abc # c\n"])
        #expect(text == """
        f.yaml:2:7: error: bad value
           2 | key:  abc # c
             |       ^~~
          hint: fix it

        """)
    }

    @Test func caretFollowsTabsAndClampsLength() {
        let d = Diagnostic.warning("x", "w", at: SourceLocation(file: "f", line: 1, column: 3, length: 99))
        let text = DiagnosticRenderer().render([d], sources: ["f": "\t\tab"])
        #expect(text.contains("| \t\t^~\n"))
    }

    @Test func withoutLocationOrSource() {
        #expect(DiagnosticRenderer().render([.error("x", "boom")]) == "error: boom\n")
        let d = Diagnostic.error("x", "boom", at: SourceLocation(file: "f", line: 9, column: 1))
        #expect(DiagnosticRenderer().render([d], sources: ["f": "one line"]) == "f:9:1: error: boom\n")
    }

    @Test func colourOnlyWhenAsked() {
        let d = Diagnostic.error("x", "boom", at: SourceLocation(file: "f", line: 1, column: 1))
        #expect(!DiagnosticRenderer(color: false).render([d], sources: ["f": "a"]).contains("\u{1B}["))
        #expect(DiagnosticRenderer(color: true).render([d], sources: ["f": "a"]).contains("\u{1B}[1;31merror:"))
    }

    @Test func controlCharactersInSourceAreNeutralised() {
        let d = Diagnostic.error("x", "boom", at: SourceLocation(file: "f", line: 1, column: 1))
        let text = DiagnosticRenderer().render([d], sources: ["f": "a\u{1B}[31mb"])
        #expect(!text.contains("\u{1B}"))
    }

    @Test func summaryAndJSON() {
        let ds: [Diagnostic] = [.error("a", "e1"), .error("b", "e2"), .warning("c", "w", hint: "h \"q\"")]
        #expect(DiagnosticRenderer.summary(ds) == "2 errors, 1 warning")
        #expect(DiagnosticRenderer.summary([]) == "no problems")
        let json = DiagnosticJSON.report(file: "f", diagnostics: [ds[2]]).rendered(pretty: false)
        #expect(json == #"{"diagnostics":[{"code":"c","hint":"h \"q\"","message":"w","severity":"warning"}],"errors":0,"file":"f","valid":true,"warnings":1}"#)
    }
}
