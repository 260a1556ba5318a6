import Testing
@testable import InferaDetect

/// Every rule's declared examples, run by one generic test; triggering examples are also wrapped in
/// comments and string literals, which must not trigger.
struct RuleExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rule: MistakeRule
        let index: Int
        var example: RuleExample { rule.examples[index] }
        var testDescription: String { "\(rule.id) #\(index) \(example.language.rawValue) \(example.triggers ? "triggers" : "clean")" }
    }

    static let cases: [Case] = MistakeRules.all.flatMap { rule in rule.examples.indices.map { Case(rule: rule, index: $0) } }

    @Test(arguments: cases)
    func example(_ c: Case) {
        let e = c.example
        let hits = Detector.run(rule: c.rule, path: e.fileName, language: e.language, text: e.code)
        if e.triggers {
            #expect(!hits.isEmpty, "expected \(c.rule.id) to trigger on:\n\(e.code)")
            for h in hits { #expect(h.rule == c.rule.id && h.line >= 1 && h.column >= 1) }
        } else {
            #expect(hits.isEmpty, "expected \(c.rule.id) not to trigger, got \(hits.map { "\($0.line):\($0.column)" }) on:\n\(e.code)")
        }
    }

    @Test(arguments: cases.filter { $0.example.triggers })
    func wrappedInCommentsAndStringsDoesNotTrigger(_ c: Case) {
        let e = c.example
        for (how, text) in Self.wrappings(e) {
            let hits = Detector.run(rule: c.rule, path: e.fileName, language: e.language, text: text)
            #expect(hits.isEmpty, "\(c.rule.id) triggered inside \(how):\n\(text)")
        }
    }

    @Test func everyRuleHasBothKindsOfExamples() {
        for rule in MistakeRules.all {
            #expect(rule.examples.contains { $0.triggers }, "\(rule.id) has no triggering example")
            #expect(rule.examples.contains { !$0.triggers }, "\(rule.id) has no clean example")
            #expect(rule.id.hasPrefix("redis.") && !rule.fix.isEmpty && !rule.message.isEmpty)
        }
        #expect(Set(MistakeRules.all.map(\.id)).count == MistakeRules.all.count)
    }

    /// The example as line comments, a block comment, and a string literal, per language.
    static func wrappings(_ e: RuleExample) -> [(String, String)] {
        var out: [(String, String)] = []
        let lines = e.code.split(separator: "\n", omittingEmptySubsequences: false)
        out.append(("line comments", lines.map { "\(e.language.lineComment) \($0)" }.joined(separator: "\n")))
        if let (open, close) = e.language.blockComment {
            out.append(("a block comment", "\(open)\n\(e.code.replacingAll(close, "* /"))\n\(close)"))
        }
        if e.language == .python {
            out.append(("a docstring", "\"\"\"\n\(e.code.replacingAll("\"\"\"", "'''"))\n\"\"\""))
        }
        if e.language != .config {
            var escaped = e.code.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
            if e.language == .ruby || e.language == .elixir { escaped = escaped.replacingAll("#", "\\#") }
            if e.language == .php { escaped = escaped.replacingAll("$", "\\$") }
            let decl: String = switch e.language {
            case .javascript: "const text = \"\(escaped)\";"
            case .go: "var text = \"\(escaped)\""
            case .java, .csharp: "class T { String text = \"\(escaped)\"; }"
            case .kotlin, .scala: "val text = \"\(escaped)\""
            case .php: "<?php $text = \"\(escaped)\";"
            case .rust: "let text = \"\(escaped)\";"
            default: "text = \"\(escaped)\""
            }
            out.append(("a string literal", decl))
        }
        return out
    }
}
