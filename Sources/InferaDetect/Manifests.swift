import InferaDiagnostics

/// One dependency as a manifest declares it, before the catalogue is consulted.
public struct DeclaredDependency: Sendable, Hashable {
    /// As spelled (Python extras kept as `celery[redis]` when they mention redis; Maven as `group:artifact`).
    public var package: String
    public var ecosystem: String
    public var version: String?
    public var line: Int
    public var scope: DependencyScope
    /// Where the version comes from when the declaration has none: `cpm` (Directory.Packages.props), `catalog`
    /// (Gradle `libs.…` or pnpm `catalog:`), `workspace` (Cargo), `managed` (Maven dependencyManagement/BOM/parent).
    public var versionRef: String? = nil
    /// Gradle version-catalog accessor (`libs.spring.boot.starter.data.redis`) when the package is only known through it.
    public var catalogAlias: String? = nil
}

/// A version fixed centrally: a `PackageVersion`, a version-catalog library, a `dependencyManagement` entry, a Cargo
/// `[workspace.dependencies]` entry or a pnpm catalog entry. `key` is the package (or `libs.alias` for catalogs).
public struct VersionDeclaration: Sendable, Hashable {
    public var key: String
    public var package: String
    public var version: String?
    public var line: Int
    /// `cpm`, `catalog`, `managed`, `workspace`, `bom`.
    public var kind: String
}

/// What a manifest says: the project's own name and its dependencies.
public struct ManifestInfo: Sendable {
    public var path: String
    public var ecosystem: String
    public var ownName: String?
    public var dependencies: [DeclaredDependency] = []
    public var versions: [VersionDeclaration] = []
    public var diagnostics: [Diagnostic] = []
}

/// Parsers for the manifest formats, each keeping the line of every declaration and its scope.
public enum Manifests {
    public enum Kind: Sendable, Equatable {
        case packageJSON, requirements, pyproject, pipfile, setupCfg, goMod, gemfile, gemspec, pom, gradle, composer, cargo, csproj, mixExs
        case packagesProps, versionCatalog, pnpmWorkspace
        case lockfile(String)
    }

