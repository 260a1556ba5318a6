import InferaDiagnostics
import InferaYAML
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What loading infera.yaml produced: the config when there are no errors, and every diagnostic (sorted for output).
public struct ConfigLoadResult: Sendable {
    /// The validated config, or nil when any diagnostic is an error.
    public var config: Config?
    /// Every problem found, errors and warnings, in file order.
    public var diagnostics: [Diagnostic]
    /// The source text (for rendering source lines under diagnostics), nil when the file could not be read or decoded.
    public var source: String?

    public init(config: Config?, diagnostics: [Diagnostic], source: String?) {
        self.config = config
        self.diagnostics = diagnostics
        self.source = source
    }

    /// True when there is no error (warnings allowed).
    public var isValid: Bool { !diagnostics.hasErrors }
}

/// Loads and validates infera.yaml, collecting every problem as a `Diagnostic`.
public enum ConfigLoader {
    /// Knobs for loading.
    public struct Options: Sendable {
        /// Environment variables consulted for account settings and region (inject for tests).
        public var environment: [String: String]
        /// Size, depth and alias limits for the YAML reader.
        public var limits: YAMLLimits
        /// When true, missing account settings (GCP project id, Upstash email/API key) are errors rather than silent.
        public var requireAccount: Bool

        /// Most diagnostics reported; the rest are summarised in one note.
        public var maxDiagnostics: Int

        public init(environment: [String: String] = [:], limits: YAMLLimits = .default, requireAccount: Bool = false,
                    maxDiagnostics: Int = 200) {
            self.environment = environment
            self.limits = limits
            self.requireAccount = requireAccount
            self.maxDiagnostics = max(1, maxDiagnostics)
        }

        /// Options with the process environment.
        public static func processEnvironment(requireAccount: Bool = false) -> Options {
            Options(environment: ProcessEnvironment.all(), requireAccount: requireAccount)
        }
    }

    /// The default file name in the current directory.
    public static let defaultFileName = "infera.yaml"

    /// Reads and validates the file at `path`. A missing or unreadable file is a diagnostic, never a throw.
    public static func load(path: String, options: Options = Options()) -> ConfigLoadResult {
        switch FileReader.read(path, limit: options.limits.maxBytes) {
        case .success(let bytes):
            return load(bytes: bytes, file: path, options: options)
        case .failure(let failure):
            return ConfigLoadResult(config: nil, diagnostics: [failure.diagnostic(path: path, limit: options.limits.maxBytes)], source: nil)
        }
    }

    /// Validates `text` as the contents of `file` (used for messages only).
    public static func load(text: String, file: String = defaultFileName, options: Options = Options()) -> ConfigLoadResult {
        load(bytes: Array(text.utf8), file: file, options: options)
    }

