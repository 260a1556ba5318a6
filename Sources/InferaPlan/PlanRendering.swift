#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics

/// The plan as text in the style Terraform users know. Pure: returns the text, prints nothing.
public enum PlanTextRenderer {
    /// Attributes shown on every in-place update of their resource, with what their value means for the change.
    public static let howApplied: [String: @Sendable (ResourceChange, AttributeValue) -> String] = [
        "apply_immediately": { change, value in
            let replicas = change.changedAttributes.contains { $0.name == "num_cache_clusters" }
                ? "; the replica count changes at once (AWS applies Increase/DecreaseReplicaCount immediately)" : ""
            return value == .bool(true)
                ? "ModifyReplicationGroup ApplyImmediately=true: the change starts now" + replicas
                : "ModifyReplicationGroup ApplyImmediately=false: node type and version changes wait for the maintenance window (cache.apply_immediately: true starts them now)" + replicas
        },
    ]

    public static func render(_ plan: Plan, color: Bool) -> String {
        var r = Renderer(color: color)
        r.plan(plan)
        return r.out
    }

    struct Renderer {
        let color: Bool
        var out = ""

        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func bold(_ s: String) -> String { paint(s, "1") }

        func markerColor(_ a: ChangeAction) -> String {
            switch a {
            case .create: "32"
            case .update: "33"
            case .replace: "33"
            case .delete: "31"
            case .noop: "0"
            }
        }

        mutating func line(_ s: String = "") { out += s + "\n" }

        mutating func plan(_ plan: Plan) {
            let visible = plan.changes.filter { $0.action != .noop }
            line("infera plan for \(bold(plan.projectName)): \(plan.provider) in \(plan.region) (\(plan.environment))")
            if plan.observedStateSource == "none" {
                line("Observed state: none (offline plan: every resource is new).")
            } else {
                line("Observed state: \(plan.observedStateSource).")
            }
            line()
            if visible.isEmpty {
                line("No changes. The infrastructure matches infera.yaml.")
            } else {
                line("Resource actions are indicated with the following symbols:")
                let used = Set(visible.map(\.action))
                if used.contains(.create) { line("  \(paint("+", "32")) create") }
                if used.contains(.update) { line("  \(paint("~", "33")) update in-place") }
                if used.contains(.replace) { line("\(paint("-/+", "33")) destroy and then create replacement") }
                if used.contains(.delete) { line("  \(paint("-", "31")) destroy") }
                line()
                line("infera will perform the following actions:")
                for c in visible {
                    line()
                    resource(c)
                }
            }
            line()
            let s = plan.summary
            line("\(bold("Plan:")) \(s.add) to add, \(s.change) to change, \(s.destroy) to destroy.")
            line()
            cost(plan.cost)
            line()
            checks(plan.checks)
        }

