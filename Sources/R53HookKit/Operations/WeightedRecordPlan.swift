/// What a command would do, printed by `--dry-run`: the change batch and the waits.
public struct WeightedRecordPlan: Sendable, Equatable {
    /// The hosted zone the batch goes to.
    public let zone: HostedZone
    /// The changes, empty when nothing needs to change.
    public let changes: [RecordChange]
    /// The waits that would follow, in order, in words.
    public let waits: [String]

    /// Creates a plan.
    public init(zone: HostedZone, changes: [RecordChange], waits: [String]) {
        self.zone = zone
        self.changes = changes
        self.waits = waits
    }

    /// The plan as text: the batch as it would be sent, then the waits.
    public var text: String {
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
