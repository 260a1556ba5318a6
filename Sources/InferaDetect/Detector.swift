#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import InferaDiagnostics

/// Options for a detection run.
public struct DetectOptions: Sendable {
    /// List files with `git ls-files` when the root is in a work tree.
    public var useGit: Bool
    /// Worker threads; defaults to the number of active processors.
    public var threads: Int
    /// File or directory names (not paths) to leave out, e.g. `expected.json`.
    public var excludedNames: Set<String>

    public init(useGit: Bool = true, threads: Int = ProcessInfo.processInfo.activeProcessorCount, excludedNames: Set<String> = []) {
        self.useGit = useGit
        self.threads = max(1, threads)
        self.excludedNames = excludedNames
    }
}

/// Walks a repository and produces a `DetectionReport`: libraries, settings, roles, commands and mistakes.
public enum Detector {
    /// Scans `root` (a directory). Problems with individual files become diagnostics; the scan always finishes.
    public static func detect(root: String, options: DetectOptions = DetectOptions()) -> DetectionReport {
        var rootPath = root
        while rootPath.count > 1 && rootPath.hasSuffix("/") { rootPath.removeLast() }
        let rootFinal = rootPath
        let listing = FileWalker.list(root: rootFinal, useGit: options.useGit)
        let files = options.excludedNames.isEmpty ? listing.files : listing.files.filter { f in
            !f.split(separator: "/").contains { options.excludedNames.contains(String($0)) }
        }
        let shared = SharedWork(count: files.count)
        let workers = min(options.threads, max(1, files.count / 64 + 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var acc = Accumulator()
            let buffer = ReadBuffer()
            while let range = shared.next(batch: 32) {
                for i in range { processFile(root: rootFinal, rel: files[i], buffer: buffer, acc: &acc) }
            }
            shared.merge(acc)
        }
        var acc = shared.result
        // Second pass: calls through clients that other modules export (bounded; see ClientModules).
        if !acc.clientModules.isEmpty {
            let follow = ClientModules.follow(root: rootFinal, files: files, modules: acc.clientModules, buffer: ReadBuffer())
            for (k, v) in follow.commands { acc.commands[k, default: []] += v }
            for (k, v) in follow.roleEvidence { acc.roleEvidence[k, default: []] += v }
        }
        acc.stats.walker = listing.walker
        acc.stats.files_listed = files.count
        acc.stats.skipped_vendored += listing.skippedVendored
        acc.stats.skipped_symlinks += listing.skippedSymlinks
        acc.diagnostics += listing.diagnostics
        return assemble(acc)
    }

    /// Analyses one in-memory file (used by tests and rule examples).
    public static func analyse(path: String, language: Language, text: String) -> [Finding] {
        let src = LexedSource(path: path, language: language, bytes: Array(text.utf8), isTest: false)
        let a = FileAnalysis(src)
        return MistakeRules.all.flatMap { rule in rule.hits(a).map { finding(rule, a, $0) } }
    }

    /// Runs one rule on in-memory text; the findings it produces.
    public static func run(rule: MistakeRule, path: String, language: Language, text: String) -> [Finding] {
        let src = LexedSource(path: path, language: language, bytes: Array(text.utf8), isTest: false)
        let a = FileAnalysis(src)
        return rule.hits(a).map { finding(rule, a, $0) }
    }

    static func finding(_ rule: MistakeRule, _ a: FileAnalysis, _ offset: Int) -> Finding {
        let (line, col) = a.src.position(offset)
        return Finding(rule: rule.id, severity: rule.severity, path: a.src.path, line: line, column: col, message: rule.message, fix: rule.fix, snippet: a.src.snippet(offset: offset))
    }

    // MARK: classification

    static let binaryExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "svgz", "pdf", "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "jar", "war",
        "ear", "class", "so", "dylib", "dll", "exe", "o", "a", "lib", "obj", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "mov", "avi", "wav",
        "flac", "ogg", "webm", "wasm", "pyc", "pyo", "bin", "dat", "db", "sqlite", "sqlite3", "rdb", "aof", "pack", "idx", "psd", "ai", "sketch",
        "map", "snap", "min.js.map",
    ]

    /// `example` for top-level example/sample/demo folders, `test` for tests, specs, fixtures and benchmarks,
    /// `docs` for documentation folders, else `production`.
    /// Files where frameworks choose their cache/queue/session backends (read even when they do not mention Redis).
    static func isFrameworkSettings(_ rel: String, lowerName: String) -> Bool {
        // The file name decides first (cheap); the path is looked at only for the few names that can match.
        switch lowerName {
        case "settings.py", "celeryconfig.py", "celery.py", "config.py", ".env", ".env.example", "cable.yml":
            return true
        case "cache.php", "session.php", "queue.php", "broadcasting.php", "application.rb":
            let lower = rel.lowercased()
            return lower.hasPrefix("config/") || lower.contains("/config/")
        default:
            break
        }
        if lowerName.hasPrefix("application") && (lowerName.hasSuffix(".yml") || lowerName.hasSuffix(".yaml") || lowerName.hasSuffix(".properties")) { return true }
        if lowerName.hasSuffix(".py") && (lowerName == "production.py" || lowerName == "base.py") { return rel.lowercased().contains("settings/") }
        if lowerName.hasSuffix(".rb") {
            let lower = rel.lowercased()
            return lower.hasPrefix("config/environments/") || lower.contains("/config/environments/")
        }
        return false
    }

