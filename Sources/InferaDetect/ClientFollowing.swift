#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Following a Redis client from where it is made or injected to where it is used: typed declarations (injected
/// `IConnectionMultiplexer`, `RedisTemplate`, Go `*redis.Client` fields), aliases (`_db = mux.GetDatabase()`,
/// `ops = template.opsForValue()`), and modules that hand a client to other files.
extension FileAnalysis {
    /// Type names whose variables, fields and parameters are Redis clients (or command interfaces), per language.
    static let clientTypes: [Language: [String]] = [
        .csharp: ["IConnectionMultiplexer", "ConnectionMultiplexer", "IDatabase", "IDatabaseAsync", "ISubscriber", "IRedisClient", "IRedisDatabase", "IBatch", "ITransaction"],
        .java: ["RedisTemplate", "StringRedisTemplate", "ReactiveRedisTemplate", "ReactiveStringRedisTemplate", "Jedis", "JedisPool", "JedisPooled", "UnifiedJedis",
                "RedissonClient", "RedisCommands", "RedisAsyncCommands", "StatefulRedisConnection", "ValueOperations", "HashOperations", "ZSetOperations",
                "ListOperations", "SetOperations", "StreamOperations", "RedisConnection"],
        .kotlin: ["RedisTemplate", "StringRedisTemplate", "ReactiveRedisTemplate", "Jedis", "JedisPool", "JedisPooled", "RedissonClient", "RedisCommands", "ValueOperations"],
        .go: ["redis.Client", "redis.UniversalClient", "redis.ClusterClient", "redis.Cmdable", "redis.Conn", "redis.Pool", "redis.Pipeliner", "rueidis.Client", "goredislib.Client"],
        .javascript: ["Redis", "RedisClientType", "RedisClusterType", "Cluster", "IORedis.Redis"],
        .php: ["\\Redis", "Redis", "Predis\\Client", "\\Predis\\Client", "ClientInterface"],
        .python: ["Redis", "redis.Redis", "StrictRedis", "redis.asyncio.Redis", "aioredis.Redis", "RedisCluster"],
    ]

    static let notNames: Set<String> = ["new", "return", "private", "public", "protected", "readonly", "final", "static", "func", "var", "let", "const", "val",
                                        "override", "internal", "this", "self", "await", "in", "is", "as", "class", "interface", "struct", "type", "import", "from", "using"]

    /// `IConnectionMultiplexer mux`, `private final StringRedisTemplate template;`, `rdb *redis.Client`, `redis: Redis`.
    mutating func findTypedClients() {
        guard let types = FileAnalysis.clientTypes[src.language] else { return }
        // JS/Python type names are generic words ("Redis", "Cluster"): only when a Redis library is imported.
        if (src.language == .javascript || src.language == .python) && imports.isEmpty { return }
        let code = src.code
        let n = code.count
        for t in types {
            for o in occurrences(t, limit: 200) {
                let e = o + t.utf8.count
                guard e < n, !FileAnalysis.isIdent(code[e]) || code[e] == 36 else { continue }
                // Skip generics `<…>`, nullable `?`, pointers, spaces; then a name follows (C#, Java, PHP).
                var k = e
                if k < n && code[k] == 60 { // <
                    var depth = 0
                    while k < n && k < e + 200 { if code[k] == 60 { depth += 1 } else if code[k] == 62 { depth -= 1; if depth == 0 { k += 1; break } }; k += 1 }
                }
                while k < n && (code[k] == 63 || code[k] == 32 || code[k] == 9) { k += 1 }
                var ne = k
                while ne < n && FileAnalysis.isIdent(code[ne]) { ne += 1 }
                var name = ne > k ? String(decoding: code[k..<ne], as: UTF8.self) : ""
                if name.hasPrefix("$") { name.removeFirst() }
                let after = ne < n ? code[ne] : 0
                if name.isEmpty || FileAnalysis.notNames.contains(name) || after == 46 || after == 40 {
                    // Name before the type: `rdb *redis.Client` (Go), `redis: Redis` (TS/Python hints).
                    name = ""
                    var b = o - 1
                    while b >= 0 && (code[b] == 42 || code[b] == 32 || code[b] == 9 || code[b] == 58 || code[b] == 38 || code[b] == 91 || code[b] == 93) { b -= 1 }
                    var bs = b
                    while bs >= 0 && FileAnalysis.isIdent(code[bs]) { bs -= 1 }
                    if b > bs { name = String(decoding: code[(bs + 1)...b], as: UTF8.self) }
                }
                if !name.isEmpty, !FileAnalysis.notNames.contains(name), name.first.map({ !$0.isNumber }) ?? false {
                    clientNames.insert(name)
                    typedClientNames.append((name, o))
                }
            }
        }
    }

