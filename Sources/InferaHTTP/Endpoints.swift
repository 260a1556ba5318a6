/// Base-URL overrides: every provider endpoint can be pointed elsewhere (a local fake on
/// `http://127.0.0.1:PORT`, a proxy, an air-gapped mirror) through an environment variable
/// named by the ecosystem's own convention.
public enum EndpointOverride {
    /// The first non-empty of `variables` in `env`, validated, without a trailing `/`; else `defaultURL`.
    /// Throws `EndpointError` when the override is not an absolute http(s) URL.
    public static func baseURL(_ env: [String: String], variables: [String], default defaultURL: String) throws -> String {
        for v in variables {
            guard let raw = env[v]?.trimmingSpaces, !raw.isEmpty else { continue }
            guard URLParts(raw) != nil else { throw EndpointError(variable: v, value: raw) }
            var s = raw
            while s.hasSuffix("/") { s.removeLast() }
            return s
        }
        return defaultURL
    }
}

/// An override variable that does not hold an absolute http(s) URL.
public struct EndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    public var variable: String
    public var value: String
    public var description: String {
        "\(variable)=\(value) is not an absolute http(s) URL; set it like \(variable)=http://127.0.0.1:8080 or unset it"
    }
}
