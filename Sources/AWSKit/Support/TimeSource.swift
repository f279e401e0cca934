#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where every layer gets the time and sleeps, so tests of long waits run in milliseconds.
package protocol TimeSource: Sendable {
    /// Monotonic time since an arbitrary origin; never jumps with the wall clock.
    var monotonicNow: Duration { get }
    /// The wall clock, for signing requests and comparing credential expirations.
    var wallClock: UnixTime { get }
    /// Suspends for the duration; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clocks of the machine.
package struct SystemTimeSource: TimeSource {
    /// Creates the system time source.
    package init() {}

    /// `CLOCK_MONOTONIC`.
    package var monotonicNow: Duration {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }

    /// `CLOCK_REALTIME`.
    package var wallClock: UnixTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UnixTime(seconds: Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000)
    }

    /// `Task.sleep`, which wakes early when the task is cancelled.
    package func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension Duration {
    /// The duration in seconds as a floating point number.
    package var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// The duration in whole milliseconds, rounded up, for APIs that take milliseconds.
    package var wholeMilliseconds: Int64 {
        let parts = components
        let millis = parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
        let remainder = parts.attoseconds % 1_000_000_000_000_000
        return remainder > 0 ? millis + 1 : millis
    }
}
