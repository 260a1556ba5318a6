import ArgumentParser

/// `infera detect`: Scan a repository for Redis usage, settings and mistakes.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Scan a repository for Redis usage, settings and mistakes."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        throw CleanExit.message("infera detect is not built yet")
    }
}
