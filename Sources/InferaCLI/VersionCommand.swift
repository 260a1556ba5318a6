import ArgumentParser
import CInferaBuildInfo
import InferaDiagnostics

/// What this binary is: version, the commit it was built from and when (stamped by scripts/release.sh).
public struct BuildInfo: Sendable, Equatable {
    public var version: String
    /// Full commit hash, nil for an unstamped (`swift build`) binary.
    public var commit: String?
    /// ISO 8601 UTC build time, nil for an unstamped binary.
    public var buildDate: String?

    /// Parses the stamp payload: `key=value` lines (`commit`, `date`); unknown keys are ignored.
    public static func parse(stamp: String, version: String) -> BuildInfo {
        var info = BuildInfo(version: version, commit: nil, buildDate: nil)
        for line in stamp.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq], value = String(line[line.index(after: eq)...])
            guard !value.isEmpty else { continue }
            switch key {
            case "commit": info.commit = value
            case "date": info.buildDate = value
            default: break
            }
        }
        return info
    }

    /// The running binary's stamp.
    public static var current: BuildInfo {
        parse(stamp: String(cString: infera_build_info()), version: InferaVersion.current)
    }

    #if arch(x86_64)
    public static let arch = "x86_64"
    #elseif arch(arm64)
    public static let arch = "arm64"
    #else
    public static let arch = "unknown"
    #endif

    #if os(Linux)
    public static let os = "linux"
    #elseif os(macOS)
    public static let os = "darwin"
    #else
    public static let os = "unknown"
    #endif

    /// `{"version":…,"commit":…,"build_date":…,"os":…,"arch":…}` (keys stable; null when unstamped).
    public var json: String {
        let obj: JSONValue = .object([
            "version": .string(version),
            "commit": commit.map { .string($0) } ?? .null,
            "build_date": buildDate.map { .string($0) } ?? .null,
            "os": .string(Self.os),
            "arch": .string(Self.arch),
        ])
        return obj.rendered(pretty: false)
    }

    public var text: String {
        "infera \(version) (\(commit.map { "commit \($0.prefix(12))" } ?? "unreleased build"), built \(buildDate ?? "unknown"), \(Self.os)-\(Self.arch))"
    }
}

/// `infera version`: print the version, commit and build date.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show the version, the commit it was built from and the build date.",
        discussion: """
        Release binaries (scripts/release.sh) carry the commit and build date; a `swift build` binary prints null for both.

        Examples:
          infera version
          infera version --json    # {"version":"0.1.0","commit":"…","build_date":"…","os":"linux","arch":"x86_64"}

        Exit codes: 0 always.
        """
    )

    @Flag(name: .long, help: "Print as JSON (keys: version, commit, build_date, os, arch).")
    var json = false

    func run() throws {
        let info = BuildInfo.current
        print(json ? info.json : info.text)
    }
}
