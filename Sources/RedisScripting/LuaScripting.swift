import CLuaBridge
import NIOCore
import RESP
import RedisEngine

/// Redis 7.0 scripting on Lua 5.1: one Lua state per engine, the script cache (EVAL/EVALSHA/SCRIPT),
/// function libraries (FUNCTION/FCALL), the `redis` API table and the sandbox.
///
/// Every call into Lua happens under the engine lock (scripts run inside a command). Errors that
/// Swift callbacks raise are pushed on the Lua stack and raised by the C trampoline after the Swift
/// frame has returned (see CLuaBridge.h): no longjmp ever crosses a Swift frame.
public final class LuaScripting: EngineExtension {
    unowned(unsafe) let engine: Engine
    let L: OpaquePointer
    /// The client scripts run as (Redis's "lua client"): internal, never blocks, own selected db.
    let scriptSession: ClientSession
    /// Cached scripts by SHA-1 (EVALSHA and SCRIPT EXISTS look them up without building a string).
    var scripts: [ScriptKey: Script] = [:]
    /// Function libraries by name, and every registered function by name.
    var libraries: [String: FunctionLibrary] = [:]
    var functions: [String: RegisteredFunction] = [:]
    /// The run in progress (nil between scripts).
    var run: ScriptRun?
    /// The state object every run uses (`run` points to it while a script runs).
    private lazy var runState = ScriptRun(caller: scriptSession)
    /// `redis.setresp`: the protocol replies are converted from inside the running script.
    var scriptProtocol: RESPVersion = .resp2
    /// While FUNCTION LOAD runs a library's code: the functions it registers.
    var loadingLibrary: FunctionLibrary?
    var loadingFunctions: [RegisteredFunction] = []
    /// While FUNCTION LOAD runs library code: when it must have finished (ms; 0 otherwise).
    var loadDeadline: Int64 = 0
    /// Statistics for INFO.
    var scriptsExecuted = 0
    /// Calls left before the next incremental GC step.
    var gcCountdown = 50
    /// Registry reference of `__redis__err__handler` (pushed below every script call).
    private(set) var errorHandlerRef: Int32 = 0
    /// The buffer commands called from scripts write their replies into, reused between calls.
    var replyScratch: ByteBuffer?
    /// The digest (as a client sent it) and script of the last successful lookup.
    private var lastFound: (digest: [UInt8], script: Script)?
    /// The argument vector of `redis.call`, reused between calls.
    var argvScratch = Argv()

    /// Installs scripting on `engine`: the EVAL/SCRIPT/FUNCTION/FCALL commands and the extension.
    @discardableResult
    public static func install(on engine: Engine) -> LuaScripting {
        if let existing = engine.extensionOf(LuaScripting.self) { return existing }
        let s = LuaScripting(engine: engine)
        engine.addExtension(s)
        engine.scriptingHost = s
        engine.commandTable.register(ScriptCommands.all)
        engine.commandTable.register(FunctionCommands.all)
        engine.applyCommandRenames()
        engine.busyReply = { [unowned s] args, session in s.replyWhileBusy(args, session) }
        // RDB files carry FUNCTION libraries (RDB_OPCODE_FUNCTION2).
        engine.persistence.functionLibraries = { [unowned s] in s.libraries.values.sorted { $0.name < $1.name }.map(\.code) }
        engine.persistence.loadFunctionLibrary = { [unowned s] code in
            switch s.loadLibrary(code, replace: false) {
            case .success: return nil
            case .failure(.message(let text)): return text
            }
        }
        return s
    }

    init(engine: Engine) {
        self.engine = engine
        guard let state = luaL_newstate() else { fatalError("Lua: out of memory creating a state") }
        L = state
        scriptSession = ClientSession(id: 0, now: engine.clock.nowMilliseconds(), authenticated: true)
        scriptSession.isInternal = true
        scriptSession.name = ByteString("lua")
        LuaScripting.installCallbacks()
        setUpState()
    }

    deinit { lua_close(L) }

    private static let callbacksInstalled: Bool = {
        infera_lua_set_callbacks(luaTrampolineCallback, luaHookCallback)
        infera_lua_srand48(0)
        return true
    }()

    private static func installCallbacks() { _ = callbacksInstalled }

    var owner: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    // MARK: the state

