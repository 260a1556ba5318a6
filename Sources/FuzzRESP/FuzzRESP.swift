// Fuzz target for the RESP decoders (libFuzzer). Properties checked on every input:
//  1. no crash, trap or hang in RESPCommandDecoder (client commands) or RESPValue.parse (replies);
//  2. incremental decoding is independent of how the bytes are split across reads: feeding the
//     input in one piece and in pseudo-random chunks (down to one byte) yields the same commands
//     and the same protocol error;
//  3. a decoded command re-encoded as a RESP multibulk decodes to the same arguments;
//  4. RESPValue.parse of a value's own encoding round-trips.
//
// Built two ways:
//  * `swift build` (no FUZZING): a normal executable that replays files or runs a seeded random
//    campaign, `FuzzRESP [--random N] [--seed S] [files...]`, used by the test suite;
//  * scripts/fuzz.sh: `-sanitize=fuzzer -DFUZZING`, libFuzzer supplies main().
import NIOCore
import RESP

/// Returns nil when every property holds, else a description of the violation.
func checkRESPInput(_ data: [UInt8]) -> String? {
    guard !data.isEmpty else { return nil }
    // The first byte seeds the chunking; the rest is the stream.
    let seed = UInt64(data[0])
    let input = Array(data.dropFirst())
    let whole = decodeAll(input, chunks: [input.count])
    var rng = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var sizes: [Int] = []
    var left = input.count
    while left > 0 {
        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
        let n = min(left, Int(rng % 17) + 1)
        sizes.append(n)
        left -= n
    }
    let chunked = decodeAll(input, chunks: sizes)
    if whole != chunked {
        return "chunking changed the result: whole=\(whole.prefix(4)) chunked=\(chunked.prefix(4)) sizes=\(sizes.prefix(20))"
    }
    let bytewise = decodeAll(input, chunks: Array(repeating: 1, count: input.count))
    if whole != bytewise {
        return "byte-at-a-time changed the result: whole=\(whole.prefix(4)) bytewise=\(bytewise.prefix(4))"
    }
    // Re-encode every decoded command and decode it again.
    for event in whole {
        guard case .command(let args) = event else { continue }
        var enc: [UInt8] = Array("*\(args.count)\r\n".utf8)
        for a in args { enc += Array("$\(a.count)\r\n".utf8) + a + [13, 10] }
        let again = decodeAll(enc, chunks: [enc.count])
        if again != [.command(args)] { return "re-encoded command \(args) decoded as \(again)" }
    }
    // The reply parser must not crash, and must round-trip what it parses.
    var buffer = ByteBuffer(bytes: input)
    var parsed = 0
    while parsed < 64, let value = try? RESPValue.parse(&buffer) {
        parsed += 1
        var out = ByteBuffer()
        value.encode(into: &out)
        var back = out
        guard let reparsed = try? RESPValue.parse(&back) else {
            return "RESPValue \(value) encoded as \(Array(out.readableBytesView)) does not parse"
        }
        if reparsed != value { return "RESPValue round trip: \(value) -> \(reparsed)" }
    }
    return nil
}

enum DecodeEvent: Equatable, CustomStringConvertible {
    case command([[UInt8]])
    case error(String)
    var description: String {
        switch self {
        case .command(let a): return "cmd\(a.map { String(decoding: $0, as: UTF8.self) })"
        case .error(let e): return "error(\(e))"
        }
    }
}

/// Decodes `input` fed in pieces of the given sizes, like successive socket reads.
func decodeAll(_ input: [UInt8], chunks: [Int]) -> [DecodeEvent] {
    var decoder = RESPCommandDecoder()
    var buffer = ByteBuffer()
    var argv = Argv()
    var events: [DecodeEvent] = []
    var offset = 0
    for size in chunks {
        buffer.writeBytes(input[offset..<min(input.count, offset + size)])
        offset += size
        var guardSteps = 0
        loop: while guardSteps < 100_000 {
            guardSteps += 1
            switch decoder.decode(&buffer, into: &argv) {
            case .command:
                events.append(.command((0..<argv.count).map { Array(argv[$0]) }))
            case .needMoreData:
                break loop
            case .protocolError(let message):
                events.append(.error(message))
                return events // the server replies and closes the connection
            }
        }
    }
    return events
}

#if FUZZING || INFERA_FUZZ
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRESP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = checkRESPInput(bytes) {
        fatalError("RESP fuzz property violated: \(failure)")
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
@_cdecl("FuzzRESP_main")
public func fuzzRESPMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzRESP(data, size) }
}
#else
import Foundation

/// Replay / random-campaign driver used without libFuzzer.
@main
struct FuzzRESPMain {
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
                print("FuzzRESP: cannot read \(path)"); failures += 1; continue
            }
            if let f = checkRESPInput(Array(data)) { print("FAIL \(path): \(f)"); failures += 1 }
        }
        var rng = seed
        func next() -> UInt64 {
            rng &+= 0x9E37_79B9_7F4A_7C15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // Random inputs biased towards protocol structure: fragments of valid frames, mutated.
        let pieces: [[UInt8]] = ["*", "$", "\r\n", "\r", "\n", "*1\r\n", "*2\r\n$3\r\nGET\r\n", "$3\r\nfoo\r\n",
                                 "$-1\r\n", "*-1\r\n", "*0\r\n", "PING\r\n", "SET a \"b c\"\r\n", "\"", "'", "\\x41",
                                 "$0\r\n\r\n", "*3\r\n", "$10000\r\n", "-", "+OK\r\n", ":1\r\n", "%1\r\n", "~1\r\n",
                                 ">2\r\n", "_\r\n", ",1.5\r\n", "#t\r\n", "=3\r\ntxt\r\n", "(12\r\n", " ", "a", "0", "9"]
            .map { Array($0.utf8) }
        for i in 0..<random {
            var input: [UInt8] = [UInt8(truncatingIfNeeded: next())]
            let parts = Int(next() % 24)
            for _ in 0..<parts {
                if next() % 5 == 0 {
                    input.append(UInt8(truncatingIfNeeded: next()))
                } else {
                    input += pieces[Int(next() % UInt64(pieces.count))]
                }
            }
            if let f = checkRESPInput(input) {
                print("FAIL random #\(i) seed \(seed): \(f)\n  input: \(input)")
                failures += 1
                if failures > 10 { break }
            }
        }
        print("FuzzRESP: \(files.count) files, \(random) random inputs (seed \(seed)), \(failures) failures")
        exit(failures == 0 ? 0 : 1)
    }
}
#endif
