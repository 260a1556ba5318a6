import NIOCore
import RESP

/// The engine: databases, command table, sessions, statistics and extensions.
///
/// All state is guarded by `lock`; the server takes it once per read batch and runs every
/// complete command of the batch with `execute(_:)`. Commands run to completion without suspending.
public final class Engine: @unchecked Sendable {
    /// Guards every piece of engine state (databases, sessions, stats, extensions).
    public let lock = EngineLock()
    /// The clock used for expiry and statistics.
    public let clock: EngineClock
    /// Configuration.
    public var config: EngineConfig
    /// Process facts for INFO.
    public var serverInfo = ServerInfo()
    /// The databases.
    public private(set) var databases: [Database]
    /// The command table.
    public var commandTable = CommandTable() { didSet { commandIndex = commandTable.index } }
    /// The dispatch index of `commandTable`, held directly for the per-command lookup.
    public private(set) var commandIndex = CommandIndex(commands: [:])
    /// Where `redis.log` from scripts goes (level 0 debug … 3 warning); the server sets it to its log.
    public var scriptLog: (@Sendable (Int, String) -> Void)?
    /// Set by the transport: serves other clients while a script runs past busy-reply-threshold
    /// (called on the thread running the script, engine lock held).
    public var serveWhileBusy: (() -> Void)?
    /// Set by scripting: the reply another client gets for a command sent while a script is busy
    /// (SCRIPT KILL / FUNCTION KILL / FUNCTION STATS are answered, the rest get BUSY).
    public var busyReply: ((Argv, ClientSession) -> ByteBuffer)?
    /// Set while another client's command is run during a busy script: the BUSY error every
    /// command without `allow_busy` gets (Redis's processCommand; EXEC aborts the transaction).
    public var busyError: String?
    /// CLIENT TRACKING state, created when a client first enables tracking.
    @usableFromInline var tracking: ClientTracking?
    /// The client whose top-level command runs now (Redis's `server.current_client`).
    public internal(set) var currentClient: ClientSession?
    /// Registered extensions (transactions, pub/sub, blocking, ACL, ...).
    public private(set) var extensions: [EngineExtension] = [] { didSet { rebuildHookLists() } }
    /// The extensions implementing each per-command / per-key hook (see `EngineExtension.hooks`).
    public private(set) var beforeCommandExtensions: [EngineExtension] = []
    private(set) var commandRejectedExtensions: [EngineExtension] = []
    public private(set) var afterCommandExtensions: [EngineExtension] = []
    public private(set) var keyModifiedExtensions: [EngineExtension] = []
    private(set) var databaseChangedExtensions: [EngineExtension] = []
    public private(set) var keyspaceEventExtensions: [EngineExtension] = []

