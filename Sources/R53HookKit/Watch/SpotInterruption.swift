import AWSKit

/// A spot interruption notice from IMDS `spot/instance-action`: what EC2 will do to the
/// instance and when. EC2 serves it about two minutes ahead; it is 404 until then.
package struct SpotInterruption: Sendable, Equatable {
    /// `terminate`, `stop` or `hibernate`.
    package let action: String
    /// When EC2 acts.
    package let time: UnixTime

    /// Creates a notice.
    package init(action: String, time: UnixTime) {
        self.action = action
        self.time = time
    }

    /// Parses the document `{"action": "terminate", "time": "2026-11-29T05:00:00Z"}`; nil when it
    /// is not one (the caller logs it and treats the notice as absent).
    package init?(json text: String) {
        guard let document = try? JSONParser.parse(text), let action = document["action"]?.stringValue,
            let timeText = document["time"]?.stringValue, let time = UnixTime(iso8601: timeText)
        else { return nil }
        self.init(action: action, time: time)
    }
}
