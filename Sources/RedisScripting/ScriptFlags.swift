import RESP

/// The flags a script or function declares (`#!lua flags=no-writes,allow-oom` for EVAL scripts,
/// `flags = {...}` for functions).
struct ScriptFlags: OptionSet, Sendable {
    let rawValue: Int
    static let noWrites = ScriptFlags(rawValue: 1 << 0)
    static let allowOOM = ScriptFlags(rawValue: 1 << 1)
    static let allowStale = ScriptFlags(rawValue: 1 << 2)
    static let noCluster = ScriptFlags(rawValue: 1 << 3)
    static let allowCrossSlotKeys = ScriptFlags(rawValue: 1 << 4)
    /// An EVAL script without a shebang (Redis's compatibility mode: OOM checked at the first write).
    static let eval_compat = ScriptFlags(rawValue: 1 << 5)

    static let names: [(String, ScriptFlags)] = [
        ("no-writes", .noWrites), ("allow-oom", .allowOOM), ("allow-stale", .allowStale),
        ("no-cluster", .noCluster), ("allow-cross-slot-keys", .allowCrossSlotKeys),
    ]

    static func named(_ name: String) -> ScriptFlags? { names.first { $0.0 == name }?.1 }

    var names: [String] { ScriptFlags.names.filter { contains($0.1) }.map(\.0) }

    enum ShebangResult {
        case success((flags: ScriptFlags, code: ArraySlice<UInt8>))
        case failure(String)
    }

    /// Splits an EVAL body into its shebang flags and the code Lua compiles. The shebang line's
    /// newline stays in the code so that line numbers in errors match the body.
    static func parseShebang(_ body: [UInt8]) -> ShebangResult {
        guard body.count >= 2, body[0] == UInt8(ascii: "#"), body[1] == UInt8(ascii: "!") else {
            return .success((flags: .eval_compat, code: body[...]))
        }
        // Redis's evalExtractShebangFlags: the line must end with a newline; it is split like
        // sdssplitargs; `flags=` lists names separated by commas (an empty name is an error).
        guard let end = body.firstIndex(of: UInt8(ascii: "\n")) else { return .failure("ERR Invalid script shebang") }
        var words = Argv()
        let split = body.withUnsafeBytes { RESPCommandDecoder.splitArgs($0, 0, end, into: &words) }
        guard split, words.count > 0 else { return .failure("ERR Invalid engine in script shebang") }
        let parts = (0..<words.count).map { words.string($0) }
        guard parts[0] == "#!lua" else { return .failure("ERR Unexpected engine in script shebang: \(parts[0])") }
        var flags: ScriptFlags = []
        for part in parts.dropFirst() {
            guard part.hasPrefix("flags=") else { return .failure("ERR Unknown lua shebang option: \(part)") }
            let list = part.dropFirst("flags=".count)
            if list.isEmpty { continue }
            for name in list.split(separator: ",", omittingEmptySubsequences: false) {
                guard let f = named(String(name)) else { return .failure("ERR Unexpected flag in script shebang: \(name)") }
                flags.insert(f)
            }
        }
        return .success((flags: flags, code: body[end...]))
    }
}
