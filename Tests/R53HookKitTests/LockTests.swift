import AWSKit
import Synchronization
import TestSupport
import Testing

@testable import R53HookKit

@Suite struct LockRecordTests {
    @Test func roundTripsThroughItsTXTValue() {
        let record = LockRecord(owner: "i-0abc", token: "00ff", leaseSeconds: 30, sequence: 4)
        #expect(record.txtValue == "\"r53hook-lock owner=i-0abc token=00ff lease=30 seq=4\"")
        #expect(LockRecord(txtValue: record.txtValue) == record)
        #expect(record.renewed().sequence == 5)
        #expect(LockRecord(txtValue: "\"v=spf1 -all\"") == nil)
        #expect(LockRecord(txtValue: "\"r53hook-lock owner=x lease=0 token=t\"") == nil)
        #expect(LockRecord.randomToken().count == 32)
        #expect(LockRecord.randomToken() != LockRecord.randomToken())
    }

    @Test func namesAreOneDNSLabel() {
        #expect(LockStore.problem(withName: "reports_hourly-1") == nil)
        #expect(LockStore.problem(withName: "a.b") != nil)
        #expect(LockStore.problem(withName: "") != nil)
        #expect(LockStore.problem(withName: String(repeating: "x", count: 64)) != nil)
    }
}

@Suite struct RunUnderLockTests {
    private static let zone = HostedZone(id: "ZPUBLIC", name: "example.com", isPrivate: false)

    private func lock(_ harness: DomainHarness, runner: any CommandRunner) -> (RunUnderLock, LockStore) {
        let store = LockStore(route53: harness.route53, time: harness.time, zone: Self.zone, lockName: "jobs")
        return (RunUnderLock(store: store, runner: runner, time: harness.time, logger: harness.logs.logger(), random: { 0.5 }), store)
    }

    private func lockRecords(_ harness: DomainHarness) -> [FakeRoute53.Record] {
        harness.fake.records(in: "ZPUBLIC").filter { $0.type == "TXT" }
    }

    @Test func acquiresRunsAndReleases() async throws {
        let harness = try DomainHarness()
        let fake = harness.fake
        let runner = RecordingRunner(status: 7) {
            let held = fake.records(in: "ZPUBLIC").filter { $0.type == "TXT" }
            #expect(held.count == 1)
            #expect(held.first?.name == "jobs._r53hook-lock.example.com.")
            #expect(held.first?.values.first?.contains("owner=i-me") == true)
        }
        let (lock, _) = lock(harness, runner: runner)
        let status = try await lock.run(owner: "i-me", lease: .seconds(30), waiting: .upTo(nil), command: ["job"])
        #expect(status == 7)
        #expect(runner.commands == [["job"]])
        #expect(lockRecords(harness).isEmpty)
    }

    @Test func noWaitFailsAtOnceWhenHeld() async throws {
        let harness = try DomainHarness()
        let (lock, store) = lock(harness, runner: RecordingRunner())
        _ = try await store.create(LockRecord(owner: "i-other", token: "t", leaseSeconds: 30))
        let runner = RecordingRunner()
        let (noWait, _) = self.lock(harness, runner: runner)
        do {
            _ = try await noWait.run(owner: "i-me", lease: .seconds(30), waiting: .noWait, command: ["job"])
            Issue.record("expected the lock to be held")
        } catch let error as DomainError {
            #expect(error.code == .lockHeld)
            #expect(error.message.contains("held by i-other"))
        }
        #expect(runner.commands.isEmpty)
        #expect(harness.time.sleeps.isEmpty)
        _ = lock
    }

    @Test func takesOverOnlyAfterTheHoldersWholeLease() async throws {
        let harness = try DomainHarness()
        let time = harness.time
        let ranAt = ManualInstant()
        let (lock, store) = lock(harness, runner: RecordingRunner { ranAt.set(time.monotonicNow) })
        // A crashed holder with a 12 s lease: its value never changes.
        _ = try await store.create(LockRecord(owner: "i-crashed", token: "t", leaseSeconds: 12))
        let started = harness.time.monotonicNow
        _ = try await lock.run(owner: "i-me", lease: .seconds(30), waiting: .upTo(nil), command: ["job"])
        let waited = (ranAt.value ?? .zero) - started
        #expect(waited >= .seconds(12))
        #expect(waited < .seconds(12) + .seconds(5))
        #expect(harness.logs.messages.contains { $0.contains("taking it over") })
        #expect(lockRecords(harness).isEmpty)
    }

    @Test func aHolderThatKeepsRenewingIsNeverTakenOver() async throws {
        let harness = try DomainHarness()
        let store = LockStore(route53: harness.route53, time: harness.time, zone: Self.zone, lockName: "jobs")
        let busy = BusyHolder(store: store, holder: LockRecord(owner: "i-busy", token: "t", leaseSeconds: 6))
        _ = try await store.create(busy.current)
        // The holder renews every 2 s of virtual time inside the waiter's own sleeps, so the
        // interleaving is the same on every run (a task racing the clock was not).
        let clock = RenewingClock(base: harness.time, every: .seconds(2)) { try await busy.renew() }
        let lock = RunUnderLock(store: store, runner: RecordingRunner(), time: clock, logger: harness.logs.logger(), random: { 0.5 })
        let started = harness.time.monotonicNow
        _ = try await lock.run(owner: "i-me", lease: .seconds(30), waiting: .upTo(nil), command: ["job"])
        #expect(!harness.logs.messages.contains { $0.contains("taking it over") })
        // 20 renewals 2 s apart, then the holder released: the waiter got the lock only then.
        #expect(busy.renewals == 20)
        #expect(harness.time.monotonicNow - started >= .seconds(40))
    }