    /// Libraries, the `redis` table, the sandbox environment and the error handler.
    private func setUpState() {
        if infera_lua_open_libraries(L) != 0 { fatalError("Lua: cannot open the standard libraries") }
        let g = infera_lua_globalsindex()
        // No file access: Redis removes these.
        for name in ["loadfile", "dofile"] {
            lua_pushnil(L)
            lua_setfield(L, g, name)
        }
        // The redis table.
        lua_createtable(L, 0, 24)
        for op in LuaOp.allCases where op.isRedisAPI {
            infera_lua_register(L, -1, op.luaName, owner, op.rawValue)
        }
        for (name, value) in [("LOG_DEBUG", 0), ("LOG_VERBOSE", 1), ("LOG_NOTICE", 2), ("LOG_WARNING", 3),
                              ("REPL_NONE", 0), ("REPL_AOF", 1), ("REPL_SLAVE", 2), ("REPL_REPLICA", 2), ("REPL_ALL", 3),
                              ("REDIS_VERSION_NUM", 0x07000F)] {
            lua_pushnumber(L, Double(value))
            lua_setfield(L, -2, name)
        }
        lua_pushstring(L, "7.0.15")
        lua_setfield(L, -2, "REDIS_VERSION")
        lua_setfield(L, g, "redis")

        // The error handler Redis installs: adds the source and line of the failing call.
        let handler = """
        local dbg = debug
        __redis__err__handler = function(err)
          local i = dbg.getinfo(2,'nSl')
          if i and i.what == 'C' then i = dbg.getinfo(3,'nSl') end
          if type(err) ~= 'table' then err = {err='ERR ' .. tostring(err)} end
          if i then err['source'] = i.source; err['line'] = i.currentline end
          return err
        end
        """
        if luaL_loadbuffer(L, handler, handler.utf8.count, "@error_handler") != 0 || lua_pcall(L, 0, 0, 0) != 0 {
            fatalError("Lua: cannot install the error handler")
        }
        infera_lua_getglobal(L, "__redis__err__handler")
        errorHandlerRef = luaL_ref(L, infera_lua_registryindex())

        // Redis 7.0 leaves these out of the scripts' globals (debug stays reachable from the error
        // handler above, which captured it).
        for name in ["print", "getfenv", "setfenv", "newproxy", "debug"] {
            lua_pushnil(L)
            lua_setfield(L, g, name)
        }

        // Library tables (redis, cjson, bit, string, math ...) become read-only, as in Redis 7.0.
        if infera_lua_protect_libraries(L) != 0 { fatalError("Lua: cannot protect the library tables") }

        // The sandbox: scripts see the globals through an empty proxy whose metatable refuses new
        // globals and reports unknown ones, as Redis's read-only globals do. `_G` is that proxy;
        // getmetatable(_G) answers a read-only view of its metatable.
        lua_createtable(L, 0, 0)              // env
        lua_createtable(L, 0, 2)              // its metatable
        infera_lua_push_env_index(L)
        lua_setfield(L, -2, "__index")
        infera_lua_register(L, -1, "__newindex", owner, LuaOp.globalNewIndex.rawValue)
        lua_pushvalue(L, -1)
        lua_setmetatable(L, -3)
        infera_lua_push_readonly(L, -1)       // env, mt, mt proxy
        infera_lua_set_readonly_metatable(L, -3, -1)
        lua_settop(L, -3)                     // env
        infera_lua_mark_readonly(L, -1, g)
        lua_pushvalue(L, -1)
        lua_setfield(L, g, "_G")
        lua_setfield(L, infera_lua_registryindex(), "__infera_env")
        lua_settop(L, 0)
    }

    /// Pushes the sandbox environment table.
    func pushEnvironment() { lua_getfield(L, infera_lua_registryindex(), "__infera_env") }

    // MARK: compiling

    /// A cached script: its source, flags and the compiled function (a registry reference).
    final class Script {
        let sha: String
        let body: [UInt8]
        let flags: ScriptFlags
        let ref: Int32
        init(sha: String, body: [UInt8], flags: ScriptFlags, ref: Int32) {
            self.sha = sha
            self.body = body
            self.flags = flags
            self.ref = ref
        }
    }

