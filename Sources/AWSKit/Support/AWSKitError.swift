/// What went wrong below the domain: in the AWS environment's own settings, with IMDS, the
/// credential sources or an AWS service. Said in AWS and IMDS terms only (environment variables,
/// HTTP statuses, IAM actions), never in r53hook's flags: the command line decides how to word a
/// remedy for the command that is running, and which exit code the `code` gets.
///
/// Service errors a caller may handle (InvalidChangeBatch, NoSuchHostedZone, ...) are not these:
/// `AWSClient` throws them as `AWSServiceError`.
package struct AWSKitError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, in AWS terms; it decides the exit code in the command line.
    package enum Code: String, Sendable, Equatable, CaseIterable {
        /// An endpoint (`AWS_ENDPOINT_URL*`, the IMDS or container endpoint) is malformed or unsafe.
        case invalidEndpoint
        /// A region from the environment, a profile or IMDS is not a region name.
        case invalidRegion
        /// No source knows the region.
        case noRegion
        /// A credential source is set up wrong (half the key pair, a missing profile, ...).
        case invalidCredentialSource
        /// IMDS is needed but `AWS_EC2_METADATA_DISABLED` turns it off.
        case metadataDisabled
        /// A request could not be made at all (a bad URL, an unusable transport setting).
        case invalidRequest
        /// No credential source is configured.
        case noCredentials
        /// A credential source answered but refused to give credentials.
        case credentialsRefused
        /// AWS refused the credentials or the action (IAM, an invalid key, a skewed clock).
        case accessDenied
        /// IMDS did not answer, or kept failing, within its tries.
        case metadataUnreachable
        /// IMDS refused an IMDSv2 session token, and IMDSv1 is not allowed.
        case metadataSessionRefused
        /// IMDS answered with a status that no retry can change.
        case metadataRefused
        /// The container credentials endpoint or the instance role did not give usable credentials.
        case credentialsUnreachable
        /// An AWS service could not be reached within the deadline, or TLS failed.
        case serviceUnreachable
        /// What answered is not what the service sends: unreadable, too large, incomplete.
        case unexpectedResponse
        /// The service kept throttling until the deadline.
        case throttled
        /// The deadline passed before the call could be made.
        case deadlinePassed

        /// Whether a poll may try again after it: the service or IMDS did not answer usefully
        /// this time. A setting or a refusal of access ends the poll instead.
        package var isTransient: Bool {
            switch self {
            case .throttled, .deadlinePassed, .serviceUnreachable, .unexpectedResponse, .metadataUnreachable,
                .metadataSessionRefused, .metadataRefused, .credentialsUnreachable:
                return true
            case .invalidEndpoint, .invalidRegion, .noRegion, .invalidCredentialSource, .metadataDisabled,
                .invalidRequest, .noCredentials, .credentialsRefused, .accessDenied:
                return false
            }
        }
    }

    /// What kind of failure this is.
    package let code: Code
    /// What happened, in AWS and IMDS terms.
    package let message: String
    /// The lower-level error, for `--debug`.
    package let underlying: (any Error & Sendable)?

    /// Creates an error.
    package init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message.
    package var description: String { message }
}
