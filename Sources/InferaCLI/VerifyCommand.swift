import ArgumentParser
import InferaConfig
import InferaDiagnostics
import InferaPlan
import InferaVerify
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `infera verify`: rehearse the planned deployment on the bundled engine.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove the planned deployment on the bundled engine before paying for it.",
        discussion: """
        Starts the bundled engine inside this process on a free loopback port, configured from the same
        deployment `infera plan` uses (AUTH, TLS with a throwaway CA, maxmemory and eviction, the
        provider's blocked commands and limits, redisConfigs/parameters), runs the checks and, after
        `--`, the application's own command with REDIS_URL (and REDIS_CA_CERT) pointing at it.

        Examples:
          infera verify
          infera verify --list-checks
          infera verify --checks connect,auth,tls
          infera verify --scale 1000 -- pytest -q
          infera verify --fail-on incompatible --format junit -- npm test > verify.xml

        --format markdown prints a pull-request summary (failed checks with their fixes, the commands
        that would fail on the provider, misuse and sizing hints; details folded). When
        GITHUB_STEP_SUMMARY is set, that summary is also appended to it, whatever --format is.

        Exit codes: the command's own status when one ran (2 with --fail-on incompatible when it
        succeeded but sent a command the provider blocks); otherwise 0 when every check passed, 1 when
        one failed or on error.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, markdown }
    enum FailOn: String, ExpressibleByArgument, CaseIterable { case incompatible }

    @Option(name: [.customShort("f"), .long], help: "The configuration file.")
    var file: String = "infera.yaml"

    @Option(name: .long, parsing: .upToNextOption, help: "Checks to run (ids, comma-separated or repeated; `none` for none). Default: all.")
    var checks: [String] = []

    @Flag(name: .long, help: "List the checks and exit.")
    var listChecks = false

    @Option(name: .long, help: "Shrink memory: --scale 1000 (or 0.001) gives the engine a thousandth of the planned maxmemory, so eviction shows up in a short test.")
    var scale: Double = 1

    @Option(name: .long, help: "Output format: text, json, junit or markdown.")
    var format: Format = .text

    @Option(name: .long, help: "`incompatible`: exit 2 when the command succeeded but sent a command the provider blocks.")
    var failOn: FailOn?

    @OptionGroup var global: GlobalOptions

    @Argument(parsing: .postTerminator, help: "The application's command (after --), e.g. -- pytest -q")
    var command: [String] = []

    func run() async throws {
        StartupTrace.mark("parsed")
        if listChecks {
            PlanOutput.stdout(VerifyRenderer.checkList())
            return
        }
        guard scale > 0 else {
            PlanOutput.stderr("error: --scale must be positive (e.g. --scale 1000 or --scale 0.001)\n")
            throw ExitCode(1)
        }
        let status = try await Self.execute(file: file, checks: checks.isEmpty ? nil : checks, scale: scale, format: format,
                                            failOnIncompatible: failOn == .incompatible, command: command,
                                            color: global.useColor, noColor: global.noColor)
        if status != 0 { throw ExitCode(status) }
    }

    /// Loads infera.yaml, runs verify and prints the report; returns the exit status. Also used by
    /// `infera apply --dry-run`.
    static func execute(file: String, checks: [String]?, scale: Double, format: Format, failOnIncompatible: Bool,
                        command: [String], color: Bool, noColor: Bool) async throws -> Int32 {
        let errColor = Terminal.colorEnabled(noColorFlag: noColor, fileDescriptor: STDERR_FILENO)
        let result = ConfigLoader.load(path: file, options: .processEnvironment())
        guard let config = result.config, result.isValid else {
            PlanOutput.stderr(PlanConfigLoader.render(result.diagnostics, file: file, source: result.source, color: errColor))
            return 1
        }
        StartupTrace.mark("config-loaded")
        let spec = DeploymentSpec(config: config)
        StartupTrace.mark("planned")
        var options = VerifyOptions()
        options.checks = checks
        options.scale = scale > 1 ? 1 / scale : scale
        options.command = command
        options.appEnv = (config.application?.env ?? []).map { e in
            if case .literal(let v) = e.value { return AppEnvEntry(name: e.name, literal: v) }
            return AppEnvEntry(name: e.name, literal: nil)
        }
        var dir = file
        if let slash = dir.lastIndex(of: "/") { dir = String(dir[..<slash]) } else { dir = "." }
        options.detectRoot = dir.isEmpty ? "/" : dir
        options.commandStdoutToStderr = format != .text
        // Progress goes to stderr so stdout stays the report.
        options.progress = { line in PlanOutput.stderr("verify: \(line)\n") }
        let report: VerifyReport
        do {
            report = try await VerifyRun.run(spec: spec, options: options)
        } catch {
            PlanOutput.stderr("error: \(error)\n  hint: `infera verify --list-checks` shows the checks; `infera validate -f \(file)` checks the config\n")
            return 1
        }
        switch format {
        case .text: PlanOutput.stdout(VerifyRenderer.text(report, color: color))
        case .json: PlanOutput.stdout(VerifyRenderer.json(report))
        case .junit: PlanOutput.stdout(VerifyRenderer.junit(report))
        case .markdown: PlanOutput.stdout(VerifyRenderer.markdown(report))
        }
        // Under GitHub Actions the same summary goes to the job summary, whatever --format is.
        if let warning = StepSummary.append(VerifyRenderer.markdown(report)) { PlanOutput.stderr(warning + "\n") }
        return report.exitStatus(failOnIncompatible: failOnIncompatible)
    }
}
