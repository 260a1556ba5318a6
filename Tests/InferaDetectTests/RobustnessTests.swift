import Foundation
import Testing
@testable import InferaDetect

/// Hostile trees: symlink loops, links out of the repository, unreadable files, invalid UTF-8,
/// megabyte one-liners, binaries, oversized files and malformed manifests. The scan must finish.
@Suite(.serialized)
struct RobustnessTests {
    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "infera-detect-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ dir: String, _ rel: String, _ data: Data) throws {
        let path = dir + "/" + rel
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test func hostileTreeFinishesWithDiagnosticsAtMost() throws {
        let root = try Self.tempDir()
        let outside = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: outside) }
        // Outside the repository: a file that would trigger findings if it were read.
        try Self.write(outside, "secret.js", Data("const Redis = require('ioredis');\nconst r = new Redis('redis://:leaked@prod.example.com:6379');\nr.keys('*');\n".utf8))
        // Inside: a real use, so the verdict is positive.
        try Self.write(root, "package.json", Data("{\"dependencies\": {\"ioredis\": \"5.3.2\"}}".utf8))
        try Self.write(root, "src/app.js", Data("const Redis = require('ioredis');\nconst redis = new Redis(process.env.REDIS_URL);\nredis.on('error', console.error);\n".utf8))
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: root + "/loop", withDestinationPath: root)
        try fm.createSymbolicLink(atPath: root + "/src/self", withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: root + "/outside", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: root + "/src/leak.js", withDestinationPath: outside + "/secret.js")
        try fm.createSymbolicLink(atPath: root + "/dangling.js", withDestinationPath: root + "/nope")
        // Invalid UTF-8 around Redis code.
        var bad = Data("const Redis = require('ioredis');\n// \u{FF}".utf8)
        bad.append(contentsOf: [0xC3, 0x28, 0xFF, 0xFE, 0x0A])
        bad.append(Data("const x = new Redis(process.env.REDIS_URL); x.on('error', e => e);\n".utf8))
        try Self.write(root, "src/bad.js", bad)
        // A one-line minified megabyte file that mentions redis many times.
        var mini = "var a=0;"
        while mini.utf8.count < 1_200_000 { mini += "a.get(\"redis\"+a);b={x:'(',y:\"/*\"};" }
        try Self.write(root, "public/app.min.js", Data(mini.utf8))
        // Over 2 MB, binary, malformed manifest, unreadable file.
        try Self.write(root, "big.txt", Data(repeating: UInt8(ascii: "r"), count: 2 * 1024 * 1024 + 10))
        var bin = Data([0, 1, 2, 3])
        bin.append(Data("redis://x".utf8))
        try Self.write(root, "blob.dat2", bin)
        try Self.write(root, "sub/package.json", Data("{ \"dependencies\": { \"redis\": ".utf8))
        try Self.write(root, "locked.js", Data("const Redis = require('ioredis');".utf8))
        chmod(root + "/locked.js", 0)
        try Self.write(root, "node_modules/ioredis/index.js", Data("module.exports = class Redis {}; redis.keys('*')".utf8))

        let start = Date()
        let report = Detector.detect(root: root, options: DetectOptions(useGit: false))
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(report.uses_redis)
        #expect(!report.findings.contains { $0.path.contains("leak") || $0.path.hasPrefix("outside") || $0.path.hasPrefix("loop") })
        #expect(!report.evidence.contains { $0.path.hasPrefix("outside") || $0.path.hasPrefix("loop") || $0.path.contains("self/") || $0.path.contains("node_modules") })
        #expect(report.stats.skipped_symlinks >= 5)
        #expect(report.stats.skipped_large == 1)
        #expect(report.stats.skipped_binary >= 1)
        #expect(report.diagnostics.contains { $0.code == "detect.malformed-manifest" && $0.location?.file == "sub/package.json" })
        #expect(report.evidence.contains { $0.path == "src/bad.js" && $0.what.hasPrefix("client construction") })
        // Root can read mode-000 files; otherwise a diagnostic must name it.
        if getuid() != 0 { #expect(report.diagnostics.contains { $0.location?.file == "locked.js" }) }
        #expect(!report.settings.contains { $0.value.contains("leaked") })
    }

    @Test func lexerSurvivesUnterminatedConstructs() {
        for lang in Language.allCases {
            for text in ["\"unterminated", "/* open", "'''", "`tpl ${", "#{", "=begin\n", "'", "\\", "r'x", "@\"a\"\"", "\u{0}"] {
                let src = LexedSource(path: "x", language: lang, bytes: Array(text.utf8), isTest: false)
                #expect(src.code.count == src.bytes.count)
                _ = FileAnalysis(src)
            }
        }
    }

    @Test func gitListingRespectsGitignore() throws {
        let root = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.write(root, ".gitignore", Data("ignored/\n".utf8))
        try Self.write(root, "ignored/app.js", Data("const Redis = require('ioredis'); new Redis();".utf8))
        try Self.write(root, "docs.md", Data("Redis is mentioned here.".utf8))
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", root, "init", "-q"]
        try git.run()
        git.waitUntilExit()
        try #require(git.terminationStatus == 0)
        // A FIFO must not block the scan (opened non-blocking, then skipped as not a regular file).
        #expect(mkfifo(root + "/pipe.js", 0o644) == 0)
        let report = Detector.detect(root: root)
        #expect(report.stats.walker == "git")
        #expect(report.verdict == .docs_only)
        let walked = Detector.detect(root: root, options: DetectOptions(useGit: false))
        #expect(walked.verdict == .uses_redis)
    }

    @Test func redisLibraryIsNotAnApp() throws {
        let root = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.write(root, "package.json", Data("{\"name\": \"ioredis\", \"dependencies\": {\"denque\": \"2\"}, \"devDependencies\": {\"redis\": \"4\"}}".utf8))
        try Self.write(root, "lib/Redis.js", Data("class Redis { keys(p) { return this.sendCommand('KEYS', p) } }\nconst r = new Redis('redis://localhost');\n".utf8))
        let report = Detector.detect(root: root, options: DetectOptions(useGit: false))
        #expect(report.verdict == .redis_library)
        #expect(!report.uses_redis)
    }

    @Test func manifestsOfExamplesDoNotMakeAnAppUseRedis() throws {
        let root = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.write(root, "package.json", Data("{\"name\": \"tool\", \"dependencies\": {\"chalk\": \"5\"}}".utf8))
        try Self.write(root, "examples/cache/package.json", Data("{\"dependencies\": {\"ioredis\": \"5\"}}".utf8))
        try Self.write(root, "examples/cache/index.js", Data("const Redis = require('ioredis');\nconst r = new Redis();\n".utf8))
        let report = Detector.detect(root: root, options: DetectOptions(useGit: false))
        #expect(report.verdict == .test_only)
        #expect(report.client_libraries.first?.scope == .test)
    }

    @Test func redisServerSourcesAreALibrary() throws {
        let root = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.write(root, "src/redis-cli.c", Data("/* redis-cli */ int main(void) { return 0; }".utf8))
        try Self.write(root, "tests/helpers.tcl", Data("set r [redis localhost 6379]".utf8))
        let report = Detector.detect(root: root, options: DetectOptions(useGit: false))
        #expect(report.verdict == .redis_library)
    }

    @Test func snippetsNeverShowSecrets() {
        let lines = [
            "const r = new Redis('redis://default:hunter2@cache.example.com:6379');",
            "r = redis.Redis(host='h', password='hunter2')",
            "spring.data.redis.password=hunter2",
            "Password: \"hunter2\",",
            "token: 'hunter2' }",
        ]
        for l in lines {
            let s = Redactor.snippet(l, column: 1)
            #expect(!s.contains("hunter2"), "\(s)")
        }
        #expect(Redactor.redactURL("rediss://:pw@h:6380/0") == "rediss://:****@h:6380/0")
        #expect(Redactor.redactURL("redis://h:6379") == "redis://h:6379")
    }

    @Test func prefilterFindsNeedlesAtEveryAlignment() {
        for pad in 0..<40 {
            for word in ["redis", "REDIS", "Redis", "rEdIs", "valkey", "Sidekiq", "UPSTASH"] {
                let text = Array(String(repeating: "x", count: pad).utf8) + Array(word.utf8) + Array(String(repeating: "y", count: pad % 7).utf8)
                let found = text.withUnsafeBytes { ByteSearch.containsAnyNeedle($0.baseAddress!, count: $0.count) }
                #expect(found, "\(pad) \(word)")
            }
            let none = Array(String(repeating: "redi rdis edis ", count: pad + 1).utf8)
            #expect(!none.withUnsafeBytes { ByteSearch.containsAnyNeedle($0.baseAddress!, count: $0.count) })
        }
    }
}
