import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// Log lines name settings only through `RemedyWording`: the command line's words when it set
/// them, the knob's name otherwise; the domain itself writes no flag.
@Suite struct RemedyWordingTests {
    private let me = "i-0123456789abcdef0"

    private func failedCycle(rejoining: Bool) async throws -> [String] {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.fake.insert(DomainHarness.record("i-b", "203.0.113.8", ttl: 10), in: "ZPUBLIC")
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(1))
        for id in [me, "i-b"] { balancer.add(id) }
        var join = DomainHarness.join()
        join.loadBalancer = .classic(name: "web")
        let settings = CycleSettings(leave: LeaveSettings(target: join.target), join: join, rejoinsOnFailure: rejoining)
        _ = try await CycleInstance(context: harness.fleet(balancer), runner: RecordingRunner(status: 3)).run(settings, command: ["false"])
        return harness.logs.messages
    }

    @Test func withoutACommandLineTheKnobIsNamedNotAFlag() async throws {
        let stayed = try await failedCycle(rejoining: false)
        let line = try #require(stayed.first { $0.contains("staying out of the fleet") })
        #expect(!line.contains("--"))
        let rejoined = try await failedCycle(rejoining: true)
        #expect(rejoined.contains { $0.contains("rejoining anyway (the rejoinOnFailure setting)") })
    }

    @Test func theCommandLinesWordsReachTheLogLines() async throws {
        let wording = RemedyWording(
            remedy: { remedy in
                guard case .use(.rejoinOnFailure, let purpose) = remedy else { return nil }
                return "run cycle --rejoin-on-failure \(purpose)"
            },
            knob: { $0 == .rejoinOnFailure ? "--rejoin-on-failure" : "\($0)" })
        let stayed = try await RemedyWording.$current.withValue(wording) { try await failedCycle(rejoining: false) }
        #expect(stayed.contains { $0.hasSuffix("Fix it and run r53hook start, or run cycle --rejoin-on-failure to rejoin even then") })
        let rejoined = try await RemedyWording.$current.withValue(wording) { try await failedCycle(rejoining: true) }
        #expect(rejoined.contains { $0.contains("rejoining anyway (--rejoin-on-failure)") })
    }
}
