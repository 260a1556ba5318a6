import InferaDiagnostics

/// Turns an analysed code file into evidence: imports, clients, URLs, env vars, commands and role hints.
enum CodeEvidence {
    static func collect(_ a: FileAnalysis, acc: inout Accumulator) {
        let src = a.src
        let scope = Detector.evidenceScope(src.path)
        func ev(_ offset: Int, _ what: String) -> Evidence {
            let (l, c) = src.position(offset)
            return Evidence(path: src.path, line: l, column: c, what: what, snippet: src.snippet(offset: offset), scope: scope)
        }
        var items: [Evidence] = []
        for imp in a.imports { items.append(ev(imp.offset, "import \(imp.library)")) }
        for c in a.constructions {
            let name = c.pattern.hasSuffix("(") ? String(c.pattern.dropLast()) : c.pattern
            items.append(ev(c.offset, "client construction (\(name))"))
        }
        for u in a.urls {
            let url = Redactor.redactURL(a.text(u.range))
            items.append(ev(u.offset, "connection URL"))
            if !src.isTest {
                let (l, _) = src.position(u.offset)
                acc.settings.append(ConnectionSetting(kind: "url", value: url, path: src.path, line: l))
            }
        }
        if src.isTest { acc.testEvidence += items } else { acc.evidence += items }
        guard !src.isTest else { return }
        for e in a.envVars {
            let (l, _) = src.position(e.offset)
            acc.envVars.append(EnvVarUse(name: e.name, path: src.path, line: l, source: "code"))
        }
        // Commands: every call.
        let fileCommands = recordCalls(a, acc: &acc)
        inferRoles(a, fileCommands, ev: ev, acc: &acc)
        ClientModules.record(a, acc: &acc)
    }

    /// Adds every call site of the file to the command uses; returns them grouped by command.
    @discardableResult
    static func recordCalls(_ a: FileAnalysis, acc: inout Accumulator) -> [String: [CallSite]] {
        let src = a.src
        let scope = Detector.evidenceScope(src.path)
        var fileCommands: [String: [CallSite]] = [:]
        for call in a.calls {
            fileCommands[call.command, default: []].append(call)
            let (l, c) = src.position(call.offset)
            acc.commands[call.command, default: []].append(CallUse(path: src.path, line: l, column: c, receiver: String(call.receiver.prefix(80)), scope: scope))
        }
        return fileCommands
    }

