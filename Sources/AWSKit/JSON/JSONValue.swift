/// A parsed JSON value. Small on purpose: r53hook reads credential documents and writes status.
package enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Any number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; when a key repeats, the last one wins.
    case object([String: JSONValue])

    /// The member of an object, or nil.
    package subscript(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The string, when this is one.
    package var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }
}
