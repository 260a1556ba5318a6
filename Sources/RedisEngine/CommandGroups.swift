/// The command groups installed by `Engine.init`, one per file under `Commands/`.
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
            ListCommands.all,
            SetCommands.all,
            SortedSetCommands.all,
            TransactionCommands.all,
            PubSubCommands.all,
            ACLCommands.all,
            StreamCommands.all,
            HyperLogLogCommands.all,
            GeoCommands.all,
            [LatencyCommands.spec],
            DumpRestoreCommands.all,
            ClusterCommands.all,
        ]
    }
}

/// Installs the built-in engine extension (transactions, blocking, pub/sub, keyspace events, ACL)
/// and the list factory used by SORT ... STORE.
func installBuiltinExtensions(_ engine: Engine) {
    engine.addExtension(SessionStateExtension(engine: engine))
    engine.addExtension(PersistenceCron(engine: engine))
    engine.addExtension(AOFCron(engine: engine))
    engine.listFactory = { ListObject(RedisList($0)) }
}
