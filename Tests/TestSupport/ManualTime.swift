import AWSKit
import Synchronization

/// A virtual clock: `sleep` returns at once and moves time forward, so a 65 s drain takes
/// microseconds and its timing can be asserted exactly.
public final class ManualTime: TimeSource, Sendable {
    private struct State {
        var monotonic: Duration = .seconds(1000)
        var wall = UnixTime(seconds: 1_795_000_000)
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())

    /// Creates a clock at an arbitrary fixed point.
    public init(wall: UnixTime = UnixTime(seconds: 1_795_000_000)) {
        state.withLock { $0.wall = wall }
    }

    public var monotonicNow: Duration { state.withLock { $0.monotonic } }
    public var wallClock: UnixTime { state.withLock { $0.wall } }

    /// Every sleep asked for, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Moves both clocks forward.
    public func advance(by duration: Duration) {
        state.withLock { state in
            state.monotonic += duration
            state.wall = state.wall.adding(seconds: duration.seconds)
        }
    }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock { $0.sleeps.append(duration) }
        advance(by: duration)
        await Task.yield()
    }
}
