import RESP

/// Command flags, as COMMAND INFO reports them.
public struct CommandFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let write = CommandFlags(rawValue: 1 << 0)
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    public static let denyOOM = CommandFlags(rawValue: 1 << 2)
    public static let admin = CommandFlags(rawValue: 1 << 3)
    public static let pubsub = CommandFlags(rawValue: 1 << 4)
    public static let noscript = CommandFlags(rawValue: 1 << 5)
    public static let blocking = CommandFlags(rawValue: 1 << 6)
    public static let loading = CommandFlags(rawValue: 1 << 7)
    public static let stale = CommandFlags(rawValue: 1 << 8)
    public static let skipMonitor = CommandFlags(rawValue: 1 << 9)
    public static let skipSlowlog = CommandFlags(rawValue: 1 << 10)
    public static let fast = CommandFlags(rawValue: 1 << 11)
    public static let noAuth = CommandFlags(rawValue: 1 << 12)
    public static let mayReplicate = CommandFlags(rawValue: 1 << 13)
    public static let noMulti = CommandFlags(rawValue: 1 << 14)
    public static let allowBusy = CommandFlags(rawValue: 1 << 15)
    public static let noMandatoryKeys = CommandFlags(rawValue: 1 << 16)
    public static let noAsyncLoading = CommandFlags(rawValue: 1 << 17)
    public static let sentinel = CommandFlags(rawValue: 1 << 18)
    public static let onlySentinel = CommandFlags(rawValue: 1 << 19)
    public static let module = CommandFlags(rawValue: 1 << 20)
    /// Allowed while a RESP2 client is in subscribed state (SUBSCRIBE family, PING, QUIT, RESET).
    public static let allowedInSubscribe = CommandFlags(rawValue: 1 << 21)

    /// Names in Redis's order, for COMMAND INFO.
    public static let names: [(CommandFlags, String)] = [
        (.write, "write"), (.readonly, "readonly"), (.denyOOM, "denyoom"), (.module, "module"),
        (.admin, "admin"), (.pubsub, "pubsub"), (.noscript, "noscript"), (.blocking, "blocking"),
        (.loading, "loading"), (.stale, "stale"), (.skipMonitor, "skip_monitor"),
        (.skipSlowlog, "skip_slowlog"), (.fast, "fast"), (.noAuth, "no_auth"),
        (.mayReplicate, "may_replicate"), (.noMulti, "no_multi"), (.noMandatoryKeys, "no_mandatory_keys"),
        (.allowBusy, "allow_busy"), (.noAsyncLoading, "no_async_loading"),
    ]
}

/// The function that runs a command. It must run to completion without suspending and write
/// exactly one reply (or none when the client is blocked or the reply is deferred) into `ctx.out`.
public typealias CommandHandler = @Sendable (inout CommandContext) -> Void

/// One command (or subcommand) of the command table. A class so the dispatcher passes one
/// reference around instead of copying the whole description per command.
public final class CommandSpec: @unchecked Sendable {
    /// Lower-case name (`get`, or the subcommand's own name such as `setname`).
    public let name: String
    /// Redis arity: N means exactly N arguments (name included), -N means at least N.
    public let arity: Int
    /// Flags.
    public let flags: CommandFlags
    /// Position of the first key (0 = no keys).
    public let firstKey: Int
    /// Position of the last key (-1 = last argument, -2 = the one before, ...).
    public let lastKey: Int
    /// Step between keys.
    public let keyStep: Int
    /// ACL categories without '@' (`string`, `fast`, `read`, ...).
    public let categories: [String]
    /// Documentation group (`string`, `generic`, `connection`, `server`, `hash`, ...).
    public let group: String
    /// One-line summary for COMMAND DOCS.
    public let summary: String
    /// Version the command appeared in.
    public let since: String
    /// Custom key extraction for commands whose keys are not a simple range (returns argument positions).
    public let keyFinder: (@Sendable (Argv) -> [Int])?
    /// The implementation (unused for containers, which dispatch to `subcommands`).
    public let handler: CommandHandler
    /// Subcommands (for containers such as CLIENT, CONFIG, COMMAND, OBJECT).
    public internal(set) var subcommands: [CommandSpec]
    /// `container|name` for subcommands, the name otherwise (used in error messages and stats).
    public internal(set) var fullName: String
    /// Index into the engine's per-command statistics (assigned at registration).
    public internal(set) var statID: Int = 0
    /// DEBUG and MODULE: allowed only as `enable-debug-command` / `enable-module-command` say.
    public let needsDebugPermission: Bool

    /// A command.
    public init(_ name: String, arity: Int, flags: CommandFlags = [], keys: (Int, Int, Int) = (0, 0, 0),
                categories: [String] = [], group: String = "generic", summary: String = "", since: String = "1.0.0",
                keyFinder: (@Sendable (Argv) -> [Int])? = nil,
                subcommands: [CommandSpec] = [], handler: @escaping CommandHandler) {
        self.name = name.lowercased()
        self.arity = arity
        self.flags = flags
        self.firstKey = keys.0
        self.lastKey = keys.1
        self.keyStep = keys.2
        self.categories = categories
        self.group = group
        self.summary = summary
        self.since = since
        self.keyFinder = keyFinder
        self.handler = handler
        self.fullName = name.lowercased()
        self.needsDebugPermission = self.name == "debug" || self.name == "module"
        self.subcommands = subcommands
        for sub in subcommands { sub.fullName = name.lowercased() + "|" + sub.name }
    }

