// Code that breaks when the deployment moves to Redis Cluster (issue #19): multi-key commands over keys
// without a common {hash tag} (CROSSSLOT in cluster mode) and databases other than 0 (SELECT fails in
// cluster mode). Notes, not warnings: the same code is fine on one primary; `infera plan` raises them
// to a warning (check INF016) when cache.mode is cluster.

extension MistakeRules {
    /// Commands all of whose arguments are keys.
    static let allKeyCommands: Set<String> = [
        "MGET", "DEL", "UNLINK", "EXISTS", "SINTER", "SUNION", "SDIFF", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE",
        "PFCOUNT", "PFMERGE", "WATCH",
    ]
    /// Commands whose first two arguments are keys.
    static let twoKeyCommands: Set<String> = ["RENAME", "RENAMENX", "RPOPLPUSH", "LMOVE", "BLMOVE", "BRPOPLPUSH", "SMOVE"]

    public static let clusterMultiKey = MistakeRule(
        id: "redis.cluster-cross-slot", title: "Multi-key command over keys without a common hash tag", severity: .note,
        message: "the keys of this multi-key command have no common {hash tag}: on Redis Cluster (Memorystore for Redis Cluster, ElastiCache cluster mode) they fall in different slots and the command fails with CROSSSLOT",
        fix: "Give keys used together the same hash tag ({user:42}:profile and {user:42}:cart share a slot), or issue one command per key (in a pipeline)",
        examples: [
            .yes(.python, "import redis\nr = redis.Redis()\ndef users():\n    return r.mget('user:1', 'user:2')"),
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function both(id) {\n  return redis.mget(`user:${id}`, `cart:${id}`);\n}"),
            .yes(.go, "import \"github.com/redis/go-redis/v9\"\nvar rdb = redis.NewClient(&redis.Options{})\nfunc both(ctx context.Context) {\n\trdb.MGet(ctx, \"user:1\", \"user:2\")\n}"),
            .yes(.python, "import redis\nr = redis.Redis()\ndef users():\n    return r.mget(['session:a', 'session:b'])"),
            .yes(.python, "import redis\nr = redis.Redis()\ndef move(uid):\n    r.rename(f'tmp:{uid}', f'user:{uid}')"),
            .no(.python, "import redis\nr = redis.Redis()\ndef users():\n    return r.mget('{user}:1', '{user}:2')"),
            .no(.python, "import redis\nr = redis.Redis()\ndef users(uid):\n    return r.mget(f'{{user:{uid}}}:profile', f'{{user:{uid}}}:cart')"),
            .no(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function both(id) {\n  return redis.mget(`{user:${id}}:profile`, `{user:${id}}:cart`);\n}"),
            .no(.python, "import redis\nr = redis.Redis()\ndef some(keys):\n    return r.mget(keys)"),
            .no(.python, "import redis\nr = redis.Redis()\ndef one():\n    return r.get('user:1')"),
        ],
        check: { a in
            var out: [Int] = []
            for call in a.calls {
                guard let args = call.args else { continue }
                let all = allKeyCommands.contains(call.command)
                guard all || twoKeyCommands.contains(call.command) else { continue }
                var pieces = ClusterKeys.pieces(a, args)
                // `do("MGET", …)` / `Do(ctx, "MGET", …)`: the keys follow the command name.
                if let i = pieces.firstIndex(where: { ClusterKeys.literal(a, $0)?.lowercased() == call.command.lowercased() }) {
                    pieces = Array(pieces[(i + 1)...])
                }
                // One list argument: `mget(['a', 'b'])`, `del([...])`.
                if pieces.count == 1, let inner = ClusterKeys.bracketed(a, pieces[0]) { pieces = ClusterKeys.pieces(a, inner) }
                if !all { pieces = Array(pieces.prefix(2)) }
                let keys = pieces.compactMap { ClusterKeys.keyText(a, $0) }
                guard keys.count >= 2 else { continue }
                let tags = keys.map(ClusterKeys.hashTag)
                if let first = tags[0], tags.allSatisfy({ $0 == first }) { continue }
                out.append(call.offset)
            }
            return out
        })

    public static let selectDatabase = MistakeRule(
        id: "redis.select-database", title: "A database other than 0", severity: .note,
        message: "the application uses a database other than 0: Redis Cluster has only database 0, so SELECT fails on Memorystore for Redis Cluster and ElastiCache cluster mode",
        fix: "Keep everything in database 0 and separate data with key prefixes (or a separate cache)",
        examples: [
            .yes(.python, "import redis\nr = redis.Redis(host='cache', db=2)"),
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis({ host: 'cache', db: 3 });"),
            .yes(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis();\nasync function other() {\n  await redis.select(4);\n}"),
            .yes(.go, "import \"github.com/redis/go-redis/v9\"\nvar rdb = redis.NewClient(&redis.Options{Addr: \"cache:6379\", DB: 1})"),
            .yes(.python, "import redis\nr = redis.from_url('redis://cache:6379/5')"),
            .no(.python, "import redis\nr = redis.Redis(host='cache', db=0)"),
            .no(.javascript, "const Redis = require('ioredis');\nconst redis = new Redis({ host: 'cache' });\nasync function other() {\n  await redis.select(0);\n}"),
            .no(.python, "import redis\nr = redis.from_url('redis://cache:6379/0')"),
        ],
        check: { a in
            var out: [Int] = []
            for call in a.calls where call.command == "SELECT" {
                guard let args = call.args else { continue }
                var pieces = ClusterKeys.pieces(a, args)
                if let i = pieces.firstIndex(where: { ClusterKeys.literal(a, $0)?.lowercased() == "select" }) { pieces = Array(pieces[(i + 1)...]) }
                if let first = pieces.first, let n = Int(a.codeText(first).trimmedSpaces()), n != 0 { out.append(call.offset) }
            }
            for c in a.constructions {
                guard let args = c.args else { continue }
                if ClusterKeys.nonZeroDatabaseOption(a.codeText(args)) { out.append(c.offset) }
            }
            for u in a.urls {
                if let db = ClusterKeys.database(ofURL: a.text(u.range)), db != 0 { out.append(u.offset) }
            }
            return out.sorted()
        })
}

/// Reading key arguments out of a call: top-level pieces, string literals, `{hash tags}`.
enum ClusterKeys {
    /// The top-level comma-separated pieces of `r` (brackets, braces and parentheses nest; strings are blanked in `code`).
    static func pieces(_ a: FileAnalysis, _ r: Range<Int>) -> [Range<Int>] {
        let code = a.src.code
        var out: [Range<Int>] = []
        var depth = 0
        var start = r.lowerBound
        var i = r.lowerBound
        while i < r.upperBound {
            switch code[i] {
            case 40, 91, 123: depth += 1
            case 41, 93, 125: depth -= 1
            case 44 where depth == 0:
                out.append(start..<i)
                start = i + 1
            default: break
            }
            i += 1
        }
        if start < r.upperBound { out.append(start..<r.upperBound) }
        return out.filter { !a.codeText($0).trimmedSpaces().isEmpty || !literals(a, $0).isEmpty }
    }

    /// The inside of a piece that is one `[...]` or `(...)` list (also `*[...]`), nil otherwise.
    static func bracketed(_ a: FileAnalysis, _ r: Range<Int>) -> Range<Int>? {
        let code = a.src.code
        var s = r.lowerBound
        while s < r.upperBound && (code[s] == 32 || code[s] == 10 || code[s] == 9 || code[s] == 42) { s += 1 }
        guard s < r.upperBound, code[s] == 91 || code[s] == 40, let close = a.matching(s), close < r.upperBound else { return nil }
        return (s + 1)..<close
    }

    /// String literal contents inside `r`.
    static func literals(_ a: FileAnalysis, _ r: Range<Int>) -> [Range<Int>] {
        a.src.strings.filter { $0.lowerBound >= r.lowerBound && $0.upperBound <= r.upperBound }
    }

    /// The piece's text when it is exactly one string literal.
    static func literal(_ a: FileAnalysis, _ r: Range<Int>) -> String? {
        let l = literals(a, r)
        guard l.count == 1 else { return nil }
        return a.text(l[0])
    }

    /// The fixed text of a key expression: its string literals joined, interpolations removed
    /// (`f"user:{id}"` → `user:`, `` `user:${id}` `` → `user:`, `"user:#{id}"` → `user:`). Nil without a literal.
    static func keyText(_ a: FileAnalysis, _ r: Range<Int>) -> String? {
        let lits = literals(a, r)
        guard !lits.isEmpty else { return nil }
        var out = ""
        for l in lits {
            let raw = a.text(l)
            let prefix = l.lowerBound >= 2 ? a.src.bytes[l.lowerBound - 2] : 0
            out += stripInterpolation(raw, language: a.src.language, prefixByte: prefix)
        }
        return out
    }

    static func stripInterpolation(_ s: String, language: Language, prefixByte: UInt8) -> String {
        switch language {
        case .python where prefixByte == 102 || prefixByte == 70: return formatLiteral(s) // f"…"
        case .csharp where prefixByte == 36: return formatLiteral(s) // $"…"
        case .javascript, .kotlin, .scala: return removeGroups(s, open: "${")
        case .ruby, .elixir: return removeGroups(s, open: "#{")
        case .php: return removeGroups(s, open: "{$")
        default: return s
        }
    }

    /// The fixed text of a format string where `{x}` interpolates and `{{` / `}}` are literal braces.
    static func formatLiteral(_ s: String) -> String {
        var out = ""
        let c = Array(s)
        var i = 0
        while i < c.count {
            if c[i] == "{" && i + 1 < c.count && c[i + 1] == "{" { out.append("{"); i += 2; continue }
            if c[i] == "}" && i + 1 < c.count && c[i + 1] == "}" { out.append("}"); i += 2; continue }
            if c[i] == "{" {
                var depth = 1
                i += 1
                while i < c.count && depth > 0 {
                    if c[i] == "{" { depth += 1 } else if c[i] == "}" { depth -= 1 }
                    i += 1
                }
                continue
            }
            out.append(c[i])
            i += 1
        }
        return out
    }

    /// Removes every `open…}` group (nesting counted).
    static func removeGroups(_ s: String, open: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let r = rest.range(of: open) {
            out += rest[..<r.lowerBound]
            var depth = 1
            var i = r.upperBound
            while i < rest.endIndex && depth > 0 {
                if rest[i] == "{" { depth += 1 } else if rest[i] == "}" { depth -= 1 }
                i = rest.index(after: i)
            }
            rest = rest[i...]
        }
        return out + rest
    }

    /// Redis Cluster's hash tag: the text between the first `{` and the next `}`, when not empty.
    static func hashTag(_ key: String) -> String? {
        guard let open = key.firstIndex(of: "{") else { return nil }
        let after = key[key.index(after: open)...]
        guard let close = after.firstIndex(of: "}"), close > after.startIndex else { return nil }
        return String(after[..<close])
    }

    /// `db=2`, `db: 3`, `DB: 1`, `database: 4` with a number other than 0.
    static func nonZeroDatabaseOption(_ code: String) -> Bool {
        let chars = Array(code)
        for name in ["db", "DB", "database", "Database"] {
            var search = code.startIndex
            while let r = code.range(of: name, range: search..<code.endIndex) {
                search = r.upperBound
                let before = r.lowerBound == code.startIndex ? " " : code[code.index(before: r.lowerBound)]
                if before.isLetter || before.isNumber || before == "_" || before == "." { continue }
                var i = code.distance(from: code.startIndex, to: r.upperBound)
                while i < chars.count && chars[i] == " " { i += 1 }
                guard i < chars.count, chars[i] == "=" || chars[i] == ":" else { continue }
                i += 1
                if i < chars.count && chars[i] == "=" { continue } // ==
                while i < chars.count && chars[i] == " " { i += 1 }
                var digits = ""
                while i < chars.count && chars[i].isNumber { digits.append(chars[i]); i += 1 }
                if let n = Int(digits), n != 0 { return true }
            }
        }
        return false
    }

    /// The database number in `redis://host:port/N`, nil when none.
    static func database(ofURL url: String) -> Int? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let path = rest[rest.index(after: slash)...].prefix { $0.isNumber }
        return Int(path)
    }
}