    static func inferRoles(_ a: FileAnalysis, _ cmds: [String: [CallSite]], ev: (Int, String) -> Evidence, acc: inout Accumulator) {
        func first(_ names: [String]) -> CallSite? {
            names.compactMap { cmds[$0]?.first }.min { $0.offset < $1.offset }
        }
        func add(_ role: Role, _ offset: Int, _ why: String) { acc.roleEvidence[role, default: []].append(ev(offset, why)) }
        func argText(_ c: CallSite) -> String { c.args.map { a.text($0) } ?? "" }
        let strings = a.src.strings.lazy.map { a.text($0).lowercased() }
        func stringPrefix(_ p: [String]) -> Int? {
            for r in a.src.strings where r.count < 200 {
                let t = a.text(r).lowercased()
                if p.contains(where: { t.hasPrefix($0) }) { return r.lowerBound }
            }
            return nil
        }
        _ = strings
        // Lock: SET ... NX, SETNX, lock: keys.
        var isLock = false
        if let c = cmds["SETNX"]?.first { add(.lock, c.offset, "SETNX"); isLock = true }
        else if let c = (cmds["SET"] ?? []).first(where: { let t = argText($0); return t.contains("'NX'") || t.contains("\"NX\"") || t.contains("nx=True") || t.contains("nx: true") || t.contains("NX:") || t.contains("SetNX") || t.contains("{ NX") || t.contains("NX: true") }) {
            add(.lock, c.offset, "SET … NX"); isLock = true
        } else if let o = stringPrefix(["lock:", "locks:", "mutex:"]) { add(.lock, o, "lock key"); isLock = true }
        _ = isLock
        // Rate limiter.
        var isRate = false
        if let z = cmds["ZREMRANGEBYSCORE"]?.first, cmds["ZCARD"] != nil || cmds["ZCOUNT"] != nil {
            add(.rate_limiter, z.offset, "sliding window (ZREMRANGEBYSCORE + ZCARD)"); isRate = true
        } else if let o = stringPrefix(["ratelimit", "rate_limit", "rate-limit", "rl:", "throttle"]), cmds["INCR"] != nil || cmds["INCRBY"] != nil || cmds["ZADD"] != nil {
            add(.rate_limiter, o, "rate-limit key"); isRate = true
        } else if let i = cmds["INCR"]?.first, cmds["EXPIRE"] != nil || cmds["PEXPIRE"] != nil, argText(i).lowercased().contains("ip") || argText(i).lowercased().contains("limit") || argText(i).lowercased().contains("rate") {
            add(.rate_limiter, i.offset, "INCR + EXPIRE window"); isRate = true
        }
        // Counter.
        if !isRate, let c = first(["INCR", "INCRBY", "HINCRBY", "DECR", "DECRBY", "INCRBYFLOAT", "PFADD"]) { add(.counter, c.offset, c.command) }
        // Cache.
        if let c = first(["SETEX", "PSETEX"]) { add(.cache, c.offset, c.command) }
        else if let c = (cmds["SET"] ?? []).first(where: { let t = argText($0); return (t.contains("EX") || t.contains("ex=") || t.contains("ex:") || t.contains("PX") || t.contains("Duration") || t.contains("time.") || t.contains("TimeSpan") || t.contains("ttl")) && !(t.contains("NX") || t.contains("nx=")) }) {
            add(.cache, c.offset, "SET with expiry")
        } else if let o = stringPrefix(["cache:", "cache_", "cached:"]) { add(.cache, o, "cache key") }
        else if cmds["GET"] != nil, cmds["EXPIRE"] != nil, let c = cmds["GET"]?.first { add(.cache, c.offset, "GET + EXPIRE") }
        // Session store.
        if let o = stringPrefix(["session:", "sess:", "sessions:"]) { add(.session_store, o, "session key") }
        // Pub/sub.
        if let c = first(["PUBLISH", "SUBSCRIBE", "PSUBSCRIBE"]) { add(.pubsub, c.offset, c.command) }
        // Queue.
        if let c = first(["BRPOP", "BLPOP", "BRPOPLPUSH", "BLMOVE", "XADD", "XREADGROUP", "RPOPLPUSH", "LMOVE"]) { add(.queue, c.offset, c.command) }
        else if let p = first(["LPUSH", "RPUSH"]), first(["RPOP", "LPOP"]) != nil { add(.queue, p.offset, "\(p.command) + POP") }
        // Leaderboard.
        if !isRate, let c = first(["ZINCRBY", "ZREVRANGE", "ZREVRANK", "ZREVRANGEBYSCORE"]) { add(.leaderboard, c.offset, c.command) }
        else if !isRate, let o = stringPrefix(["leaderboard", "scores:", "ranking"]) { add(.leaderboard, o, "leaderboard key") }
        // Library-specific code.
        let lib = a.imports.map(\.library)
        if lib.contains("connect-redis") { add(.session_store, a.imports.first { $0.library == "connect-redis" }!.offset, "connect-redis") }
        if lib.contains("bullmq") || lib.contains("bull") { add(.queue, a.imports.first { $0.library == "bullmq" || $0.library == "bull" }!.offset, "BullMQ") }
        if lib.contains("sidekiq") || lib.contains("resque") { add(.queue, a.imports.first { $0.library == "sidekiq" || $0.library == "resque" }!.offset, "job queue") }
        if lib.contains("rate-limit-redis") { add(.rate_limiter, a.imports.first { $0.library == "rate-limit-redis" }!.offset, "rate-limit-redis") }
        if lib.contains("@socket.io/redis-adapter") { add(.pubsub, a.imports.first { $0.library == "@socket.io/redis-adapter" }!.offset, "socket.io adapter") }
        if lib.contains("redlock") { add(.lock, a.imports.first { $0.library == "redlock" }!.offset, "redlock") }
        if a.src.language == .ruby, let o = a.occurrences("Sidekiq::").first ?? a.occurrences("include Sidekiq").first { add(.queue, o, "Sidekiq worker") }
        if a.src.language == .python, let o = a.occurrences("Queue(").first, lib.contains("rq") { add(.queue, o, "RQ queue") }
    }
}

/// Evidence from configuration: compose services, Kubernetes/Helm manifests, Terraform, .env files, Spring properties.
enum ConfigScanner {
    static let images = ["redis", "valkey/valkey", "bitnami/redis", "redis/redis-stack", "redis/redis-stack-server", "eqalpha/keydb", "docker.dragonflydb.io", "bitnami/valkey", "valkey"]
    static let terraformTypes = ["google_redis_instance", "google_redis_cluster", "aws_elasticache_replication_group", "aws_elasticache_cluster", "aws_elasticache_serverless_cache", "aws_memorydb_cluster", "upstash_redis_database", "azurerm_redis_cache", "azurerm_managed_redis", "digitalocean_database_cluster", "redis_cloud_subscription", "rediscloud_subscription"]

