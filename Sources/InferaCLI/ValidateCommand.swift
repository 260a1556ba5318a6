import ArgumentParser

/// `infera validate`: Check infera.yaml and report every problem.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check infera.yaml and report every problem."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        throw CleanExit.message("infera validate is not built yet")
    }
}
