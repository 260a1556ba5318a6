import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
import InferaApply
import InferaAWS
import InferaHTTP
import InferaPlan

/// AWS ElastiCache (Query API 2015-02-02) plus Secrets Manager and EC2 security groups, signed with SigV4
/// (providers.md §2). Every resource is found by its deterministic name and created-or-adopted through the
/// `…AlreadyExists` / `…NotFound` faults, so a retry or a re-run after a crash never makes a second one.
///
/// Secrets (documented in docs/apply.md): `<project>/redis-auth` holds the AUTH token (a plain string, generated
/// once with a CSPRNG and re-used by every later apply); `<project>/redis-url` (or `url_secret_name`) holds the
/// connection URL `rediss://:<token>@<primary endpoint>:<port>`.
public struct ElastiCacheProvider: Provider {
    public let name = "elasticache"
    public let accountDescription: String
    public let pollInterval: Double
    let api: ElastiCacheAPI
    /// The credential chain (kept to say which source signed the requests).
    let chain: CredentialChain
    let secrets: SecretRegistry
    let region: String
    /// `destroy`: final snapshot name (nil: none) and whether secrets skip the recovery window.
    let finalSnapshot: String?
    let forceDeleteSecrets: Bool
    let clock: any InferaClock

    static let rgType = "aws_elasticache_replication_group"
    static let rgAddress = "aws_elasticache_replication_group.redis"
    static let subnetAddress = "aws_elasticache_subnet_group.redis"
    static let sgAddress = "aws_security_group.redis"
    static let pgAddress = "aws_elasticache_parameter_group.redis"
    static let authAddress = "random_password.redis_auth"
    static let urlSecretAddress = "aws_secretsmanager_secret.redis_url"
    static let urlVersionAddress = "aws_secretsmanager_secret_version.redis_url"

    public static let credentialsHint = NoCredentialsError.hint

    public static let factory = ProviderFactory(
        name: "elasticache", displayName: "AWS ElastiCache", credentialsHint: credentialsHint, supportsClusterMode: true,
        make: { spec, context in try ElastiCacheProvider(spec: spec, context: context) })

    public init(spec: DeploymentSpec, context: ProviderContext) throws {
        let env = context.environment
        let reader: @Sendable (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }
        let profile = Self.ec(spec).profile
        guard let region = RegionResolver.resolve(configured: spec.region, environment: env, profile: profile, fileReader: reader) else {
            throw ProviderError(.other, resource: "aws", message: "no AWS region", hint: "set region in infera.yaml, or AWS_REGION")
        }
        if profile == nil, let missing = Self.nothingConfigured(env, reader: reader) { throw missing }
        self.region = region
        let chain = CredentialChain(environment: env, transport: context.transport, clock: context.clock, fileReader: reader, profile: profile)
        self.chain = chain
        let events = context.events
        let client = AWSClient(region: region, credentials: chain, transport: context.transport, clock: context.clock,
                               environment: env, logger: context.logger, redactor: context.redactor, random: context.random,
                               onRetry: { request, attempt, delay, reason in
                                   events.emit(.retrying(request: request, attempt: attempt, delay: delay, reason: reason))
                               })
        api = ElastiCacheAPI(client: client)
        secrets = context.secrets
        clock = context.clock
        pollInterval = env["INFERA_AWS_POLL_INTERVAL"].flatMap(Double.init) ?? 15
        do {
            let ep = try EndpointResolver.resolve(.elasticache, region: region, environment: env)
            accountDescription = ep.overridden ? "AWS \(region) at \(ep.url) (\(ep.overrideVariable ?? "override"))" : "AWS \(region)"
        } catch let e as AWSEndpointError {
            throw ProviderError(.other, resource: "aws", message: e.description, hint: "unset AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT or the endpoint override")
        }
        if let name = env["INFERA_AWS_FINAL_SNAPSHOT"] {
            finalSnapshot = name.isEmpty ? nil : name
        } else if spec.isProduction {
            finalSnapshot = "\(spec.projectName)-redis-final-\(Self.stamp(Int64(context.clock.wallTime())))"
        } else {
            finalSnapshot = nil
        }
        forceDeleteSecrets = env["INFERA_AWS_FORCE_DELETE_SECRETS"] == "1"
    }

    static func stamp(_ t: Int64) -> String {
        let c = UTCCalendar.components(t)
        func p(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.year)\(p(c.month))\(p(c.day))-\(p(c.hour))\(p(c.minute))"
    }

    /// `MissingCredentials` when no credential source is configured at all (IMDS disabled too), naming what was checked.
    static func nothingConfigured(_ env: [String: String], reader: (String) -> String?) -> MissingCredentials? {
        let set: (String) -> Bool = { !(env[$0] ?? "").isEmpty }
        if set("AWS_ACCESS_KEY_ID") || set("AWS_WEB_IDENTITY_TOKEN_FILE") || set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            || set("AWS_CONTAINER_CREDENTIALS_FULL_URI") || set("AWS_PROFILE") || set("AWS_DEFAULT_PROFILE") { return nil }
        let home = env["HOME"] ?? "~"
        let cred = env["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        let conf = env["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        if reader(cred) != nil || reader(conf) != nil { return nil }
        guard env["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" else { return nil }
        return MissingCredentials(provider: "AWS", hint: "tried: environment (AWS_ACCESS_KEY_ID not set), web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set), shared files (\(cred), \(conf) not found), container (AWS_CONTAINER_CREDENTIALS_* not set), IMDS (AWS_EC2_METADATA_DISABLED=true). " + NoCredentialsError.hint)
    }

    public func holdsData(_ resourceType: String) -> Bool { resourceType == Self.rgType }

    /// The settings in effect (in cluster mode: `cluster-enabled yes`, the layout's node type and replicas, failover on).
    static func ec(_ spec: DeploymentSpec) -> ElastiCacheSpec { spec.effectiveElastiCache ?? ElastiCacheSpec() }

    static func rgID(_ spec: DeploymentSpec) -> String { "\(spec.projectName)-redis" }
    static func subnetGroupName(_ spec: DeploymentSpec) -> String { "\(spec.projectName)-redis" }
    static func sgName(_ spec: DeploymentSpec) -> String { "\(spec.projectName)-redis" }
    /// Our own parameter group's name (it exists only while infera.yaml sets parameters).
    static func pgName(_ spec: DeploymentSpec) -> String { "\(spec.projectName)-redis\(ec(spec).parameterFamily.filter { $0.isNumber })" }
    /// The group the replication group should use: ours with parameters, else `default.<family>`.
    static func wantedPG(_ spec: DeploymentSpec) -> String { ec(spec).parameterGroupName(project: spec.projectName) }
    static func authSecretName(_ spec: DeploymentSpec) -> String { "\(spec.projectName)/redis-auth" }

    static func desired(_ spec: DeploymentSpec, _ address: String) -> DesiredResource? {
        DesiredState.resources(for: spec).first { $0.address == address }
    }

    static func labels(_ spec: DeploymentSpec) -> AttributeValue {
        .object(spec.effectiveLabels.map { Attribute($0.key, .string($0.value)) })
    }

    /// Live tags as the `tags_all` attribute (sorted by key, like `labels`).
    static func tagsValue(_ t: [String: String]) -> AttributeValue {
        .object(t.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) })
    }

