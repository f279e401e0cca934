import Synchronization

/// What `watch` has done about the fleet so far, shared between its polling loop and its
/// shutdown (which runs after a signal cancelled the loop, and must know whether to leave and
/// how urgently).
package final class WatchMembership: Sendable {
    /// Where the instance is, as far as this process has made it so.
    package enum Place: Sendable, Equatable {
        /// Not known: nothing done yet (a record from a crashed run may exist).
        case unknown
        /// Joined, at weight 0 or at the configured weight.
        case joined(weightZero: Bool)
        /// Left, or never joined.
        case out
    }

    private struct Snapshot: Sendable {
        var place = Place.unknown
        var verdict: WatchVerdict?
        var lifecycleAnswered = false
        var health = HealthGate.State.healthy
        var lifecycleState: String?
    }

    private let snapshot = Mutex(Snapshot())

    /// The DNS deletion of the last leave, kept across a cancelled leave and the one after it
    /// (the shutdown's), so that the second waits what is left of the first one's drain.
    package let leaveProgress = LeaveProgress()

    /// Creates an empty record.
    package init() {}

    /// Where the instance is.
    package var place: Place { snapshot.withLock { $0.place } }

    /// The last verdict.
    package var verdict: WatchVerdict? { snapshot.withLock { $0.verdict } }

    /// Records where the instance is.
    package func set(_ place: Place) { snapshot.withLock { $0.place = place } }

    /// Records the verdict; a new one has its lifecycle action (if any) still to answer.
    package func set(_ verdict: WatchVerdict) {
        snapshot.withLock {
            if $0.verdict != verdict { $0.lifecycleAnswered = false }
            $0.verdict = verdict
        }
    }

    /// What the local health gate says (`healthy` without one).
    package var health: HealthGate.State {
        get { snapshot.withLock { $0.health } }
        set { snapshot.withLock { $0.health = newValue } }
    }

    /// The last `autoscaling/target-lifecycle-state` read (nil outside a group): a spot notice
    /// interrupts the launch into that state, whose action the interruption must answer.
    package var lifecycleState: String? {
        get { snapshot.withLock { $0.lifecycleState } }
        set {
            snapshot.withLock {
                // Another state is another action (a spot-interrupted instance that the group
                // then terminates has a termination to answer after its abandoned launch).
                if $0.lifecycleState != newValue { $0.lifecycleAnswered = false }
                $0.lifecycleState = newValue
            }
        }
    }

    /// Whether the lifecycle action that goes with the verdict (a launch's or a termination's)
    /// has been answered.
    package var lifecycleAnswered: Bool {
        get { snapshot.withLock { $0.lifecycleAnswered } }
        set { snapshot.withLock { $0.lifecycleAnswered = newValue } }
    }
}
