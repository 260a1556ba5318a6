import Foundation
import InferaTestSupport
import Testing

/// Issue #5 differential suite: fixed command sequences per command group, including error
/// paths, sent to redis-server 7.0 and the engine; replies compared byte for byte.
@Suite("Differential: issue #5 command groups")
struct Part1DifferentialTests {
    @Test func connection() throws { try runCases(Part1Cases.connection, known: KnownGaps.part1) }
    @Test func auth() throws {
        try runCases(Part1Cases.auth, known: KnownGaps.part1, referenceArguments: ["--requirepass", "s3cret"])
    }
    @Test func server() throws { try runCases(Part1Cases.server, known: KnownGaps.part1) }
    @Test func keys() throws { try runCases(Part1Cases.keys, known: KnownGaps.part1) }
    @Test func strings() throws { try runCases(Part1Cases.strings, known: KnownGaps.part1) }
    @Test func bits() throws { try runCases(Part1Cases.bits, known: KnownGaps.part1) }
    @Test func expiry() throws { try runCases(Part1Cases.expiry, known: KnownGaps.part1) }
    @Test func hashes() throws { try runCases(Part1Cases.hashes, known: KnownGaps.part1) }
}

/// Cases whose mismatches are known engine gaps (see docs/engine-testing.md). They still run;
/// their mismatches are reported as known issues instead of failures.
enum KnownGaps {
    /// SORT on lists/sets/zsets replies WRONGTYPE; HINCRBYFLOAT with an inf increment has the
    /// wrong error text; EXPIRETIME truncates instead of rounding (see docs/engine-testing.md).
    static let part1: Set<String> = ["sort", "hsetnx-hincr", "expireat-expiretime"]
    static let part2: Set<String> = []

    /// Random commands not generated until the engine gap is fixed (each with its minimal
    /// reproduction in docs/engine-testing.md). Everything else in the generator is compared.
    static func exclusions() -> @Sendable (DiffCommand) -> Bool {
        if UnderTest.isRedisSelfCheck { return { _ in false } }
        return randomExclusions
    }

    static let randomExclusions: @Sendable (DiffCommand) -> Bool = { c in
        let words = c.args.map { String(decoding: $0, as: UTF8.self).uppercased() }
        guard let name = words.first else { return false }
        switch name {
        case "SORT", "SORT_RO": return true                                  // WRONGTYPE on list/set/zset
        case "HINCRBYFLOAT": return words.count > 3 && ["INF", "-INF", "+INF"].contains(words[3]) // error text/order
        case "INCRBYFLOAT": return words.count > 2 && ["INF", "-INF", "+INF"].contains(words[2])
        case "BITCOUNT": return words.count == 3                             // missing key: 0 before syntax check
        case "SMOVE": return true                                            // WRONGTYPE destination checked before missing source
        case "ZRANGE", "ZRANGESTORE":                                        // LIMIT with an index range
            return words.contains("LIMIT") && !words.contains("BYSCORE") && !words.contains("BYLEX")
        case "SET":                                                          // two option errors: Redis reports syntax first;
            let opts = Array(words.dropFirst(3))                              // repeated KEEPTTL is accepted by Redis
            let flags = opts.filter { Int($0) == nil }
            let expiry = flags.contains { ["EX", "PX", "EXAT", "PXAT"].contains($0) }
            return Set(flags).count != flags.count || (flags.contains("NX") && flags.contains("XX"))
                || (flags.contains("KEEPTTL") && expiry)
                || flags.contains { !["EX", "PX", "EXAT", "PXAT", "NX", "XX", "GET", "KEEPTTL"].contains($0) }
        default: return false
        }
    }
}

/// Issue #6 differential suite (single connection): lists, sets, sorted sets, transactions.
@Suite("Differential: issue #6 command groups")
struct Part2DifferentialTests {
    @Test func lists() throws { try runCases(Part2Cases.lists, known: KnownGaps.part2) }
    @Test func sets() throws { try runCases(Part2Cases.sets, known: KnownGaps.part2) }
    @Test func sortedSets() throws { try runCases(Part2Cases.sortedSets, known: KnownGaps.part2) }
    @Test func transactions() throws { try runCases(Part2Cases.transactions, known: KnownGaps.part2) }
}
