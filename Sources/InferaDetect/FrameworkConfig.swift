import InferaDiagnostics

/// Redis settings where frameworks keep them: nested YAML/TOML/INI/.properties keys (Spring, Helm values, app
/// configs), Django/Flask settings modules, Rails environments and initializers, Laravel `config/*.php`, ASP.NET
/// `appsettings*.json`. Each setting keeps its key and `path:line`; backend choices become `backend` settings.
enum FrameworkConfig {
    /// Key (lower-case, `_`/`-` folded) → setting kind, for keys under a Redis section or with a Redis name.
    static func connectionKind(_ leaf: String) -> String? {
        let k = leaf.lowercased().replacingAll("-", "_")
        let parts = k.split(separator: "_").map(String.init)
        let last = parts.last ?? k
        if ["url", "uri", "dsn", "location", "connection_string", "connectionstring", "configuration"].contains(last) || k.hasSuffix("url") || k.hasSuffix("dsn") { return "url" }
        if ["host", "hostname", "server", "address", "addr", "endpoint", "nodes", "servers"].contains(last) { return "host" }
        if last == "port" { return "port" }
        if ["password", "pass", "auth", "requirepass", "secret", "token"].contains(last) { return "password" }
        if ["username", "user"].contains(last) { return "username" }
        if ["database", "db", "index"].contains(last) { return "db" }
        if ["ssl", "tls", "usessl", "enabled"].contains(last) && (k.contains("ssl") || k.contains("tls")) { return "tls" }
        if last == "ssl" || last == "tls" || k == "ssl_enabled" || k == "tls_enabled" { return "tls" }
        return nil
    }

    /// Backend-choosing keys (`CACHE_STORE`, `spring.cache.type`, `SESSION_ENGINE`, …) → role.
    static func backendRole(_ key: String) -> String? {
        let k = key.lowercased().replacingAll("-", "_")
        let table: [(String, String)] = [
            ("spring.cache.type", "cache"), ("spring.session.store_type", "session_store"), ("cache_store", "cache"), ("cache_driver", "cache"),
            ("cache_type", "cache"), ("cache.default", "cache"), ("session_driver", "session_store"), ("session_type", "session_store"),
            ("session_engine", "session_store"), ("session.driver", "session_store"), ("queue_connection", "queue"), ("queue_driver", "queue"),
            ("queue.default", "queue"), ("queue_adapter", "queue"), ("broadcast_driver", "pubsub"), ("broadcast_connection", "pubsub"),
            ("broadcasting.default", "pubsub"), ("adapter", "pubsub"), ("caches.backend", "cache"), ("caches.default.backend", "cache"),
            ("session_store", "session_store"), ("celery_broker_url", "queue"), ("broker_url", "queue"), ("celery_result_backend", "queue"),
            ("result_backend", "queue"), ("ratelimit_storage_uri", "rate_limiter"), ("channel_layers.backend", "pubsub"),
        ]
        for (suffix, role) in table where k == suffix || k.hasSuffix("." + suffix) || k.hasSuffix(suffix) && suffix.contains("_") { return role }
        return nil
    }

    static func isRedisValue(_ v: String) -> Bool {
        let l = v.lowercased()
        return l.contains("redis") || l.contains("sidekiq") || l.contains("resque") || l.contains("valkey")
    }

