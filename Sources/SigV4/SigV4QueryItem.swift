/// One query parameter of a request to sign, not yet percent-encoded.
package struct SigV4QueryItem: Sendable, Equatable {
    /// The parameter name, e.g. `name`.
    package let name: String
    /// The parameter value, e.g. `*.example.com.`; an empty value is sent as `name=`.
    package let value: String

    /// Creates a query parameter from its unencoded name and value.
    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