    private func rebuildHookLists() {
        beforeCommandExtensions = extensions.filter { $0.hooks.contains(.beforeCommand) }
        commandRejectedExtensions = extensions.filter { $0.hooks.contains(.commandRejected) }
        afterCommandExtensions = extensions.filter { $0.hooks.contains(.afterCommand) }
        keyModifiedExtensions = extensions.filter { $0.hooks.contains(.keyModified) }
        databaseChangedExtensions = extensions.filter { $0.hooks.contains(.databaseChanged) }
        keyspaceEventExtensions = extensions.filter { $0.hooks.contains(.keyspaceEvent) }
    }
    /// The scripting extension (RedisScripting's LuaScripting), found without a search by EVAL/FCALL.
    public var scriptingHost: AnyObject?
    /// The cluster node this engine is (the ClusterNode extension), or nil when it runs standalone.
    public private(set) var clusterNode: ClusterNode?
    /// Connected clients by id.
    public var sessions: [Int64: ClientSession] = [:]
    /// Clients in MONITOR mode.
    public var monitors: [ClientSession] = []
    /// Statistics.
    public var stats = EngineStats()
    /// Slow log.
    public var slowlog = SlowLog()
    /// Number of changes since start (for INFO persistence `rdb_changes_since_last_save`).
    public var dirty = 0
    /// Start time (ms).
    public let startTime: Int64
    /// Fast random numbers (sampling, RANDOMKEY, SPOP...).
    public var random = XorShiftRandom(seed: HashTableSeed.value)
    /// CLIENT PAUSE: until when (ms, 0 = not paused) and whether only writes are paused.
    public var pauseUntil: Int64 = 0
    /// True when CLIENT PAUSE WRITE is in force (only write commands wait).
    public var pauseWritesOnly = false
    /// Builds a list value from elements (set by `installBuiltinExtensions`; used by SORT ... STORE).
    public var listFactory: (([ByteString]) -> RedisObject)?
    /// Replaces the default-user password check (installed by the ACL store): returns true when user/password are valid.
    public var authenticator: ((String, [UInt8]) -> Bool)?
    /// Set by the server: called by SHUTDOWN (with the NOSAVE/SAVE/NOW/FORCE/ABORT words given).
    public var shutdownHandler: (@Sendable ([String]) -> Bool)?
    /// RDB persistence: last save, background save, FUNCTION hooks (Persistence/Persistence.swift).
    public let persistence = PersistenceState()
    /// AOF persistence (Persistence/AOF.swift): the incr file, what the running command propagates, rewrites.
    public let aof = AOFState()
    /// Bumped by every key or database change signal (not by expiry/eviction): with `dirty`, tells
    /// whether a write command changed data and so goes to the AOF.
    public var modificationCount = 0
    /// Per-command statistics, indexed by `CommandSpec.statID`.
    public var commandStats: [CommandStat] = []
    /// Latency histograms and events, error counts (LATENCY, INFO latencystats/errorstats).
    public let latency = LatencyMonitor()
    /// Highest `usedMemory` seen (INFO `used_memory_peak`), updated by cron, INFO and eviction checks.
    public var usedMemoryPeak = 0
    /// Set to true on the first command of a paused-client check; see `isPaused`.
    private var nextClientID: Int64 = 1
    /// Inside `beginBatch()`/`endBatch()`: the wall clock shared by the batch (0 = no batch).
    private var batchNow: Int64 = 0
    /// Inside a batch: the monotonic time the previous command ended (the next one's start).
    private var batchMono: Int64 = 0
    /// Inside a batch: the monotonic time `batchNow` was read.
    private var batchMonoStart: Int64 = 0
    /// Time (ms) of the command being executed: the access clock of keys created by it.
    public var commandTime: Int64 = 0
    /// Redis's eviction pool (best candidates kept across evictions), see `Eviction.swift`.
    public var evictionPool = EvictionPool()
    /// Called (under the lock) with every command a client sends, before it is looked up; `infera verify`
    /// records the application's commands and applies a provider's restrictions with it. Returning false
    /// means the hook answered the command itself and it does not run. Unset (the default) it costs one
    /// nil check per command.
    public var commandHook: ((inout CommandContext) -> Bool)?

    /// A new engine. `registerBuiltins` installs every command group.
    public init(config: EngineConfig = EngineConfig(), clock: EngineClock = SystemClock(), registerBuiltins: Bool = true) {
        var config = config
        config.adoptExtraSettings()
        self.config = config
        self.clock = clock
        self.startTime = clock.nowMilliseconds()
        self.commandTime = startTime
        self.databases = (0..<max(config.databases, 1)).map { Database(index: $0) }
        if registerBuiltins {
            for group in CommandTable.builtinGroups { commandTable.register(group) }
            installBuiltinExtensions(self)
        }
        commandIndex = commandTable.index   // observers do not run for the init's own assignments
        applyCommandRenames()
    }

    /// Applies `config.renamedCommands` and `config.disabledCommands` to the table.
    public func applyCommandRenames() {
        for (old, new) in config.renamedCommands.sorted(by: { $0.key < $1.key }) {
            commandTable.rename(old, to: new)
        }
    }

    /// Adds an extension (called at start-up, e.g. from `installBuiltinExtensions`).
    public func addExtension(_ ext: EngineExtension) {
        extensions.append(ext)
        if let node = ext as? ClusterNode { clusterNode = node }
    }

    /// Adds an extension at `index` of the dispatch order (cluster routing runs before MULTI queuing).
    public func insertExtension(_ ext: EngineExtension, at index: Int) {
        extensions.insert(ext, at: min(max(index, 0), extensions.count))
        if let node = ext as? ClusterNode { clusterNode = node }
    }

    /// The registered extension of type `T`.
    public func extensionOf<T: EngineExtension>(_ type: T.Type) -> T? {
        for e in extensions { if let t = e as? T { return t } }
        return nil
    }

    // MARK: sessions

    /// Creates and registers a session for a new connection.
    public func newSession(remoteAddress: String = "127.0.0.1:0", localAddress: String = "127.0.0.1:6379") -> ClientSession {
        let id = nextClientID
        nextClientID += 1
        let s = ClientSession(id: id, now: clock.nowMilliseconds(), authenticated: !config.passwordRequired,
                              remoteAddress: remoteAddress, localAddress: localAddress)
        s.fd = Int(id) + 7
        sessions[id] = s
        stats.totalConnections += 1
        return s
    }

    /// Unregisters a session (connection closed).
    public func closeSession(_ s: ClientSession) {
        for e in extensions { e.sessionClosed(s) }
        sessions[s.id] = nil
        if s.isMonitor { monitors.removeAll { $0 === s } }
    }

