import NIOCore
import RESP
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem in an AOF file: which file, at which byte, and what to do about it.
public struct AOFLoadError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let offset: Int
    public let reason: String
    public var description: String {
        "Bad file format reading the append only file \(file) at offset \(offset): \(reason). "
            + "Hint: back up the AOF directory, then run `infera server --check-aof \(file) --fix` "
            + "(or redis-check-aof --fix) to truncate the file at the last valid command."
    }
}

/// Parsing AOF command streams (RESP multibulk, `#` annotation lines) for loading and checking.
public enum AOFParser {
    public enum Step {
        case command([[UInt8]], start: Int, end: Int)
        case annotation(end: Int)
        /// The data ends in the middle of a command that started at `start`.
        case truncated(start: Int)
        case end
    }

    /// Parses the command starting at `pos` of `data`; throws `reason` text on a malformed one.
    public static func next(_ data: ArraySlice<UInt8>, at pos: Int) throws -> Step {
        let e = data.endIndex
        if pos >= e { return .end }
        var i = pos
        func line() -> ArraySlice<UInt8>? {
            var j = i
            while j + 1 < e { if data[j] == 13 && data[j + 1] == 10 { let l = data[i..<j]; i = j + 2; return l }; j += 1 }
            return nil
        }
        if data[pos] == UInt8(ascii: "#") {
            guard line() != nil else { return .truncated(start: pos) }
            return .annotation(end: i)
        }
        guard data[pos] == UInt8(ascii: "*") else { throw ParseFailure("expected '*', found byte \(data[pos])") }
        guard let header = line() else { return .truncated(start: pos) }
        guard let n = Int(String(decoding: header.dropFirst(), as: UTF8.self)), n >= 1 else {
            throw ParseFailure("invalid multibulk length '\(String(decoding: header, as: UTF8.self))'")
        }
        var argv: [[UInt8]] = []
        argv.reserveCapacity(n)
        for _ in 0..<n {
            if i >= e { return .truncated(start: pos) }
            guard data[i] == UInt8(ascii: "$") else { throw ParseFailure("expected '$', found byte \(data[i])") }
            guard let lenLine = line() else { return .truncated(start: pos) }
            guard let len = Int(String(decoding: lenLine.dropFirst(), as: UTF8.self)), len >= 0 else {
                throw ParseFailure("invalid bulk length '\(String(decoding: lenLine, as: UTF8.self))'")
            }
            if i + len + 2 > e { return .truncated(start: pos) }
            guard data[i + len] == 13 && data[i + len + 1] == 10 else { throw ParseFailure("bulk string not terminated by CRLF") }
            argv.append(Array(data[i..<i + len]))
            i += len + 2
        }
        return .command(argv, start: pos, end: i)
    }

    public struct ParseFailure: Error { public let reason: String; init(_ r: String) { reason = r } }
}

/// What loading the AOF found.
public struct AOFLoadReport: Sendable {
    public var files = 0
    public var commands = 0
    public var keysFromBase = 0
    /// A truncated tail that was cut off (file, offset it was truncated to).
    public var truncated: (file: String, offset: Int)?
}

extension Engine {
    /// Loads the AOF named by the manifest (start-up with `appendonly yes`, DEBUG LOADAOF; lock held):
    /// the base (RDB preamble or commands), then each incr file in order. nil when there is no AOF.
    /// A truncated last command of the last file is cut off when `aof-load-truncated yes` (logged);
    /// anything else malformed throws `AOFLoadError`.
    public func loadAOF() throws -> AOFLoadReport? {
        let manifest: AOFManifest
        if let m = try aofReadManifest() {
            manifest = m
        } else {
            // Redis < 7 single file `dir`/`appendfilename`: load it and move it into the directory as the base.
            let legacy = persistenceDirectory + "/" + aofFileName
            guard access(legacy, F_OK) == 0 else { return nil }
            try AOFFiles.makeDirectory(aofDirectory)
            guard rename(legacy, aofPath(aofFileName)) == 0 else {
                throw RDBFormatError("Can't move the old-style AOF \(legacy) into \(aofDirectory): \(RDBFile.errnoText())")
            }
            var m = AOFManifest()
            m.base = .init(name: aofFileName, seq: 1, type: .base)
            try aofPersistManifest(m)
            scriptLog?(2, "Successfully migrated an old-style AOF into the AOF directory \(aofDirName)")
            manifest = m
        }
        // An upgrade interrupted between writing the manifest and moving the old file: finish the move.
        if let b = manifest.base, b.name == aofFileName, access(aofPath(b.name), F_OK) != 0 {
            let legacy = persistenceDirectory + "/" + aofFileName
            if access(legacy, F_OK) == 0 && rename(legacy, aofPath(b.name)) != 0 {
                throw RDBFormatError("Can't move the old-style AOF \(legacy) into \(aofDirectory): \(RDBFile.errnoText())")
            }
        }
        aof.manifest = manifest
        aof.manifestLoaded = true
        let wasPropagating = aof.propagating
        aof.propagating = false
        defer { aof.propagating = wasPropagating }
        var report = AOFLoadReport()
        var files: [AOFManifest.Entry] = []
        if let b = manifest.base { files.append(b) }
        files += manifest.incrs
        let session = ClientSession(id: -1, now: clock.nowMilliseconds(), authenticated: true, remoteAddress: "aof:0", localAddress: "aof:0")
        session.isInternal = true
        var ctx = CommandContext(engine: self, session: session, buffer: ByteBufferAllocator().buffer(capacity: 256))
        for (n, f) in files.enumerated() {
            let path = aofPath(f.name)
            guard let data = RDBFile.readWholeFile(path) else {
                if errno == ENOENT, f.type == .incr, n == files.count - 1 { continue }   // created lazily
                throw RDBFormatError("Can't open the append-only file \(f.name) (in \(aofDirectory)) for reading: \(RDBFile.errnoText())")
            }
            report.files += 1
            let last = n == files.count - 1
            try loadAOFFile(data, path: path, isLast: last, ctx: &ctx, report: &report)
        }
        aof.baseSize = manifest.base.map { aofFileSize($0.name) } ?? 0
        aof.currentSize = aof.baseSize + manifest.incrs.reduce(0) { $0 + aofFileSize($1.name) }
        dirty = 0
        return report
    }

