#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
import InferaHTTP

/// The process environment and file system as the credential chain sees them (injected in tests).
public struct GCPEnvironment: Sendable {
    public var variables: [String: String]
    /// Home directory for the gcloud ADC file.
    public var home: String?
    /// True when running on a Google machine (DMI product name), so the metadata server is worth asking.
    public var onGoogleCloud: Bool

    public init(variables: [String: String], home: String? = nil, onGoogleCloud: Bool = false) {
        self.variables = variables
        self.home = home
        self.onGoogleCloud = onGoogleCloud
    }

    /// The real process environment.
    public static func current() -> GCPEnvironment {
        let vars = ProcessInfo.processInfo.environment
        let product = (try? String(contentsOfFile: "/sys/class/dmi/id/product_name", encoding: .utf8)) ?? ""
        let google = product.contains("Google") || vars["K_SERVICE"] != nil || vars["CLOUD_RUN_JOB"] != nil
        return GCPEnvironment(variables: vars, home: vars["HOME"], onGoogleCloud: google && vars["NO_GCE_CHECK"] == nil)
    }

    subscript(_ name: String) -> String? {
        guard let v = variables[name], !v.isEmpty else { return nil }
        return v
    }

    /// Seconds between operation polls: `INFERA_POLL_INTERVAL`, default 5.
    public var pollInterval: Double { self["INFERA_POLL_INTERVAL"].flatMap(Double.init).map { max(0, $0) } ?? 5 }

    /// `GCE_METADATA_HOST`, else `metadata.google.internal`.
    public var metadataHost: String { self["GCE_METADATA_HOST"] ?? "metadata.google.internal" }

    /// The gcloud ADC file path (`$CLOUDSDK_CONFIG` or `~/.config/gcloud`).
    public var adcPath: String? {
        if let c = self["CLOUDSDK_CONFIG"] { return c + "/application_default_credentials.json" }
        return home.map { $0 + "/.config/gcloud/application_default_credentials.json" }
    }
}

/// Google's credential chain (providers.md §1.5, ci-federated-credentials.md §6.5), without gcloud or an SDK:
/// 1. `GOOGLE_OAUTH_ACCESS_TOKEN`, `CLOUDSDK_AUTH_ACCESS_TOKEN`, the file in `CLOUDSDK_AUTH_ACCESS_TOKEN_FILE`;
/// 2. `GOOGLE_APPLICATION_CREDENTIALS`, else the gcloud ADC file, by `type`;
/// 3. the metadata server (`GCE_METADATA_HOST` overrides the host; asked only when set or on Google Cloud).
public enum CredentialChain {
    /// What was looked at, for the "no credentials" message.
    static func tried(_ env: GCPEnvironment) -> String {
        let adc = env.adcPath ?? "~/.config/gcloud/application_default_credentials.json"
        return "GOOGLE_OAUTH_ACCESS_TOKEN, CLOUDSDK_AUTH_ACCESS_TOKEN, CLOUDSDK_AUTH_ACCESS_TOKEN_FILE, "
            + "GOOGLE_APPLICATION_CREDENTIALS, the gcloud ADC file \(adc), and the metadata server (not on Google Cloud; GCE_METADATA_HOST not set)"
    }

    /// The first source that is configured. Throws `GCPError(.credentials)` naming what was tried and the fix.
    public static func resolve(_ env: GCPEnvironment) throws -> TokenSource {
        for name in ["GOOGLE_OAUTH_ACCESS_TOKEN", "CLOUDSDK_AUTH_ACCESS_TOKEN"] {
            if let t = env[name] { return .fixed(Sensitive(t.trimmingWhitespace()), origin: name) }
        }
        if let path = env["CLOUDSDK_AUTH_ACCESS_TOKEN_FILE"] {
            guard let b = FileManager.default.contents(atPath: path) else {
                throw GCPError(.credentials, "\(path) (CLOUDSDK_AUTH_ACCESS_TOKEN_FILE): the file cannot be read",
                               hint: "write a token there (`gcloud auth print-access-token > \(path)`) or unset the variable")
            }
            let t = String(decoding: b, as: UTF8.self).trimmingWhitespace()
            guard !t.isEmpty else {
                throw GCPError(.credentials, "\(path) (CLOUDSDK_AUTH_ACCESS_TOKEN_FILE): the file is empty",
                               hint: "write a token there (`gcloud auth print-access-token > \(path)`) or unset the variable")
            }
            return .fixed(Sensitive(t), origin: "\(path) (CLOUDSDK_AUTH_ACCESS_TOKEN_FILE)")
        }
        if let path = env["GOOGLE_APPLICATION_CREDENTIALS"] {
            let origin = "\(path) (GOOGLE_APPLICATION_CREDENTIALS)"
            guard let b = FileManager.default.contents(atPath: path) else {
                throw GCPError(.credentials, "\(origin): the file does not exist or cannot be read",
                               hint: "fix the path, or unset GOOGLE_APPLICATION_CREDENTIALS and run `gcloud auth application-default login`")
            }
            return try source(CredentialFile.parse(Array(b), origin: origin), origin: origin)
        }
        if let path = env.adcPath, let b = FileManager.default.contents(atPath: path) {
            return try source(CredentialFile.parse(Array(b), origin: path), origin: path)
        }
        if env["GCE_METADATA_HOST"] != nil || env.onGoogleCloud {
            return .metadata(host: env.metadataHost)
        }
        throw GCPError(.credentials, "no GCP credentials found (tried \(tried(env)))",
                       hint: "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or GOOGLE_OAUTH_ACCESS_TOKEN to a token")
    }

    static func source(_ file: CredentialFile, origin: String) throws -> TokenSource {
        switch file {
        case .serviceAccount(let k): .serviceAccount(k, origin: origin)
        case .authorizedUser(let u): .authorizedUser(u, origin: origin)
        case .externalAccount(let e): .externalAccount(e, origin: origin)
        }
    }
}

