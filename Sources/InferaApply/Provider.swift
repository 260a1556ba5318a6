import InferaHTTP
import InferaPlan

/// One cloud provider behind `infera apply`. The engine (`ApplyEngine`) owns ordering, the journal,
/// the lock, waiting and progress; a provider only reads and changes its own resources.
///
/// Resource addresses and attribute names are those `DesiredState` produces (Terraform's), so the
/// `ObservedState` a provider returns diffs cleanly against the desired resources with `Differ`:
/// report every attribute the desired resource has as a known value, with the same name and shape,
/// and leave out what you cannot read.
public protocol Provider: Sendable {
    /// The spec's provider name: `upstash`, `memorystore` or `elasticache`.
    var name: String { get }
    /// Which account / project / region infera talks to, for "Observed state: …" lines
    /// (e.g. `Upstash account dev@example.com`). Holds no secret.
    var accountDescription: String { get }
    /// Seconds between `poll` calls for pending operations.
    var pollInterval: Double { get }

    /// Reads the live state of every resource `spec` declares, found by its deterministic name
    /// (and `managed-by: infera` label/tag where the API has them). Missing resources are absent.
    func refresh(_ spec: DeploymentSpec) async throws -> ObservedState

    /// Starts one step. Create must adopt an existing resource of the same name instead of making
    /// a second one; delete must treat "not found" as done. Return `.done` when the work finished
    /// synchronously, `.pending` with a handle the engine journals and polls otherwise.
    /// `context.observed` holds the resources applied so far (for dependencies: a parameter group's
    /// name, an endpoint for a secret).
    func start(_ step: ApplyStep, context: StepContext) async throws -> OperationStatus

    /// Checks a pending operation, possibly one journaled by an earlier run that was interrupted.
    func poll(_ operation: PendingOperation, context: StepContext) async throws -> OperationStatus

    /// The outputs after an apply (endpoint, port, URLs; secrets marked `sensitive`).
    func outputs(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [OutputValue]

    /// Live status of each resource for `infera status`.
    func status(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [ResourceStatus]

    /// Whether replacing or deleting a resource of this type loses data (needs `--allow-replace`).
    func holdsData(_ resourceType: String) -> Bool
}

extension Provider {
    public var pollInterval: Double { 5 }

    public func poll(_ operation: PendingOperation, context: StepContext) async throws -> OperationStatus {
        .done(context.observed.resources[operation.address])
    }
}

/// What a step does. A planned replacement runs as `.delete` then `.create` of the same address.
public enum StepAction: String, Sendable, Hashable, Codable {
    case create, update, delete

    /// `Creating`, `Modifying`, `Destroying` (Terraform's words).
    public var progressVerb: String {
        switch self {
        case .create: "Creating"
        case .update: "Modifying"
        case .delete: "Destroying"
        }
    }

    /// `creating`, `modifying`, `destroying`.
    public var gerund: String { progressVerb.lowercased() }

    /// `Creation`, `Modifications`, `Destruction` (as in "Creation complete after 3s").
    public var completeNoun: String {
        switch self {
        case .create: "Creation"
        case .update: "Modifications"
        case .delete: "Destruction"
        }
    }
}

/// One unit of work for a provider.
public struct ApplyStep: Sendable, Hashable {
    public var action: StepAction
    /// The planned change this step belongs to (its `action` may be `.replace`).
    public var change: ResourceChange
    /// The whole deployment (names, labels, provider settings).
    public var spec: DeploymentSpec

    public init(action: StepAction, change: ResourceChange, spec: DeploymentSpec) {
        self.action = action
        self.change = change
        self.spec = spec
    }

    public var address: String { change.address }
    public var type: String { change.type }
}

/// What a step sees while it runs.
public struct StepContext: Sendable {
    /// Live state as known so far in this run (refreshed, then updated after each finished step).
    public var observed: ObservedState
    public var spec: DeploymentSpec

    public init(observed: ObservedState, spec: DeploymentSpec) {
        self.observed = observed
        self.spec = spec
    }
}

/// Where a step stands.
public enum OperationStatus: Sendable, Hashable {
    /// Finished. The resource as it now is (nil after a delete).
    case done(ObservedResource?)
    /// Still running: poll again after `pollInterval`.
    case pending(PendingOperation)
}

/// A long-running operation in flight (GCP operation, AWS resource in `creating`, …). Journaled
/// under `.infera/` so an interrupted run can wait for it: hold only identifiers, never secrets.
public struct PendingOperation: Sendable, Hashable, Codable {
    public var address: String
    public var action: StepAction
    /// The provider's handle: an operation name, a resource id to describe, ….
    public var token: String
    /// The provider's id of the resource, when known.
    public var resourceID: String?
    /// A short state for progress lines (`creating`, `modifying`).
    public var detail: String?

    public init(address: String, action: StepAction, token: String, resourceID: String? = nil, detail: String? = nil) {
        self.address = address
        self.action = action
        self.token = token
        self.resourceID = resourceID
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case address, action, token, resourceID = "resource_id", detail
    }
}

/// One output of a deployment (`infera output`).
public struct OutputValue: Sendable, Hashable, Codable {
    public var name: String
    public var value: String
    /// Masked unless `--show-secrets`.
    public var sensitive: Bool
    public var description: String

    public init(name: String, value: String, sensitive: Bool = false, description: String = "") {
        self.name = name
        self.value = value
        self.sensitive = sensitive
        self.description = description
    }
}

/// Live status of one resource (`infera status`).
public struct ResourceStatus: Sendable, Hashable, Codable {
    public var address: String
    public var type: String
    /// The provider's id (database id, instance name, replication group id).
    public var id: String?
    /// Provider state (`active`, `READY`, `available`, `absent`).
    public var state: String
    public var endpoint: String?
    public var port: Int?
    /// Size or plan (`1 GB`, `cache.t4g.small x2`, `payg`).
    public var size: String?
    public var version: String?
    public var tls: Bool?
    public var auth: Bool?
    /// Other facts worth showing (`read_regions`, `eviction` …), sorted by key when rendered.
    public var details: [String: String]
    /// Filled by the engine from the journal: `create succeeded 2026-12-03T09:12:00Z`.
    public var lastOperation: String?

    public init(address: String, type: String, id: String? = nil, state: String, endpoint: String? = nil, port: Int? = nil,
                size: String? = nil, version: String? = nil, tls: Bool? = nil, auth: Bool? = nil,
                details: [String: String] = [:], lastOperation: String? = nil) {
        self.address = address
        self.type = type
        self.id = id
        self.state = state
        self.endpoint = endpoint
        self.port = port
        self.size = size
        self.version = version
        self.tls = tls
        self.auth = auth
        self.details = details
        self.lastOperation = lastOperation
    }

    enum CodingKeys: String, CodingKey {
        case address, type, id, state, endpoint, port, size, version, tls, auth, details, lastOperation = "last_operation"
    }
}