    /// A container command dispatching on its first argument.
    public static func container(_ name: String, arity: Int = -2, flags: CommandFlags = [], group: String,
                                 summary: String = "", since: String = "1.0.0",
                                 subcommands: [CommandSpec]) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags, group: group, summary: summary, since: since,
                    subcommands: subcommands) { ctx in
            ctx.out.error(RedisError.unknownSubcommand(ctx.args.string(1), name))
        }
    }

    /// True when the command has subcommands.
    public var isContainer: Bool { !subcommands.isEmpty }

    /// Key positions in `argv` (for COMMAND GETKEYS, WATCH, ACL key checks, MONITOR-free routing).
    public func keyPositions(_ argv: Argv) -> [Int] {
        if let f = keyFinder { return f(argv) }
        if firstKey <= 0 { return [] }
        let last = lastKey < 0 ? argv.count + lastKey : lastKey
        var out: [Int] = []
        var i = firstKey
        while i <= last && i < argv.count {
            out.append(i)
            i += max(keyStep, 1)
        }
        return out
    }
}

/// The command table: name lookup (lower-cased, binary safe) and the registered groups.
public struct CommandTable: Sendable {
    /// Commands by lower-case name.
    public private(set) var commands: [ByteString: CommandSpec] = [:] {
        didSet { rebuildIndex() }
    }
    /// Dispatch index over `commands` (rebuilt, never mutated, when they change).
    public private(set) var index = CommandIndex(commands: [:])

    private mutating func rebuildIndex() { index = CommandIndex(commands: commands) }

    /// Commands as registered under their original names (renamed commands keep their entry here).
    public private(set) var originalNames: [String: CommandSpec] = [:]

    /// An empty table.
    public init() {}

    /// Full names by statistics id.
    public private(set) var statNames: [String] = []

    /// Adds (or replaces) a command.
    public mutating func register(_ spec: CommandSpec) {
        var all = commands
        add(spec, to: &all)
        commands = all
    }

    /// Adds every command of a group. The dispatch index is rebuilt once for the group, not once per
    /// command (registering the built-in groups one command at a time rebuilt it ~240 times, half of
    /// the engine's start-up).
    public mutating func register(_ group: [CommandSpec]) {
        var all = commands
        for s in group { add(s, to: &all) }
        commands = all
    }

    private mutating func add(_ s: CommandSpec, to all: inout [ByteString: CommandSpec]) {
        s.statID = statNames.count
        statNames.append(s.fullName)
        for sub in s.subcommands {
            sub.statID = statNames.count
            statNames.append(sub.fullName)
        }
        all[ByteString(s.name)] = s
        originalNames[s.name] = s
    }

    /// Removes a command from dispatch (`rename-command NAME ""`).
    public mutating func disable(_ name: String) {
        commands[ByteString(name.lowercased())] = nil
    }

    /// Makes `name` callable only as `newName` (`rename-command NAME NEWNAME`).
    public mutating func rename(_ name: String, to newName: String) {
        let key = ByteString(name.lowercased())
        guard let spec = commands[key] else { return }
        commands[key] = nil
        if !newName.isEmpty { commands[ByteString(newName.lowercased())] = spec }
    }

    /// Looks a command up by its (any case) name.
    @inlinable public func lookup(_ name: ArraySlice<UInt8>) -> CommandSpec? { index.lookup(name) }

    /// Every command, sorted by name.
    public var all: [CommandSpec] { commands.values.sorted { $0.name < $1.name } }
}

/// The command table's dispatch index: open addressing with the keyspace's own hash, so a lookup
/// per command costs one cheap hash instead of a SipHash through Dictionary (≈ 3% of CPU per request
/// in perf). A class the engine holds directly: looking a command up reads one reference, where a
/// method on the table struct stored in the engine copied (retained) every field of the table.
public final class CommandIndex: @unchecked Sendable {
    @usableFromInline let slots: [CommandSpec?]
    @usableFromInline let slotKeys: [ByteString]
    @usableFromInline let slotMask: Int
    @usableFromInline static let seed: UInt64 = 0x9E37_79B9_7F4A_7C15

    init(commands: [ByteString: CommandSpec]) {
        var size = 64
        while size < commands.count * 4 { size *= 2 }
        var newSlots = [CommandSpec?](repeating: nil, count: size)
        var newKeys = [ByteString](repeating: ByteString(""), count: size)
        for (k, v) in commands {
            var i = Int(truncatingIfNeeded: k.hash(seed: CommandIndex.seed)) & (size - 1)
            while newSlots[i] != nil { i = (i + 1) & (size - 1) }
            newSlots[i] = v
            newKeys[i] = k
        }
        slots = newSlots
        slotKeys = newKeys
        slotMask = commands.isEmpty ? 0 : size - 1
    }

    @inlinable func find(_ key: ByteString) -> CommandSpec? {
        if slotMask == 0 { return nil }
        var i = Int(truncatingIfNeeded: key.hash(seed: CommandIndex.seed)) & slotMask
        while let s = slots[i] {
            if slotKeys[i] == key { return s }
            i = (i + 1) & slotMask
        }
        return nil
    }

    /// Looks a command up by its (any case) name.
    @inlinable public func lookup(_ name: ArraySlice<UInt8>) -> CommandSpec? {
        let n = name.count
        if n == 0 || n > 22 { return n == 0 ? nil : find(ByteString(Array(name.map(lowerASCII)))) }
        return name.withUnsafeBytes { raw -> CommandSpec? in
            var t: (UInt64, UInt64, UInt32, UInt16) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &t) { p in
                for i in 0..<n { p[i] = lowerASCII(raw[i]) }
            }
            return find(ByteString.inline(t.0, t.1, t.2, t.3, UInt8(n)))
        }
    }
}

@inlinable func lowerASCII(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c + 32 : c }