/// Which project infera acts on and why.
public struct ResolvedProject: Sendable, Hashable {
    public var id: String
    /// `infera.yaml`, `GOOGLE_CLOUD_PROJECT`, `the credentials`, `the metadata server`.
    public var source: String
    public init(id: String, source: String) {
        self.id = id
        self.source = source
    }
}

public enum ProjectResolver {
    /// infera.yaml (or the env var the config layer already took), then `GOOGLE_CLOUD_PROJECT` /
    /// `CLOUDSDK_CORE_PROJECT`, then the credentials' project, then the metadata server.
    /// Without a network call: nil when only the metadata server could tell.
    public static func resolveLocally(configured: ResolvedProject?, env: GCPEnvironment, credentials: TokenSource) -> ResolvedProject? {
        if let configured { return configured }
        for name in ["GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "GOOGLE_PROJECT"] {
            if let p = env[name] { return ResolvedProject(id: p, source: name) }
        }
        if let p = credentials.projectID { return ResolvedProject(id: p, source: "the credentials (\(credentials.label))") }
        return nil
    }

    public static func resolve(configured: ResolvedProject?, env: GCPEnvironment, credentials: TokenSource,
                               http: HTTPClient) async throws -> ResolvedProject {
        if let p = resolveLocally(configured: configured, env: env, credentials: credentials) { return p }
        if case .metadata(let host) = credentials {
            let url = "http://\(host)/computeMetadata/v1/project/project-id"
            if let r = try? await http.send(HTTPRequest(method: .GET, url: url, headers: ["Metadata-Flavor": "Google"])),
               r.status == 200, !r.text.isEmpty {
                return ResolvedProject(id: r.text.trimmingWhitespace(), source: "the metadata server")
            }
        }
        throw missing(credentials)
    }

    public static func missing(_ credentials: TokenSource) -> GCPError { GCPError(.project, "no GCP project id: not in infera.yaml (gcp.project_id), GOOGLE_CLOUD_PROJECT or CLOUDSDK_CORE_PROJECT, and \(credentials.label) names none",
                       hint: "add 'gcp: {project_id: my-project}' to infera.yaml, or export GOOGLE_CLOUD_PROJECT=my-project")
    }
}

/// Base URLs of the APIs, each overridable the way gcloud does it (`http://127.0.0.1:PORT/` works).
public struct GCPEndpoints: Sendable, Hashable {
    /// Memorystore for Redis, `https://redis.googleapis.com/`.
    public var redis: String
    /// Secret Manager, `https://secretmanager.googleapis.com/`.
    public var secretManager: String
    /// Service Usage (is an API enabled), `https://serviceusage.googleapis.com/`.
    public var serviceUsage: String
    /// Compute Engine, `https://compute.googleapis.com/compute/v1/` (the `projects/...` paths live under it).
    public var compute: String
    /// Service Networking, `https://servicenetworking.googleapis.com/`.
    public var serviceNetworking: String
    /// Network Connectivity (service connection policies for Memorystore for Redis Cluster), `https://networkconnectivity.googleapis.com/`.
    public var networkConnectivity: String

    public init(redis: String = "https://redis.googleapis.com/", secretManager: String = "https://secretmanager.googleapis.com/",
                serviceUsage: String = "https://serviceusage.googleapis.com/", compute: String = "https://compute.googleapis.com/compute/v1/",
                serviceNetworking: String = "https://servicenetworking.googleapis.com/",
                networkConnectivity: String = "https://networkconnectivity.googleapis.com/") {
        self.redis = Self.slash(redis)
        self.secretManager = Self.slash(secretManager)
        self.serviceUsage = Self.slash(serviceUsage)
        self.compute = Self.slash(compute)
        self.serviceNetworking = Self.slash(serviceNetworking)
        self.networkConnectivity = Self.slash(networkConnectivity)
    }

    /// `CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS`, `…_SECRETMANAGER`, `…_SERVICEUSAGE`, `…_SERVICENETWORKING`, `…_NETWORKCONNECTIVITY` (gcloud's
    /// properties: a base URL under which the `v1/...` paths live) and `…_COMPUTE` (as in gcloud, the base includes
    /// `compute/v1/`; a bare `http://host:port/` gets it appended). Throws `EndpointError` for a value that is not an http(s) URL.
    public init(env: GCPEnvironment) throws {
        func base(_ v: String, _ d: String) throws -> String {
            try EndpointOverride.baseURL(env.variables, variables: [v], default: d)
        }
        var compute = try base("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", "https://compute.googleapis.com/compute/v1/")
        if let parts = URLParts(compute), parts.pathAndQuery.isEmpty || parts.pathAndQuery == "/" { compute = Self.slash(compute) + "compute/v1/" }
        self.init(redis: try base("CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS", "https://redis.googleapis.com/"),
                  secretManager: try base("CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER", "https://secretmanager.googleapis.com/"),
                  serviceUsage: try base("CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICEUSAGE", "https://serviceusage.googleapis.com/"),
                  compute: compute,
                  serviceNetworking: try base("CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICENETWORKING", "https://servicenetworking.googleapis.com/"),
                  networkConnectivity: try base("CLOUDSDK_API_ENDPOINT_OVERRIDES_NETWORKCONNECTIVITY", "https://networkconnectivity.googleapis.com/"))
    }

    static func slash(_ s: String) -> String { s.hasSuffix("/") ? s : s + "/" }

    /// True when any endpoint points at this machine (a local fake), for labelling output.
    public var isLocal: Bool {
        [redis, secretManager].contains { $0.contains("://127.0.0.1") || $0.contains("://localhost") }
    }
}
