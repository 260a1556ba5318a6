import InferaConfig
import InferaDiagnostics
import InferaPlan

/// Loads infera.yaml for `infera plan` and maps it to a deployment spec.
enum PlanConfigLoader {
    struct Loaded {
        var spec: DeploymentSpec
        var warnings: [Diagnostic]
        var source: String?
    }

    enum Outcome {
        case success(Loaded)
        case failure([Diagnostic], source: String?)
    }

    static func load(path: String) -> Outcome {
        let result = ConfigLoader.load(path: path, options: .processEnvironment())
        guard let config = result.config, result.isValid else { return .failure(result.diagnostics, source: result.source) }
        return .success(Loaded(spec: DeploymentSpec(config: config), warnings: result.diagnostics, source: result.source))
    }

    static func render(_ diagnostics: [Diagnostic], file: String, source: String?, color: Bool) -> String {
        var sources: [String: String] = [:]
        if let source { sources[file] = source }
        return DiagnosticRenderer(color: color).render(diagnostics, sources: sources)
    }
}
