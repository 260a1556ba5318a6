/// One priced line of the estimate.
public struct CostLine: Sendable, Hashable, Codable {
    /// Resource address the line belongs to.
    public var address: String
    /// What is billed, e.g. `5 GB STANDARD_HA (M2) × $0.054/GB-h`.
    public var description: String
    /// USD per month; nil when infera has no price for it.
    public var monthlyUSD: Double?

    enum CodingKeys: String, CodingKey {
        case address, description, monthlyUSD = "monthly_usd"
    }
}

/// An estimated monthly cost with the assumptions it rests on.
public struct CostEstimate: Sendable, Hashable, Codable {
    public var currency: String
    /// Date of the price data.
    public var priceDate: String
    public var source: String
    public var hoursPerMonth: Double
    public var lines: [CostLine]
    /// Sum of the priced lines.
    public var totalMonthlyUSD: Double
    /// Stated assumptions (hours per month, region, replicas, usage).
    public var assumptions: [String]
    /// What the estimate leaves out or guesses.
    public var caveats: [String]

    enum CodingKeys: String, CodingKey {
        case currency, priceDate = "price_date", source, hoursPerMonth = "hours_per_month", lines, totalMonthlyUSD = "total_monthly_usd", assumptions, caveats
    }
}

/// Estimates the monthly cost of a deployment from `Pricing`.
public enum CostEstimator {
    public static func estimate(_ spec: DeploymentSpec) -> CostEstimate {
        if let cluster = spec.cluster, let estimate = clusterEstimate(spec, cluster) { return estimate }
        var lines: [CostLine] = []
        var assumptions = ["\(Int(Pricing.hoursPerMonth)) hours per month, on-demand list prices in USD, tax excluded"]
        var caveats: [String] = []
        switch spec.provider {
        case .memorystore(let m):
            let cap = Pricing.memorystoreCapacityTier(gb: m.memorySizeGB)
            var region = spec.region
            if Pricing.memorystorePerGBHour[region] == nil {
                caveats.append("no Memorystore prices for \(region) in infera's data; priced at us-central1 rates")
                region = "us-central1"
            }
            let idx = ["M1", "M2", "M3", "M4", "M5"].firstIndex(of: cap) ?? 0
            let tierKey = m.isStandardHA ? "STANDARD_HA" : "BASIC"
            let rate = Pricing.memorystorePerGBHour[region]?[tierKey]?[idx] ?? 0
            lines.append(CostLine(address: "google_redis_instance.main",
                                  description: "\(m.memorySizeGB) GB \(tierKey) (\(cap)) × $\(fmt(rate, 3))/GB-hour",
                                  monthlyUSD: Double(m.memorySizeGB) * rate * Pricing.hoursPerMonth))
            assumptions.append("region \(spec.region), \(tierKey), \(m.memorySizeGB) GB, every GB at the \(cap) rate")
            if m.isStandardHA { assumptions.append("the STANDARD_HA rate includes the failover replica") }
            if m.readReplicas, m.effectiveReplicaCount > 1 {
                caveats.append("extra read replicas not priced (unverified): \(m.effectiveReplicaCount - 1) beyond the first")
            }
            caveats.append("network egress and Secret Manager access are not priced")
        case .elasticache(let e):
            var rate = Pricing.elasticacheNodeHour[spec.region]?[e.nodeType]
            if rate == nil, let fallback = Pricing.elasticacheNodeHour["us-east-1"]?[e.nodeType] {
                caveats.append("no \(e.nodeType) price for \(spec.region) in infera's data; priced at us-east-1 rates")
                rate = fallback
            }
            if e.engine == "valkey", let r = rate {
                rate = r * 0.8
                assumptions.append("Valkey nodes at 0.8 × the Redis OSS rate")
            }
            if let rate {
                lines.append(CostLine(address: "aws_elasticache_replication_group.redis",
                                      description: "\(e.nodeCount) × \(e.nodeType) × $\(fmt(rate, 3))/node-hour",
                                      monthlyUSD: Double(e.nodeCount) * rate * Pricing.hoursPerMonth))
            } else {
                lines.append(CostLine(address: "aws_elasticache_replication_group.redis",
                                      description: "\(e.nodeCount) × \(e.nodeType): no price in infera's data", monthlyUSD: nil))
                caveats.append("\(e.nodeType) is not in infera's price table; the total leaves it out")
            }
            assumptions.append("region \(spec.region), \(e.nodeCount) node(s) (1 primary + \(e.replicas) replica(s)), \(e.engine == "valkey" ? "Valkey" : "Redis OSS") engine")
            if e.snapshotRetentionDays > 1 {
                caveats.append("backup storage ($\(fmt(Pricing.elasticacheBackupGBMonth, 3))/GB-month beyond one free snapshot) depends on data size and is not included")
            }
            caveats.append("data transfer (cross-AZ, cross-region) and Secrets Manager ($0.40/secret-month) are not priced")
        case .upstash(let u):
            if u.plan == "free" {
                lines.append(CostLine(address: "upstash_redis_database.main", description: "free tier (256 MB, 500K commands/month)", monthlyUSD: 0))
                assumptions.append("free tier: one per account; archived after 30 idle days")
            } else if let fixed = Pricing.upstashFixedPlans[u.plan] {
                lines.append(CostLine(address: "upstash_redis_database.main", description: "fixed plan \(u.plan)", monthlyUSD: fixed.monthly))
                if !u.readRegions.isEmpty {
                    lines.append(CostLine(address: "upstash_redis_database.main",
                                          description: "\(u.readRegions.count) read region(s) × $\(fmt(fixed.perReadRegion, 2))",
                                          monthlyUSD: Double(u.readRegions.count) * fixed.perReadRegion))
                }
                assumptions.append("fixed plan \(u.plan), \(u.readRegions.count) read region(s)")
            } else {
                let commands = u.expectedMonthlyCommands ?? 0
                let storage = u.expectedStorageGB ?? 0
                let commandCost = Double(commands) / 100_000 * Pricing.upstashPer100KCommands * Double(1 + u.readRegions.count)
                let storageCost = max(0, storage - 1) * Pricing.upstashStorageGBMonth
                lines.append(CostLine(address: "upstash_redis_database.main",
                                      description: "pay-as-you-go: \(commands) commands/month × $\(fmt(Pricing.upstashPer100KCommands, 2))/100K",
                                      monthlyUSD: commandCost))
                if storage > 1 {
                    lines.append(CostLine(address: "upstash_redis_database.main",
                                          description: "storage \(fmt(storage, 1)) GB (first GB free) × $\(fmt(Pricing.upstashStorageGBMonth, 2))/GB-month",
                                          monthlyUSD: storageCost))
                }
                assumptions.append("pay-as-you-go, \(commands) commands/month\(u.expectedMonthlyCommands == nil ? " (none given in infera.yaml)" : ""), \(fmt(storage, 1)) GB stored")
                if !u.readRegions.isEmpty { assumptions.append("writes billed again in each of \(u.readRegions.count) read region(s); all commands counted as writes (upper bound)") }
                if let b = u.budget { assumptions.append("monthly budget cap $\(b): the database is rate-limited, not billed, past it") }
                caveats.append("bandwidth beyond 200 GB/month ($0.03/GB) is not priced")
            }
            if u.prodPack {
                lines.append(CostLine(address: "upstash_redis_database.main", description: "Prod Pack", monthlyUSD: Pricing.upstashProdPackMonth))
            }
            assumptions.append("Upstash prices do not depend on the region")
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

    static func priceDate(for spec: DeploymentSpec) -> String {
        switch spec.provider {
        case .memorystore: "2026-04-27"
        case .elasticache: "2026-10-02"
        case .upstash: "2026-06-18"
        }
    }

    static func roundCents(_ v: Double) -> Double { (v * 100).rounded() / 100 }
}

/// Fixed-point decimal text without Foundation: `fmt(35.77, 2)` → `35.77`.
public func fmt(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let negative = value < 0
    let scaled = Int((abs(value) * scale).rounded())
    let whole = scaled / Int(scale)
    var frac = String(scaled % Int(scale))
    while frac.count < digits { frac = "0" + frac }
    let sign = negative && scaled != 0 ? "-" : ""
    return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(frac)"
}
