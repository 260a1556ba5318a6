import RESP
import RedisEngine

/// FUNCTION and FCALL / FCALL_RO.
enum FunctionCommands {
    static var all: [CommandSpec] {
        func fcall(_ name: String, readOnly: Bool) -> CommandSpec {
            var flags: CommandFlags = [.noscript, .stale, .skipMonitor, .noMandatoryKeys]
            if readOnly { flags.insert(.readonly) }
            return CommandSpec(name, arity: -3, flags: flags, categories: ["slow", "scripting"], group: "scripting",
                               summary: readOnly ? "Invoke a read-only function" : "Invoke a function", since: "7.0.0",
                               keyFinder: ScriptCommands.numkeysKeys) { ctx in
                guard let s = ScriptCommands.scripting(&ctx) else { return }
                s.callFunction(&ctx, readOnly: readOnly)
            }
        }
        func sub(_ name: String, _ arity: Int, _ flags: CommandFlags, _ categories: [String], _ summary: String,
                 _ handler: @escaping CommandHandler) -> CommandSpec {
            CommandSpec(name, arity: arity, flags: flags, categories: categories, group: "scripting",
                        summary: summary, since: "7.0.0", handler: handler)
        }
        let writeCats = ["write", "slow", "scripting"]
        let readCats = ["slow", "scripting"]
        return [
            fcall("fcall", readOnly: false),
            fcall("fcall_ro", readOnly: true),
            CommandSpec.container("function", group: "scripting", summary: "A container for function commands", since: "7.0.0", subcommands: [
                sub("load", -3, [.write, .denyOOM, .noscript], writeCats, "Create a function with the given arguments (name, code, description)", load),
                sub("delete", 3, [.write, .noscript], writeCats, "Delete a function by name", delete),
                sub("flush", -2, [.write, .noscript], writeCats, "Deleting all functions", flush),
                sub("list", -2, [.noscript], readCats, "List information about all the functions", list),
                sub("stats", 2, [.noscript, .allowBusy], readCats, "Return information about the function currently running (name, description, duration)", stats),
                sub("kill", 2, [.noscript, .allowBusy], readCats, "Kill the function currently in execution.") { ctx in
                    ctx.out.error("NOTBUSY No scripts in execution right now.")
                },
                sub("dump", 2, [.noscript], readCats, "Dump all functions into a serialized binary payload", dump),
                sub("restore", -3, [.write, .denyOOM, .noscript], writeCats, "Restore all the functions on the given payload", restore),
                sub("help", 2, [.loading, .stale], readCats, "Show helpful text about the different subcommands", help),
            ]),
        ]
    }

    static func load(_ ctx: inout CommandContext) {
        guard let s = ScriptCommands.scripting(&ctx) else { return }
        var replace = false
        var i = 2
        while i < ctx.argc - 1 {
            guard ctx.argIs(i, "REPLACE") else {
                ctx.out.error("ERR Unknown option given: \(ctx.args.string(i))")
                return
            }
            replace = true
            i += 1
        }
        guard i == ctx.argc - 1 else {
            ctx.out.error("ERR Function code is missing")
            return
        }
        switch s.loadLibrary(Array(ctx.args[i]), replace: replace) {
        case .success(let name): ctx.out.bulk(name)
        case .failure(.message(let text)): ctx.out.error(text)
        }
    }

    static func delete(_ ctx: inout CommandContext) {
        guard let s = ScriptCommands.scripting(&ctx) else { return }
        guard let lib = s.libraries[ctx.args.string(2)] else {
            ctx.out.error("ERR Library not found")
            return
        }
        s.dropLibrary(lib)
        ctx.out.ok()
    }

    static func flush(_ ctx: inout CommandContext) {
        guard let s = ScriptCommands.scripting(&ctx) else { return }
        if ctx.argc > 3 {
            ctx.out.error("ERR unknown subcommand or wrong number of arguments for '\(ctx.args.string(1))'. Try FUNCTION HELP.")
            return
        }
        if ctx.argc == 3 && !ctx.argIs(2, "ASYNC") && !ctx.argIs(2, "SYNC") {
            ctx.out.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
            return
        }
        for lib in Array(s.libraries.values) { s.dropLibrary(lib) }
        ctx.out.ok()
    }

    static func list(_ ctx: inout CommandContext) {
        guard let s = ScriptCommands.scripting(&ctx) else { return }
        var withCode = false
        var pattern: [UInt8]?
        var i = 2
        while i < ctx.argc {
            if ctx.argIs(i, "WITHCODE") {
                if withCode { ctx.out.error("ERR Unknown argument withcode"); return }
                withCode = true
                i += 1
            } else if ctx.argIs(i, "LIBRARYNAME") {
                if pattern != nil { ctx.out.error("ERR Unknown argument libraryname"); return }
                guard i + 1 < ctx.argc else { ctx.out.error("ERR library name argument was not given"); return }
                pattern = Array(ctx.args[i + 1])
                i += 2
            } else {
                ctx.out.error("ERR Unknown argument \(ctx.args.string(i))")
                return
            }
        }
        let libs = s.libraries.values.sorted { $0.name < $1.name }.filter { lib in
            pattern.map { Glob.match($0, Array(lib.name.utf8)) } ?? true
        }
        ctx.out.arrayHeader(libs.count)
        for lib in libs {
            ctx.out.mapHeader(withCode ? 4 : 3)
            ctx.out.bulk("library_name"); ctx.out.bulk(lib.name)
            ctx.out.bulk("engine"); ctx.out.bulk("LUA")
            ctx.out.bulk("functions")
            ctx.out.arrayHeader(lib.functionNames.count)
            for name in lib.functionNames {
                let f = s.functions[name.lowercased()]!
                ctx.out.mapHeader(3)
                ctx.out.bulk("name"); ctx.out.bulk(f.name)
                ctx.out.bulk("description")
                if let d = f.description { ctx.out.bulk(d) } else { ctx.out.null() }
                ctx.out.bulk("flags")
                let names = f.flags.names
                ctx.out.setHeader(names.count)
                for n in names { ctx.out.simple(n) }
            }
            if withCode { ctx.out.bulk("library_code"); ctx.out.bulk(lib.code) }
        }
    }