    private func loadAOFFile(_ data: [UInt8], path: String, isLast: Bool, ctx: inout CommandContext, report: inout AOFLoadReport) throws {
        var pos = 0
        if data.count >= 5 && Array(data[0..<5]) == Array("REDIS".utf8) {
            do {
                let r = try RDBFile.load(bytes: data[...], into: self)
                report.keysFromBase += r.keys
                pos = r.endOffset
            } catch let e as RDBFormatError {
                throw AOFLoadError(file: path, offset: 0, reason: "the RDB preamble is not valid (\(e.description))")
            }
        }
        var multi: [[[UInt8]]]?
        var multiStart = 0
        ctx.session.db = 0
        while true {
            let step: AOFParser.Step
            do { step = try AOFParser.next(data[...], at: pos) } catch let f as AOFParser.ParseFailure {
                throw AOFLoadError(file: path, offset: pos, reason: f.reason)
            }
            switch step {
            case .end:
                if multi != nil {
                    try truncatedTail(path: path, at: multiStart, isLast: isLast, report: &report, why: "Revert incomplete MULTI/EXEC transaction in AOF file")
                }
                return
            case .truncated(let start):
                try truncatedTail(path: path, at: multi != nil ? multiStart : start, isLast: isLast, report: &report, why: "!!! Warning: short read while loading the AOF file")
                return
            case .annotation(let end):
                pos = end
            case .command(let argv, let start, let end):
                pos = end
                let name = String(decoding: argv[0], as: UTF8.self).lowercased()
                if name == "multi" {
                    multi = []
                    multiStart = start
                    continue
                }
                if name == "exec", let queued = multi {
                    multi = nil
                    for c in queued { try replayAOFCommand(c, ctx: &ctx, file: path, offset: start, report: &report) }
                    continue
                }
                if multi != nil { multi!.append(argv); continue }
                try replayAOFCommand(argv, ctx: &ctx, file: path, offset: start, report: &report)
            }
        }
    }

    private func truncatedTail(path: String, at offset: Int, isLast: Bool, report: inout AOFLoadReport, why: String) throws {
        guard isLast else {
            throw AOFLoadError(file: path, offset: offset, reason: "unexpected end of file (only the last file of the AOF may be truncated)")
        }
        guard aofLoadTruncated else {
            throw AOFLoadError(file: path, offset: offset, reason: "unexpected end of file (aof-load-truncated is no)")
        }
        scriptLog?(3, "\(why) \(path). AOF loaded anyway because aof-load-truncated is enabled; truncating the AOF at offset \(offset)")
        if truncate(path, off_t(offset)) != 0 {
            throw AOFLoadError(file: path, offset: offset, reason: "could not truncate the file: \(RDBFile.errnoText())")
        }
        report.truncated = (path, offset)
    }

    private func replayAOFCommand(_ argv: [[UInt8]], ctx: inout CommandContext, file: String, offset: Int, report: inout AOFLoadReport) throws {
        ctx.args = Argv(bytes: argv)
        guard var cmd = commandTable.lookup(ctx.args[0]) else {
            throw AOFLoadError(file: file, offset: offset, reason: "unknown command '\(String(decoding: argv[0], as: UTF8.self))' reading the append only file")
        }
        if cmd.isContainer {
            guard argv.count >= 2, let sub = findSubcommand(cmd, ctx.args[1]) else {
                throw AOFLoadError(file: file, offset: offset, reason: "unknown subcommand of '\(cmd.name)' reading the append only file")
            }
            cmd = sub
        }
        if (cmd.arity > 0 && argv.count != cmd.arity) || argv.count < -cmd.arity {
            throw AOFLoadError(file: file, offset: offset, reason: "wrong number of arguments for '\(cmd.fullName)' reading the append only file")
        }
        ctx.now = clock.nowMilliseconds()
        commandTime = ctx.now
        ctx.out.buffer.clear()
        call(&ctx, cmd)
        report.commands += 1
    }
}
