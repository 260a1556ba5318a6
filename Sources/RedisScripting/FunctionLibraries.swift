import CLuaBridge
import RESP
import RedisEngine

/// A library loaded with FUNCTION LOAD (`#!lua name=<lib>` and its `redis.register_function` calls).
final class FunctionLibrary {
    let name: String
    let code: [UInt8]
    /// Function names in registration order.
    var functionNames: [String] = []
    init(name: String, code: [UInt8]) {
        self.name = name
        self.code = code
    }
}

/// One function of a library: its Lua callback lives in the registry under `ref`.
struct RegisteredFunction {
    var name: String
    var library: String
    var ref: Int32
    var flags: ScriptFlags
    var description: String?
}

extension LuaScripting {
    enum LoadError: Error { case message(String) }

    /// Loads a library (FUNCTION LOAD / RESTORE). Returns its name, or Redis's error text.
    func loadLibrary(_ code: [UInt8], replace: Bool) -> Result<String, LoadError> {
        guard code.count >= 2, code[0] == UInt8(ascii: "#"), code[1] == UInt8(ascii: "!") else {
            return .failure(.message("ERR Missing library metadata"))
        }
        // Redis's functionExtractLibMetaData: the shebang line (it must end with a newline) split
        // like sdssplitargs, then `name=` (any case) once, nothing else.
        guard let end = code.firstIndex(of: UInt8(ascii: "\n")) else { return .failure(.message("ERR Invalid library metadata")) }
        var words = Argv()
        let split = code.withUnsafeBytes { RESPCommandDecoder.splitArgs($0, 0, end, into: &words) }
        guard split, words.count > 0 else { return .failure(.message("ERR Invalid library metadata")) }
        let parts = (0..<words.count).map { words.string($0) }
        let engineName = String(parts[0].dropFirst(2))
        var libName: String?
        for part in parts.dropFirst() {
            if part.lowercased().hasPrefix("name=") {
                if libName != nil { return .failure(.message("ERR Invalid metadata value, name argument was given multiple times")) }
                libName = String(part.dropFirst(5))
            } else {
                return .failure(.message("ERR Invalid metadata value given: \(part)"))
            }
        }
        guard let libName else { return .failure(.message("ERR Library name was not given")) }
        guard engineName.lowercased() == "lua" else {
            return .failure(.message("ERR Engine '\(engineName)' not found"))
        }
        guard LuaScripting.validName(libName) else {
            return .failure(.message("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"))
        }
        if libraries[libName] != nil && !replace { return .failure(.message("ERR Library '\(libName)' already exists")) }

        // Compile and run the library body with a load-time `redis` table that only registers.
        let status = code[end...].withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(p.count, 1)) { luaL_loadbuffer(L, $0, p.count, "@user_function") }
        }
        if status != 0 {
            return .failure(.message("ERR Error compiling function: \(popString())"))
        }
        pushLoadEnvironment()
        lua_setfenv(L, -2)
        let library = FunctionLibrary(name: libName, code: code)
        var pending: [RegisteredFunction] = []
        loadingLibrary = library
        loadingFunctions = []
        infera_lua_set_hook(L, 100_000, owner)
        loadDeadline = engine.clock.nowMilliseconds() + 500
        let ok = lua_pcall(L, 0, 0, 0) == 0
        infera_lua_set_hook(L, 0, nil)
        loadDeadline = 0
        pending = loadingFunctions
        loadingLibrary = nil
        loadingFunctions = []
        func release() { for f in pending { luaL_unref(L, infera_lua_registryindex(), f.ref) } }
        if !ok {
            let message = errorText(at: -1)
            lua_settop(L, 0)
            release()
            return .failure(.message("ERR Error registering functions: \(message)"))
        }
        lua_settop(L, 0)
        if pending.isEmpty { return .failure(.message("ERR No functions registered")) }
        for f in pending {
            if let existing = functions[f.name.lowercased()], existing.library != libName {
                release()
                return .failure(.message("ERR Function \(f.name) already exists"))
            }
        }
        if let old = libraries[libName] { dropLibrary(old) }
        for f in pending { functions[f.name.lowercased()] = f }
        library.functionNames = pending.map(\.name)
        libraries[libName] = library
        return .success(libName)
    }

    /// Removes a library and its functions.
    func dropLibrary(_ lib: FunctionLibrary) {
        for name in lib.functionNames {
            if let f = functions[name.lowercased()], f.library == lib.name {
                luaL_unref(L, infera_lua_registryindex(), f.ref)
                functions[name.lowercased()] = nil
            }
        }
        libraries[lib.name] = nil
    }

    /// Text of the error value at `index` (a string, or a table's `err`).
    func errorText(at index: Int32) -> String {
        if infera_lua_istable(L, index) {
            infera_lua_rawgetfield(L, index, "err")
            return popString()
        }
        lua_pushvalue(L, index)
        return "ERR " + popString()
    }

    static func validName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
    }

    /// The environment library code runs in: while loading (Redis 7.0's library API) only a
    /// read-only `redis` offering register_function, log and the constants, every other name being
    /// "nonexistent global variable"; once loaded, the normal globals (see `.loadGlobalIndex`).
    func pushLoadEnvironment() {
        lua_getfield(L, infera_lua_registryindex(), "__infera_load_env")
        if infera_lua_istable(L, -1) { return }
        infera_lua_pop(L, 1)
        lua_createtable(L, 0, 8)                    // the load-time redis table's contents
        infera_lua_register(L, -1, "register_function", owner, LuaOp.registerFunction.rawValue)
        infera_lua_register(L, -1, "log", owner, LuaOp.log.rawValue)
        for (name, value) in [("LOG_DEBUG", 0), ("LOG_VERBOSE", 1), ("LOG_NOTICE", 2), ("LOG_WARNING", 3), ("REDIS_VERSION_NUM", 0x07000F)] {
            lua_pushnumber(L, Double(value))
            lua_setfield(L, -2, name)
        }
        lua_pushstring(L, "7.0.15")
        lua_setfield(L, -2, "REDIS_VERSION")
        lua_pushvalue(L, -1)
        lua_setfield(L, infera_lua_registryindex(), "__infera_load_redis")
        lua_createtable(L, 0, 0)                    // its read-only view: unknown names are errors
        lua_createtable(L, 0, 2)
        infera_lua_register(L, -1, "__index", owner, LuaOp.loadRedisIndex.rawValue)
        infera_lua_register(L, -1, "__newindex", owner, LuaOp.globalNewIndex.rawValue)
        lua_setmetatable(L, -2)
        infera_lua_mark_readonly(L, -1, -2)
        lua_setfield(L, infera_lua_registryindex(), "__infera_load_redis_proxy")
        lua_createtable(L, 0, 1)                    // the globals' contents: redis
        lua_getfield(L, infera_lua_registryindex(), "__infera_load_redis_proxy")
        lua_setfield(L, -2, "redis")
        lua_createtable(L, 0, 0)                    // env
        lua_createtable(L, 0, 2)
        infera_lua_register(L, -1, "__index", owner, LuaOp.loadGlobalIndex.rawValue)
        infera_lua_register(L, -1, "__newindex", owner, LuaOp.globalNewIndex.rawValue)
        lua_setmetatable(L, -2)
        infera_lua_mark_readonly(L, -1, -2)
        lua_remove(L, -2)
        lua_remove(L, -2)
        lua_pushvalue(L, -1)
        lua_setfield(L, infera_lua_registryindex(), "__infera_load_env")
    }

    /// `redis.register_function(name, callback)` or `redis.register_function{function_name=…,
    /// callback=…, flags={…}, description=…}` while a library loads.
    func registerFunction(_ L: OpaquePointer) -> Int32 {
        guard let library = loadingLibrary else {
            return raise(L, "redis.register_function can only be called on FUNCTION LOAD command")
        }
        var name: String?
        var flags: ScriptFlags = []
        var description: String?
        let argc = lua_gettop(L)
        if argc == 2 {
            guard lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER else {
                return raise(L, "first argument to redis.register_function must be a string")
            }
            name = string(L, 1)
            guard lua_type(L, 2) == LUA_TFUNCTION else { return raise(L, "second argument to redis.register_function must be a function") }
            lua_pushvalue(L, 2)
        } else if argc == 1 {
            guard infera_lua_istable(L, 1) else {
                return raise(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
            }
            lua_pushnil(L)
            var callbackFound = false
            while lua_next(L, 1) != 0 {
                guard lua_type(L, -2) == LUA_TSTRING else { return raise(L, "named argument key given to redis.register_function is not a string") }
                let key = string(L, -2)
                switch key {
                case "function_name":
                    guard lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER else { return raise(L, "function_name argument given to redis.register_function must be a string") }
                    name = string(L, -1)
                case "description":
                    guard lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER else { return raise(L, "description argument given to redis.register_function must be a string") }
                    description = string(L, -1)
                case "callback":
                    guard lua_type(L, -1) == LUA_TFUNCTION else { return raise(L, "callback argument given to redis.register_function must be a function") }
                    callbackFound = true
                case "flags":
                    guard infera_lua_istable(L, -1) else { return raise(L, "flags argument to redis.register_function must be a table representing function flags") }
                    let t = lua_gettop(L)
                    var i: Int32 = 1
                    while true {
                        lua_rawgeti(L, t, i)
                        if infera_lua_isnil(L, -1) { infera_lua_pop(L, 1); break }
                        guard lua_type(L, -1) == LUA_TSTRING, let f = ScriptFlags.named(string(L, -1)) else {
                            return raise(L, "unknown flag given")
                        }
                        flags.insert(f)
                        infera_lua_pop(L, 1)
                        i += 1
                    }
                default:
                    return raise(L, "unknown argument given to redis.register_function")
                }
                infera_lua_pop(L, 1)
            }
            guard callbackFound else { return raise(L, "redis.register_function must get a callback argument") }
            infera_lua_rawgetfield(L, 1, "callback")
        } else {
            return raise(L, "wrong number of arguments to redis.register_function")
        }
        guard let name else { return raise(L, "redis.register_function must get a function name argument") }
        guard LuaScripting.validName(name) else {
            return raise(L, "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
        }
        if loadingFunctions.contains(where: { $0.name.lowercased() == name.lowercased() }) { return raise(L, "Function already exists in the library") }
        // The callback keeps the library's globals (runtime rules once loaded).
        pushLoadEnvironment()
        lua_setfenv(L, -2)
        let ref = luaL_ref(L, infera_lua_registryindex())
        loadingFunctions.append(RegisteredFunction(name: name, library: library.name, ref: ref, flags: flags, description: description))
        return 0
    }

    /// FCALL / FCALL_RO.
    func callFunction(_ ctx: inout CommandContext, readOnly: Bool) {
        guard let f = functions[ctx.args.string(1).lowercased()] else {
            ctx.out.error("ERR Function not found")
            return
        }
        guard let n = ScriptCommands.numkeys(&ctx, at: 2, notIntegerError: "ERR Bad number of keys provided") else { return }
        if readOnly && !f.flags.contains(.noWrites) {
            ctx.out.error("ERR Can not execute a script with write flag using *_ro command.")
            return
        }
        if !f.flags.contains(.allowOOM) && !f.flags.contains(.noWrites) && ctx.engine.isOverMaxMemory() {
            ctx.out.error(RedisError.oom)
            return
        }
        lua_rawgeti(L, infera_lua_registryindex(), f.ref)
        LuaReplies.pushArgs(L, ctx.args, from: 3, count: n)
        LuaReplies.pushArgs(L, ctx.args, from: 3 + n, count: ctx.argc - 3 - n)
        runFunction(&ctx, nargs: 2, readOnly: readOnly || f.flags.contains(.noWrites), allowOOM: f.flags.contains(.allowOOM),
                    errorName: f.name, isFunction: true)
    }

}
