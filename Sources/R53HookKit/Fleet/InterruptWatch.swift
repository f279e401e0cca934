import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The first SIGINT, SIGTERM or SIGHUP since `InterruptWatch.run` began, 0 while none came.
private let interruption = Atomic<Int32>(0)

private let noteInterruption: @convention(c) (Int32) -> Void = { number in
    _ = interruption.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing)
}

/// Runs work that a signal must not cut in half: SIGINT, SIGTERM or SIGHUP cancel the work
/// instead of ending the process, and the caller learns which signal came, so it can undo what
/// the work had begun. `start` uses it: systemd answers a shutdown that comes while `start` still
/// waits (for INSYNC, for a healthy load balancer) with SIGTERM and never runs `ExecStop=`, since
/// the unit never became active; killed there, `start` would leave a record of a machine that is
/// going away.
///
/// The handler only stores the signal's number in an atomic (async-signal-safe); a watcher polls
/// it every 50 ms. (A Dispatch signal source would not do: on Linux it sees blocked signals only.)
package enum InterruptWatch {
    /// How the work ended.
    package enum Outcome<Value: Sendable>: Sendable {
        /// It finished with this value.
        case finished(Value)
        /// This signal came first; the work was cancelled and whatever it threw after is dropped.
        case interrupted(signal: Int32)
    }

    /// The signals that interrupt.
    package static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Runs `body`; its own errors are rethrown unless a signal came first. `checkEvery` is how
    /// often the watcher wakes to look: 50 ms suits a command that runs for seconds; `watch`,
    /// which runs for days, looks every 500 ms, since each wake-up costs CPU on an idle instance.
    package static func run<Value: Sendable>(
        checkEvery: Duration = .milliseconds(50), _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Outcome<Value> {
        interruption.store(0, ordering: .releasing)
        let previous = signals.map { SignalForwarder.setHandler(noteInterruption, for: $0) }
        defer {
            for (index, number) in signals.enumerated() {
                var old = previous[index]
                sigaction(number, &old, nil)
            }
        }
        return try await withThrowingTaskGroup(of: Outcome<Value>?.self) { group in
            group.addTask { .finished(try await body()) }
            group.addTask {
                while !Task.isCancelled {
                    let number = interruption.load(ordering: .acquiring)
                    if number != 0 { return .interrupted(signal: number) }
                    try? await Task.sleep(for: checkEvery)
                }
                return nil
            }
            var outcome: Outcome<Value>?
            while true {
                do {
                    guard let next = try await group.next() else { break }
                    if let next, outcome == nil {
                        outcome = next
                        group.cancelAll()
                    }
                } catch {
                    if case .interrupted = outcome { continue }
                    group.cancelAll()
                    throw error
                }
            }
            guard let outcome else { throw CancellationError() }
            return outcome
        }
    }

    /// The signal's name, for a log line.
    package static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(number)"
        }
    }
}
