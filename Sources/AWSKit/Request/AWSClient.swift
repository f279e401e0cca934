import Logging
import SigV4
import XMLLite

/// Sends AWS API calls: signs each attempt with fresh credentials, sends it, retries throttling,
/// 5xx and connection failures with backoff until the command's deadline, and decodes errors.
///
/// It throws `AWSKitError` for what ends a command (access denied, deadline passed, unreadable
/// answers) and `AWSServiceError` for service errors the caller may handle (InvalidChangeBatch,
/// NoSuchHostedZone, ...).
package struct AWSClient: Sendable {
    private let http: any HTTPClient
    private let credentials: RefreshingCredentials
    private let time: any TimeSource
    private let retryPolicy: RetryPolicy
    private let logger: Logger
    private let clockSkew: ClockSkewCorrection
    /// The process's client-side rate limit, shared by every copy; nil: none (unit tests of the retries).
    private let rateLimiter: AdaptiveRateLimiter?
    /// Whether a request waits for the rate limit's token; answers are recorded either way.
    private var waitsForRateLimit = true

    /// The overall limit on every call made through this client.
    package let deadline: Deadline

    /// Creates a client.
    package init(
        http: any HTTPClient, credentials: RefreshingCredentials, time: any TimeSource,
        retryPolicy: RetryPolicy = RetryPolicy(), deadline: Deadline, logger: Logger,
        clockSkew: ClockSkewCorrection = ClockSkewCorrection(), rateLimiter: AdaptiveRateLimiter? = nil
    ) {
        self.http = http
        self.credentials = credentials
        self.time = time
        self.retryPolicy = retryPolicy
        self.deadline = deadline
        self.logger = logger
        self.clockSkew = clockSkew
        self.rateLimiter = rateLimiter
    }

    /// The same client with another deadline: long-running commands (the lock) bound each call
    /// on its own instead of by the command's start-up deadline.
    package func with(deadline: Deadline, retryPolicy: RetryPolicy? = nil) -> AWSClient {
        AWSClient(
            http: http, credentials: credentials, time: time, retryPolicy: retryPolicy ?? self.retryPolicy,
            deadline: deadline, logger: logger, clockSkew: clockSkew, rateLimiter: rateLimiter)
    }

    /// The same client whose requests do not wait for the process's rate limit (their answers
    /// still teach it). For a stop's INSYNC polls: the limit was slowed down by the reads and the
    /// change that came before, while a poll now is the one request whose delay lengthens the
    /// stop (its drain counts from the INSYNC it sees); its own retries pace it
    /// (`ChangeWaiter.promptRetries`). In a scale-in of 50 the limit held the worst stop's
    /// throttled poll about 2 s per try, and it lost the account's 5/s to other stops' reads
    /// for 14 s after its INSYNC.
    package func withoutWaitingForRateLimit() -> AWSClient {
        var client = self
        client.waitsForRateLimit = false
        return client
    }

    /// Whether `service` has throttled this process: the account is busy, so a request that can
    /// wait (an early poll) is better not sent yet.
    package func isThrottled(by service: AWSService) async -> Bool {
        await rateLimiter?.isEngaged(for: service) ?? false
    }

    /// Makes the call and returns the parsed XML of a successful answer.
    package func send(_ operation: AWSOperation, to service: AWSService) async throws -> XMLElement {
        var retry = 0
        var renewedExpiredCredentials = false
        var correctedClock = false
        var triedLastBeforeDeadline = false
        var lastFailure: Failure?
        while true {
            var remaining = deadline.remaining(time)
            guard remaining > .zero else {
                if let lastFailure { throw exhausted(lastFailure, operation: operation, service: service, attempts: retry) }
                throw AWSKitError(
                    .deadlinePassed,
                    "no time left for \(operation.name) to \(service.displayName): the \(deadline.budget.wholeSecondsText) deadline has passed")
            }
            if waitsForRateLimit, let wait = await rateLimiter?.reserve(for: service), wait > .zero, wait + Self.connectTimeout < remaining {
                // Only waits after which a whole try still fits before the deadline: at the end,
                // one more try beats none, and a try cut short by the deadline would read as
                // "unreachable" (69) rather than "throttled" (75).
                logger.debug("\(service.displayName) \(operation.name): client-side rate limit, sending in \(wait.preciseText)")
                try await time.sleep(for: wait)
                remaining = deadline.remaining(time)
            }
            let failure: Failure
            do {
                let response = try await attempt(operation, to: service, remaining: remaining)
                if (200...299).contains(response.status) {
                    await rateLimiter?.record(throttled: false, from: service)
                    do {
                        return try XMLDocumentParser.parse(
                            response.body.isEmpty ? Array("<Empty/>".utf8) : response.body,
                            limits: service.responseLimits)
                    } catch {
                        throw AWSKitError(
                            .unexpectedResponse,
                            "\(service.displayName) answered \(operation.name) with HTTP \(response.status) but \(error); is \(service.endpoint) really \(service.displayName)?",
                            underlying: error)
                    }
                }
                let error = AWSServiceError(
                    status: response.status, body: response.body,
                    requestIdHeader: response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id"))
                await rateLimiter?.record(throttled: error.isThrottling, from: service)
                if error.isExpiredCredentials && !renewedExpiredCredentials {
                    renewedExpiredCredentials = true
                    await credentials.invalidate()
                    continue
                }
                if !correctedClock,
                    clockSkew.adjust(
                        after: error, serverDate: response.header("Date"), machineTime: time.wallClock, logger: logger,
                        context: "\(service.displayName) \(operation.name)")
                {
                    correctedClock = true
                    continue
                }
                if error.isAccessDenied {
                    throw await accessDenied(error, operation: operation, service: service)
                }
                guard error.isThrottling || error.isTransient else { throw error }
                failure = Failure(text: error.description, throttled: error.isThrottling)
            } catch let error as HTTPTransportError where error.isRetryable {
                // A try that timed out with less than a connect timeout of the deadline left was
                // cut short by the deadline, not by the service: it says nothing new, and must
                // not turn "kept throttling" (75) into "could not be reached" (69).
                if error.reason == .timedOut, remaining < Self.connectTimeout, let lastFailure {
                    failure = lastFailure
                } else if error.reason == .timedOut, remaining < Self.connectTimeout, deadline.remaining(time) <= .zero {
                    // The only try, cut short by a deadline spent on waits before it (a lock,
                    // the quorum): nothing failed, the time ran out (crash campaign, seed 10047).
                    throw AWSKitError(
                        .deadlinePassed,
                        "no time left for \(operation.name) to \(service.displayName): the \(deadline.budget.wholeSecondsText) deadline passed during its only try (\(error.detail))")
                } else {
                    failure = Failure(text: error.detail, throttled: false)
                }
            } catch let error as HTTPTransportError where error.reason == .responseTooLarge {
                // Larger than the service can answer: whatever is at the endpoint is not it.
                throw AWSKitError(
                    .unexpectedResponse,
                    "\(service.displayName) answered \(operation.name) with \(error.detail), more than it can send; is \(service.endpoint) really \(service.displayName)?",
                    underlying: error)
            } catch let error as HTTPTransportError {
                throw AWSKitError(
                    error.reason == .tls ? .serviceUnreachable : .invalidRequest,
                    "cannot send \(operation.name) to \(service.displayName) at \(service.endpoint): \(error.detail)",
                    underlying: error)
            }

            lastFailure = failure
            if !retryPolicy.allows(retry: retry + 1) {
                throw exhausted(failure, operation: operation, service: service, attempts: retry + 1, byDeadline: false)
            }
            retry += 1
            // Keep trying until the deadline itself. A backoff that would reach it is cut, once, to
            // leave one last try (up to 1 s) before it: waking exactly at the deadline would end
            // the call without that try (crash campaign, seed 10472). After that, the deadline.
            let left = deadline.remaining(time)
            let backoff = retryPolicy.delay(beforeRetry: retry)
            let delay: Duration
            if backoff < left {
                delay = backoff
            } else if !triedLastBeforeDeadline {
                triedLastBeforeDeadline = true
                delay = left - min(.seconds(1), left / 2)
            } else {
                delay = left
            }
            logger.notice("\(service.displayName) \(operation.name): \(failure.text); retrying in \(delay.preciseText) (retry \(retry), \(left.wholeSecondsText) of the deadline left)")
            try await time.sleep(for: delay)
        }
    }

    /// How long one try may take to connect, at most.
    private static let connectTimeout = Duration.seconds(5)

    private struct Failure {
        let text: String
        let throttled: Bool
    }

    private func attempt(_ operation: AWSOperation, to service: AWSService, remaining: Duration) async throws -> HTTPResponse {
        let signingCredentials = try await credentials.current()
        var headers = [SigV4Header(name: "host", value: service.endpoint.hostHeader)]
        if let contentType = operation.contentType {
            headers.append(SigV4Header(name: "content-type", value: contentType))
        }
        let path = service.endpoint.basePath + operation.path
        let signable = SigV4Request(
            method: operation.method, path: path, query: operation.query,
            headers: headers, body: operation.body)
        let signer = SigV4Signer(service: service.signingName, region: service.region)
        let date = SigV4Date(secondsSince1970: Int64(clockSkew.signingTime(machineTime: time.wallClock).seconds.rounded(.down)))
        headers += signer.signatureHeaders(for: signable, credentials: signingCredentials.signing, date: date)

        let url =
            "\(service.endpoint.scheme)://\(service.endpoint.hostHeader)" + SigV4Encoding.encodedPath(path)
            + (operation.query.isEmpty ? "" : "?" + SigV4Encoding.canonicalQueryString(operation.query))
        let request = HTTPRequest(
            method: operation.method, url: url,
            headers: headers.map { HTTPHeader($0.name, $0.value) }, body: operation.body,
            maximumResponseSize: service.responseLimits.maximumBytes)
        if logger.logLevel <= .debug {
            // One log line each: a line break inside a message is escaped by the log handler.
            logger.debug("-> \(operation.method) \(url) (\(operation.name))")
            for line in Redaction.headers(request.headers).split(separator: "\n") { logger.debug("\(line)") }
            logBody(operation.body)
        }
        let timeouts = HTTPTimeouts(connect: min(Self.connectTimeout, remaining), total: min(.seconds(30), remaining))
        let response = try await http.send(request, timeouts: timeouts)
        if logger.logLevel <= .debug {
            logger.debug("<- HTTP \(response.status) for \(operation.name)")
            logBody(response.body)
        }
        return response
    }

    /// A body for --debug on its own line; its own line breaks are escaped by the log handler,
    /// since an answer's text is not ours to trust.
    private func logBody(_ body: [UInt8]) {
        let text = Redaction.body(body)
        if !text.isEmpty { logger.debug("\(text.drop { $0 == "\n" })") }
    }

    private func accessDenied(_ error: AWSServiceError, operation: AWSOperation, service: AWSService) async -> AWSKitError {
        let who = (try? await credentials.current()).map { "the credentials (\($0))" } ?? "the credentials"
        if error.isClockSkew {
            return AWSKitError(
                .accessDenied,
                "\(service.displayName) refused \(operation.name) because this machine's clock is off (\(error)); fix the time (chrony/NTP) and try again",
                underlying: error)
        }
        if error.isMissingPermission {
            let action = "\(service.iamPrefix):\(operation.name)"
            let resource = operation.resourceARN.map { " on \($0)" } ?? ""
            return AWSKitError(
                .accessDenied,
                "\(service.displayName) denied \(operation.name): \(who) lack the IAM permission \(action)\(resource). Add it to the role or user policy (etc/iam-policy.json has the full least-privilege policy). AWS said: \(error.message)",
                underlying: error)
        }
        return AWSKitError(
            .accessDenied,
            "\(service.displayName) rejected \(who) for \(operation.name) (\(error)); check the access key and secret, or the source they come from",
            underlying: error)
    }

    /// `byDeadline` false: the retry policy's limit ended the tries (a caller that polls again
    /// itself, as the lock does), long before the deadline, which the message must not blame.
    private func exhausted(
        _ failure: Failure, operation: AWSOperation, service: AWSService, attempts: Int, byDeadline: Bool = true
    ) -> AWSKitError {
        let tries = "\(attempts) \(attempts == 1 ? "try" : "tries")"
        let limit = byDeadline ? "until the \(Int(deadline.budget.seconds)) s deadline, over \(tries)" : "on \(tries), as many as this call makes"
        if failure.throttled {
            return AWSKitError(
                .throttled,
                "\(service.displayName) kept throttling \(operation.name) (\(failure.text)) \(limit). The account-wide limit is shared by the whole fleet"
            )
        }
        let within = byDeadline ? "within the \(Int(deadline.budget.seconds)) s deadline, over \(tries)" : "on \(tries), as many as this call makes"
        return AWSKitError(
            .serviceUnreachable,
            "could not complete \(operation.name) with \(service.displayName) at \(service.endpoint) \(within) (last: \(failure.text)). Check the network, proxy settings and AWS_ENDPOINT_URL*"
        )
    }
}