    // MARK: refresh

    public func refresh(_ spec: DeploymentSpec) async throws -> ObservedState {
        try await guarded("refresh") {
            let creds = try await chain.resolve()
            var state = ObservedState(source: "\(accountDescription), credentials from \(creds.source)")
            let e = Self.ec(spec)
            if let r = try await observeSubnetGroup(spec) { state.resources[Self.subnetAddress] = r }
            if e.securityGroupIDs.isEmpty, let r = try await observeSecurityGroup(spec) { state.resources[Self.sgAddress] = r }
            if let r = try await observeParameterGroup(spec) { state.resources[Self.pgAddress] = r }
            if e.authToken, let r = try await observeAuth(spec) { state.resources[Self.authAddress] = r }
            if let r = try await observeReplicationGroup(spec) { state.resources[Self.rgAddress] = r }
            for (a, r) in try await observeURLSecret(spec) { state.resources[a] = r }
            return state
        }
    }

    func observeSubnetGroup(_ spec: DeploymentSpec) async throws -> ObservedResource? {
        guard let g = try await api.subnetGroup(Self.subnetGroupName(spec)) else { return nil }
        let e = Self.ec(spec)
        let ids = (g["Subnets"]?.children ?? []).compactMap { $0.string("SubnetIdentifier") }
        let observedIDs: AttributeValue = e.subnetIDs.isEmpty ? .list(ids.map { .string($0) })
            : .list((Set(ids) == Set(e.subnetIDs) ? e.subnetIDs : ids).map { .string($0) })
        return ObservedResource(type: "aws_elasticache_subnet_group", name: "redis", attributes: [
            "name": .string(g.string("CacheSubnetGroupName") ?? ""),
            "description": .string(g.string("CacheSubnetGroupDescription") ?? ""),
            "subnet_ids": observedIDs,
            "tags_all": try await g.string("ARN").asyncMap { Self.tagsValue(try await api.tags(arn: $0)) } ?? .unknown,
            "arn": g.string("ARN").map { .string($0) } ?? .unknown,
        ])
    }

    func observeSecurityGroup(_ spec: DeploymentSpec) async throws -> ObservedResource? {
        let e = Self.ec(spec)
        let vpc = try await api.vpc(subnets: e.subnetIDs, configured: e.vpcID)
        guard let g = try await api.securityGroup(name: Self.sgName(spec), vpc: vpc.id) else { return nil }
        let desired = Self.desired(spec, Self.sgAddress)
        let wantCIDRs = e.clientCIDRBlocks.isEmpty ? [vpc.cidr ?? "10.0.0.0/16"] : e.clientCIDRBlocks
        var have: Set<String> = []
        for p in g["ipPermissions"]?.children ?? [] where p.int("fromPort") == e.port {
            for r in p["ipRanges"]?.children ?? [] { if let c = r.string("cidrIp") { have.insert(c) } }
        }
        let ingress: AttributeValue
        if Set(wantCIDRs).isSubset(of: have), case .list(let l)? = desired?.attributes.first(where: { $0.name == "ingress" })?.value {
            ingress = .list(l.map { v in
                if case .object(let attrs) = v { return .object(attrs.map { $0.name == "cidr_blocks" && !$0.value.isKnown ? Attribute("cidr_blocks", .list(wantCIDRs.map { .string($0) })) : $0 }) }
                return v
            })
        } else {
            ingress = .list(have.sorted().map { .object([Attribute("cidr_blocks", .list([.string($0)]))]) })
        }
        return ObservedResource(type: "aws_security_group", name: "redis", attributes: [
            "name": .string(g.string("groupName") ?? ""),
            "description": .string(g.string("groupDescription") ?? ""),
            "vpc_id": .string(g.string("vpcId") ?? ""),
            "ingress": ingress, "egress": .list([]), "tags_all": Self.tagsValue(ElastiCacheAPI.ec2Tags(g)),
            "id": .string(g.string("groupId") ?? ""),
        ])
    }

    func observeParameterGroup(_ spec: DeploymentSpec) async throws -> ObservedResource? {
        let name = Self.pgName(spec)
        guard let g = try await api.parameterGroup(name) else { return nil }
        let values = try await api.parameters(name)
        return ObservedResource(type: "aws_elasticache_parameter_group", name: "redis", attributes: [
            "name": .string(g.string("CacheParameterGroupName") ?? name),
            "family": .string(g.string("CacheParameterGroupFamily") ?? ""),
            "description": .string(g.string("Description") ?? ""),
            "parameter": .object(values.sorted { $0.key < $1.key }.map { Attribute($0.key, .string($0.value)) }),
            "tags_all": try await g.string("ARN").asyncMap { Self.tagsValue(try await api.tags(arn: $0)) } ?? .unknown,
            "arn": g.string("ARN").map { .string($0) } ?? .unknown,
        ])
    }

    /// The AUTH token secret; a secret scheduled for deletion counts as absent (create restores it).
    func observeAuth(_ spec: DeploymentSpec) async throws -> ObservedResource? {
        guard let d = try await api.describeSecret(Self.authSecretName(spec)), d["DeletedDate"] == nil || d["DeletedDate"] is JSONNull,
              let value = try await api.secretValue(Self.authSecretName(spec)) else { return nil }
        secrets.add(value)
        return ObservedResource(type: "random_password", name: "redis_auth", attributes: [
            "length": .int(value.count), "special": .bool(!value.allSatisfy { $0.isLetter || $0.isNumber }),
            "result": .sensitive, "id": .string(d["ARN"] as? String ?? ""),
        ])
    }

