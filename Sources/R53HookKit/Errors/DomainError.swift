import AWSKit

/// A failure of r53hook's own work (records, zones, locks, the registry, the quorum, load
/// balancers), said in domain terms: what went wrong and, as `remedies`, what would fix it. It
/// names no flags: the command line words the remedies for the command that is running and
/// decides the exit code from the `code`.
package struct DomainError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; it decides the exit code in the command line.
    package enum Code: String, Sendable, Equatable, CaseIterable {
        /// An AWS answer is not what the service sends (missing fields, endless paging).
        case unexpectedResponse
        /// An AWS service failed in a way r53hook does not handle.
        case serviceFailed
        /// The hosted zone no longer exists.
        case hostedZoneGone
        /// No hosted zone has the id or name given.
        case hostedZoneNotFound
        /// More than one hosted zone has the name given.
        case hostedZoneAmbiguous
        /// The record's name is outside its hosted zone.
        case recordOutsideZone
        /// The health check the record names does not exist.
        case healthCheckNotFound
        /// Route 53 refused a change batch for a reason a retry cannot mend.
        case changeRefused
        /// A change was not INSYNC when the deadline passed.
        case changeNotInSync
        /// IMDS had no instance id, or answered one that is not.
        case instanceIdUnavailable
        /// IMDS has no such address for the instance.
        case addressUnavailable
        /// IMDS answered a value that is not what it stands for.
        case metadataInvalid
        /// A record r53hook did not make is where it would write or delete.
        case foreignRecord
        /// A registry mark that fails validation: changed by hand or forged.
        case foreignMark
        /// A simple record of the same name and type leaves no room for weighted ones.
        case conflictingRecord
        /// The weighted set already has Route 53's maximum of records.
        case weightedSetFull
        /// This instance has no registry mark (it never started, stopped, or was swept).
        case notRegistered
        /// The record kept changing between read and write.
        case recordKeptChanging
        /// A fleet-wide lock is held by another machine (or could not be taken in time).
        case lockHeld
        /// A fleet-wide lock was lost while its work ran.
        case lockLost
        /// Leaving would take the fleet below its quorum.
        case quorumNotReached
        /// A sweep refused to delete that many members at once.
        case sweepRefused
        /// The load balancer or target group does not exist.
        case loadBalancerNotFound
        /// The load balancer refused the instance.
        case loadBalancerRefusedInstance
        /// The load balancer did not report the instance healthy in time.
        case notHealthy
        /// The command line lacks something the use case needs (cycle without a command).
        case missingArgument
        /// A state the code should never reach: a bug.
        case internalInconsistency
        /// The per-instance name template gives no valid name on this instance.
        case instanceNameInvalid

        /// Whether a poll may try again after it: an answer that was odd or late this time, or a
        /// condition that may pass. A setting, a record in the way or a bug ends the poll instead.
        package var isTransient: Bool {
            switch self {
            case .unexpectedResponse, .serviceFailed, .instanceIdUnavailable, .metadataInvalid, .changeNotInSync,
                .recordKeptChanging, .lockHeld, .lockLost, .quorumNotReached, .sweepRefused, .notHealthy:
                return true
            case .hostedZoneGone, .hostedZoneNotFound, .hostedZoneAmbiguous, .recordOutsideZone, .healthCheckNotFound,
                .changeRefused, .addressUnavailable, .foreignRecord, .foreignMark, .conflictingRecord, .weightedSetFull,
                .notRegistered, .loadBalancerNotFound, .loadBalancerRefusedInstance, .missingArgument,
                .internalInconsistency, .instanceNameInvalid:
                return false
            }
        }
    }

    /// What kind of failure this is.
    package let code: Code
    /// What happened, in domain terms.
    package let message: String
    /// What would fix it, for the command line to word.
    package let remedies: [Remedy]
    /// The lower-level error, for `--debug`.
    package let underlying: (any Error & Sendable)?

    /// Creates an error.
    package init(_ code: Code, _ message: String, remedies: [Remedy] = [], underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.remedies = remedies
        self.underlying = underlying
    }

    /// The message, without the remedies (which need the command line's words).
    package var description: String { message }
}
