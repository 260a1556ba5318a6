import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import InferaApply
import InferaDiagnostics
import InferaHTTP
import InferaPlan

/// What apply, destroy, status, output and live plan share: the spec, the provider, the journal,
/// debug logging and redaction, and the rendering of progress and errors.
final class ApplySession: @unchecked Sendable {
    let spec: DeploymentSpec
    let configPath: String
    /// The process environment plus command options that reach providers through it (destroy's snapshot/secret choices).
    var environment: [String: String]
    let secrets = SecretRegistry()
    let redactor: Redactor
    let clock = SystemClock()
    let json: Bool
    let renderer: ProgressRenderer
    let debug: Bool
    /// Ctrl-C handling for the command's run (see `InterruptHandler`).
    let interrupts: InterruptHandler

    init(spec: DeploymentSpec, configPath: String, json: Bool, debug: Bool, verb: String = "apply") {
        self.spec = spec
        interrupts = InterruptHandler(verb: verb)
        self.configPath = configPath
        environment = ProcessInfo.processInfo.environment
        redactor = Redactor(secrets: secrets)
        self.json = json
        self.debug = debug || environment["INFERA_LOG"]?.lowercased() == "debug"
        renderer = ProgressRenderer(json: json, redactor: redactor,
                                    tty: !json && Terminal.isTTY(STDOUT_FILENO) && !Terminal.isCI && Terminal.environment("TERM") != "dumb")
    }

    /// Loads infera.yaml (printing diagnostics and exiting 1 when invalid).
    static func loadSpec(_ path: String) throws -> DeploymentSpec {
        let errColor = Terminal.colorEnabled(noColorFlag: false, fileDescriptor: STDERR_FILENO)
        switch PlanConfigLoader.load(path: path) {
        case .failure(let diagnostics, let source):
            PlanOutput.stderr(PlanConfigLoader.render(diagnostics, file: path, source: source, color: errColor))
            throw ExitCode(1)
        case .success(let loaded):
            if !loaded.warnings.isEmpty {
                PlanOutput.stderr(PlanConfigLoader.render(loaded.warnings, file: path, source: loaded.source, color: errColor))
            }
            return loaded.spec
        }
    }

    var context: ProviderContext {
        let settings = TransportSettings.fromEnvironment(environment, version: InferaVersion.current)
        let logger: (any HTTPLogger)? = debug ? RedactingLogger(redactor: redactor) : nil
        return ProviderContext(environment: environment, transport: CurlTransport(settings: settings), clock: clock, logger: logger,
                               secrets: secrets, events: renderer, inferaVersion: InferaVersion.current)
    }

    /// The provider for the spec. Throws `MissingCredentials` when none are configured.
    func makeProvider() throws -> any Provider {
        guard let factory = ProviderCatalog.registry.factory(for: spec.providerName) else {
            throw ProviderError(.other, resource: spec.providerName,
                                message: "infera cannot provision \(spec.providerName) yet (providers available: \(ProviderCatalog.registry.names.joined(separator: ", ")))",
                                hint: "use `infera plan` to generate Terraform for it and apply that with terraform")
        }
        if spec.isCluster && !factory.supportsClusterMode {
            // Never create a standalone instance for a cluster-mode config.
            throw ProviderError(.other, resource: spec.providerName,
                                message: "infera apply cannot provision cache.mode: cluster yet (\(spec.providerName) cluster mode)",
                                hint: "run `infera plan` and apply the generated Terraform module (google_redis_cluster / aws_elasticache_replication_group in cluster mode) with terraform")
        }
        return try factory.make(spec, context)
    }

    func engine(_ provider: any Provider, allowReplace: Bool = false) throws -> ApplyEngine {
        let journal = try Journal(directory: Journal.directory(forConfig: configPath, project: spec.projectName))
        return ApplyEngine(provider: provider, journal: journal, clock: clock, events: renderer,
                           options: ApplyOptions(allowReplace: allowReplace))
    }

    /// Takes the deployment lock (waiting up to `INFERA_LOCK_TIMEOUT` seconds, default 0).
    func lock() async throws -> DeploymentLock {
        let timeout = environment["INFERA_LOCK_TIMEOUT"].flatMap(Double.init) ?? 0
        return try await DeploymentLock.acquire(directory: Journal.directory(forConfig: configPath, project: spec.projectName),
                                                timeout: timeout, clock: clock) { holder in
            self.renderer.emit(.waitingForLock(holder: holder))
        }
    }