    func describeFull(_ spec: DeploymentSpec) async throws -> (ReplicationGroup, CacheClusterInfo?)? {
        guard let g = try await api.replicationGroup(Self.rgID(spec)) else { return nil }
        let info = try await g.memberClusters.first.asyncMap { try await api.cacheCluster($0) } ?? nil
        return (g, info)
    }

    func observeReplicationGroup(_ spec: DeploymentSpec) async throws -> ObservedResource? {
        guard let (g, info) = try await describeFull(spec) else { return nil }
        if g.status == "deleting" { return nil }
        return try await observedWithTags(g, info, spec)
    }

    func observedWithTags(_ g: ReplicationGroup, _ info: CacheClusterInfo?, _ spec: DeploymentSpec) async throws -> ObservedResource {
        let tags = try await g.arn.asyncMap { try await api.tags(arn: $0) }
        return Self.observed(g, info, spec, tags: tags)
    }

    static func observed(_ g: ReplicationGroup, _ info: CacheClusterInfo?, _ spec: DeploymentSpec, tags: [String: String]?) -> ObservedResource {
        let e = ec(spec)
        var a: [String: AttributeValue] = [
            "replication_group_id": .string(g.id), "description": .string(g.description),
            "engine": .string(g.engine ?? e.engine),
            "node_type": .string(info?.pending["CacheNodeType"] ?? g.pending["CacheNodeType"] ?? g.nodeType),
            "port": .int(g.port ?? e.port), "cluster_mode": .string(g.clusterEnabled ? "enabled" : "disabled"),
            "automatic_failover_enabled": .bool(g.automaticFailover == "enabled" || g.automaticFailover == "enabling"),
            "multi_az_enabled": .bool(g.multiAZ == "enabled"),
            "transit_encryption_enabled": .bool(g.transitEncryption), "at_rest_encryption_enabled": .bool(g.atRestEncryption),
            "snapshot_retention_limit": .int(g.snapshotRetention), "auto_minor_version_upgrade": .bool(g.autoMinorVersionUpgrade ?? true),
            "subnet_group_name": .string(info?.subnetGroup ?? ""),
            "security_group_ids": .list((info?.securityGroups ?? []).map { .string($0) }),
            "parameter_group_name": .string(info?.parameterGroup ?? ""),
            "tags_all": tags.map(tagsValue) ?? .unknown, "status": .string(g.status),
            // Not readable from the API (Terraform keeps it in state too): how infera applies changes, from infera.yaml.
            "apply_immediately": .bool(e.applyImmediately),
            "auth_token": g.authTokenEnabled ? .sensitive : .unknown,
        ]
        if g.clusterEnabled {
            a.merge(clusterAttributes(g)) { _, new in new }
        } else {
            a["num_cache_clusters"] = .int(g.memberClusters.count)
        }
        if let v = info?.pending["EngineVersion"] ?? info?.engineVersion { a["engine_version"] = .string(Self.sameVersion(v, e.engineVersion) ? e.engineVersion : v) }
        if let p = g.primaryEndpoint { a["primary_endpoint_address"] = .string(p) }
        if let r = g.readerEndpoint, e.replicas > 0 { a["reader_endpoint_address"] = .string(r) }
        if let arn = g.arn { a["arn"] = .string(arn) }
        if let k = g.kmsKeyID { a["kms_key_id"] = .string(k) }
        if let w = g.snapshotWindow { a["snapshot_window"] = .string(w) }
        if let w = info?.maintenanceWindow { a["maintenance_window"] = .string(w) }
        if e.snapshotRetentionDays > 0 { a["final_snapshot_identifier"] = .string("\(spec.projectName)-redis-final") }
        if e.securityGroupIDs.isEmpty { a["security_group_ids"] = .list((info?.securityGroups ?? []).map { .string($0) }) }
        return ObservedResource(type: rgType, name: "redis", attributes: a)
    }

    /// `7.1` asked, `7.1.0` running: the same version.
    static func sameVersion(_ live: String, _ wanted: String) -> Bool { live == wanted || live.hasPrefix(wanted + ".") }

    func observeURLSecret(_ spec: DeploymentSpec) async throws -> [String: ObservedResource] {
        let name = spec.effectiveURLSecretName
        guard let d = try await api.describeSecret(name), d["DeletedDate"] == nil || d["DeletedDate"] is JSONNull else { return [:] }
        let arn = d["ARN"] as? String ?? ""
        var out: [String: ObservedResource] = [:]
        var attrs: [String: AttributeValue] = [
            "name": .string(d["Name"] as? String ?? name), "description": .string(d["Description"] as? String ?? ""),
            "recovery_window_in_days": .int(7), "arn": .string(arn), "tags_all": Self.tagsValue(ElastiCacheAPI.secretTags(d)),
        ]
        if let k = d["KmsKeyId"] as? String { attrs["kms_key_id"] = .string(k) }
        out[Self.urlSecretAddress] = ObservedResource(type: "aws_secretsmanager_secret", name: "redis_url", attributes: attrs)
        // The version is current only when it holds the URL of the live group: a stale one is planned again.
        if let value = try await api.secretValue(name) {
            secrets.add(value)
            let current = try await currentURL(spec)
            if current == nil || current == value {
                out[Self.urlVersionAddress] = ObservedResource(type: "aws_secretsmanager_secret_version", name: "redis_url", attributes: [
                    "secret_id": .string(arn), "secret_string": .sensitive, "version_id": .string(Self.versionToken(name: name, value: value)),
                ])
            }
        }
        return out
    }

    // MARK: steps