    @Test func waitTimeoutGivesUp() async throws {
        let harness = try DomainHarness()
        let (lock, store) = lock(harness, runner: RecordingRunner())
        var holder = LockRecord(owner: "i-busy", token: "t", leaseSeconds: 600)
        _ = try await store.create(holder)
        holder = holder.renewed()
        do {
            _ = try await lock.run(owner: "i-me", lease: .seconds(30), waiting: .upTo(.seconds(20)), command: ["job"])
            Issue.record("expected the wait timeout")
        } catch let error as DomainError {
            #expect(error.code == .lockHeld)
            #expect(error.remedies == [.raise(.lockWait)])
        }
    }

    @Test func aHolderWhoseValueVanishedTerminatesTheCommand() async throws {
        let harness = try DomainHarness()
        let fake = harness.fake
        let runner = RecordingRunner(status: 143) {
            // An operator deletes the lock record while the command runs; the command then
            // runs until r53hook cancels it.
            fake.remove(in: "ZPUBLIC") { $0.type == "TXT" }
            while !Task.isCancelled { await Task.yield() }
        }
        let (lock, _) = lock(harness, runner: runner)
        do {
            _ = try await lock.run(owner: "i-me", lease: .seconds(30), waiting: .upTo(nil), command: ["long-job"])
            Issue.record("expected the lock to be lost")
        } catch let error as DomainError {
            #expect(error.code == .lockLost)
            #expect(error.message.contains("lost lock"))
            #expect(error.message.contains("exit 143"))
        }
        // Found at the first renewal, a third of the lease in.
        #expect(harness.time.monotonicNow - .seconds(1000) >= .seconds(10))
        #expect(harness.time.monotonicNow - .seconds(1000) < .seconds(20))
    }

    @Test func aHolderThatCannotRenewFencesItselfBeforeAWaiterCouldTakeOver() async throws {
        let harness = try DomainHarness()
        let fake = harness.fake
        let time = harness.time
        let ranAt = ManualInstant()
        let runner = RecordingRunner(status: 143) {
            // Route 53 starts failing every change right after acquisition.
            ranAt.set(time.monotonicNow)
            fake.inject("ChangeResourceRecordSets", Array(repeating: FakeRoute53.error(503, "ServiceUnavailable", "down"), count: 10_000))
            while !Task.isCancelled { await Task.yield() }
        }
        let (lock, _) = lock(harness, runner: runner)
        await #expect(throws: DomainError.self) {
            try await lock.run(owner: "i-me", lease: .seconds(30), waiting: .upTo(nil), command: ["long-job"])
        }
        let held = harness.time.monotonicNow - (ranAt.value ?? .zero)
        // Fenced at 2/3 of the lease (20 s); a waiter could take over only after 30 s.
        #expect(held >= .seconds(20))
        #expect(held < .seconds(21))
    }
}

/// A moment of virtual time recorded from inside a command.
final class ManualInstant: Sendable {
    private let stored = Synchronization.Mutex<Duration?>(nil)
    func set(_ value: Duration) { stored.withLock { $0 = $0 ?? value } }
    var value: Duration? { stored.withLock { $0 } }
}

/// A lock holder that renews its record, and after 20 renewals releases it.
private final class BusyHolder: Sendable {
    private let store: LockStore
    private let state: Mutex<(holder: LockRecord, renewals: Int, released: Bool)>

    init(store: LockStore, holder: LockRecord) {
        self.store = store
        self.state = Mutex((holder, 0, false))
    }

    var current: LockRecord { state.withLock { $0.holder } }
    var renewals: Int { state.withLock { $0.renewals } }

    func renew() async throws {
        guard !state.withLock({ $0.released }), let record = try await store.current() else { return }
        if renewals >= 20 {
            _ = try await store.delete(record)
            state.withLock { $0.released = true }
            return
        }
        let next = current.renewed()
        if try await store.replace(record, with: next) {
            state.withLock {
                $0.holder = next
                $0.renewals += 1
            }
        }
    }
}

/// Virtual time that calls `tick` every `interval` while anyone sleeps on it: the sleeper's
/// waits are cut into steps so that nothing happens between two ticks but the sleep itself.
private final class RenewingClock: TimeSource, Sendable {
    private let base: ManualTime
    private let interval: Duration
    private let tick: @Sendable () async throws -> Void
    private let lastTick: Mutex<Duration>

    init(base: ManualTime, every interval: Duration, tick: @escaping @Sendable () async throws -> Void) {
        self.base = base
        self.interval = interval
        self.tick = tick
        self.lastTick = Mutex(base.monotonicNow)
    }

    var monotonicNow: Duration { base.monotonicNow }
    var wallClock: UnixTime { base.wallClock }

    func sleep(for duration: Duration) async throws {
        var left = duration
        while left > .zero {
            let untilTick = interval - (base.monotonicNow - lastTick.withLock { $0 })
            let step = min(left, max(untilTick, .zero))
            try await base.sleep(for: step)
            left -= step
            if base.monotonicNow - lastTick.withLock({ $0 }) >= interval {
                lastTick.withLock { $0 = base.monotonicNow }
                try await tick()
            }
        }
    }
}
