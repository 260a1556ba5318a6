import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaApply
import InferaDiagnostics
import InferaPlan

/// `infera destroy`: delete every live resource of the deployment.
struct DestroyCommand: AsyncParsableCommand, Sendable {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Delete every resource of the deployment.",
        discussion: """
        Shows the resources to delete and asks like `apply`. For `environment: production` you must type the project name; in CI that takes --auto-approve plus --force. A second destroy finds nothing and does nothing.

        Examples:
          infera destroy
          infera destroy -f infera.yaml --auto-approve
          infera destroy --final-snapshot myapp-before-migration   # AWS ElastiCache

        Exit codes: 0 success (also when nothing exists), 1 error or refusal.
        """
    )

    @Option(name: [.customShort("f"), .long], help: "The configuration file.")
    var file: String = "infera.yaml"

    @Flag(name: .long, help: "Destroy without asking for confirmation (production also needs --force).")
    var autoApprove = false

    @Flag(name: .long, help: "With --auto-approve: allow destroying a production deployment without typing its name. AWS: also deletes the Secrets Manager secrets without the 7-day recovery window.")
    var force = false

    @Option(name: .long, help: "AWS ElastiCache: take a final snapshot with this name before deleting (default for production: <project>-redis-final-<UTC time>).")
    var finalSnapshot: String?

    @Flag(name: .long, help: "AWS ElastiCache: delete without a final snapshot, also in production.")
    var noFinalSnapshot = false

    @Option(name: .long, help: "Output format: text or json (events as JSON lines).")
    var format: ApplyOutputFormat = .text

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let spec = try ApplySession.loadSpec(file)
        let session = ApplySession(spec: spec, configPath: file, json: format == .json, debug: global.debug, verb: "destroy")
        if let name = finalSnapshot { session.environment["INFERA_AWS_FINAL_SNAPSHOT"] = name }
        if noFinalSnapshot { session.environment["INFERA_AWS_FINAL_SNAPSHOT"] = "" }
        if force { session.environment["INFERA_AWS_FORCE_DELETE_SECRETS"] = "1" }
        do {
            try await session.interrupts.run { try await self.destroy(session) }
        } catch {
            throw session.fail(error)
        }
    }

    func destroy(_ s: ApplySession) async throws {
        let provider = try s.makeProvider()
        let engine = try s.engine(provider, allowReplace: true)
        let lock = try await s.lock()
        defer { lock.release() }
        let (plan, observed) = try await engine.destroyPlan(s.spec, inferaVersion: InferaVersion.current)
        if !plan.hasChanges {
            if s.json {
                s.out(JSONValue.object(["type": .string("destroy_complete"), "destroyed": .int(0)]).rendered(pretty: false) + "\n")
            } else {
                s.out("No changes. No objects need to be destroyed.\n\nDestroy complete! Resources: 0 destroyed.\n")
            }
            return
        }
        if !s.json {
            // The resource part of the plan only: cost and checks do not apply to a deletion.
            var text = PlanTextRenderer.render(plan, color: global.useColor)
            if let cut = text.firstRange(of: "\nEstimated monthly cost") { text = String(text[..<cut.lowerBound]) + "\n" }
            s.out(text + "\n")
        }
        let production = s.spec.isProduction
        if production && !(autoApprove && force) {
            try s.confirm("This destroys the PRODUCTION deployment and its data. Type the project name (\(s.spec.projectName)) to confirm: ",
                          expected: s.spec.projectName,
                          refusal: "refusing to destroy the production deployment \(s.spec.projectName) without confirmation",
                          hint: "run it on a terminal and type the project name, or pass both --auto-approve and --force")
        } else if !production && !autoApprove {
            try s.confirm("Do you really want to destroy all resources? Only 'yes' will be accepted: ", expected: "yes",
                          refusal: "refusing to destroy without confirmation: \(ApplySession.noPromptReason)",
                          hint: "review the plan above and re-run with --auto-approve")
        }
        let result = try await engine.apply(plan, observed: observed)
        s.renderer.stop()
        if s.json {
            s.out(JSONValue.object(["type": .string("destroy_complete"), "destroyed": .int(result.destroyed)]).rendered(pretty: false) + "\n")
        } else {
            s.out("\nDestroy complete! Resources: \(result.destroyed) destroyed.\n")
        }
    }
}
