/// One HTTP header of a request to sign, or one header the signer asks the caller to add.
public struct SigV4Header: Sendable, Equatable {
    /// The header name as it is sent; the signer lower-cases it for the canonical request.
    public let name: String
    /// The header value as it is sent; the signer trims and folds its spaces for the canonical request.
    public let value: String

    /// Creates a header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
