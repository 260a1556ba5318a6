import Foundation
import InferaTestSupport
import Testing

// Redis's own unit/info and unit/introspection checks: error counting of refused commands (arity,
// OOM, inside MULTI), hidden CONFIG parameters, CONFIG SET checks and CLIENT KILL arguments,
// against redis-server 7.0.

enum IntrospectionCases {
    static let rejectionsAndConfig = DiffCase("rejections-config", """
    config resetstat
    multi
    set
    exec
    set k
    set k1 v1
    config set maxmemory 1
    set a b
    config set maxmemory 0
    info errorstats
    config resetstat
    info errorstats
    config get key-load-delay
    config get *load-delay*
    config get loading-process-events-interval-bytes
    config get rdb-key-save-delay
    config set key-load-delay 99999999999
    config set loading-process-events-interval-bytes 10
    config set maxmemory-clients 200%
    config set maxmemory-clients 100%
    config set maxmemory-clients 0
    config set maxmemory 10000001 maxmemory-clients 200% client-query-buffer-limit invalid
    config get maxmemory
    client kill user no_such_user
    client kill id 0
    client kill type wrong_type
    client kill skipme yes_or_no
    """)
}

@Suite("INFO errorstats, CONFIG, CLIENT KILL: differential vs redis-server 7.0")
struct IntrospectionDifferentialTests {
    @Test func rejectionsAndConfig() throws { try runCases([IntrospectionCases.rejectionsAndConfig]) }
}

enum ReadOnlyScriptCases {
    static let mayReplicate = DiffCase("ro-script-may-replicate", """
    eval_ro "return redis.call('publish','ch','msg')" 0
    eval "#!lua flags=no-writes\\nreturn redis.call('publish','ch','msg')" 0
    eval "return redis.call('publish','ch','msg')" 0
    """)
}

@Suite("Read-only scripts and may-replicate commands: differential vs redis-server 7.0")
struct ReadOnlyScriptDifferentialTests {
    @Test func mayReplicate() throws { try runCases([ReadOnlyScriptCases.mayReplicate]) }
}