    /// Adds one key/value found in configuration.
    static func add(key: String, value rawValue: String, path: String, line: Int, redisSection: Bool = false, acc: inout Accumulator) {
        var value = rawValue.trimmedSpaces()
        while value.hasPrefix(":") || value.hasPrefix("=>") || value.hasPrefix("=") { value = String(value.drop { $0 == ":" || $0 == "=" || $0 == ">" }).trimmedSpaces() }
        if value.hasSuffix(",") { value.removeLast() }
        value = value.replacingAll("\"", "").replacingAll("'", "").trimmedSpaces()
        guard !value.isEmpty, value != "|", value != ">", value != "{", value != "[" else { return }
        let lowerKey = key.lowercased()
        if let role = backendRole(lowerKey), !((lowerKey == "adapter" || lowerKey.hasSuffix(".adapter")) && !path.lowercased().hasSuffix("cable.yml")) {
            let isURL = value.contains("://")
            if isURL && isRedisValue(String(value.prefix(8))) {
                acc.settings.append(ConnectionSetting(kind: "url", value: Redactor.redactURL(value), path: path, line: line, key: key, role: role, redis: true))
            } else {
                let redis = isRedisValue(value) || (value.lowercased().contains("redis_url") || value.lowercased().contains("env") && lowerKey.contains("broker") && value.uppercased().contains("REDIS"))
                acc.settings.append(ConnectionSetting(kind: "backend", value: isURL ? Redactor.redactURL(value) : value, path: path, line: line, key: key, role: role, redis: redis))
            }
            return
        }
        let inRedis = redisSection || lowerKey.contains("redis") || lowerKey.contains("valkey")
        guard inRedis, let leaf = lowerKey.split(whereSeparator: { $0 == "." || $0 == ":" }).last.map(String.init) else { return }
        var leafKind = connectionKind(leaf.hasPrefix("redis_") ? String(leaf.dropFirst(6)) : leaf) ?? connectionKind(leaf)
        if leaf == "enabled" && (lowerKey.contains(".ssl.") || lowerKey.contains(".tls.")) { leafKind = "tls" }
        if leafKind == "password" && ["null", "none", "nil", "~", "\"\""].contains(value.lowercased()) { return }
        guard let kind = leafKind else {
            if leaf == "enabled" && value.lowercased() == "true" && lowerKey.hasPrefix("redis") && (path.lowercased().hasSuffix("values.yaml") || path.lowercased().hasSuffix("values.yml")) {
                acc.infrastructure.append(InfrastructureUse(kind: "helm", detail: "values \(key): true", path: path, line: line))
            }
            return
        }
        var v = value
        if kind == "password" { v = v.hasPrefix("${") || v.hasPrefix("%(") || v.hasPrefix("env(") ? v : "****" }
        if kind == "url" {
            if v.contains("://") { v = Redactor.redactURL(v) }
            else if v.contains(",") || v.contains("password=") {
                // StackExchange.Redis configuration string: host:port,password=…,ssl=true
                for part in v.split(separator: ",").map({ $0.trimmedSpaces() }) {
                    let lp = part.lowercased()
                    if lp.hasPrefix("password=") { acc.settings.append(ConnectionSetting(kind: "password", value: "****", path: path, line: line, key: key)) }
                    else if lp.hasPrefix("ssl=") { acc.settings.append(ConnectionSetting(kind: "tls", value: String(part.dropFirst(4)), path: path, line: line, key: key)) }
                    else if !part.contains("=") {
                        acc.settings.append(ConnectionSetting(kind: "host", value: part, path: path, line: line, key: key))
                    }
                }
                return
            } else if !v.contains("$") && !v.contains("{") {
                acc.settings.append(ConnectionSetting(kind: "host", value: v, path: path, line: line, key: key))
                return
            }
        }
        acc.settings.append(ConnectionSetting(kind: kind, value: v, path: path, line: line, key: key))
    }

    // MARK: nested text configs

    /// YAML (by indentation), TOML/INI (by section) and .properties keys, joined with dots.
    static func scanKeyValues(_ src: LexedSource, ext: String, lowerName: String, acc: inout Accumulator) {
        let isYAML = ext == "yaml" || ext == "yml"
        let isSection = ext == "toml" || ext == "ini" || ext == "cfg" || ext == "conf" && !lowerName.contains("redis")
        guard isYAML || isSection || ext == "properties" || lowerName.hasPrefix(".env") || lowerName.hasSuffix(".env") else { return }
        var stack: [(indent: Int, key: String)] = []
        var section = ""
        var pendingName: String?
        let bytes = src.bytes
        for l in 1...src.lineStarts.count {
            let r = src.lineRange(l)
            let raw = String(decoding: bytes[r], as: UTF8.self)
            // A ` #` starts a comment (YAML, TOML, INI, .properties and .env agree on that much).
            var line = raw
            if let h = raw.range(of: " #") { line = String(raw[..<h.lowerBound]) }
            let t = line.trimmedSpaces()
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix(";") || t.hasPrefix("//") || t == "---" { continue }
            if isSection && t.hasPrefix("[") {
                section = t.replacingAll("[", "").replacingAll("]", "").replacingAll("\"", "").trimmedSpaces()
                continue
            }
            var body = t
            let indent = raw.prefix { $0 == " " }.count
            if isYAML && body.hasPrefix("- ") { body = String(body.dropFirst(2)) }
            if body.hasPrefix("export ") { body = String(body.dropFirst(7)) }
            let listEnv = isYAML && t.hasPrefix("- ") && (body.firstIndex(of: "=").map { eq in body.firstIndex(of: ":").map { eq < $0 } ?? true } ?? false)
            let sepChars: Set<Character> = isYAML && !listEnv ? [":"] : ["=", ":"]
            guard let sep = body.firstIndex(where: { sepChars.contains($0) }) else { continue }
            let key = body[..<sep].trimmedSpaces().replacingAll("\"", "").replacingAll("'", "")
            guard !key.isEmpty, !key.contains(" ") else { continue }
            let value = body[body.index(after: sep)...].trimmedSpaces()
            var full = key
            // Kubernetes env: `- name: REDIS_HOST` then `value: …` → the value belongs to the name.
            if isYAML && key == "name" { pendingName = value.replacingAll("\"", "").replacingAll("'", ""); continue }
            if isYAML && key == "value", let n = pendingName { pendingName = nil; add(key: n, value: value, path: src.path, line: l, acc: &acc); continue }
            if listEnv { add(key: key, value: value, path: src.path, line: l, acc: &acc); continue }
            if isYAML {
                while let last = stack.last, last.indent >= indent { stack.removeLast() }
                full = (stack.map(\.key) + [key]).joined(separator: ".")
                if value.isEmpty { stack.append((indent, key)); continue }
            } else if isSection && !section.isEmpty {
                full = section + "." + key
            }
            // Compose/Kubernetes env lists: `- REDIS_URL=…` and `name: X` / `value: Y` pairs are handled as env vars.
            add(key: full, value: value, path: src.path, line: l, acc: &acc)
        }
    }

