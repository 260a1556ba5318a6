import CLuaBridge
import RESP
import RedisEngine

/// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT.
enum ScriptCommands {
    static var all: [CommandSpec] {
        func eval(_ name: String, readOnly: Bool, bySHA: Bool, summary: String, since: String) -> CommandSpec {
            var flags: CommandFlags = [.noscript, .stale, .skipMonitor, .noMandatoryKeys]
            if readOnly { flags.insert(.readonly) }
            return CommandSpec(name, arity: -3, flags: flags, categories: ["slow", "scripting"], group: "scripting",
                               summary: summary, since: since, keyFinder: numkeysKeys) { ctx in
                run(&ctx, readOnly: readOnly, bySHA: bySHA)
            }
        }
        func script(_ name: String, _ arity: Int, _ flags: CommandFlags, _ summary: String, _ since: String,
                    _ handler: @escaping CommandHandler) -> CommandSpec {
            CommandSpec(name, arity: arity, flags: flags, categories: ["slow", "scripting"], group: "scripting",
                        summary: summary, since: since, handler: handler)
        }
        return [
            eval("eval", readOnly: false, bySHA: false, summary: "Execute a Lua script server side", since: "2.6.0"),
            eval("evalsha", readOnly: false, bySHA: true, summary: "Execute a Lua script server side", since: "2.6.0"),
            eval("eval_ro", readOnly: true, bySHA: false, summary: "Execute a read-only Lua script server side", since: "7.0.0"),
            eval("evalsha_ro", readOnly: true, bySHA: true, summary: "Execute a read-only Lua script server side", since: "7.0.0"),
            CommandSpec.container("script", group: "scripting", summary: "A container for Lua scripts management commands", since: "2.6.0", subcommands: [
                script("load", 3, [.noscript, .stale], "Load the specified Lua script into the script cache.", "2.6.0", load),
                script("exists", -3, [.noscript], "Check existence of scripts in the script cache.", "2.6.0", exists),
                script("flush", -2, [.noscript], "Remove all the scripts from the script cache.", "2.6.0", flush),
                script("kill", 2, [.noscript, .allowBusy], "Kill the script currently in execution.", "2.6.0") { ctx in
                    ctx.out.error("NOTBUSY No scripts in execution right now.")
                },
                script("debug", 3, [.noscript], "Set the debug mode for executed scripts.", "3.2.0") { ctx in
                    let mode = ctx.args.string(2).lowercased()
                    guard ["yes", "sync", "no"].contains(mode) else {
                        ctx.out.error("ERR Use SCRIPT DEBUG YES/SYNC/NO")
                        return
                    }
                    if mode == "no" { ctx.out.ok() } else { ctx.out.error("ERR SCRIPT DEBUG is not supported by this server (the Lua debugger is not available)") }
                },
                script("help", 2, [.loading, .stale], "Show helpful text about the different subcommands", "5.0.0") { ctx in
                    let lines = [
                        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "DEBUG (YES|SYNC|NO)", "    Set the debug mode for subsequent scripts executed.",
                        "EXISTS <sha1> [<sha1> ...]", "    Return information about the existence of the scripts in the script cache.",
                        "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache. Very dangerous on replicas.",
                        "    When called without the optional mode argument, the behavior is determined by the",
                        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                        "    * ASYNC: Asynchronously flush the scripts cache.", "    * SYNC: Synchronously flush the scripts cache.",
                        "KILL", "    Kill the currently executing Lua script.",
                        "LOAD <script>", "    Load a script into the scripts cache without executing it.",
                        "HELP", "    Prints this help.",
                    ]
                    ctx.out.arrayHeader(lines.count)
                    for l in lines { ctx.out.simple(l) }
                },
            ]),
        ]
    }

    /// Keys of EVAL-like commands: `numkeys` at argument 2, the keys after it.
    @Sendable static func numkeysKeys(_ argv: Argv) -> [Int] {
        guard argv.count > 2, let n = Int(argv.string(2)), n > 0, 3 + n <= argv.count else { return [] }
        return Array(3..<(3 + n))
    }