    // MARK: dispatch

    /// The server calls this (under the lock) before running the commands of one read: they share
    /// one wall-clock reading (Redis's cached `mstime`, refreshed when a command ran ≥ 1 ms), and each
    /// command's duration starts where the previous one ended, so a command costs one clock read
    /// instead of three.
    public func beginBatch() {
        batchNow = clock.nowMilliseconds()
        batchMono = monotonicMicros()
        batchMonoStart = batchMono
    }

    /// Ends the batch started by `beginBatch()`.
    public func endBatch() {
        batchNow = 0
        batchMono = 0
        if aof.propagating { aofFlush() }   // written before the batch's replies are sent
    }

    /// Runs one command: `ctx.args` holds it, the reply is appended to `ctx.out`.
    /// Implements Redis's `processCommand`: lookup, arity, auth, OOM, pause, extensions, then `call`.
    /// Returns false (and does nothing) when CLIENT PAUSE holds this command back: the caller keeps
    /// `ctx.args` and calls again once `pauseUntil` has passed.
    @discardableResult
    public func execute(_ ctx: inout CommandContext) -> Bool {
        let argc = ctx.args.count
        if argc == 0 { return true }
        if pauseUntil != 0 && isPaused(ctx) {
            ctx.session.isPostponed = true
            return false
        }
        let session = ctx.session
        ctx.now = batchNow != 0 ? batchNow : clock.nowMilliseconds()
        commandTime = ctx.now
        session.lastInteraction = ctx.now
        ctx.out.version = session.protocolVersion
        let mark = ctx.out.buffer.writerIndex
        let modeBefore = session.replyMode

        let rejectedBefore = stats.rejectedCalls
        let outerClient = currentClient
        currentClient = session
        defer { currentClient = outerClient }
        if let hook = commandHook {
            if hook(&ctx) { dispatch(&ctx, argc) }
        } else {
            dispatch(&ctx, argc)
        }
        // `>`: CONFIG RESETSTAT sets the counter back to 0, which is no rejection.
        if stats.rejectedCalls > rejectedBefore {
            stats.errorReplies += 1
            countErrorReply(ctx, at: mark)
            for e in commandRejectedExtensions { e.commandRejected(&ctx) }   // MULTI: flag the transaction (EXECABORT)
        }

        if modeBefore != .on || session.replyMode != .on {
            applyReplyMode(&ctx, mark: mark, before: modeBefore)
        }
        if let t = tracking { t.afterTopLevel(session, &ctx.out.buffer, commandName: ctx.args[0]) }
        if batchNow == 0 && aof.propagating { aofFlush() }
        return true
    }

    /// Counts the error reply written at `mark` by its code (INFO errorstats).
    func countErrorReply(_ ctx: CommandContext, at mark: Int) {
        let b = ctx.out.buffer
        guard b.writerIndex > mark + 1, b.getInteger(at: mark, as: UInt8.self) == UInt8(ascii: "-"),
              let bytes = b.getBytes(at: mark + 1, length: min(130, b.writerIndex - mark - 1)) else { return }
        latency.countError(bytes)
    }

    static let subscribeFamily: Set<String> = ["subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe"]

    /// True when CLIENT PAUSE applies to the command in `ctx` now.
    public func isPaused(_ ctx: CommandContext) -> Bool {
        let now = clock.nowMilliseconds()
        if now >= pauseUntil {
            pauseUntil = 0
            return false
        }
        if !pauseWritesOnly { return true }
        guard var cmd = commandTable.lookup(ctx.args[0]) else { return false }
        if cmd.isContainer, ctx.args.count > 1, let sub = findSubcommand(cmd, ctx.args[1]) { cmd = sub }
        // Redis rejects a wrong argument count before it looks at the pause: the error comes at once.
        let argc = ctx.args.count
        if cmd.arity > 0 ? argc != cmd.arity : argc < -cmd.arity { return false }
        if cmd.name == "exec", let m = ctx.session.existingState(MultiState.self), m.inMulti {
            // Redis pauses EXEC when the transaction holds a write (mstate.cmd_flags).
            return m.queued.contains { $0.1.flags.contains(.write) || $0.1.flags.contains(.mayReplicate) }
        }
        return cmd.flags.contains(.write) || cmd.flags.contains(.mayReplicate)
    }

