import AWSKit
import Logging

/// `lock NAME -- COMMAND`: run a command on one machine of the fleet at a time, under a
/// `FleetLock`; the command is terminated if the lock is lost.
package struct RunUnderLock: Sendable {
    /// How long to wait for the lock.
    package typealias Waiting = FleetLock.Waiting

    private let lock: FleetLock
    private let runner: any CommandRunner

    /// Creates the use case.
    package init(
        store: LockStore, runner: any CommandRunner, time: any TimeSource, logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.lock = FleetLock(store: store, time: time, logger: logger, random: random)
        self.runner = runner
    }

    /// Acquires, runs the command while renewing, releases; returns the command's status.
    package func run(owner: String, lease: Duration, waiting: Waiting, command: [String]) async throws -> Int32 {
        let runner = self.runner
        let recordName = lock.store.recordName
        return try await lock.withLock(
            owner: owner, lease: lease, waiting: waiting,
            purpose: "running: \(command.joined(separator: " "))",
            ifLost: { lost in
                let status = (try? lost.ended?.get()).map { "exit \($0)" } ?? "no exit status"
                return DomainError(
                    .lockLost,
                    "lost lock \(recordName): \(lost.reason); the command was terminated (\(status)) so that it never runs beside another holder's")
            }
        ) {
            try await runner.run(command)
        }
    }
}