    /// Prints an error the way every apply-family command does, and returns exit code 1.
    func fail(_ error: any Error) -> ExitCode {
        renderer.stop()
        if let e = error as? ExitCode { return e }
        let (resource, message, hint): (String, String, String)
        switch error {
        case let e as ProviderError: (resource, message, hint) = (e.resource, e.message, e.hint)
        case let e as MissingCredentials:
            (resource, message, hint) = (spec.providerName, "no \(e.provider) credentials found", e.hint)
        case let e as EndpointError: (resource, message, hint) = (e.variable, "\(e.value) is not an absolute http(s) URL", "set it like \(e.variable)=http://127.0.0.1:8080, or unset it")
        case is CancellationError:
            (resource, message, hint) = (interrupts.verb, "interrupted; an operation the provider had already accepted keeps running in the cloud",
                                         "re-run `infera \(interrupts.verb)`: it waits for that operation (recorded in the journal) instead of starting another")
        default: (resource, message, hint) = (spec.providerName, String(describing: error), "re-run with --debug to see the requests")
        }
        if json {
            PlanOutput.stdout(JSONValue.object(["type": .string("error"), "resource": .string(resource),
                                                "message": .string(redactor.redact(message)),
                                                "hint": .string(redactor.redact(hint))]).rendered(pretty: false) + "\n")
        } else {
            PlanOutput.stderr("error: \(redactor.redact(resource)): \(redactor.redact(message))\n  hint: \(redactor.redact(hint))\n")
        }
        return ExitCode(1)
    }

    func out(_ s: String) { PlanOutput.stdout(redactor.redact(s)) }
    func err(_ s: String) { PlanOutput.stderr(redactor.redact(s)) }

    /// Asks `question` on the terminal and goes on only when the answer is `expected`. Without a
    /// terminal (or under CI) it refuses with `refusal` and `hint` instead of asking; a wrong
    /// answer prints "<Verb> cancelled." and exits 1.
    func confirm(_ question: String, expected: String, refusal: String, hint: String) throws {
        guard Terminal.interactive else {
            throw ProviderError(.refused, resource: interrupts.verb, message: refusal, hint: hint)
        }
        guard ask(question) == expected else {
            err("\(interrupts.verb.prefix(1).uppercased() + interrupts.verb.dropFirst()) cancelled.\n")
            throw ExitCode(1)
        }
    }

    /// Why a command will not ask: under CI, or with no terminal.
    static var noPromptReason: String { Terminal.isCI ? "running under CI" : "no terminal to ask on" }

    /// Asks for confirmation on the terminal. Returns the typed line (nil on EOF).
    func ask(_ prompt: String) -> String? {
        PlanOutput.stdout(prompt)
        guard let line = interrupts.prompting({ readLine(strippingNewline: true) }) else { return nil }
        return line.trimmingWhitespace(newlines: false)
    }

    /// Outputs as text lines, masked unless `showSecrets`.
    static func outputLines(_ outputs: [OutputValue], showSecrets: Bool) -> String {
        guard !outputs.isEmpty else { return "" }
        let width = outputs.map(\.name.count).max() ?? 0
        var s = ""
        for o in outputs {
            let v = o.sensitive && !showSecrets ? "<sensitive>" : "\"\(o.value)\""
            s += "\(o.name.padded(toLength: width)) = \(v)\n"
        }
        return s
    }

    static func outputsJSON(_ outputs: [OutputValue], showSecrets: Bool) -> JSONValue {
        var d: [String: JSONValue] = [:]
        for o in outputs {
            d[o.name] = .object(["value": o.sensitive && !showSecrets ? .null : .string(o.value), "sensitive": .bool(o.sensitive)])
        }
        return .object(d)
    }
}

/// Debug lines to stderr, redacted once more against secrets learned since they were formatted.
struct RedactingLogger: HTTPLogger {
    let redactor: Redactor
    func log(_ line: String) { StderrLogger().log(redactor.redact(line)) }
}

/// Renders engine events: Terraform-style lines off a terminal, a spinner with elapsed time on one,
/// JSON lines with `--format json`.
final class ProgressRenderer: ApplyEventSink, @unchecked Sendable {
    let json: Bool
    let tty: Bool
    let redactor: Redactor
    private let lock = Lock()
    private var active: [String: (verb: String, start: Double)] = [:]
    private var ticker: Task<Void, Never>?
    private let clock = SystemClock()
    private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    init(json: Bool, redactor: Redactor, tty: Bool) {
        self.json = json
        self.redactor = redactor
        self.tty = tty
    }

