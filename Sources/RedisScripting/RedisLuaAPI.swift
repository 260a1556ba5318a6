import CLuaBridge
import NIOCore
import RESP
import RedisEngine

/// The `redis.*` functions scripts call, and the sandbox's global access rules.
extension LuaScripting {
    /// Runs `op` with its Lua arguments on the stack; returns the results pushed, or -1 with an
    /// error value pushed for the trampoline to raise.
    func handle(_ op: LuaOp, _ L: OpaquePointer) -> Int32 {
        switch op {
        case .call: return redisCall(L, raise: true)
        case .pcall: return redisCall(L, raise: false)
        case .errorReply:
            guard lua_gettop(L) == 1, lua_type(L, 1) == LUA_TSTRING else {
                pushErrorTable(L, "-ERR wrong number or type of arguments")
                return 1
            }
            let text = string(L, 1)
            pushErrorTable(L, text.hasPrefix("-") ? text : "-" + text)
            return 1
        case .statusReply:
            guard lua_gettop(L) == 1, lua_type(L, 1) == LUA_TSTRING else {
                pushErrorTable(L, "-ERR wrong number or type of arguments")
                return 1
            }
            lua_createtable(L, 0, 1)
            lua_pushvalue(L, 1)
            lua_setfield(L, -2, "ok")
            return 1
        case .sha1hex:
            guard lua_gettop(L) == 1 else { return raise(L, "wrong number of arguments") }
            let hex = SHA1.hex(bytes(L, 1))
            lua_pushstring(L, hex)
            return 1
        case .log:
            let argc = lua_gettop(L)
            guard argc >= 2 else { return raise(L, "redis.log() requires two arguments or more.") }
            guard lua_type(L, 1) == LUA_TNUMBER else { return raise(L, "First argument must be a number (log level).") }
            let level = Int(lua_tonumber(L, 1))
            guard (0...3).contains(level) else { return raise(L, "Invalid debug level.") }
            var parts: [String] = []
            for i in 2...argc { parts.append(string(L, i)) }
            engine.scriptLog?(level, parts.joined(separator: " "))
            return 0
        case .setresp:
            guard lua_gettop(L) == 1 else { return raise(L, "redis.setresp() requires one argument.") }
            let v = Int(lua_tonumber(L, 1))
            guard v == 2 || v == 3 else { return raise(L, "RESP version must be 2 or 3.") }
            scriptProtocol = v == 3 ? .resp3 : .resp2
            return 0
        case .setRepl:
            guard lua_gettop(L) == 1 else { return raise(L, "redis.set_repl() requires one argument.") }
            let v = Int(lua_tonumber(L, 1))
            guard (0...3).contains(v) else {
                return raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
            }
            return 0
        case .replicateCommands:
            lua_pushboolean(L, 1)
            return 1
        case .breakpoint:
            lua_pushboolean(L, 0)
            return 1
        case .debug:
            return 0
        case .aclCheckCmd:
            return aclCheckCmd(L)
        case .registerFunction:
            return registerFunction(L)
        case .globalIndex:
            // __index(env, key): the real global, or Redis's error for an unknown name.
            lua_pushvalue(L, 2)
            lua_rawget(L, infera_lua_globalsindex())
            if !infera_lua_isnil(L, -1) { return 1 }
            infera_lua_pop(L, 1)
            return raiseAtCaller(L, "Script attempted to access nonexistent global variable '\(string(L, 2))'")
        case .loadRedisIndex:
            // The load-time `redis` table: register_function, log and the constants only.
            lua_getfield(L, infera_lua_registryindex(), "__infera_load_redis")
            lua_pushvalue(L, 2)
            lua_rawget(L, -2)
            if !infera_lua_isnil(L, -1) { return 1 }
            infera_lua_pop(L, 2)
            return raiseAtCaller(L, "Script attempted to access nonexistent global variable '\(string(L, 2))'")
        case .loadGlobalIndex:
            // Libraries' globals: while FUNCTION LOAD runs the library body, `redis` (the load-time
            // table) only, as Redis 7.0's library API; when a function runs, the normal globals
            // (Redis swaps the globals' __index the same way, so library-level helpers see the
            // runtime `redis`).
            guard loadingLibrary != nil else {
                // Functions run in their own globals in Redis: no KEYS/ARGV of the last EVAL.
                if lua_type(L, 2) == LUA_TSTRING, ["KEYS", "ARGV", "__redis__err__handler"].contains(string(L, 2)) {
                    return raiseAtCaller(L, "Script attempted to access nonexistent global variable '\(string(L, 2))'")
                }
                return handle(.globalIndex, L)
            }
            if lua_type(L, 2) == LUA_TSTRING && string(L, 2) == "redis" {
                lua_getfield(L, infera_lua_registryindex(), "__infera_load_redis_proxy")
                return 1
            }
            return raiseAtCaller(L, "Script attempted to access nonexistent global variable '\(string(L, 2))'")
        case .globalNewIndex:
            return raiseAtCaller(L, "Attempt to modify a readonly table")
        }
    }

