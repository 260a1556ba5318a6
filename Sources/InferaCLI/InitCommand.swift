import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
import InferaDetect
import InferaTerraform

/// Providers `infera init` can target.
enum InitProvider: String, ExpressibleByArgument, CaseIterable {
    case gcp, aws, upstash
}

/// `infera init`: Write infera.yaml from what detect finds.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write infera.yaml from what detect finds.",
        discussion: """
        Scans PATH like `infera detect`, then writes a commented infera.yaml: the provider from --provider or from markers (Cloud Run / App Engine → gcp, serverless.yml / CDK / SAM → aws, an Upstash client or edge platform → upstash), persistence and eviction from the roles (a pure cache evicts and keeps no snapshots; queues, sessions, locks and leaderboards keep data), high availability for production. It never overwrites an existing file without --force.

        Examples:
          infera init                       # ./infera.yaml for the current directory
          infera init ../shop --provider aws
          infera init -f staging.yaml --force
        """
    )

    @Argument(help: "The repository to scan.", completion: .directory)
    var path: String = "."

    @Option(name: .long, help: "Target provider: gcp, aws or upstash (default: inferred).")
    var provider: InitProvider?

    @Option(name: [.customShort("f"), .long], help: "File to write (default: PATH/infera.yaml).")
    var file: String?

    @Flag(name: .long, help: "Overwrite an existing file.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var isDir = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir else {
            throw ValidationError("'\(path)' is not a directory")
        }
        let target = file ?? (path == "." ? "infera.yaml" : (path.hasSuffix("/") ? path : path + "/") + "infera.yaml")
        if FileManager.default.fileExists(atPath: target) && !force {
            PlanOutput.stderr("error: \(target) already exists; pass --force to overwrite it\n")
            throw ExitCode(1)
        }
        let report = Detector.detect(root: path)
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
        let text = InitGenerator.yaml(report: report, projectHint: absolute, provider: provider)
        do {
            try FileSystem.writeAtomically(text, to: target)
        } catch {
            PlanOutput.stderr("error: cannot write \(target): \(error)\n")
            throw ExitCode(1)
        }
        let choice = InitGenerator.choose(report: report, provider: provider)
        print("wrote \(target): provider \(choice.provider.rawValue) (\(choice.providerReason)), roles: \(report.roles.map(\.role.rawValue).joined(separator: ", ").ifEmpty("none found"))")
        if !report.uses_redis {
            print("note: detect found no run-time Redis use (\(report.verdict.rawValue)); the file is a starting point")
        }
        print("next: infera validate -f \(target)")
    }
}

extension String {
    func ifEmpty(_ s: String) -> String { isEmpty ? s : self }
}

/// Builds the text of infera.yaml from a detection report. Pure and deterministic.
enum InitGenerator {
    struct Choice {
        var provider: InitProvider
        var providerReason: String
        var service: String
    }

    static func choose(report: DetectionReport, provider: InitProvider?) -> Choice {
        let m = Set(report.platform_markers)
        var p: InitProvider
        var reason: String
        if let given = provider { p = given; reason = "--provider" }
        else if m.contains("upstash") { p = .upstash; reason = "an Upstash client or UPSTASH_* variables" }
        else if m.contains("cloud_run") || m.contains("app_engine") || m.contains("gcp_terraform") { p = .gcp; reason = "Google Cloud markers (\(m.intersection(["cloud_run", "app_engine", "gcp_terraform"]).sorted().joined(separator: ", ")))" }
        else if m.contains("serverless") || m.contains("cdk") || m.contains("sam") || m.contains("aws") || m.contains("aws_terraform") { p = .aws; reason = "AWS markers (\(m.intersection(["serverless", "cdk", "sam", "aws", "aws_terraform"]).sorted().joined(separator: ", ")))" }
        else if m.contains("edge") { p = .upstash; reason = "an edge platform (Vercel/Netlify/Cloudflare) needs a REST-reachable Redis" }
        else { p = .gcp; reason = "no platform markers; the default" }
        var service: String
        switch p {
        case .gcp: service = m.contains("app_engine") ? "app_engine" : m.contains("kubernetes") ? "gke" : "cloud_run"
        case .aws: service = (m.contains("serverless") || m.contains("sam")) ? "lambda" : m.contains("kubernetes") ? "eks" : "ecs"
        case .upstash: service = m.contains("edge") ? "vercel" : m.contains("cloud_run") ? "cloud_run" : "other"
        }
        return Choice(provider: p, providerReason: reason, service: service)
    }

