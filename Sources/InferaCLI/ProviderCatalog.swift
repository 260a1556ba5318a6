import InferaApply

// Provider modules: one import per provider, each on its own line with a blank line around it
// (so branches adding providers merge without conflicts).

import InferaUpstash

import InferaGCP

import InferaElastiCache

/// The providers `infera apply` knows, keyed by the spec's provider name.
enum ProviderCatalog {
    static let registry: ProviderRegistry = {
        let r = ProviderRegistry()

        r.register(UpstashProvider.factory) // upstash

        r.register(MemorystoreProvider.factory) // memorystore

        r.register(ElastiCacheProvider.factory) // elasticache

        return r
    }()
}
