import AWSKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address, validated and written in its canonical form.
package struct IPAddress: Sendable, Equatable {
    /// Which family.
    package enum Family: Sendable, Equatable {
        /// IPv4, for A records.
        case v4
        /// IPv6, for AAAA records.
        case v6
    }

    /// The family.
    package let family: Family
    /// The canonical text (`inet_ntop`'s).
    package let text: String

    /// Parses an address; nil when the text is not one.
    package init?(_ text: String) {
        let trimmed = text.trimmingWhitespace
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            family = .v4
            self.text = Self.format(AF_INET, &v4, length: INET_ADDRSTRLEN) ?? trimmed
        } else if inet_pton(AF_INET6, trimmed, &v6) == 1 {
            family = .v6
            self.text = Self.format(AF_INET6, &v6, length: INET6_ADDRSTRLEN) ?? trimmed
        } else {
            return nil
        }
    }

    private static func format<T>(_ family: Int32, _ address: inout T, length: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        let count = buffer.count
        return withUnsafePointer(to: &address) { pointer in
            buffer.withUnsafeMutableBufferPointer { output in
                inet_ntop(family, pointer, output.baseAddress, socklen_t(count)).map { String(cString: $0) }
            }
        }
    }
}
