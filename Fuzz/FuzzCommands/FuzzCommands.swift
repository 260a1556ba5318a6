// Fuzz target for the engine's COMMAND layer (libFuzzer): each input is a small program of
// commands whose names come from the engine's own command table (containers expanded into their
// subcommands) and whose arguments are drawn from the COMMAND DOCS tokens, a key pool, extreme
// integers (0, -1, ±2^31, ±2^32, ±2^63, 2^63-1, 2^64-1 …), scores, stream IDs and raw bytes.
// Three clients share one fresh engine on a manual clock per input. Properties checked:
//  1. no crash, trap or hang in any command (Swift traps on integer overflow and out-of-range
//     indexes, so one client's arithmetic on its own integers must never take the server down);
//  2. every reply and every asynchronous delivery is well-formed RESP;
//  3. a command that is not blocked, paused or under CLIENT REPLY OFF/SKIP writes a reply.
//
// Built two ways:
//  * `swift build` (no INFERA_FUZZ): a normal executable that replays files and runs a seeded random
//    campaign, `FuzzCommands [--random N] [--seed S] [files...]` (Tests/RedisServerTests/FuzzReplayTests);
//  * scripts/fuzz.sh (`make fuzz`): `-sanitize=fuzzer,address -DINFERA_FUZZ`, libFuzzer drives it.
import NIOCore
import RESP
import RedisEngine

/// What a program can say: command paths and argument vocabulary, read once from a fresh engine.
struct FuzzVocabulary: @unchecked Sendable {
    /// Command paths: `["get"]`, `["config", "set"]` …
    let commands: [[String]]
    /// Argument tokens from COMMAND DOCS (`WITHSCORES`, `LIMIT`, `BYSCORE` …), sorted.
    let tokens: [String]

    /// Commands that would stop or stall the process rather than exercise a code path:
    /// SHUTDOWN, DEBUG (SLEEP blocks the thread), PFSELFTEST (no arguments; a fixed self-test of
    /// 100,000 elements that takes longer than libFuzzer's 10 s limit under ASan on a loaded
    /// machine), and the few that touch the file system.
    static let excluded: Set<String> = ["shutdown", "debug", "pfselftest", "config rewrite", "acl save", "acl load", "save", "bgsave",
                                        "bgrewriteaof", "sync", "psync", "replicaof", "slaveof", "failover", "monitor"]

    static let shared = FuzzVocabulary()

    init() {
        let engine = Engine(clock: ManualClock())
        var paths: [[String]] = []
        for spec in engine.commandTable.all {
            if spec.subcommands.isEmpty {
                paths.append([spec.name])
            } else {
                for sub in spec.subcommands.sorted(by: { $0.name < $1.name }) { paths.append([spec.name, sub.name]) }
            }
        }
        commands = paths.filter { !Self.excluded.contains($0.joined(separator: " ")) && !Self.excluded.contains($0[0]) }
        // Tokens: every "token" value in the COMMAND DOCS reply.
        let session = engine.lock.withLock { engine.newSession() }
        var ctx = CommandContext(engine: engine, session: session, buffer: ByteBuffer())
        ctx.args = Argv(["COMMAND", "DOCS"])
        engine.lock.withLock { _ = engine.execute(&ctx) }
        var found: Set<String> = []
        if let value = try? RESPValue.parse(&ctx.out.buffer) { Self.collectTokens(value, into: &found) }
        tokens = found.sorted()
    }

    static func collectTokens(_ v: RESPValue, into out: inout Set<String>) {
        switch v {
        case .array(let items), .set(let items), .push(let items):
            var i = 0
            while i < items.count {
                if case .bulkString(let k) = items[i], k == Array("token".utf8), i + 1 < items.count,
                   case .bulkString(let t) = items[i + 1] {
                    out.insert(String(decoding: t, as: UTF8.self))
                }
                collectTokens(items[i], into: &out)
                i += 1
            }
        case .map(let pairs):
            for (k, val) in pairs {
                if case .bulkString(let kb) = k, kb == Array("token".utf8), case .bulkString(let t) = val {
                    out.insert(String(decoding: t, as: UTF8.self))
                }
                collectTokens(val, into: &out)
            }
        default: break
        }
    }
}

/// Integers at the edges of every width a command might convert to.
let fuzzExtremeIntegers: [String] = [
    "0", "-1", "1", "2", "-2", "127", "128", "255", "256", "65535", "65536",
    "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296", "-4294967296",
    "9223372036854775807", "-9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "4611686018427387903", "4611686018427387904", "-4611686018427387904",
    "536870911", "536870912", "4294967295999", "1099511627776", "100000000000000000000", "1e3", "3.5", "", " 1", "01", "+1", "-0",
]
let fuzzScores: [String] = ["0.5", "-inf", "+inf", "inf", "nan", "1e308", "-1e308", "1.7976931348623157e308", "5e-324",
                            "(1", "[a", "(b", "-", "+", "1.5", "-0", "0x10", "3.0e5", "(-inf", "(+inf", "[", "(", "1e400"]
