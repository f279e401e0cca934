import AWSKit
import Synchronization

/// A virtual clock: `sleep` returns at once and moves time forward, so a 65 s drain takes
/// microseconds and its timing can be asserted exactly.
package final class ManualTime: TimeSource, Sendable {
    private struct State {
        var monotonic: Duration = .seconds(1000)
        var wall = UnixTime(seconds: 1_795_000_000)
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())

    /// Creates a clock at an arbitrary fixed point.
    package init(wall: UnixTime = UnixTime(seconds: 1_795_000_000)) {
        state.withLock { $0.wall = wall }
    }

    package var monotonicNow: Duration { state.withLock { $0.monotonic } }
    package var wallClock: UnixTime { state.withLock { $0.wall } }

    /// Every sleep asked for, in order.
    package var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Moves both clocks forward.
    package func advance(by duration: Duration) {
        state.withLock { state in
            state.monotonic += duration
            state.wall = state.wall.adding(seconds: duration.seconds)
        }
    }

    package func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock { $0.sleeps.append(duration) }
        advance(by: duration)
        await Task.yield()
    }
}
