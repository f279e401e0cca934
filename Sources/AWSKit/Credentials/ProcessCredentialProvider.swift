#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Credentials from a profile's `credential_process`: the command runs without a shell, its
/// standard output is `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
/// "Expiration"?}` (the AWS CLI's format), its standard error reaches r53hook's.
///
/// Its output is never logged, even with `--debug`, and messages name only the program, not
/// its arguments, which may hold a secret of their own.
package struct ProcessCredentialProvider: CredentialProvider {
    private let profile: String
    private let commandLine: String
    private let services: ProfileCredentialServices

    /// Creates the provider for a profile's `credential_process` value.
    package init(profile: String, commandLine: String, services: ProfileCredentialServices) {
        self.profile = profile
        self.commandLine = commandLine
        self.services = services
    }

    /// "credential_process of profile NAME".
    package var description: String { "credential_process of profile \(profile)" }

    /// Runs the command and reads its credentials.
    package func resolve() async throws -> AWSCredentials? {
        guard let arguments = CredentialProcessCommandLine.split(commandLine), let program = arguments.first else {
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(profile)': credential_process is empty or leaves a quote open; write the program's full path and its arguments, quoting those with spaces")
        }
        let shown = PrintableText.escaping(program)
        let timeout = services.fetchDeadline().remaining(services.time)
        switch await services.processRunner.run(arguments, timeout: timeout) {
        case .notStarted(let number):
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(profile)': cannot run credential_process \(shown): \(String(cString: strerror(number))); give the program's full path (no shell runs it: no ~, no $VARIABLES)")
        case .timedOut:
            throw AWSKitError(
                .credentialsUnreachable, "credential_process \(shown) of profile '\(profile)' did not finish within \(timeout.wholeSecondsText) (the deadline): killed")
        case .outputTooLarge:
            throw AWSKitError(
                .invalidCredentialSource,
                "credential_process \(shown) of profile '\(profile)' wrote more than \(SpawnedCredentialProcess.maximumOutput) bytes: it is not a credential process")
        case .exited(let code, let output):
            guard code == 0 else {
                throw AWSKitError(
                    .credentialsRefused,
                    "credential_process \(shown) of profile '\(profile)' failed with exit code \(code) (its own messages are above, on standard error)")
            }
            return try Self.credentials(fromOutput: output, source: description, program: shown)
        }
    }

    /// Reads the JSON a credential process writes.
    package static func credentials(fromOutput output: [UInt8], source: String, program: String) throws(AWSKitError) -> AWSCredentials {
        let document: JSONValue
        do {
            document = try JSONParser.parse(output)
        } catch {
            // The parser's message may quote the output, which holds the secret: not shown.
            throw AWSKitError(
                .invalidCredentialSource,
                "credential_process \(program) (\(source)) did not write a JSON object on standard output (\(output.count) bytes)")
        }
        guard case .object = document else {
            throw AWSKitError(.invalidCredentialSource, "credential_process \(program) (\(source)) wrote JSON that is not an object")
        }
        guard case .number(let version)? = document["Version"], version == 1 else {
            throw AWSKitError(
                .invalidCredentialSource,
                "credential_process \(program) (\(source)) wrote no \"Version\": 1; that is the only format AWS defines")
        }
        guard let keyId = document["AccessKeyId"]?.stringValue, !keyId.isEmpty,
            let secret = document["SecretAccessKey"]?.stringValue, !secret.isEmpty
        else {
            throw AWSKitError(
                .invalidCredentialSource, "credential_process \(program) (\(source)) wrote no AccessKeyId and SecretAccessKey")
        }
        var expiration: UnixTime?
        if let text = document["Expiration"]?.stringValue {
            guard let parsed = UnixTime(iso8601: text) else {
                throw AWSKitError(
                    .invalidCredentialSource,
                    "credential_process \(program) (\(source)) wrote an Expiration that is not an ISO 8601 time ('\(PrintableText.escaping(String(text.prefix(40))))')")
            }
            expiration = parsed
        }
        let token = document["SessionToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: expiration, source: source)
    }
}
