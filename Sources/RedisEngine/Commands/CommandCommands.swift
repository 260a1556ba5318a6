import NIOCore
import RESP

/// COMMAND and its subcommands, answered from Redis 7.0's own command metadata (CommandData.swift)
/// filtered to the commands this engine registers.
public enum CommandCommands {
    static func sub(_ name: String, _ arity: Int, _ summary: String, _ since: String, _ h: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: [.loading, .stale], categories: ["slow", "connection"], group: "server",
                    summary: summary, since: since, handler: h)
    }

    public static var all: [CommandSpec] {
        [
            CommandSpec("command", arity: -1, flags: [.loading, .stale], categories: ["slow", "connection"], group: "server",
                        summary: "Get array of Redis command details", since: "2.8.13", subcommands: [
                sub("count", 2, "Get total number of Redis commands", "2.8.13") { ctx in
                    ctx.out.integer(ctx.engine.commandTable.commands.count)
                },
                sub("info", -2, "Get array of specific Redis command details, or all when no argument is given", "2.8.13") { ctx in
                    if ctx.argc == 2 {
                        writeAll(&ctx)
                        return
                    }
                    ctx.out.arrayHeader(ctx.argc - 2)
                    for j in 2..<ctx.argc {
                        if let spec = ctx.engine.commandTable.lookup(ctx.args[j]) { writeInfo(&ctx, spec) } else { ctx.out.null() }
                    }
                },
                sub("docs", -2, "Get array of specific Redis command documentation", "7.0.0", docs),
                sub("list", -2, "Get an array of Redis command names", "7.0.0", list),
                sub("getkeys", -3, "Extract keys given a full Redis command", "2.8.13") { getkeys(&$0, flags: false) },
                sub("getkeysandflags", -3, "Extract keys and access flags given a full Redis command", "7.0.0") { getkeys(&$0, flags: true) },
                sub("help", 2, "Show helpful text about the different subcommands", "5.0.0") { ctx in
                    KeyCommands.replyHelp(&ctx, "COMMAND", [
                        "(no subcommand)",
                        "    Return details about all Redis commands.",
                        "COUNT",
                        "    Return the total number of commands in this Redis server.",
                        "LIST",
                        "    Return a list of all commands in this Redis server.",
                        "INFO [<command-name> ...]",
                        "    Return details about multiple Redis commands.",
                        "    If no command names are given, documentation details for all",
                        "    commands are returned.",
                        "DOCS [<command-name> ...]",
                        "    Return documentation details about multiple Redis commands.",
                        "    If no command names are given, documentation details for all",
                        "    commands are returned.",
                        "GETKEYS <full-command>",
                        "    Return the keys from a full Redis command.",
                        "GETKEYSANDFLAGS <full-command>",
                        "    Return the keys and the access flags from a full Redis command.",
                    ])
                },
            ]) { ctx in
                writeAll(&ctx)
            },
        ]
    }

    // MARK: data

    static let infoByName: [String: RESPValue] = parseAll(RedisCommandData.infoBase64) { v in
        guard case .array(let items) = v, let name = items.first?.text else { return nil }
        return name.lowercased()
    }

    static let docsByName: [String: RESPValue] = {
        var out: [String: RESPValue] = [:]
        guard let bytes = base64Decode(RedisCommandData.docsBase64) else { return out }
        var buf = ByteBuffer(bytes: bytes)
        guard case .map(let pairs)? = try? RESPValue.parse(&buf) else { return out }
        for (k, v) in pairs { if let n = k.text { out[n.lowercased()] = v } }
        return out
    }()

    static func parseAll(_ b64: String, name: (RESPValue) -> String?) -> [String: RESPValue] {
        var out: [String: RESPValue] = [:]
        guard let bytes = base64Decode(b64) else { return out }
        var buf = ByteBuffer(bytes: bytes)
        guard case .array(let items)? = try? RESPValue.parse(&buf) else { return out }
        for v in items { if let n = name(v) { out[n] = v } }
        return out
    }

    /// Writes a RESP3 value with the reply writer (maps/sets degrade to arrays in RESP2).
    static func write(_ v: RESPValue, _ out: inout ReplyWriter) {
        switch v {
        case .simpleString(let s): out.simple(s)
        case .error(let s): out.error(s)
        case .integer(let i): out.integer(i)
        case .bulkString(let b): out.bulk(b)
        case .null: out.null()
        case .nullArray: out.nullArray()
        case .array(let a):
            out.arrayHeader(a.count)
            for x in a { write(x, &out) }
        case .set(let a):
            out.setHeader(a.count)
            for x in a { write(x, &out) }
        case .push(let a):
            out.pushHeader(a.count)
            for x in a { write(x, &out) }
        case .map(let m):
            out.mapHeader(m.count)
            for (k, x) in m { write(k, &out); write(x, &out) }
        case .double(let d): out.double(d)
        case .boolean(let b): out.boolean(b)
        case .verbatim(_, let s): out.verbatim(s)
        case .bigNumber(let s): out.bulk(s)
        }
    }

    /// The info entry of `spec`, with subcommands filtered to those registered.
    static func infoValue(_ spec: CommandSpec) -> RESPValue {
        guard case .array(var items)? = infoByName[spec.fullName], items.count >= 10 else { return synthesize(spec) }
        if case .array(let subs) = items[9] {
            let names = Set(spec.subcommands.map(\.fullName))
            items[9] = .array(subs.filter { s in
                if case .array(let si) = s, let n = si.first?.text { return names.contains(n.lowercased()) }
                return false
            })
        }
        return .array(items)
    }

    static func synthesize(_ spec: CommandSpec) -> RESPValue {
        var flags: [RESPValue] = []
        for (f, n) in CommandFlags.names where spec.flags.contains(f) { flags.append(.simpleString(n)) }
        return .array([
            .bulk(spec.fullName), .integer(spec.arity), .set(flags), .integer(spec.firstKey), .integer(spec.lastKey),
            .integer(spec.keyStep), .set(spec.categories.map { .simpleString("@" + $0) }), .set([]), .array([]),
            .array(spec.subcommands.map { synthesize($0) }),
        ])
    }

    static func writeInfo(_ ctx: inout CommandContext, _ spec: CommandSpec) {
        write(infoValue(spec), &ctx.out)
    }

    static func writeAll(_ ctx: inout CommandContext) {
        let specs = ctx.engine.commandTable.all
        ctx.out.arrayHeader(specs.count)
        for s in specs { writeInfo(&ctx, s) }
    }

    static func docValue(_ spec: CommandSpec) -> RESPValue {
        guard case .map(var pairs)? = docsByName[spec.fullName] else {
            return .map([(.bulk("summary"), .bulk(spec.summary)), (.bulk("since"), .bulk(spec.since)),
                         (.bulk("group"), .bulk(spec.group))])
        }
        if let i = pairs.firstIndex(where: { $0.0.text == "subcommands" }), case .map(let subs) = pairs[i].1 {
            let names = Set(spec.subcommands.map(\.fullName))
            pairs[i].1 = .map(subs.filter { names.contains(($0.0.text ?? "").lowercased()) })
        }
        return .map(pairs)
    }

    static func docs(_ ctx: inout CommandContext) {
        var specs: [CommandSpec] = []
        if ctx.argc == 2 {
            specs = ctx.engine.commandTable.all
        } else {
            for j in 2..<ctx.argc {
                if let s = ctx.engine.commandTable.lookup(ctx.args[j]) { specs.append(s) }
            }
        }
        ctx.out.mapHeader(specs.count)
        for s in specs {
            ctx.out.bulk(s.fullName)
            write(docValue(s), &ctx.out)
        }
    }

    static func list(_ ctx: inout CommandContext) {
        var names: [String] = []
        let specs = ctx.engine.commandTable.all
        var filter: (CommandSpec) -> Bool = { _ in true }
        if ctx.argc > 2 {
            guard ctx.argc == 5, ctx.argIs(2, "FILTERBY") else {
                ctx.out.error(RedisError.syntax)
                return
            }
            let value = ctx.args.string(4)
            if ctx.argIs(3, "MODULE") {
                filter = { _ in false }
            } else if ctx.argIs(3, "ACLCAT") {
                let cat = value.lowercased()
                filter = { $0.categories.contains(cat) }
            } else if ctx.argIs(3, "PATTERN") {
                let p = Array(value.utf8)
                filter = { Glob.match(p, Array($0.fullName.utf8), nocase: true) }
            } else {
                ctx.out.error(RedisError.syntax)
                return
            }
        }
        for s in specs {
            if filter(s) { names.append(s.fullName) }
            for sub in s.subcommands where filter(sub) { names.append(sub.fullName) }
        }
        ctx.out.arrayHeader(names.count)
        for n in names { ctx.out.bulk(n) }
    }

    static func getkeys(_ ctx: inout CommandContext, flags: Bool) {
        let argv = ctx.args.dropping(first: 2)
        guard var spec = ctx.engine.commandTable.lookup(argv[0]) else {
            ctx.out.error("ERR Invalid command specified")
            return
        }
        if spec.isContainer {
            guard argv.count > 1, let s = ctx.engine.findSubcommand(spec, argv[1]) else {
                ctx.out.error("ERR Invalid command specified")
                return
            }
            spec = s
        }
        if spec.firstKey == 0 && spec.keyFinder == nil {
            ctx.out.error("ERR The command has no key arguments")
            return
        }
        if (spec.arity > 0 && spec.arity != argv.count) || argv.count < -spec.arity {
            ctx.out.error("ERR Invalid number of arguments specified for command")
            return
        }
        let positions = spec.keyPositions(argv)
        if positions.isEmpty {
            if spec.flags.contains(.noMandatoryKeys) { ctx.out.arrayHeader(0) } else {
                ctx.out.error("ERR Invalid arguments specified for command")
            }
            return
        }
        let refs = flags ? KeySpecs.keys(spec.fullName, argv) : nil
        ctx.out.arrayHeader(positions.count)
        for p in positions {
            if flags {
                ctx.out.arrayHeader(2)
                ctx.out.bulk(argv[p])
                // Redis 7.0's key-spec flags for this position (KeySpecs), else a read/write guess.
                let f: [String] = refs?.first { $0.pos == p }?.flags.words
                    ?? (spec.flags.contains(.write) ? ["RW", "update"] : ["RO", "access"])
                ctx.out.setHeader(f.count)
                for x in f { ctx.out.simple(x) }
            } else {
                ctx.out.bulk(argv[p])
            }
        }
    }
}

/// Decodes standard base64 (no Foundation).
func base64Decode(_ s: String) -> [UInt8]? {
    var table = [UInt8](repeating: 255, count: 256)
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count * 3 / 4)
    var acc: UInt32 = 0
    var bits = 0
    for c in s.utf8 {
        if c == UInt8(ascii: "=") { break }
        let v = table[Int(c)]
        if v == 255 { return nil }
        acc = (acc << 6) | UInt32(v)
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
        }
    }
    return out
}
