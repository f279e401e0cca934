import AWSKit
import ArgumentParser
import R53HookKit

/// The root command: configuration only; the work is in the subcommands. Started by
/// `ProgramEntry`.
package struct R53HookCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "r53hook",
        abstract: "Join and leave Route 53 weighted DNS safely from an EC2 instance's init system.",
        discussion: """
            Run `r53hook start` when the service is ready and `r53hook stop` before it
            stops (systemd ExecStart/ExecStop, or the init.d script). Each instance owns
            one weighted record NAME TYPE whose SetIdentifier is its instance id.

            CONFIGURATION
              Every option can also come from an environment variable (named in each
              option's help, e.g. R53HOOK_NAME; --json and --force say why not) or from
              a config file (--config FILE or R53HOOK_CONFIG) of KEY=VALUE lines with the
              same keys, so one file serves r53hook, the init script and systemd's
              EnvironmentFile. A command reads only the keys it uses.
              Precedence: flag, then environment, then file, then default.
              AWS_* lines in the file (AWS_REGION, AWS_ENDPOINT_URL, ...) apply unless
              the environment sets them.

            AWS
              Credentials: the SDK chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
              AWS_PROFILE with ~/.aws/credentials and ~/.aws/config, container
              credentials, then the instance role from IMDS).
              Endpoints: AWS_ENDPOINT_URL_ROUTE_53, else AWS_ENDPOINT_URL; https, or
              http only to this machine (127.0.0.0/8, ::1, localhost).
              IMDS: IMDSv2 at AWS_EC2_METADATA_SERVICE_ENDPOINT (default
              http://169.254.169.254), never through a proxy.

            \(ExitStatus.table)
            """,
        version: BuildVersion.text,
        subcommands: [
            StartCommand.self, StopCommand.self, StatusCommand.self, CycleCommand.self, LockCommand.self,
            HeartbeatCommand.self, MembersCommand.self, RoleCommand.self, SweepCommand.self, WatchCommand.self,
        ])

    package init() {}
}
