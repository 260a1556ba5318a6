import NIOCore
import RESP

/// Generic key commands.
public enum KeyCommands {
    public static var all: [CommandSpec] {
        [
            CommandSpec("del", arity: -2, flags: [.write], keys: (1, -1, 1),
                        categories: ["keyspace", "write", "slow"], group: "generic",
                        summary: "Delete a key", since: "1.0.0", handler: del),
            CommandSpec("exists", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1),
                        categories: ["keyspace", "read", "fast"], group: "generic",
                        summary: "Determine if a key exists", since: "1.0.0", handler: exists),
        ]
    }

    static func del(_ ctx: inout CommandContext) {
        var n = 0
        for i in 1..<ctx.argc {
            let k = ctx.key(i)
            if ctx.deleteKey(k) {
                ctx.notify(.generic, "del", k)
                n += 1
            }
        }
        ctx.out.integer(n)
    }

    static func exists(_ ctx: inout CommandContext) {
        var n = 0
        for i in 1..<ctx.argc where ctx.lookupRead(ctx.key(i)) != nil { n += 1 }
        ctx.out.integer(n)
    }
}
