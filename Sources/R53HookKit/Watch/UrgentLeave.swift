import AWSKit
import Logging

/// Leaving when EC2 has set the time (a spot interruption): no quorum wait, the DELETE and the
/// deregistration at once, and the drains cut at `cutAt` so they end before the instance does.
/// The calls themselves are never cut: a record left behind would outlive the machine, so the
/// cut applies only to the waits after them (INSYNC, the TTL drain, the load balancer's
/// draining), and is logged.
package struct UrgentLeave: Sendable {
    /// What the urgent leave did.
    package struct Outcome: Sendable, Equatable {
        /// How long the waits lasted, from the end of the calls.
        package var drained: Duration
        /// Whether the waits were cut at `cutAt`.
        package var wasCut: Bool
        /// Whether there was neither a record to delete nor a registration to end (a leave
        /// interrupted by the notice may have done both already, its drain unfinished).
        package var foundNothing = false
    }

    private let context: FleetContext

    /// Creates the use case.
    package init(context: FleetContext) {
        self.context = context
    }

    /// Leaves; `cutAt` is on the wall clock (EC2's time minus the margin). `interrupted` is the
    /// DELETE of a leave that the notice cancelled: when this leave finds the record gone, the
    /// rest of that drain (INSYNC, then the TTL and the extra, counted from it) is waited beside
    /// the load balancer's rest, the longer of the two deciding, both cut at `cutAt`.
    package func run(_ settings: LeaveSettings, cutAt: UnixTime, interrupted: LeaveProgress.RecordDeletion? = nil) async throws -> Outcome {
        var withoutQuorum = settings
        withoutQuorum.quorum = nil
        let settings = withoutQuorum
        let context = self.context
        let deletion: LeaveRecordSet.Deletion? = settings.record == nil ? nil : try await context.leaveRecordSet.delete(settings)
        var deregistration: (membership: any LoadBalancerMembership, instanceId: String, drainTime: Duration)?
        if let loadBalancer = context.loadBalancer {
            let instanceId = try await context.identity.instanceId()
            let drainTime = try await loadBalancer.drainTimeout()
            if let member = try await loadBalancer.member(instanceId: instanceId) {
                if member.health == .draining {
                    // A leave that the notice interrupted deregistered it already (the load
                    // balancer may refuse a second deregistration): only the rest of its drain
                    // is left, waited and cut like the rest.
                    context.logger.info("\(instanceId) is already draining from \(loadBalancer); waiting for the rest of it")
                } else {
                    try await loadBalancer.deregister(instanceId: instanceId)
                    context.logger.info("deregistered \(instanceId) from \(loadBalancer)")
                }
                deregistration = (loadBalancer, instanceId, drainTime)
            } else {
                context.logger.info("\(instanceId) is not registered with \(loadBalancer); nothing to deregister")
            }
        }
        let deregistered = deregistration
        // The record already gone, by the leave the notice cut short: its drain is not over.
        let earlier: LeaveProgress.RecordDeletion?
        switch deletion {
        case .deleted?: earlier = nil
        default: earlier = interrupted
        }
        let started = context.time.monotonicNow
        let budget = Duration.milliseconds(Int64((cutAt.seconds - context.time.wallClock.seconds) * 1000))
        let drains = (deletion == nil ? 0 : 1) + (deregistered == nil ? 0 : 1) + (earlier == nil ? 0 : 1)
        let logger = context.logger
        // Each drain child answers true when done (a failed wait is logged: the record or
        // registration is gone either way); the cut answers false.
        let finishedInTime = await withTaskGroup(of: Bool.self) { group in
            if let deletion {
                group.addTask {
                    do {
                        _ = try await context.leaveRecordSet.finish(deletion, settings: settings)
                    } catch  where !(error is CancellationError) {
                        logger.warning("waiting for the deletion failed: \(error); the record is deleted")
                    } catch {}
                    return true
                }
            }
            if let deregistered {
                group.addTask {
                    do {
                        _ = try await context.loadBalancerWaiter.waitDrained(
                            deregistered.membership, instanceId: deregistered.instanceId, bound: deregistered.drainTime + .seconds(15))
                    } catch  where !(error is CancellationError) {
                        logger.warning("waiting for the load balancer to drain failed: \(error); the instance is deregistered")
                    } catch {}
                    return true
                }
            }
            if let earlier {
                group.addTask {
                    do {
                        try await context.waitRestOfDrain(earlier, extra: settings.drainExtra, deletedBy: "the leave the notice interrupted")
                    } catch  where !(error is CancellationError) {
                        logger.warning("waiting for the rest of the DNS drain failed: \(error); the record is deleted")
                    } catch {}
                    return true
                }
            }
            guard drains > 0 else { return true }
            group.addTask {
                if budget > .zero { try? await context.time.sleep(for: budget) }
                return false
            }
            var done = 0
            while let drainEnded = await group.next() {
                guard drainEnded else { break }
                done += 1
                if done == drains { break }
            }
            group.cancelAll()
            return done == drains
        }
        let drained = context.time.monotonicNow - started
        if !finishedInTime {
            context.logger.warning(
                "drain cut after \(drained.wholeSecondsText): the instance must be out before \(cutAt) (EC2's notice time minus the margin); resolvers that still hold the address may reach it until it goes"
            )
        }
        var outcome = Outcome(drained: drained, wasCut: !finishedInTime)
        if case .deleted? = deletion {
            outcome.foundNothing = false
        } else {
            outcome.foundNothing = deregistered == nil && earlier == nil
        }
        return outcome
    }
}