    // MARK: code-shaped settings (Python, Ruby, PHP)

    /// Django/Flask settings, Celery config, Rails config, Laravel config files, Sidekiq initializers.
    static func scanCodeSettings(_ a: FileAnalysis, acc: inout Accumulator) {
        let src = a.src
        guard !src.isTest else { return }
        let lowerPath = src.path.lowercased()
        switch src.language {
        case .python: python(a, acc: &acc)
        case .ruby where lowerPath.hasPrefix("config/") || lowerPath.contains("/config/"): ruby(a, acc: &acc)
        case .php where lowerPath.hasPrefix("config/") || lowerPath.contains("/config/"): php(a, acc: &acc)
        default: break
        }
    }

    /// The string literal value on a line after `=`/`:`/`=>`, or the expression text.
    static func valueText(_ a: FileAnalysis, line l: Int, after offset: Int) -> String {
        let r = a.src.lineRange(l)
        if let s = a.src.firstString(after: offset), s.lowerBound < r.upperBound {
            // env('X', 'redis') / ENV.fetch(..) / os.environ.get('X', 'redis://…'): the last literal is the default.
            var last = s
            var next = a.src.firstString(after: s.upperBound)
            while let n = next, n.lowerBound < r.upperBound { last = n; next = a.src.firstString(after: n.upperBound) }
            let first = a.text(s)
            let lastT = a.text(last)
            if first.uppercased() == first && first.contains("_") && last != s { return lastT.isEmpty ? first : lastT }
            return first
        }
        return a.codeText(offset..<r.upperBound).trimmedSpaces()
    }