    public func start(_ step: ApplyStep, context: StepContext) async throws -> OperationStatus {
        try await guarded(step.address) {
            let spec = step.spec
            switch (step.address, step.action) {
            case (Self.subnetAddress, .create), (Self.subnetAddress, .update): return .done(try await ensureSubnetGroup(spec))
            case (Self.subnetAddress, .delete):
                try await ignoring(["CacheSubnetGroupNotFoundFault"]) {
                    _ = try await api.client.query(.elasticache, "DeleteCacheSubnetGroup", [("CacheSubnetGroupName", .string(Self.subnetGroupName(spec)))])
                }
                return .done(nil)
            case (Self.sgAddress, .create), (Self.sgAddress, .update): return .done(try await ensureSecurityGroup(spec))
            case (Self.sgAddress, .delete):
                let e = Self.ec(spec)
                let vpc = try await api.vpc(subnets: e.subnetIDs, configured: e.vpcID)
                if let g = try await api.securityGroup(name: Self.sgName(spec), vpc: vpc.id), let id = g.string("groupId") {
                    try await ignoring(["InvalidGroup.NotFound"]) {
                        _ = try await api.client.query(.ec2, "DeleteSecurityGroup", [("GroupId", .string(id))])
                    }
                }
                return .done(nil)
            case (Self.pgAddress, .create), (Self.pgAddress, .update): return .done(try await ensureParameterGroup(spec))
            case (Self.pgAddress, .delete):
                try await ignoring(["CacheParameterGroupNotFound"]) {
                    _ = try await api.client.query(.elasticache, "DeleteCacheParameterGroup", [("CacheParameterGroupName", .string(Self.pgName(spec)))])
                }
                return .done(nil)
            case (Self.authAddress, .create), (Self.authAddress, .update):
                _ = try await ensureAuthToken(spec)
                return .done(try await observeAuth(spec))
            case (Self.authAddress, .delete):
                try await deleteSecret(Self.authSecretName(spec))
                return .done(nil)
            case (Self.rgAddress, .create): return try await createReplicationGroup(spec, address: step.address)
            case (Self.rgAddress, .update): return try await modifyReplicationGroup(spec, change: step.change)
            case (Self.rgAddress, .delete): return try await deleteReplicationGroup(spec)
            case (Self.urlSecretAddress, .create), (Self.urlSecretAddress, .update), (Self.urlVersionAddress, .create), (Self.urlVersionAddress, .update):
                try await ensureURLSecret(spec)
                let obs = try await observeURLSecret(spec)
                return .done(obs[step.address])
            case (Self.urlSecretAddress, .delete):
                try await deleteSecret(spec.effectiveURLSecretName)
                return .done(nil)
            case (Self.urlVersionAddress, .delete):
                return .done(nil) // the value goes with the secret
            default:
                throw ProviderError(.other, resource: step.address, message: "the ElastiCache provider does not manage \(step.type)", hint: "remove it from the deployment")
            }
        }
    }

    public func poll(_ operation: PendingOperation, context: StepContext) async throws -> OperationStatus {
        try await guarded(operation.address) {
            let spec = context.spec
            if let target = LayoutTarget(token: operation.token) { return try await pollLayout(target, operation, spec: spec) }
            guard let (g, info) = try await describeFull(spec) else {
                if operation.action == .delete { return .done(nil) }
                throw ProviderError(.operationFailed, resource: operation.address, message: "the replication group \(Self.rgID(spec)) disappeared while \(operation.action.gerund)",
                                    hint: "re-run `infera apply` to create it again")
            }
            switch g.status {
            case "available" where operation.action != .delete:
                if operation.action == .create || operation.action == .update {
                    // The URL secret follows the live endpoint.
                    if Self.ec(spec).authToken || true { try await refreshURLIfPresent(spec) }
                }
                return .done(try await observedWithTags(g, info, spec))
            case "create-failed":
                throw ProviderError(.operationFailed, resource: operation.address, message: "ElastiCache reports create-failed for \(g.id)",
                                    hint: "check the ElastiCache console events for the cause, then `infera destroy` and re-apply")
            default:
                var op = operation
                op.detail = g.status
                return .pending(op)
            }
        }
    }

    // MARK: create-or-adopt

    func ensureSubnetGroup(_ spec: DeploymentSpec) async throws -> ObservedResource? {
        let e = Self.ec(spec)
        let name = Self.subnetGroupName(spec)
        var ids = e.subnetIDs
        if ids.isEmpty {
            let vpc = try await api.vpc(subnets: [], configured: e.vpcID)
            ids = try await api.subnets(vpc: vpc.id)
        }
        let desc = "Private subnets for the \(spec.projectName) Redis replication group"
        let subnetList = QueryValue.list(member: ElastiCacheListMembers.subnetIds, ids.map { .string($0) })
        if try await api.subnetGroup(name) == nil {
            do {
                _ = try await api.client.query(.elasticache, "CreateCacheSubnetGroup", [
                    ("CacheSubnetGroupName", .string(name)), ("CacheSubnetGroupDescription", .string(desc)),
                    ("SubnetIds", subnetList), ("Tags", ElastiCacheAPI.tags(spec.effectiveLabels)),
                ])
            } catch let err as AWSError where err.code == "CacheSubnetGroupAlreadyExists" {}
        } else {
            _ = try await api.client.query(.elasticache, "ModifyCacheSubnetGroup", [
                ("CacheSubnetGroupName", .string(name)), ("CacheSubnetGroupDescription", .string(desc)), ("SubnetIds", subnetList),
            ])
        }
        if let arn = try await api.subnetGroup(name)?.string("ARN") { try await api.reconcileTags(arn: arn, want: spec.effectiveLabels) }
        return try await observeSubnetGroup(spec)
    }

    func ensureSecurityGroup(_ spec: DeploymentSpec) async throws -> ObservedResource? {
        let e = Self.ec(spec)
        let vpc = try await api.vpc(subnets: e.subnetIDs, configured: e.vpcID)
        let name = Self.sgName(spec)
        var gid = try await api.securityGroup(name: name, vpc: vpc.id)?.string("groupId")
        if gid == nil {
            do {
                let r = try await api.client.query(.ec2, "CreateSecurityGroup", [
                    ("GroupName", .string(name)), ("GroupDescription", .string("Redis for \(spec.projectName): inbound \(e.port)/tcp from clients only")),
                    ("VpcId", .string(vpc.id)),
                    ("TagSpecification", .list(member: nil, [.structure([
                        ("ResourceType", .string("security-group")),
                        ("Tag", .list(member: nil, spec.effectiveLabels.map { .structure([("Key", .string($0.key)), ("Value", .string($0.value))]) })),
                    ])])),
                ])
                gid = r.string("groupId")
            } catch let err as AWSError where err.code == "InvalidGroup.Duplicate" {
                gid = try await api.securityGroup(name: name, vpc: vpc.id)?.string("groupId")
            }
        }
        guard let id = gid else {
            throw ProviderError(.unexpectedResponse, resource: Self.sgAddress, message: "EC2 returned no group id for \(name)", hint: "re-run `infera apply`")
        }
        let cidrs = e.clientCIDRBlocks.isEmpty ? [vpc.cidr ?? "10.0.0.0/16"] : e.clientCIDRBlocks
        var have: Set<String> = []
        if let g = try await api.securityGroup(id: id) {
            for p in g["ipPermissions"]?.children ?? [] where p.int("fromPort") == e.port {
                for r in p["ipRanges"]?.children ?? [] { if let c = r.string("cidrIp") { have.insert(c) } }
            }
            try await api.reconcileEC2Tags(id: id, have: ElastiCacheAPI.ec2Tags(g), want: spec.effectiveLabels)
        }
        let missing = cidrs.filter { !have.contains($0) }
        if !missing.isEmpty {
            try await ignoring(["InvalidPermission.Duplicate"]) {
                _ = try await api.client.query(.ec2, "AuthorizeSecurityGroupIngress", [
                    ("GroupId", .string(id)),
                    ("IpPermissions", .list(member: nil, [.structure([
                        ("IpProtocol", .string("tcp")), ("FromPort", .int(e.port)), ("ToPort", .int(e.port)),
                        ("IpRanges", .list(member: nil, missing.map { .structure([("CidrIp", .string($0)), ("Description", .string("Redis clients"))]) })),
                    ])])),
                ])
            }
        }
        return try await observeSecurityGroup(spec)
    }

