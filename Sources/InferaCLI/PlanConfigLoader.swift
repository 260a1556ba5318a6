import InferaDiagnostics
import InferaPlan

/// Loads infera.yaml for `infera plan` and maps it to a deployment spec.
enum PlanConfigLoader {
    struct Loaded {
        var spec: DeploymentSpec
        var warnings: [Diagnostic]
    }

    enum Outcome {
        case success(Loaded)
        case failure([Diagnostic])
    }

    static func load(path: String) -> Outcome {
        // Placeholder until the config model is merged.
        .failure([.error("config.unavailable", "the infera.yaml loader is not merged into this build yet", hint: nil)])
    }

    static func render(_ diagnostics: [Diagnostic], color: Bool) -> String {
        diagnostics.map { d in
            var s = (d.location.map { "\($0): " } ?? "") + "\(d.severity.rawValue): \(d.message)\n"
            if let h = d.hint { s += "  hint: \(h)\n" }
            return s
        }.joined()
    }
}
