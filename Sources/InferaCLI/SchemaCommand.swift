import ArgumentParser

/// `infera schema`: Print the JSON Schema of infera.yaml.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of infera.yaml."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        throw CleanExit.message("infera schema is not built yet")
    }
}
