import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaApply
import InferaDiagnostics
import InferaPlan

enum ApplyOutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

/// `infera apply [PLANFILE]`: make the live deployment match infera.yaml (or a saved plan).
struct ApplyCommand: AsyncParsableCommand, Sendable {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update the deployment so it matches infera.yaml.",
        discussion: """
        Without PLANFILE: reads live state, shows the plan and asks "Do you want to perform these actions?" (only 'yes' is accepted). With PLANFILE (from `infera plan --save`): applies exactly that plan, refusing it when live state changed since it was saved.

        Under CI or without a terminal it refuses to ask: pass --auto-approve or apply a saved plan. Replacing a resource that holds data needs --allow-replace. Resources are found by their names, so re-running after a failure or Ctrl-C resumes instead of duplicating (journal and lock under .infera/).

        Examples:
          infera apply
          infera apply --auto-approve --format json
          infera plan --save plan.json && infera apply plan.json
          infera apply --dry-run          # offline plan + the deployment rehearsed on the bundled engine

        Exit codes: 0 success, 1 error or refusal.
        """
    )

    @Argument(help: "A plan saved by `infera plan --save FILE`.")
    var planFile: String?

    @Option(name: [.customShort("f"), .long], help: "The configuration file.")
    var file: String = "infera.yaml"

    @Flag(name: .long, help: "Apply without asking for confirmation.")
    var autoApprove = false

    @Flag(name: .long, help: "Allow replacing resources that hold data (their data is lost).")
    var allowReplace = false

    @Flag(name: .long, help: "With --auto-approve: allow destroying a production deployment without typing its name.")
    var force = false

    @Option(name: .long, help: "Output format: text or json (events as JSON lines).")
    var format: ApplyOutputFormat = .text

    @Flag(name: .long, help: "Make no cloud calls: show the offline plan, then rehearse the deployment on the bundled engine (the checks of `infera verify`).")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        if dryRun {
            // plan + verify, nothing sent to a provider (exit codes as `infera verify`).
            let spec = try ApplySession.loadSpec(file)
            let plan = Planner.plan(spec, observed: .empty, inferaVersion: InferaVersion.current)
            PlanOutput.stdout(PlanTextRenderer.render(plan, color: global.useColor))
            PlanOutput.stdout("\nDry run: no cloud calls were made. Rehearsing the deployment on the bundled engine (infera verify):\n\n")
            let status = try await VerifyCommand.execute(file: file, checks: nil, scale: 1, format: .text, failOnIncompatible: false,
                                                         command: [], color: global.useColor, noColor: global.noColor)
            if status != 0 { throw ExitCode(status) }
            return
        }
        let saved: Plan?
        let spec: DeploymentSpec
        if let planFile {
            guard let text = try? String(contentsOfFile: planFile, encoding: .utf8) else {
                PlanOutput.stderr("error: cannot read the plan file \(planFile)\n  hint: save one with `infera plan --save \(planFile)`\n")
                throw ExitCode(1)
            }
            do { saved = try PlanJSON.decode(text) } catch {
                PlanOutput.stderr("error: \(planFile) is not a plan saved by `infera plan --save`\n  hint: save a new one with `infera plan --save \(planFile)`\n")
                throw ExitCode(1)
            }
            spec = saved!.spec
        } else {
            saved = nil
            spec = try ApplySession.loadSpec(file)
        }
        let session = ApplySession(spec: spec, configPath: file, json: format == .json, debug: global.debug)
        do {
            try await session.interrupts.run { try await self.apply(session, saved: saved) }
        } catch {
            throw session.fail(error)
        }
    }

    func apply(_ s: ApplySession, saved: Plan?) async throws {
        let provider = try s.makeProvider()
        let engine = try s.engine(provider, allowReplace: allowReplace)
        let lock = try await s.lock()
        defer { lock.release() }
        let plan: Plan
        let observed: ObservedState
        if let saved {
            observed = try await engine.verifyFresh(saved)
            plan = saved
        } else {
            (plan, observed) = try await engine.plan(s.spec, inferaVersion: InferaVersion.current)
        }
        if !s.json && saved == nil { s.out(PlanTextRenderer.render(plan, color: global.useColor) + "\n") }
        if !plan.hasChanges {
            let outputs = try await engine.provider.outputs(s.spec, observed: observed)
            finish(s, added: 0, changed: 0, destroyed: 0, outputs: observed.resources.isEmpty ? [] : outputs)
            return
        }
        try engine.checkSafety(plan)
        if saved == nil && !autoApprove {
            try s.confirm("Do you want to perform these actions? Only 'yes' will be accepted: ", expected: "yes",
                          refusal: "refusing to apply without confirmation: \(ApplySession.noPromptReason)",
                          hint: "review the plan and re-run with --auto-approve, or save it with `infera plan --save plan.json` and run `infera apply plan.json`")
        }
        let result = try await engine.apply(plan, observed: observed)
        s.renderer.stop()
        finish(s, added: result.added, changed: result.changed, destroyed: result.destroyed, outputs: result.outputs)
    }

    func finish(_ s: ApplySession, added: Int, changed: Int, destroyed: Int, outputs: [OutputValue]) {
        if s.json {
            s.out(JSONValue.object(["type": .string("apply_complete"), "added": .int(added), "changed": .int(changed),
                                    "destroyed": .int(destroyed),
                                    "outputs": ApplySession.outputsJSON(outputs, showSecrets: false)]).rendered(pretty: false) + "\n")
            return
        }
        var text = "\nApply complete! Resources: \(added) added, \(changed) changed, \(destroyed) destroyed.\n"
        if !outputs.isEmpty {
            text += "\nOutputs:\n\n" + ApplySession.outputLines(outputs, showSecrets: false)
        }
        s.out(text)
    }
}
