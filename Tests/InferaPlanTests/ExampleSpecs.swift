import Foundation
import InferaConfig
import InferaPlan

/// Specs loaded from infera.yaml files: the golden cases in Tests/InferaPlanTests/Cases/<case>/infera.yaml
/// and the repository's Examples/<name>/infera.yaml. Loaded with an empty environment so results never
/// depend on the machine.
enum ExampleSpecs {
    static func load(_ path: String) throws -> DeploymentSpec {
        let result = ConfigLoader.load(path: path, options: ConfigLoader.Options(environment: [:]))
        guard let config = result.config else {
            throw LoadError(message: "\(path): " + result.diagnostics.map(\.message).joined(separator: "; "))
        }
        return DeploymentSpec(config: config)
    }

    struct LoadError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    static func subdirectories(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter {
            FileManager.default.fileExists(atPath: dir + "/" + $0 + "/infera.yaml")
        }.sorted()
    }

    /// Golden case names (YAML cases first, then examples as `example-<name>`).
    static func caseNames() -> [String] {
        subdirectories(TestPaths.repoRoot + "/Tests/InferaPlanTests/Cases")
            + subdirectories(TestPaths.repoRoot + "/Examples").map { "example-" + $0 }
    }

    static func path(ofCase name: String) -> String {
        name.hasPrefix("example-")
            ? TestPaths.repoRoot + "/Examples/" + name.dropFirst("example-".count) + "/infera.yaml"
            : TestPaths.repoRoot + "/Tests/InferaPlanTests/Cases/" + name + "/infera.yaml"
    }

    static func all() throws -> [(name: String, spec: DeploymentSpec)] {
        try caseNames().map { ($0, try load(path(ofCase: $0))) }
    }
}
