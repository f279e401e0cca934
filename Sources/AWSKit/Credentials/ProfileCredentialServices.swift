import Logging

/// What a profile needs beyond its files when its credentials are not written in them: STS
/// for `role_arn` (the process's transport, clock, deadline and clock-skew correction, so
/// that AssumeRole is signed, retried and bounded like every other AWS call), IMDS and the
/// container endpoint for `credential_source`, and a way to run `credential_process`.
///
/// A `SharedFileCredentialProvider` without it (the fuzz target, unit tests of the files)
/// refuses such profiles: it never runs a command or calls STS.
package struct ProfileCredentialServices: Sendable {
    /// The transport.
    package let http: any HTTPClient
    /// The clocks.
    package let time: any TimeSource
    /// IMDS, for `credential_source = Ec2InstanceMetadata` and the STS region.
    package let metadata: any InstanceMetadata
    /// The log.
    package let logger: Logger
    /// The command's deadline: it bounds the first STS call or credential process.
    package let deadline: Deadline
    /// The process's clock-skew correction, shared with every other client.
    package let clockSkew: ClockSkewCorrection
    /// Runs `credential_process` commands.
    package let processRunner: any CredentialProcessRunning
    /// Reads the token file of the container endpoint.
    package let files: any FileReading

    /// Creates the services.
    package init(
        http: any HTTPClient, time: any TimeSource, metadata: any InstanceMetadata, logger: Logger, deadline: Deadline,
        clockSkew: ClockSkewCorrection, processRunner: any CredentialProcessRunning = SpawnedCredentialProcess(),
        files: any FileReading = LocalFileReader()
    ) {
        self.http = http
        self.time = time
        self.metadata = metadata
        self.logger = logger
        self.deadline = deadline
        self.clockSkew = clockSkew
        self.processRunner = processRunner
        self.files = files
    }

    /// The limit for one fetch of credentials: the command's deadline while it runs; after it
    /// (a refresh during a long lock or heartbeat), a new one of the same length, as each of
    /// the lock's own calls gets.
    package func fetchDeadline() -> Deadline {
        deadline.hasPassed(time) ? Deadline(budget: deadline.budget, time: time) : deadline
    }
}
