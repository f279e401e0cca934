/// The record types r53hook writes or looks for, spelled as Route 53 spells them. A record read
/// back keeps its type as text, since a zone holds every type; comparisons and writes go
/// through these cases, never a literal.
package enum RecordSetType: String, Sendable, CaseIterable {
    /// The address record of an IPv4 member.
    case a = "A"
    /// The address record of an IPv6 member.
    case aaaa = "AAAA"
    /// Registry marks and locks.
    case txt = "TXT"
}
