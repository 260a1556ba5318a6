#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `infera server --check-aof FILE|DIR|MANIFEST [--fix]`: what `redis-check-aof [--fix]` does. Checks
/// every file the manifest names (or one file): the RDB preamble, then each command; an incomplete
/// MULTI/EXEC or command at the end of the last file is reported with the offset to cut at, and `--fix`
/// truncates the file there.
public enum AOFCheck {
    public struct Result: Sendable {
        public var ok: Bool
        public var lines: [String]
    }

    public static func run(path: String, fix: Bool) -> Result {
        var lines: [String] = []
        var files: [String] = []
        var st = stat()
        guard stat(path, &st) == 0 else { return Result(ok: false, lines: ["Cannot open \(path): \(RDBFile.errnoText())"]) }
        var manifestPath: String?
        if (st.st_mode & S_IFMT) == S_IFDIR {
            let d = opendir(path)
            if let d {
                while let e = readdir(d) {
                    let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    if name.hasSuffix(".manifest") { manifestPath = path + "/" + name }
                }
                closedir(d)
            }
            if manifestPath == nil { return Result(ok: false, lines: ["No AOF manifest (*.manifest) in \(path)"]) }
        } else if path.hasSuffix(".manifest") {
            manifestPath = path
        }
        if let mp = manifestPath {
            guard let bytes = RDBFile.readWholeFile(mp) else { return Result(ok: false, lines: ["Cannot read \(mp): \(RDBFile.errnoText())"]) }
            let m: AOFManifest
            do { m = try AOFManifest.parse(String(decoding: bytes, as: UTF8.self)) } catch {
                return Result(ok: false, lines: ["\(mp): \(error)"])
            }
            let dir = RDBFile.parentDirectory(of: mp)
            if let b = m.base { files.append(dir + "/" + b.name) }
            files += m.incrs.map { dir + "/" + $0.name }
            lines.append("Checking the AOF manifest \(mp): \(files.count) file(s)")
        } else {
            files = [path]
        }
        var ok = true
        for (i, f) in files.enumerated() {
            let last = i == files.count - 1
            guard let data = RDBFile.readWholeFile(f) else {
                lines.append("Cannot read \(f): \(RDBFile.errnoText())")
                ok = false
                continue
            }
            var pos = 0
            if data.count >= 5 && Array(data[0..<5]) == Array("REDIS".utf8) {
                do {
                    pos = try RDBFile.load(bytes: data[...], into: Engine(registerBuiltins: false)).endOffset
                    lines.append("\(f): RDB preamble is OK (\(pos) bytes)")
                } catch {
                    lines.append("\(f): RDB preamble is not valid: \(error)")
                    ok = false
                    continue
                }
            }
            var okUpTo = pos
            var inMulti = false
            var problem: String?
            scan: while true {
                do {
                    switch try AOFParser.next(data[...], at: pos) {
                    case .command(let argv, _, let end):
                        let name = String(decoding: argv[0], as: UTF8.self).lowercased()
                        if name == "multi" {
                            if inMulti { problem = "MULTI inside MULTI"; break scan }
                            inMulti = true
                        } else if name == "exec" {
                            inMulti = false
                        }
                        pos = end
                        if !inMulti { okUpTo = end }
                    case .annotation(let end):
                        pos = end
                        if !inMulti { okUpTo = end }
                    case .truncated:
                        problem = "incomplete command"
                        break scan
                    case .end:
                        if inMulti { problem = "MULTI/EXEC transaction without EXEC" }
                        break scan
                    }
                } catch let e as AOFParser.ParseFailure {
                    problem = e.reason
                    break scan
                } catch {
                    problem = "\(error)"
                    break scan
                }
            }
            guard let problem else {
                lines.append("\(f): AOF is valid (size=\(data.count))")
                continue
            }
            lines.append("\(f): \(problem) at offset \(pos); ok_up_to=\(okUpTo), diff=\(data.count - okUpTo)")
            if fix && last {
                if truncate(f, off_t(okUpTo)) == 0 {
                    lines.append("Successfully truncated \(f) to \(okUpTo) bytes")
                } else {
                    lines.append("Failed to truncate \(f): \(RDBFile.errnoText())")
                    ok = false
                }
            } else {
                ok = false
                lines.append(last ? "Run with --fix to truncate the file at offset \(okUpTo) (back it up first)."
                                  : "Only the last file of an AOF can be fixed by truncation; this one needs a backup restored.")
            }
        }
        return Result(ok: ok, lines: lines)
    }
}
