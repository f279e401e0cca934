/// The parts of an HTTP request that Signature Version 4 covers.
///
/// Path and query are given unencoded; the HTTP layer builds the URL with
/// ``SigV4Encoding/encodedPath(_:)`` and ``SigV4Encoding/canonicalQueryString(_:)``
/// so that what is sent is exactly what was signed.
package struct SigV4Request: Sendable {
    /// The HTTP method, e.g. `GET`; upper-cased for signing.
    package var method: String
    /// The path, not yet percent-encoded, starting with `/`, e.g. `/2013-04-01/hostedzone/Z1/rrset`.
    package var path: String
    /// The query parameters, not yet percent-encoded, in any order.
    package var query: [SigV4QueryItem]
    /// The headers that will be sent. Must include `host` (with `:port` when the port is not the
    /// scheme's default). Must not include `Authorization`, `X-Amz-Date` or `X-Amz-Security-Token`:
    /// the signer supplies those.
    package var headers: [SigV4Header]
    /// The exact body bytes that will be sent; empty for none.
    package var body: [UInt8]

    /// Creates a request to sign.
    package init(
        method: String, path: String, query: [SigV4QueryItem] = [], headers: [SigV4Header], body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