    /// The script cached under the hex SHA-1 in `bytes` (any case), if any. The last digest found
    /// is remembered as sent: EVALSHA looks its script up twice (flags before it runs, then to run).
    func script(sha bytes: ArraySlice<UInt8>) -> Script? {
        if let last = lastFound, ScriptKey.sameDigest(bytes, last.digest) { return last.script }
        guard let key = ScriptKey(hex: bytes), let found = scripts[key] else { return nil }
        lastFound = (Array(bytes), found)
        return found
    }

    /// Compiles `body` as script `sha` (stored in the registry) or returns Redis's error text.
    func compileScript(_ body: [UInt8], sha: String) -> String? {
        guard let key = ScriptKey(hex: ArraySlice(sha.utf8)) else { return "ERR invalid script digest" }
        if scripts[key] != nil { return nil }
        let parsed: (flags: ScriptFlags, code: ArraySlice<UInt8>)
        switch ScriptFlags.parseShebang(body) {
        case .failure(let message): return message
        case .success(let p): parsed = p
        }
        let status = parsed.code.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                luaL_loadbuffer(L, $0, p.count, "@user_script")
            }
        }
        if status != 0 {
            let message = popString()
            return "ERR Error compiling script (new function): \(message)"
        }
        pushEnvironment()
        lua_setfenv(L, -2)
        let ref = luaL_ref(L, infera_lua_registryindex())
        lua_settop(L, 0)
        scripts[key] = Script(sha: sha, body: body, flags: parsed.flags, ref: ref)
        return nil
    }

    /// Drops every cached script (SCRIPT FLUSH).
    func flushScripts() {
        for script in scripts.values { luaL_unref(L, infera_lua_registryindex(), script.ref) }
        scripts.removeAll()
        lastFound = nil
        lua_gc(L, LUA_GCCOLLECT, 0)
    }

    func popString() -> String {
        var len = 0
        guard let p = infera_lua_tolstring(L, -1, &len) else { infera_lua_pop(L, 1); return "" }
        let s = String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
        infera_lua_pop(L, 1)
        return s
    }

    // MARK: running

    /// State of the script being run (one object, reused from run to run).
    final class ScriptRun {
        var caller: ClientSession
        var readOnly: Bool
        var allowOOM: Bool
        var name: String
        var startedAt: Int64
        /// FCALL (FUNCTION KILL stops it) rather than EVAL (SCRIPT KILL).
        var isFunction: Bool
        /// The calling command's arguments (FUNCTION STATS shows them).
        var args: Argv
        /// The caller's ACL user may run every command on every key and channel (ACL rules cannot
        /// change while a script runs: ACL is not allowed from scripts).
        var unrestricted: Bool
        var killRequested = false
        var wroteSomething = false
        init(caller: ClientSession) {
            self.caller = caller
            readOnly = false
            allowOOM = false
            name = ""
            startedAt = 0
            isFunction = false
            args = Argv.empty
            unrestricted = false
        }

        /// The command line, for FUNCTION STATS.
        var commandLine: [String] { (0..<args.count).map { args.string($0) } }
    }

    /// Runs the function on top of the stack with `nargs` arguments already pushed after it, and
    /// writes its result (or the error) as the reply in `ctx`. `errorName` is the script's SHA or the
    /// function's name (Redis puts it in error messages).
    func runFunction(_ ctx: inout CommandContext, nargs: Int32, readOnly: Bool, allowOOM: Bool, errorName: String,
                     isFunction: Bool = false) {
        // The error handler goes below the function.
        let base = lua_gettop(L) - nargs - 1
        lua_rawgeti(L, infera_lua_registryindex(), errorHandlerRef)
        lua_insert(L, base + 1)
        let handlerIndex = base + 1

        if run != nil {
            lua_settop(L, base)
            ctx.out.error("ERR a script is already running")
            return
        }
        let thisRun = runState
        thisRun.caller = ctx.session
        thisRun.readOnly = readOnly
        thisRun.allowOOM = allowOOM
        thisRun.name = errorName
        thisRun.startedAt = ctx.now
        thisRun.isFunction = isFunction
        thisRun.args = ctx.args
        thisRun.unrestricted = engine.aclUnrestricted(user: ctx.session.user)
        thisRun.killRequested = false
        thisRun.wroteSomething = false
        run = thisRun
        scriptProtocol = .resp2
        scriptSession.db = ctx.session.db
        scriptSession.user = ctx.session.user
        scriptsExecuted += 1
        infera_lua_set_hook(L, 100_000, owner)
        let status = lua_pcall(L, nargs, 1, handlerIndex)
        infera_lua_set_hook(L, 0, nil)
        run = nil
        thisRun.args = Argv.empty   // the connection decodes its next command into that storage
        thisRun.caller = scriptSession

        // An error that came from a command the script called was counted when it happened.
        if infera_lua_istable(L, -1) {
            infera_lua_rawgetfield(L, -1, "ignore_error_stats_update")
            if lua_toboolean(L, -1) != 0 { ctx.errorStatsCounted = true }
            infera_lua_pop(L, 1)
        }
        if status != 0 {
            let message = errorMessage(at: -1, name: errorName)
            lua_settop(L, base)
            ctx.out.error(message)
        } else {
            LuaReplies.write(L, index: -1, into: &ctx.out, scriptProtocol: scriptProtocol)
            lua_settop(L, base)
        }
        // Redis's LUA_GC_CYCLE_PERIOD: an incremental GC step every 50 calls.
        gcCountdown -= 1
        if gcCountdown <= 0 {
            gcCountdown = 50
            lua_gc(L, LUA_GCSTEP, 50)
        }
    }

    /// Redis 7.0's error text: `<err> script: <sha or function>, on <source>:<line>.`
    func errorMessage(at index: Int32, name: String) -> String {
        var err = "ERR unknown error"
        var source: String?
        var line: String?
        if infera_lua_istable(L, index) {
            let t = lua_gettop(L) + index + 1
            infera_lua_rawgetfield(L, t, "err")
            if lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER { err = popString() } else { infera_lua_pop(L, 1) }
            infera_lua_rawgetfield(L, t, "source")
            if lua_type(L, -1) == LUA_TSTRING { source = popString() } else { infera_lua_pop(L, 1) }
            infera_lua_rawgetfield(L, t, "line")
            if lua_type(L, -1) == LUA_TNUMBER { line = String(Int(lua_tonumber(L, -1))); infera_lua_pop(L, 1) } else { infera_lua_pop(L, 1) }
        } else if lua_type(L, index) == LUA_TSTRING {
            lua_pushvalue(L, index)
            err = "ERR " + popString()
        }
        if err.hasPrefix("-") { err.removeFirst() }
        if let source, let line { return "\(err) script: \(name), on \(source):\(line)." }
        return "\(err) script: \(name)"
    }

    /// `busy-reply-threshold` (alias `lua-time-limit`), ms.
    var busyThreshold: Int64 {
        let extra = engine.config.extra
        return Int64(extra["busy-reply-threshold"] ?? extra["lua-time-limit"] ?? "5000") ?? 5000
    }

    /// What another client gets for a command sent while a script is busy.
    func replyWhileBusy(_ args: Argv, _ session: ClientSession) -> ByteBuffer {
        var out = ReplyWriter(buffer: ByteBufferAllocator().buffer(capacity: 128), version: session.protocolVersion)
        let name = args.count > 0 ? args.string(0).lowercased() : ""
        let sub = args.count > 1 ? args.string(1).lowercased() : ""
        let busyText = run?.isFunction == true
            ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
            : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
        guard let run else {
            out.error("NOTBUSY No scripts in execution right now.")
            return out.buffer
        }
        switch (name, sub) {
        case ("script", "kill"), ("function", "kill"):
            if (name == "function") != run.isFunction {
                out.error(busyText)
            } else if run.wroteSomething {
                out.error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
            } else {
                run.killRequested = true
                out.ok()
            }
        case ("function", "stats"):
            out.mapHeader(2)
            out.bulk("running_script")
            out.mapHeader(3)
            out.bulk("name"); out.bulk(run.name)
            out.bulk("command")
            out.arrayHeader(run.commandLine.count)
            for a in run.commandLine { out.bulk(a) }
            out.bulk("duration_ms"); out.integer(Int(engine.clock.nowMilliseconds() - run.startedAt))
            out.bulk("engines")
            out.mapHeader(1)
            out.bulk("LUA")
            out.mapHeader(2)
            out.bulk("libraries_count"); out.integer(libraries.count)
            out.bulk("functions_count"); out.integer(functions.count)
        case ("shutdown", _):
            // Redis: only SHUTDOWN NOSAVE passes while a script is busy; it stops the script too.
            let words = (1..<args.count).map { args.string($0).lowercased() }
            guard words.contains("nosave"), !words.contains("abort") else {
                out.error(busyText)
                return out.buffer
            }
            run.killRequested = true
            return executeWhileBusy(args, session, busyText)
        default:
            // Everything else goes through the engine with `busyError` set: commands flagged
            // allow_busy (MULTI, DISCARD, WATCH, AUTH, HELLO ...) run, the others get BUSY (EXEC
            // aborts the transaction, a command queued after MULTI flags it), as in processCommand.
            return executeWhileBusy(args, session, busyText)
        }
        return out.buffer
    }

    private func executeWhileBusy(_ args: Argv, _ session: ClientSession, _ busyText: String) -> ByteBuffer {
        let savedTime = engine.commandTime
        engine.busyError = busyText
        defer {
            engine.busyError = nil
            engine.commandTime = savedTime
        }
        var ctx = CommandContext(engine: engine, session: session, buffer: ByteBufferAllocator().buffer(capacity: 128))
        ctx.args = args
        if !engine.execute(&ctx) {
            session.isPostponed = false
            ctx.out.error(busyText)
        }
        return ctx.out.buffer
    }

    // MARK: EngineExtension

    public var hooks: ExtensionHooks { [.beforeCommand] }

    /// `min-replicas-to-write`: infera has no replicas, so any value above 0 refuses writes.
    var lacksGoodReplicas: Bool {
        let extra = engine.config.extra
        guard let v = extra["min-replicas-to-write"] ?? extra["min-slaves-to-write"], let n = Int(v) else { return false }
        return n > 0
    }

    /// Redis's processCommand for EVAL*/FCALL*: a script with a shebang (or a function) has the
    /// command flags its own flags give (getCommandFlags): without `no-writes` or `allow-oom` it is
    /// deny-oom, without `no-writes` it is a write, so OOM and NOREPLICAS refuse it before it runs.
    public func beforeCommand(_ ctx: inout CommandContext, _ cmd: CommandSpec) -> Bool {
        guard cmd.flags.contains(.noMandatoryKeys), cmd.flags.contains(.noscript), ctx.argc >= 3 else { return false }
        let flags: ScriptFlags
        switch cmd.name {
        case "eval", "eval_ro":
            guard case .success(let parsed) = ScriptFlags.parseShebang(Array(ctx.args[1])) else { return false }
            flags = parsed.flags
        case "evalsha", "evalsha_ro":
            guard let found = script(sha: ctx.args[1]) else { return false }
            flags = found.flags
        case "fcall", "fcall_ro":
            guard let f = functions[ctx.args.string(1).lowercased()] else { return false }
            flags = f.flags
        default:
            return false
        }
        if flags.contains(.eval_compat) { return false }
        if !flags.contains(.allowOOM) && !flags.contains(.noWrites) && engine.config.maxMemory > 0 && engine.isOverMaxMemory() {
            engine.stats.rejectedCalls += 1   // the dispatcher counts cmd's rejected_calls
            ctx.out.error(engine.config.oomErrorText ?? "\(RedisError.oom)")
            return true
        }
        if !flags.contains(.noWrites) && lacksGoodReplicas {
            engine.stats.rejectedCalls += 1   // the dispatcher counts cmd's rejected_calls
            ctx.out.error("NOREPLICAS Not enough good replicas to write.")
            return true
        }
        return false
    }

    public func infoLines(section: String) -> [String]? {
        guard section == "memory" || section == "stats" else { return nil }
        if section == "memory" {
            let luaBytes = Int(lua_gc(L, LUA_GCCOUNT, 0)) * 1024 + Int(lua_gc(L, LUA_GCCOUNTB, 0))
            return ["used_memory_lua:\(luaBytes)", "used_memory_scripts_eval:\(scripts.values.reduce(0) { $0 + $1.body.count })",
                    "number_of_cached_scripts:\(scripts.count)", "number_of_functions:\(functions.count)",
                    "number_of_libraries:\(libraries.count)"]
        }
        return nil
    }
}

