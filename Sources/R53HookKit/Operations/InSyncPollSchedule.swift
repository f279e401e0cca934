/// When to ask Route 53 again whether a change is INSYNC, as a function of how long the waiter
/// has waited. Route 53 does not apply a change sooner for being asked more often, and every
/// GetChange spends the account's shared 5 requests/s (the whole fleet's), so a poll is only
/// worth what knowing sooner is worth to the caller:
/// - `prompt` (stop): the drain counts from the first INSYNC seen, so a late poll lengthens the
///   stop; polls stay at most a second apart. When Route 53 has already throttled this process
///   (a scale-in), it polls once at half the usual propagation and then at it, skipping the
///   polls in between: they would most likely say PENDING, and each one delays another
///   instance's DELETE or its first INSYNC poll. The halfway poll keeps a change that is INSYNC
///   sooner from waiting the whole usual propagation: with INSYNC at 5 s, a scale-in of 50 whose
///   first poll came at 10 s ended every stop a median 5.0 s (max 10.7 s) after INSYNC + TTL.
/// - `patient` (start): nothing counts from the moment start returns, so after one early poll
///   (a change applied within a second costs one poll) it asks again at about Route 53's usual
///   propagation, then backs off so that it is at most half the wait late, and never more than
///   the SDK waiters' 30 s. A one-minute change costs 7 polls instead of 47. When Route 53 has
///   already throttled this process the account is busy (a boot storm): the early poll, most
///   likely PENDING, is skipped and the first one is at the usual propagation.
package enum InSyncPollSchedule: Sendable, Equatable {
    /// Short pauses: the moment of INSYNC matters.
    case prompt
    /// Few polls: only that the change is INSYNC matters.
    case patient

    /// The first poll of `patient`: quick changes (a quiet local setup) cost one poll.
    static let earlyPoll = Duration.seconds(1)
    /// The second poll of `patient`: about when a change usually is INSYNC under load.
    static let expectedPropagation = Duration.seconds(10)
    /// The longest pause of `patient`: the AWS SDK waiters' own GetChange interval.
    static let longestPause = Duration.seconds(30)

    /// The pause before the next poll, after waiting `elapsed` since the change was accepted;
    /// `busy` when Route 53 has throttled this process.
    package func pause(after elapsed: Duration, busy: Bool) -> Duration {
        switch self {
        case .prompt:
            if busy, elapsed < Self.expectedPropagation / 2 { return Self.expectedPropagation / 2 - elapsed }
            if busy, elapsed < Self.expectedPropagation { return Self.expectedPropagation - elapsed }
            return elapsed < .seconds(2) ? .milliseconds(500) : .seconds(1)
        case .patient:
            if elapsed < Self.earlyPoll, !busy { return Self.earlyPoll - elapsed }
            if elapsed < Self.expectedPropagation { return Self.expectedPropagation - elapsed }
            // Half the time waited so far: a poll is at most a third of the whole wait late.
            return min(elapsed / 2, Self.longestPause)
        }
    }
}
