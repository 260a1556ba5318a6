import ArgumentParser
import InferaConfig

/// `infera schema`: Print the JSON Schema of infera.yaml.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of infera.yaml.",
        discussion: """
        Prints a JSON Schema (draft 2020-12) generated from the description
        `infera validate` uses, so editors with yaml-language-server complete
        and check infera.yaml.

        Examples:
          infera schema > infera.schema.json
          # then, as the first line of infera.yaml:
          # yaml-language-server: $schema=./infera.schema.json
        """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        print(JSONSchemaGenerator.document().rendered())
    }
}
