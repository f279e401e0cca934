import TestSupport
import Testing

@testable import AWSKit

@Suite struct AdaptiveSendingRateTests {
    /// Sends at `rate` requests/s from `start` for `seconds`, every answer a success.
    private static func send(_ limit: inout AdaptiveSendingRate, rate: Double, from start: Double, for seconds: Double) -> Double {
        var now = start
        while now < start + seconds {
            now += 1 / rate
            limit.record(throttled: false, at: now)
        }
        return now
    }

    @Test func neverWaitsBeforeTheFirstThrottle() {
        var limit = AdaptiveSendingRate()
        let end = Self.send(&limit, rate: 20, from: 0, for: 5)
        #expect(!limit.isEngaged)
        #expect((0..<50).allSatisfy { _ in limit.reserve(at: end) == 0 })
    }

    @Test func aThrottleCutsTheRateToSeventyPercentOfWhatWasSentAndQueuesRequests() {
        var limit = AdaptiveSendingRate()
        let end = Self.send(&limit, rate: 10, from: 0, for: 5)
        #expect(abs(limit.measuredRate - 10) < 2)
        limit.record(throttled: true, at: end)
        #expect(limit.isEngaged)
        #expect(abs(limit.fillRate - 0.7 * limit.measuredRate) < 0.01)
        // Requests of one process queue behind each other, one token apart.
        let waits = (0..<3).map { _ in limit.reserve(at: end) }
        #expect(waits[0] > 0)
        #expect(abs(waits[1] - waits[0] - 1 / limit.fillRate) < 1e-9)
        #expect(abs(waits[2] - waits[1] - 1 / limit.fillRate) < 1e-9)
    }

    @Test func successesGrowTheRateBackAlongTheCubicButNeverPastTwiceTheMeasuredRate() {
        var limit = AdaptiveSendingRate()
        var now = Self.send(&limit, rate: 10, from: 0, for: 5)
        limit.record(throttled: true, at: now)
        let throttledRate = limit.measuredRate
        // Near the throttled rate the curve is flat: after 1 s it is still below it.
        now = Self.send(&limit, rate: limit.fillRate, from: now, for: 1)
        #expect(limit.fillRate > 0.7 * throttledRate)
        #expect(limit.fillRate < throttledRate)
        // Sending at whatever it allows, it is past the old rate within a few seconds, probing
        // for more, but never more than twice what it measures.
        for _ in 0..<10 { now = Self.send(&limit, rate: limit.fillRate, from: now, for: 1) }
        #expect(limit.fillRate > throttledRate)
        #expect(limit.fillRate <= 2 * limit.measuredRate + 1e-9)
    }

    @Test func repeatedThrottlesStopAtTheFloor() {
        var limit = AdaptiveSendingRate()
        var now = Self.send(&limit, rate: 5, from: 0, for: 2)
        for _ in 0..<30 {
            limit.record(throttled: true, at: now)
            now += 0.1
        }
        #expect(limit.fillRate == AdaptiveSendingRate.Tuning().minimumRate)
        // One request every 2 s at worst.
        let first = limit.reserve(at: now)
        #expect(abs(limit.reserve(at: now) - first - 2) < 1e-9)
    }

    /// The point of it: 100 processes at once against an account bucket of 5 requests/s (burst
    /// 5), each sending 3 requests and retrying throttles after a full-jitter backoff. With the
    /// limiter the fleet draws about a third fewer throttles (961 against 1,414 with this seed),
    /// and the last process is done about when 300 requests at 5/s allow (66.5 s for 60 s;
    /// 72.9 s without). Fewer requests, not this, make a storm short: it shares the rate, it
    /// cannot make more of it.
    @Test func aFleetSharesTheAccountsRateWithFewerThrottles() {
        let with = FleetSimulation(limited: true).run()
        let without = FleetSimulation(limited: false).run()
        #expect(with.served == 300 && without.served == 300)
        #expect(Double(with.throttled) < 0.8 * Double(without.throttled), "throttles with \(with.throttled), without \(without.throttled)")
        #expect(with.lastDone < 300 / 5 * 1.2, "last done after \(with.lastDone) s")
    }
}

/// A discrete-time fleet: each process sends its next request when its backoff and its limiter
/// allow; the account's bucket serves 5/s.
private struct FleetSimulation {
    let limited: Bool

    struct Result {
        var served = 0
        var throttled = 0
        var lastDone = 0.0
    }

    func run() -> Result {
        var generator = SeededGenerator(state: 11)
        var processes = (0..<100).map { _ in Process() }
        var tokens = 5.0
        var result = Result()
        let step = 0.01
        var now = 0.0
        while processes.contains(where: { $0.left > 0 }) && now < 600 {
            now += step
            tokens = min(5, tokens + 5 * step)
            for index in processes.indices where processes[index].left > 0 && processes[index].nextSend <= now {
                var process = processes[index]
                if limited, !process.reserved {
                    let wait = process.rate.reserve(at: now)
                    process.reserved = true
                    if wait > 0 {
                        process.nextSend = now + wait
                        processes[index] = process
                        continue
                    }
                }
                process.reserved = false
                if tokens >= 1 {
                    tokens -= 1
                    result.served += 1
                    process.left -= 1
                    process.retries = 0
                    process.rate.record(throttled: false, at: now)
                    if process.left == 0 { result.lastDone = now }
                    process.nextSend = now + 0.05
                } else {
                    result.throttled += 1
                    process.retries += 1
                    process.rate.record(throttled: true, at: now)
                    let ceiling = min(20, 0.25 * Double(1 << min(process.retries - 1, 10)))
                    process.nextSend = now + 0.05 + ceiling * Double.random(in: 0..<1, using: &generator)
                }
                processes[index] = process
            }
        }
        return result
    }

    struct Process {
        var left = 3
        var retries = 0
        var nextSend = 0.0
        var reserved = false
        var rate = AdaptiveSendingRate()
    }
}
