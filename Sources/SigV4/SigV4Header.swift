/// One HTTP header of a request to sign, or one header the signer asks the caller to add.
package struct SigV4Header: Sendable, Equatable {
    /// The header name as it is sent; the signer lower-cases it for the canonical request.
    package let name: String
    /// The header value as it is sent; the signer trims and folds its spaces for the canonical request.
    package let value: String

    /// Creates a header.
    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
