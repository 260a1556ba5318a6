/// List prices infera estimates with, copied from `shared/reference/pricing.json` (see its
/// `pricing.md` for the sources). Prices are USD, on demand, without tax.
public enum Pricing {
    /// Printed with every estimate.
    public static let priceDate = "2026-10-02"
    /// Where each provider's figures come from, with their own dates.
    public static let sources: [String: String] = [
        "memorystore": "Cloud Billing Catalog snapshot 2026-04-27 (doitintl/gcpinstances.info memorystore-pricing.json; cross-checked with Infracost's golden test)",
        "elasticache": "AWS Price List, AmazonElastiCache Redis OSS NodeUsage, read 2026-10-02 (third-party copy, cross-checked with 2024 CUR rates)",
        "upstash": "upstash/docs redis/overall/billing.mdx 2026-06-18; pricing page copy 2026-09-20",
    ]
    /// Infracost's hours per month (8760 / 12).
    public static let hoursPerMonth = 730.0

    // MARK: Memorystore

    /// Capacity tier of an instance size (every GB is billed at that tier's rate).
    public static func memorystoreCapacityTier(gb: Int) -> String {
        switch gb {
        case ...4: "M1"
        case 5...10: "M2"
        case 11...35: "M3"
        case 36...100: "M4"
        default: "M5"
        }
    }

    /// USD per GB-hour by region, service tier and capacity tier (M1…M5 in order).
    public static let memorystorePerGBHour: [String: [String: [Double]]] = {
        let us = ["BASIC": [0.049, 0.027, 0.023, 0.019, 0.016], "STANDARD_HA": [0.064, 0.054, 0.046, 0.035, 0.030]]
        let euw = ["BASIC": [0.051, 0.032, 0.026, 0.022, 0.017], "STANDARD_HA": [0.086, 0.061, 0.050, 0.043, 0.035]]
        let asia = ["BASIC": [0.065, 0.040, 0.032, 0.024, 0.019], "STANDARD_HA": [0.114, 0.075, 0.063, 0.047, 0.037]]
        return [
            "us-central1": us, "us-east1": us, "us-east4": us, "us-west1": us,
            "europe-west1": euw, "europe-west4": euw,
            "europe-west2": ["BASIC": [0.053, 0.034, 0.027, 0.023, 0.018], "STANDARD_HA": [0.090, 0.064, 0.052, 0.045, 0.036]],
            "asia-northeast1": asia, "asia-southeast1": asia,
        ]
    }()

    // MARK: ElastiCache

    /// USD per node-hour, Redis OSS on demand, by region and node type.
    public static let elasticacheNodeHour: [String: [String: Double]] = [
        "us-east-1": [
            "cache.t3.micro": 0.017, "cache.t3.small": 0.034, "cache.t3.medium": 0.068,
            "cache.t4g.micro": 0.016, "cache.t4g.small": 0.032, "cache.t4g.medium": 0.065,
            "cache.m6g.large": 0.149, "cache.r6g.large": 0.206, "cache.r6g.xlarge": 0.411, "cache.r7g.large": 0.219,
        ],
        "us-west-2": ["cache.t3.micro": 0.017],
        "eu-west-1": ["cache.m6g.large": 0.164, "cache.r6g.xlarge": 0.458, "cache.r7g.large": 0.243],
        "eu-central-1": ["cache.t3.small": 0.038],
        "eu-west-2": ["cache.t4g.medium": 0.072, "cache.r7g.large": 0.256],
        "ap-northeast-1": ["cache.r7g.large": 0.263],
    ]
    /// Backup storage, USD per GB-month (one snapshot free).
    public static let elasticacheBackupGBMonth = 0.085

    // MARK: Upstash

    /// Pay-as-you-go: USD per 100K commands.
    public static let upstashPer100KCommands = 0.20
    /// Storage above the first free GB, USD per GB-month.
    public static let upstashStorageGBMonth = 0.25
    /// Prod Pack, USD per database per month.
    public static let upstashProdPackMonth = 200.0
    /// Fixed plans: name → (USD per month, USD per read region per month).
    public static let upstashFixedPlans: [String: (monthly: Double, perReadRegion: Double)] = [
        "fixed_250mb": (10, 5), "fixed_1gb": (20, 10), "fixed_5gb": (100, 50), "fixed_10gb": (200, 100),
        "fixed_50gb": (400, 200), "fixed_100gb": (800, 400), "fixed_500gb": (1500, 750),
    ]
}
