import AWSKit

@testable import R53HookKit

extension DomainHarness {
    /// The zone the lock tests keep their lock record in (the harness's public zone).
    static let lockZone = HostedZone(id: "ZPUBLIC", name: "example.com", isPrivate: false)

    /// A fleet lock named `jobs` on the in-memory Route 53 and the virtual clock, with fixed jitter.
    func fleetLock() -> FleetLock {
        let store = LockStore(route53: route53, time: time, zone: Self.lockZone, lockName: "jobs")
        return FleetLock(store: store, time: time, logger: logs.logger(), random: { 0.5 })
    }
}