    public static func evidenceScope(_ path: String) -> String {
        let comps = path.lowercased().split(separator: "/")
        if comps.count > 1, let top = comps.first, ["example", "examples", "samples", "sample", "demo", "demos"].contains(top) { return "example" }
        if isTestPath(path) { return "test" }
        if comps.count > 1, let top = comps.first, top == "docs" || top == "doc" { return "docs" }
        return "production"
    }

    static func isTestPath(_ path: String) -> Bool {
        let lower = path.lowercased()
        let comps = lower.split(separator: "/")
        let dirs: Set<Substring> = ["test", "tests", "spec", "specs", "__tests__", "__mocks__", "testdata", "fixtures", "e2e",
                                    "benchmarks", "benchmark", "bench", "testing", "integration-tests", "integration_tests", "cypress", "playwright"]
        for c in comps.dropLast() where dirs.contains(c) { return true }
        // Example folders count only at the top (not Java packages such as com/example).
        let topOnly: Set<Substring> = ["example", "examples", "samples", "sample", "demo", "demos"]
        if comps.count > 1, let top = comps.first, topOnly.contains(top) { return true }
        if lower.hasPrefix("src/test/") || lower.contains("/src/test/") { return true }
        let name = comps.last.map(String.init) ?? lower
        if name.hasSuffix("_test.go") || name.hasPrefix("test_") || name.hasSuffix("_test.py") || name == "conftest.py" || name.hasSuffix("_spec.rb") || name.hasSuffix("_test.rb") { return true }
        if name.contains(".test.") || name.contains(".spec.") || name.contains(".e2e.") { return true }
        if name.hasPrefix("vitest.") || name.hasPrefix("jest.") || name.hasPrefix("setuptests") || name.hasPrefix("test-setup") || name.hasPrefix("bench")
            || name == "spec_helper.rb" || name == "rails_helper.rb" || name == "test_helper.rb" || name.hasPrefix("playwright.") || name.hasPrefix("cypress.") { return true }
        let orig = path.split(separator: "/").last.map(String.init) ?? path
        if orig.hasSuffix("Test.java") || orig.hasSuffix("Tests.java") || orig.hasSuffix("Test.kt") || orig.hasSuffix("Tests.cs") || orig.hasSuffix("Test.cs") || orig.hasSuffix("Test.php") || orig.hasSuffix("_test.exs") { return true }
        return false
    }

    static func language(for name: String, ext: String) -> Language? {
        let lower = name.lowercased()
        if lower.hasPrefix(".env") || lower.hasSuffix(".env") || lower == "dockerfile" || lower.hasPrefix("dockerfile.") || lower.hasSuffix(".dockerfile") || lower == "procfile" || lower == ".redis-commander" || lower.hasSuffix(".conf") { return .config }
        if lower == "gemfile" || lower == "rakefile" { return .ruby }
        if lower == "license" || lower == "readme" || lower == "changelog" { return .docs }
        return Language.forExtension(ext)
    }

    // MARK: per file

