#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A snapshot of environment variables, passed in rather than read from the process so that
/// every layer can be tested with a made-up environment.
package struct ProcessEnvironment: Sendable {
    /// The variables by name.
    package let values: [String: String]
    /// The home directory of the account the process runs as, from the password database:
    /// where `~` points when `HOME` is unset, as under systemd or an init script.
    package let accountHome: String?

    /// Creates an environment from a dictionary; `accountHome` stands in for the password
    /// database (nil: the account has no home directory).
    package init(_ values: [String: String], accountHome: String? = nil) {
        self.values = values
        self.accountHome = accountHome
    }

    /// `HOME`, else the account's home directory, as the SDKs expand `~`; nil when neither is
    /// known, so that no caller reads `/.aws/...` from the root of the file system.
    package var homeDirectory: String? {
        self["HOME"] ?? accountHome.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The environment of this process.
    package static func current() -> ProcessEnvironment {
        var values: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let separator = pair.firstIndex(of: "=") {
                values[String(pair[..<separator])] = String(pair[pair.index(after: separator)...])
            }
            entry += 1
        }
        return ProcessEnvironment(values, accountHome: passwordDatabaseHome())
    }

    /// The current user's home directory from the password database (getpwuid_r), or nil.
    private static func passwordDatabaseHome() -> String? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = buffer.withUnsafeMutableBufferPointer { storage -> Int32 in
            guard let base = storage.baseAddress else { return ERANGE }
            return getpwuid_r(getuid(), &entry, base, storage.count, &found)
        }
        guard status == 0, found != nil, let directory = entry.pw_dir else { return nil }
        // pw_dir points into `buffer`, which is still alive here.
        return String(cString: directory)
    }

    /// The value of a variable, or nil when it is unset or empty (the SDKs treat empty as unset).
    package subscript(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// Whether a variable holds a true value (`true`, `1`, `yes`, `on`, any case).
    package func flag(_ name: String) -> Bool {
        guard let value = self[name] else { return false }
        return ["true", "1", "yes", "on"].contains(value.lowercased())
    }

    /// The same environment with some variables added; existing ones are kept.
    package func addingDefaults(_ defaults: [String: String]) -> ProcessEnvironment {
        ProcessEnvironment(values.merging(defaults) { current, _ in current })
    }
}
