import ArgumentParser
import InferaApply
import InferaDetect
import InferaDiagnostics
import InferaPlan
import InferaTerraform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `infera plan`: Generate Terraform and show changes, cost and checks.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Generate Terraform and show changes, cost and checks.",
        discussion: """
        Reads infera.yaml, writes a Terraform module (versions.tf, main.tf, variables.tf, outputs.tf, terraform.tfvars, README.md) into --out, and prints the planned resources, the estimated monthly cost and the checks. Unchanged files are not rewritten; when --out holds an earlier generation the changed files are listed (--diff shows how).

        Examples:
          infera plan
          infera plan -f Examples/aws-elasticache/infera.yaml --out build/aws --diff
          infera plan --format json --save plan.json
          infera plan --snippets node python go
          infera plan --detailed-exitcode
          infera plan --offline
          infera plan --format markdown --baseline base-plan.json > plan.md   # PR comment

        With credentials for the provider (e.g. UPSTASH_EMAIL and UPSTASH_API_KEY) the plan is made against live state and says which account it read; without them, or with --offline, every resource is shown as new.

        --format markdown prints a pull-request summary (changes with +/~/-/+ counts and changed attributes, cost before → after, failed checks with fixes, details folded; under 65,536 characters). When GITHUB_STEP_SUMMARY is set, that summary is also appended to it, whatever --format is.

        Exit codes: 0 success (with --detailed-exitcode: nothing would change), 1 error, 2 changes (with --detailed-exitcode).
        """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Option(name: [.customShort("f"), .long], help: "The configuration file.")
    var file: String = "infera.yaml"

    @Option(name: .long, help: "Directory for the generated Terraform module.")
    var out: String = "infra"

    @Option(name: .long, help: "Output format: text, json or markdown (a pull-request summary).")
    var format: OutputFormat = .text

    @Option(name: .long, help: "A plan saved earlier (--save), e.g. from the base branch: the markdown summary shows its cost as \"before\".")
    var baseline: String?

    @Flag(name: .long, help: "Show a unified diff of each generated file that changes.")
    var diff = false

    @Option(name: .long, help: "Also write the plan as JSON to this file (for `infera apply FILE`).")
    var save: String?

    @Flag(name: .long, help: "Exit 0 when nothing would change, 2 when something would, 1 on error.")
    var detailedExitcode = false

    @Flag(name: .long, help: "Do not read live state: plan as if nothing existed (no credentials needed).")
    var offline = false

    @Option(name: .long, help: "Use templates from this directory (same layout as templates/) instead of the built-in ones.")
    var templates: String?

    @Option(name: .long, parsing: .upToNextOption,
            help: "Also write a client snippet: node, python, go (repeatable). Written under <out>/snippets/.")
    var snippets: [String] = []

    @Option(name: .long, help: "Run `infera detect` on the application in this directory and feed its findings to the checks (INF016 warns about code that breaks in cluster mode).")
    var app: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        for s in snippets where TerraformRenderer.snippetFiles[s] == nil {
            PlanOutput.stderr("error: unknown snippet language '\(s)'; choose from \(TerraformRenderer.snippetFiles.keys.sorted().joined(separator: ", "))\n")
            throw ExitCode(1)
        }
        var out = self.out
        while out.count > 1 && out.hasSuffix("/") { out.removeLast() }
        let color = global.useColor
        let errColor = Terminal.colorEnabled(noColorFlag: global.noColor, fileDescriptor: STDERR_FILENO)
        let spec: DeploymentSpec
        switch PlanConfigLoader.load(path: file) {
        case .failure(let diagnostics, let source):
            PlanOutput.stderr(PlanConfigLoader.render(diagnostics, file: file, source: source, color: errColor))
            throw ExitCode(1)
        case .success(let loaded):
            spec = loaded.spec
            if !loaded.warnings.isEmpty {
                PlanOutput.stderr(PlanConfigLoader.render(loaded.warnings, file: file, source: loaded.source, color: errColor))
            }
        }

        var baselinePlan: Plan?
        if let baseline {
            let text: String
            do { text = try FileSystem.readText(baseline) } catch {
                PlanOutput.stderr("error: cannot read the baseline plan '\(baseline)': \(error)\nhint: make it with `infera plan --save \(baseline)` on the base branch\n")
                throw ExitCode(1)
            }
            do { baselinePlan = try PlanJSON.decode(text) } catch {
                PlanOutput.stderr("error: '\(baseline)' is not a plan saved by `infera plan --save` (\(error))\nhint: make it with `infera plan --save \(baseline)`\n")
                throw ExitCode(1)
            }
        }

        var plan = try await livePlan(spec)
        if let app {
            guard FileSystem.isDirectory(app) else {
                PlanOutput.stderr("error: --app '\(app)' is not a directory\nhint: pass the application's repository, e.g. --app .\n")
                throw ExitCode(1)
            }
            let findings = Detector.detect(root: app).findings.map(ExternalFinding.init)
            plan.checks = Checks.run(CheckContext(spec: spec, resources: DesiredState.resources(for: spec), findings: findings))
        }
        let fileChanges: [FileChange]
        do {
            let renderer = TerraformRenderer(source: try templates.map { try TemplateSource.directory($0) } ?? .embedded)
            var files = try renderer.renderModule(spec)
            for lang in snippets.sorted() {
                let s = try renderer.renderSnippet(spec, language: lang)
                files.append(("snippets/" + s.path, s.contents))
            }
            fileChanges = try ModuleWriter.write(files, to: out, withDiffs: diff)
            plan.files = fileChanges.map { PlannedFile(path: $0.path, status: $0.status.rawValue) }
            if let save { try FileSystem.writeAtomically(try PlanJSON.encode(plan), to: save) }
        } catch let e as RenderError {
            PlanOutput.stderr("error: \(e.description)\n")
            throw ExitCode(1)
        }

        let markdown = PlanMarkdown.render(plan, baseline: baselinePlan)
        if let warning = StepSummary.append(markdown) { PlanOutput.stderr(warning + "\n") }
        switch format {
        case .markdown:
            PlanOutput.stdout(markdown + "\n")
        case .json:
            PlanOutput.stdout(try PlanJSON.encode(plan))
        case .text:
            var text = PlanTextRenderer.render(plan, color: color)
            text += "\n" + PlanOutput.filesSection(fileChanges, out: out, showDiff: diff, color: color)
            if let save { text += "Saved the plan to \(save); apply it with: infera apply \(save)\n" }
            PlanOutput.stdout(text)
        }
        let filesChanged = fileChanges.contains { $0.status != .unchanged }
        if detailedExitcode && (plan.hasChanges || filesChanged) { throw ExitCode(2) }
    }
}

