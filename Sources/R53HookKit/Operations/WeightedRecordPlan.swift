/// What a command would do, printed by `--dry-run`: the change batch and the waits. The command
/// line turns it into words (`DryRunOutput`); only the batch is text here, since the XML that
/// would be sent is part of the plan.
package struct WeightedRecordPlan: Sendable, Equatable {
    /// A wait that would follow the batch.
    package enum Wait: Sendable, Equatable {
        /// Until Route 53 reports the change INSYNC, bounded by the command's deadline.
        case inSync(deadline: Duration)
        /// The drain after a deletion: the deleted record's TTL plus the extra seconds.
        case drain(ttl: Duration, extra: Duration)
    }

    /// The hosted zone the batch goes to.
    package let zone: HostedZone
    /// The changes, empty when nothing needs to change.
    package let changes: [RecordChange]
    /// The waits that would follow, in order.
    package let waits: [Wait]
    /// What the operator should know before the batch goes (the last record of a name emptied).
    package let warnings: [String]

    /// Creates a plan.
    package init(zone: HostedZone, changes: [RecordChange], waits: [Wait], warnings: [String] = []) {
        self.zone = zone
        self.changes = changes
        self.waits = waits
        self.warnings = warnings
    }

    /// The change batch as it would be sent, or why it cannot be written.
    package var batchXML: String {
        do {
            return try Route53XML.changeBatch(changes, comment: nil)
        } catch {
            return "(the batch cannot be written: \(error.message))"
        }
    }
}
