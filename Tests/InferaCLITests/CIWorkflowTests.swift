import ArgumentParser
import Foundation
import InferaTestSupport
import InferaYAML
import Testing
@testable import InferaCLI

/// The CI pieces users copy: action.yml, Examples/ci/*.yml (GitHub) and Examples/ci/gitlab/*.yml.
/// They parse as YAML, every `uses:` names a known action at a released major version or this
/// repository's own action, every `infera …` command line in them parses with this build's
/// ArgumentParser definitions, and the action's shell steps run as written with the built binary.
@Suite(.serialized) struct CIWorkflowTests {
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func files(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + dir)) ?? [])
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { dir + "/" + $0 }
    }
    static let githubWorkflows = files("Examples/ci")
    static let gitlabTemplates = files("Examples/ci/gitlab")

    static func load(_ rel: String) throws -> YAMLNode {
        let text = try String(contentsOfFile: root + "/" + rel, encoding: .utf8)
        let result = YAMLParser.parse(text: text, file: rel)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(rel): \(errors.map(\.message))")
        return try #require(result.root, "\(rel) is empty")
    }

    /// Actions the examples may use, with the major versions that exist (checked by hand on
    /// github.com when adding one; update together with the examples).
    static let knownActions: [String: Set<String>] = [
        "actions/checkout": ["v4"], "actions/cache": ["v4"], "actions/setup-node": ["v4"],
        "actions/github-script": ["v7"], "github/codeql-action/upload-sarif": ["v3"],
        "google-github-actions/auth": ["v2"], "aws-actions/configure-aws-credentials": ["v4"],
    ]

    /// Every value under a `uses` key, anywhere in the document.
    static func uses(_ node: YAMLNode) -> [String] {
        if let m = node.mapping {
            return m.flatMap { pair -> [String] in
                if pair.key.scalar == "uses", let v = pair.value.scalar { return [v] }
                return uses(pair.value)
            }
        }
        return node.sequence?.flatMap(uses) ?? []
    }

    @Test func everythingParsesWithTheExpectedShape() throws {
        #expect(Self.githubWorkflows.count >= 4 && Self.gitlabTemplates.count >= 1)
        for rel in Self.githubWorkflows {
            let doc = try Self.load(rel)
            #expect(doc["on"] != nil && doc["jobs"]?.mapping?.isEmpty == false, "\(rel): a workflow needs on: and jobs:")
            for job in doc["jobs"]?.mapping ?? [] {
                #expect(job.value["runs-on"] != nil && job.value["steps"]?.sequence?.isEmpty == false, "\(rel): job \(job.key.scalar ?? "")")
            }
        }
        for rel in Self.gitlabTemplates {
            let doc = try Self.load(rel)
            let jobs = (doc.mapping ?? []).filter { $0.value["script"] != nil }
            #expect(jobs.count >= 3, "\(rel): detect, plan and apply jobs")
            let quality = try #require(doc["infera-detect"]?["artifacts"]?["reports"]?["codequality"]?.scalar)
            #expect(quality == "gl-code-quality-report.json")
        }
        let action = try Self.load("action.yml")
        #expect(action["runs"]?["using"]?.scalar == "composite")
        for input in ["command", "args", "version", "binary", "allowed-exit-codes"] { #expect(action["inputs"]?[input] != nil, "\(input)") }
    }

    @Test func everyUsesNamesAnExistingAction() throws {
        var seen = 0
        for rel in Self.githubWorkflows + ["action.yml"] {
            for u in Self.uses(try Self.load(rel)) {
                seen += 1
                if u.hasPrefix("./") {
                    #expect(FileManager.default.fileExists(atPath: Self.root + "/" + u + "/action.yml"), "\(rel): \(u)")
                    continue
                }
                let parts = u.split(separator: "@", maxSplits: 1).map(String.init)
                #expect(parts.count == 2, "\(rel): \(u) has no @version")
                guard parts.count == 2 else { continue }
                if parts[0] == "infera/infera" {
                    #expect(parts[1] == "v" + InferaVersion.current, "\(rel): \(u) should name this release, v\(InferaVersion.current)")
                } else {
                    #expect(Self.knownActions[parts[0]]?.contains(parts[1]) == true, "\(rel): unknown action or version \(u)")
                }
            }
        }
        #expect(seen >= 10)
    }

    // MARK: infera command lines

    /// Shell words of `s` (quotes removed; `$…` expansions kept as written).
    static func words(_ s: Substring) -> [String] {
        var out: [String] = [], cur = "", quote: Character? = nil, inWord = false
        for ch in s {
            if let q = quote {
                if ch == q { quote = nil } else { cur.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch; inWord = true
            } else if ch == " " || ch == "\t" {
                if inWord { out.append(cur); cur = ""; inWord = false }
            } else {
                cur.append(ch); inWord = true
            }
        }
        if inWord { out.append(cur) }
        return out
    }

    /// `infera SUB ARGS` commands in a shell script, up to the end of each simple command.
    static func inferaCommands(inScript script: String) -> [[String]] {
        let joined = script.replacingOccurrences(of: "\\\n", with: " ")
        var found: [[String]] = []
        for line in joined.split(separator: "\n") {
            var rest = Substring(line)
            while let r = rest.range(of: "infera ") {
                let before = rest[..<r.lowerBound].last
                rest = rest[r.upperBound...]
                guard before == nil || " (;&|".contains(before!) else { continue }
                // The simple command ends at a shell operator or comment outside quotes.
                var end = rest.endIndex, quote: Character? = nil
                for i in rest.indices {
                    let ch = rest[i]
                    if let q = quote { if ch == q { quote = nil }; continue }
                    if ch == "'" || ch == "\"" { quote = ch; continue }
                    if ";|&><)#".contains(ch) { end = i; break }
                }
                let ws = words(rest[..<end])
                if let sub = ws.first, sub.allSatisfy({ $0.isLetter }) { found.append(ws) }
                rest = rest[end...]
            }
        }
        return found
    }

    /// Every infera invocation in the examples: run/script lines and the repo action's command + args.
    static func invocations() throws -> [(file: String, args: [String])] {
        var out: [(String, [String])] = []
        func walk(_ node: YAMLNode, _ rel: String) {
            if let m = node.mapping {
                if let u = node["uses"]?.scalar, u.hasPrefix("infera/infera@"), let cmd = node["with"]?["command"]?.scalar {
                    out.append((rel, [cmd] + words(Substring(node["with"]?["args"]?.scalar ?? ""))))
                }
                for pair in m {
                    let key = pair.key.scalar ?? ""
                    if key == "run", let s = pair.value.scalar { out += inferaCommands(inScript: s).map { (rel, $0) } }
                    if ["script", "before_script", "after_script"].contains(key) {
                        for item in pair.value.sequence ?? [] { out += inferaCommands(inScript: item.scalar ?? "").map { (rel, $0) } }
                    }
                    walk(pair.value, rel)
                }
            }
            for item in node.sequence ?? [] { walk(item, rel) }
        }
        for rel in Self.githubWorkflows + Self.gitlabTemplates { walk(try Self.load(rel), rel) }
        return out
    }

    /// Commands other engineers' branches add; lines using them are checked once they are merged.
    static let commandsOfOtherModules: Set<String> = ["apply", "destroy", "status", "output", "verify"]

    @Test func everyInferaFlagInTheExamplesExists() throws {
        let all = try Self.invocations()
        #expect(all.count >= 15, "found \(all.count) infera command lines")
        let known = Set(InferaCommand.configuration.subcommands.map { $0._commandName })
        var checked = 0
        for (file, raw) in all {
            // Expansions become a plain placeholder word; array expansions ("${a[@]}") may be empty.
            let args = raw.filter { !$0.contains("[@]}") }.map { $0.contains("$") ? "placeholder" : $0 }
            guard let sub = args.first else { continue }
            guard known.contains(sub) else {
                #expect(Self.commandsOfOtherModules.contains(sub), "\(file): unknown command `infera \(sub)`")
                continue
            }
            do {
                _ = try InferaCommand.parseAsRoot(args)
                checked += 1
            } catch {
                Issue.record("\(file): `infera \(raw.joined(separator: " "))` does not parse: \(InferaCommand.message(for: error))")
            }
        }
        #expect(checked >= 12)
    }

    @Test func theLineFinderFindsFlagsAndRejectsBadOnes() throws {
        let found = Self.inferaCommands(inScript: "set -e\ninfera plan -f a.yaml \\\n  --format markdown > plan.md || [ $? -eq 2 ]\necho infera/infera@v1; x=$(infera version --json)")
        #expect(found == [["plan", "-f", "a.yaml", "--format", "markdown"], ["version", "--json"]])
        #expect(throws: (any Error).self) { _ = try InferaCommand.parseAsRoot(["plan", "--frmat", "markdown"]) }
        #expect(throws: (any Error).self) { _ = try InferaCommand.parseAsRoot(["detect", "--format", "gitlab"]) }
        _ = try InferaCommand.parseAsRoot(["detect", ".", "--format", "codequality"])
    }
}
