/// The record types r53hook manages.
package enum RecordType: String, Sendable, Equatable, CaseIterable {
    /// IPv4.
    case a = "A"
    /// IPv6.
    case aaaa = "AAAA"
}
