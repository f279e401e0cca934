import Logging

/// An IMDSv2 client: a session token fetched once and reused until shortly before it expires,
/// a fresh token and one more try on 401, nil for 404, and a few tries with backoff when the
/// service answers 503 or not at all. IMDSv1 (no token) only when the configuration allows it.
package actor IMDSClient: InstanceMetadata {
    private let configuration: IMDSConfiguration
    private let http: any HTTPClient
    private let time: any TimeSource
    private let logger: Logger
    private var cachedToken: (value: String?, validUntil: Duration)?
    private var tokenRequest: Task<String?, any Error>?

    /// Creates a client.
    package init(configuration: IMDSConfiguration, http: any HTTPClient, time: any TimeSource, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.time = time
        self.logger = logger
    }

    /// Reads one item; see `InstanceMetadata.value(at:)`.
    package func value(at path: String) async throws -> String? {
        guard !configuration.isDisabled else {
            throw AWSKitError(
                .metadataDisabled,
                "instance metadata is needed for '\(path)' but AWS_EC2_METADATA_DISABLED is set: give the value explicitly or unset it")
        }
        let url = configuration.endpoint.url(encodedPath: "/latest/meta-data/" + path)
        var renewedAfter401 = false
        var attempt = 0
        while true {
            attempt += 1
            let failure: String
            do {
                let token = try await sessionToken()
                var request = HTTPRequest(method: "GET", url: url, bypassesProxy: true)
                if let token { request.headers.append(HTTPHeader("X-aws-ec2-metadata-token", token)) }
                let response = try await http.send(request, timeouts: configuration.timeouts)
                logger.debug("IMDS GET \(path) -> \(response.status) (\(response.body.count) bytes)")
                switch response.status {
                case 200:
                    return response.text
                case 404:
                    return nil
                case 401 where !renewedAfter401:
                    renewedAfter401 = true
                    cachedToken = nil
                    attempt -= 1
                    continue
                case 401:
                    throw AWSKitError(.metadataRefused, "IMDS refused a fresh session token for '\(path)' (HTTP 401)")
                case 500...599:
                    failure = "HTTP \(response.status)"
                default:
                    throw AWSKitError(.metadataRefused, "IMDS answered HTTP \(response.status) for '\(path)'")
                }
            } catch let error as HTTPTransportError where error.isRetryable {
                failure = error.detail
            } catch let error as HTTPTransportError {
                throw Self.unusable(error, "could not read instance metadata '\(path)' from \(configuration.endpoint)")
            }
            guard configuration.retryPolicy.allows(retry: attempt) else {
                throw AWSKitError(
                    .metadataUnreachable,
                    "could not read instance metadata '\(path)' from \(configuration.endpoint) (\(failure), \(attempt) tries); in a container on EC2 the metadata hop limit must be at least 2"
                )
            }
            try await time.sleep(for: configuration.retryPolicy.delay(beforeRetry: attempt))
        }
    }

    /// The current session token, or nil in IMDSv1 mode. Concurrent callers share one request.
    private func sessionToken() async throws -> String? {
        if let cachedToken, time.monotonicNow < cachedToken.validUntil {
            return cachedToken.value
        }
        if let tokenRequest {
            return try await tokenRequest.value
        }
        let request = Task { try await self.requestToken() }
        tokenRequest = request
        defer { tokenRequest = nil }
        let token = try await request.value
        // Renew a minute before the service would stop accepting the token.
        let lifetime = Duration.seconds(max(1, configuration.tokenLifetimeSeconds - 60))
        cachedToken = (token, time.monotonicNow + lifetime)
        return token
    }

    private func requestToken() async throws -> String? {
        let request = HTTPRequest(
            method: "PUT", url: configuration.endpoint.url(encodedPath: "/latest/api/token"),
            headers: [HTTPHeader("X-aws-ec2-metadata-token-ttl-seconds", String(configuration.tokenLifetimeSeconds))],
            bypassesProxy: true)
        var attempt = 0
        while true {
            attempt += 1
            let failure: String
            do {
                let response = try await http.send(request, timeouts: configuration.timeouts)
                logger.debug("IMDS PUT /latest/api/token -> \(response.status)")
                switch response.status {
                case 200 where !response.body.isEmpty:
                    return response.text.trimmingWhitespace
                case 403, 404, 405:
                    // A Swift `where` would guard only the last pattern, hence the `if`.
                    if configuration.allowsV1 {
                        logger.info("IMDS refused a session token (HTTP \(response.status)); using IMDSv1, as the configuration allows")
                        return nil
                    }
                    throw AWSKitError(
                        .metadataSessionRefused,
                        "IMDS refused a session token (HTTP \(response.status)); only IMDSv2 is allowed, and IMDSv1 needs no token")
                case 500...599:
                    failure = "HTTP \(response.status)"
                default:
                    throw AWSKitError(
                        .metadataSessionRefused,
                        "IMDS refused a session token (HTTP \(response.status)); only IMDSv2 is allowed, and IMDSv1 needs no token")
                }
            } catch let error as HTTPTransportError where error.isRetryable {
                failure = error.detail
            } catch let error as HTTPTransportError {
                throw Self.unusable(error, "could not ask IMDS at \(configuration.endpoint) for a session token")
            }
            guard configuration.retryPolicy.allows(retry: attempt) else {
                if configuration.allowsV1 {
                    logger.info("IMDS gave no session token (\(failure)); using IMDSv1, as the configuration allows")
                    return nil
                }
                throw AWSKitError(
                    .metadataUnreachable,
                    "IMDS at \(configuration.endpoint) gave no session token (\(failure), \(attempt) tries); in a container on EC2 the metadata hop limit must be at least 2"
                )
            }
            try await time.sleep(for: configuration.retryPolicy.delay(beforeRetry: attempt))
        }
    }

    /// A transport failure no retry can mend (a response too large, an unusable request): IMDS
    /// is then as good as unreachable, and the error says so instead of escaping untyped.
    private static func unusable(_ error: HTTPTransportError, _ what: String) -> AWSKitError {
        AWSKitError(.metadataUnreachable, "\(what): \(error.detail)", underlying: error)
    }
}
