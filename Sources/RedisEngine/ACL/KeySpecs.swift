import NIOCore
import RESP

/// Redis 7.0 key-spec flags (`COMMAND INFO` key specifications).
public struct KeySpecFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let ro = KeySpecFlags(rawValue: 1 << 0)
    public static let rw = KeySpecFlags(rawValue: 1 << 1)
    public static let ow = KeySpecFlags(rawValue: 1 << 2)
    public static let rm = KeySpecFlags(rawValue: 1 << 3)
    public static let access = KeySpecFlags(rawValue: 1 << 4)
    public static let update = KeySpecFlags(rawValue: 1 << 5)
    public static let insert = KeySpecFlags(rawValue: 1 << 6)
    public static let delete = KeySpecFlags(rawValue: 1 << 7)
    public static let notKey = KeySpecFlags(rawValue: 1 << 8)
    public static let incomplete = KeySpecFlags(rawValue: 1 << 9)
    public static let variableFlags = KeySpecFlags(rawValue: 1 << 10)

    static let names: [(String, KeySpecFlags)] = [
        ("RO", .ro), ("RW", .rw), ("OW", .ow), ("RM", .rm), ("access", .access), ("update", .update),
        ("insert", .insert), ("delete", .delete), ("not_key", .notKey), ("incomplete", .incomplete),
        ("variable_flags", .variableFlags),
    ]

    /// The flag words in Redis's order (COMMAND GETKEYSANDFLAGS).
    public var words: [String] { KeySpecFlags.names.filter { contains($0.1) }.map { $0.0 } }

    /// True when an ACL check needs read permission (Redis: CMD_KEY_ACCESS).
    public var needsRead: Bool { contains(.access) }
    /// True when an ACL check needs write permission (insert, delete or update).
    public var needsWrite: Bool { !intersection([.insert, .delete, .update]).isEmpty }
}

/// One key specification of a command.
public struct KeySpec: Sendable {
    public enum BeginSearch: Sendable { case index(Int), keyword(String, Int), unknown }
    public enum FindKeys: Sendable { case range(lastKey: Int, step: Int, limit: Int), keynum(index: Int, first: Int, step: Int), unknown }
    public var flags: KeySpecFlags
    public var begin: BeginSearch
    public var find: FindKeys
}

/// Key specs of every Redis 7.0 command (from `RedisCommandData`, captured from redis-server 7.0.15) and
/// Redis's `getKeysFromCommandWithSpecs`: the positions of the keys of a command line with their flags.
public enum KeySpecs {
    /// Key specs by full command name (`get`, `object|freq`).
    public static let byName: [String: [KeySpec]] = {
        var out: [String: [KeySpec]] = [:]
        guard let bytes = base64Decode(RedisCommandData.infoBase64) else { return out }
        var buf = ByteBuffer(bytes: bytes)
        guard case .array(let items)? = try? RESPValue.parse(&buf) else { return out }
        func add(_ v: RESPValue) {
            guard case .array(let f) = v, f.count >= 10, let name = f[0].text else { return }
            out[name.lowercased()] = parseSpecs(f[8])
            if case .array(let subs) = f[9] { for s in subs { add(s) } }
        }
        for v in items { add(v) }
        return out
    }()

    static func list(_ v: RESPValue) -> [RESPValue] {
        switch v {
        case .array(let a), .set(let a): return a
        default: return []
        }
    }

    static func field(_ v: RESPValue, _ name: String) -> RESPValue? {
        switch v {
        case .map(let pairs): return pairs.first { $0.0.text == name }?.1
        case .array(let a):
            var i = 0
            while i + 1 < a.count {
                if a[i].text == name { return a[i + 1] }
                i += 2
            }
            return nil
        default: return nil
        }
    }

    static func int(_ v: RESPValue?) -> Int {
        if case .integer(let i)? = v { return i }
        return 0
    }

    static func parseSpecs(_ v: RESPValue) -> [KeySpec] {
        list(v).map { m in
            var flags: KeySpecFlags = []
            for w in list(field(m, "flags") ?? .null) {
                if let t = w.text, let f = KeySpecFlags.names.first(where: { $0.0.lowercased() == t.lowercased() }) { flags.insert(f.1) }
            }
            var begin = KeySpec.BeginSearch.unknown
            if let b = field(m, "begin_search"), let spec = field(b, "spec") {
                switch field(b, "type")?.text {
                case "index": begin = .index(int(field(spec, "index")))
                case "keyword": begin = .keyword(field(spec, "keyword")?.text ?? "", int(field(spec, "startfrom")))
                default: break
                }
            }
            var find = KeySpec.FindKeys.unknown
            if let k = field(m, "find_keys"), let spec = field(k, "spec") {
                switch field(k, "type")?.text {
                case "range": find = .range(lastKey: int(field(spec, "lastkey")), step: int(field(spec, "keystep")), limit: int(field(spec, "limit")))
                case "keynum": find = .keynum(index: int(field(spec, "keynumidx")), first: int(field(spec, "firstkey")), step: int(field(spec, "keystep")))
                default: break
                }
            }
            return KeySpec(flags: flags, begin: begin, find: find)
        }
    }

