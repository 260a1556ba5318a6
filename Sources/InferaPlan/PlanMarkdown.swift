import InferaDiagnostics

/// `infera plan --format markdown`: the plan as a pull-request comment (and job summary). Counts of
/// `+ ~ - -/+`, one table row per changed resource with its changed attributes, cost before → after
/// with the delta (before = the `--baseline` plan's cost, else $0 for an offline plan of new
/// resources), failed checks with their fixes; resource bodies and cost assumptions folded.
public enum PlanMarkdown {
    public static func render(_ plan: Plan, baseline: Plan? = nil, limit: Int = MarkdownSummary.githubLimit) -> String {
        summary(plan, baseline: baseline).render(limit: limit)
    }

    public static func summary(_ plan: Plan, baseline: Plan? = nil) -> MarkdownSummary {
        typealias M = MarkdownSummary
        let visible = plan.changes.filter { $0.action != .noop }
        let count = { (a: ChangeAction) in visible.filter { $0.action == a }.count }
        let failed = plan.checks.filter { $0.status == .failed }
        let errors = failed.filter { $0.severity == .error }.count
        let warnings = failed.filter { $0.severity == .warning }.count
        let verdict = visible.isEmpty ? "no changes" : "\(visible.count) resource\(visible.count == 1 ? "" : "s") to change"
        var md = M(kind: "plan", title: "infera plan: \(M.code(plan.projectName)) — \(verdict)")

        let s = plan.summary
        var head = "**\(plan.provider)** in \(M.code(plan.region)) (\(plan.environment)) · observed state: \(plan.observedStateSource == "none" ? "none (offline: every resource is new)" : plan.observedStateSource)\n"
        head += "\n**Plan:** \(s.add) to add, \(s.change) to change, \(s.destroy) to destroy — `+\(count(.create)) ~\(count(.update)) -\(count(.delete)) -/+\(count(.replace))`"
        let before = costBefore(plan, baseline: baseline)
        let after = plan.cost.totalMonthlyUSD
        head += "  \n**Monthly cost:** \(before.map { money($0) } ?? "unknown") → \(money(after))\(before.map { ", \(delta(after - $0, base: $0))" } ?? "")"
        head += "  \n**Checks:** \(plan.checks.filter { $0.status == .passed }.count) passed, \(failed.count) failed"
        if !failed.isEmpty { head += " (\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(failed.count - errors - warnings) note\(failed.count - errors - warnings == 1 ? "" : "s"))" }
        md.paragraph(head)

        if visible.isEmpty {
            md.paragraph("No changes: the infrastructure matches `infera.yaml`.")
        } else {
            let rows: [[String]] = visible.map { c in
                let attrs: String
                switch c.action {
                case .create: attrs = "new (\(c.after?.attributes.count ?? 0) attributes)"
                case .delete: attrs = "removed"
                default:
                    attrs = c.changedAttributes.map { a in
                        "\(M.code(a.name)): \(M.code(inline(a.before))) → \(M.code(inline(a.after)))\(a.forcesReplacement ? " **forces replacement**" : "")"
                    }.joined(separator: "<br>")
                }
                return ["`\(c.action.marker)`", M.code(c.address), attrs]
            }
            md.table(["", "Resource", "Changed attributes"], rows)
        }

        // Cost per resource, before → after, like Infracost's comment.
        let beforeLines = Dictionary((baseline?.cost.lines ?? []).map { ($0.address, $0.monthlyUSD ?? 0) }, uniquingKeysWith: +)
        let afterLines = Dictionary(plan.cost.lines.map { ($0.address, $0.monthlyUSD ?? 0) }, uniquingKeysWith: +)
        let addresses = (plan.cost.lines.map(\.address) + (baseline?.cost.lines.map(\.address) ?? [])).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if !addresses.isEmpty {
            var rows: [[String]] = addresses.map { a in
                let b: Double? = baseline != nil ? beforeLines[a] ?? 0 : (plan.observedStateSource == "none" ? 0 : nil)
                let n = afterLines[a] ?? 0
                return [M.code(a), b.map { money($0) } ?? "—", money(n), b.map { delta(n - $0, base: $0) } ?? "—"]
            }
            rows.append(["**Total**", before.map { "**\(money($0))**" } ?? "—", "**\(money(after))**", before.map { "**\(delta(after - $0, base: $0))**" } ?? "—"])
            md.heading("Monthly cost (\(plan.cost.currency), list prices as of \(plan.cost.priceDate))")
            md.table(["Resource", "Before", "After", "Δ"], rows, align: ["l", "r", "r", "r"])
        }

        if !failed.isEmpty {
            md.heading("Failed checks")
            let order: [Severity] = [.error, .warning, .note]
            var items: [String] = []
            for sev in order {
                for r in failed where r.severity == sev {
                    let icon = sev == .error ? "🔴" : sev == .warning ? "🟠" : "🔵"
                    var item = "\(icon) **\(sev.rawValue)** \(M.code(r.id)) \(M.cell(r.title))"
                    if !r.messages.isEmpty { item += ": " + r.messages.map(M.cell).joined(separator: " ") }
                    if let h = r.hint { item += "  \n  **Fix:** \(M.cell(h))" }
                    items.append(item)
                }
            }
            md.bullets(items)
        }

        if !visible.isEmpty {
            var r = PlanTextRenderer.Renderer(color: false)
            for (i, c) in visible.enumerated() {
                if i > 0 { r.line() }
                r.resource(c)
            }
            md.details("Resource details (\(visible.count))", M.fenced(r.out, language: "diff"))
        }
        var notes = plan.cost.assumptions.map { "- \($0)" }
        if !plan.cost.caveats.isEmpty { notes += ["", "Not included:"] + plan.cost.caveats.map { "- \($0)" } }
        notes += ["", "Prices: \(plan.cost.source)"]
        md.details("Cost assumptions", notes.joined(separator: "\n"))
        if !plan.files.isEmpty {
            let changed = plan.files.filter { $0.status != "unchanged" }
            md.details("Generated files (\(changed.count) of \(plan.files.count) changed)",
                       plan.files.map { "- \($0.status == "created" ? "+" : $0.status == "changed" ? "~" : "=") \(M.code($0.path)) (\($0.status))" }.joined(separator: "\n"))
        }
        return md
    }

    /// Before-cost: the baseline's total; $0 for an offline plan (nothing exists yet); else unknown.
    static func costBefore(_ plan: Plan, baseline: Plan?) -> Double? {
        if let baseline { return baseline.cost.totalMonthlyUSD }
        return plan.observedStateSource == "none" ? 0 : nil
    }

    public static func money(_ v: Double) -> String { (v < 0 ? "-$" : "$") + fmt(abs(v), 2) }

    /// `+$12.00 (+25%)`, `-$3.50 (-10%)`, `$0.00`, `+$351.36 (new)`.
    public static func delta(_ d: Double, base: Double) -> String {
        let cents = (d * 100).rounded()
        if cents == 0 { return "$0.00" }
        let sign = cents > 0 ? "+" : "-"
        let pct = base > 0 ? " (\(sign)\(fmt(abs(d) / base * 100, 0))%)" : ""
        return "\(sign)$\(fmt(abs(d), 2))\(pct)"
    }

    static func inline(_ v: AttributeValue?) -> String {
        guard let v else { return "null" }
        return PlanTextRenderer.Renderer(color: false).inline(v)
    }
}