    static func scan(_ src: LexedSource, lowerName: String, ext: String, acc: inout Accumulator) {
        let isCompose = lowerName.hasPrefix("docker-compose") || lowerName.hasPrefix("compose.") || lowerName.hasPrefix("compose-") || lowerName.hasPrefix("docker-compose.")
        let isEnv = lowerName.hasPrefix(".env") || lowerName.hasSuffix(".env")
        let isWorkflow = src.path.hasPrefix(".github/workflows/") || src.path.hasPrefix(".gitlab-ci") || lowerName == ".gitlab-ci.yml" || src.path.hasPrefix(".circleci/")
        let isYAML = ext == "yaml" || ext == "yml"
        let isTF = ext == "tf" || ext == "hcl"
                let code = src.code
        for l in 1...src.lineStarts.count {
            let r = src.lineRange(l)
            let raw = String(decoding: code[r], as: UTF8.self)
            let t = raw.trimmedSpaces()
            if t.isEmpty { continue }
            let lower = t.lowercased()
            guard lower.contains("redis") || lower.contains("valkey") || lower.contains("upstash") || lower.contains("sidekiq") else { continue }
            // Images (compose, Kubernetes, workflows).
            if lower.hasPrefix("image:") || lower.hasPrefix("- image:") || lower.hasPrefix("from ") {
                var img = lower.hasPrefix("from ") ? String(t.dropFirst(5)) : String(t[t.index(after: t.firstIndex(of: ":")!)...])
                img = img.trimmedSpaces().replacingAll("\"", "").replacingAll("'", "")
                let repo = img.split(separator: ":").first.map(String.init) ?? img
                let bare = repo.split(separator: "/").suffix(2).joined(separator: "/")
                if images.contains(where: { repo == $0 || bare == $0 || repo.hasSuffix("/" + $0) || repo.hasSuffix("/redis") }) {
                    let kind = src.isTest ? "test-service" : isWorkflow ? "ci-service" : isCompose ? "compose" : lowerName.hasPrefix("dockerfile") ? "dockerfile" : isYAML ? "kubernetes" : "image"
                    acc.infrastructure.append(InfrastructureUse(kind: kind, detail: "image \(img)", path: src.path, line: l))
                    continue
                }
            }
            if lowerName == "chart.yaml" && lower.hasPrefix("- name:") && (lower.contains("redis") || lower.contains("valkey")) {
                acc.infrastructure.append(InfrastructureUse(kind: "helm", detail: "chart dependency \(t.dropFirst(7).trimmedSpaces())", path: src.path, line: l))
                continue
            }
            if isTF && lower.hasPrefix("resource ") {
                let q = Manifests.quoted(t)
                if let type = q.first, terraformTypes.contains(type) {
                    acc.infrastructure.append(InfrastructureUse(kind: "terraform", detail: "resource \(type).\(q.count > 1 ? q[1] : "")", path: src.path, line: l))
                }
                continue
            }
            if src.isTest { continue }
            // Environment variables: KEY=value, KEY: value, - KEY=value, - name: KEY
            var key: String?
            var value: String?
            var body = t
            if body.hasPrefix("- ") { body = String(body.dropFirst(2)).trimmedSpaces() }
            if body.hasPrefix("export ") { body = String(body.dropFirst(7)) }
            if body.hasPrefix("name:") {
                key = body.dropFirst(5).trimmedSpaces().replacingAll("\"", "").replacingAll("'", "")
            } else if let sep = body.firstIndex(where: { $0 == "=" || $0 == ":" }) {
                key = body[..<sep].trimmedSpaces().replacingAll("\"", "").replacingAll("'", "")
                value = body[body.index(after: sep)...].trimmedSpaces().replacingAll("\"", "").replacingAll("'", "")
            }
            if let k = key, !k.isEmpty, k.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }), k.contains("REDIS") || k.contains("UPSTASH") || k.contains("VALKEY") {
                let source = isEnv ? "env-file" : isCompose ? "compose" : isYAML ? "kubernetes" : "config"
                acc.envVars.append(EnvVarUse(name: k, path: src.path, line: l, source: source))
                _ = value
            }
        }
        if !src.isTest { FrameworkConfig.scanKeyValues(src, ext: ext, lowerName: lowerName, acc: &acc) }
        let a = FileAnalysis(src)
        for u in a.urls where !src.isTest {
            acc.settings.append(ConnectionSetting(kind: "url", value: Redactor.redactURL(a.text(u.range)), path: src.path, line: src.position(u.offset).line))
        }
    }
}
