import XMLLite

/// An error answer from an AWS service, decoded from any of the XML shapes AWS uses:
/// `<ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>` (Route 53, ELB),
/// `<Response><Errors><Error>…</Error></Errors><RequestID/></Response>` (EC2), Route 53's
/// `<InvalidChangeBatch><Messages><Message/>…</Messages></InvalidChangeBatch>`, and a bare
/// `<CodeName><Message/></CodeName>`.
package struct AWSServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    package let status: Int
    /// The error code (`Throttling`, `InvalidChangeBatch`, ...); `HTTP<status>` when the body had none.
    package let code: String
    /// The message; for InvalidChangeBatch, every message joined.
    package let message: String
    /// Each message of an InvalidChangeBatch; otherwise the single message.
    package let messages: [String]
    /// The request id, for AWS support.
    package let requestId: String?

    /// Creates an error.
    package init(status: Int, code: String, message: String, messages: [String]? = nil, requestId: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.messages = messages ?? [message]
        self.requestId = requestId
    }

    /// Decodes an error answer; a body that is not AWS XML still gives an error, never a crash.
    package init(status: Int, body: [UInt8], requestIdHeader: String? = nil) {
        guard !body.isEmpty, let root = try? XMLDocumentParser.parse(body) else {
            let what = body.isEmpty ? "an empty body" : "a body that is not AWS XML (\(body.count) bytes)"
            self.init(status: status, code: "HTTP\(status)", message: "HTTP \(status) with \(what)", requestId: requestIdHeader)
            return
        }
        let requestId = root.childText("RequestId") ?? root.childText("RequestID") ?? requestIdHeader
        if root.name == "InvalidChangeBatch" {
            let messages = root.child("Messages")?.children(named: "Message").map(\.trimmedText) ?? []
            let all = messages.isEmpty ? [root.childText("Message") ?? "invalid change batch"] : messages
            self.init(
                status: status, code: "InvalidChangeBatch", message: all.joined(separator: "; "), messages: all,
                requestId: requestId)
            return
        }
        let error = root.child("Error") ?? root.element(at: "Errors", "Error")
        var code = error?.childText("Code") ?? ""
        var message = error?.childText("Message") ?? ""
        if error == nil, !["ErrorResponse", "Response", "Error"].contains(root.name), let bare = root.childText("Message") {
            // Route 53 has also answered `<InvalidSignatureException><Message>…</Message>`: the
            // element is the code.
            code = root.name
            message = bare
        }
        self.init(
            status: status, code: code.isEmpty ? "HTTP\(status)" : code,
            message: message.isEmpty ? "HTTP \(status)" : message, requestId: requestId)
    }

    /// `Code: message`.
    package var description: String { "\(code): \(message)" }

    /// Throttling and prior-request-not-complete: retry with backoff.
    package var isThrottling: Bool {
        status == 429
            || [
                "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "RequestThrottled",
                "TooManyRequestsException", "RequestLimitExceeded", "PriorRequestNotComplete", "SlowDown",
                "BandwidthLimitExceeded", "EC2ThrottledException",
            ].contains(code)
    }

    /// Service-side failures worth retrying.
    package var isTransient: Bool {
        status >= 500
            || [
                "InternalFailure", "InternalError", "ServiceUnavailable", "RequestTimeout",
                "RequestTimeoutException",
            ].contains(code)
    }

    /// Expired temporary credentials: fetch new ones and try once more.
    package var isExpiredCredentials: Bool {
        ["ExpiredToken", "ExpiredTokenException"].contains(code)
    }

    /// The request's signing time was too far from AWS's clock (the machine's clock is wrong).
    package var isClockSkew: Bool {
        ["RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture"].contains(code)
            || (["SignatureDoesNotMatch", "InvalidSignatureException"].contains(code)
                && (message.contains("Signature expired") || message.contains("Signature not yet current")))
    }

    /// The credentials or the permissions were refused.
    package var isAccessDenied: Bool {
        (status == 403 && code.hasPrefix("HTTP"))
            || [
                "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "InvalidClientTokenId",
                "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken", "AuthFailure",
                "UnrecognizedClientException", "InvalidAccessKeyId", "InvalidSignatureException", "ExpiredToken",
                "ExpiredTokenException", "RequestExpired", "RequestTimeTooSkewed", "OptInRequired",
            ].contains(code)
    }

    /// Whether the refusal is about permissions (an IAM policy) rather than the credentials.
    package var isMissingPermission: Bool {
        ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"].contains(code) || (status == 403 && code.hasPrefix("HTTP"))
    }
}