/// The operations the C trampoline forwards to Swift (upvalue 2 of each closure).
enum LuaOp: Int32, CaseIterable {
    case call = 0, pcall, errorReply, statusReply, sha1hex, log, setresp, setRepl, replicateCommands, breakpoint,
         debug, aclCheckCmd, registerFunction, globalIndex, globalNewIndex, loadRedisIndex, loadGlobalIndex

    var isRedisAPI: Bool { ![.globalIndex, .globalNewIndex, .registerFunction, .loadRedisIndex, .loadGlobalIndex].contains(self) }

    var luaName: String {
        switch self {
        case .call: "call"
        case .pcall: "pcall"
        case .errorReply: "error_reply"
        case .statusReply: "status_reply"
        case .sha1hex: "sha1hex"
        case .log: "log"
        case .setresp: "setresp"
        case .setRepl: "set_repl"
        case .replicateCommands: "replicate_commands"
        case .breakpoint: "breakpoint"
        case .debug: "debug"
        case .aclCheckCmd: "acl_check_cmd"
        case .registerFunction: "register_function"
        case .globalIndex: "__index"
        case .globalNewIndex: "__newindex"
        case .loadRedisIndex: "__index"
        case .loadGlobalIndex: "__index"
        }
    }
}

/// Entry from C for every `redis.*` call and the sandbox metamethods.
let luaTrampolineCallback: infera_lua_callback = { state, owner, op in
    guard let state, let owner, let op = LuaOp(rawValue: op) else { return 0 }
    let scripting = Unmanaged<LuaScripting>.fromOpaque(owner).takeUnretainedValue()
    return scripting.handle(op, state)
}