    /// `redis.call` / `redis.pcall`.
    private func redisCall(_ L: OpaquePointer, raise shouldRaise: Bool) -> Int32 {
        func fail(_ message: String) -> Int32 {
            pushErrorTable(L, message)
            return shouldRaise ? -1 : 1
        }
        // A refusal after the command name was read: counted in the error statistics now (and
        // flagged so the script's own error reply is not counted again), as Redis's scriptCall.
        func reject(_ message: String, _ cmd: CommandSpec?) -> Int32 {
            engine.countScriptRejection(cmd, error: String(message.dropFirst()))
            pushErrorTable(L, message)
            markStatsCounted(L)
            return shouldRaise ? -1 : 1
        }
        let argc = lua_gettop(L)
        if argc == 0 { return fail("-ERR Please specify at least one argument for this redis lib call") }
        guard let run else { return fail("-ERR redis.call is not allowed from here") }
        var argv = argvScratch
        argvScratch = Argv.empty
        argv.reset()
        defer { argvScratch = argv }
        for i in 1...argc {
            switch lua_type(L, i) {
            case LUA_TSTRING:
                var len = 0
                let p = infera_lua_tolstring(L, i, &len)
                argv.append(raw: UnsafeRawBufferPointer(start: p, count: len))
            case LUA_TNUMBER: argv.append(formatNumber(lua_tonumber(L, i)))
            default: return fail("-ERR Lua redis lib command arguments must be strings or integers")
            }
        }
        // The arguments are copied: drop them, so the reply has the whole C stack (up to 8,000 slots
        // in Lua 5.1, which a call with thousands of arguments would otherwise fill).
        lua_settop(L, 0)
        guard var cmd = engine.commandIndex.lookup(argv[0]) else { return reject("-ERR Unknown Redis command called from script", nil) }
        // Redis's lookupCommand: the container itself when there is no subcommand argument.
        if cmd.isContainer && argc >= 2 {
            guard let sub = engine.findSubcommand(cmd, argv[1]) else {
                return reject("-ERR Unknown Redis command called from script", nil)
            }
            cmd = sub
        }
        if (cmd.arity > 0 && Int(argc) != cmd.arity) || Int(argc) < -cmd.arity {
            return reject("-ERR Wrong number of args calling Redis command from script", cmd)
        }
        if let text = engine.disabledCommandReply(cmd) {
            return reject(text.map { "-" + $0 } ?? "-ERR Unknown Redis command called from script", cmd)
        }
        if cmd.flags.contains(.noscript) { return reject("-ERR This Redis command is not allowed from script", cmd) }
        if !run.unrestricted && !engine.aclPermits(user: run.caller.user, cmd, argv) {
            return reject("-ERR The user executing the script can't run this command or subcommand", cmd)
        }
        if let node = engine.clusterNode, let err = node.scriptAccess(cmd, argv, caller: run.caller) { return reject("-" + err, cmd) }
        let writes = cmd.flags.contains(.write)
        // Redis's scriptVerifyWriteCommandAllow: a read-only script refuses may-replicate commands
        // (PUBLISH ...) too; the later checks are for writes only.
        if (writes || cmd.flags.contains(.mayReplicate)) && run.readOnly { return reject("-ERR Write commands are not allowed from read-only scripts.", cmd) }
        if writes && lacksGoodReplicas { return reject("-NOREPLICAS Not enough good replicas to write.", cmd) }
        if engine.config.maxMemory > 0 && cmd.flags.contains(.denyOOM) && !run.allowOOM && !run.wroteSomething
            && engine.isOverMaxMemory() {
            return reject("-OOM command not allowed when used memory > 'maxmemory'.", cmd)
        }
        if writes { run.wroteSomething = true }

        scriptSession.protocolVersion = scriptProtocol
        // The reply buffer is reused: taken out while the command writes into it (so it stays
        // uniquely referenced and never copied), put back after its reply became Lua values.
        var sub = CommandContext(engine: engine, session: scriptSession, buffer: takeReplyBuffer())
        sub.out.buffer.clear()
        sub.args = argv
        sub.now = engine.commandTime
        sub.out.version = scriptProtocol
        engine.call(&sub, cmd)
        sub.args = Argv.empty
        let buffer = sub.out.buffer
        sub.out.buffer = ByteBuffer()
        defer { if buffer.capacity <= 1 << 20 { replyScratch = buffer } }

        if buffer.readableBytes == 0 { return fail("-ERR the command gave no reply") }
        if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == UInt8(ascii: "-") {
            // The command's error reply was counted when it ran.
            let line = buffer.withUnsafeReadableBytes { raw -> String in
                let end = raw.firstIndex(of: UInt8(ascii: "\r")) ?? raw.count
                return String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<end]), as: UTF8.self)
            }
            pushErrorTable(L, line)
            markStatsCounted(L)
            return shouldRaise ? -1 : 1
        }
        let pushed = buffer.withUnsafeReadableBytes { raw in
            var reader = LuaReplies.ReplyReader(bytes: raw)
            return reader.push(into: L, scriptProtocol: scriptProtocol)
        }
        guard pushed else { return fail("-ERR the command's reply could not be read") }
        return 1
    }

    /// The reusable reply buffer, moved out of `replyScratch` so the command writing into it holds
    /// the only reference (a shared buffer would be copied on the first write).
    private func takeReplyBuffer() -> ByteBuffer {
        guard let buffer = replyScratch else { return ByteBufferAllocator().buffer(capacity: 256) }
        replyScratch = nil
        return buffer
    }

    /// `redis.acl_check_cmd(cmd, ...)`: whether the running user may run the command.
    private func aclCheckCmd(_ L: OpaquePointer) -> Int32 {
        let argc = lua_gettop(L)
        guard argc >= 1 else { return raise(L, "Please specify at least one argument for this redis lib call") }
        var args: [[UInt8]] = []
        for i in 1...argc {
            guard lua_type(L, i) == LUA_TSTRING || lua_type(L, i) == LUA_TNUMBER else {
                return raise(L, "Lua redis lib command arguments must be strings or integers")
            }
            args.append(bytes(L, i))
        }
        let argv = Argv(bytes: args)
        guard let cmd = engine.commandTable.lookup(argv[0]) else {
            return raise(L, "Invalid command passed to redis.acl_check_cmd()")
        }
        lua_pushboolean(L, engine.aclPermits(user: run?.caller.user ?? "default", cmd, argv) ? 1 : 0)
        return 1
    }

    // MARK: helpers

    /// Pushes `{err = "<CODE> <message>"}` from a reply-style error (`-CODE message`, or a bare
    /// message which gets the code ERR), as Redis's luaPushErrorBuff does.
    func pushErrorTable(_ L: OpaquePointer, _ text: String) {
        var final = text
        if text.hasPrefix("-") {
            let body = text.dropFirst()
            if let space = body.firstIndex(of: " ") {
                final = String(body[..<space]) + " " + String(body[body.index(after: space)...])
            } else {
                final = "ERR " + body
            }
        } else {
            final = "ERR " + text
        }
        while final.hasSuffix("\n") || final.hasSuffix("\r") { final.removeLast() }
        lua_createtable(L, 0, 1)
        lua_pushstring(L, final)
        lua_setfield(L, -2, "err")
    }

    /// Flags the error table on top of the stack as already counted (Redis's
    /// `ignore_error_stats_update`).
    func markStatsCounted(_ L: OpaquePointer) {
        lua_pushboolean(L, 1)
        lua_setfield(L, -2, "ignore_error_stats_update")
    }

    /// Pushes an error for the trampoline to raise (`ERR <message>` as an error table).
    func raise(_ L: OpaquePointer, _ message: String) -> Int32 {
        pushErrorTable(L, message)
        return -1
    }

    /// Raises `message` as a string with the caller's position (`user_script:1: …`), like luaL_error.
    private func raiseAtCaller(_ L: OpaquePointer, _ message: String) -> Int32 {
        luaL_where(L, 1)
        lua_pushstring(L, message)
        lua_concat(L, 2)
        return -1
    }

    func bytes(_ L: OpaquePointer, _ i: Int32) -> [UInt8] {
        var len = 0
        guard let p = infera_lua_tolstring(L, i, &len) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: len))
    }

    func string(_ L: OpaquePointer, _ i: Int32) -> String { String(decoding: bytes(L, i), as: UTF8.self) }

    /// A Lua number as Redis 7.0 turns it into a command argument: `%.17g` (so 0.1 is
    /// 0.10000000000000001, 2^63 is 9.2233720368547758e+18 and -0 stays -0).
    func formatNumber(_ d: Double) -> [UInt8] {
        var buf = [CChar](repeating: 0, count: 64)
        let n = Int(infera_format_double(d, &buf, 64))
        return buf[0..<min(max(n, 0), 63)].map { UInt8(bitPattern: $0) }
    }
}