    static func processFile(root: String, rel: String, buffer: ReadBuffer, acc: inout Accumulator) {
        let name = rel.split(separator: "/").last.map(String.init) ?? rel
        let lowerName = name.lowercased()
        var ext = ""
        if let dot = lowerName.lastIndex(of: "."), dot != lowerName.startIndex { ext = String(lowerName[lowerName.index(after: dot)...]) }
        if binaryExtensions.contains(ext) { acc.stats.skipped_binary += 1; return }
        let outcome = buffer.read(root + "/" + rel)
        let count: Int
        switch outcome {
        case .ok(let n): count = n
        case .tooLarge:
            acc.stats.skipped_large += 1
            if Manifests.kind(forPath: rel) != nil {
                acc.diagnostics.append(.warning("detect.file-too-large", "manifest larger than 2 MB skipped", at: SourceLocation(file: rel, line: 1, column: 1)))
            }
            return
        case .notRegular: return
        case .symlink: acc.stats.skipped_symlinks += 1; return
        case .failed(let e):
            if e == ENOENT { return }
            acc.stats.unreadable += 1
            acc.diagnostics.append(.warning("detect.unreadable-file", "cannot read file: \(String(cString: strerror(e)))", at: SourceLocation(file: rel, line: 1, column: 1)))
            return
        }
        acc.stats.files_read += 1
        acc.stats.bytes_read += count
        let base = UnsafeRawPointer(buffer.pointer)
        if ByteSearch.looksBinary(base, count: count) { acc.stats.skipped_binary += 1; return }

        // Manifests and lockfiles are parsed whatever they mention.
        if let kind = Manifests.kind(forPath: rel) {
            let bytes = Array(UnsafeRawBufferPointer(start: base, count: count))
            if case .lockfile(let lname) = kind {
                let versions = Manifests.lockVersions(lname, bytes: bytes)
                if !versions.isEmpty { acc.lockVersions.append((directory(of: rel), versions)) }
            } else {
                acc.manifests.append(Manifests.parse(kind, path: rel, bytes: bytes))
            }
        }
        platformMarker(rel: rel, lowerName: lowerName, base: base, count: count, acc: &acc)
        // The sources of a Redis-compatible server itself (redis, valkey, keydb).
        if rel == "src/redis-cli.c" || rel == "src/valkey-cli.c" || rel == "src/redis-server.c" || (rel == "src/server.c" && ByteSearch.containsFolded(base, count: count, needle: Array("redis".utf8))) {
            acc.serverSources.append(rel)
        }

        // ASP.NET keeps connection strings in appsettings*.json, often without the word Redis.
        if lowerName.hasPrefix("appsettings") && ext == "json" && !isTestPath(rel) && !ByteSearch.containsAnyNeedle(base, count: count) {
            FrameworkConfig.appsettings(path: rel, bytes: Array(UnsafeRawBufferPointer(start: base, count: count)), acc: &acc)
            return
        }
        guard ByteSearch.containsAnyNeedle(base, count: count) else {
            // Framework settings that choose another backend never say "redis": read them for the conditional libraries.
            if isFrameworkSettings(rel, lowerName: lowerName), !isTestPath(rel), let lang = language(for: name, ext: ext) {
                let src = LexedSource(path: rel, language: lang, bytes: Array(UnsafeRawBufferPointer(start: base, count: count)), isTest: false)
                if lang == .config { FrameworkConfig.scanKeyValues(src, ext: ext, lowerName: lowerName, acc: &acc) }
                else { FrameworkConfig.scanCodeSettings(FileAnalysis(src), acc: &acc) }
            }
            return
        }
        acc.stats.files_matched += 1
        let bytes = Array(UnsafeRawBufferPointer(start: base, count: count))

        if lowerName == "redis.conf" || lowerName.hasSuffix(".redis.conf") || lowerName == "redis.yaml" || lowerName == "redis.yml" || lowerName == "valkey.conf" {
            acc.infrastructure.append(InfrastructureUse(kind: "redis-conf", detail: "Redis server configuration file", path: rel, line: 1))
        }
        if lowerName == ".redis-commander" {
            acc.infrastructure.append(InfrastructureUse(kind: "redis-commander", detail: "Redis Commander configuration", path: rel, line: 1))
        }
        guard let lang = language(for: name, ext: ext) else {
            mention(rel: rel, bytes: bytes, acc: &acc)
            return
        }
        let isTest = isTestPath(rel)
        switch lang {
        case .docs:
            if Manifests.kind(forPath: rel) == nil { mention(rel: rel, bytes: bytes, acc: &acc) }
        case .config:
            let src = LexedSource(path: rel, language: .config, bytes: bytes, isTest: isTest)
            ConfigScanner.scan(src, lowerName: lowerName, ext: ext, acc: &acc)
            if !isTest { runRules(FileAnalysis(src), acc: &acc) }
        default:
            if ext == "json" {
                if lowerName.hasPrefix("appsettings") && !isTest { FrameworkConfig.appsettings(path: rel, bytes: bytes, acc: &acc) }
                return
            }
            let src = LexedSource(path: rel, language: lang, bytes: bytes, isTest: isTest)
            let a = FileAnalysis(src)
            CodeEvidence.collect(a, acc: &acc)
            FrameworkConfig.scanCodeSettings(a, acc: &acc)
            if !isTest { runRules(a, acc: &acc) }
        }
    }

    static func runRules(_ a: FileAnalysis, acc: inout Accumulator) {
        // Rust unit tests live in the same file after `#[cfg(test)]`.
        let cutoff = a.src.language == .rust ? (a.occurrences("#[cfg(test)]", limit: 1).first ?? Int.max) : Int.max
        for rule in MistakeRules.all {
            for o in rule.hits(a) where o < cutoff { acc.findings.append(finding(rule, a, o)) }
        }
    }

    static func directory(of rel: String) -> String {
        guard let slash = rel.lastIndex(of: "/") else { return "" }
        return String(rel[..<slash])
    }

