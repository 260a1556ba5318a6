import InferaApply
import InferaAWS
import InferaPlan

/// ElastiCache with cluster mode enabled (`cache.mode: cluster`): the replication group is created with
/// `ClusterMode=enabled`, `NumNodeGroups` and `ReplicasPerNodeGroup` and infera's parameter group (`cluster-enabled
/// yes`); its layout changes online, one operation at a time (ElastiCache refuses a second modification while the
/// group is `modifying`):
///
/// - shards: `ModifyReplicationGroupShardConfiguration` (`ApplyImmediately=true`, the only value AWS accepts); scaling
///   in names `NodeGroupsToRemove`: the highest-numbered node groups, so the same plan always removes the same shards;
/// - replicas per shard: `IncreaseReplicaCount` / `DecreaseReplicaCount` with `NewReplicaCount` (every shard) and
///   `ApplyImmediately=true`.
///
/// The target layout travels in the journaled operation's token (`layout:<id>:<shards>:<replicas>:<n>`), so a run
/// killed mid-resharding resumes by waiting for `available` and then starting what is left of the approved change.
extension ElastiCacheProvider {
    /// Operations one layout change may start (a resharding, a replica change, a ModifyReplicationGroup, and room
    /// for a resumed run); more means ElastiCache does not converge, which is reported instead of looping.
    static let maxLayoutOperations = 6

    /// The layout a cluster update converges to, and how many operations it started so far.
    struct LayoutTarget: Hashable {
        var id: String
        var shards: Int
        var replicas: Int
        var started: Int

        var token: String { "layout:\(id):\(shards):\(replicas):\(started)" }

        init(id: String, shards: Int, replicas: Int, started: Int = 0) {
            self.id = id
            self.shards = shards
            self.replicas = replicas
            self.started = started
        }

        init?(token: String) {
            let parts = token.split(separator: ":").map(String.init)
            guard parts.count == 5, parts[0] == "layout", let s = Int(parts[2]), let r = Int(parts[3]), let n = Int(parts[4]) else { return nil }
            self.init(id: parts[1], shards: s, replicas: r, started: n)
        }
    }

    /// CreateReplicationGroup parameters that make the group cluster-mode enabled.
    static func clusterCreateParameters(_ c: ClusterSpec) -> [(String, QueryValue)] {
        [("ClusterMode", .string("enabled")), ("NumNodeGroups", .int(c.shards)), ("ReplicasPerNodeGroup", .int(c.replicasPerShard))]
    }

    /// The node groups to remove when scaling `ids` in to `keep` shards: the highest-numbered ones.
    static func nodeGroupsToRemove(_ ids: [String], keep: Int) -> [String] {
        let ordered = ids.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
        return Array(ordered.dropFirst(max(0, keep)))
    }

    func layoutPending(_ target: LayoutTarget, detail: String) -> OperationStatus {
        .pending(PendingOperation(address: Self.rgAddress, action: .update, token: target.token, resourceID: target.id, detail: detail))
    }

    /// An in-place update that changes the layout (or, without cluster mode, the replica count): first
    /// `ModifyReplicationGroup` for the other attributes (when any), then the layout operations, each started once the
    /// group is `available` again.
    func modifyInTurn(_ spec: DeploymentSpec, target: LayoutTarget, group g: ReplicationGroup, modify: [(String, QueryValue)]?) async throws -> OperationStatus {
        var target = target
        if let modify {
            do {
                _ = try await api.client.query(.elasticache, "ModifyReplicationGroup", modify)
            } catch let e as AWSError where e.code == "InvalidReplicationGroupState" {
                // Another modification is running: wait for it; the next plan shows what is left.
                return layoutPending(target, detail: "waiting for the running modification")
            }
            target.started += 1
            return layoutPending(target, detail: "modifying")
        }
        if let next = try await nextLayoutOperation(target, group: g) { return next }
        return .done(try await observedWithTags(g, try await g.memberClusters.first.asyncMap { try await api.cacheCluster($0) } ?? nil, spec))
    }

    /// Starts the next operation toward `target` on an `available` group; nil when the layout is reached. Without
    /// cluster mode there is one shard and the replicas are the member clusters but the primary.
    func nextLayoutOperation(_ target: LayoutTarget, group g: ReplicationGroup) async throws -> OperationStatus? {
        let shards = g.clusterEnabled ? g.nodeGroups.count : target.shards
        let replicas = g.clusterEnabled ? g.replicasPerShard : max(0, g.memberClusters.count - 1)
        if shards == target.shards && replicas == target.replicas { return nil }
        guard target.started < Self.maxLayoutOperations else {
            throw ProviderError(.operationFailed, resource: Self.rgAddress,
                                message: "the replication group \(g.id) has \(shards) shards with \(replicas) replicas each after \(target.started) operations (wanted \(target.shards) × \(target.replicas))",
                                hint: "check the group's events in the ElastiCache console, then re-run `infera apply`")
        }
        var next = target
        next.started += 1
        do {
            if shards != target.shards {
                var p: [(String, QueryValue)] = [
                    ("ReplicationGroupId", .string(g.id)), ("NodeGroupCount", .int(target.shards)), ("ApplyImmediately", .bool(true)),
                ]
                if target.shards < shards {
                    let remove = Self.nodeGroupsToRemove(g.nodeGroups.map(\.id), keep: target.shards)
                    p.append(("NodeGroupsToRemove", .list(member: ElastiCacheListMembers.nodeGroupsToRemove, remove.map { .string($0) })))
                }
                _ = try await api.client.query(.elasticache, "ModifyReplicationGroupShardConfiguration", p)
                return layoutPending(next, detail: "resharding \(shards) → \(target.shards) shards")
            }
            let action = target.replicas > replicas ? "IncreaseReplicaCount" : "DecreaseReplicaCount"
            _ = try await api.client.query(.elasticache, action, [
                ("ReplicationGroupId", .string(g.id)), ("NewReplicaCount", .int(target.replicas)), ("ApplyImmediately", .bool(true)),
            ])
            return layoutPending(next, detail: "replicas per shard \(replicas) → \(target.replicas)")
        } catch let e as AWSError where e.code == "InvalidReplicationGroupState" {
            // Refused while another modification runs: wait for `available`, then try again.
            return layoutPending(target, detail: "waiting for the running modification")
        }
    }

