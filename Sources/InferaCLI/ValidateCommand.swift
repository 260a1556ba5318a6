import ArgumentParser
import InferaConfig
import InferaDiagnostics

/// Output formats for commands that report diagnostics.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// `infera validate`: Check infera.yaml and report every problem.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check infera.yaml and report every problem.",
        discussion: """
        Checks YAML syntax, keys, types, values, ranges and the per-provider
        rules, and reports every problem in one run as
        `file:line:col: error|warning: message`, the source line, a caret and
        a hint. Account settings may come from the environment:
        GOOGLE_CLOUD_PROJECT, CLOUDSDK_CORE_PROJECT, AWS_REGION,
        AWS_DEFAULT_REGION, AWS_PROFILE, UPSTASH_EMAIL, UPSTASH_API_KEY.

        Examples:
          infera validate                       # ./infera.yaml
          infera validate -f Examples/aws-elasticache/infera.yaml
          infera validate --format json | jq '.diagnostics[].message'
          infera validate --require-account     # also need project/account

        Exit codes: 0 valid (warnings allowed), 1 errors or unreadable file.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: [.short, .long], help: "The config file.")
    var file: String = ConfigLoader.defaultFileName

    @Option(name: .long, help: "Output format: text or json.")
    var format: ReportFormat = .text

    @Flag(name: .long, help: "Treat missing account settings (GCP project id, Upstash email and API key) as errors.")
    var requireAccount = false

    func run() async throws {
        let result = ConfigLoader.load(path: file, options: .processEnvironment(requireAccount: requireAccount))
        switch format {
        case .json:
            var extra: [String: JSONValue] = [:]
            if let config = result.config { extra["summary"] = .string(ConfigSummary.line(config)) }
            print(DiagnosticJSON.report(file: file, diagnostics: result.diagnostics, extra: extra).rendered())
        case .text:
            let renderer = DiagnosticRenderer(color: global.useColor)
            var sources: [String: String] = [:]
            if let source = result.source { sources[file] = source }
            var out = renderer.render(result.diagnostics, sources: sources)
            if let config = result.config {
                out += "\(file): valid — \(ConfigSummary.line(config))"
                if !result.diagnostics.isEmpty { out += " (\(DiagnosticRenderer.summary(result.diagnostics)))" }
            } else {
                out += "\(file): \(DiagnosticRenderer.summary(result.diagnostics))"
            }
            print(out)
        }
        if !result.isValid { throw ExitCode(1) }
    }
}

/// A one-line description of a valid config.
enum ConfigSummary {
    static func line(_ c: Config) -> String {
        var parts = ["\(c.cache.provider.displayName) '\(c.resourceName)' in \(c.region.value)"]
        if let cl = c.cache.cluster {
            parts[0] += " (cluster mode)"
            parts.append("\(cl.shards) shards × (1 + \(cl.replicasPerShard) replica\(cl.replicasPerShard == 1 ? "" : "s")) × \(cl.nodeType) = \(cl.nodeCount) nodes")
            return parts.joined(separator: ": ")
        }
        switch c.cache.settings {
        case .memorystore(let m):
            parts.append("\(m.tier.rawValue), \(m.memorySizeGB) GB, \(m.replicaCount) replica\(m.replicaCount == 1 ? "" : "s"), \(m.version.rawValue)")
        case .elasticache(let e):
            parts.append("\(e.nodeCount) × \(e.nodeType), \(e.engine.rawValue) \(e.engineVersion)")
        case .upstash(let u):
            parts.append("plan \(u.plan.rawValue)" + (u.readRegions.isEmpty ? "" : ", read regions \(u.readRegions.joined(separator: ", "))"))
        }
        return parts.joined(separator: ": ")
    }
}