/// Entry from C every 100,000 VM instructions of a running script.
let luaHookCallback: infera_lua_hook_callback = { state, owner in
    guard let state, let owner else { return 0 }
    let scripting = Unmanaged<LuaScripting>.fromOpaque(owner).takeUnretainedValue()
    let message: String
    if scripting.loadDeadline != 0 {
        guard scripting.engine.clock.nowMilliseconds() > scripting.loadDeadline else { return 0 }
        message = "ERR FUNCTION LOAD timeout"
    } else {
        guard let run = scripting.run else { return 0 }
        if scripting.engine.clock.nowMilliseconds() - run.startedAt >= scripting.busyThreshold {
            scripting.engine.serveWhileBusy?()
        }
        guard run.killRequested else { return 0 }
        message = run.isFunction ? "ERR Script killed by user with FUNCTION KILL..." : "ERR Script killed by user with SCRIPT KILL..."
    }
    lua_createtable(state, 0, 1)
    lua_pushstring(state, message)
    lua_setfield(state, -2, "err")
    return 1
}

/// A script's SHA-1 as a dictionary key: the 20 bytes of its 40 hex digits, so looking a script up
/// by the digest a client sent (in any case) needs no string.
struct ScriptKey: Hashable {
    var a: UInt64, b: UInt64, c: UInt32

