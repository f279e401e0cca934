import AWSKit
import R53HookKit
import TestSupport
import Testing

/// The IMDS documents `watch` reads, as EC2 serves them, and what a malformed one does (nothing).
@Suite struct InstanceSignalTests {
    @Test func readsTheSpotNotice() {
        let notice = SpotInterruption(json: #"{"action": "terminate", "time": "2026-11-29T05:00:00Z"}"#)
        #expect(notice == SpotInterruption(action: "terminate", time: UnixTime(iso8601: "2026-11-29T05:00:00Z") ?? UnixTime(seconds: 0)))
        #expect(SpotInterruption(json: #"{"action": "terminate"}"#) == nil)
        #expect(SpotInterruption(json: #"{"action": "terminate", "time": "soon"}"#) == nil)
        #expect(SpotInterruption(json: "<html>") == nil)
    }

    @Test func readsTheEventDateFormatOfIMDS() {
        // 21 Jan 2019 09:00:43 GMT, the example of the EC2 documentation.
        #expect(MaintenanceEvent.eventTime("21 Jan 2019 09:00:43 GMT") == UnixTime(seconds: 1_548_061_243))
        #expect(MaintenanceEvent.eventTime("1 Dec 2026 23:59:59 GMT") == UnixTime(iso8601: "2026-12-01T23:59:59Z"))
        #expect(MaintenanceEvent.eventTime("21 Foo 2019 09:00:43 GMT") == nil)
        #expect(MaintenanceEvent.eventTime("21 Jan 2019 09:00:43 CET") == nil)
        #expect(MaintenanceEvent.eventTime("") == nil)
    }

    @Test func readsTheScheduledEventList() {
        let text = """
            [{"NotBefore": "21 Jan 2019 09:00:43 GMT", "Code": "system-reboot", "Description": "scheduled reboot", \
            "EventId": "instance-event-0d59937288b749b32", "NotAfter": "21 Jan 2019 09:17:23 GMT", "State": "active"}, \
            {"Code": "instance-stop", "State": "active"}]
            """
        let events = MaintenanceEvent.list(json: text)
        #expect(
            events == [
                MaintenanceEvent(code: "system-reboot", eventId: "instance-event-0d59937288b749b32", notBefore: UnixTime(seconds: 1_548_061_243), state: "active")
            ])
        #expect(MaintenanceEvent.list(json: "[]") == [])
        #expect(MaintenanceEvent.list(json: "{}") == nil)
    }

    @Test func theReaderTakesEachSignalAndIgnoresWhatItCannotRead() async throws {
        let logs = LogCapture()
        let metadata = FakeMetadata([
            "spot/instance-action": #"{"action": "stop", "time": "2026-11-29T05:00:00Z"}"#,
            "autoscaling/target-lifecycle-state": "Warmed:Running\n",
            "events/recommendations/rebalance": "not json",
            "events/maintenance/scheduled": "[]",
        ])
        let signals = try await InstanceSignalReader(metadata: metadata, logger: logs.logger()).read()
        #expect(signals.spot?.action == "stop")
        #expect(signals.lifecycleState == "Warmed:Running")
        #expect(signals.rebalanceNotice == nil)
        #expect(signals.maintenance == [])
        #expect(logs.messages.contains { $0.contains("events/recommendations/rebalance is not a notice r53hook can read") })
        let quiet = try await InstanceSignalReader(metadata: FakeMetadata([:]), logger: logs.logger()).read()
        #expect(quiet == InstanceSignals())
    }
}
