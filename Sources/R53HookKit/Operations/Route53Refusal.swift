import AWSKit

/// Reads Route 53's refusals of a change batch: which ones only say that the records changed
/// since they were read (a lost compare-and-swap race: read again), and, for every other one, a
/// message that says what to do.
///
/// Route 53 answers InvalidChangeBatch for many reasons: a record that exists or is gone, but
/// also a conflicting CNAME, a name outside the zone, a bad value, a limit. Only three exact
/// shapes mean "changed since read"; matching a bare phrase is not enough, since the CNAME
/// conflict reads "RRSet of type TXT with DNS name … is not permitted because a conflicting
/// RRSet of type CNAME with the same DNS name already exists in zone …".
enum Route53Refusal {
    /// What one InvalidChangeBatch message says about a record the batch named.
    enum StaleRecord: Sendable, Equatable {
        /// "Tried to create resource record set […] but it already exists".
        case alreadyExists
        /// "Tried to delete resource record set […] but it was not found".
        case notFound
        /// "Tried to delete resource record set […] but the values provided do not match the current values".
        case valuesDiffer
    }

    /// The staleness one message reports, or nil when it reports something else.
    static func staleRecord(in message: String) -> StaleRecord? {
        let text = message.trimmingWhitespace
        if text.hasPrefix("Tried to create resource record set "), text.hasSuffix(" but it already exists") {
            return .alreadyExists
        }
        guard text.hasPrefix("Tried to delete resource record set ") else { return nil }
        if text.hasSuffix(" but it was not found") { return .notFound }
        if text.hasSuffix(" but the values provided do not match the current values") { return .valuesDiffer }
        return nil
    }

    /// Whether a refusal says only that the records changed since they were read: an
    /// InvalidChangeBatch whose every message is one of the `StaleRecord` shapes.
    static func isStale(_ error: AWSServiceError) -> Bool {
        let messages = error.messages.flatMap(splitList)
        return error.code == "InvalidChangeBatch" && !messages.isEmpty && messages.allSatisfy { staleRecord(in: $0) != nil }
    }

    /// The messages of one message text. In its ErrorResponse shape Route 53 sends them all as one
    /// bracketed list, "[msg1, msg2]"; the messages hold commas of their own ("[name='a.',
    /// type='A']"), so the list is split only where a "Tried to" message starts. Any other
    /// message stays glued to its neighbour, and that piece then matches no stale shape.
    static func splitList(_ text: String) -> [String] {
        let trimmed = text.trimmingWhitespace
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return [trimmed] }
        let inner = trimmed.dropFirst().dropLast()
        let pieces = inner.split(separator: ", Tried to ", omittingEmptySubsequences: false)
        return pieces.enumerated().map { index, piece in index == 0 ? String(piece) : "Tried to " + piece }
    }

    /// The refusal in words for an operator; `advice` (domain words, no flags) is added to a
    /// refused batch's message.
    static func explain(_ error: AWSServiceError, action: String, zone: HostedZone, advice: String? = nil) -> DomainError {
        switch error.code {
        case "NoSuchHostedZone":
            return DomainError(
                .hostedZoneGone, "cannot \(action): hosted zone \(zone.id) no longer exists (\(error.message))", underlying: error)
        case "NoSuchHealthCheck":
            return DomainError(
                .healthCheckNotFound, "cannot \(action): the health check does not exist (\(error.message))",
                remedies: [.check(.healthCheckId)], underlying: error)
        case "InvalidChangeBatch", "InvalidInput":
            let said = advice.map { "; \($0)" } ?? ""
            return DomainError(.changeRefused, "Route 53 refused to \(action): \(error.message)\(said)", underlying: error)
        default:
            return DomainError(.serviceFailed, "Route 53 could not \(action): \(error)", underlying: error)
        }
    }
}