    /// Whether `a` and `b` are the same 40 bytes (five word compares).
    static func sameDigest(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Bool {
        guard a.count == 40, b.count == 40 else { return false }
        return a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in
                var i = 0
                while i < 40 {
                    if pa.loadUnaligned(fromByteOffset: i, as: UInt64.self) != pb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                    i += 8
                }
                return true
            }
        }
    }

    /// SHA-1 bits are uniform: the first word is hash enough.
    func hash(into hasher: inout Hasher) { hasher.combine(a) }

    /// The key for 40 hex digits, or nil when `hex` is not that.
    init?(hex: ArraySlice<UInt8>) {
        guard hex.count == 40 else { return nil }
        let parsed: (UInt64, UInt64, UInt64)? = hex.withUnsafeBufferPointer { p in
            @inline(__always) func word(_ from: Int, _ count: Int) -> UInt64? {
                var w: UInt64 = 0
                for i in from..<(from + count) {
                    let c = p[i]
                    let v: UInt8
                    if c &- 48 < 10 { v = c &- 48 }
                    else if (c | 0x20) &- 97 < 6 { v = (c | 0x20) &- 87 }
                    else { return nil }
                    w = w << 4 | UInt64(v)
                }
                return w
            }
            guard let x = word(0, 16), let y = word(16, 16), let z = word(32, 8) else { return nil }
            return (x, y, z)
        }
        guard let parsed else { return nil }
        a = parsed.0; b = parsed.1; c = UInt32(truncatingIfNeeded: parsed.2)
    }
}