    private func applyReplyMode(_ ctx: inout CommandContext, mark: Int, before: ClientSession.ReplyMode) {
        let s = ctx.session
        // Pub/sub acknowledgements are pushes: Redis sends them even with CLIENT REPLY OFF/SKIP
        // (CLIENT_PUSHING), so a silenced subscriber still sees its (un)subscribe confirmations.
        let isPush = ctx.command.map { Engine.subscribeFamily.contains($0.name) } ?? false
        if isPush {
            if before == .skip && s.replyMode == .skip { s.replyMode = .on }
            return
        }
        switch (before, s.replyMode) {
        case (.off, .on), (.skip, .on):
            break   // CLIENT REPLY ON answers even when replies were off or skipped
        case (.off, _), (.skip, _):
            ctx.out.buffer.moveWriterIndex(to: mark)
            if before == .skip && s.replyMode == .skip { s.replyMode = .on }
            if before == .skip && s.replyMode == .skipNext { s.replyMode = .skip }
        case (_, .skipNext):
            ctx.out.buffer.moveWriterIndex(to: mark)
            s.replyMode = .skip
        case (_, .off):
            ctx.out.buffer.moveWriterIndex(to: mark)
        default:
            break
        }
    }

    @inline(__always)
    private func dispatch(_ ctx: inout CommandContext, _ argc: Int) {
        let session = ctx.session
        guard var cmd = commandIndex.lookup(ctx.args[0]) else {
            replyUnknownCommand(&ctx)
            return
        }
        if cmd.isContainer && (argc >= 2 || cmd.arity != -1) {
            if argc < 2 {
                stats.rejectedCalls += 1
                ctx.out.error(RedisError.arity(cmd.fullName))
                return
            }
            guard let sub = findSubcommand(cmd, ctx.args[1]) else {
                stats.rejectedCalls += 1
                ctx.out.error(RedisError.unknownSubcommand(ctx.args.string(1), cmd.name))
                return
            }
            cmd = sub
        }
        // Redis's rejectCommand counts a refusal of a known command in its `rejected_calls`.
        let rejectedBefore = stats.rejectedCalls
        var refused: CommandSpec? = cmd
        defer { if let refused, stats.rejectedCalls > rejectedBefore { countRejectedCall(refused) } }
        if (cmd.arity > 0 && argc != cmd.arity) || argc < -cmd.arity {
            stats.rejectedCalls += 1
            ctx.out.error(RedisError.arity(cmd.fullName))
            return
        }
        if !config.disabledCommands.isEmpty, let disabled = disabledEntry(cmd) {
            stats.rejectedCalls += 1
            if let text = disabled { ctx.out.error(text) } else { refused = nil; replyUnknownCommand(&ctx) }
            return
        }
        if !session.authenticated && !cmd.flags.contains(.noAuth) {
            stats.rejectedCalls += 1
            ctx.out.error(RedisError.noAuth)
            return
        }
        if cmd.needsDebugPermission && !debugAllowed(session) {
            stats.rejectedCalls += 1
            ctx.out.error("ERR \(cmd.name.uppercased()) command not allowed. If the enable-\(cmd.name)-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
            return
        }
        // Like Redis's processCommand: evict before every command while over maxmemory (a read may follow a
        // write that went past the limit), refuse only the commands that may grow memory.
        if config.maxMemory > 0 && busyError == nil && !performEvictions(&ctx) && rejectsOnOOM(ctx.session, cmd) {
            stats.rejectedCalls += 1
            let text = config.oomErrorText ?? "\(RedisError.oom)"
            if cmd.name == "exec" { TransactionCommands.abort(&ctx, because: text) } else { ctx.out.error(text) }
            return
        }
        if let busy = busyError, !cmd.flags.contains(.allowBusy) {
            stats.rejectedCalls += 1
            if cmd.name == "exec" {
                TransactionCommands.abort(&ctx, because: busy)
            } else {
                ctx.out.error(busy)
            }
            return
        }
        if !beforeCommandExtensions.isEmpty {
            for e in beforeCommandExtensions where e.beforeCommand(&ctx, cmd) { return }
        }
        refused = nil   // errors a script counts while it runs are not this command's refusal
        call(&ctx, cmd)
    }

    /// Redis's processCommand under maxmemory: deny-oom commands, EXEC of a transaction holding
    /// one, and anything queued inside MULTI (except EXEC/DISCARD/QUIT/RESET) are refused when
    /// memory cannot be freed.
    private func rejectsOnOOM(_ session: ClientSession, _ cmd: CommandSpec) -> Bool {
        if cmd.flags.contains(.denyOOM) { return true }
        guard let m = session.existingState(MultiState.self), m.inMulti else { return false }
        switch cmd.name {
        case "exec": return m.queued.contains { $0.1.flags.contains(.denyOOM) }
        case "discard", "quit", "reset": return false
        default: return true
        }
    }

    func disabledEntry(_ cmd: CommandSpec) -> String?? {
        if let e = config.disabledCommands[cmd.fullName] { return .some(e) }
        if let bar = cmd.fullName.firstIndex(of: "|"), let e = config.disabledCommands[String(cmd.fullName[..<bar])] {
            return .some(e)
        }
        if cmd.fullName == cmd.name, let e = config.disabledCommands[cmd.name] { return .some(e) }
        return .none
    }

    private func debugAllowed(_ s: ClientSession) -> Bool {
        switch config.enableDebugCommand {
        case "yes": return true
        case "local": return s.remoteAddress.hasPrefix("127.") || s.remoteAddress.hasPrefix("[::1]") || s.remoteAddress.hasPrefix("::1")
        default: return s.isInternal
        }
    }

    /// Finds subcommand `name` of `container` (case-insensitive).
    public func findSubcommand(_ container: CommandSpec, _ name: ArraySlice<UInt8>) -> CommandSpec? {
        let lower = String(decoding: name.map(lowerASCII), as: UTF8.self)
        return container.subcommands.first { $0.name == lower }
    }

    private func replyUnknownCommand(_ ctx: inout CommandContext) {
        stats.rejectedCalls += 1
        let args = (0..<ctx.args.count).map { ctx.args.string($0) }
        ctx.out.error(RedisError.unknownCommand(args))
    }

    /// Runs a resolved command: the handler, statistics, slow log, MONITOR feed and `afterCommand` hooks.
    /// EXEC and scripts call this directly for each queued command.
    public func call(_ ctx: inout CommandContext, _ cmd: CommandSpec) {
        ctx.command = cmd
        let start = batchMono != 0 ? batchMono : monotonicMicros()
        let mark = ctx.out.buffer.writerIndex
        let propagating = aof.propagating
        var dirtyBefore = 0, modsBefore = 0
        if propagating {
            aof.depth += 1
            dirtyBefore = dirty
            modsBefore = modificationCount
        }
        // Redis 7.0's EVAL/FCALL (skip-monitor) feed MONITOR themselves before the script runs, so
        // they show before the commands their script calls.
        let monitorFirst = !monitors.isEmpty && cmd.flags.contains(.noscript) && ClientTracking.scriptCommands.contains(cmd.name)
        if monitorFirst { feedMonitors(ctx) }
        if let t = tracking {
            callTracked(t, &ctx, cmd)
        } else {
            cmd.handler(&ctx)
        }
        if propagating && (cmd.flags.contains(.write) || cmd.flags.contains(.mayReplicate))
            && (dirty != dirtyBefore || modificationCount != modsBefore || aofChangesWithoutKeys(ctx, cmd, mark)) {
            aofRecordCommand(&ctx, cmd, replyMark: mark)
        }
        let failed = ctx.out.buffer.writerIndex > mark
            && ctx.out.buffer.getInteger(at: mark, as: UInt8.self) == UInt8(ascii: "-")
        let alreadyCounted = ctx.errorStatsCounted
        ctx.errorStatsCounted = false
        if failed && !alreadyCounted { stats.errorReplies += 1 }
        let end = monotonicMicros()
        let duration = end - start
        if batchMono != 0 {
            batchMono = end
            if end - batchMonoStart >= 1000 {
                batchNow = clock.nowMilliseconds()
                batchMonoStart = end
            }
        }
        ctx.session.commandsProcessed += 1
        ctx.session.lastCommandSpec = cmd
        stats.commandsProcessed += 1
        let sid = cmd.statID
        if sid >= commandStats.count {
            commandStats.append(contentsOf: repeatElement(CommandStat(), count: max(commandTable.statNames.count, sid + 1) - commandStats.count))
        }
        commandStats[sid].calls += 1
        commandStats[sid].usec += Int(duration)
        if latency.trackingEnabled { latency.record(sid, micros: duration) }
        if failed {
            commandStats[sid].failedCalls += 1
            if !alreadyCounted { countErrorReply(ctx, at: mark) }
        }
        if latency.thresholdMs > 0 {
            latency.addSampleIfNeeded(cmd.flags.contains(.fast) ? "fast-command" : "command", ms: Int(duration / 1000), nowSeconds: ctx.now / 1000)
        }
        if config.slowlogLogSlowerThan >= 0 && duration >= Int64(config.slowlogLogSlowerThan)
            && !cmd.flags.contains(.skipSlowlog) {
            slowlog.add(ctx: ctx, duration: duration, maxLen: config.slowlogMaxLen, now: ctx.now)
        }
        if !monitorFirst && !monitors.isEmpty && !cmd.flags.contains(.skipMonitor) && !cmd.flags.contains(.admin) {
            feedMonitors(ctx)
        }
        if !afterCommandExtensions.isEmpty {
            for e in afterCommandExtensions { e.afterCommand(&ctx, cmd) }
        }
        if propagating {
            aof.depth -= 1
            if aof.depth == 0 { aofCommitPending() }
        }
    }

    /// Runs the handler with CLIENT TRACKING's bookkeeping: call depth (invalidations for the
    /// running client wait for its reply), the running session, the script being run, and the keys
    /// a read-only command read.
    private func callTracked(_ t: ClientTracking, _ ctx: inout CommandContext, _ cmd: CommandSpec) {
        let outerSession = t.callSession
        let outerScript = t.scriptCall
        t.callDepth += 1
        t.callSession = ctx.session
        if !ctx.session.isInternal && cmd.flags.contains(.noscript) && ClientTracking.scriptCommands.contains(cmd.name) {
            t.scriptCall = (ctx.args, cmd)
        }
        cmd.handler(&ctx)
        t.callDepth -= 1
        t.callSession = outerSession
        t.scriptCall = outerScript
        t.afterCall(&ctx, cmd)
    }

    private func feedMonitors(_ ctx: CommandContext) {
        let micros = clock.nowMicroseconds()
        var line = "+\(micros / 1_000_000).\(String(micros % 1_000_000).leftPadded(6)) [\(ctx.session.db) "
        line += ctx.session.isInternal ? "lua] " : "\(ctx.session.remoteAddress)] "
        for i in 0..<ctx.args.count {
            if i > 0 { line += " " }
            line += reprQuoted(ctx.args[i])
        }
        line += "\r\n"
        var buf = ByteBufferAllocator().buffer(capacity: line.utf8.count)
        buf.writeString(line)
        for m in monitors where m !== ctx.session { m.deliver?(buf) }
    }

    // MARK: keyspace signals

    /// Tells extensions that `key` changed (WATCH, blocked clients). Call after every write to a key.
    @inlinable public func signalModifiedKey(db: Int, key: ByteString) {
        databases[db].recharge(key)
        modificationCount &+= 1
        if let t = tracking { t.keyModified(key) }
        if keyModifiedExtensions.isEmpty { return }
        for e in keyModifiedExtensions { e.keyModified(db: db, key: key) }
    }

    /// Tells extensions a whole database (nil = all) changed (FLUSHDB/FLUSHALL/SWAPDB).
    public func signalDatabaseChanged(db: Int?) {
        modificationCount &+= 1
        for e in databaseChangedExtensions { e.databaseChanged(db: db) }
    }

    /// Emits a keyspace notification when `notify-keyspace-events` enables its class.
    @inlinable public func notifyKeyspaceEvent(_ type: KeyspaceEventType, _ event: StaticString, key: ByteString, db: Int) {
        let flags = config.notifyKeyspaceEvents
        if flags.isEmpty || !flags.contains(.keyspace) && !flags.contains(.keyevent) { return }
        if !flags.contains(type) { return }
        let name = event.description
        for e in keyspaceEventExtensions { e.keyspaceEvent(type, name, key: key, db: db) }
    }

    // MARK: keyspace access

    /// True when `key` has an expiry time that has passed.
    @inlinable public func isExpired(_ db: Database, _ key: ByteString, now: Int64) -> Bool {
        if db.expires.isEmpty { return false }
        guard let t = db.expires[key] else { return false }
        return now > t
    }

    /// Looks `key` up, deleting it first when it has expired. Returns its entry index.
    @inlinable public func lookup(_ db: Database, _ key: ByteString, now: Int64) -> Int? {
        guard let i = db.main.find(key) else { return nil }
        if !db.expires.isEmpty, let t = db.expires[key], now > t {
            expireKey(db, key)
            return nil
        }
        db.lastEntry = i
        touch(db, i, now: now)
        return i
    }

    /// Like `lookup` but leaves the key's access clock alone (Redis's LOOKUP_NOTOUCH: OBJECT, TYPE, EXISTS, TTL).
    @inlinable public func lookupNoTouch(_ db: Database, _ key: ByteString, now: Int64) -> Int? {
        guard let i = db.main.find(key) else { return nil }
        if !db.expires.isEmpty, let t = db.expires[key], now > t {
            expireKey(db, key)
            return nil
        }
        db.lastEntry = i
        return i
    }

    /// Deletes an expired key and signals it (event `expired`).
    public func expireKey(_ db: Database, _ key: ByteString) {
        if let (i, _) = db.main.removeEntry(key) { db.uncharge(i) }
        db.expires.remove(key)
        stats.expiredKeys += 1
        let mods = modificationCount
        defer { modificationCount = mods }   // an expiry is propagated as its own DEL, not as the command's change
        if aof.propagating { aofPropagateDeletion(db: db.index, key: key, lazy: aofSetting("lazyfree-lazy-expire", "no") == "yes") }
        notifyKeyspaceEvent(.expired, "expired", key: key, db: db.index)
        if let t = tracking {
            t.serverModification = true
            signalModifiedKey(db: db.index, key: key)
            t.serverModification = false
        } else {
            signalModifiedKey(db: db.index, key: key)
        }
    }

    /// Deletes `key` (no signal); returns true when it existed.
    @discardableResult
    public func deleteKey(_ db: Database, _ key: ByteString) -> Bool {
        guard let (i, _) = db.main.removeEntry(key) else { return false }
        db.uncharge(i)
        if !db.expires.isEmpty { db.expires.remove(key) }
        return true
    }

    /// Stores `value` under `key`, clearing any expiry unless `keepTTL`.
    /// `accessClock`: keep this access clock (RENAME/MOVE move the object with its clock).
    public func setKey(_ db: Database, _ key: ByteString, _ value: Value, keepTTL: Bool = false, accessClock: UInt32? = nil) {
        let (i, inserted) = db.main.set(key, value)
        db.charge(i, MemoryModel.keyEntry(keyLength: key.count, value: value))
        db.lastEntry = i
        setAccessClock(db, i, inserted: inserted, keep: accessClock)
        if !keepTTL && !db.expires.isEmpty { db.expires.remove(key) }
        // Redis's dbAdd: the `new` event (class n) for a key that did not exist.
        if inserted && !config.notifyKeyspaceEvents.isEmpty { notifyKeyspaceEvent(.newKey, "new", key: key, db: db.index) }
    }

    /// Removes every key of every database.
    public func flushAll() {
        for db in databases { db.clear() }
    }

    /// Replaces the database count (only at start-up or when empty).
    public func resizeDatabases(_ n: Int) {
        let n = max(1, n)
        if n > databases.count {
            for i in databases.count..<n { databases.append(Database(index: i)) }
        } else if n < databases.count {
            databases.removeLast(databases.count - n)
        }
        config.databases = n
    }

    /// Number of keys in all databases.
    public var totalKeys: Int { databases.reduce(0) { $0 + $1.count } }

    // MARK: periodic work

    /// Periodic work (call every 1000/hz ms): active expiry, client timeouts handled by the server, extension cron.
    public func cron() {
        let now = clock.nowMilliseconds()
        for db in databases { db.compactIfSparse() }
        measureClientBuffers()
        notePeakMemory()
        if config.activeExpireEnabled { activeExpireCycle(now: now, timeLimitMicros: Int64(25_000 / max(config.hz / 10, 1))) }
        for e in extensions { e.cron(now: now) }
        tracking?.cron()
    }

    /// Redis's slow active-expire cycle: for each database, sample up to 20 keys with a TTL at a time
    /// (walking the expires table with a SCAN cursor), delete the expired ones, and repeat while more than
    /// 10% of a sample was expired, within a time budget.
    public func activeExpireCycle(now: Int64, timeLimitMicros: Int64 = 25_000) {
        let started = monotonicMicros()
        var iterations = 0
        for db in databases where !db.expires.isEmpty {
            while true {
                var sampled = 0, expired = 0
                var ttlSum: Int64 = 0, ttlSamples: Int64 = 0
                var toExpire: [ByteString] = []
                var buckets = 0
                repeat {
                    db.expireCursor = db.expires.scan(cursor: db.expireCursor) { idx in
                        sampled += 1
                        let t = db.expires.value(at: idx)
                        if now > t {
                            toExpire.append(db.expires.key(at: idx))
                        } else {
                            ttlSum += t - now
                            ttlSamples += 1
                        }
                    }
                    buckets += 1
                } while sampled < 20 && db.expireCursor != 0 && buckets < 400
                for k in toExpire {
                    expireKey(db, k)
                    expired += 1
                }
                if ttlSamples > 0 {
                    let avg = ttlSum / ttlSamples
                    db.avgTTL = db.avgTTL == 0 ? avg : (db.avgTTL / 50) * 49 + avg / 50
                }
                iterations += 1
                if sampled == 0 || expired * 10 <= sampled || db.expires.isEmpty { break }
                if iterations % 16 == 0 && monotonicMicros() - started > timeLimitMicros { return }
            }
        }
    }

    // MARK: memory

    /// The engine's own memory accounting (Redis's `used_memory`): `datasetMemory + overheadMemory`.
    /// An estimate of what Redis 7.0 would allocate for the same data (`MemoryModel`), updated on every
    /// write; `maxmemory` and eviction compare against it. Independent of the process RSS.
    public var usedMemory: Int { datasetMemory + overheadMemory }

    /// Estimated bytes of the keys and values of every database (`used_memory_dataset`).
    public var datasetMemory: Int {
        var n = 0
        for db in databases { n += db.datasetBytes }
        return n
    }

    /// Estimated bytes of the keyspace tables (buckets, expiry entries) of every database.
    public var keyspaceOverheadMemory: Int {
        var n = 0
        for db in databases { n += db.tableOverheadBytes }
        return n
    }

    /// Estimated bytes that are not the dataset: the keyspace tables and the clients' buffers
    /// (Redis's `used_memory_overhead`, without its fixed start-up part).
    public var overheadMemory: Int { keyspaceOverheadMemory + clientBufferMemory }

    /// The clients' query and output buffers as the transport last reported them, summed by cron
    /// (like Redis's clientsCron) and by INFO: reading every session on each write would cost more
    /// than the figure is worth.
    public private(set) var clientBufferMemory = 0

    /// Re-sums `clientBufferMemory`.
    public func measureClientBuffers() {
        var n = 0
        for s in sessions.values { n += s.queryBufferLength + s.outputBufferLength }
        clientBufferMemory = n
    }

    /// Updates `usedMemoryPeak` with the current figure; returns it.
    @discardableResult
    public func notePeakMemory() -> Int {
        let used = usedMemory
        if used > usedMemoryPeak { usedMemoryPeak = used }
        return used
    }

    /// Applies `maxmemory-policy` until memory is under the limit; false when the command must be refused.
    private func performEvictions(_ ctx: inout CommandContext) -> Bool {
        guard let t = tracking else { return evictUntilUnderLimit() }
        return withUnsafeMutablePointer(to: &ctx.out.buffer) { p in
            t.inlineOutput = p
            defer { t.inlineOutput = nil }
            return evictUntilUnderLimit()
        }
    }
}

/// Per-command counters (INFO commandstats).
public struct CommandStat: Sendable {
    public var calls = 0
    public var usec = 0
    public var rejectedCalls = 0
    public var failedCalls = 0
}

/// Global counters (INFO stats).
public struct EngineStats: Sendable {
    public var commandsProcessed = 0
    /// Values Redis would have freed in the background (INFO memory `lazyfreed_objects`, see LazyFree).
    public var lazyfreedObjects = 0
    public var totalConnections = 0
    public var rejectedConnections = 0
    public var expiredKeys = 0
    public var evictedKeys = 0
    public var keyspaceHits = 0
    public var keyspaceMisses = 0
    public var netInputBytes = 0
    public var netOutputBytes = 0
    public var rejectedCalls = 0
    public var errorReplies = 0
    public var totalReadsProcessed = 0
    public var totalWritesProcessed = 0
    public init() {}
}

/// SLOWLOG entries.
public struct SlowLog: Sendable {
    public struct Entry: Sendable {
        public let id: Int
        public let timestamp: Int64
        public let durationMicros: Int64
        public let args: [[UInt8]]
        public let peer: String
        public let clientName: String
    }
    public var entries: [Entry] = []
    public var nextID = 0
    public init() {}