    /// The manifest or lockfile kind for a file path, from its name.
    public static func kind(forPath path: String) -> Kind? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let lower = name.lowercased()
        switch lower {
        case "package.json": return .packageJSON
        case "pyproject.toml": return .pyproject
        case "pipfile": return .pipfile
        case "setup.cfg": return .setupCfg
        case "go.mod": return .goMod
        case "gemfile", "gems.rb": return .gemfile
        case "pom.xml": return .pom
        case "build.gradle", "build.gradle.kts": return .gradle
        case "composer.json": return .composer
        case "cargo.toml": return .cargo
        case "mix.exs": return .mixExs
        case "directory.packages.props": return .packagesProps
        case "libs.versions.toml": return .versionCatalog
        case "pnpm-workspace.yaml": return .pnpmWorkspace
        case "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock", "pipfile.lock",
             "gemfile.lock", "gems.locked", "cargo.lock", "composer.lock", "mix.lock":
            return .lockfile(lower)
        default: break
        }
        if lower.hasSuffix(".versions.toml") && path.contains("gradle/") { return .versionCatalog }
        if lower.hasSuffix(".csproj") || lower.hasSuffix(".fsproj") || lower.hasSuffix(".vbproj") { return .csproj }
        if lower.hasSuffix(".gemspec") { return .gemspec }
        if lower.hasSuffix(".txt") && (lower.contains("requirements") || path.contains("requirements/")) { return .requirements }
        if lower.hasSuffix(".in") && lower.contains("requirements") { return .requirements }
        return nil
    }

    /// Parses a manifest. Malformed input yields a diagnostic and whatever could be read.
    public static func parse(_ kind: Kind, path: String, bytes: [UInt8]) -> ManifestInfo {
        switch kind {
        case .packageJSON: return jsonManifest(path: path, bytes: bytes, ecosystem: "npm", sections: [
            ("dependencies", .runtime), ("devDependencies", .dev), ("optionalDependencies", .optional), ("peerDependencies", .optional)])
        case .composer: return jsonManifest(path: path, bytes: bytes, ecosystem: "packagist", sections: [("require", .runtime), ("require-dev", .dev)])
        case .requirements: return requirements(path: path, bytes: bytes)
        case .pyproject: return pyproject(path: path, bytes: bytes)
        case .pipfile: return pipfile(path: path, bytes: bytes)
        case .setupCfg: return setupCfg(path: path, bytes: bytes)
        case .goMod: return goMod(path: path, bytes: bytes)
        case .gemfile: return gemfile(path: path, bytes: bytes)
        case .gemspec: return gemspec(path: path, bytes: bytes)
        case .pom: return pom(path: path, bytes: bytes)
        case .gradle: return gradle(path: path, bytes: bytes)
        case .cargo: return cargo(path: path, bytes: bytes)
        case .csproj: return csproj(path: path, bytes: bytes)
        case .mixExs: return mixExs(path: path, bytes: bytes)
        case .packagesProps: return packagesProps(path: path, bytes: bytes)
        case .versionCatalog: return versionCatalog(path: path, bytes: bytes)
        case .pnpmWorkspace: return pnpmWorkspace(path: path, bytes: bytes)
        case .lockfile: return ManifestInfo(path: path, ecosystem: "")
        }
    }

    // MARK: helpers

    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
    }

    /// Scope from a group, configuration or file name.
    static func scope(forGroup g: String, default def: DependencyScope = .optional) -> DependencyScope {
        let l = g.lowercased()
        if l.contains("test") || l.contains("spec") || l == "ci" { return .test }
        if l.contains("dev") || ["lint", "docs", "doc", "typing", "format", "style", "bench", "benchmark"].contains(l) { return .dev }
        return def
    }

    static func malformed(_ path: String, _ line: Int, _ message: String) -> Diagnostic {
        .warning("detect.malformed-manifest", "malformed manifest: \(message); the scan goes on", at: SourceLocation(file: path, line: max(1, line), column: 1))
    }

    /// `name[extras] (op version) ; markers` → (name, version).
    static func pep508(_ spec: String) -> (String, String?)? {
        let s = spec.trimmedSpaces()
        var name = ""
        var idx = s.startIndex
        while idx < s.endIndex, s[idx].isLetter || s[idx].isNumber || "._-".contains(s[idx]) { name.append(s[idx]); idx = s.index(after: idx) }
        guard !name.isEmpty else { return nil }
        var rest = s[idx...].trimmedSpaces()
        if rest.hasPrefix("[") , let close = rest.firstIndex(of: "]") {
            let extras = rest[rest.index(after: rest.startIndex)..<close].lowercased()
            if extras.split(separator: ",").contains(where: { $0.trimmedSpaces() == "redis" }) { name += "[redis]" }
            rest = String(rest[rest.index(after: close)...]).trimmedSpaces()
        }
        if let semi = rest.firstIndex(of: ";") { rest = String(rest[..<semi]).trimmedSpaces() }
        if rest.hasPrefix("@") { rest = "" }
        rest = rest.replacingAll("(", "").replacingAll(")", "").trimmedSpaces()
        return (name, rest.isEmpty ? nil : rest)
    }

    static func stripHashComment(_ line: String) -> String {
        var inQuote: Character? = nil
        for (i, c) in line.enumerated() {
            if let q = inQuote { if c == q { inQuote = nil } }
            else if c == "\"" || c == "'" { inQuote = c }
            else if c == "#" { return String(line.prefix(i)) }
        }
        return line
    }

    /// Quoted strings in a line (double or single quotes).
    static func quoted(_ line: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var q: Character? = nil
        for c in line {
            if let qq = q {
                if c == qq { out.append(cur); cur = ""; q = nil } else { cur.append(c) }
            } else if c == "\"" || c == "'" { q = c }
        }
        return out
    }

    // MARK: JSON manifests

    static func jsonManifest(path: String, bytes: [UInt8], ecosystem: String, sections: [(String, DependencyScope)]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: ecosystem)
        let root: JSONLite
        do { root = try JSONLite.parse(bytes) } catch {
            info.diagnostics.append(malformed(path, error.line, error.message))
            return info
        }
        info.ownName = root["name"]?.stringValue
        for (key, scope) in sections {
            for m in root[key]?.members ?? [] {
                var d = DeclaredDependency(package: m.key, ecosystem: ecosystem, version: m.value.stringValue, line: m.line, scope: scope)
                if let v = d.version, v.hasPrefix("catalog:") { d.versionRef = "catalog"; d.version = nil }
                else if let v = d.version, v.hasPrefix("workspace:") { d.versionRef = "workspace"; d.version = nil }
                info.dependencies.append(d)
            }
        }
        return info
    }

    // MARK: Python

    static func requirements(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "pypi")
        let fileScope = scope(forGroup: path.lowercased(), default: .runtime)
        for (i, raw) in lines(bytes).enumerated() {
            var line = raw
            if let h = line.range(of: " #") { line = String(line[..<h.lowerBound]) }
            line = line.trimmedSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("-") || line.hasPrefix("http") || line.hasPrefix("git+") { continue }
            if let (name, version) = pep508(line) {
                info.dependencies.append(DeclaredDependency(package: name, ecosystem: "pypi", version: version, line: i + 1, scope: fileScope))
            }
        }
        return info
    }

    /// A line-oriented TOML reader: yields (table, key, value text, line, strings with their lines).
    struct TOMLEntry {
        var table: String
        var key: String
        var value: String
        var line: Int
        var strings: [(String, Int)]
    }

    static func toml(_ bytes: [UInt8], path: String, diagnostics: inout [Diagnostic]) -> [TOMLEntry] {
        var out: [TOMLEntry] = []
        var table = ""
        let ls = lines(bytes)
        var i = 0
        while i < ls.count {
            let line = stripHashComment(ls[i]).trimmedSpaces()
            defer { i += 1 }
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                var t = line.replacingAll("[[", "").replacingAll("]]", "")
                t = t.replacingAll("[", "").replacingAll("]", "").trimmedSpaces()
                table = t.replacingAll("\"", "").replacingAll("'", "")
                out.append(TOMLEntry(table: table, key: "", value: "", line: i + 1, strings: []))
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                diagnostics.append(malformed(path, i + 1, "expected 'key = value'"))
                continue
            }
            let key = line[..<eq].trimmedSpaces().replacingAll("\"", "").replacingAll("'", "")
            var value = line[line.index(after: eq)...].trimmedSpaces()
            var strings: [(String, Int)] = quoted(value).map { ($0, i + 1) }
            let startLine = i + 1
            var depth = value.filter { $0 == "[" || $0 == "{" }.count - value.filter { $0 == "]" || $0 == "}" }.count
            var guardCount = 0
            while depth > 0 && i + 1 < ls.count && guardCount < 100_000 {
                i += 1
                guardCount += 1
                let more = stripHashComment(ls[i])
                value += " " + more.trimmedSpaces()
                strings += quoted(more).map { ($0, i + 1) }
                depth += more.filter { $0 == "[" || $0 == "{" }.count - more.filter { $0 == "]" || $0 == "}" }.count
            }
            out.append(TOMLEntry(table: table, key: key, value: value, line: startLine, strings: strings))
        }
        return out
    }

    /// The version in `"1.0"` or `{ version = "1.0", ... }`.
    static func tomlVersion(_ value: String) -> String? {
        let v = value.trimmedSpaces()
        if v.hasPrefix("\"") || v.hasPrefix("'") { return quoted(v).first }
        if let r = v.range(of: "version") {
            return quoted(String(v[r.upperBound...])).first
        }
        return nil
    }

    static func pyproject(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "pypi")
        for e in toml(bytes, path: path, diagnostics: &info.diagnostics) where !e.key.isEmpty {
            let t = e.table
            if (t == "project" || t == "tool.poetry") && e.key == "name" { info.ownName = quoted(e.value).first }
            var arrayScope: DependencyScope?
            if t == "project" && e.key == "dependencies" { arrayScope = .runtime }
            else if t == "project.optional-dependencies" || t == "dependency-groups" { arrayScope = scope(forGroup: e.key, default: t == "dependency-groups" ? .dev : .optional) }
            else if t == "tool.uv" && e.key == "dev-dependencies" { arrayScope = .dev }
            if let s = arrayScope {
                for (str, line) in e.strings {
                    if let (name, version) = pep508(str) {
                        info.dependencies.append(DeclaredDependency(package: name, ecosystem: "pypi", version: version, line: line, scope: s))
                    }
                }
                continue
            }
            var tableScope: DependencyScope?
            if t == "tool.poetry.dependencies" { tableScope = .runtime }
            else if t == "tool.poetry.dev-dependencies" { tableScope = .dev }
            else if t.hasPrefix("tool.poetry.group.") && t.hasSuffix(".dependencies") {
                let g = t.dropFirst("tool.poetry.group.".count).dropLast(".dependencies".count)
                tableScope = scope(forGroup: String(g), default: .dev)
            }
            if var s = tableScope, e.key != "python" {
                if s == .runtime && e.value.contains("optional") && e.value.contains("true") { s = .optional }
                var name = e.key
                if e.value.contains("extras"), e.value.lowercased().contains("\"redis\"") { name += "[redis]" }
                info.dependencies.append(DeclaredDependency(package: name, ecosystem: "pypi", version: tomlVersion(e.value), line: e.line, scope: s))
            }
        }
        return info
    }

    static func pipfile(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "pypi")
        for e in toml(bytes, path: path, diagnostics: &info.diagnostics) where !e.key.isEmpty {
            let s: DependencyScope? = e.table == "packages" ? .runtime : e.table == "dev-packages" ? .dev : nil
            guard let scope = s else { continue }
            var name = e.key
            if e.value.contains("extras"), e.value.lowercased().contains("redis") { name += "[redis]" }
            let v = tomlVersion(e.value)
            info.dependencies.append(DeclaredDependency(package: name, ecosystem: "pypi", version: v == "*" ? nil : v, line: e.line, scope: scope))
        }
        return info
    }

    static func setupCfg(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "pypi")
        var section = ""
        var currentKey: String?
        var currentScope: DependencyScope?
        for (i, raw) in lines(bytes).enumerated() {
            let line = stripHashComment(raw)
            let trimmed = line.trimmedSpaces()
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                section = String(trimmed.dropFirst().dropLast()).lowercased()
                currentKey = nil; currentScope = nil
                continue
            }
            if trimmed.isEmpty || trimmed.hasPrefix(";") { continue }
            let indented = line.first == " " || line.first == "\t"
            var valuePart = trimmed
            if !indented, let eq = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) {
                let key = trimmed[..<eq].trimmedSpaces().lowercased()
                valuePart = trimmed[trimmed.index(after: eq)...].trimmedSpaces()
                currentKey = key
                if section == "options" && key == "install_requires" { currentScope = .runtime }
                else if section == "options" && key == "tests_require" { currentScope = .test }
                else if section == "options.extras_require" { currentScope = scope(forGroup: key) }
                else if section == "metadata" && key == "name" { info.ownName = valuePart; currentScope = nil }
                else { currentScope = nil }
            } else if !indented {
                currentKey = nil; currentScope = nil
            }
            if currentKey != nil, let s = currentScope, !valuePart.isEmpty, let (name, version) = pep508(valuePart) {
                info.dependencies.append(DeclaredDependency(package: name, ecosystem: "pypi", version: version, line: i + 1, scope: s))
            }
        }
        return info
    }

    // MARK: Go

    static func goMod(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "go")
        var inRequire = false
        for (i, raw) in lines(bytes).enumerated() {
            var line = raw
            if let c = line.range(of: "//") { line = String(line[..<c.lowerBound]) }
            line = line.trimmedSpaces()
            if line.isEmpty { continue }
            if line.hasPrefix("module ") { info.ownName = line.dropFirst(7).trimmedSpaces().replacingAll("\"", ""); continue }
            if line.hasPrefix("require (") || line == "require(" { inRequire = true; continue }
            if inRequire && line == ")" { inRequire = false; continue }
            var spec: Substring?
            if inRequire { spec = Substring(line) } else if line.hasPrefix("require ") { spec = line.dropFirst(8) }
            if let s = spec {
                let parts = s.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if parts.count >= 1 {
                    info.dependencies.append(DeclaredDependency(package: String(parts[0]), ecosystem: "go", version: parts.count > 1 ? String(parts[1]) : nil, line: i + 1, scope: .runtime))
                }
            }
        }
        return info
    }

    // MARK: Ruby

    static func rubySymbols(_ s: Substring) -> [String] {
        s.split(whereSeparator: { ", []()".contains($0) }).compactMap { $0.hasPrefix(":") ? String($0.dropFirst()) : ($0.hasPrefix("\"") || $0.hasPrefix("'") ? $0.replacingAll("\"", "").replacingAll("'", "") : nil) }
    }

    static func gemfile(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "rubygems")
        var stack: [[String]] = []
        for (i, raw) in lines(bytes).enumerated() {
            let line = stripHashComment(raw).trimmedSpaces()
            if line.isEmpty { continue }
            if line == "end" { _ = stack.popLast(); continue }
            if line.hasPrefix("group ") || line.hasPrefix("group(") {
                let body = line.dropFirst(5)
                let doRange = body.range(of: " do")
                stack.append(rubySymbols(doRange.map { body[..<$0.lowerBound] } ?? body))
                continue
            }
            if line.hasSuffix(" do") || line.contains(" do |") { stack.append([]); continue }
            guard line.hasPrefix("gem ") || line.hasPrefix("gem(") else { continue }
            let q = quoted(line)
            guard let name = q.first else { continue }
            var groups = stack.flatMap { $0 }
            if let g = line.range(of: "group") {
                groups += line[g.upperBound...].split(whereSeparator: { !($0.isLetter || $0 == "_") }).map(String.init).filter { $0 != "s" }
            }
            let version = q.dropFirst().first { $0.first.map { "~<>=!0123456789".contains($0) } ?? false }
            var scope = DependencyScope.runtime
            if groups.contains(where: { $0.contains("test") }) { scope = .test }
            else if groups.contains(where: { $0.contains("development") || $0 == "dev" }) { scope = .dev }
            info.dependencies.append(DeclaredDependency(package: name, ecosystem: "rubygems", version: version, line: i + 1, scope: scope))
        }
        return info
    }

    static func gemspec(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "rubygems")
        for (i, raw) in lines(bytes).enumerated() {
            let line = stripHashComment(raw).trimmedSpaces()
            if line.contains(".name") && line.contains("="), info.ownName == nil { info.ownName = quoted(line).first }
            let scope: DependencyScope
            if line.contains("add_development_dependency") { scope = .dev }
            else if line.contains("add_dependency") || line.contains("add_runtime_dependency") { scope = .runtime }
            else { continue }
            let q = quoted(line)
            if let name = q.first {
                info.dependencies.append(DeclaredDependency(package: name, ecosystem: "rubygems", version: q.dropFirst().first, line: i + 1, scope: scope))
            }
        }
        return info
    }

    // MARK: XML (pom.xml, csproj)

    struct XMLElement {
        var path: [String]
        var name: String
        var attributes: String
        var text: String
        var line: Int
        var children: [String: (String, Int)]
    }

    /// A forgiving XML walk: calls `visit` for each closed element with its path, attributes, text and children's texts.
    static func xmlElements(_ bytes: [UInt8], visit: (XMLElement) -> Void) -> String? {
        var stack: [XMLElement] = []
        var i = 0
        var line = 1
        let n = bytes.count
        var text: [UInt8] = []
        while i < n {
            let c = bytes[i]
            if c == 10 { line += 1 }
            if c != UInt8(ascii: "<") { text.append(c); i += 1; continue }
            if Lexer.startsWith(bytes, i, "<!--") {
                var e = i + 4
                while e + 2 < n && !(bytes[e] == 45 && bytes[e + 1] == 45 && bytes[e + 2] == 62) { if bytes[e] == 10 { line += 1 }; e += 1 }
                i = e + 3; continue
            }
            if Lexer.startsWith(bytes, i, "<?") || Lexer.startsWith(bytes, i, "<!") {
                while i < n && bytes[i] != UInt8(ascii: ">") { if bytes[i] == 10 { line += 1 }; i += 1 }
                i += 1; continue
            }
            let tagLine = line
            var e = i + 1
            while e < n && bytes[e] != UInt8(ascii: ">") { if bytes[e] == 10 { line += 1 }; e += 1 }
            if e >= n { return "unterminated tag at line \(tagLine)" }
            let tag = String(decoding: bytes[(i + 1)..<e], as: UTF8.self)
            i = e + 1
            if tag.hasPrefix("/") {
                guard var el = stack.popLast() else { return "unexpected closing tag at line \(tagLine)" }
                el.text = String(decoding: text, as: UTF8.self).trimmedSpaces()
                visit(el)
                if !stack.isEmpty { stack[stack.count - 1].children[el.name] = (el.text, el.line) }
                text = []
                continue
            }
            let selfClosing = tag.hasSuffix("/")
            let body = selfClosing ? String(tag.dropLast()) : tag
            let name = String(body.prefix(while: { !$0.isWhitespace }))
            let el = XMLElement(path: stack.map(\.name), name: name, attributes: String(body.dropFirst(name.count)), text: "", line: tagLine, children: [:])
            text = []
            if selfClosing { visit(el) } else { stack.append(el) }
        }
        return stack.isEmpty ? nil : "unclosed element <\(stack.last?.name ?? "")>"
    }

    static func attribute(_ attrs: String, _ name: String) -> String? {
        guard let r = attrs.range(of: name + "=") else { return nil }
        return quoted(String(attrs[r.upperBound...])).first
    }

    static func pom(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "maven")
        var properties: [String: (String, Int)] = [:]
        var raw: [DeclaredDependency] = []
        var parent: (String, String, Int)?
        let problem = xmlElements(bytes) { el in
            if el.name == "artifactId" && el.path == ["project"] { info.ownName = el.text }
            if el.path == ["project", "properties"] { properties[el.name] = (el.text, el.line) }
            if el.name == "parent" && el.path == ["project"], let g = el.children["groupId"]?.0, let a = el.children["artifactId"] {
                parent = ("\(g):\(a.0)", el.children["version"]?.0 ?? "", el.children["version"]?.1 ?? a.1)
            }
            if el.name == "dependency" && el.path.last == "dependencies" {
                guard let g = el.children["groupId"]?.0, let a = el.children["artifactId"] else { return }
                let pkg = "\(g):\(a.0)"
                if el.path.contains("dependencyManagement") {
                    let kind = el.children["scope"]?.0 == "import" ? "bom" : "managed"
                    info.versions.append(VersionDeclaration(key: pkg, package: pkg, version: el.children["version"]?.0, line: el.children["version"]?.1 ?? a.1, kind: kind))
                    return
                }
                let s = el.children["scope"]?.0 ?? "compile"
                let scope: DependencyScope = s == "test" ? .test : s == "provided" ? .build : .runtime
                var d = DeclaredDependency(package: pkg, ecosystem: "maven", version: el.children["version"]?.0, line: a.1, scope: scope)
                if d.version == nil { d.versionRef = "managed" }
                raw.append(d)
            }
        }
        // ${property} versions resolve from <properties>; the property line is a second location.
        func resolve(_ v: String?) -> (String?, Int?) {
            guard let v, v.hasPrefix("${"), v.hasSuffix("}") else { return (v, nil) }
            let name = String(v.dropFirst(2).dropLast())
            if let p = properties[name] { return (p.0, p.1) }
            if name == "project.parent.version", let p = parent { return (p.1, p.2) }
            return (v, nil)
        }
        for var d in raw {
            let (v, l) = resolve(d.version)
            d.version = v
            if let l { info.versions.append(VersionDeclaration(key: d.package, package: d.package, version: v, line: l, kind: "property")); d.versionRef = "property" }
            info.dependencies.append(d)
        }
        for i in info.versions.indices {
            let (v, _) = resolve(info.versions[i].version)
            info.versions[i].version = v
        }
        // A Spring Boot parent manages every org.springframework.boot artifact at its own version.
        if let p = parent, p.0 == "org.springframework.boot:spring-boot-starter-parent" || p.0 == "org.springframework.boot:spring-boot-dependencies" {
            info.versions.append(VersionDeclaration(key: "org.springframework.boot:*", package: p.0, version: p.1, line: p.2, kind: "bom"))
        }
        for b in info.versions where b.kind == "bom" && b.package == "org.springframework.boot:spring-boot-dependencies" {
            info.versions.append(VersionDeclaration(key: "org.springframework.boot:*", package: b.package, version: b.version, line: b.line, kind: "bom"))
        }
        if let p = problem { info.diagnostics.append(malformed(path, 1, p)) }
        return info
    }

    static func csproj(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "nuget")
        var deps: [DeclaredDependency] = []
        var isTest = (path.split(separator: "/").last ?? "").lowercased().contains("test")
        let problem = xmlElements(bytes) { el in
            guard el.name == "PackageReference" else { return }
            guard let inc = attribute(el.attributes, "Include") ?? attribute(el.attributes, "Update") else { return }
            let lower = inc.lowercased()
            if lower == "microsoft.net.test.sdk" || lower.hasPrefix("xunit") || lower.hasPrefix("nunit") || lower.hasPrefix("mstest") { isTest = true }
            var d = DeclaredDependency(package: inc, ecosystem: "nuget", version: attribute(el.attributes, "Version") ?? attribute(el.attributes, "VersionOverride") ?? el.children["Version"]?.0, line: el.line, scope: .runtime)
            if d.version == nil { d.versionRef = "cpm" }
            deps.append(d)
        }
        if let p = problem { info.diagnostics.append(malformed(path, 1, p)) }
        info.dependencies = deps.map { var d = $0; if isTest { d.scope = .test }; return d }
        return info
    }

    /// `Directory.Packages.props`: `<PackageVersion Include="X" Version="1.2" />` (central package management).
    static func packagesProps(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "nuget")
        let problem = xmlElements(bytes) { el in
            guard el.name == "PackageVersion" || el.name == "GlobalPackageReference" else { return }
            guard let inc = attribute(el.attributes, "Include") ?? attribute(el.attributes, "Update") else { return }
            let v = attribute(el.attributes, "Version") ?? el.children["Version"]?.0
            if el.name == "GlobalPackageReference" {
                info.dependencies.append(DeclaredDependency(package: inc, ecosystem: "nuget", version: v, line: el.line, scope: .runtime))
            } else {
                info.versions.append(VersionDeclaration(key: inc.lowercased(), package: inc, version: v, line: el.line, kind: "cpm"))
            }
        }
        if let p = problem { info.diagnostics.append(malformed(path, 1, p)) }
        return info
    }

    /// Gradle version catalog (`gradle/libs.versions.toml`): `[versions]` and `[libraries]`, keyed `libs.<alias>`.
    static func versionCatalog(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "maven")
        let entries = toml(bytes, path: path, diagnostics: &info.diagnostics)
        var versions: [String: String] = [:]
        for e in entries where e.table == "versions" && !e.key.isEmpty { versions[e.key] = quoted(e.value).first }
        for e in entries where e.table == "libraries" && !e.key.isEmpty {
            let alias = "libs." + e.key.replacingAll("-", ".").replacingAll("_", ".").lowercased()
            var pkg: String?
            var version: String?
            let v = e.value.trimmedSpaces()
            if v.hasPrefix("\"") || v.hasPrefix("'") {
                let parts = (quoted(v).first ?? "").split(separator: ":").map(String.init)
                if parts.count >= 2 { pkg = parts[0] + ":" + parts[1]; version = parts.count > 2 ? parts[2] : nil }
            } else {
                func field(_ name: String) -> String? {
                    guard let r = v.range(of: name + " =") ?? v.range(of: name + "=") else { return nil }
                    return quoted(String(v[r.upperBound...])).first
                }
                if let m = field("module") { pkg = m } else if let g = field("group"), let n = field("name") { pkg = g + ":" + n }
                if let ref = field("version.ref") { version = versions[ref] } else { version = field("version") }
            }
            if let pkg { info.versions.append(VersionDeclaration(key: alias, package: pkg, version: version, line: e.line, kind: "catalog")) }
        }
        return info
    }

    /// `pnpm-workspace.yaml`: the `catalog:` (and `catalogs:`) entries, `name: version`.
    static func pnpmWorkspace(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "npm")
        var inCatalog = false
        for (i, raw) in lines(bytes).enumerated() {
            let line = stripHashComment(raw)
            let t = line.trimmedSpaces()
            if t.isEmpty { continue }
            if !line.hasPrefix(" ") { inCatalog = t.hasPrefix("catalog:") || t.hasPrefix("catalogs:"); continue }
            guard inCatalog, let colon = t.lastIndex(of: ":"), colon != t.startIndex else { continue }
            let name = t[..<colon].trimmedSpaces().replacingAll("\"", "").replacingAll("'", "")
            let v = t[t.index(after: colon)...].trimmedSpaces().replacingAll("\"", "").replacingAll("'", "")
            if !v.isEmpty { info.versions.append(VersionDeclaration(key: name, package: name, version: v, line: i + 1, kind: "catalog")) }
        }
        return info
    }

    // MARK: Gradle

    static func gradle(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "maven")
        for (i, raw) in lines(bytes).enumerated() {
            var line = raw
            if let c = line.range(of: "//") , !line[..<c.lowerBound].contains("\"") { line = String(line[..<c.lowerBound]) }
            let t = line.trimmedSpaces()
            let config = String(t.prefix(while: { $0.isLetter || $0.isNumber }))
            guard !config.isEmpty, config.lowercased().hasSuffix("implementation") || config.lowercased().hasSuffix("api") || config.lowercased().hasSuffix("compile") || config.lowercased().hasSuffix("runtimeonly") || config.lowercased().hasSuffix("compileonly") else { continue }
            let lc = config.lowercased()
            let scope: DependencyScope = lc.contains("test") ? .test : lc.contains("compileonly") ? .build : .runtime
            let q = quoted(t)
            var coords: (String, String?)?
            if t.contains("group:") || t.contains("group =") , t.contains("name") {
                // implementation group: 'redis.clients', name: 'jedis', version: '5.1.0'
                if q.count >= 2 { coords = ("\(q[0]):\(q[1])", q.count > 2 ? q[2] : nil) }
            } else if let first = q.first {
                let parts = first.split(separator: ":")
                if parts.count >= 2 { coords = ("\(parts[0]):\(parts[1])", parts.count > 2 ? String(parts[2]) : nil) }
            }
            if let (pkg, v) = coords {
                var d = DeclaredDependency(package: pkg, ecosystem: "maven", version: v, line: i + 1, scope: scope)
                if v == nil { d.versionRef = "managed" }
                info.dependencies.append(d)
            } else if let r = t.range(of: "libs.") {
                // implementation(libs.spring.boot.starter.data.redis) — resolved through the version catalog.
                let alias = "libs." + t[r.upperBound...].prefix(while: { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" }).lowercased()
                var d = DeclaredDependency(package: alias, ecosystem: "maven", version: nil, line: i + 1, scope: scope)
                d.versionRef = "catalog"
                d.catalogAlias = alias.replacingAll("-", ".").replacingAll("_", ".")
                info.dependencies.append(d)
            }
        }
        return info
    }

    // MARK: Rust

    static func cargo(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "crates")
        var tableDep: (name: String, line: Int, scope: DependencyScope)?
        func scopeFor(_ table: String) -> DependencyScope? {
            let last = table.split(separator: ".").last.map(String.init) ?? table
            if table.hasSuffix("dev-dependencies") || last == "dev-dependencies" { return .dev }
            if table.hasSuffix("build-dependencies") { return .build }
            if table.hasSuffix("dependencies") { return .runtime }
            return nil
        }
        for e in toml(bytes, path: path, diagnostics: &info.diagnostics) {
            if e.key.isEmpty {
                // [dependencies.redis] form.
                if let t = tableDep { info.dependencies.append(DeclaredDependency(package: t.name, ecosystem: "crates", version: nil, line: t.line, scope: t.scope)) }
                tableDep = nil
                let parts = e.table.split(separator: ".")
                if parts.count >= 2, let s = scopeFor(parts.dropLast().joined(separator: ".")) {
                    tableDep = (String(parts.last!), e.line, s)
                }
                continue
            }
            if e.table == "package" && e.key == "name" { info.ownName = quoted(e.value).first }
            if var t = tableDep, e.key == "version" {
                info.dependencies.append(DeclaredDependency(package: t.name, ecosystem: "crates", version: quoted(e.value).first, line: t.line, scope: t.scope))
                t.name = ""
                tableDep = nil
                continue
            }
            if e.table == "workspace.dependencies" {
                info.versions.append(VersionDeclaration(key: e.key, package: e.key, version: tomlVersion(e.value), line: e.line, kind: "workspace"))
                continue
            }
            if let s = scopeFor(e.table), tableDep == nil {
                var s2 = s
                if s == .runtime && e.value.contains("optional") && e.value.contains("true") { s2 = .optional }
                var name = e.key
                var d = DeclaredDependency(package: name, ecosystem: "crates", version: tomlVersion(e.value), line: e.line, scope: s2)
                // redis = { workspace = true } or redis.workspace = true
                if name.hasSuffix(".workspace") { name = String(name.dropLast(".workspace".count)); d.package = name; d.versionRef = "workspace"; d.version = nil }
                else if e.value.replacingAll(" ", "").contains("workspace=true") { d.versionRef = "workspace"; d.version = nil }
                info.dependencies.append(d)
            }
        }
        if let t = tableDep { info.dependencies.append(DeclaredDependency(package: t.name, ecosystem: "crates", version: nil, line: t.line, scope: t.scope)) }
        return info
    }

    // MARK: Elixir

    static func mixExs(path: String, bytes: [UInt8]) -> ManifestInfo {
        var info = ManifestInfo(path: path, ecosystem: "hex")
        for (i, raw) in lines(bytes).enumerated() {
            let line = stripHashComment(raw)
            if info.ownName == nil, let r = line.range(of: "app: :") {
                info.ownName = String(line[r.upperBound...].prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))
            }
            var search = line[...]
            while let r = search.range(of: "{:") {
                let rest = search[r.upperBound...]
                let name = String(rest.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))
                let close = rest.firstIndex(of: "}") ?? rest.endIndex
                let tuple = rest[..<close]
                var scope = DependencyScope.runtime
                if let o = tuple.range(of: "only:") {
                    let groups = rubySymbols(tuple[o.upperBound...])
                    if groups.contains("test") && !groups.contains("prod") { scope = .test }
                    else if groups.contains("dev") && !groups.contains("prod") { scope = .dev }
                }
                if !name.isEmpty {
                    info.dependencies.append(DeclaredDependency(package: name, ecosystem: "hex", version: quoted(String(tuple)).first, line: i + 1, scope: scope))
                }
                search = rest[close...]
            }
        }
        return info
    }

    // MARK: Lockfiles

    /// Package → resolved version from a lockfile.
    public static func lockVersions(_ name: String, bytes: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        switch name {
        case "package-lock.json", "npm-shrinkwrap.json":
            guard let root = try? JSONLite.parse(bytes) else { return [:] }
            for m in root["packages"]?.members ?? [] where m.key.hasPrefix("node_modules/") {
                let pkg = String(m.key.dropFirst("node_modules/".count))
                if !pkg.contains("/node_modules/"), let v = m.value["version"]?.stringValue { out[pkg] = v }
            }
            for m in root["dependencies"]?.members ?? [] { if out[m.key] == nil, let v = m.value["version"]?.stringValue { out[m.key] = v } }
        case "composer.lock":
            guard let root = try? JSONLite.parse(bytes) else { return [:] }
            for key in ["packages", "packages-dev"] {
                if case .array(let items)? = root[key] {
                    for it in items { if let n = it["name"]?.stringValue, let v = it["version"]?.stringValue { out[n] = v } }
                }
            }
        case "pipfile.lock":
            guard let root = try? JSONLite.parse(bytes) else { return [:] }
            for key in ["default", "develop"] {
                for m in root[key]?.members ?? [] {
                    if let v = m.value["version"]?.stringValue { out[Catalogue.normalisePython(m.key.lowercased())] = v.replacingAll("==", "") }
                }
            }
        case "poetry.lock", "uv.lock", "cargo.lock":
            var current: String?
            for raw in lines(bytes) {
                let l = raw.trimmedSpaces()
                if l == "[[package]]" { current = nil; continue }
                if l.hasPrefix("name = ") { current = quoted(l).first }
                else if l.hasPrefix("version = "), let c = current, let v = quoted(l).first {
                    out[name == "cargo.lock" ? c : Catalogue.normalisePython(c.lowercased())] = v
                    current = nil
                }
            }
        case "yarn.lock":
            var current: [String] = []
            for raw in lines(bytes) {
                if !raw.hasPrefix(" ") && raw.hasSuffix(":") && !raw.hasPrefix("#") {
                    current = raw.dropLast().split(separator: ",").compactMap { spec in
                        var s = spec.trimmedSpaces().replacingAll("\"", "")
                        if s.hasPrefix("@") { s.removeFirst(); return s.split(separator: "@").first.map { "@" + $0 } }
                        return s.split(separator: "@").first.map(String.init)
                    }
                } else if raw.hasPrefix("  version") {
                    let v = raw.dropFirst(9).trimmedSpaces().replacingAll(":", "").replacingAll("\"", "").trimmedSpaces()
                    for c in current where out[c] == nil { out[c] = v }
                    current = []
                }
            }
        case "pnpm-lock.yaml":
            for raw in lines(bytes) where raw.hasPrefix("  ") && !raw.hasPrefix("   ") && raw.hasSuffix(":") {
                var s = raw.trimmedSpaces().dropLast().replacingAll("'", "")
                if s.hasPrefix("/") { s.removeFirst() }
                let scoped = s.hasPrefix("@")
                let body = scoped ? String(s.dropFirst()) : s
                guard let at = body.firstIndex(of: "@") else { continue }
                let pkg = (scoped ? "@" : "") + body[..<at]
                let v = String(body[body.index(after: at)...].prefix(while: { $0 != "(" }))
                if out[pkg] == nil { out[pkg] = v }
            }
        case "gemfile.lock", "gems.locked":
            for raw in lines(bytes) where raw.hasPrefix("    ") && !raw.hasPrefix("     ") {
                let t = raw.trimmedSpaces()
                if let open = t.firstIndex(of: "("), let close = t.firstIndex(of: ")") , open < close {
                    out[t[..<open].trimmedSpaces()] = String(t[t.index(after: open)..<close])
                }
            }
        case "mix.lock":
            for raw in lines(bytes) {
                let t = raw.trimmedSpaces()
                guard t.hasPrefix("\""), let r = t.range(of: "{:hex, :") else { continue }
                let q = quoted(t)
                if q.count >= 2 { out[q[0]] = q[1] }
                _ = r
            }
        default: break
        }
        return out
    }
}

extension StringProtocol {
    /// Every occurrence of `a` replaced by `b` (no Foundation needed).
    func replacingAll(_ a: String, _ b: String) -> String {
        guard !a.isEmpty else { return String(self) }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func trimmedSpaces() -> String { String(self).trimmedSpaces() }
}
