import AWSKit
import R53HookKit
import Synchronization
import TestSupport
import Testing

/// IMDS whose answers a test changes while `watch` polls it.
final class ChangingMetadata: InstanceMetadata, Sendable {
    private let items: Mutex<[String: String]>

    init(_ items: [String: String]) {
        self.items = Mutex(items)
    }

    func set(_ path: String, _ value: String?) { items.withLock { $0[path] = value } }

    func value(at path: String) async throws -> String? { items.withLock { $0[path] } }
}

/// The `watch` driver in virtual time against the in-memory Route 53: it joins, acts on each
/// verdict once, and leaves on shutdown.
@Suite struct InstanceWatchTests {
    private func watch(_ harness: DomainHarness, _ metadata: ChangingMetadata, policy: WatchPolicy = WatchPolicy()) -> InstanceWatch {
        let settings = WatchSettings(
            join: DomainHarness.join(), leave: DomainHarness.leave { $0.drainExtra = .seconds(5) }, pollInterval: .seconds(2),
            spotMargin: .seconds(10), policy: policy)
        return InstanceWatch(
            context: harness.fleet(nil), reader: InstanceSignalReader(metadata: metadata, logger: harness.logs.logger()),
            notifier: SystemdNotifier(socketPath: nil), settings: settings, heartbeat: nil)
    }

    private func addresses(_ harness: DomainHarness) -> [FakeRoute53.Record] {
        harness.fake.records(in: "ZPUBLIC").filter { $0.type == "A" }
    }

    /// Polls (yielding, so the watch runs) until the condition holds or a bound of tries passes.
    private func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<20_000 {
            if condition() { return true }
            await Task.yield()
        }
        return condition()
    }

    @Test func joinsThenLeavesAtOnceOnASpotNoticeAndStaysOut() async throws {
        let harness = try DomainHarness(deadline: .seconds(100_000_000))
        let metadata = ChangingMetadata([:])
        let watch = watch(harness, metadata)
        let running = Task { try await watch.run() }
        #expect(await eventually { watch.membership.place == .joined(weightZero: false) })
        #expect(addresses(harness).count == 1)

        let time = harness.time.wallClock.adding(seconds: 120)
        metadata.set("spot/instance-action", #"{"action": "terminate", "time": "\#(time.iso8601)"}"#)
        #expect(await eventually { watch.membership.place == .out })
        #expect(addresses(harness).isEmpty)
        #expect(harness.logs.messages.contains { $0.contains("decision: serving -> out at once: spot interruption notice (terminate") })
        // The notice gone: still out, never joined again.
        metadata.set("spot/instance-action", nil)
        for _ in 0..<2000 { await Task.yield() }
        #expect(addresses(harness).isEmpty)
        running.cancel()
        _ = await running.result
        // The shutdown after it has nothing left to do.
        try await watch.shutDown(signalName: "SIGTERM")
        #expect(harness.logs.messages.contains { $0.contains("already out of the fleet") })
    }

    @Test func aWarmInstanceNeverJoinsAndJoinsOnceInService() async throws {
        let harness = try DomainHarness(deadline: .seconds(100_000_000))
        let metadata = ChangingMetadata(["autoscaling/target-lifecycle-state": "Warmed:Running"])
        let watch = watch(harness, metadata)
        let running = Task { try await watch.run() }
        #expect(await eventually { watch.membership.place == .out })
        for _ in 0..<2000 { await Task.yield() }
        #expect(addresses(harness).isEmpty)
        metadata.set("autoscaling/target-lifecycle-state", "InService")
        #expect(await eventually { watch.membership.place == .joined(weightZero: false) }, "\(harness.logs.messages)")
        #expect(addresses(harness).count == 1)
        running.cancel()
        _ = await running.result
    }

    @Test func aRebalanceWithWeightZeroRewritesTheWeightAndRestoresIt() async throws {
        let harness = try DomainHarness(deadline: .seconds(100_000_000))
        let metadata = ChangingMetadata([:])
        let watch = watch(harness, metadata, policy: WatchPolicy(onRebalance: .weightZero))
        let running = Task { try await watch.run() }
        #expect(await eventually { watch.membership.place == .joined(weightZero: false) })
        metadata.set("events/recommendations/rebalance", #"{"noticeTime": "2026-11-29T05:00:00Z"}"#)
        #expect(await eventually { watch.membership.place == .joined(weightZero: true) })
        #expect(addresses(harness).map(\.weight) == [0])
        metadata.set("events/recommendations/rebalance", nil)
        #expect(await eventually { watch.membership.place == .joined(weightZero: false) })
        #expect(addresses(harness).map(\.weight) == [10])
        running.cancel()
        _ = await running.result
    }

    @Test func aShutdownLeavesAsStopDoes() async throws {
        let harness = try DomainHarness(deadline: .seconds(100_000_000))
        let watch = watch(harness, ChangingMetadata([:]))
        let running = Task { try await watch.run() }
        #expect(await eventually { watch.membership.place == .joined(weightZero: false) })
        running.cancel()
        _ = await running.result
        try await watch.shutDown(signalName: "SIGTERM")
        #expect(addresses(harness).isEmpty)
        #expect(watch.membership.place == .out)
        #expect(harness.logs.messages.contains { $0.contains("draining for 65 s") })
    }
}
