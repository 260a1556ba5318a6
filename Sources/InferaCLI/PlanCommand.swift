import ArgumentParser

/// `infera plan`: Generate Terraform and show changes, cost and checks.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Generate Terraform and show changes, cost and checks."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        throw CleanExit.message("infera plan is not built yet")
    }
}
