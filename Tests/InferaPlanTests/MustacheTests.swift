import Foundation
import InferaPlan
@testable import InferaTerraform
import Testing

/// infera's Mustache renderer (InferaTerraform/Mustache.swift): the features templates/ use, the
/// whitespace rules swift-mustache applied to them, and errors with line and column.
@Suite struct MustacheTests {
    func render(_ template: String, _ context: [String: Any]) throws -> String {
        try MustacheTemplate(template).render(context)
    }

    func syntaxError(_ template: String) -> MustacheTemplate.SyntaxError? {
        do { _ = try MustacheTemplate(template); return nil } catch { return error }
    }

    @Test func variablesAreHTMLEscapedUnlessTheContentTypeIsText() throws {
        let c: [String: Any] = ["v": "<a href=\"x\">'&'</a>", "n": "5", "b": true]
        #expect(try render("{{v}}|{{{v}}}|{{& v}}|{{ n }}|{{b}}|{{missing}}.", c)
            == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;|<a href=\"x\">'&'</a>|<a href=\"x\">'&'</a>|5|true|.")
        #expect(try render("{{% CONTENT_TYPE: TEXT}}\n{{v}}\n", c) == "<a href=\"x\">'&'</a>\n")
        #expect(try render("{{%CONTENT_TYPE:TEXT}}{{v}}{{%CONTENT_TYPE:HTML}}{{v}}", ["v": "<"]) == "<&lt;")
    }

    @Test func sectionsFollowTheValue() throws {
        let c: [String: Any] = [
            "items": [["value": "a", "last": false], ["value": "b", "last": true]],
            "empty": [String](), "yes": true, "no": false, "word": "w", "blank": "",
            "m": ["day": "MONDAY", "inner": ["x": "deep"]], "names": ["p", "q"],
        ]
        #expect(try render("[{{#items}}{{value}}{{^last}}, {{/last}}{{/items}}]", c) == "[a, b]")
        #expect(try render("{{#empty}}x{{/empty}}{{^empty}}none{{/empty}}", c) == "none")
        #expect(try render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!N{{/no}}{{^yes}}!Y{{/yes}}", c) == "Y!N")
        #expect(try render("{{#missing}}M{{/missing}}{{^missing}}!M{{/missing}}", c) == "!M")
        // A string (even an empty one, as swift-mustache did) renders its section once, with itself as `.`.
        #expect(try render("{{#word}}<{{.}}>{{/word}}{{#blank}}[{{.}}]{{/blank}}{{^word}}no{{/word}}", c) == "<w>[]")
        #expect(try render("{{#m}}{{day}} {{word}} {{inner.x}}{{/m}} {{m.day}} {{m.inner.x}} {{m.nope.x}}.", c) == "MONDAY w deep MONDAY deep .")
        #expect(try render("{{#names}}{{.}};{{/names}}", c) == "p;q;")
        // Names climb the context stack; `.name` does not.
        #expect(try render("{{#items}}{{word}}{{.word}}{{/items}}", c) == "ww")
    }

    @Test func standaloneTagsTakeTheirLineWithThem() throws {
        let c: [String: Any] = ["on": true, "off": false, "list": [["k": "a"], ["k": "b"]]]
        let template = """
            start
              {{#on}}
              inside {{! a comment }}
              {{/on}}
              {{^on}}
              hidden
              {{/on}}
            {{! standalone comment }}
            {{#list}}
              - {{k}}
            {{/list}}
            tail {{#on}}inline{{/on}} end
              {{#off}}x{{/off}}
            last
            """
        #expect(try render(template, c) == "start\n  inside \n  - a\n  - b\ntail inline end\n  \nlast")
        // \r\n line ends count as one.
        #expect(try render("a\r\n{{#on}}\r\nb\r\n{{/on}}\r\n", c) == "a\r\nb\r\n")
        // Delimiter changes.
        #expect(try render("{{=<% %>=}}\n<%#on%>{{x}} <%k%><%/on%>\n<%={{ }}=%>{{#on}}!{{/on}}", ["on": true, "k": "v"]) == "{{x}} v\n!")
    }

    @Test func malformedTemplatesNameLineAndColumn() {
        #expect(syntaxError("a\n{{#s}}\nb\n") == .init(line: 2, column: 1, message: "{{#s}} is never closed (expected {{/s}})"))
        #expect(syntaxError("{{#s}}\n  {{/t}}") == .init(line: 2, column: 3, message: "{{/t}} does not close {{#s}} (opened on line 1)"))
        #expect(syntaxError("x {{/t}}") == .init(line: 1, column: 3, message: "{{/t}} closes a section that was never opened"))
        #expect(syntaxError("\n\n {{> part}}")?.line == 3)
        #expect(syntaxError("\n\n {{> part}}")?.message.contains("partials") == true)
        #expect(syntaxError("{{name with spaces}}")?.message.contains("not closed") == true)
        #expect(syntaxError("{{first(list)}}")?.message.contains("transforms") == true)
        #expect(syntaxError("ok\n{{% CONTENT_TYPE: XML}}") == .init(line: 2, column: 1, message: "unknown pragma CONTENT_TYPE: XML (only CONTENT_TYPE: TEXT and CONTENT_TYPE: HTML exist)"))
        #expect(syntaxError("{{! never closed") != nil)
        #expect(syntaxError("{{{raw}}") != nil)
        #expect(syntaxError("{{}}") != nil)
        #expect(syntaxError("tail {{") != nil)
        #expect(syntaxError("{{=<% %>}}") != nil)
        #expect(syntaxError("plain { text } and } braces {") == nil)
    }

    /// `--templates DIR`: a broken template is reported with its path, line and column, and plan fails cleanly.
    @Test func brokenTemplateInADirectoryNamesItsPath() throws {
        let dir = try TestPaths.temporaryDirectory("tpl-broken")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/upstash", withIntermediateDirectories: true)
        try "{{% CONTENT_TYPE: TEXT}}\n# {{project_name}}\n{{#tls}}\nTLS\n".write(toFile: dir + "/upstash/README.md.mustache", atomically: true, encoding: .utf8)
        let r = TerraformRenderer(source: try TemplateSource.directory(dir))
        #expect(throws: RenderError.parse(template: dir + "/upstash/README.md.mustache:3:1", message: "{{#tls}} is never closed (expected {{/tls}})")) {
            try r.renderModule(SampleSpecs.upstashMinimal)
        }
    }
}