    /// Polls a layout operation: waits for `available`, then starts what is left of the target layout.
    func pollLayout(_ target: LayoutTarget, _ operation: PendingOperation, spec: DeploymentSpec) async throws -> OperationStatus {
        guard let (g, info) = try await describeFull(spec) else {
            throw ProviderError(.operationFailed, resource: operation.address, message: "the replication group \(target.id) disappeared while modifying",
                                hint: "re-run `infera apply` to create it again")
        }
        guard g.status == "available" else {
            var op = operation
            if let pct = g.slotMigrationPercent {
                op.detail = "\(g.status), slot migration \(Int(pct))%"
            } else if op.detail == nil || op.detail == "waiting for the running modification" {
                op.detail = g.status
            }
            return .pending(op)
        }
        if let next = try await nextLayoutOperation(target, group: g) { return next }
        try await refreshURLIfPresent(spec)
        return .done(try await observedWithTags(g, info, spec))
    }

    /// The cluster-mode attributes of the observed replication group (DesiredState+Cluster's names).
    static func clusterAttributes(_ g: ReplicationGroup) -> [String: AttributeValue] {
        var a: [String: AttributeValue] = [
            "cluster_mode": .string("enabled"),
            "num_node_groups": .int(g.nodeGroups.count),
            "replicas_per_node_group": .int(g.replicasPerShard),
        ]
        if let c = g.configurationEndpoint { a["configuration_endpoint_address"] = .string(c) }
        return a
    }

    /// `infera status` for a cluster-mode group.
    func clusterStatus(_ g: ReplicationGroup, _ info: CacheClusterInfo?, spec: DeploymentSpec) -> ResourceStatus {
        let e = Self.ec(spec)
        var details: [String: String] = [
            "cluster_mode": g.clusterEnabled ? "enabled" : "disabled",
            "shards": String(g.nodeGroups.count), "replicas_per_shard": String(g.replicasPerShard),
            "nodes": String(g.memberClusters.count),
            "node_groups": g.nodeGroups.map { "\($0.id)[\($0.slots ?? "-")]" }.joined(separator: " "),
            "at_rest_encryption": String(g.atRestEncryption), "automatic_failover": g.automaticFailover, "multi_az": g.multiAZ,
            "snapshot_window": g.snapshotWindow ?? "-", "snapshot_retention_days": String(g.snapshotRetention),
            "pending_modified_values": Self.pendingText(g.pending.merging(info?.pending ?? [:]) { a, _ in a }),
            "apply_immediately": String(e.applyImmediately),
            "client": "Redis Cluster client (redis-py RedisCluster, ioredis Cluster, go-redis ClusterClient, redis-cli -c)",
        ]
        if let c = g.configurationEndpoint { details["configuration_endpoint"] = "\(c):\(g.port ?? e.port)" }
        if let m = info?.maintenanceWindow { details["maintenance_window"] = m }
        return ResourceStatus(address: Self.rgAddress, type: Self.rgType, id: g.id, state: g.status, endpoint: g.configurationEndpoint,
                              port: g.port, size: "\(g.nodeType) x\(g.memberClusters.count) (\(g.nodeGroups.count) shards × \(1 + g.replicasPerShard) nodes)",
                              version: info?.engineVersion, tls: g.transitEncryption, auth: g.authTokenEnabled, details: details)
    }

    /// `infera output` for a cluster-mode group: the configuration endpoint (clients discover the shards through it),
    /// the URL (sensitive: it holds the token) and where the secrets are, never the token itself.
    func clusterOutputs(_ g: ReplicationGroup, spec: DeploymentSpec) async throws -> [OutputValue] {
        let e = Self.ec(spec)
        let port = g.port ?? e.port
        var out: [OutputValue] = []
        if let c = g.configurationEndpoint {
            out.append(OutputValue(name: "configuration_endpoint", value: "\(c):\(port)",
                                   description: "cluster configuration endpoint: connect with a Redis Cluster client"))
        }
        out.append(OutputValue(name: "port", value: String(port), description: "Redis port"))
        out.append(OutputValue(name: "cluster_mode", value: "enabled",
                               description: "use a cluster client (redis-py RedisCluster, ioredis Cluster, go-redis ClusterClient); \(g.nodeGroups.count) shards"))
        if let url = try await currentURL(spec) {
            out.append(OutputValue(name: "redis_url", value: url, sensitive: true,
                                   description: "Connection URL for \(spec.urlEnvVar), cluster mode (also in Secrets Manager: \(spec.effectiveURLSecretName))"))
        }
        if e.authToken, let arn = try await api.describeSecret(Self.authSecretName(spec))?["ARN"] as? String {
            out.append(OutputValue(name: "auth_secret_arn", value: arn, description: "Secrets Manager secret holding the AUTH token"))
        }
        if let arn = try await api.describeSecret(spec.effectiveURLSecretName)?["ARN"] as? String {
            out.append(OutputValue(name: "url_secret_arn", value: arn, description: "Secrets Manager secret holding the URL"))
        }
        out.append(OutputValue(name: "url_secret", value: spec.effectiveURLSecretName, description: "Secrets Manager secret holding the URL"))
        return out.sorted { $0.name < $1.name }
    }
}
