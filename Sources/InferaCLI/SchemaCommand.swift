import ArgumentParser
import InferaConfig

/// `infera schema`: Print the JSON Schema of infera.yaml.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of infera.yaml.",
        discussion: """
        Prints a JSON Schema (draft 2020-12) generated from the same description `infera validate` uses.
        Editors with yaml-language-server then complete and check infera.yaml.

        Examples:
          infera schema > infera.schema.json
          # first line of infera.yaml:
          # yaml-language-server: $schema=./infera.schema.json
        """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        print(JSONSchemaGenerator.document().rendered())
    }
}