    /// A resource-safe project name: lowercase letters, digits and '-', starting with a letter, at most 30 characters.
    static func projectName(_ hint: String) -> String {
        var out = ""
        for ch in hint.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) { out.append(ch) }
            else if !out.isEmpty && out.last != "-" { out.append("-") }
        }
        while let f = out.first, !f.isLetter { out.removeFirst() }
        if out.count > 30 { out = String(out.prefix(30)) }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "my-app" : out
    }

    static func yaml(report: DetectionReport, projectHint: String, provider: InitProvider?) -> String {
        let choice = choose(report: report, provider: provider)
        let name = projectName(projectHint)
        let roles = Set(report.roles.map(\.role))
        let durable = roles.intersection([.queue, .session_store, .lock, .leaderboard])
        let pureCache = durable.isEmpty
        let eviction: String
        let evictionWhy: String
        if roles.contains(.queue) || roles.contains(.lock) {
            eviction = "noeviction"; evictionWhy = "queues and locks must never lose keys: fail writes instead of evicting"
        } else if roles.contains(.session_store) || roles.contains(.leaderboard) {
            eviction = "volatile-lru"; evictionWhy = "evict only keys with a TTL (cache entries), keep sessions/leaderboards"
        } else {
            eviction = "allkeys-lru"; evictionWhy = "a pure cache: evict the least recently used keys when memory is full"
        }
        var o = "# infera.yaml — generated by `infera init` from `infera detect`; edit freely, then `infera validate`.\n"
        o += "# Verdict: \(report.verdict.rawValue) (confidence \(cFormat("%.2f", report.confidence))).\n"
        for r in report.reasons.prefix(4) { o += "#   - \(r.replacingAll("\n", with: " "))\n" }
        if !report.client_libraries.isEmpty {
            o += "# Libraries: " + report.client_libraries.filter { $0.scope.countsAtRuntime }.map { "\($0.name) (\($0.manifest):\($0.line))" }.joined(separator: ", ").ifEmpty("none at run time") + "\n"
        }
        if report.roles.isEmpty {
            o += "# Roles: none found; treated as a cache.\n"
        } else {
            o += "# Roles:\n"
            for r in report.roles {
                let ev = r.evidence.first.map { " — \($0.path):\($0.line) (\($0.what))" } ?? ""
                o += "#   \(r.role.rawValue)\(ev)\n"
            }
        }
        o += settingsComments(report, provider: choice.provider)
        if !report.findings.isEmpty {
            o += "# Fix first: \(report.findings.count) finding(s) from `infera detect` (e.g. \(report.findings[0].rule) at \(report.findings[0].path):\(report.findings[0].line)).\n"
        }
        o += "\n"
        o += "project_name: \(name)\n"
        o += "provider: \(choice.provider.rawValue)          # \(choice.providerReason)\n"
        switch choice.provider {
        case .gcp: o += "region: us-central1\n"
        case .aws: o += "region: us-east-1           # or leave it out and export AWS_REGION\n"
        case .upstash: o += "region: us-east-1           # the primary region; put it next to the application\n"
        }
        o += "environment: production\n\ncache:\n  type: redis\n"
        switch choice.provider {
        case .gcp:
            o += "  provider: memorystore\n"
            o += "  instance:\n"
            o += "    memory_size_gb: 1          # start small; Memorystore resizes online\n"
            o += "    tier: STANDARD_HA          # production: a replica and automatic failover\n"
            o += "    replica_count: 1\n"
            o += "  version: \"REDIS_7_0\"\n"
            o += "  security:\n    auth_enabled: true         # the AUTH string goes to Secret Manager\n    transit_encryption: true\n"
            if pureCache {
                o += "  persistence:\n    mode: DISABLED             # a cache can be rebuilt; no snapshots needed\n"
            } else {
                o += "  persistence:\n    mode: RDB                  # \(durable.map(\.rawValue).sorted().joined(separator: ", ")): data worth keeping across restarts\n    snapshot_period: ONE_HOUR\n"
            }
            o += "  eviction_policy: \(eviction)   # \(evictionWhy)\n"
            if choice.service == "cloud_run" || choice.service == "app_engine" {
                o += "  networking:\n    vpc_connector: true        # serverless needs a Serverless VPC Access connector\n"
            }
        case .aws:
            o += "  provider: elasticache\n"
            o += "  engine: redis\n  version: \"7.1\"\n"
            o += "  instance:\n"
            o += "    node_type: cache.t4g.small   # 1.37 GiB; cache.r7g.large for heavy production use\n"
            o += "    replica_count: 1             # production: a replica in another zone\n"
            o += "    automatic_failover: true\n    multi_az: true\n"
            o += "  security:\n    auth_token: true             # generated and kept in Secrets Manager\n    transit_encryption: true\n    at_rest_encryption: true\n"
            if pureCache {
                o += "  snapshots:\n    retention_days: 1            # a cache can be rebuilt; one daily snapshot is plenty\n    window: \"03:00-04:00\"\n"
            } else {
                o += "  snapshots:\n    retention_days: 7            # \(durable.map(\.rawValue).sorted().joined(separator: ", ")): data worth keeping across restarts\n    window: \"03:00-04:00\"\n"
            }
            o += "  maintenance:\n    window: \"sun:05:00-sun:06:00\"\n"
            o += "  eviction_policy: \(eviction)   # \(evictionWhy)\n"
        case .upstash:
            o += "  provider: upstash\n"
            o += "  tls: true\n"
            o += "  eviction: \(pureCache ? "true " : "false")                # \(pureCache ? "a cache: evict old keys when full" : "keep \(durable.map(\.rawValue).sorted().joined(separator: ", ")) data: fail writes instead of evicting")\n"
            o += "  plan: payg\n"
        }
        o += "\napplication:\n  service: \(choice.service)\n"
        if choice.provider == .gcp && (choice.service == "cloud_run" || choice.service == "app_engine") { o += "  vpc_connector: default\n" }
        o += "  env:\n"
        var codeVars = Array(Set(report.env_vars.filter { $0.source == "code" }.map(\.name))).sorted()
        // No variable read in code (frameworks read them for you): take the URL variable the configuration sets.
        if codeVars.isEmpty { codeVars = Array(Set(report.env_vars.map(\.name))).sorted().filter { $0.hasSuffix("_URL") } }
        var urlVar = codeVars.first { $0.hasSuffix("_URL") && !$0.contains("REST") } ?? "REDIS_URL"
        if choice.provider == .upstash && codeVars.contains("UPSTASH_REDIS_REST_URL") { urlVar = "UPSTASH_REDIS_REST_URL" }
        if let use = report.env_vars.first(where: { $0.name == urlVar && $0.source == "code" }) {
            o += "    # read at \(use.path):\(use.line)\n"
        }
        o += "    \(urlVar):\n      from_secret: \(name)-redis-url\n"
        if choice.provider == .upstash && codeVars.contains("UPSTASH_REDIS_REST_TOKEN") {
            o += "    UPSTASH_REDIS_REST_TOKEN:\n      from_secret: \(name)-redis-token\n"
        }
        let others = codeVars.filter { $0 != urlVar && $0 != "UPSTASH_REDIS_REST_TOKEN" }
        if !others.isEmpty {
            o += "  # The code also reads: \(others.joined(separator: ", ")) — add them here if they should come from the deployment.\n"
        }
        return o
    }

    /// What the repository's configuration already says about the connection: hosts, TLS, passwords, databases and
    /// the framework backends that select Redis, each with `path:line`, and what it means for the target.
    static func settingsComments(_ report: DetectionReport, provider: InitProvider) -> String {
        let s = report.settings
        guard !s.isEmpty else { return "" }
        var o = "# Configuration found:\n"
        for b in s where b.kind == "backend" && b.redis == true {
            o += "#   \(b.key ?? "backend") = \(b.value) (\(b.role ?? "backend")) — \(b.path):\(b.line)\n"
        }
        for h in s where h.kind == "host" { o += "#   host \(h.value) — \(h.path):\(h.line)\n" }
        let tlsOn = s.contains { $0.kind == "tls" && ["true", "yes", "1", "on"].contains($0.value.lowercased()) } || s.contains { $0.kind == "url" && $0.value.hasPrefix("rediss://") }
        if tlsOn {
            o += "#   TLS is already enabled in the application's configuration: keep transit encryption on.\n"
        } else if s.contains(where: { $0.kind == "host" || $0.kind == "url" }) {
            o += "#   No TLS setting found: the application will need TLS enabled (rediss:// or ssl=true) to reach the managed instance.\n"
        }
        if let p = s.first(where: { $0.kind == "password" }) {
            o += "#   A password is configured (\(p.path):\(p.line)): move it to the secret this file names.\n"
        } else if s.contains(where: { $0.kind == "host" }) {
            o += "#   No password is configured: the managed instance requires AUTH; set it from the secret.\n"
        }
        for d in s where d.kind == "db" && d.value != "0" && Int(d.value) != nil {
            let note = provider == .upstash ? "Upstash serves only database 0" : "cluster mode serves only database 0"
            o += "#   database \(d.value) at \(d.path):\(d.line): \(note); prefer key prefixes.\n"
        }
        return o
    }
}
