import InferaPlan

/// Where templates come from: the copies inside the binary, or a directory (`--templates DIR`).
public struct TemplateSource: Sendable {
    /// Path relative to the templates root (e.g. `memorystore/main.tf.mustache`) → template text.
    public let files: [String: String]
    /// `embedded` or the directory path, for messages.
    public let origin: String

    /// The templates read from the directory (the others are the embedded copies), for messages.
    public let overridden: Set<String>

    public init(files: [String: String], origin: String, overridden: Set<String> = []) {
        self.files = files
        self.origin = origin
        self.overridden = overridden
    }

    /// The templates carried in the binary.
    public static let embedded = TemplateSource(files: EmbeddedTemplates.files, origin: "embedded")

    /// Reads every `*.mustache` under `directory`; files missing there fall back to the embedded copies
    /// (so a user can override only `memorystore/main.tf.mustache`).
    public static func directory(_ directory: String) throws -> TemplateSource {
        var files = EmbeddedTemplates.files
        let found = try FileSystem.listFiles(under: directory).filter { $0.hasSuffix(".mustache") }
        if found.isEmpty { throw RenderError.noTemplates(directory) }
        for rel in found { files[rel] = try FileSystem.readText(directory + "/" + rel) }
        return TemplateSource(files: files, origin: directory, overridden: Set(found))
    }
}

/// Problems while rendering; the CLI turns them into messages.
public enum RenderError: Error, Sendable, Equatable, CustomStringConvertible {
    case noTemplates(String)
    case missingTemplate(String)
    case parse(template: String, message: String)
    case io(String)

    public var description: String {
        switch self {
        case .noTemplates(let d): "no *.mustache templates under \(d)"
        case .missingTemplate(let t): "template \(t) not found"
        case .parse(let t, let m): "template \(t): \(m)"
        case .io(let m): m
        }
    }
}

/// Renders the Terraform module and client snippets for a plan's spec.
public struct TerraformRenderer: Sendable {
    public let source: TemplateSource

    public init(source: TemplateSource = .embedded) {
        self.source = source
    }

    /// The files of the module, in order: `versions.tf`, `main.tf`, `variables.tf`, `outputs.tf`, `terraform.tfvars`, `README.md`.
    public static let moduleFiles = ["versions.tf", "main.tf", "variables.tf", "outputs.tf", "terraform.tfvars", "README.md"]

    /// Languages `--snippets` accepts, with the file each writes.
    public static let snippetFiles: [String: String] = ["node": "redis.ts", "python": "redis_client.py", "go": "redis.go"]

    /// Renders the module: relative path → contents (HCL laid out like `terraform fmt`).
    public func renderModule(_ spec: DeploymentSpec) throws -> [(path: String, contents: String)] {
        let context = TemplateContext.make(spec)
        var out: [(path: String, contents: String)] = []
        for file in Self.moduleFiles {
            let name = "\(spec.templateDirectory)/\(file).mustache"
            var text = try render(name, context)
            if file.hasSuffix(".tf") || file.hasSuffix(".tfvars") { text = HCLLayout.format(text) } else { text = Self.tidy(text) }
            out.append((file, text))
        }
        return out
    }

    /// Renders the client snippet for `language` (`node`, `python`, `go`): (file name, contents).
    public func renderSnippet(_ spec: DeploymentSpec, language: String) throws -> (path: String, contents: String) {
        guard let file = Self.snippetFiles[language] else { throw RenderError.missingTemplate("snippets/\(language).mustache") }
        return (file, Self.tidy(try render("snippets/\(language).mustache", TemplateContext.make(spec))))
    }

    func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let text = source.files[name] else { throw RenderError.missingTemplate(name) }
        let template: MustacheTemplate
        do { template = try MustacheTemplate(text) } catch {
            let path = source.overridden.contains(name) ? source.origin + "/" + name : name
            throw RenderError.parse(template: "\(path):\(error.line):\(error.column)", message: error.message)
        }
        return template.render(context)
    }

    /// Trailing spaces off, one blank line at most, one final newline.
    static func tidy(_ text: String) -> String {
        var out: [Substring] = []
        for var line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            while line.last == " " { line = line.dropLast() }
            if line.isEmpty, out.last?.isEmpty ?? true { continue }
            out.append(line)
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }
}
