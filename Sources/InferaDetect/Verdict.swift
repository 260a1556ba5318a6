import InferaDiagnostics

extension Detector {
    /// Resolves libraries against the catalogue, infers roles and the verdict, and sorts everything.
    static func assemble(_ accIn: Accumulator) -> DetectionReport {
        var acc = accIn
        // Libraries.
        let libs = resolveLibraries(&acc)

        // Is the repository itself a Redis library?
        let ownNames: [(String, String, String)] = acc.manifests.compactMap { m in m.ownName.map { ($0, m.ecosystem, m.path) } }
        var isLibrary = ownNames.first { Catalogue.isRedisLibraryName($0.0, ecosystem: $0.1) }
        if isLibrary == nil, let server = acc.serverSources.sorted().first {
            isLibrary = ("a Redis-compatible server", "source", server)
        }

        // Roles from libraries.
        for lib in libs where lib.scope.countsAtRuntime && (!lib.conditional || lib.resolved == "redis") {
            for role in lib.roles {
                acc.roleEvidence[role, default: []].append(Evidence(path: lib.manifest, line: lib.line, column: 1, what: "library \(lib.name)", snippet: "\(lib.package)\(lib.version.map { " " + $0 } ?? "")"))
            }
        }
        if acc.envVars.contains(where: { $0.name.contains("UPSTASH") }) || libs.contains(where: { $0.name == "@upstash/redis" && $0.scope.countsAtRuntime }) {
            acc.platformMarkers.insert("upstash")
        }
        if acc.infrastructure.contains(where: { $0.kind == "kubernetes" || $0.kind == "helm" }) { acc.platformMarkers.insert("kubernetes") }
        // Roles from backend choices in configuration (SESSION_ENGINE, cache_store, spring.cache.type, …).
        for s in acc.settings where s.kind == "backend" && s.redis == true {
            if let r = s.role.flatMap(Role.init(rawValue:)) {
                acc.roleEvidence[r, default: []].append(Evidence(path: s.path, line: s.line, column: 1, what: "\(s.key ?? "backend") selects Redis", snippet: "\(s.key ?? ""): \(s.value)"))
            }
        }

        // Verdict.
        let runtimeLibs = libs.filter { $0.scope.countsAtRuntime && $0.kind != "mock" && (!$0.conditional || $0.resolved == "redis") }
        let testLibs = libs.filter { (!$0.scope.countsAtRuntime || $0.kind == "mock") && !$0.conditional }
        let redisBackends = acc.settings.filter { $0.kind == "backend" && $0.redis == true }
        let constructions = acc.evidence.filter { $0.what.hasPrefix("client construction") }
        let imports = acc.evidence.filter { $0.what.hasPrefix("import") }
        let urls = acc.evidence.filter { $0.what == "connection URL" }
        let runtimeInfra = acc.infrastructure.filter { ["compose", "kubernetes", "helm", "terraform", "redis-conf", "dockerfile", "image"].contains($0.kind) }
        let codeEnv = acc.envVars.filter { $0.source == "code" }
        var reasons: [String] = []
        var verdict: Verdict
        var confidence: Double
        if let lib = isLibrary {
            verdict = .redis_library
            confidence = 0.85
            if lib.1 == "source" {
                reasons.append("\(lib.2) is the source of a Redis-compatible server: this repository implements Redis, it is not an application using it")
            } else {
                reasons.append("\(lib.2) names the project '\(lib.0)', which is itself a Redis client, server or cache library, not an application using Redis")
            }
        } else if !runtimeLibs.isEmpty || !constructions.isEmpty || !imports.isEmpty || (!runtimeInfra.isEmpty && (!codeEnv.isEmpty || !urls.isEmpty)) || !redisBackends.isEmpty {
            verdict = .uses_redis
            var s = 0.0
            if let l = runtimeLibs.first {
                s += 0.55
                reasons.append("\(l.manifest):\(l.line) declares \(l.package) (\(l.name)) as a \(l.scope.rawValue) dependency" + (runtimeLibs.count > 1 ? " (+\(runtimeLibs.count - 1) more)" : ""))
            }
            if let c = constructions.first {
                s += 0.3
                reasons.append("\(c.path):\(c.line) creates a client: \(c.what.dropFirst("client construction ".count))")
            } else if let i = imports.first {
                s += 0.15
                reasons.append("\(i.path):\(i.line) imports \(i.what.dropFirst(7))")
            }
            if !acc.commands.isEmpty { s += 0.05; reasons.append("the code issues \(acc.commands.count) distinct Redis command(s)") }
            if let e = codeEnv.first { s += 0.05; reasons.append("\(e.path):\(e.line) reads \(e.name) from the environment") }
            else if let u = urls.first { s += 0.05; reasons.append("\(u.path):\(u.line) has a Redis connection URL") }
            if let i = runtimeInfra.first { s += 0.05; reasons.append("\(i.path):\(i.line) runs or declares Redis (\(i.kind): \(i.detail))") }
            if let b = redisBackends.first { s += 0.1; reasons.append("\(b.path):\(b.line) selects Redis as a backend (\(b.key ?? b.value))") }
            if runtimeLibs.isEmpty && constructions.isEmpty && imports.isEmpty { s = max(s, 0.5) }
            confidence = min(0.99, max(0.5, s))
        } else if !testLibs.isEmpty || !acc.testEvidence.isEmpty || acc.infrastructure.contains(where: { $0.kind == "ci-service" || $0.kind == "test-service" }) {
            verdict = .test_only
            confidence = 0.85
            if let l = testLibs.first { reasons.append("\(l.manifest):\(l.line) declares \(l.package) only for \(l.scope.rawValue)\(l.kind == "mock" ? " (a fake)" : "")") }
            if let e = acc.testEvidence.first { reasons.append("Redis is used only in tests or examples, e.g. \(e.path):\(e.line)") }
            reasons.append("no runtime dependency and no client in application code")
        } else if !acc.mentions.isEmpty || !acc.infrastructure.isEmpty || !acc.envVars.isEmpty {
            verdict = .docs_only
            confidence = 0.8
            if let m = acc.mentions.first { reasons.append("Redis is only mentioned, e.g. \(m.path):\(m.line)") }
            if let i = acc.infrastructure.first { reasons.append("\(i.path):\(i.line) mentions Redis infrastructure (\(i.kind)) but nothing in the code connects to it") }
            reasons.append("no Redis client library and no client in the code")
        } else {
            verdict = .no_redis
            confidence = 0.95
            reasons.append("no Redis library, client, URL, environment variable or service was found in \(acc.stats.files_read) files")
        }
        confidence = (confidence * 100).rounded() / 100
        if !testLibs.isEmpty && verdict == .uses_redis {
            reasons.append("\(testLibs.count) test/dev-only library declaration(s) ignored for the verdict")
        }

        // Roles.
        var roles: [RoleUse] = []
        if verdict == .uses_redis {
            for role in Role.allCases {
                guard var ev = acc.roleEvidence[role], !ev.isEmpty else { continue }
                ev.sort()
                var seen = Set<String>()
                ev = ev.filter { seen.insert("\($0.path):\($0.line)").inserted }
                roles.append(RoleUse(role: role, evidence: Array(ev.prefix(10))))
            }
        }

        // Deduplicate and sort.
        var envSeen = Set<String>()
        let env = acc.envVars.sorted { ($0.name, $0.path, $0.line) < ($1.name, $1.path, $1.line) }.filter { envSeen.insert("\($0.name)|\($0.path)|\($0.line)").inserted }
        var setSeen = Set<String>()
        // Keyed settings first, so the duplicate found by the plain URL scan (no key) is the one dropped.
        let settings = acc.settings.sorted { ($0.path, $0.line, $0.kind, $0.value, $0.key == nil ? 1 : 0, $0.key ?? "") < ($1.path, $1.line, $1.kind, $1.value, $1.key == nil ? 1 : 0, $1.key ?? "") }
            .filter { setSeen.insert("\($0.path)|\($0.line)|\($0.kind)|\($0.value)").inserted }
        var commands: [CommandUse] = []
        for (name, usesIn) in acc.commands {
            var seen = Set<String>()
            let uses = usesIn.sorted().filter { seen.insert("\($0.path):\($0.line):\($0.column)").inserted }
            guard let first = uses.first(where: { $0.scope == "production" }) ?? uses.first else { continue }
            commands.append(CommandUse(name: name, count: uses.count, path: first.path, line: first.line, uses: uses))
        }
        commands.sort { $0.name < $1.name }
        let infra = acc.infrastructure.sorted { ($0.path, $0.line, $0.kind) < ($1.path, $1.line, $1.kind) }
        acc.findings += FrameworkConfig.noPasswordFindings(acc.settings, envVars: acc.envVars)
        var findSeen = Set<String>()
        let findings = acc.findings.sorted { ($0.path, $0.line, $0.column, $0.rule) < ($1.path, $1.line, $1.column, $1.rule) }.filter { findSeen.insert("\($0.rule)|\($0.path)|\($0.line)|\($0.column)").inserted }
        let evidence = (acc.evidence + acc.testEvidence).sorted()
        let mentions = Array(acc.mentions.sorted().prefix(50))

        return DetectionReport(
            uses_redis: verdict == .uses_redis, verdict: verdict, confidence: confidence, reasons: reasons,
            client_libraries: libs, env_vars: env, settings: settings, roles: roles, commands: commands,
            infrastructure: infra, evidence: evidence, mentions: mentions, platform_markers: acc.platformMarkers.sorted(),
            findings: findings, diagnostics: acc.diagnostics.sortedForOutput(), stats: acc.stats)
    }

