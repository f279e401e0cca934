import AWSKit
import Testing

@testable import R53HookKit

@Suite struct InSyncPollScheduleTests {
    /// The moments (seconds after the change was accepted) of the polls until one at or after `inSync`.
    private static func polls(_ schedule: InSyncPollSchedule, inSync: Double, busy: Bool = false) -> [Double] {
        var elapsed = Duration.zero
        var moments: [Double] = []
        repeat {
            elapsed += schedule.pause(after: elapsed, busy: busy)
            moments.append(elapsed.seconds)
        } while elapsed.seconds < inSync
        return moments
    }

    @Test func patientPollsOnceEarlyThenAtTheUsualPropagationThenBacksOff() {
        #expect(Self.polls(.patient, inSync: 0.5) == [1])
        #expect(Self.polls(.patient, inSync: 10) == [1, 10])
        #expect(Self.polls(.patient, inSync: 12) == [1, 10, 15])
        // Route 53's "generally within 60 seconds" costs 7 polls (the old schedule: 47), each at
        // most a third of the whole wait late.
        let minute = Self.polls(.patient, inSync: 60)
        #expect(minute.count == 7)
        #expect(zip(minute.dropFirst(2), minute.dropFirst(3)).allSatisfy { $1 <= $0 * 1.5 + 1e-9 })
        // Never longer apart than the SDK waiters' 30 s.
        let hour = Self.polls(.patient, inSync: 3600)
        #expect(zip(hour, hour.dropFirst()).allSatisfy { $1 - $0 <= 30 + 1e-9 })
    }

    @Test func patientSkipsTheEarlyPollWhenTheAccountIsBusy() {
        #expect(Self.polls(.patient, inSync: 0.5, busy: true) == [10])
        #expect(Self.polls(.patient, inSync: 10, busy: true) == [10])
    }

    @Test func promptIsNeverMoreThanASecondLate() {
        for inSync in [0.3, 1.0, 2.2, 9.5, 30, 61.7] {
            let moments = Self.polls(.prompt, inSync: inSync)
            let last = moments[moments.count - 1]
            #expect(last - inSync <= 1.0, "INSYNC at \(inSync) s seen at \(last) s")
        }
        #expect(Self.polls(.prompt, inSync: 1.0) == [0.5, 1.0])
    }

    @Test func promptPollsAtHalfAndAtTheUsualPropagationWhenTheAccountIsBusy() {
        #expect(Self.polls(.prompt, inSync: 4, busy: true) == [5])
        #expect(Self.polls(.prompt, inSync: 10, busy: true) == [5, 10])
        #expect(Self.polls(.prompt, inSync: 12.5, busy: true) == [5, 10, 11, 12, 13])
    }

    @Test func startWaitsPatientlyAndStopPromptly() async throws {
        // The fake is INSYNC at the third GetChange.
        let start = try DomainHarness(pollsUntilInSync: 3)
        _ = try await start.join.run(DomainHarness.join())
        #expect(start.time.sleeps == [.seconds(1), .seconds(9), .seconds(5)])

        let stop = try DomainHarness(pollsUntilInSync: 3)
        stop.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", ttl: 10))
        _ = try await stop.leave.run(DomainHarness.leave())
        #expect(Array(stop.time.sleeps.prefix(3)) == [.milliseconds(500), .milliseconds(500), .milliseconds(500)])
    }

    @Test func aPauseThatWouldEndPastTheDeadlineLeavesTimeForOneLastPoll() async throws {
        // 5 s deadline: the 1 s poll says PENDING; the usual 9 s pause is cut to end a second
        // before the deadline, and that poll sees INSYNC (the fake's second GetChange).
        let start = try DomainHarness(pollsUntilInSync: 2, deadline: .seconds(5))
        _ = try await start.join.run(DomainHarness.join())
        #expect(start.time.sleeps == [.seconds(1), .seconds(3)])
    }

    @Test func theLastPollComesASecondBeforeTheDeadlineAndThenItGivesUp() async throws {
        let start = try DomainHarness(pollsUntilInSync: 100, deadline: .seconds(20))
        await #expect(throws: DomainError.self) { _ = try await start.join.run(DomainHarness.join()) }
        // Polls at 1, 10 and 15 s; the next, due at 22.5 s, comes at 19 s; then it gives up.
        #expect(start.time.sleeps == [.seconds(1), .seconds(9), .seconds(5), .seconds(4)])
    }
}
