/// Credentials from the container credentials endpoint (ECS, EKS Pod Identity, Greengrass):
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`,
/// authorized by `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
package struct ContainerCredentialProvider: CredentialProvider {
    private let environment: ProcessEnvironment
    private let http: any HTTPClient
    private let files: any FileReading
    private let time: any TimeSource

    /// Creates the provider.
    package init(
        environment: ProcessEnvironment, http: any HTTPClient, time: any TimeSource,
        files: any FileReading = LocalFileReader()
    ) {
        self.environment = environment
        self.http = http
        self.files = files
        self.time = time
    }

    /// "container credentials endpoint".
    package var description: String { "container credentials endpoint" }

    /// The credentials, or nil when neither URI variable is set.
    package func resolve() async throws -> AWSCredentials? {
        let url: String
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            url = "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            let endpoint = try Endpoint(parsing: full)
            guard endpoint.scheme == "https" || Self.allowedPlainHosts(endpoint) else {
                throw AWSKitError(
                    .invalidEndpoint,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on a loopback or ECS/EKS link-local address; got \(endpoint.host)")
            }
            url = full
        } else {
            return nil
        }

        var headers: [HTTPHeader] = []
        if let token = try authorizationToken() {
            headers.append(HTTPHeader("Authorization", token))
        }
        let request = HTTPRequest(method: "GET", url: url, headers: headers, bypassesProxy: true)
        var attempt = 0
        while true {
            attempt += 1
            let failure: String
            do {
                let response = try await http.send(request, timeouts: HTTPTimeouts(connect: .seconds(2), total: .seconds(5)))
                switch response.status {
                case 200:
                    return try CredentialDocument.credentials(from: response.text, source: description)
                case 400...499:
                    throw AWSKitError(
                        .credentialsRefused, "the container credentials endpoint refused the request (HTTP \(response.status)); check the task or pod role and AWS_CONTAINER_AUTHORIZATION_TOKEN")
                default:
                    failure = "HTTP \(response.status)"
                }
            } catch let error as HTTPTransportError where error.isRetryable {
                failure = error.detail
            } catch let error as HTTPTransportError {
                // Never retried (a response too large, an unusable request): as good as no answer.
                throw AWSKitError(
                    .credentialsUnreachable, "the container credentials endpoint gave no usable answer (\(error.detail))",
                    underlying: error)
            }
            guard Self.retryPolicy.allows(retry: attempt) else {
                throw AWSKitError(.credentialsUnreachable, "the container credentials endpoint did not answer (\(failure), \(attempt) tries)")
            }
            try await time.sleep(for: Self.retryPolicy.delay(beforeRetry: attempt))
        }
    }

    /// Three attempts, 400 ms then 800 ms apart: the agent runs on this host, so a few quick
    /// tries tell a restarting agent from a missing one.
    static let retryPolicy = RetryPolicy.withoutJitter(baseDelay: .milliseconds(400), maximumDelay: .seconds(2), maximumRetries: 2)

    private func authorizationToken() throws(AWSKitError) -> String? {
        var token: String?
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            guard let text = files.read(path: path) else {
                throw AWSKitError(.invalidCredentialSource, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names \(path), which cannot be read")
            }
            token = text.trimmingWhitespace
        } else {
            token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        }
        if let token, token.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw AWSKitError(.invalidCredentialSource, "the container authorization token contains a line break")
        }
        return token
    }

    /// The SDKs allow plain http only to loopback and the ECS/EKS credential addresses. The host
    /// is compared as a parsed address: `127.attacker.example` is a name, not a loopback address.
    static func allowedPlainHosts(_ endpoint: Endpoint) -> Bool {
        endpoint.isLoopback || endpoint.host == "169.254.170.2" || endpoint.host == "169.254.170.23"
            || (Endpoint.ipv6Bytes(endpoint.host).map { $0 == Self.eksPodIdentityIPv6 } ?? false)
    }

    /// fd00:ec2::23, the EKS Pod Identity agent's IPv6 address.
    private static let eksPodIdentityIPv6: [UInt8] = [0xfd, 0, 0x0e, 0xc2] + Array(repeating: 0, count: 11) + [0x23]
}