        mutating func resource(_ c: ResourceChange) {
            let what: String
            switch c.action {
            case .create: what = "will be created"
            case .update: what = "will be updated in-place"
            case .replace: what = "must be replaced"
            case .delete: what = "will be destroyed"
            case .noop: what = "is unchanged"
            }
            line("  # \(bold(c.address)) \(what)")
            for note in c.notes ?? [] { line("  # \(note)") }
            let m = paint(c.action.marker, markerColor(c.action))
            let lead = c.action == .replace ? m : "  " + m
            line("\(lead) resource \"\(c.type)\" \"\(c.name)\" {")
            switch c.action {
            case .create:
                attributes(c.after?.attributes ?? [], marker: "+", indent: 6)
            case .delete:
                attributes(c.before?.attributes ?? [], marker: "-", indent: 6)
            case .update, .replace:
                let width = c.changedAttributes.map(\.name.count).max() ?? 0
                for a in c.changedAttributes {
                    let name = a.name.padded(toLength: width)
                    let before = a.before.map { inline($0) } ?? "null"
                    let after = a.after.map { inline($0) } ?? "null"
                    let note = a.forcesReplacement ? paint(" # forces replacement", "31") : ""
                    line("      \(paint("~", "33")) \(name) = \(before) -> \(after)\(note)")
                }
                if c.action == .update {
                    // Settings that decide how an in-place change is made, shown even though they do not change.
                    for a in c.after?.attributes ?? [] where !c.changedAttributes.contains(where: { $0.name == a.name }) {
                        guard let explain = PlanTextRenderer.howApplied[a.name] else { continue }
                        line("        \(key(a.name)) = \(inline(a.value)) \(paint("# " + explain(c, a.value), "36"))")
                    }
                }
            case .noop: break
            }
            line("    }")
        }

        mutating func attributes(_ attrs: [Attribute], marker: String, indent: Int) {
            let pad = String(repeating: " ", count: indent)
            let m = paint(marker, marker == "+" ? "32" : "31")
            let width = attrs.map { key($0.name).count }.max() ?? 0
            for a in attrs {
                let k = key(a.name).padded(toLength: width)
                switch a.value {
                case .object(let inner) where !inner.isEmpty:
                    line("\(pad)\(m) \(k) = {")
                    attributes(inner, marker: marker, indent: indent + 4)
                    line("\(pad)  }")
                case .list(let items) where items.contains(where: { if case .object = $0 { true } else { false } }):
                    line("\(pad)\(m) \(k) = [")
                    for item in items {
                        if case .object(let inner) = item {
                            line("\(pad)    {")
                            attributes(inner, marker: marker, indent: indent + 6)
                            line("\(pad)    },")
                        }
                    }
                    line("\(pad)  ]")
                case .list(let items) where items.count > 1:
                    line("\(pad)\(m) \(k) = [")
                    for item in items { line("\(pad)    \(m) \(inline(item)),") }
                    line("\(pad)  ]")
                default:
                    line("\(pad)\(m) \(k) = \(inline(a.value))")
                }
            }
        }

        func key(_ name: String) -> String {
            name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !(name.first?.isNumber ?? true) ? name : "\"\(name)\""
        }

        func inline(_ v: AttributeValue) -> String {
            switch v {
            case .string(let s): return "\"" + s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
            case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
            case .bool(let b): return b ? "true" : "false"
            case .list(let l): return "[" + l.map(inline).joined(separator: ", ") + "]"
            case .object(let o): return o.isEmpty ? "{}" : "{ " + o.map { "\(key($0.name)) = \(inline($0.value))" }.joined(separator: ", ") + " }"
            case .unknown: return "(known after apply)"
            case .sensitive: return "(sensitive value)"
            }
        }

        mutating func cost(_ c: CostEstimate) {
            line(bold("Estimated monthly cost") + " (\(c.currency), list prices as of \(c.priceDate)):")
            let rows = c.lines.map { ($0.address, $0.description, $0.monthlyUSD.map { "$" + fmt($0, 2) } ?? "not priced") }
            let w0 = max(rows.map(\.0.count).max() ?? 0, 5)
            let w1 = rows.map(\.1.count).max() ?? 0
            let total = "$" + fmt(c.totalMonthlyUSD, 2)
            let w2 = max(rows.map(\.2.count).max() ?? 0, total.count)
            for (a, d, m) in rows {
                line("  \(a.padded(toLength: w0))  \(d.padded(toLength: w1))  \(String(repeating: " ", count: w2 - m.count))\(m)")
            }
            line("  \("Total".padded(toLength: w0 + w1 + 2))  \(String(repeating: " ", count: w2 - total.count))\(bold(total))")
            line("  Assumptions:")
            for a in c.assumptions { line("    - \(a)") }
            if !c.caveats.isEmpty {
                line("  Not included:")
                for a in c.caveats { line("    - \(a)") }
            }
            line("  Prices: \(c.source)")
        }

        mutating func checks(_ results: [CheckResult]) {
            let failed = results.filter { $0.status == .failed }
            let passed = results.filter { $0.status == .passed }.count
            let skipped = results.filter { $0.status == .skipped }.count
            line(bold("Checks:") + " \(passed) passed, \(failed.count) failed, \(skipped) not applicable")
            let order: [InferaDiagnosticsSeverity] = [.error, .warning, .note]
            for sev in order {
                for r in failed where r.severity == sev {
                    let label: String
                    switch sev {
                    case .error: label = paint("error  ", "31")
                    case .warning: label = paint("warning", "33")
                    case .note: label = paint("note   ", "36")
                    }
                    line("  \(label) \(r.id) \(r.title)")
                    for m in r.messages { line("          \(m)") }
                    if let h = r.hint { line("          fix: \(h)") }
                }
            }
        }
    }
}

/// The plan as the versioned JSON document (`format_version`), sorted keys, secrets masked.
public enum PlanJSON {
    public static func encode(_ plan: Plan) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(plan), as: UTF8.self) + "\n"
    }

    public static func decode(_ text: String) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: Data(text.utf8))
    }
}
