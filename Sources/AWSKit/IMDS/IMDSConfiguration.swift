/// How to reach the instance metadata service, from the SDK environment variables and flags.
package struct IMDSConfiguration: Sendable {
    /// The service's base URL: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, or the link-local default.
    package var endpoint: Endpoint
    /// Whether falling back to IMDSv1 (no token) is allowed; only with `--imds-v1`, and never
    /// when `AWS_EC2_METADATA_V1_DISABLED` is true.
    package var allowsV1: Bool
    /// `AWS_EC2_METADATA_DISABLED`: every metadata read fails at once.
    package var isDisabled: Bool
    /// The lifetime requested for session tokens, in seconds (1 to 21600).
    package var tokenLifetimeSeconds: Int
    /// Attempts for one read when IMDS answers 503 or not at all.
    package var attempts: Int
    /// The backoff between attempts: 200 ms, then doubling up to 2 s, `attempts` in all. IMDS
    /// belongs to this instance alone, so there is no fleet of callers to spread out by jitter.
    package var retryPolicy: RetryPolicy {
        .withoutJitter(baseDelay: .milliseconds(200), maximumDelay: .seconds(2), maximumRetries: max(0, attempts - 1))
    }
    /// Limits on each attempt. IMDS is local: when it does not answer in a second or two, it
    /// will not (a hop limit of 1 drops the answers to a container, for example).
    package var timeouts: HTTPTimeouts

    /// Creates a configuration.
    package init(
        endpoint: Endpoint, allowsV1: Bool = false, isDisabled: Bool = false, tokenLifetimeSeconds: Int = 21_600,
        attempts: Int = 3, timeouts: HTTPTimeouts = HTTPTimeouts(connect: .seconds(1), total: .seconds(2))
    ) {
        self.endpoint = endpoint
        self.allowsV1 = allowsV1
        self.isDisabled = isDisabled
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.attempts = attempts
        self.timeouts = timeouts
    }

    /// The configuration the AWS SDKs would use in this environment.
    package static func from(environment: ProcessEnvironment, allowV1: Bool) throws(AWSKitError) -> IMDSConfiguration {
        let defaultEndpoint =
            environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6"
            ? "http://[fd00:ec2::254]" : "http://169.254.169.254"
        let text = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? defaultEndpoint
        let endpoint: Endpoint
        do {
            endpoint = try Endpoint(parsing: text)
        } catch {
            throw AWSKitError(.invalidEndpoint, "AWS_EC2_METADATA_SERVICE_ENDPOINT: \(error.message)", underlying: error)
        }
        return IMDSConfiguration(
            endpoint: endpoint,
            allowsV1: allowV1 && !environment.flag("AWS_EC2_METADATA_V1_DISABLED"),
            isDisabled: environment.flag("AWS_EC2_METADATA_DISABLED"))
    }
}