    /// A key position and its flags.
    public struct KeyRef: Sendable, Equatable {
        public let pos: Int
        public let flags: KeySpecFlags
    }

    /// The keys of `argv` (argv[0] = command name, argv[1] = subcommand for containers) for command `fullName`,
    /// like `getKeysFromCommandWithSpecs`: key specs first; SET/BITFIELD (variable flags) and specs that
    /// can't be resolved (SORT's STORE) use the command's own rules. Nil when the command has no key specs.
    public static func keys(_ fullName: String, _ argv: Argv) -> [KeyRef]? {
        guard let specs = byName[fullName], !specs.isEmpty else { return nil }
        let variable = specs.contains { $0.flags.contains(.variableFlags) }
        if !variable, let r = usingSpecs(specs, argv) { return r }
        switch fullName {
        case "set": return [KeyRef(pos: 1, flags: setFlags(argv))]
        case "bitfield": return [KeyRef(pos: 1, flags: bitfieldFlags(argv))]
        case "sort", "sort_ro": return sortKeys(argv)
        default: return usingSpecs(specs, argv, partial: true) ?? []
        }
    }

    /// getKeysUsingKeySpecs; nil for an invalid or incomplete spec (unless `partial`).
    static func usingSpecs(_ specs: [KeySpec], _ argv: Argv, partial: Bool = false) -> [KeyRef]? {
        let argc = argv.count
        var out: [KeyRef] = []
        for spec in specs {
            if spec.flags.contains(.notKey) { continue }
            var first = 0
            switch spec.begin {
            case .index(let p): first = p
            case .keyword(let word, let startFrom):
                let start = startFrom > 0 ? startFrom : argc + startFrom
                let end = startFrom > 0 ? argc - 1 : 0
                var i = start
                while i != end {
                    if i >= argc || i < 1 { break }
                    if argv.string(i).lowercased() == word.lowercased() { first = i + 1; break }
                    i = start <= end ? i + 1 : i - 1
                }
                if first == 0 { continue }
            case .unknown:
                if partial { continue }
                return nil
            }
            var last = 0, step = 1
            switch spec.find {
            case .range(let lastKey, let s, let limit):
                step = s
                if lastKey >= 0 {
                    last = first + lastKey
                } else if limit == 0 {
                    last = argc + lastKey
                } else {
                    last = first + ((argc - first) / limit + lastKey)
                }
            case .keynum(let idx, let firstKey, let s):
                step = s
                guard idx < argc - first, let n = Int(argv.string(first + idx)), n >= 0 else {
                    if partial { continue }
                    return nil
                }
                first += firstKey
                last = first + n - 1
            case .unknown:
                if partial { continue }
                return nil
            }
            if last >= argc || last < first || first >= argc {
                if partial { continue }
                return nil
            }
            var i = first
            while i <= last {
                out.append(KeyRef(pos: i, flags: spec.flags))
                i += max(step, 1)
            }
            if spec.flags.contains(.incomplete) && !partial { return nil }
        }
        return out
    }

    /// setGetKeys: RW access update with GET, else OW update.
    static func setFlags(_ argv: Argv) -> KeySpecFlags {
        if argv.count > 3 {
            for i in 3..<argv.count where argv.string(i).lowercased() == "get" { return [.rw, .access, .update] }
        }
        return [.ow, .update]
    }

    /// bitfieldGetKeys: read-only unless a SET/INCRBY (or a syntax error) is present.
    static func bitfieldFlags(_ argv: Argv) -> KeySpecFlags {
        var i = 2
        while i < argv.count {
            let rem = argv.count - i - 1
            let a = argv.string(i).lowercased()
            if a == "get" && rem >= 2 {
                i += 3
            } else if (a == "set" || a == "incrby") && rem >= 3 {
                return [.rw, .access, .update]
            } else if a == "overflow" && rem >= 1 {
                i += 2
            } else {
                return [.rw, .access, .update]
            }
        }
        return [.ro, .access]
    }

    /// sortGetKeys: the sorted key read, the STORE destination overwritten.
    static func sortKeys(_ argv: Argv) -> [KeyRef] {
        var out = [KeyRef(pos: 1, flags: [.ro, .access])]
        let skip: [String: Int] = ["limit": 2, "get": 1, "by": 1]
        var i = 2
        var store: Int?
        while i < argv.count {
            let a = argv.string(i).lowercased()
            if let n = skip[a] {
                i += n
            } else if a == "store" && i + 1 < argv.count {
                store = i + 1   // the last STORE wins, like Redis
                i += 1
            }
            i += 1
        }
        if let s = store, argv.string(0).lowercased() == "sort" { out.append(KeyRef(pos: s, flags: [.ow, .update])) }
        return out
    }
}
