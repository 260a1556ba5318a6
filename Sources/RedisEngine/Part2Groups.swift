// Owned by part 2 (issue #6): lists, sets, sorted sets, blocking, pub/sub, transactions, ACL.
// Replace the bodies below; part 1 never edits this file.

extension CommandTable {
    /// Command groups added by part 2, e.g. `[ListCommands.all, SetCommands.all]`.
    static var part2Groups: [[CommandSpec]] { [] }
}

/// Installs part 2's engine extensions (e.g. `engine.addExtension(TransactionExtension())`).
func installPart2Extensions(_ engine: Engine) {}