    /// `_db = mux.GetDatabase()`, `var ops = template.opsForValue();`, `r = self.redis` — names assigned from a client.
    mutating func findClientAliases() {
        // Ruby blocks: Sidekiq.redis do |conn| / redis.with { |r| … } / pool.with do |redis|.
        if src.language == .ruby {
            for o in occurrences("|", limit: 400) {
                let l = line(o)
                let t = codeText(src.lineRange(l))
                guard t.lowercased().contains("redis") || t.contains(".with") , let open = t.firstIndex(of: "|") else { continue }
                let rest = t[t.index(after: open)...]
                guard let close = rest.firstIndex(of: "|") else { continue }
                let name = rest[..<close].trimmedSpaces()
                if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { clientNames.insert(name) }
            }
        }
        guard !clientNames.isEmpty || !imports.isEmpty else { return }
        // Byte-level first: only lines whose right-hand side starts with a known client (or self./this.) are turned
        // into strings. A second round runs only when the first found a new name (aliases of aliases).
        let code = src.code
        let n = code.count
        var round = 0
        var grew = true
        while grew && round < 2 {
            grew = false
            round += 1
            var i = 0
            while i < n {
                guard let eqPtr = code.withUnsafeBufferPointer({ b -> Int? in
                    guard let base = b.baseAddress, i < n, let hit = memchr(base + i, 61, n - i) else { return nil }
                    return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }) else { break }
                i = eqPtr + 1
                // Not ==, !=, <=, >=, =>, :=  is fine (Go).
                if eqPtr + 1 < n && (code[eqPtr + 1] == 61 || code[eqPtr + 1] == 62) { i = eqPtr + 2; continue }
                if eqPtr > 0 && (code[eqPtr - 1] == 61 || code[eqPtr - 1] == 33 || code[eqPtr - 1] == 60 || code[eqPtr - 1] == 62) { continue }
                var k = eqPtr + 1
                while k < n && (code[k] == 32 || code[k] == 9) { k += 1 }
                for w in ["await ", "new "] where Lexer.startsWith(code, k, w) { k += w.utf8.count }
                var e = k
                while e < n && (FileAnalysis.isIdent(code[e]) || code[e] == 46 || code[e] == 64 || (code[e] == 45 && e + 1 < n && code[e + 1] == 62) || (code[e] == 62 && e > 0 && code[e - 1] == 45)) { e += 1 }
                guard e > k else { continue }
                let chain = String(decoding: code[k..<e], as: UTF8.self)
                let parts = chain.split(whereSeparator: { $0 == "." || $0 == ">" || $0 == "-" || $0 == "@" || $0 == "$" }).map(String.init)
                guard let root = parts.first else { continue }
                let base = (root == "self" || root == "this" || root == "s") && parts.count > 1 ? parts[1] : root
                guard clientNames.contains(base) else { continue }
                let lowerChain = chain.lowercased()
                let fromClient = parts.count == 1 || lowerChain.contains("getdatabase") || lowerChain.contains("opsfor") || lowerChain.contains("getsubscriber")
                    || lowerChain.contains("getresource") || lowerChain.contains("connection") || lowerChain.contains("sync") || lowerChain.contains("duplicate")
                    || (parts.count == 2 && (root == "self" || root == "this"))
                guard fromClient else { continue }
                let (lhs, op) = assignment(before: eqPtr + 1)
                guard !op.isEmpty, !lhs.isEmpty,
                      let last = lhs.split(whereSeparator: { $0 == "." || $0 == ">" || $0 == "@" || $0 == "$" || $0 == ":" }).last else { continue }
                if clientNames.insert(String(last)).inserted { grew = true }
            }
        }
    }
}

