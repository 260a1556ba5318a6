import ArgumentParser
import InferaApply
import InferaDiagnostics
import InferaPlan

/// `infera output [NAME]`: the deployment's outputs (endpoint, port, URLs), secrets masked.
struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Show the deployment's outputs (secrets masked unless --show-secrets).",
        discussion: """
        Examples:
          infera output
          infera output endpoint
          infera output redis_url --show-secrets
          infera output --json

        Exit codes: 0 success, 1 error (no such output, nothing deployed).
        """
    )

    @Argument(help: "Show only this output (its bare value).")
    var name: String?

    @Option(name: [.customShort("f"), .long], help: "The configuration file.")
    var file: String = "infera.yaml"

    @Flag(name: .long, help: "Print outputs as JSON.")
    var json = false

    @Flag(name: .long, help: "Show secret values (password, URL with password) instead of masking them.")
    var showSecrets = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let spec = try ApplySession.loadSpec(file)
        let s = ApplySession(spec: spec, configPath: file, json: json, debug: global.debug)
        do {
            let provider = try s.makeProvider()
            let outputs = try await s.engine(provider).outputs(spec)
            guard !outputs.isEmpty else {
                throw ProviderError(.other, resource: spec.projectName, message: "nothing is deployed yet, so there are no outputs",
                                    hint: "run `infera apply` first")
            }
            if let name {
                guard let o = outputs.first(where: { $0.name == name }) else {
                    throw ProviderError(.other, resource: "output \(name)", message: "no output named '\(name)'",
                                        hint: "choose one of: \(outputs.map(\.name).joined(separator: ", "))")
                }
                if json {
                    let v: JSONValue = o.sensitive && !showSecrets ? .null : .string(o.value)
                    PlanOutput.stdout(v.rendered(pretty: false) + "\n")
                } else if o.sensitive && !showSecrets {
                    PlanOutput.stdout("<sensitive>\n")
                    PlanOutput.stderr("(\(name) is a secret; add --show-secrets to print it)\n")
                } else {
                    PlanOutput.stdout(o.value + "\n")
                }
                return
            }
            if json {
                PlanOutput.stdout(ApplySession.outputsJSON(outputs, showSecrets: showSecrets).rendered() + "\n")
            } else {
                PlanOutput.stdout(ApplySession.outputLines(outputs, showSecrets: showSecrets))
            }
        } catch {
            throw s.fail(error)
        }
    }
}