let fuzzSpecials: [String] = ["*", "$", ">", "0", "0-0", "0-1", "1-1", "1-*", "18446744073709551615-18446744073709551615",
                              "18446744073709551615-*", "-", "+", "(0-1", "(18446744073709551615-18446744073709551615",
                              "?", "[a-", "\\", "h*llo", "*[", "#", "u8", "i64", "u63", "i8", "#0", "#9223372036854775807",
                              "on", "off", "yes", "no", "1kb", "1gb", "512mb", "100%", "KA", "Eg", "all", "~*", "&*",
                              "+@all", "-@all", ">pw", "nopass", "resetkeys"]
let fuzzMembers: [String] = ["a", "b", "c", "", "f", "v", "g", "consumer", "x\u{0}y", "1", "-1", "1.5", "é"]

/// Reads a program out of fuzz bytes.
struct FuzzProgramReader {
    let bytes: [UInt8]
    var pos = 0
    var atEnd: Bool { pos >= bytes.count }
    mutating func byte() -> UInt8 {
        guard pos < bytes.count else { return 0 }
        defer { pos += 1 }
        return bytes[pos]
    }
    mutating func u16() -> Int { Int(byte()) << 8 | Int(byte()) }
    mutating func pick(_ list: [String]) -> String { list.isEmpty ? "" : list[u16() % list.count] }

    mutating func argument(_ vocabulary: FuzzVocabulary) -> [UInt8] {
        let tag = byte()
        switch tag % 8 {
        case 0: return Array("k\(tag >> 3 & 3)".utf8)
        case 1: return Array(pick(fuzzExtremeIntegers).utf8)
        case 2: return Array(String(Int8(bitPattern: byte())).utf8)
        case 3: return Array(pick(vocabulary.tokens).utf8)
        case 4:
            let n = Int(byte() % 24)
            var out: [UInt8] = []
            for _ in 0..<n where !atEnd { out.append(byte()) }
            return out
        case 5: return Array(pick(fuzzScores).utf8)
        case 6: return Array(pick(fuzzSpecials).utf8)
        default: return Array(pick(fuzzMembers).utf8)
        }
    }
}

/// One engine and three clients running a program.
final class FuzzWorld {
    let clock = ManualClock(milliseconds: 1_700_000_000_000)
    let engine: Engine
    var contexts: [CommandContext] = []
    var delivered: [ByteBuffer] = []
    /// Limits that keep one input's memory and time bounded (re-applied after every command so
    /// CONFIG SET can still be exercised): strings up to 1 MB, replies up to 8 MB.
    static let maxBulk = 1 << 20
    static let maxReply = 8 << 20

    static var baseline: EngineConfig {
        var config = EngineConfig()
        config.protoMaxBulkLen = Self.maxBulk
        config.maxReplyBytes = Self.maxReply
        return config
    }

    init() {
        engine = Engine(config: Self.baseline, clock: clock)
        for _ in 0..<3 { contexts.append(newContext()) }
    }

    /// Building an engine costs more than running a short program, so one engine serves 64
    /// programs in a row: between programs its data, configuration, pause and clients are reset
    /// (ACL users and statistics may carry over; a finding is replayed on a fresh engine anyway).
    nonisolated(unsafe) static var current: FuzzWorld?
    nonisolated(unsafe) static var programs = 0

    static func acquire(fresh: Bool) -> FuzzWorld {
        programs += 1
        if !fresh, let w = current, programs % 64 != 0 {
            w.reset()
            return w
        }
        current?.close()
        let w = FuzzWorld()
        current = w
        return w
    }

    func reset() {
        close()
        engine.lock.withLock {
            engine.flushAll()
            engine.config = Self.baseline
            engine.pauseUntil = 0
        }
        contexts = []
        sinks = []
        for _ in 0..<3 { contexts.append(newContext()) }
    }

    func newContext() -> CommandContext {
        let s = engine.lock.withLock { engine.newSession() }
        let sink = DeliverySink()
        s.deliver = { buf in sink.buffers.append(buf) }
        sinks.append(sink)
        return CommandContext(engine: engine, session: s, buffer: ByteBuffer())
    }
    var sinks: [DeliverySink] = []

    func capLimits() {
        if engine.config.protoMaxBulkLen > Self.maxBulk { engine.config.protoMaxBulkLen = Self.maxBulk }
        if engine.config.maxReplyBytes > Self.maxReply || engine.config.maxReplyBytes == 0 { engine.config.maxReplyBytes = Self.maxReply }
        if engine.config.maxMemory != 0 && engine.config.maxMemory < 1024 { engine.config.maxMemory = 0 }
    }