    func ensureParameterGroup(_ spec: DeploymentSpec) async throws -> ObservedResource? {
        let e = Self.ec(spec)
        let name = Self.pgName(spec)
        if try await api.parameterGroup(name) == nil {
            do {
                _ = try await api.client.query(.elasticache, "CreateCacheParameterGroup", [
                    ("CacheParameterGroupName", .string(name)), ("CacheParameterGroupFamily", .string(e.parameterFamily)),
                    ("Description", .string("Redis settings for \(spec.projectName) (managed by infera)")),
                    ("Tags", ElastiCacheAPI.tags(spec.effectiveLabels)),
                ])
            } catch let err as AWSError where err.code == "CacheParameterGroupAlreadyExists" {}
        }
        let current = try await api.parameters(name)
        let changed = e.parameters.sorted { $0.key < $1.key }.filter { current[$0.key] != $0.value }
        var i = 0
        while i < changed.count { // at most 20 per call
            let chunk = changed[i..<min(i + 20, changed.count)]
            _ = try await api.client.query(.elasticache, "ModifyCacheParameterGroup", [
                ("CacheParameterGroupName", .string(name)),
                ("ParameterNameValues", .list(member: ElastiCacheListMembers.parameterNameValues, chunk.map {
                    .structure([("ParameterName", .string($0.key)), ("ParameterValue", .string($0.value))])
                })),
            ])
            i += 20
        }
        if let arn = try await api.parameterGroup(name)?.string("ARN") { try await api.reconcileTags(arn: arn, want: spec.effectiveLabels) }
        return try await observeParameterGroup(spec)
    }

