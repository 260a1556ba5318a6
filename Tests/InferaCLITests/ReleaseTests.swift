import Foundation
import InferaTestSupport
import Testing
@testable import InferaCLI

/// What release binaries rely on: the build stamp, `make install`, the container image, and
/// FoundationEssentials in place of full Foundation (no ICU, see docs/ci.md#release-binaries).
@Suite(.serialized) struct ReleaseTests {
    static let root = CIWorkflowTests.root

    @Test func buildStampParses() {
        let info = BuildInfo.parse(stamp: "commit=0123456789abcdef0123456789abcdef01234567\ndate=2026-12-03T09:00:00Z\nextra=x\n", version: "1.2.3")
        #expect(info == BuildInfo(version: "1.2.3", commit: "0123456789abcdef0123456789abcdef01234567", buildDate: "2026-12-03T09:00:00Z"))
        #expect(info.json == "{\"arch\":\"\(BuildInfo.arch)\",\"build_date\":\"2026-12-03T09:00:00Z\",\"commit\":\"0123456789abcdef0123456789abcdef01234567\",\"os\":\"\(BuildInfo.os)\",\"version\":\"1.2.3\"}")
        #expect(info.text.contains("commit 0123456789ab,"))
        let empty = BuildInfo.parse(stamp: "", version: "1.2.3")
        #expect(empty.commit == nil && empty.buildDate == nil)
        #expect(empty.json.contains("\"commit\":null") && empty.json.contains("\"build_date\":null"))
        #expect(BuildInfo.parse(stamp: "commit=\ngarbage\n", version: "1").commit == nil)
    }

    @Test func unstampedBinaryReportsNullCommit() throws {
        let bin = try ServerProcess.inferaExecutable()
        let r = try TestRun.run(bin, ["version", "--json"], timeout: 30)
        #expect(r.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(obj["version"] as? String == InferaVersion.current)
        #expect(obj["commit"] is NSNull && obj["build_date"] is NSNull)
        #expect(Set(obj.keys) == ["version", "commit", "build_date", "os", "arch"])
        // The marker the release script patches is in the binary exactly once.
        let data = try Data(contentsOf: URL(fileURLWithPath: bin))
        let marker = Data("@@INFERA-BUILD-STAMP@@v1".utf8)
        let first = try #require(data.range(of: marker))
        #expect(data.range(of: marker, in: first.upperBound..<data.endIndex) == nil)
    }

    /// A copy of the binary patched the way scripts/release.sh patches it reports the stamp.
    @Test func patchedBinaryReportsTheStamp() throws {
        let bin = try ServerProcess.inferaExecutable()
        var data = try Data(contentsOf: URL(fileURLWithPath: bin))
        let marker = Data("@@INFERA-BUILD-STAMP@@v1".utf8)
        let at = try #require(data.range(of: marker)).upperBound
        let payload = Data("commit=feedface\ndate=2026-01-02T03:04:05Z\n".utf8)
        data.replaceSubrange(at..<(at + payload.count), with: payload)
        let copy = NSTemporaryDirectory() + "infera-stamped-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try data.write(to: URL(fileURLWithPath: copy))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
        let r = try TestRun.run(copy, ["version", "--json"], timeout: 30)
        #expect(r.out.contains("\"commit\":\"feedface\"") && r.out.contains("\"build_date\":\"2026-01-02T03:04:05Z\""), "\(r.out)\(r.err)")
    }

    /// The binary links FoundationEssentials only: no `Foundation` (with FoundationInternationalization, ICU
    /// and its locale data), FoundationNetworking or FoundationXML. Sources in the binary import
    /// FoundationEssentials (`import Foundation` only as the `#else` of `#if canImport(FoundationEssentials)`),
    /// and the built executable needs none of the full Foundation libraries.
    @Test func binaryLinksFoundationEssentialsOnly() throws {
        var offenders: [String] = []
        let fm = FileManager.default
        let sources = Self.root + "/Sources"
        for case let rel as String in fm.enumerator(atPath: sources)! where rel.hasSuffix(".swift") && !rel.hasPrefix("InferaTestSupport/") && !rel.hasPrefix("Fuzz") {
            let lines = try String(contentsOfFile: sources + "/" + rel, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (n, line) in lines.enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard code.hasPrefix("import ") || code.contains(" import ") else { continue }
                let kinds: Set<Substring> = ["struct", "class", "enum", "func", "protocol", "var", "let", "typealias"]
                let words = code.split(separator: " ").drop { $0 != "import" }.dropFirst().drop { kinds.contains($0) }
                let module = words.first.map { String($0.split(separator: ".")[0]) } ?? ""
                let fallback = n >= 3 && lines[n - 1].trimmingCharacters(in: .whitespaces) == "#else"
                    && lines[n - 3].contains("canImport(FoundationEssentials)")
                if ["FoundationInternationalization", "FoundationNetworking", "FoundationXML"].contains(module) || (module == "Foundation" && !fallback) {
                    offenders.append("Sources/\(rel):\(n + 1): \(code)")
                }
            }
        }
        #expect(offenders.isEmpty, "these would link full Foundation (+ ICU) into the release binary; import FoundationEssentials and use the helpers in InferaDiagnostics/FoundationReplacements.swift: \(offenders)")

        let bin = try ServerProcess.inferaExecutable()
        let r = try TestRun.run("/usr/bin/env", ["readelf", "-d", bin], timeout: 30)
        try #require(r.status == 0, "readelf -d failed: \(r.err)")
        let needed = r.out.split(separator: "\n").filter { $0.contains("(NEEDED)") }.map(String.init)
        let foundation = needed.filter { $0.contains("libFoundation.so") || $0.contains("libFoundationInternationalization") || $0.contains("_FoundationICU")
            || $0.contains("libFoundationNetworking") || $0.contains("libFoundationXML") }
        #expect(foundation.isEmpty, "\(bin) links full Foundation: \(foundation)")
        #expect(needed.contains { $0.contains("libFoundationEssentials.so") }, "expected FoundationEssentials among \(needed)")
    }

