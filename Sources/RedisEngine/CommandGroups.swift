/// The command groups installed by `Engine.init`. Part 1 (this file's owner) lists its groups here;
/// part 2 lists its own in `Part2Groups.swift` so the two never edit the same lines.
extension CommandTable {
    /// Every built-in command group.
    public static var builtinGroups: [[CommandSpec]] {
        [
            ConnectionCommands.all,
            ServerCommands.all,
            ClientCommands.all,
            CommandCommands.all,
            KeyCommands.all,
            StringCommands.all,
            HashCommands.all,
        ] + part2Groups
    }
}
