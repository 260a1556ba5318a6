import Foundation
import InferaTestSupport
import Testing

/// Property-based differential tests: seeded random sequences of valid and invalid commands over
/// a small shared keyspace, sent to redis-server and the engine (pipelined in batches). On a
/// mismatch the test prints the seed, the first mismatching replies, and a minimised sequence
/// that reproduces it on fresh servers.
///
/// `INFERA_DIFF_SEED=<n>` replays one seed; `INFERA_DIFF_COMMANDS=<n>` changes the length.
@Suite("Differential: random command sequences")
struct RandomDifferentialTests {
    typealias Group = CommandGenerator.Group

    static var commandsPerSeed: Int {
        Int(ProcessInfo.processInfo.environment["INFERA_DIFF_COMMANDS"] ?? "") ?? 2000
    }

    static func seeds(_ base: UInt64) -> [UInt64] {
        if let s = ProcessInfo.processInfo.environment["INFERA_DIFF_SEED"], let seed = UInt64(s) { return [seed] }
        return [base, base &+ 1, base &+ 2]
    }

    /// Runs `seeds` × `commandsPerSeed` random commands from `groups` and reports mismatches.
    func check(_ groups: [Group], seeds: [UInt64], keyCount: Int = 12, knownGap: Bool = false,
               sourceLocation: SourceLocation = #_sourceLocation) throws {
        try ServerPair.with { pair in
            let runner = try pair.runner(batch: 50)
            for seed in seeds {
                try runner.reset()
                var gen = CommandGenerator(seed: seed, groups: groups, keyCount: keyCount, excluding: KnownGaps.exclusions())
                let commands = gen.sequence(count: Self.commandsPerSeed)
                let mismatches = try runner.run(commands)
                guard let first = mismatches.first else { continue }
                // Minimise on fresh connections (a mismatch may have left state diverged).
                let fresh = try pair.runner(batch: 1)
                let minimal = (try? fresh.minimize(commands, maxReplays: 150)) ?? Array(commands.prefix(first.index + 1))
                let message = """
                    seed \(seed) (groups: \(groups.map(\.rawValue).joined(separator: ","))): \(mismatches.count) of \
                    \(commands.count) replies differ; first:
                    \(first)
                    minimal reproducing sequence (\(minimal.count) commands; replay with INFERA_DIFF_SEED=\(seed)):
                    \(minimal.map { "  " + $0.description }.joined(separator: "\n"))
                    """
                if knownGap && !UnderTest.isRedisSelfCheck {
                    withKnownIssue(isIntermittent: true) { Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation) }
                } else {
                    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func strings() throws { try check([.strings, .server], seeds: Self.seeds(100)) }
    @Test func bits() throws { try check([.bits, .strings], seeds: Self.seeds(200)) }
    @Test func keysAndExpiry() throws { try check([.keys, .expiry, .strings, .hashes], seeds: Self.seeds(300)) }
    @Test func hashes() throws { try check([.hashes, .strings], seeds: Self.seeds(400)) }
    @Test func invalidCommands() throws { try check([.invalid, .strings, .hashes], seeds: Self.seeds(500)) }
    @Test func lists() throws { try check([.lists, .strings], seeds: Self.seeds(600)) }
    @Test func sets() throws { try check([.sets, .strings], seeds: Self.seeds(700)) }
    @Test func sortedSets() throws { try check([.sortedSets, .strings], seeds: Self.seeds(800)) }
    @Test func everything() throws { try check(Group.allCases, seeds: Self.seeds(900), keyCount: 20) }
}

/// Issue #15: every path that turns a client's integer into an offset, length, count, index, score
/// range, LIMIT, TTL or size, fed 0, -1, ±2^31, ±2^32, ±2^62, ±(2^63-1), -2^63, 2^63, 2^64 and
/// non-integers, over keys of every type. Replies must be redis-server's word for word, and the
/// server must survive every one of them.
@Suite("Differential: extreme integers")
struct ExtremeIntegerDifferentialTests {
    @Test func extremeIntegers() throws {
        // Recorded as a known, intermittent gap: the generated sequences also set 1-second TTLs, so on a
        // loaded machine a key can expire on one server and not yet on the other (seen with seed 1502;
        // SETEX/INCRBY diverged). Mismatches are still reported on every run; the server must survive all.
        try RandomDifferentialTests().check([.extremes, .extremes, .extremes, .strings, .lists],
                                            seeds: RandomDifferentialTests.seeds(1500), keyCount: 4)
    }
}
