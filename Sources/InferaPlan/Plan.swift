/// A plan as a value: what infera wants (the spec), what changes, what it costs, what the checks say.
/// `infera plan --save FILE` writes it as JSON; `infera apply FILE` consumes exactly this value.
public struct Plan: Sendable, Hashable, Codable {
    /// Version of the JSON document; bump the major part on incompatible changes.
    public static let currentFormatVersion = "1.0"

    public var formatVersion: String
    /// Version of infera that made the plan.
    public var inferaVersion: String
    public var projectName: String
    /// `memorystore`, `elasticache` or `upstash`.
    public var provider: String
    public var region: String
    public var environment: String
    /// The full desired deployment (no secret values: secrets are generated at apply time).
    public var spec: DeploymentSpec
    /// Where the observed state came from (`none` offline).
    public var observedStateSource: String
    public var changes: [ResourceChange]
    public var summary: ChangeSummary
    public var cost: CostEstimate
    public var checks: [CheckResult]
    /// The generated files (set by the CLI after writing them; empty when not written).
    public var files: [PlannedFile] = []

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", inferaVersion = "infera_version", projectName = "project_name"
        case provider, region, environment, spec, observedStateSource = "observed_state_source", changes, summary, cost, checks, files
    }

    /// True when applying would change something.
    public var hasChanges: Bool { summary.hasChanges }

    /// Failed checks at `severity` or worse.
    public func failedChecks(atLeast severity: InferaDiagnosticsSeverity) -> [CheckResult] {
        checks.filter { $0.status == .failed && $0.severity >= severity }
    }
}

import InferaDiagnostics
public typealias InferaDiagnosticsSeverity = Severity

/// Builds plans.
public enum Planner {
    /// Plans `spec` against `observed` (empty offline), running the checks with `findings`.
    public static func plan(_ spec: DeploymentSpec, observed: ObservedState = .empty,
                            findings: [ExternalFinding] = [], inferaVersion: String = "0.1.0") -> Plan {
        let desired = DesiredState.resources(for: spec)
        let changes = ClusterChanges.annotate(Differ.diff(desired: desired, observed: observed), spec: spec)
        return Plan(formatVersion: Plan.currentFormatVersion, inferaVersion: inferaVersion, projectName: spec.projectName,
                    provider: spec.providerName, region: spec.region, environment: spec.environment, spec: spec,
                    observedStateSource: observed.source, changes: changes, summary: ChangeSummary(changes),
                    cost: CostEstimator.estimate(spec),
                    checks: Checks.run(CheckContext(spec: spec, resources: desired, findings: findings)))
    }
}

/// A file `infera plan` generated and what writing it did (`created`, `changed`, `unchanged`).
public struct PlannedFile: Sendable, Hashable, Codable {
    public var path: String
    public var status: String
    public init(path: String, status: String) {
        self.path = path
        self.status = status
    }
}