    mutating func add(ctx: CommandContext, duration: Int64, maxLen: Int, now: Int64) {
        var args: [[UInt8]] = []
        let n = min(ctx.args.count, 32)
        for i in 0..<n {
            var a = Array(ctx.args[i])
            if a.count > 128 {
                let extra = a.count - 128
                a = Array(a.prefix(128)) + Array("... (\(extra) more bytes)".utf8)
            }
            if i == 31 && ctx.args.count > 32 {
                a = Array("... (\(ctx.args.count - 31) more arguments)".utf8)
            }
            args.append(a)
        }
        entries.insert(Entry(id: nextID, timestamp: now / 1000, durationMicros: duration, args: args,
                             peer: ctx.session.remoteAddress, clientName: ctx.session.name?.string ?? ""), at: 0)
        nextID += 1
        if entries.count > maxLen { entries.removeLast(entries.count - maxLen) }
    }
}

/// A small fast PRNG (xorshift64*).
public struct XorShiftRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    public mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}

extension String {
    func leftPadded(_ width: Int, with c: Character = "0") -> String {
        count >= width ? self : String(repeating: c, count: width - count) + self
    }
}

/// Redis's `sdscatrepr`: a double-quoted, escaped rendering of bytes.
public func reprQuoted<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var s = "\""
    for c in bytes {
        switch c {
        case 92: s += "\\\\"
        case 34: s += "\\\""
        case 10: s += "\\n"
        case 13: s += "\\r"
        case 9: s += "\\t"
        case 7: s += "\\a"
        case 8: s += "\\b"
        default:
            if c >= 32 && c < 127 { s.unicodeScalars.append(Unicode.Scalar(c)) } else {
                s += "\\x" + String(c, radix: 16).leftPadded(2)
            }
        }
    }
    return s + "\""
}