    func emit(_ event: ApplyEvent) {
        if json { emitJSON(event); return }
        switch event {
        case .refreshing, .refreshed: break
        case .waitingForLock(let holder): line("Waiting for the deployment lock (held by \(holder))...")
        case .resuming(let a, let action, let token):
            line("\(a): Waiting for the \(action.rawValue) started by an earlier, interrupted run [operation \(token)]...")
        case .started(let a, let action):
            lock.withLock { active[a] = (action.progressVerb, clock.now()) }
            line("\(a): \(action.progressVerb)...")
            if tty { startTicker() }
        case .stillRunning(let a, let action, let elapsed, _):
            if !tty { line("\(a): Still \(action.gerund)... [\(Self.duration(elapsed)) elapsed]") }
        case .completed(let a, let action, let elapsed, let id):
            _ = lock.withLock { active.removeValue(forKey: a) }
            line("\(a): \(action.completeNoun) complete after \(Self.duration(elapsed))\(id.map { " [id=\($0)]" } ?? "")")
        case .failed(let a, _, _):
            _ = lock.withLock { active.removeValue(forKey: a) }
        case .note(let a, let message): line("\(a): \(message)")
        case .retrying(let request, let attempt, let delay, let reason):
            _ = (request, attempt, delay, reason) // shown in the --debug log
        }
    }

    static func duration(_ s: Double) -> String {
        let n = Int(s.rounded())
        return n >= 60 ? "\(n / 60)m\(n % 60)s" : "\(n)s"
    }

    private func line(_ s: String) {
        let text = redactor.redact(s)
        if tty { PlanOutput.stdout("\r\u{1B}[K" + text + "\n") } else { PlanOutput.stdout(text + "\n") }
    }

    private func startTicker() {
        lock.withLock {
            guard ticker == nil else { return }
            ticker = Task.detached { [weak self] in
                var frame = 0
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 100_000_000)
                    guard let self else { return }
                    let current = self.lock.withLock { self.active.first }
                    if let (a, v) = current {
                        frame += 1
                        let f = Self.frames[frame % Self.frames.count]
                        PlanOutput.stdout("\r\u{1B}[K\(f) \(a): \(v.verb)... [\(Self.duration(self.clock.now() - v.start)) elapsed]")
                    }
                }
            }
        }
    }

    /// Stops the spinner (before printing anything else).
    func stop() {
        let t = lock.withLock { () -> Task<Void, Never>? in let t = ticker; ticker = nil; return t }
        if let t {
            t.cancel()
            PlanOutput.stdout("\r\u{1B}[K")
        }
    }

    private func emitJSON(_ e: ApplyEvent) {
        var d: [String: JSONValue]
        switch e {
        case .refreshing(let a): d = ["type": .string("refreshing"), "address": .string(a)]
        case .refreshed(let a, let id): d = ["type": .string("refreshed"), "address": .string(a), "id": id.map { .string($0) } ?? .null]
        case .waitingForLock(let h): d = ["type": .string("waiting_for_lock"), "holder": .string(h)]
        case .resuming(let a, let action, let token):
            d = ["type": .string("resuming"), "address": .string(a), "action": .string(action.rawValue), "operation": .string(token)]
        case .started(let a, let action): d = ["type": .string("started"), "address": .string(a), "action": .string(action.rawValue)]
        case .stillRunning(let a, let action, let elapsed, let detail):
            d = ["type": .string("still_running"), "address": .string(a), "action": .string(action.rawValue),
                 "elapsed_seconds": .int(Int(elapsed)), "detail": detail.map { .string($0) } ?? .null]
        case .completed(let a, let action, let elapsed, let id):
            d = ["type": .string("completed"), "address": .string(a), "action": .string(action.rawValue),
                 "elapsed_seconds": .double((elapsed * 1000).rounded() / 1000), "id": id.map { .string($0) } ?? .null]
        case .failed(let a, let action, let message):
            d = ["type": .string("failed"), "address": .string(a), "action": .string(action.rawValue), "message": .string(message)]
        case .note(let a, let message): d = ["type": .string("note"), "address": .string(a), "message": .string(message)]
        case .retrying(let r, let attempt, let delay, let reason):
            d = ["type": .string("retrying"), "request": .string(r), "attempt": .int(attempt),
                 "delay_seconds": .double((delay * 1000).rounded() / 1000), "reason": .string(reason)]
        }
        PlanOutput.stdout(redactor.redact(JSONValue.object(d).rendered(pretty: false)) + "\n")
    }
}