    /// Validates raw bytes as the contents of `file`: encoding, YAML, schema, then cross-field and provider rules.
    public static func load(bytes: [UInt8], file: String = defaultFileName, options: Options = Options()) -> ConfigLoadResult {
        let parsed = YAMLParser.parse(bytes: bytes, file: file, limits: options.limits)
        var diagnostics = parsed.diagnostics
        let decodedSource: String? = (parsed.diagnostics.contains { $0.code == YAMLParser.Code.binary || $0.code == YAMLParser.Code.tooLarge }
                || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]))
            ? nil : String(decoding: bytes, as: UTF8.self)
        func finish(_ config: Config?) -> ConfigLoadResult {
            var sorted = diagnostics.sortedForOutput()
            let valid = !sorted.hasErrors
            if sorted.count > options.maxDiagnostics {
                let hidden = sorted.count - options.maxDiagnostics
                sorted.removeLast(hidden)
                sorted.append(Diagnostic(severity: .note, code: ConfigCode.truncated,
                                         message: "\(hidden) more problem\(hidden == 1 ? "" : "s") not shown",
                                         hint: "fix the ones above and run again"))
            }
            return ConfigLoadResult(config: valid ? config : nil, diagnostics: sorted, source: decodedSource)
        }
        if parsed.diagnostics.hasErrors && parsed.root == nil { return finish(nil) }
        if parsed.diagnostics.contains(where: { $0.code == YAMLParser.Code.syntax || $0.code == YAMLParser.Code.aliasLimit || $0.code == YAMLParser.Code.tooDeep }) {
            return finish(nil)
        }
        guard let root = parsed.root, !root.isNull else {
            diagnostics.append(.error(ConfigCode.empty, "the file is empty", at: SourceLocation(file: file, line: 1, column: 1),
                                      hint: "run `infera init` to write one, or start from Examples/gcp-memorystore/infera.yaml"))
            return finish(nil)
        }
        guard root.mapping != nil else {
            diagnostics.append(.error(ConfigCode.notMapping, "the top level must be a mapping of keys, not \(root.kindDescription)",
                                      at: root.location(in: file),
                                      hint: "infera.yaml starts with keys such as 'project_name:', 'provider:' and 'cache:'"))
            return finish(nil)
        }
        // A misspelt provider still selects the cache schema it most likely meant, so cache keys are checked too.
        let providerText = root["provider"]?.scalar
        let rootProvider = providerText.flatMap(CloudProvider.init(rawValue:))
            ?? providerText.flatMap { SchemaValidator.suggest($0, from: CloudProvider.allCases.map(\.rawValue)) }.flatMap(CloudProvider.init(rawValue:))
        var validator = SchemaValidator(file: file, defaultVariant: rootProvider?.defaultCacheProvider.rawValue)
        validator.compatibleVariants = rootProvider.map { Set($0.compatibleCacheProviders.map(\.rawValue)) }
        let checked = validator.check(root, .object(ConfigSchema.root), path: "")
        diagnostics += validator.diagnostics
        var builder = ConfigBuilder(file: file, values: checked?.object ?? [:], chosenCacheVariant: validator.chosenVariants["cache"].flatMap(CacheProvider.init(rawValue:)),
                                    uncertainSections: validator.sectionsWithUnknownKeys, locations: validator.locations,
                                    keyLocations: validator.keyLocations, environment: options.environment,
                                    requireAccount: options.requireAccount, rootLocation: root.location(in: file).startOnly)
        let config = builder.build()
        diagnostics += builder.diagnostics
        return finish(config)
    }
}

/// Reading the process environment without Foundation.
public enum ProcessEnvironment {
    /// Every variable of the current process.
    public static func all() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer = pointer.advanced(by: 1)
        }
        return result
    }
}

/// Reads a file with POSIX calls, bounded by a size limit.
enum FileReader {
    enum Failure: Error {
        case notFound, isDirectory, permissionDenied, tooLarge(Int), other(Int32)

        func diagnostic(path: String, limit: Int) -> Diagnostic {
            let at = SourceLocation(file: path, line: 1, column: 1)
            switch self {
            case .notFound:
                return .error(ConfigCode.fileNotFound, "\(path): no such file", at: nil,
                              hint: "run `infera init` to write one, or pass the file with -f FILE")
            case .isDirectory:
                return .error(ConfigCode.unreadable, "\(path) is a directory, not a file", at: nil,
                              hint: "pass the YAML file itself, e.g. -f \(path.hasSuffix("/") ? path : path + "/")infera.yaml")
            case .permissionDenied:
                return .error(ConfigCode.unreadable, "\(path): permission denied", at: nil)
            case .tooLarge(let size):
                return .error(YAMLParser.Code.tooLarge,
                              "file is too large (\(YAMLParser.formatBytes(size)); the limit is \(YAMLParser.formatBytes(limit)))", at: at,
                              hint: "infera.yaml describes one deployment and is normally under 2 KB; is this the right file?")
            case .other(let code):
                return .error(ConfigCode.unreadable, "\(path): cannot read the file (\(String(cString: strerror(code))))", at: nil)
            }
        }
    }

    static func read(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: return .failure(.notFound)
            case EACCES: return .failure(.permissionDenied)
            default: return .failure(.other(code))
            }
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(.isDirectory) }
            if Int(info.st_size) > limit { return .failure(.tooLarge(Int(info.st_size))) }
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR { return .failure(.isDirectory) }
                return .failure(.other(errno))
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > limit { return .failure(.tooLarge(bytes.count)) }
        }
        return .success(bytes)
    }
}
