#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Endpoint {
    /// Whether requests to this endpoint stay on this machine: the host parsed as an IP address
    /// is in 127.0.0.0/8 or is ::1, or it is the name `localhost`, which libcurl (7.78 and later)
    /// resolves to loopback itself, without asking /etc/hosts or DNS. A name that merely starts
    /// with "127." (`127.attacker.example`) is a name, not an address, and is not loopback.
    package var isLoopback: Bool {
        host.lowercased() == "localhost" || Self.isLoopbackAddress(host)
    }

    /// Whether the text is an IPv4 address in 127.0.0.0/8 or the IPv6 address ::1.
    static func isLoopbackAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            // s_addr is in network byte order: its first byte in memory is the first octet.
            return withUnsafeBytes(of: &v4) { $0.first == 127 }
        }
        return Self.ipv6Bytes(text) == Array(repeating: 0, count: 15) + [1]
    }

    /// The 16 bytes of an IPv6 address, or nil when the text is not one; comparing bytes, not
    /// text, makes `FD00:EC2:0::23` and `fd00:ec2::23` the same address.
    static func ipv6Bytes(_ text: String) -> [UInt8]? {
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: &v6) { Array($0) }
    }

    /// Refuses plain http to anything but this machine: a signed request carries the access key
    /// id, the signature and the session token, which must not cross a network in clear text.
    /// `variable` names where the endpoint came from, for the message.
    package func requireEncryptedUnlessLoopback(variable: String) throws(AWSKitError) {
        guard scheme == "http", !isLoopback else { return }
        throw AWSKitError(
            .invalidEndpoint,
            "\(variable) is \(self), plain http to another machine: signed requests and session tokens would cross the network unencrypted. Use https://, or http:// only to 127.0.0.1, ::1 or localhost"
        )
    }
}
