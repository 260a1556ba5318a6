import ArgumentParser
import InferaApply
import InferaDiagnostics
import InferaPlan

/// `infera status`: live state of each resource of the deployment.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the live state of each resource: state, endpoint, size, version, TLS/AUTH, last operation.",
        discussion: """
        Examples:
          infera status
          infera status -f infera.yaml --format json

        Exit codes: 0 success, 1 error.
        """
    )

    @Option(name: [.customShort("f"), .long], help: "The configuration file.")
    var file: String = "infera.yaml"

    @Option(name: .long, help: "Output format: text or json.")
    var format: ApplyOutputFormat = .text

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let spec = try ApplySession.loadSpec(file)
        let s = ApplySession(spec: spec, configPath: file, json: format == .json, debug: global.debug)
        do {
            let provider = try s.makeProvider()
            let statuses = try await s.engine(provider).status(spec)
            if s.json {
                let items: [JSONValue] = statuses.map { st in
                    var d: [String: JSONValue] = ["address": .string(st.address), "type": .string(st.type), "state": .string(st.state)]
                    d["id"] = st.id.map { .string($0) } ?? .null
                    d["endpoint"] = st.endpoint.map { .string($0) } ?? .null
                    d["port"] = st.port.map { .int($0) } ?? .null
                    d["size"] = st.size.map { .string($0) } ?? .null
                    d["version"] = st.version.map { .string($0) } ?? .null
                    d["tls"] = st.tls.map { .bool($0) } ?? .null
                    d["auth"] = st.auth.map { .bool($0) } ?? .null
                    d["last_operation"] = st.lastOperation.map { .string($0) } ?? .null
                    d["details"] = .object(st.details.mapValues { .string($0) })
                    return .object(d)
                }
                s.out(JSONValue.object(["project": .string(spec.projectName), "provider": .string(spec.providerName),
                                        "account": .string(provider.accountDescription), "resources": .array(items)]).rendered() + "\n")
                return
            }
            var t = "infera status for \(spec.projectName): \(spec.providerName) (\(provider.accountDescription))\n"
            for st in statuses {
                t += "\n\(st.address)\n"
                var rows: [(String, String)] = [("state", st.state == "absent" ? "absent (not created yet: run `infera apply`)" : st.state)]
                if let v = st.id { rows.append(("id", v)) }
                if let e = st.endpoint { rows.append(("endpoint", st.port.map { "\(e):\($0)" } ?? e)) }
                if let v = st.size { rows.append(("size", v)) }
                if let v = st.version { rows.append(("version", v)) }
                if let v = st.tls { rows.append(("TLS", v ? "on" : "off")) }
                if let v = st.auth { rows.append(("AUTH", v ? "on" : "off")) }
                for (k, v) in st.details.sorted(by: { $0.key < $1.key }) { rows.append((k, v)) }
                if let v = st.lastOperation { rows.append(("last operation", v)) }
                let w = rows.map(\.0.count).max() ?? 0
                for (k, v) in rows { t += "  \((k + ":").padded(toLength: w + 1)) \(v)\n" }
            }
            s.out(t)
        } catch {
            throw s.fail(error)
        }
    }
}
