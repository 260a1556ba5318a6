// How the plan shows layout changes of a sharded deployment: resharding and replica changes run online (an
// in-place update with the expected duration); switching cluster mode on or off replaces the replication group.

extension Differ {
    /// Attributes a desired resource leaves out but means (`cluster_mode = "disabled"` for a replication group
    /// without cluster mode). When the live resource reports another value, the change forces replacement.
    public static let impliedAttributes: [String: [String: AttributeValue]] = [
        "aws_elasticache_replication_group": ["cluster_mode": .string("disabled")],
    ]

    static func impliedChanges(_ d: DesiredResource, _ o: ObservedResource) -> [AttributeChange] {
        var out: [AttributeChange] = []
        for (name, implied) in (impliedAttributes[d.type] ?? [:]).sorted(by: { $0.key < $1.key }) where d[name] == nil {
            if let before = o.attributes[name], before != implied {
                out.append(AttributeChange(name: name, before: before, after: implied, forcesReplacement: true))
            }
        }
        return out
    }
}

/// Notes for cluster layout changes.
public enum ClusterChanges {
    public static func annotate(_ changes: [ResourceChange], spec: DeploymentSpec) -> [ResourceChange] {
        changes.map { change in
            var c = change
            let notes = self.notes(c)
            if !notes.isEmpty { c.notes = notes }
            return c
        }
    }

    static func int(_ v: AttributeValue?) -> Int? {
        if case .number(let n)? = v { return Int(n) }
        return nil
    }

    static func notes(_ c: ResourceChange) -> [String] {
        guard c.action == .update else {
            if c.action == .replace, c.changedAttributes.contains(where: { $0.name == "cluster_mode" }) {
                return ["cluster mode cannot be switched on a live group: a new replication group is created and the data is not copied"]
            }
            return []
        }
        var out: [String] = []
        let (shardsKey, replicasKey, api): (String, String, String)
        switch c.type {
        case "google_redis_cluster": (shardsKey, replicasKey, api) = ("shard_count", "replica_count", "Memorystore")
        case "aws_elasticache_replication_group": (shardsKey, replicasKey, api) = ("num_node_groups", "replicas_per_node_group", "ElastiCache")
        default: return []
        }
        for a in c.changedAttributes {
            if a.name == shardsKey, let b = int(a.before), let n = int(a.after) {
                let minutes = DeploymentSpec.expectedMinutes(shardsBefore: b, shardsAfter: n)
                let how = api == "ElastiCache" ? "ModifyReplicationGroupShardConfiguration" : "PATCH shardCount"
                out.append("online resharding \(b) → \(n) shards: expect \(minutes.lowerBound)-\(minutes.upperBound) minutes (\(how); slots move while the cluster serves)")
            }
            if a.name == replicasKey, let b = int(a.before), let n = int(a.after) {
                let how = api == "ElastiCache" ? (n > b ? "IncreaseReplicaCount" : "DecreaseReplicaCount") : "PATCH replicaCount"
                out.append("replicas per shard \(b) → \(n), online (\(how)): expect 5-15 minutes")
            }
        }
        return out
    }
}
