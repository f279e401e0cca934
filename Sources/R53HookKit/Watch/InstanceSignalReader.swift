import AWSKit
import Logging

/// Reads the lifecycle signals from IMDS: four GETs a poll, none of which costs Route 53 budget.
/// A document that does not parse is logged once and read as absent, so a malformed notice
/// never makes `watch` act.
package struct InstanceSignalReader: Sendable {
    /// The metadata paths, as EC2 serves them.
    package enum Path {
        /// 404 until an interruption is scheduled.
        package static let spot = "spot/instance-action"
        /// 404 unless the instance is in an Auto Scaling group.
        package static let lifecycleState = "autoscaling/target-lifecycle-state"
        /// 404 until a rebalance is recommended.
        package static let rebalance = "events/recommendations/rebalance"
        /// A JSON list, `[]` when none.
        package static let maintenance = "events/maintenance/scheduled"
    }

    private let metadata: any InstanceMetadata
    private let logger: Logger

    /// Creates a reader.
    package init(metadata: any InstanceMetadata, logger: Logger) {
        self.metadata = metadata
        self.logger = logger
    }

    /// The spot notice alone: one GET, read while a join or a leave runs (the notice gives two
    /// minutes, too few to wait for either to end). A notice that does not parse is absent.
    package func readSpot() async throws -> SpotInterruption? {
        guard let text = try await metadata.value(at: Path.spot) else { return nil }
        return SpotInterruption(json: text)
    }

    /// One poll. Without `slow`, the scheduled events and the rebalance recommendation are
    /// carried over from `previous` instead of read: they are announced minutes to days ahead,
    /// while a spot notice gives two minutes and Auto Scaling's state changes at once, so only
    /// those two are read at every poll (the driver reads all four every 5th poll).
    package func read(slow: Bool = true, previous: InstanceSignals = InstanceSignals()) async throws -> InstanceSignals {
        var signals = InstanceSignals()
        if let text = try await metadata.value(at: Path.spot) {
            signals.spot = SpotInterruption(json: text)
            if signals.spot == nil { logger.warning("IMDS \(Path.spot) is not a notice r53hook can read; ignored: \(text.prefix(200))") }
        }
        signals.lifecycleState = try await metadata.value(at: Path.lifecycleState)?.trimmingWhitespace
        guard slow else {
            signals.rebalanceNotice = previous.rebalanceNotice
            signals.maintenance = previous.maintenance
            return signals
        }
        if let text = try await metadata.value(at: Path.rebalance) {
            if let document = try? JSONParser.parse(text), let time = document["noticeTime"]?.stringValue {
                signals.rebalanceNotice = time
            } else {
                logger.warning("IMDS \(Path.rebalance) is not a notice r53hook can read; ignored: \(text.prefix(200))")
            }
        }
        if let text = try await metadata.value(at: Path.maintenance) {
            if let events = MaintenanceEvent.list(json: text) {
                signals.maintenance = events
            } else {
                logger.warning("IMDS \(Path.maintenance) is not an event list r53hook can read; ignored: \(text.prefix(200))")
            }
        }
        return signals
    }
}

extension String {
    /// Without leading and trailing spaces and newlines (IMDS text ends in none, a mock may).
    fileprivate var trimmingWhitespace: String {
        let isSpace = { (character: Character) in character == " " || character == "\n" || character == "\r" || character == "\t" }
        return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