/// A module that makes a Redis client and names it at the top level, so other files can import it.
struct ClientModule: Sendable {
    var path: String
    var language: Language
    /// Top-level names bound to a client (exported for JS/TS; module globals for Python; fields and package
    /// variables for Go).
    var names: [String]
    /// JS/TS: the client is the module's default export (`module.exports = redis`, `export default redis`).
    var isDefault: Bool
}

enum ClientModules {
    /// At most this many client modules per language are followed into importing files; more (generated or
    /// copy-pasted code) are left out, so the second pass stays bounded.
    static let limitPerLanguage = 16

    static func record(_ a: FileAnalysis, acc: inout Accumulator) {
        let src = a.src
        switch src.language {
        case .javascript:
            var names: [String] = []
            var isDefault = false
            for c in a.constructions where !c.assignedTo.isEmpty && a.depth(at: c.offset) == 0 {
                let name = c.assignedTo
                let lineText = a.codeText(src.lineRange(src.position(c.offset).line))
                if lineText.hasPrefix("export ") || !a.occurrences("exports." + name).isEmpty { names.append(name) }
                if !a.occurrences("module.exports = " + name).isEmpty || !a.occurrences("export default " + name).isEmpty { names.append(name); isDefault = true }
                if !a.occurrences("export {").isEmpty || !a.occurrences("module.exports = {").isEmpty { names.append(name) }
            }
            for c in a.constructions where c.binding == "" || c.assignedTo.isEmpty {
                let ls = src.lineRange(src.position(c.offset).line)
                let t = a.codeText(ls)
                if t.hasPrefix("export default") || t.hasPrefix("module.exports =") { isDefault = true; names.append("default") }
            }
            if !names.isEmpty { acc.clientModules.append(ClientModule(path: src.path, language: .javascript, names: Array(Set(names)).sorted(), isDefault: isDefault)) }
        case .python:
            let names = a.constructions.filter { !$0.assignedTo.isEmpty && !$0.assignedTo.contains(".") && a.indent(line: src.position($0.offset).line) == 0 }.map(\.assignedTo)
            if !names.isEmpty { acc.clientModules.append(ClientModule(path: src.path, language: .python, names: Array(Set(names)).sorted(), isDefault: false)) }
        case .go:
            var names = a.typedClientNames.map(\.0)
            names += a.constructions.filter { a.depth(at: $0.offset) == 0 && !$0.assignedTo.isEmpty }.map(\.assignedTo)
            names = names.filter { $0 != "ctx" && $0 != "err" }
            if !names.isEmpty { acc.clientModules.append(ClientModule(path: src.path, language: .go, names: Array(Set(names)).sorted(), isDefault: false)) }
        case .ruby:
            // Constants and globals are visible in every file (Rails autoloads; plain Ruby `require`s):
            // `REDIS = Redis.new(…)` or `$redis = …` in an initializer, `STORE.with { |conn| … }` anywhere.
            let names = a.constructions.map(\.assignedTo).map { $0.hasPrefix("$") ? String($0.dropFirst()) : $0 }
                .filter { ($0.first?.isUppercase ?? false) && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" } }
            if !names.isEmpty { acc.clientModules.append(ClientModule(path: src.path, language: .ruby, names: Array(Set(names)).sorted(), isDefault: false)) }
        default: break
        }
    }

    /// The second pass: files that import a client module (JS/TS, Python), share its Go package or use its Ruby
    /// constants get their calls
    /// through the imported names recorded. Returns the added calls in a fresh accumulator.
    static func follow(root: String, files: [String], modules: [ClientModule], buffer: ReadBuffer) -> Accumulator {
        var acc = Accumulator()
        var byLanguage: [Language: [ClientModule]] = [:]
        for m in modules { byLanguage[m.language, default: []].append(m) }
        byLanguage = byLanguage.filter { $0.value.count <= limitPerLanguage }
        guard !byLanguage.isEmpty else { return acc }
        let modulePaths = Set(modules.map(\.path))
        var budget = 20_000
        for rel in files where budget > 0 && !modulePaths.contains(rel) && !Detector.isTestPath(rel) {
            let name = rel.split(separator: "/").last.map(String.init) ?? rel
            var ext = ""
            if let dot = name.lastIndex(of: ".") { ext = String(name[name.index(after: dot)...]).lowercased() }
            guard let lang = Language.forExtension(ext), let mods = byLanguage[lang] else { continue }
            let dir = Detector.directory(of: rel)
            // Which modules could this file import? Go: same package directory. JS/Python: decided on the text.
            let candidates = lang == .go ? mods.filter { Detector.directory(of: $0.path) == dir } : mods
            guard !candidates.isEmpty else { continue }
            budget -= 1
            guard case .ok(let count) = buffer.read(root + "/" + rel) else { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(buffer.pointer), count: count))
            var names = Set<String>()
            for m in candidates {
                if lang == .go { names.formUnion(m.names); continue }
                if lang == .ruby {
                    // A constant needs no import: the file only has to use it (`STORE.get`, `STORE.with`).
                    names.formUnion(m.names.filter { bytes.foldedOffsets(of: ($0 + ".").lowercased()).first != nil })
                    continue
                }
                let base = moduleBase(m.path, lang)
                guard !base.isEmpty, bytes.foldedOffsets(of: base.lowercased()).first != nil else { continue }
                let src = LexedSource(path: rel, language: lang, bytes: bytes, isTest: false)
                // The import must name the module: a string ending in /base (JS) or a dotted path ending in base (Python).
                if lang == .javascript {
                    for r in src.strings where r.count < 200 {
                        let spec = src.text(r)
                        let s = spec.hasSuffix(".js") || spec.hasSuffix(".ts") ? String(spec.dropLast(3)) : spec
                        guard s.hasPrefix("."), s == "./" + base || s.hasSuffix("/" + base) || (base == "index" && s.hasSuffix("/" + parentName(m.path))) else { continue }
                        names.formUnion(m.names.filter { $0 != "default" })
                        if m.isDefault, let local = defaultImportName(src, stringAt: r) { names.insert(local) }
                    }
                } else {
                    let text = String(decoding: src.code, as: UTF8.self)
                    if text.contains("from ") && (text.contains("." + base + " import") || text.contains("from " + base + " import") || text.contains("import " + base)) || text.contains(base + " import") {
                        names.formUnion(m.names)
                        names.insert(base)
                    }
                }
            }
            guard !names.isEmpty else { continue }
            let src = LexedSource(path: rel, language: lang, bytes: bytes, isTest: false)
            let a = FileAnalysis(src, importedClients: names)
            let cmds = CodeEvidence.recordCalls(a, acc: &acc)
            // Roles from the followed calls (a leaderboard read through an imported client is still a leaderboard).
            CodeEvidence.inferRoles(a, cmds, ev: { offset, what in
                let (l, c) = src.position(offset)
                return Evidence(path: rel, line: l, column: c, what: what, snippet: src.snippet(offset: offset))
            }, acc: &acc)
        }
        return acc
    }

    static func moduleBase(_ path: String, _ lang: Language) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    static func parentName(_ path: String) -> String {
        let parts = path.split(separator: "/")
        return parts.count >= 2 ? String(parts[parts.count - 2]) : ""
    }

    /// `import cache from './cache'` → cache; `const cache = require('./cache')` → cache.
    static func defaultImportName(_ src: LexedSource, stringAt r: Range<Int>) -> String? {
        let line = src.lineRange(src.position(r.lowerBound).line)
        let text = String(decoding: src.code[line.lowerBound..<r.lowerBound], as: UTF8.self).trimmedSpaces()
        var t = text
        if t.hasPrefix("import ") {
            t = String(t.dropFirst(7))
            let word = String(t.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" })
            return word.isEmpty || word == "type" ? nil : word
        }
        for kw in ["const ", "let ", "var "] where t.hasPrefix(kw) {
            let word = String(t.dropFirst(kw.count).prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" })
            return word.isEmpty ? nil : word
        }
        return nil
    }
}
