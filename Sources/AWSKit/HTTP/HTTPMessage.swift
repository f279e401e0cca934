/// One header field of a request or response.
package struct HTTPHeader: Sendable, Equatable {
    /// The field name as sent (lookups ignore case).
    package let name: String
    /// The field value.
    package let value: String

    /// Creates a header field.
    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request as the transport sends it.
package struct HTTPRequest: Sendable {
    /// The method: GET, PUT, POST or DELETE.
    package var method: String
    /// The full URL, already encoded.
    package var url: String
    /// Header fields to send.
    package var headers: [HTTPHeader]
    /// The body; empty for none.
    package var body: [UInt8]
    /// Never send this request through a proxy (IMDS and container credentials must not be).
    package var bypassesProxy: Bool
    /// The largest response body accepted for this request, when below the client's own limit:
    /// the transfer stops as soon as more arrives.
    package var maximumResponseSize: Int?

    /// Creates a request.
    package init(
        method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8] = [], bypassesProxy: Bool = false,
        maximumResponseSize: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.bypassesProxy = bypassesProxy
        self.maximumResponseSize = maximumResponseSize
    }
}

/// An HTTP response with its whole body.
package struct HTTPResponse: Sendable {
    /// The status code.
    package let status: Int
    /// The header fields received.
    package let headers: [HTTPHeader]
    /// The body.
    package let body: [UInt8]

    /// Creates a response.
    package init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header with the name, ignoring case.
    package func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body as UTF-8 text.
    package var text: String { String(decoding: body, as: UTF8.self) }
}

/// How long one HTTP exchange may take.
package struct HTTPTimeouts: Sendable, Equatable {
    /// Limit on establishing the connection.
    package var connect: Duration
    /// Limit on the whole exchange, connection included.
    package var total: Duration

    /// Creates timeouts.
    package init(connect: Duration, total: Duration) {
        self.connect = connect
        self.total = total
    }
}

/// The seam between r53hook and the network: libcurl in production, a scripted fake in tests.
package protocol HTTPClient: Sendable {
    /// Sends one request and returns the response, whatever its status.
    /// Throws `HTTPTransportError` when no complete response arrives, and `CancellationError`
    /// when the task is cancelled.
    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse
}
