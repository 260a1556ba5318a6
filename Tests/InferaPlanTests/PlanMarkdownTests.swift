import Foundation
import InferaDiagnostics
import InferaPlan
import Testing

/// `infera plan --format markdown` against Tests/InferaPlanTests/GoldenMarkdown/<case>.md, for each
/// provider's example offline (all new), and with changes against observed state and a baseline
/// (update, replacement, delete, cost before → after). `INFERA_RECORD=1` rewrites and fails.
@Suite struct PlanMarkdownTests {
    static let dir = TestPaths.repoRoot + "/Tests/InferaPlanTests/GoldenMarkdown"

    static func example(_ name: String) throws -> DeploymentSpec {
        try ExampleSpecs.load(TestPaths.repoRoot + "/Examples/\(name)/infera.yaml")
    }

    /// Live state where the main instance differs: a changed updatable attribute and a changed
    /// force-new one for the replace case, plus a resource infera no longer wants.
    static func drifted(_ spec: DeploymentSpec, replace: Bool) -> ObservedState {
        var observed = DiffTests.observedMatching(spec)
        let desired = DesiredState.resources(for: spec)
        // The priced resource (the cache itself), not a helper such as a project service.
        let priced = CostEstimator.estimate(spec).lines.first?.address
        guard let main = desired.first(where: { $0.address == priced }) ?? desired.first else { return observed }
        let known = main.attributes.filter { $0.value.isKnown }
        if replace, let fn = known.first(where: { main.forceNew.contains($0.name) }) {
            observed.resources[main.address]?.attributes[fn.name] = .string("old-\(fn.name)")
        }
        if let upd = known.first(where: { !main.forceNew.contains($0.name) && $0.name != "name" }) {
            observed.resources[main.address]?.attributes[upd.name] = .string("previous")
        }
        observed.resources["\(main.type).legacy"] = ObservedResource(type: main.type, name: "legacy", attributes: ["name": .string("legacy-cache")])
        observed.source = "test fixture"
        return observed
    }

    static func cases() throws -> [(name: String, markdown: String)] {
        var out: [(String, String)] = []
        for (name, provider) in [("gcp-memorystore", "gcp"), ("aws-elasticache", "aws"), ("upstash", "upstash")] {
            let spec = try Self.example(name)
            out.append(("\(provider)-offline", PlanMarkdown.render(Planner.plan(spec))))
            // Baseline: the same deployment planned before, at a smaller size (cost before → after).
            var smaller = Planner.plan(spec)
            smaller.cost.lines = smaller.cost.lines.map { var l = $0; l.monthlyUSD = l.monthlyUSD.map { ($0 * 50).rounded() / 100 }; return l }
            smaller.cost.totalMonthlyUSD = smaller.cost.lines.compactMap(\.monthlyUSD).reduce(0, +)
            let changed = Planner.plan(spec, observed: drifted(spec, replace: provider != "upstash"))
            out.append(("\(provider)-changes", PlanMarkdown.render(changed, baseline: smaller)))
        }
        return out
    }

    @Test func goldenMarkdown() throws {
        let cases = try Self.cases()
        #expect(cases.count == 6)
        for (name, markdown) in cases {
            let path = Self.dir + "/\(name).md"
            if TestPaths.recording {
                try markdown.write(toFile: path, atomically: true, encoding: .utf8)
                Issue.record("recorded \(path); run again without INFERA_RECORD=1")
                continue
            }
            let expected = try String(contentsOfFile: path, encoding: .utf8)
            #expect(markdown == expected, "\(name): markdown differs from \(path) (INFERA_RECORD=1 to record)")
        }
    }

    @Test func countsCostAndChecksAreInTheHead() throws {
        let spec = try Self.example("gcp-memorystore")
        let plan = Planner.plan(spec, observed: Self.drifted(spec, replace: true))
        let md = PlanMarkdown.render(plan)
        #expect(md.hasPrefix("<!-- infera:plan -->\n## infera plan: "))
        let updates = plan.changes.filter { $0.action == .update }.count
        let replaces = plan.changes.filter { $0.action == .replace }.count
        let deletes = plan.changes.filter { $0.action == .delete }.count
        #expect(md.contains("~\(updates) -\(deletes) -/+\(replaces)`"))
        #expect(replaces == 1 && deletes == 1)
        #expect(md.contains("**forces replacement**"))
        // Observed state without a baseline: the before-cost is not known, and says so.
        #expect(md.contains("**Monthly cost:** unknown → $"))
        for failed in plan.checks where failed.status == .failed {
            #expect(md.contains(failed.id))
            if let hint = failed.hint { #expect(md.contains(MarkdownSummary.cell(hint))) }
        }
    }

    @Test func fitsTheCommentLimitAndKeepsTheHead() throws {
        let spec = try Self.example("aws-elasticache")
        let plan = Planner.plan(spec)
        let full = PlanMarkdown.render(plan)
        let small = PlanMarkdown.render(plan, limit: 2_000)
        #expect(full.utf8.count <= MarkdownSummary.githubLimit)
        #expect(small.utf8.count <= 2_000)
        #expect(small.contains("**Plan:**") && small.contains("**Monthly cost:**"))
        #expect(small.contains("Summary truncated"))
        #expect(!full.contains("Summary truncated"))
        // A huge details block is cut, its code fence closed, and the total stays under the limit.
        var md = MarkdownSummary(kind: "plan", title: "t")
        md.paragraph("head")
        md.details("big", MarkdownSummary.fenced(String(repeating: "+ line with `tick`\n", count: 10_000), language: "diff"))
        let text = md.render()
        #expect(text.utf8.count <= MarkdownSummary.githubLimit)
        #expect(text.contains("… (cut)") && text.contains("head"))
        #expect(text.components(separatedBy: "```").count % 2 == 1, "code fences balanced")
    }

    @Test func deltaAndMoney() {
        #expect(PlanMarkdown.delta(12, base: 48) == "+$12.00 (+25%)")
        #expect(PlanMarkdown.delta(-3.5, base: 35) == "-$3.50 (-10%)")
        #expect(PlanMarkdown.delta(0.001, base: 1) == "$0.00")
        #expect(PlanMarkdown.delta(351.36, base: 0) == "+$351.36")
        #expect(MarkdownSummary.cell("a|b\n<c>") == "a\\|b &lt;c&gt;")
        #expect(MarkdownSummary.code("x`y") == "``x`y``")
    }

    @Test func stepSummaryAppends() throws {
        let dir = try TestPaths.temporaryDirectory("stepsummary")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/summary.md"
        #expect(StepSummary.append("one", environment: ["GITHUB_STEP_SUMMARY": path]) == nil)
        #expect(StepSummary.append("two\n", environment: ["GITHUB_STEP_SUMMARY": path]) == nil)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\n\ntwo\n\n")
        #expect(StepSummary.append("x", environment: [:]) == nil)
        #expect(StepSummary.append("x", environment: ["GITHUB_STEP_SUMMARY": dir + "/missing/dir/f"])?.contains("cannot write") == true)
    }
}
