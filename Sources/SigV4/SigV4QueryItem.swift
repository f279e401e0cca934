/// One query parameter of a request to sign, not yet percent-encoded.
public struct SigV4QueryItem: Sendable, Equatable {
    /// The parameter name, e.g. `name`.
    public let name: String
    /// The parameter value, e.g. `*.example.com.`; an empty value is sent as `name=`.
    public let value: String

    /// Creates a query parameter from its unencoded name and value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
