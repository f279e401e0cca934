/// Why no complete HTTP response arrived.
package struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad reason, which decides whether a retry can help.
    package enum Reason: Sendable, Equatable {
        /// The host name did not resolve.
        case unresolvedHost
        /// The connection was refused or could not be made.
        case couldNotConnect
        /// The connect or total timeout passed.
        case timedOut
        /// The connection broke, or closed before a whole response arrived.
        case connectionLost
        /// The response was larger than r53hook accepts.
        case responseTooLarge
        /// TLS failed, including certificate verification; never retried.
        case tls
        /// The request itself could not be made (a bad URL, for instance); never retried.
        case invalidRequest
    }

    /// The broad reason.
    package let reason: Reason
    /// The detail, from libcurl or the fake.
    package let detail: String

    /// Creates an error.
    package init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// Whether sending the request again could succeed.
    package var isRetryable: Bool {
        switch reason {
        case .unresolvedHost, .couldNotConnect, .timedOut, .connectionLost: return true
        case .responseTooLarge, .tls, .invalidRequest: return false
        }
    }

    /// The detail.
    package var description: String { detail }
}
