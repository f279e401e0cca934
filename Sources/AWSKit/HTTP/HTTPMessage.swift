/// One header field of a request or response.
public struct HTTPHeader: Sendable, Equatable {
    /// The field name as sent (lookups ignore case).
    public let name: String
    /// The field value.
    public let value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request as the transport sends it.
public struct HTTPRequest: Sendable {
    /// The method: GET, PUT, POST or DELETE.
    public var method: String
    /// The full URL, already encoded.
    public var url: String
    /// Header fields to send.
    public var headers: [HTTPHeader]
    /// The body; empty for none.
    public var body: [UInt8]
    /// Never send this request through a proxy (IMDS and container credentials must not be).
    public var bypassesProxy: Bool
    /// The largest response body accepted for this request, when below the client's own limit:
    /// the transfer stops as soon as more arrives.
    public var maximumResponseSize: Int?

    /// Creates a request.
    public init(
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
public struct HTTPResponse: Sendable {
    /// The status code.
    public let status: Int
    /// The header fields received.
    public let headers: [HTTPHeader]
    /// The body.
    public let body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header with the name, ignoring case.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// How long one HTTP exchange may take.
public struct HTTPTimeouts: Sendable, Equatable {
    /// Limit on establishing the connection.
    public var connect: Duration
    /// Limit on the whole exchange, connection included.
    public var total: Duration

    /// Creates timeouts.
    public init(connect: Duration, total: Duration) {
        self.connect = connect
        self.total = total
    }
}

/// The seam between r53hook and the network: libcurl in production, a scripted fake in tests.
public protocol HTTPClient: Sendable {
    /// Sends one request and returns the response, whatever its status.
    /// Throws `HTTPTransportError` when no complete response arrives, and `CancellationError`
    /// when the task is cancelled.
    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse
}
