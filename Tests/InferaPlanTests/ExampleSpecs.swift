import InferaPlan

/// Specs from the repository's Examples/ (filled in once the config loader is merged).
enum ExampleSpecs {
    static func all() -> [(name: String, spec: DeploymentSpec)] { [] }
}
