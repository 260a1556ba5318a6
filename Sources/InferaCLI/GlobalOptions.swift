import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options every command accepts.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Flag(name: .long, help: "Disable coloured output (also: NO_COLOR=1).")
    public var noColor = false

    @Flag(name: .long, help: "Log every provider HTTP request and response to stderr, credentials redacted (also: INFERA_LOG=debug).")
    public var debug = false

    public init() {}

    /// Colour only on a terminal, never when NO_COLOR is set or --no-color is given.
    public var useColor: Bool { Terminal.colorEnabled(noColorFlag: noColor, fileDescriptor: STDOUT_FILENO) }
}

/// Facts about where output goes.
public enum Terminal {
    /// True when `fd` is a terminal.
    public static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// True when running under CI (the `CI` variable is set and not "false"/"0").
    public static var isCI: Bool {
        guard let value = environment("CI") else { return false }
        return !(value.isEmpty || value == "0" || value.lowercased() == "false")
    }

    /// Whether to emit ANSI colour on `fd`.
    public static func colorEnabled(noColorFlag: Bool, fileDescriptor fd: Int32) -> Bool {
        if noColorFlag { return false }
        if let v = environment("NO_COLOR"), !v.isEmpty { return false }
        if environment("TERM") == "dumb" { return false }
        return isTTY(fd)
    }

    /// Whether progress indicators and prompts are allowed (a terminal, not CI).
    public static var interactive: Bool { !isCI && isTTY(STDOUT_FILENO) && isTTY(STDIN_FILENO) }

    static func environment(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}
