// Cost of a sharded deployment: nodes × rate, where nodes = shards × (1 + replicas per shard)
// (Infracost's rule for ElastiCache cluster mode, shared/reference/pricing.md §2).

extension CostEstimator {
    /// The estimate in cluster mode, nil for a provider without one.
    static func clusterEstimate(_ spec: DeploymentSpec, _ c: ClusterSpec) -> CostEstimate? {
        var lines: [CostLine] = []
        var assumptions = ["\(Int(Pricing.hoursPerMonth)) hours per month, on-demand list prices in USD, tax excluded",
                           "\(c.shards) shard(s) × (1 primary + \(c.replicasPerShard) replica(s)) = \(c.nodeCount) node(s)"]
        var caveats: [String] = []
        switch spec.provider {
        case .elasticache(let e):
            let address = "aws_elasticache_replication_group.redis"
            var rate = Pricing.elasticacheNodeHour[spec.region]?[c.nodeType]
            if rate == nil, let fallback = Pricing.elasticacheNodeHour["us-east-1"]?[c.nodeType] {
                caveats.append("no \(c.nodeType) price for \(spec.region) in infera's data; priced at us-east-1 rates")
                rate = fallback
            }
            if e.engine == "valkey", let r = rate {
                rate = r * 0.8
                assumptions.append("Valkey nodes at 0.8 × the Redis OSS rate")
            }
            if let rate {
                lines.append(CostLine(address: address,
                                      description: "\(c.shards) shards × \(1 + c.replicasPerShard) nodes × \(c.nodeType) × $\(fmt(rate, 3))/node-hour",
                                      monthlyUSD: Double(c.nodeCount) * rate * Pricing.hoursPerMonth))
            } else {
                lines.append(CostLine(address: address, description: "\(c.nodeCount) × \(c.nodeType): no price in infera's data", monthlyUSD: nil))
                caveats.append("\(c.nodeType) is not in infera's price table; the total leaves it out")
            }
            assumptions.append("region \(spec.region), cluster mode enabled, \(e.engine == "valkey" ? "Valkey" : "Redis OSS") engine")
            if e.snapshotRetentionDays > 1 {
                caveats.append("backup storage ($\(fmt(Pricing.elasticacheBackupGBMonth, 3))/GB-month beyond one free snapshot) depends on data size and is not included")
            }
            caveats.append("data transfer (cross-AZ, cross-region) and Secrets Manager ($0.40/secret-month) are not priced")
        case .memorystore:
            let gb = c.memorystoreNodeGB.map { " (\(fmt($0, 1)) GB each, \(fmt($0 * Double(c.shards), 1)) GB in all)" } ?? ""
            lines.append(CostLine(address: "google_redis_cluster.main",
                                  description: "\(c.shards) shards × \(1 + c.replicasPerShard) nodes × \(c.nodeType)\(gb): no price in infera's data",
                                  monthlyUSD: nil))
            assumptions.append("region \(spec.region), Memorystore for Redis Cluster")
            caveats.append("Memorystore for Redis Cluster is billed per node-hour by node type; shared/reference/pricing.json has Memorystore instance (per GB-hour) rates only, so the total leaves the cluster out (price it with the Google Cloud pricing calculator: \(c.nodeCount) × \(c.nodeType))")
            caveats.append("network egress, Private Service Connect and Secret Manager access are not priced")
        case .upstash:
            return nil
        }
        let total = lines.compactMap(\.monthlyUSD).reduce(0, +)
        lines = lines.map { line in
            var l = line
            l.monthlyUSD = l.monthlyUSD.map(roundCents)
            return l
        }
        return CostEstimate(currency: "USD", priceDate: priceDate(for: spec), source: Pricing.sources[spec.providerName] ?? "",
                            hoursPerMonth: Pricing.hoursPerMonth, lines: lines, totalMonthlyUSD: roundCents(total),
                            assumptions: assumptions, caveats: caveats)
    }
}
