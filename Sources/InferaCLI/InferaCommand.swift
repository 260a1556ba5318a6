import ArgumentParser

/// The root `infera` command. Each subcommand lives in its own file named after it.
public struct InferaCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "infera",
        abstract: "Detect, plan, provision and verify managed Redis for your application.",
        discussion: """
        Typical flow:
          infera detect .          # find how the app uses Redis, and its mistakes
          infera init              # write infera.yaml from what detect found
          infera validate          # check infera.yaml
          infera plan              # Terraform, cost and checks for the deployment
          infera apply             # create / update the deployment (Upstash today)
          infera status            # live state of each resource
          infera output            # endpoint, port, URLs (secrets masked)
          infera destroy           # delete the deployment
          infera verify            # rehearse the deployment on the bundled engine
          infera server            # run the bundled Redis-compatible engine

        Exit codes: 0 success, 1 error, 2 something to act on (plan changes under
        --detailed-exitcode, detect findings at or above --fail-on).
        """,
        version: InferaVersion.current,
        subcommands: [
            DetectCommand.self,
            InitCommand.self,
            ValidateCommand.self,
            SchemaCommand.self,
            PlanCommand.self,
            ApplyCommand.self,
            StatusCommand.self,
            OutputCommand.self,
            DestroyCommand.self,
            ServerCommand.self,
            VersionCommand.self,
            VerifyCommand.self,
        ]
    )

    public init() {}
}

/// The version string printed by `--version`.
public enum InferaVersion {
    public static let current = "0.1.0"
}