    /// Runs one command on client `c`; returns a violation, or nil.
    func run(_ c: Int, _ args: [[UInt8]]) -> String? {
        var ctx = contexts[c]
        if ctx.session.isBlocked { return nil }
        ctx.args = Argv(bytes: args)
        ctx.out.buffer.clear()
        let modeBefore = ctx.session.replyMode
        let ran = engine.lock.withLock { engine.execute(&ctx) }
        contexts[c] = ctx
        capLimits()
        let described = args.map { String(decoding: $0.prefix(40), as: UTF8.self) }
        var out = ctx.out.buffer
        if let problem = Self.checkWellFormed(&out) { return "reply to \(described): \(problem)" }
        let expectReply = ran && !ctx.session.isBlocked && modeBefore == .on && ctx.session.replyMode == .on
            && !ctx.session.closeAfterReply
        if expectReply && ctx.out.buffer.readableBytes == 0 { return "no reply to \(described)" }
        for sink in sinks {
            for var b in sink.buffers {
                if let problem = Self.checkWellFormed(&b) { return "delivery after \(described): \(problem)" }
            }
            sink.buffers.removeAll()
        }
        if ctx.session.closeAfterReply {
            engine.lock.withLock { engine.closeSession(ctx.session) }
            contexts[c] = newContext()
        }
        if !ran { return "paused" }
        return nil
    }

    /// Parses every RESP value in `buffer`; a description of the first malformation, or nil.
    static func checkWellFormed(_ buffer: inout ByteBuffer) -> String? {
        var values = 0
        while buffer.readableBytes > 0 {
            do {
                guard try RESPValue.parse(&buffer) != nil else {
                    return "truncated RESP after \(values) values: \(String(decoding: buffer.readableBytesView.prefix(80), as: UTF8.self))"
                }
                values += 1
            } catch {
                return "malformed RESP after \(values) values (\(error)): \(String(decoding: buffer.readableBytesView.prefix(80), as: UTF8.self))"
            }
        }
        return nil
    }

    func advance(_ exponent: UInt8) {
        clock.advance(milliseconds: Int64(1) << Int64(exponent % 36))
        engine.lock.withLock { engine.cron() }
    }

    func close() {
        engine.lock.withLock { for c in contexts { engine.closeSession(c.session) } }
    }
}

final class DeliverySink: @unchecked Sendable {
    var buffers: [ByteBuffer] = []
}

/// Runs the program in `data`; nil when every property holds, else a description of the violation.
func checkCommandProgram(_ data: [UInt8], freshEngine: Bool = false) -> String? {
    let vocabulary = FuzzVocabulary.shared
    var reader = FuzzProgramReader(bytes: data)
    let world = FuzzWorld.acquire(fresh: freshEngine)
    var steps = 0
    while !reader.atEnd && steps < 64 {
        steps += 1
        let op = reader.byte()
        if op % 16 == 15 {
            world.advance(reader.byte())
            continue
        }
        let client = Int(op % 3)
        var args = vocabulary.commands[reader.u16() % vocabulary.commands.count].map { Array($0.utf8) }
        let extra = Int(reader.byte() % 9)
        for _ in 0..<extra { args.append(reader.argument(vocabulary)) }
        if let problem = world.run(client, args) {
            if problem == "paused" { return nil }   // CLIENT PAUSE holds every later command back
            return problem
        }
    }
    return nil
}

#if INFERA_FUZZ
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommands(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = checkCommandProgram(bytes) {
        fatalError("command fuzz property violated: \(failure)")
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links executables with `main` aliased to `<module>_main`; hand control to libFuzzer.
@_cdecl("FuzzCommands_main")
public func fuzzCommandsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzCommands(data, size) }
}
#else
import Foundation

/// Replay / random-campaign driver used without libFuzzer.
@main
struct FuzzCommandsMain {
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        var random = 0
        var seed: UInt64 = 1
        var files: [String] = []
        while !args.isEmpty {
            let a = args.removeFirst()
            switch a {
            case "--random": random = Int(args.isEmpty ? "" : args.removeFirst()) ?? 0
            case "--seed": seed = UInt64(args.isEmpty ? "" : args.removeFirst()) ?? 1
            default: files.append(a)
            }
        }
        var failures = 0
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("FuzzCommands: cannot read \(path)"); failures += 1; continue
            }
            if let f = checkCommandProgram(Array(data), freshEngine: true) { print("FAIL \(path): \(f)"); failures += 1 }
        }
        var rng = seed
        func next() -> UInt64 {
            rng &+= 0x9E37_79B9_7F4A_7C15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for i in 0..<random {
            let n = Int(next() % 160) + 8
            let input = (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) }
            if let f = checkCommandProgram(input) {
                print("FAIL random #\(i) seed \(seed): \(f)\n  input: \(input)")
                failures += 1
                if failures > 10 { break }
            }
        }
        print("FuzzCommands: \(files.count) files, \(random) random programs (seed \(seed)), " +
              "\(FuzzVocabulary.shared.commands.count) commands, \(FuzzVocabulary.shared.tokens.count) tokens, \(failures) failures")
        exit(failures == 0 ? 0 : 1)
    }
}
#endif
