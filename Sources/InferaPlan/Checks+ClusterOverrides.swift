// In cluster mode a few of the standing checks read different settings: authorization mode instead of AUTH,
// replicas per shard instead of the tier, the node type instead of the instance size.

extension Checks {
    /// Replacements for standing rules when the spec is in cluster mode, by rule id.
    public static let clusterOverrides: [String: CheckRule] = {
        var out: [String: CheckRule] = [:]
        for rule in rules where ["INF001", "INF003", "INF007"].contains(rule.id) {
            let original = rule.evaluate
            var r = rule
            r.hint = [
                "INF001": "set cache.security.authorization_mode: IAM_AUTH (Memorystore cluster) / cache.security.auth_token: true (ElastiCache)",
                "INF003": "production: cache.instance.replicas_per_shard ≥ 1 (and multi_az on ElastiCache)",
                "INF007": "production: a dedicated-core cache.instance.node_type (REDIS_STANDARD_SMALL or HIGHMEM on Memorystore; m/r family on ElastiCache)",
            ][rule.id] ?? rule.hint
            r.evaluate = { c in
                guard let cl = c.spec.cluster else { return original(c) }
                switch (rule.id, c.spec.provider) {
                case ("INF001", .memorystore):
                    return cl.iamAuth ? [] : ["authorization_mode is DISABLED: any client that reaches the discovery endpoint can read and write"]
                case ("INF003", _):
                    guard c.spec.isProduction else { return nil }
                    if cl.replicasPerShard == 0 { return ["no replica per shard: a node failure loses that shard's keys and its slots fail until it is replaced"] }
                    if case .elasticache(let e) = c.spec.provider, !e.multiAZ { return ["Multi-AZ is off: a shard's replicas may share its primary's Availability Zone"] }
                    return []
                case ("INF007", .memorystore):
                    return c.spec.isProduction && cl.nodeType == "REDIS_SHARED_CORE_NANO"
                        ? ["REDIS_SHARED_CORE_NANO nodes share CPU cores: meant for development"] : []
                case ("INF007", .elasticache):
                    let burstable = ["cache.t2.", "cache.t3.", "cache.t4g."].contains { cl.nodeType.hasPrefix($0) }
                    return c.spec.isProduction && burstable ? ["\(cl.nodeType) is burstable: CPU credits run out under sustained load"] : []
                default:
                    return original(c)
                }
            }
            out[rule.id] = r
        }
        return out
    }()
}
