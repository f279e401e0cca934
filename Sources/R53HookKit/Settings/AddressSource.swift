/// Where the record's address comes from.
package enum AddressSource: Sendable, Equatable, CustomStringConvertible {
    /// IMDS `public-ipv4`.
    case publicIPv4
    /// IMDS `local-ipv4`.
    case localIPv4
    /// IMDS `ipv6` (the instance's primary IPv6 address).
    case ipv6
    /// An address given literally.
    case literal(IPAddress)

    /// The setting's spelling: `public-ipv4`, `local-ipv4`, `ipv6`, or the address.
    package var description: String {
        switch self {
        case .publicIPv4: return "public-ipv4"
        case .localIPv4: return "local-ipv4"
        case .ipv6: return "ipv6"
        case .literal(let address): return address.text
        }
    }

    /// The address family the source gives.
    package var family: IPAddress.Family {
        switch self {
        case .publicIPv4, .localIPv4: return .v4
        case .ipv6: return .v6
        case .literal(let address): return address.family
        }
    }
}
