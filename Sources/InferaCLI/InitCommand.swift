import ArgumentParser

/// `infera init`: Write infera.yaml from what detect finds.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write infera.yaml from what detect finds."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        throw CleanExit.message("infera init is not built yet")
    }
}
