import InferaCLI

/// The `infera` executable: nothing but the root command.
@main
enum Entry {
    static func main() async {
        await InferaCommand.main()
    }
}
