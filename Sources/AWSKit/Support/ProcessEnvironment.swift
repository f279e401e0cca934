#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot of environment variables, passed in rather than read from the process so that
/// every layer can be tested with a made-up environment.
public struct ProcessEnvironment: Sendable {
    /// The variables by name.
    public let values: [String: String]

    /// Creates an environment from a dictionary.
    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The environment of this process.
    public static func current() -> ProcessEnvironment {
        var values: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let separator = pair.firstIndex(of: "=") {
                values[String(pair[..<separator])] = String(pair[pair.index(after: separator)...])
            }
            entry += 1
        }
        return ProcessEnvironment(values)
    }

    /// The value of a variable, or nil when it is unset or empty (the SDKs treat empty as unset).
    public subscript(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// Whether a variable holds a true value (`true`, `1`, `yes`, `on`, any case).
    public func flag(_ name: String) -> Bool {
        guard let value = self[name] else { return false }
        return ["true", "1", "yes", "on"].contains(value.lowercased())
    }

    /// The same environment with some variables added; existing ones are kept.
    public func addingDefaults(_ defaults: [String: String]) -> ProcessEnvironment {
        ProcessEnvironment(values.merging(defaults) { current, _ in current })
    }
}