    static func python(_ a: FileAnalysis, acc: inout Accumulator) {
        let src = a.src
        var top = ""
        for l in 1...src.lineStarts.count {
            let r = src.lineRange(l)
            let code = a.codeText(r)
            let t = code.trimmedSpaces()
            if t.isEmpty { continue }
            let indent = code.prefix { $0 == " " }.count
            if indent == 0, let eq = t.range(of: " = ") ?? t.range(of: "=") {
                let name = t[..<eq.lowerBound].trimmedSpaces()
                if name.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) && !name.isEmpty {
                    top = name
                    let v = valueText(a, line: l, after: r.lowerBound + t.utf8.distance(from: t.startIndex, to: eq.upperBound))
                    if !v.hasPrefix("{") && !v.isEmpty { add(key: name, value: v, path: src.path, line: l, acc: &acc) }
                    continue
                }
                // app.config["CACHE_TYPE"] = "redis" / celery.conf.broker_url = …
                if let s = src.firstString(after: r.lowerBound), s.upperBound <= eq.lowerBound.utf16Offset(in: t) + r.lowerBound, t.contains("config[") {
                    let v = valueText(a, line: l, after: r.lowerBound + t.utf8.distance(from: t.startIndex, to: eq.upperBound))
                    add(key: a.text(s), value: v, path: src.path, line: l, acc: &acc)
                } else if t.hasPrefix("app.conf.") || t.contains(".conf.") {
                    let key = String(t[..<eq.lowerBound]).split(separator: ".").last.map(String.init) ?? ""
                    let v = valueText(a, line: l, after: r.lowerBound + t.utf8.distance(from: t.startIndex, to: eq.upperBound))
                    add(key: key, value: v, path: src.path, line: l, acc: &acc)
                }
                continue
            }
            guard ["CACHES", "RQ_QUEUES", "CHANNEL_LAYERS", "RQ", "CELERY"].contains(where: { top.hasPrefix($0) }) || top.contains("REDIS") else { continue }
            // Inside a settings dict: 'BACKEND': …, 'HOST': …, 'LOCATION': …
            guard let s = src.firstString(after: r.lowerBound), s.lowerBound < r.upperBound else { continue }
            let key = a.text(s)
            let afterKey = a.codeText(s.upperBound..<r.upperBound).trimmedSpaces()
            guard afterKey.hasPrefix(":") || afterKey.hasPrefix("\":") || afterKey.hasPrefix("':") else { continue }
            guard key.uppercased() == key, !key.isEmpty else { continue }
            let v = valueText(a, line: l, after: s.upperBound + 1)
            let full = top == "CACHES" && key == "BACKEND" ? "CACHES.BACKEND" : top == "CHANNEL_LAYERS" && key == "BACKEND" ? "CHANNEL_LAYERS.BACKEND" : top + ".redis." + key
            if key == "BACKEND" || (key != "OPTIONS" && key != "default") {
                if key == "LOCATION" && top == "CACHES" && !v.contains("://") && !isRedisValue(v) { continue }
                add(key: key == "BACKEND" ? full : (top == "RQ_QUEUES" || top.contains("REDIS") || top == "CACHES" || top == "CHANNEL_LAYERS" ? full : top + "." + key), value: v, path: src.path, line: l, acc: &acc)
            }
        }
        // Celery('app', broker='redis://…')
        for o in a.occurrences("Celery(", limit: 4) {
            let l = src.position(o).line
            let line = a.codeText(src.lineRange(l))
            if let b = line.range(of: "broker=") {
                let v = valueText(a, line: l, after: src.lineRange(l).lowerBound + line.utf8.distance(from: line.startIndex, to: b.upperBound))
                add(key: "broker_url", value: v, path: src.path, line: l, acc: &acc)
            }
        }
        // SESSION_ENGINE = cache/cached_db sessions live where CACHES points.
        let cacheRedis = acc.settings.contains { $0.path == src.path && $0.key == "CACHES.BACKEND" && $0.redis == true }
        for i in acc.settings.indices where acc.settings[i].path == src.path && acc.settings[i].key == "SESSION_ENGINE" && acc.settings[i].value.contains(".cache") && cacheRedis {
            acc.settings[i].redis = true
        }
    }

    static func ruby(_ a: FileAnalysis, acc: inout Accumulator) {
        let src = a.src
        for l in 1...src.lineStarts.count {
            let r = src.lineRange(l)
            let raw = String(decoding: src.bytes[r], as: UTF8.self)
            let code = a.codeText(r).trimmedSpaces()
            // config.cache_store = :redis_cache_store, { url: … } / config.active_job.queue_adapter = :sidekiq
            for (needle, key) in [("cache_store", "cache_store"), ("queue_adapter", "queue_adapter"), ("session_store", "session_store")] where code.contains("." + needle) {
                guard let sym = raw.range(of: ":", range: raw.range(of: needle)!.upperBound..<raw.endIndex) else { continue }
                let word = raw[sym.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if !word.isEmpty { add(key: key, value: String(word), path: src.path, line: l, acc: &acc) }
            }
            // Sidekiq / redis initializers: config.redis = { url: …, password: … }
            if code.contains(".redis =") || code.contains("redis: {") {
                for (field, kind) in [("url:", "url"), ("password:", "password"), ("db:", "db"), ("ssl:", "tls"), ("host:", "host")] where raw.contains(field) {
                    if kind == "url", a.urls.contains(where: { src.position($0.offset).line == l }) { continue }
                    let v = kind == "password" ? "****" : String(raw[raw.range(of: field)!.upperBound...].prefix { $0 != "," && $0 != "}" }).trimmedSpaces()
                    acc.settings.append(ConnectionSetting(kind: kind, value: v, path: src.path, line: l, key: "Sidekiq.redis." + field.dropLast()))
                }
            }
        }
    }

    static func php(_ a: FileAnalysis, acc: inout Accumulator) {
        let src = a.src
        let file = (src.path.split(separator: "/").last.map(String.init) ?? "").lowercased()
        let role: String? = file == "cache.php" ? "cache" : file == "session.php" ? "session_store" : file == "queue.php" ? "queue" : file == "broadcasting.php" ? "pubsub" : nil
        var inRedis = false
        var redisIndent = 0
        for l in 1...src.lineStarts.count {
            let r = src.lineRange(l)
            let code = a.codeText(r)
            let t = code.trimmedSpaces()
            guard let s = src.firstString(after: r.lowerBound), s.lowerBound < r.upperBound else {
                if inRedis && t.hasPrefix("]") && code.prefix(while: { $0 == " " }).count <= redisIndent { inRedis = false }
                continue
            }
            let key = a.text(s)
            var rest = a.codeText(s.upperBound..<r.upperBound).trimmedSpaces()
            while rest.hasPrefix("'") || rest.hasPrefix("\"") { rest = String(rest.dropFirst()).trimmedSpaces() }
            guard rest.hasPrefix("=>") else { continue }
            // A store/connection defined with the Redis driver: 'redis' => ['driver' => 'redis', …].
            let rawLine = String(decoding: src.bytes[r], as: UTF8.self)
            if let role, rawLine.contains("'driver' => 'redis'") || rawLine.contains("\"driver\" => \"redis\"") {
                acc.settings.append(ConnectionSetting(kind: "backend", value: "redis", path: src.path, line: l, key: file.replacingAll(".php", "") + "." + key + ".driver", role: role, redis: true))
                continue
            }
            let value = rest.dropFirst(2).trimmedSpaces()
            if file == "database.php" && key == "redis" && value.hasPrefix("[") { inRedis = true; redisIndent = code.prefix(while: { $0 == " " }).count; continue }
            let v = valueText(a, line: l, after: s.upperBound + 1)
            if let role, key == "default" || key == "driver" {
                let name = file.replacingAll(".php", "") + "." + key
                let redis = isRedisValue(v)
                acc.settings.append(ConnectionSetting(kind: "backend", value: v, path: src.path, line: l, key: name, role: role, redis: redis))
                continue
            }
            if inRedis, let kind = connectionKind(key) {
                acc.settings.append(ConnectionSetting(kind: kind, value: kind == "password" ? "****" : v, path: src.path, line: l, key: "database.redis." + key))
            }
        }
    }

    // MARK: appsettings.json

    static func appsettings(path: String, bytes: [UInt8], acc: inout Accumulator) {
        guard let root = try? JSONLite.parse(bytes) else { return }
        func walk(_ v: JSONLite, _ keyPath: [String]) {
            for m in v.members {
                let kp = keyPath + [m.key]
                if case .string(let s, let line) = m.value {
                    let joined = kp.joined(separator: ".")
                    let inConn = kp.first == "ConnectionStrings"
                    if joined.lowercased().contains("redis") || (inConn && (s.contains("6379") || s.lowercased().contains("ssl=") || s.contains(",password="))) {
                        add(key: inConn ? joined + ".ConnectionString" : joined, value: s, path: path, line: line, redisSection: inConn, acc: &acc)
                    }
                } else {
                    walk(m.value, kp)
                }
            }
        }
        walk(root, [])
    }

    // MARK: the no-password rule on configuration

    static func isRemoteHost(_ value: String) -> Bool {
        let h = value.lowercased()
        return h.contains(".") && !h.hasPrefix("127.") && !h.contains("localhost") && !h.contains("$") && !h.contains("{") && !h.contains("(") && !h.hasPrefix("env")
    }

    /// A remote host configured with no password anywhere in the same file: `redis.no-password` at the host line; and
    /// with no TLS setting turned on in that file: `redis.plaintext-remote-url`.
    static func noPasswordFindings(_ settings: [ConnectionSetting], envVars: [EnvVarUse]) -> [Finding] {
        guard let rule = MistakeRules.all.first(where: { $0.id == "redis.no-password" }),
              let plain = MistakeRules.all.first(where: { $0.id == "redis.plaintext-remote-url" }) else { return [] }
        var out: [Finding] = []
        let byPath = Dictionary(grouping: settings, by: \.path)
        for (path, ss) in byPath {
            let tlsOn = ss.contains { $0.kind == "tls" && ["true", "yes", "1", "on"].contains($0.value.lowercased()) }
            if !tlsOn {
                for s in ss where s.kind == "host" && isRemoteHost(s.value) {
                    out.append(Finding(rule: plain.id, severity: plain.severity, path: path, line: s.line, column: 1, message: plain.message, fix: plain.fix, snippet: "\(s.key ?? "host"): \(s.value)"))
                }
            }
            if ss.contains(where: { $0.kind == "password" }) || ss.contains(where: { $0.kind == "url" && $0.value.contains("****") }) { continue }
            if envVars.contains(where: { $0.path == path && $0.source == "code" && $0.name.contains("PASSWORD") }) { continue }
            for s in ss where s.kind == "host" && isRemoteHost(s.value) {
                out.append(Finding(rule: rule.id, severity: rule.severity, path: path, line: s.line, column: 1, message: rule.message, fix: rule.fix, snippet: "\(s.key ?? "host"): \(s.value)"))
            }
        }
        return out
    }
}
