// Owned by part 2 (issue #6): lists, sets, sorted sets, blocking, pub/sub, transactions, ACL.
// Replace the bodies below; part 1 never edits this file.

extension CommandTable {
    /// Command groups added by part 2.
    static var part2Groups: [[CommandSpec]] {
        [ListCommands.all, SetCommands.all, SortedSetCommands.all, TransactionCommands.all, PubSubCommands.all, ACLCommands.all, StreamCommands.all]
    }
}

/// Installs part 2's engine extension (transactions, blocking, pub/sub, keyspace events, ACL).
func installPart2Extensions(_ engine: Engine) {
    engine.addExtension(Part2Extension(engine: engine))
    engine.listFactory = { ListObject(RedisList($0)) }
}
