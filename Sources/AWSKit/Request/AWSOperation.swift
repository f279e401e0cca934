import SigV4

/// One API call to make: the operation's name (for logs, errors and the IAM action), the
/// method, the un-encoded path and query, and the body.
package struct AWSOperation: Sendable {
    /// The API operation, e.g. `ChangeResourceRecordSets`.
    package var name: String
    /// The HTTP method.
    package var method: String
    /// The path, not yet percent-encoded.
    package var path: String
    /// The query items, not yet percent-encoded.
    package var query: [SigV4QueryItem]
    /// The body.
    package var body: [UInt8]
    /// The body's content type, when there is a body.
    package var contentType: String?
    /// The resource ARN the call acts on, for access-denied messages.
    package var resourceARN: String?

    /// Creates an operation.
    package init(
        name: String, method: String, path: String, query: [SigV4QueryItem] = [], body: [UInt8] = [],
        contentType: String? = nil, resourceARN: String? = nil
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.resourceARN = resourceARN
    }
}
