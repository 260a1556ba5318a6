import NIOCore
import RESP

/// Server commands.
public enum ServerCommands {
    public static var all: [CommandSpec] {
        [
            CommandSpec("dbsize", arity: 1, flags: [.readonly, .fast], categories: ["keyspace", "read", "fast"],
                        group: "server", summary: "Return the number of keys in the selected database", since: "1.0.0") { ctx in
                ctx.out.integer(ctx.db.count)
            },
        ]
    }
}
