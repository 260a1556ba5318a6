import ArgumentParser

/// `infera server`: Run the bundled Redis-compatible engine.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the bundled Redis-compatible engine."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        throw CleanExit.message("infera server is not built yet")
    }
}
