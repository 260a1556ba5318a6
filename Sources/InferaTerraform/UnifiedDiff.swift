/// A unified diff (`diff -u` style, 3 lines of context) between two texts, line by line.
public enum UnifiedDiff {
    public static func make(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        if a == b { return "" }
        let ops = script(a, b)
        // Group the edit script into hunks with `context` unchanged lines around changes.
        var out = "--- \(oldName)\n+++ \(newName)\n"
        var i = 0
        while i < ops.count {
            guard let firstChange = ops[i...].firstIndex(where: { $0.kind != .same }) else { break }
            var start = max(i, firstChange - context)
            if start < i { start = i }
            var end = firstChange
            var lastChange = firstChange
            while end < ops.count {
                if ops[end].kind != .same { lastChange = end }
                if end - lastChange > 2 * context { break }
                end += 1
            }
            let stop = min(ops.count, lastChange + context + 1)
            let hunk = ops[start..<stop]
            let oldStart = hunk.first { $0.kind != .insert }?.oldIndex ?? (hunk.first?.oldIndex ?? 0)
            let newStart = hunk.first { $0.kind != .delete }?.newIndex ?? (hunk.first?.newIndex ?? 0)
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for op in hunk {
                switch op.kind {
                case .same: out += " " + op.text + "\n"
                case .delete: out += "-" + op.text + "\n"
                case .insert: out += "+" + op.text + "\n"
                }
            }
            i = stop
        }
        return out
    }

    static func range(_ start: Int, _ count: Int) -> String {
        let s = count == 0 ? start : start + 1
        return count == 1 ? "\(s)" : "\(s),\(count)"
    }

    static func lines(_ s: String) -> [String] {
        var l = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if l.last == "" { l.removeLast() }
        return l
    }

    enum Kind { case same, delete, insert }
    struct Op { var kind: Kind; var text: String; var oldIndex: Int; var newIndex: Int }

    /// Longest-common-subsequence edit script (files here are a few hundred lines at most).
    static func script(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(Op(kind: .same, text: a[i], oldIndex: i, newIndex: j)); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                ops.append(Op(kind: .delete, text: a[i], oldIndex: i, newIndex: j)); i += 1
            } else {
                ops.append(Op(kind: .insert, text: b[j], oldIndex: i, newIndex: j)); j += 1
            }
        }
        return ops
    }
}

/// What writing a generated file did (or would do).
public struct FileChange: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case created, changed, unchanged }
    /// Path relative to the output directory.
    public var path: String
    public var status: Status
    /// Unified diff against the earlier generation (changed files only, when asked for).
    public var diff: String?
}

/// Writes generated files into a directory: atomically, and only those whose contents changed.
public enum ModuleWriter {
    /// Compares `files` with what `directory` holds and writes new or changed ones (unless `dryRun`).
    public static func write(_ files: [(path: String, contents: String)], to directory: String,
                             withDiffs: Bool, dryRun: Bool = false) throws -> [FileChange] {
        var changes: [FileChange] = []
        for f in files {
            let full = directory + "/" + f.path
            let oldBytes = try FileSystem.readBytes(full)
            let status: FileChange.Status
            var diff: String?
            if let oldBytes {
                if oldBytes.elementsEqual(f.contents.utf8) {
                    status = .unchanged
                } else {
                    status = .changed
                    if withDiffs {
                        diff = UnifiedDiff.make(old: String(decoding: oldBytes, as: UTF8.self), new: f.contents,
                                                oldName: "a/" + f.path, newName: "b/" + f.path)
                    }
                }
            } else {
                status = .created
            }
            if status != .unchanged && !dryRun {
                let parent = full.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
                if !parent.isEmpty { try FileSystem.makeDirectories(parent) }
                try FileSystem.writeAtomically(f.contents, to: full)
            }
            changes.append(FileChange(path: f.path, status: status, diff: diff))
        }
        return changes
    }
}
