import AWSKit

/// One member of the registry: its mark (the TXT record exactly as read, for an exact DELETE)
/// and the address record with the same set identifier, when there is one.
package struct RegistryMember: Sendable, Equatable {
    /// The set identifier both records share.
    package let setIdentifier: String
    /// The mark's record as Route 53 holds it.
    package let markRecord: ResourceRecordSet
    /// The mark, read.
    package let mark: MemberMark
    /// The weighted address record of the pair, when it exists.
    package let addressRecord: ResourceRecordSet?
    /// The per-instance name's record the mark owns, when it exists as r53hook wrote it.
    package let instanceRecord: ResourceRecordSet?

    /// Creates a member.
    package init(
        setIdentifier: String, markRecord: ResourceRecordSet, mark: MemberMark, addressRecord: ResourceRecordSet?,
        instanceRecord: ResourceRecordSet? = nil
    ) {
        self.setIdentifier = setIdentifier
        self.markRecord = markRecord
        self.mark = mark
        self.addressRecord = addressRecord
        self.instanceRecord = instanceRecord
    }

    /// Seconds since the last heartbeat (0 for one ahead of this clock); nil when the member
    /// does not send heartbeats. Never traps, whatever the mark holds.
    package func heartbeatAge(now: Int) -> Int? {
        mark.heartbeatAt.map { max(0, UnixTime.secondsBetween($0, now)) }
    }

    /// Seconds since the last sign of life (heartbeat, else join); never traps.
    package func lastSeenAge(now: Int) -> Int {
        UnixTime.secondsBetween(mark.lastSeenAt, now)
    }

    /// Whether the member counts as alive: its heartbeat is at most `expiry` seconds old, or it
    /// does not send heartbeats (then only EC2 can tell).
    package func isLive(now: Int, expiry: Int) -> Bool {
        guard let age = heartbeatAge(now: now) else { return true }
        return age <= expiry
    }

    /// Whether the address record is exactly the one the mark describes, so the pair can be
    /// deleted together: a plain weighted (or multivalue) record pointing at the marked address.
    package var addressRecordIsMarked: Bool {
        guard let addressRecord else { return false }
        return addressRecord.isPlainMember && addressRecord.values == [mark.address]
    }

    /// The exact DELETE of the pair (or of the mark alone when the address record is gone), with
    /// the per-instance name the mark owns.
    package var deletion: [RecordChange] {
        var changes = [RecordChange(.delete, markRecord)]
        if let addressRecord, addressRecordIsMarked { changes.insert(RecordChange(.delete, addressRecord), at: 0) }
        if let instanceRecord { changes.append(RecordChange(.delete, instanceRecord)) }
        return changes
    }
}