    @Test func makeInstallHonoursDestdirAndPrefix() throws {
        let bin = try ServerProcess.inferaExecutable()
        let dest = NSTemporaryDirectory() + "infera-destdir-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dest) }
        let r = try TestRun.run("/usr/bin/make", ["-s", "-C", Self.root, "install", "DESTDIR=\(dest)", "PREFIX=/opt/infera", "INSTALL_BIN=\(bin)"], timeout: 60)
        #expect(r.status == 0, "\(r.out)\(r.err)")
        let installed = dest + "/opt/infera/bin/infera"
        #expect(FileManager.default.isExecutableFile(atPath: installed))
        let v = try TestRun.run(installed, ["version"], timeout: 30)
        #expect(v.status == 0 && v.out.hasPrefix("infera \(InferaVersion.current)"))
        let bash = try String(contentsOfFile: dest + "/opt/infera/share/bash-completion/completions/infera", encoding: .utf8)
        #expect(bash.contains("plan") && bash.contains("detect"))
        #expect(FileManager.default.fileExists(atPath: dest + "/opt/infera/share/zsh/site-functions/_infera"))
        let u = try TestRun.run("/usr/bin/make", ["-s", "-C", Self.root, "uninstall", "DESTDIR=\(dest)", "PREFIX=/opt/infera"], timeout: 60)
        #expect(u.status == 0 && !FileManager.default.fileExists(atPath: installed))
    }

    /// A docker or podman whose `info` answers (a client without a running daemon does not count).
    static let containerEngine: String? = ["/usr/bin/docker", "/usr/local/bin/docker", "/usr/bin/podman", "/usr/local/bin/podman"]
        .first { FileManager.default.isExecutableFile(atPath: $0) && (try? TestRun.run($0, ["info"], timeout: 20).status) == 0 }

    @Test func dockerfileIsMultiStageWithAMinimalRuntime() throws {
        let text = try String(contentsOfFile: Self.root + "/Dockerfile", encoding: .utf8)
        let froms = text.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(froms.count == 2 && froms[0].contains(" AS build") && froms[1].contains(" AS runtime"))
        let runtime = text.components(separatedBy: "AS runtime").last ?? ""
        for pkg in ["ca-certificates", "libcurl4", "libyaml-0-2"] { #expect(runtime.contains(pkg), "\(pkg)") }
        #expect(!runtime.contains("swift") && !runtime.contains("-dev"), "no toolchain or headers in the runtime image")
    }

    @Test(.enabled(if: ReleaseTests.containerEngine != nil, "no running container engine (docker/podman `info` fails or is absent) on this machine: the image build-and-run test is skipped"))
    func imageRunsEveryCommand() throws {
        let engine = try #require(Self.containerEngine)
        let tag = "infera-test:\(UUID().uuidString.prefix(8).lowercased())"
        let b = try TestRun.run(engine, ["build", "-t", tag, Self.root], timeout: 1800)
        #expect(b.status == 0, "\(b.err)")
        defer { _ = try? TestRun.run(engine, ["rmi", "-f", tag], timeout: 60) }
        let examples = Self.root + "/Examples"
        for args in [["version", "--json"], ["detect", "/ex/apps/node-express-ioredis"], ["validate", "-f", "/ex/upstash/infera.yaml"],
                     ["plan", "-f", "/ex/gcp-memorystore/infera.yaml", "--out", "/tmp/infra", "--format", "markdown"], ["schema"], ["server", "--help"]] {
            let r = try TestRun.run(engine, ["run", "--rm", "-v", "\(examples):/ex:ro", tag] + args, timeout: 120)
            #expect(r.status == 0 || (args[0] == "detect" && r.status == 2), "\(args): \(r.err)")
        }
    }
}