    static func scripting(_ ctx: inout CommandContext) -> LuaScripting? {
        if let host = ctx.engine.scriptingHost { return unsafeDowncast(host, to: LuaScripting.self) }
        ctx.out.error("ERR scripting is not available")
        return nil
    }

    /// Parses `numkeys` (argument `index`) against the arguments after it, or replies with Redis's error.
    static func numkeys(_ ctx: inout CommandContext, at index: Int, notIntegerError: String? = nil) -> Int? {
        guard let n = ctx.int(index) else { ctx.out.error(notIntegerError ?? "\(RedisError.notInteger)"); return nil }
        if n < 0 { ctx.out.error("ERR Number of keys can't be negative"); return nil }
        if n > ctx.argc - index - 1 { ctx.out.error("ERR Number of keys can't be greater than number of args"); return nil }
        return n
    }

    static func run(_ ctx: inout CommandContext, readOnly: Bool, bySHA: Bool) {
        guard let s = scripting(&ctx), let n = numkeys(&ctx, at: 2) else { return }
        let script: LuaScripting.Script
        if bySHA {
            guard let found = s.script(sha: ctx.args[1]) else {
                ctx.out.error("NOSCRIPT No matching script. Please use EVAL.")
                return
            }
            script = found
        } else {
            let body = Array(ctx.args[1])
            let sha = SHA1.hex(body)
            if let error = s.compileScript(body, sha: sha) {
                ctx.out.error(error)
                return
            }
            guard let compiled = s.script(sha: ArraySlice(sha.utf8)) else { return }
            script = compiled
        }
        let flags = script.flags
        if !flags.contains(.eval_compat) && !flags.contains(.allowOOM) && !flags.contains(.noWrites) && !readOnly
            && ctx.engine.isOverMaxMemory() {
            ctx.out.error(RedisError.oom)
            return
        }
        lua_rawgeti(s.L, infera_lua_registryindex(), script.ref)
        s.setGlobalArray(LuaScripting.keysName, ctx.args, from: 3, count: n)
        s.setGlobalArray(LuaScripting.argvName, ctx.args, from: 3 + n, count: ctx.argc - 3 - n)
        s.runFunction(&ctx, nargs: 0, readOnly: readOnly || flags.contains(.noWrites),
                      allowOOM: flags.contains(.allowOOM), errorName: script.sha)
    }

    static func load(_ ctx: inout CommandContext) {
        guard let s = scripting(&ctx) else { return }
        let body = Array(ctx.args[2])
        let sha = SHA1.hex(body)
        if let error = s.compileScript(body, sha: sha) {
            ctx.out.error(error)
            return
        }
        ctx.out.bulk(sha)
    }

    static func exists(_ ctx: inout CommandContext) {
        guard let s = scripting(&ctx) else { return }
        ctx.out.arrayHeader(ctx.argc - 2)
        for i in 2..<ctx.argc { ctx.out.integer(s.script(sha: ctx.args[i]) != nil ? 1 : 0) }
    }

    static func flush(_ ctx: inout CommandContext) {
        guard let s = scripting(&ctx) else { return }
        if ctx.argc > 3 || (ctx.argc == 3 && !ctx.argIs(2, "ASYNC") && !ctx.argIs(2, "SYNC")) {
            ctx.out.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
            return
        }
        s.flushScripts()
        ctx.out.ok()
    }
}

extension LuaScripting {
    static let keysName: StaticString = "KEYS"
    static let argvName: StaticString = "ARGV"

    /// Sets global `name` (bypassing the sandbox) to a table of `count` arguments from `from`.
    func setGlobalArray(_ name: StaticString, _ args: Argv, from: Int, count: Int) {
        LuaReplies.pushArgs(L, args, from: from, count: count)
        name.withUTF8Buffer { p in
            p.withMemoryRebound(to: CChar.self) { lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
        lua_insert(L, -2)
        lua_rawset(L, infera_lua_globalsindex())
    }
}