    /// AUTH token rules (providers.md §2.2): 16–128 printable ASCII, specials only `! & # $ ^ < > -`.
    public static func isValidAuthToken(_ t: String) -> Bool {
        let allowed = Set("!&#$^<>-")
        return (16...128).contains(t.count) && t.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || allowed.contains($0)) }
    }

    /// 32 letters and digits from the system CSPRNG (getrandom on Linux), with rejection sampling (no modulo bias).
    public static func generateAuthToken(length: Int = 32) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var rng = SystemRandomNumberGenerator()
        var out = ""
        while out.count < length {
            let b = UInt8.random(in: 0...255, using: &rng)
            if Int(b) < 248 { out.append(alphabet[Int(b) % alphabet.count]) } // 248 = 4·62
        }
        return out
    }

    /// A ClientRequestToken derived from the secret name and value (36 chars): the same write retried is a no-op.
    static func versionToken(name: String, value: String) -> String {
        let h = Array(SHA256.hash(data: Array((name + "\u{0}" + value).utf8)))
        let hex = h.prefix(16).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    /// The token in `<project>/redis-auth`: adopted when present (restored when scheduled for deletion), created once
    /// otherwise. Never rotated by apply.
    func ensureAuthToken(_ spec: DeploymentSpec) async throws -> String {
        let name = Self.authSecretName(spec)
        for _ in 0..<4 {
            if let d = try await api.describeSecret(name) {
                if let del = d["DeletedDate"], !(del is JSONNull) {
                    _ = try await api.client.json(.secretsManager, "RestoreSecret", ["SecretId": name])
                }
                if let v = try await api.secretValue(name) {
                    secrets.add(v)
                    guard Self.isValidAuthToken(v) else {
                        throw ProviderError(.rejected, resource: Self.authAddress, message: "the secret \(name) does not hold a valid ElastiCache AUTH token (16–128 characters, letters, digits and ! & # $ ^ < > -)",
                                            hint: "fix or delete the secret \(name); infera then generates a new token")
                    }
                    return v
                }
                let token = Self.generateAuthToken()
                secrets.add(token)
                _ = try await api.client.json(.secretsManager, "PutSecretValue", [
                    "SecretId": name, "SecretString": token, "ClientRequestToken": Self.versionToken(name: name, value: token)])
                return token
            }
            let token = Self.generateAuthToken()
            secrets.add(token)
            do {
                _ = try await api.client.json(.secretsManager, "CreateSecret", [
                    "Name": name, "SecretString": token, "ClientRequestToken": Self.versionToken(name: name, value: token),
                    "Description": "ElastiCache AUTH token for \(spec.projectName) (managed by infera; re-used by every apply)",
                    "Tags": spec.effectiveLabels.map { ["Key": $0.key, "Value": $0.value] },
                ])
                return token
            } catch let e as AWSError where e.code == "ResourceExistsException" || e.code == "InvalidRequestException" {
                continue // taken meanwhile (or scheduled for deletion): describe again
            }
        }
        throw ProviderError(.operationFailed, resource: Self.authAddress, message: "could not create or adopt the secret \(name)", hint: "re-run `infera apply`")
    }

    func createReplicationGroup(_ spec: DeploymentSpec, address: String) async throws -> OperationStatus {
        let e = Self.ec(spec)
        let id = Self.rgID(spec)
        if let existing = try await api.replicationGroup(id) {
            if existing.status == "deleting" {
                return .pending(PendingOperation(address: address, action: .delete, token: "describe:\(id)", resourceID: id, detail: "deleting"))
            }
            return .pending(PendingOperation(address: address, action: .create, token: "describe:\(id)", resourceID: id, detail: existing.status))
        }
        var p: [(String, QueryValue)] = [
            ("ReplicationGroupId", .string(id)),
            ("ReplicationGroupDescription", .string("Redis for \(spec.projectName) (\(spec.environment))")),
        ]
        if let c = spec.cluster { p += Self.clusterCreateParameters(c) } else { p.append(("NumCacheClusters", .int(e.nodeCount))) }
        p += [
            ("CacheNodeType", .string(e.nodeType)), ("Engine", .string(e.engine)),
            ("EngineVersion", .string(e.engineVersion)), ("AutomaticFailoverEnabled", .bool(e.automaticFailover)),
            ("MultiAZEnabled", .bool(e.multiAZ)),
        ]
        if e.authToken {
            guard e.transitEncryption else {
                throw ProviderError(.rejected, resource: address, message: "an AUTH token needs transit encryption (ElastiCache accepts AuthToken only with TransitEncryptionEnabled)",
                                    hint: "set cache.security.transit_encryption: true, or cache.security.auth_token: false")
            }
            let token = try await ensureAuthToken(spec)
            p.append(("AuthToken", .string(token)))
        }
        p.append(("TransitEncryptionEnabled", .bool(e.transitEncryption)))
        p.append(("AtRestEncryptionEnabled", .bool(e.atRestEncryption)))
        if let k = e.kmsKeyARN { p.append(("KmsKeyId", .string(k))) }
        p.append(("SnapshotRetentionLimit", .int(e.snapshotRetentionDays)))
        if let w = e.snapshotWindow { p.append(("SnapshotWindow", .string(w))) }
        if let w = e.maintenanceWindow { p.append(("PreferredMaintenanceWindow", .string(w))) }
        p.append(("CacheParameterGroupName", .string(Self.wantedPG(spec))))
        p.append(("CacheSubnetGroupName", .string(Self.subnetGroupName(spec))))
        let sgs = try await securityGroupIDs(spec)
        if !sgs.isEmpty { p.append(("SecurityGroupIds", .list(member: ElastiCacheListMembers.securityGroupIds, sgs.map { .string($0) }))) }
        p.append(("Port", .int(e.port)))
        p.append(("Tags", ElastiCacheAPI.tags(spec.effectiveLabels)))
        do {
            _ = try await api.client.query(.elasticache, "CreateReplicationGroup", p)
        } catch let err as AWSError where err.code == "ReplicationGroupAlreadyExists" {
            // An earlier attempt reached AWS: adopt it.
        }
        return .pending(PendingOperation(address: address, action: .create, token: "describe:\(id)", resourceID: id, detail: "creating"))
    }

    func securityGroupIDs(_ spec: DeploymentSpec) async throws -> [String] {
        let e = Self.ec(spec)
        if !e.securityGroupIDs.isEmpty { return e.securityGroupIDs }
        let vpc = try await api.vpc(subnets: e.subnetIDs, configured: e.vpcID)
        if let id = try await api.securityGroup(name: Self.sgName(spec), vpc: vpc.id)?.string("groupId") { return [id] }
        return []
    }

    /// `ModifyReplicationGroup` with `ApplyImmediately` from `cache.apply_immediately` (default false, as in Terraform; the
    /// plan shows it) for what can change in place; replica count changes use Increase/DecreaseReplicaCount, which AWS
    /// only accepts with `ApplyImmediately=true`; tags through Add/RemoveTagsToResource.
    func modifyReplicationGroup(_ spec: DeploymentSpec, change: ResourceChange) async throws -> OperationStatus {
        let e = Self.ec(spec)
        let id = Self.rgID(spec)
        guard let g = try await api.replicationGroup(id) else {
            return try await createReplicationGroup(spec, address: Self.rgAddress)
        }
        if g.status != "available" {
            if let c = spec.cluster { return layoutPending(LayoutTarget(id: id, shards: c.shards, replicas: c.replicasPerShard), detail: g.status) }
            return .pending(PendingOperation(address: Self.rgAddress, action: .update, token: "describe:\(id)", resourceID: id, detail: g.status))
        }
        var p: [(String, QueryValue)] = [("ReplicationGroupId", .string(id)), ("ApplyImmediately", .bool(e.applyImmediately))]
        let names = Set(change.changedAttributes.map(\.name))
        if names.contains("tags_all"), let arn = g.arn { try await api.reconcileTags(arn: arn, want: spec.effectiveLabels) }
        if names.contains("node_type") { p.append(("CacheNodeType", .string(e.nodeType))) }
        if names.contains("engine_version") { p.append(("EngineVersion", .string(e.engineVersion))) }
        if names.contains("automatic_failover_enabled") { p.append(("AutomaticFailoverEnabled", .bool(e.automaticFailover))) }
        if names.contains("multi_az_enabled") { p.append(("MultiAZEnabled", .bool(e.multiAZ))) }
        if names.contains("snapshot_retention_limit") { p.append(("SnapshotRetentionLimit", .int(e.snapshotRetentionDays))) }
        if names.contains("snapshot_window"), let w = e.snapshotWindow { p.append(("SnapshotWindow", .string(w))) }
        if names.contains("maintenance_window"), let w = e.maintenanceWindow { p.append(("PreferredMaintenanceWindow", .string(w))) }
        if names.contains("description") { p.append(("ReplicationGroupDescription", .string("Redis for \(spec.projectName) (\(spec.environment))"))) }
        if names.contains("parameter_group_name") { p.append(("CacheParameterGroupName", .string(Self.wantedPG(spec)))) }
        if names.contains("security_group_ids") {
            let sgs = try await securityGroupIDs(spec)
            if !sgs.isEmpty { p.append(("SecurityGroupIds", .list(member: ElastiCacheListMembers.securityGroupIds, sgs.map { .string($0) }))) }
        }
        // Layout changes (and the replica count without cluster mode) run after ModifyReplicationGroup, each once the
        // group is available again: ElastiCache refuses a second modification while one runs.
        if let c = spec.cluster {
            return try await modifyInTurn(spec, target: LayoutTarget(id: id, shards: c.shards, replicas: c.replicasPerShard), group: g, modify: p.count > 2 ? p : nil)
        }
        if names.contains("num_cache_clusters") {
            return try await modifyInTurn(spec, target: LayoutTarget(id: id, shards: 1, replicas: e.replicas), group: g, modify: p.count > 2 ? p : nil)
        }
        if p.count > 2 {
            _ = try await api.client.query(.elasticache, "ModifyReplicationGroup", p)
        }
        return .pending(PendingOperation(address: Self.rgAddress, action: .update, token: "describe:\(id)", resourceID: id, detail: "modifying"))
    }

    func deleteReplicationGroup(_ spec: DeploymentSpec) async throws -> OperationStatus {
        let id = Self.rgID(spec)
        guard let g = try await api.replicationGroup(id) else { return .done(nil) }
        if g.status == "deleting" {
            return .pending(PendingOperation(address: Self.rgAddress, action: .delete, token: "describe:\(id)", resourceID: id, detail: "deleting"))
        }
        if g.status != "available" {
            // Modify and delete need `available` (InvalidReplicationGroupState otherwise): wait, then the engine re-runs.
            throw ProviderError(.operationFailed, resource: Self.rgAddress, message: "the replication group is \(g.status); it can be deleted once it is available",
                                hint: "wait a few minutes and re-run `infera destroy`")
        }
        var p: [(String, QueryValue)] = [("ReplicationGroupId", .string(id))]
        if let snap = finalSnapshot { p.append(("FinalSnapshotIdentifier", .string(snap))) }
        do {
            _ = try await api.client.query(.elasticache, "DeleteReplicationGroup", p)
        } catch let e as AWSError where e.code == "ReplicationGroupNotFoundFault" {
            return .done(nil)
        }
        return .pending(PendingOperation(address: Self.rgAddress, action: .delete, token: "describe:\(id)", resourceID: id,
                                         detail: finalSnapshot.map { "deleting (final snapshot \($0))" } ?? "deleting"))
    }

    // MARK: secrets

    /// `rediss://:<token>@<primary>:<port>` for the live group, nil while it has no endpoint.
    func currentURL(_ spec: DeploymentSpec) async throws -> String? {
        let e = Self.ec(spec)
        guard let g = try await api.replicationGroup(Self.rgID(spec)), let host = g.clusterEnabled ? g.configurationEndpoint : g.primaryEndpoint else { return nil }
        var auth = ""
        if e.authToken, let token = try await api.secretValue(Self.authSecretName(spec)) {
            secrets.add(token)
            auth = ":\(Percent.encode(token))@"
        }
        return "\(e.transitEncryption ? "rediss" : "redis")://\(auth)\(host):\(g.port ?? e.port)"
    }

    func ensureURLSecret(_ spec: DeploymentSpec) async throws {
        let name = spec.effectiveURLSecretName
        guard let url = try await currentURL(spec) else {
            throw ProviderError(.operationFailed, resource: Self.urlVersionAddress, message: "the replication group has no endpoint yet",
                                hint: "re-run `infera apply` once it is available")
        }
        secrets.add(url)
        try await putSecret(name: name, value: url, spec: spec, description: "Redis connection URL for \(spec.projectName)")
    }

    func refreshURLIfPresent(_ spec: DeploymentSpec) async throws {
        guard let d = try await api.describeSecret(spec.effectiveURLSecretName), d["DeletedDate"] == nil || d["DeletedDate"] is JSONNull else { return }
        try await ensureURLSecret(spec)
    }

    /// Creates the secret with its value, or writes a new version only when the value changed.
    func putSecret(name: String, value: String, spec: DeploymentSpec, description: String) async throws {
        let token = Self.versionToken(name: name, value: value)
        for _ in 0..<4 {
            if let d = try await api.describeSecret(name) {
                if let del = d["DeletedDate"], !(del is JSONNull) {
                    _ = try await api.client.json(.secretsManager, "RestoreSecret", ["SecretId": name])
                }
                try await api.reconcileSecretTags(name, have: ElastiCacheAPI.secretTags(d), want: spec.effectiveLabels)
                if try await api.secretValue(name) == value { return }
                _ = try await api.client.json(.secretsManager, "PutSecretValue", ["SecretId": name, "SecretString": value, "ClientRequestToken": token])
                return
            }
            do {
                var body: [String: Any] = ["Name": name, "SecretString": value, "ClientRequestToken": token, "Description": description,
                                           "Tags": spec.effectiveLabels.map { ["Key": $0.key, "Value": $0.value] }]
                if let k = Self.ec(spec).kmsKeyARN { body["KmsKeyId"] = k }
                _ = try await api.client.json(.secretsManager, "CreateSecret", body)
                return
            } catch let e as AWSError where e.code == "ResourceExistsException" || e.code == "InvalidRequestException" {
                continue
            }
        }
        throw ProviderError(.operationFailed, resource: Self.urlSecretAddress, message: "could not create or update the secret \(name)", hint: "re-run `infera apply`")
    }

    /// DeleteSecret with the 7-day recovery window (or `ForceDeleteWithoutRecovery` with `destroy --force`).
    func deleteSecret(_ name: String) async throws {
        guard let d = try await api.describeSecret(name) else { return }
        if let del = d["DeletedDate"], !(del is JSONNull), !forceDeleteSecrets { return }
        var body: [String: Any] = ["SecretId": name]
        if forceDeleteSecrets { body["ForceDeleteWithoutRecovery"] = true } else { body["RecoveryWindowInDays"] = 7 }
        try await ignoring(["ResourceNotFoundException"]) { _ = try await api.client.json(.secretsManager, "DeleteSecret", body) }
    }

    func ignoring(_ codes: Set<String>, _ body: () async throws -> Void) async throws {
        do { try await body() } catch let e as AWSError where codes.contains(e.code) {}
    }

    // MARK: outputs and status

    public func outputs(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [OutputValue] {
        try await guarded("outputs") {
            let e = Self.ec(spec)
            guard let g = try await api.replicationGroup(Self.rgID(spec)) else { return [] }
            if g.clusterEnabled { return try await clusterOutputs(g, spec: spec) }
            var out: [OutputValue] = []
            if let p = g.primaryEndpoint { out.append(OutputValue(name: "endpoint", value: p, description: "primary endpoint (writes)")) }
            if let r = g.readerEndpoint, e.replicas > 0 { out.append(OutputValue(name: "reader_endpoint", value: r, description: "reader endpoint (replicas)")) }
            out.append(OutputValue(name: "port", value: String(g.port ?? e.port), description: "Redis port"))
            if let url = try await currentURL(spec) {
                out.append(OutputValue(name: "redis_url", value: url, sensitive: true, description: "Connection URL for \(spec.urlEnvVar) (also in Secrets Manager: \(spec.effectiveURLSecretName))"))
            }
            if e.authToken, let t = try await api.secretValue(Self.authSecretName(spec)) {
                secrets.add(t)
                out.append(OutputValue(name: "auth_token", value: t, sensitive: true, description: "AUTH token (Secrets Manager: \(Self.authSecretName(spec)))"))
            }
            out.append(OutputValue(name: "url_secret", value: spec.effectiveURLSecretName, description: "Secrets Manager secret holding the URL"))
            return out.sorted { $0.name < $1.name }
        }
    }

    public func status(_ spec: DeploymentSpec, observed: ObservedState) async throws -> [ResourceStatus] {
        try await guarded("status") {
            var out: [ResourceStatus] = []
            let full = try await describeFull(spec)
            if let (g, info) = full, g.clusterEnabled {
                out.append(clusterStatus(g, info, spec: spec))
            } else if let (g, info) = full {
                var details: [String: String] = [
                    "at_rest_encryption": String(g.atRestEncryption), "automatic_failover": g.automaticFailover, "multi_az": g.multiAZ,
                    "snapshot_window": g.snapshotWindow ?? "-", "snapshot_retention_days": String(g.snapshotRetention),
                    "pending_modified_values": Self.pendingText(g.pending.merging(info?.pending ?? [:]) { a, _ in a }),
                    "apply_immediately": String(Self.ec(spec).applyImmediately),
                ]
                if let r = g.readerEndpoint { details["reader_endpoint"] = r }
                if let m = info?.maintenanceWindow { details["maintenance_window"] = m }
                out.append(ResourceStatus(address: Self.rgAddress, type: Self.rgType, id: g.id, state: g.status, endpoint: g.primaryEndpoint,
                                          port: g.port, size: "\(g.nodeType) x\(g.memberClusters.count)", version: info?.engineVersion,
                                          tls: g.transitEncryption, auth: g.authTokenEnabled, details: details))
            } else {
                out.append(ResourceStatus(address: Self.rgAddress, type: Self.rgType, state: "absent"))
            }
            for (address, r) in observed.resources.sorted(by: { $0.key < $1.key }) where address != Self.rgAddress {
                var id: String?
                for k in ["id", "arn", "name"] { if case .string(let s)? = r.attributes[k], !s.isEmpty { id = s; break } }
                out.append(ResourceStatus(address: address, type: r.type, id: id, state: "present"))
            }
            return out
        }
    }

    static func pendingText(_ p: [String: String]) -> String {
        p.isEmpty ? "none" : p.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    // MARK: errors

    /// Maps AWS errors, credential failures and transport errors to `ProviderError`s with the fix.
    func guarded<T: Sendable>(_ resource: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as AWSError {
            throw Self.map(e, resource: resource)
        } catch let e as NoCredentialsError {
            // `plan` falls back to an offline plan on MissingCredentials; apply/destroy/status fail with it.
            throw MissingCredentials(provider: "AWS", hint: "tried, in order: " + e.tried.joined(separator: "; ") + ". " + NoCredentialsError.hint)
        } catch let e as CredentialSourceError where e.source == "profile" {
            // The named profile is not on this machine: no credentials here (plan falls back to an offline plan).
            throw MissingCredentials(provider: "AWS", hint: e.message + "; " + e.hint)
        } catch let e as CredentialSourceError {
            throw ProviderError(.authentication, resource: resource, message: e.description, hint: e.hint)
        } catch let e as HTTPError {
            throw ProviderError.unreachable(e, resource: resource, endpointVariable: "AWS_ENDPOINT_URL_ELASTICACHE / AWS_ENDPOINT_URL")
        } catch let e as AWSEndpointError {
            throw ProviderError(.other, resource: resource, message: e.description, hint: "check AWS_ENDPOINT_URL* and AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT")
        }
    }

    public static func map(_ e: AWSError, resource: String) -> ProviderError {
        let what = "\(e.service.displayName) \(e.action): \(e.code): \(e.message)"
        if e.isExpiredToken {
            return ProviderError(.authentication, resource: resource, message: "the AWS session token has expired (\(what))",
                                 hint: "get fresh temporary credentials (re-run your CI login step, `aws sso login`, or `aws sts get-session-token`) and export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN again", status: e.httpStatus)
        }
        if e.isAccessDenied {
            return ProviderError(.authentication, resource: resource, message: "access denied (\(what))",
                                 hint: "grant the IAM identity infera runs as the elasticache:*, secretsmanager:* (on <project>/*) and ec2 security-group permissions listed in docs/apply.md (AWS section)", status: e.httpStatus)
        }
        if e.isAuthFailure {
            return ProviderError(.authentication, resource: resource, message: "AWS rejected the credentials (\(what))",
                                 hint: e.code == "SignatureDoesNotMatch" ? "check AWS_SECRET_ACCESS_KEY (or the profile's aws_secret_access_key)"
                                     : "check AWS_ACCESS_KEY_ID / AWS_PROFILE: the key must exist and be active in this account and partition", status: e.httpStatus)
        }
        if e.code == "InvalidParameterValue" && e.message.contains("Cache Node Type") {
            return ProviderError(.rejected, resource: resource, message: what,
                                 hint: "set cache.instance.node_type to a current ElastiCache node type such as cache.t4g.micro, cache.t4g.small, cache.r7g.large or cache.m7g.large", status: e.httpStatus)
        }
        if e.code == "InvalidSubnet" || e.code == "InvalidSubnetID.NotFound" || e.code == "SubnetNotAllowedFault" {
            return ProviderError(.rejected, resource: resource, message: what,
                                 hint: "check cache.networking.subnet_ids: each must be an existing subnet-… id in \(e.service == .ec2 ? "this region" : "the region") (aws ec2 describe-subnets)", status: e.httpStatus)
        }
        if e.code == "InvalidCacheParameterGroupState" {
            return ProviderError(.operationFailed, resource: resource, message: what,
                                 hint: "the replication group still uses this parameter group; re-run `infera apply` once it is available (it moves to the family's default group first)", status: e.httpStatus)
        }
        if e.isRetryable {
            return ProviderError(.unavailable, resource: resource, message: "\(what) (still failing after retries)",
                                 hint: "AWS is throttling or unavailable; re-run `infera apply` later (the journal keeps it resumable)", status: e.httpStatus)
        }
        return ProviderError(.rejected, resource: resource, message: what, hint: "fix the setting named in the message in infera.yaml and re-run", status: e.httpStatus)
    }
}

extension Optional {
    func asyncMap<U>(_ f: (Wrapped) async throws -> U) async rethrows -> U? {
        switch self {
        case .some(let w): return try await f(w)
        case .none: return nil
        }
    }
}