    static func stats(_ ctx: inout CommandContext) {
        guard let s = ScriptCommands.scripting(&ctx) else { return }
        ctx.out.mapHeader(2)
        ctx.out.bulk("running_script")
        ctx.out.null()
        ctx.out.bulk("engines")
        ctx.out.mapHeader(1)
        ctx.out.bulk("LUA")
        ctx.out.mapHeader(2)
        ctx.out.bulk("libraries_count"); ctx.out.integer(s.libraries.count)
        ctx.out.bulk("functions_count"); ctx.out.integer(s.functions.count)
    }

    static func dump(_ ctx: inout CommandContext) {
        guard let s = ScriptCommands.scripting(&ctx) else { return }
        var w = RDBWriter()
        for lib in s.libraries.values.sorted(by: { $0.name < $1.name }) {
            w.byte(RDB.opFunction2)
            w.string(lib.code)
        }
        ctx.out.bulk(RDB.dumpPayload(w.bytes))
    }

    static func restore(_ ctx: inout CommandContext) {
        guard let s = ScriptCommands.scripting(&ctx) else { return }
        enum Policy { case append, replace, flush }
        var policy = Policy.append
        if ctx.argc > 4 {
            ctx.out.error("ERR unknown subcommand or wrong number of arguments for '\(ctx.args.string(1))'. Try FUNCTION HELP.")
            return
        }
        if ctx.argc == 4 {
            if ctx.argIs(3, "APPEND") { policy = .append }
            else if ctx.argIs(3, "REPLACE") { policy = .replace }
            else if ctx.argIs(3, "FLUSH") { policy = .flush }
            else { ctx.out.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."); return }
        }
        let payload = Array(ctx.args[2])
        guard let body = RDB.verifyDumpPayload(payload) else {
            ctx.out.error("ERR DUMP payload version or checksum are wrong")
            return
        }
        var codes: [[UInt8]] = []
        var reader = RDBReader(body)
        while !reader.atEnd {
            guard (try? reader.byte()) == RDB.opFunction2, let code = try? reader.string() else {
                ctx.out.error("ERR given type is not a function")
                return
            }
            codes.append(code)
        }
        // On failure the libraries are rebuilt from their code, so a bad payload changes nothing.
        let before = s.libraries.values.sorted { $0.name < $1.name }.map(\.code)
        func rollback() {
            for lib in Array(s.libraries.values) { s.dropLibrary(lib) }
            for code in before { _ = s.loadLibrary(code, replace: true) }
        }
        if policy == .flush { for lib in Array(s.libraries.values) { s.dropLibrary(lib) } }
        var restored: Set<String> = []
        for code in codes {
            switch s.loadLibrary(code, replace: policy == .replace) {
            case .success(let name): restored.insert(name)
            case .failure(.message(var text)):
                // A collision with a library that existed before is reported as Redis's
                // libraryJoin does (no quotes); one inside the payload as a load does.
                if text.hasPrefix("ERR Library '"), text.hasSuffix("' already exists") {
                    let name = String(text.dropFirst("ERR Library '".count).dropLast("' already exists".count))
                    if !restored.contains(name) { text = "ERR Library \(name) already exists" }
                }
                rollback()
                ctx.out.error(text)
                return
            }
        }
        ctx.out.ok()
    }

    static func help(_ ctx: inout CommandContext) {
        let lines = [
            "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "LOAD [REPLACE] <FUNCTION CODE>", "    Create a new library with the given library name and code.",
            "DELETE <LIBRARY NAME>", "    Delete the given library.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]", "    Return general information on all the libraries:",
            "    * Library name", "    * The engine used to run the Library", "    * Library description", "    * Functions list",
            "    * Library code (if WITHCODE is given)",
            "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
            "STATS", "    Return information about the current function running:", "    * Function name",
            "    * Command used to run the function", "    * Duration in MS that the function is running",
            "    If no function is running, return nil", "    In addition, returns a list of available engines.",
            "KILL", "    Kill the current running function.",
            "FLUSH [ASYNC|SYNC]", "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.", "    * SYNC: Synchronously flush the libraries.",
            "DUMP", "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
            "    control how to handle existing libraries (default APPEND):",
            "    * FLUSH: delete all existing libraries.",
            "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
            "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
            "      libraries with the new libraries (notice that even on this option there is a chance of failure",
            "      in case of functions name collision with another library).",
            "HELP", "    Prints this help.",
        ]
        ctx.out.arrayHeader(lines.count)
        for l in lines { ctx.out.simple(l) }
    }
}