    /// Catalogue matches with every declaring location, the version that applies (central versions, catalogs, BOMs,
    /// workspace roots, lockfiles in the package's directory or an ancestor) and, for conditional libraries, the
    /// configuration that decides whether they talk to Redis.
    static func resolveLibraries(_ acc: inout Accumulator) -> [ClientLibrary] {
        func isAncestor(_ dir: String, of path: String) -> Bool { dir.isEmpty || path.hasPrefix(dir + "/") }
        // Central version declarations with the directory they govern.
        var decls: [(dir: String, path: String, decl: VersionDeclaration, ecosystem: String)] = []
        for m in acc.manifests {
            var dir = directory(of: m.path)
            if m.path.hasSuffix(".versions.toml"), dir.hasSuffix("gradle") || dir == "gradle" { dir = directory(of: dir) }
            for v in m.versions { decls.append((dir, m.path, v, m.ecosystem)) }
        }
        func nearest(_ key: String, ecosystem: String, from path: String) -> (String, VersionDeclaration)? {
            let k = ecosystem == "nuget" ? key.lowercased() : key
            var best: (Int, String, VersionDeclaration)?
            for d in decls where d.ecosystem == ecosystem && isAncestor(d.dir, of: path) {
                let dk = ecosystem == "nuget" ? d.decl.key.lowercased() : d.decl.key
                var match = dk == k
                if !match && dk.hasSuffix(":*") { match = k.hasPrefix(String(dk.dropLast(1))) }
                guard match else { continue }
                // Same file first, then the deepest directory; exact keys before wildcards.
                let rank = (d.path == path ? 100_000 : d.dir.count) * 2 + (dk.hasSuffix(":*") ? 0 : 1)
                if best == nil || rank > best!.0 { best = (rank, d.path, d.decl) }
            }
            return best.map { ($0.1, $0.2) }
        }
        var libs: [ClientLibrary] = []
        for m in acc.manifests {
            acc.diagnostics += m.diagnostics
            // Manifests of tests, fixtures and top-level examples describe those, not the application.
            let manifestIsExample = isTestPath(m.path)
            for var d in m.dependencies {
                if manifestIsExample && d.scope.countsAtRuntime { d.scope = .test }
                var extra: [LibraryLocation] = []
                if let alias = d.catalogAlias {
                    guard let (cpath, c) = nearest(alias, ecosystem: "maven", from: m.path) else { continue }
                    d.package = c.package
                    if d.version == nil { d.version = c.version }
                    extra.append(LibraryLocation(manifest: cpath, line: c.line, scope: d.scope, version: c.version, what: "version"))
                }
                guard let entry = Catalogue.lookup(d.package, ecosystem: d.ecosystem) else { continue }
                if d.catalogAlias == nil, d.versionRef != nil || d.version == nil, let (vpath, v) = nearest(d.package, ecosystem: d.ecosystem, from: m.path) {
                    if d.version == nil || d.versionRef == "property" { d.version = v.version }
                    if !(vpath == m.path && v.line == d.line) {
                        extra.append(LibraryLocation(manifest: vpath, line: v.line, scope: d.scope, version: v.version, what: v.kind == "bom" ? "bom" : "version"))
                    }
                }
                let key = d.ecosystem == "pypi" ? Catalogue.normalisePython(d.package.lowercased().replacingAll("[redis]", "")) : d.package
                let dir = directory(of: m.path)
                let locks = acc.lockVersions.filter { isAncestor($0.0, of: m.path) || $0.0 == dir }.sorted { $0.0.count > $1.0.count }
                if let locked = locks.first(where: { $0.1[key] != nil })?.1[key] { d.version = locked }
                var lib = ClientLibrary(name: entry.name, package: d.package, ecosystem: d.ecosystem, version: d.version, manifest: m.path, line: d.line, scope: d.scope, kind: entry.kind)
                lib.roles = entry.roles
                lib.locations += extra
                if entry.conditional {
                    lib.conditional = true
                    let (res, by) = resolveConditional(entry, acc: acc)
                    lib.resolved = res
                    lib.resolved_by = by
                    if entry.onlyWhenResolved && res != "redis" { continue }
                }
                libs.append(lib)
            }
        }
        // Central declarations that no project file references are still declarations (GlobalPackageReference, or a
        // props/catalog file alone): only the referenced ones are listed, so nothing is added here.
        libs.sort { ($0.manifest, $0.line, $0.name) < ($1.manifest, $1.line, $1.name) }
        return libs
    }

    /// `redis`, `other` or `unknown`, with the deciding `path:line`.
    static func resolveConditional(_ entry: CatalogueEntry, acc: Accumulator) -> (String, String?) {
        let keys = entry.resolvedBy
        var other: ConnectionSetting?
        for s in acc.settings.sorted(by: { ($0.path, $0.line) < ($1.path, $1.line) }) {
            guard let k = s.key?.lowercased(), keys.contains(where: { k.contains($0) }) else { continue }
            let isRedis = s.redis ?? (s.kind == "url" ? true : false)
            if isRedis { return ("redis", "\(s.path):\(s.line)") }
            if other == nil, s.kind == "backend" || s.kind == "url" { other = s }
        }
        for e in acc.evidence.sorted() where keys.contains(where: { e.what.lowercased().replacingAll(" ", "").contains($0) }) {
            return ("redis", "\(e.path):\(e.line)")
        }
        if let o = other { return ("other", "\(o.path):\(o.line)") }
        return ("unknown", nil)
    }
}