extension PlanCommand {
    /// The plan against live state when the provider's credentials are available; offline otherwise (saying so).
    func livePlan(_ spec: DeploymentSpec) async throws -> Plan {
        let offlinePlan = { Planner.plan(spec, observed: .empty, inferaVersion: InferaVersion.current) }
        if offline { return offlinePlan() }
        guard let factory = ProviderCatalog.registry.factory(for: spec.providerName) else { return offlinePlan() }
        if spec.isCluster && !factory.supportsClusterMode {
            PlanOutput.stderr("note: infera does not read live state for cache.mode: cluster yet, so this is an offline plan: every resource is shown as new.\n")
            return offlinePlan()
        }
        let session = ApplySession(spec: spec, configPath: file, json: format == .json, debug: global.debug)
        do {
            let provider = try factory.make(spec, session.context)
            let engine = try session.engine(provider)
            return try await engine.plan(spec, inferaVersion: InferaVersion.current).0
        } catch let e as MissingCredentials {
            PlanOutput.stderr("note: no \(e.provider) credentials found (\(e.hint)), so this is an offline plan: every resource is shown as new. Pass --offline to skip this check.\n")
            return offlinePlan()
        } catch {
            throw session.fail(error)
        }
    }
}

/// Text pieces and raw writes for `infera plan`.
enum PlanOutput {
    static func stdout(_ s: String) { writeAll(1, s) }
    static func stderr(_ s: String) { writeAll(2, s) }

    /// Writes every byte to `fd` (retrying partial writes and EINTR).
    static func writeAll(_ fd: Int32, _ s: String) {
        var bytes = Array(s.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
        bytes.removeAll()
    }

    static func filesSection(_ changes: [FileChange], out: String, showDiff: Bool, color: Bool) -> String {
        func paint(_ s: String, _ c: String) -> String { color ? "\u{1B}[\(c)m\(s)\u{1B}[0m" : s }
        let created = changes.filter { $0.status == .created }
        let changed = changes.filter { $0.status == .changed }
        var text = "Files in \(out)/: \(created.count) created, \(changed.count) changed, \(changes.count - created.count - changed.count) unchanged\n"
        for c in changes {
            switch c.status {
            case .created: text += "  \(paint("+", "32")) \(c.path)\n"
            case .changed: text += "  \(paint("~", "33")) \(c.path)\n"
            case .unchanged: text += "    \(c.path) (unchanged)\n"
            }
        }
        if showDiff {
            for c in changed {
                guard let d = c.diff, !d.isEmpty else { continue }
                text += "\n"
                for line in d.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                    if line.hasPrefix("+++") || line.hasPrefix("---") { text += paint(String(line), "1") + "\n" }
                    else if line.hasPrefix("+") { text += paint(String(line), "32") + "\n" }
                    else if line.hasPrefix("-") { text += paint(String(line), "31") + "\n" }
                    else if line.hasPrefix("@@") { text += paint(String(line), "36") + "\n" }
                    else { text += line + "\n" }
                }
            }
        } else if !changed.isEmpty {
            text += "Run with --diff to see how they change.\n"
        }
        return text
    }
}
