/// What a command would do, printed by `--dry-run`: the change batch and the waits.
package struct WeightedRecordPlan: Sendable, Equatable {
    /// The hosted zone the batch goes to.
    package let zone: HostedZone
    /// The changes, empty when nothing needs to change.
    package let changes: [RecordChange]
    /// The waits that would follow, in order, in words.
    package let waits: [String]

    /// Creates a plan.
    package init(zone: HostedZone, changes: [RecordChange], waits: [String]) {
        self.zone = zone
        self.changes = changes
        self.waits = waits
    }

    /// The plan as text: the batch as it would be sent, then the waits.
    package var text: String {
        var lines = ["hosted zone: \(zone.name) \(zone.id) (\(zone.visibility))"]
        if changes.isEmpty {
            lines.append("no change needed")
        } else {
            lines.append("change batch (POST /2013-04-01/hostedzone/\(zone.id)/rrset):")
            do {
                lines.append(try Route53XML.changeBatch(changes, comment: nil))
            } catch {
                lines.append("(the batch cannot be written: \(error.message))")
            }
        }
        lines += waits.map { "then: \($0)" }
        return lines.joined(separator: "\n")
    }
}
