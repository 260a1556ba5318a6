import InferaHTTP
import InferaPlan

/// What a provider gets from its surroundings: the environment (credentials, endpoint overrides),
/// one shared transport, the clock, the debug logger and the registry of secrets to redact.
public struct ProviderContext: Sendable {
    public var environment: [String: String]
    public var transport: any HTTPTransport
    public var clock: any InferaClock
    /// Debug logger (`INFERA_LOG=debug` / `--debug`); nil when off.
    public var logger: (any HTTPLogger)?
    /// Secret values seen at run time; everything printed or logged is redacted against them.
    public var secrets: SecretRegistry
    /// Receives retry notices and other progress.
    public var events: any ApplyEventSink
    public var inferaVersion: String
    /// Full-jitter random source for retries (tests pass a fixed one).
    public var random: @Sendable (Double) -> Double

    public init(environment: [String: String], transport: any HTTPTransport, clock: any InferaClock = SystemClock(),
                logger: (any HTTPLogger)? = nil, secrets: SecretRegistry = SecretRegistry(),
                events: any ApplyEventSink = NoEvents(), inferaVersion: String = "0.1.0",
                random: @escaping @Sendable (Double) -> Double = { Double.random(in: 0...max($0, 0)) }) {
        self.environment = environment
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.secrets = secrets
        self.events = events
        self.inferaVersion = inferaVersion
        self.random = random
    }

    public var redactor: Redactor { Redactor(secrets: secrets) }

    /// An HTTP client with this context's transport, clock, logger and redaction, and `policy`.
    /// Retries are reported as `.retrying` events.
    /// `INFERA_RETRY_BASE_DELAY` (seconds) scales the backoff down or up (tests, impatient users).
    public func makeClient(policy: RetryPolicy, authenticator: (any HTTPAuthenticator)? = nil) -> HTTPClient {
        let events = self.events
        var policy = policy
        if let s = environment["INFERA_RETRY_BASE_DELAY"], let base = Double(s), base >= 0, policy.baseDelay > 0 {
            policy.maxDelay *= base / policy.baseDelay
            policy.baseDelay = base
        }
        return HTTPClient(transport: transport, policy: policy, authenticator: authenticator, clock: clock, logger: logger,
                          redactor: redactor, random: random, onRetry: { e in
                              events.emit(.retrying(request: e.request, attempt: e.attempt, delay: e.delay, reason: e.reason))
                          })
    }
}

/// Makes a provider for a spec. Registered once per provider name.
public struct ProviderFactory: Sendable {
    /// The spec's provider name (`DeploymentSpec.providerName`): `upstash`, `memorystore`, `elasticache`.
    public var name: String
    /// Human name for messages (`Upstash`, `GCP Memorystore`, `AWS ElastiCache`).
    public var displayName: String
    /// How to provide credentials, for messages (`set UPSTASH_EMAIL and UPSTASH_API_KEY`).
    public var credentialsHint: String
    /// Throws `MissingCredentials` when none are configured (plan then falls back offline),
    /// `ProviderError` / `EndpointError` for bad configuration.
    public var make: @Sendable (DeploymentSpec, ProviderContext) throws -> any Provider
    /// Whether the provider reads and changes `cache.mode: cluster` deployments (Memorystore for Redis
    /// Cluster, ElastiCache cluster mode). When false, apply-family commands refuse a cluster spec and
    /// plan shows it offline: a cluster config never becomes a standalone instance.
    public var supportsClusterMode: Bool

    public init(name: String, displayName: String, credentialsHint: String, supportsClusterMode: Bool = false,
                make: @escaping @Sendable (DeploymentSpec, ProviderContext) throws -> any Provider) {
        self.name = name
        self.displayName = displayName
        self.credentialsHint = credentialsHint
        self.supportsClusterMode = supportsClusterMode
        self.make = make
    }
}

/// Providers by name. The CLI registers the built-in ones (Sources/InferaCLI/ProviderCatalog.swift).
public final class ProviderRegistry: @unchecked Sendable {
    private let lock = Lock()
    private var factories: [String: ProviderFactory] = [:]

    public init(_ factories: [ProviderFactory] = []) {
        for f in factories { self.factories[f.name] = f }
    }

    public func register(_ factory: ProviderFactory) { lock.withLock { factories[factory.name] = factory } }

    public func factory(for name: String) -> ProviderFactory? { lock.withLock { factories[name] } }

    public var names: [String] { lock.withLock { factories.keys.sorted() } }
}