    static func mention(rel: String, bytes: [UInt8], acc: inout Accumulator) {
        let hits = bytes.foldedOffsets(of: "redis")
        guard let first = hits.first ?? bytes.foldedOffsets(of: "valkey").first ?? bytes.foldedOffsets(of: "sidekiq").first else { return }
        var line = 1, ls = 0
        for i in 0..<first where bytes[i] == 10 { line += 1; ls = i + 1 }
        var le = first
        while le < bytes.count && bytes[le] != 10 { le += 1 }
        let text = String(decoding: bytes[ls..<le], as: UTF8.self)
        acc.mentions.append(Evidence(path: rel, line: line, column: 1, what: "mention", snippet: Redactor.snippet(text, column: first - ls + 1), scope: "docs"))
    }

    static func platformMarker(rel: String, lowerName: String, base: UnsafeRawPointer, count: Int, acc: inout Accumulator) {
        func contains(_ s: String) -> Bool { ByteSearch.containsFolded(base, count: count, needle: Array(s.lowercased().utf8)) || false }
        switch lowerName {
        case "app.yaml", "app.yml":
            if contains("runtime") { acc.platformMarkers.insert("app_engine") }
        case "service.yaml", "service.yml", "cloudbuild.yaml", "cloudbuild.yml", "skaffold.yaml":
            if contains("knative") || contains("gcloud run") || contains("run.googleapis") || contains("cloudrun") { acc.platformMarkers.insert("cloud_run") }
        case "serverless.yml", "serverless.yaml", "serverless.ts":
            acc.platformMarkers.insert("serverless")
        case "cdk.json":
            acc.platformMarkers.insert("cdk")
        case "template.yaml", "template.yml", "samconfig.toml":
            if contains("serverless") || lowerName == "samconfig.toml" { acc.platformMarkers.insert("sam") }
        case "vercel.json", "wrangler.toml", "netlify.toml":
            acc.platformMarkers.insert("edge")
        case "chart.yaml":
            acc.platformMarkers.insert("kubernetes")
        default:
            if rel.hasPrefix(".github/workflows/") && (contains("google-github-actions/deploy-cloudrun") || contains("gcloud run deploy")) { acc.platformMarkers.insert("cloud_run") }
            if rel.hasPrefix(".github/workflows/") && contains("aws-actions/") { acc.platformMarkers.insert("aws") }
        }
        if lowerName.hasSuffix(".tf") {
            if contains("provider \"google\"") || contains("google_cloud_run") { acc.platformMarkers.insert("gcp_terraform") }
            if contains("provider \"aws\"") { acc.platformMarkers.insert("aws_terraform") }
        }
    }
}

/// Per-worker results, merged at the end.
struct Accumulator: Sendable {
    var manifests: [ManifestInfo] = []
    var lockVersions: [(String, [String: String])] = []
    var evidence: [Evidence] = []
    var testEvidence: [Evidence] = []
    var mentions: [Evidence] = []
    var envVars: [EnvVarUse] = []
    var settings: [ConnectionSetting] = []
    var infrastructure: [InfrastructureUse] = []
    var commands: [String: [CallUse]] = [:]
    /// Modules that hold a Redis client in a top-level name other files can import (phase 2 follows them).
    var clientModules: [ClientModule] = []
    var roleEvidence: [Role: [Evidence]] = [:]
    var findings: [Finding] = []
    var diagnostics: [Diagnostic] = []
    var platformMarkers: Set<String> = []
    var serverSources: [String] = []
    var stats = ScanStats()

    mutating func merge(_ o: Accumulator) {
        manifests += o.manifests
        lockVersions += o.lockVersions
        evidence += o.evidence
        testEvidence += o.testEvidence
        mentions += o.mentions
        envVars += o.envVars
        settings += o.settings
        infrastructure += o.infrastructure
        for (k, v) in o.commands { commands[k, default: []] += v }
        clientModules += o.clientModules
        for (k, v) in o.roleEvidence { roleEvidence[k, default: []] += v }
        findings += o.findings
        diagnostics += o.diagnostics
        platformMarkers.formUnion(o.platformMarkers)
        serverSources += o.serverSources
        stats.add(o.stats)
    }
}

/// Hands out file indices to workers and collects their results.
final class SharedWork: @unchecked Sendable {
    private let lock = DetectLock()
    private var nextIndex = 0
    private let count: Int
    private var merged = Accumulator()

    init(count: Int) { self.count = count }

    func next(batch: Int) -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        let end = min(count, nextIndex + batch)
        defer { nextIndex = end }
        return nextIndex..<end
    }

    func merge(_ acc: Accumulator) {
        lock.lock()
        merged.merge(acc)
        lock.unlock()
    }

    var result: Accumulator {
        lock.lock()
        defer { lock.unlock() }
        return merged
    }
}
