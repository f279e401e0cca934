/// An HTTP(S) endpoint: scheme, host, optional port and a base path, parsed without Foundation.
package struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    package let scheme: String
    /// The host name or IP address; IPv6 literals without brackets.
    package let host: String
    /// The port, when the URL names one.
    package let port: Int?
    /// A path prefix without a trailing slash (usually empty).
    package let basePath: String

    /// Parses `scheme://host[:port][/path]`. Only http and https are accepted.
    package init(parsing text: String) throws(AWSKitError) {
        let trimmed = text.trimmingWhitespace
        guard let schemeEnd = trimmed.firstRange(of: "://") else {
            throw AWSKitError(.invalidEndpoint, "endpoint '\(text)' is not a URL: it needs http:// or https://")
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw AWSKitError(.invalidEndpoint, "endpoint '\(text)' uses \(scheme)://; only http:// and https:// are supported")
        }
        let rest = trimmed[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...].prefix { $0 != "?" && $0 != "#" })
        while path.hasSuffix("/") { path.removeLast() }

        guard !authority.contains("@") else {
            throw AWSKitError(.invalidEndpoint, "endpoint '\(text)' contains user information, which is not supported")
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw AWSKitError(.invalidEndpoint, "endpoint '\(text)' has an unterminated IPv6 address")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw AWSKitError(.invalidEndpoint, "endpoint '\(text)' has text after the IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw AWSKitError(.invalidEndpoint, "endpoint '\(text)' has no host") }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw AWSKitError(.invalidEndpoint, "endpoint '\(text)' has an invalid port '\(portText)'")
            }
            port = value
        }
        self.scheme = scheme
        self.host = String(host)
        self.port = port
        self.basePath = path
    }

    /// The value of the Host header: the host, with the port when it is not the scheme's default.
    package var hostHeader: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard let port, port != (scheme == "https" ? 443 : 80) else { return bracketed }
        return "\(bracketed):\(port)"
    }

    /// The full URL for an already-encoded path and query string.
    package func url(encodedPath: String, encodedQuery: String = "") -> String {
        let path = basePath + (encodedPath.hasPrefix("/") ? encodedPath : "/" + encodedPath)
        return "\(scheme)://\(hostHeader)\(path)" + (encodedQuery.isEmpty ? "" : "?\(encodedQuery)")
    }

    /// The URL of the endpoint itself.
    package var description: String { "\(scheme)://\(hostHeader)\(basePath)" }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    package var trimmingWhitespace: String {
        // `isWhitespace`, not a list of characters: "\r\n" is a single Character in Swift.
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}
