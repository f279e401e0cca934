import AWSKit
import ArgumentParser
import R53HookKit

/// The one place where failures become exit codes (sysexits.h values, which init systems and
/// scripts can tell apart).
enum ExitStatus {
    static let success: Int32 = 0
    static let usage: Int32 = 64
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let temporary: Int32 = 75
    static let noPermission: Int32 = 77
    static let configuration: Int32 = 78

    /// The exit code of anything a command throws: total, so that no failure reaches
    /// swift-argument-parser's own exit 1. What no layer declares is a bug: 70.
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as ExitCode: return error.rawValue
        case is ValidationError: return usage
        case is CleanExit: return success
        case let error as DomainError: return code(for: error.code)
        case let error as AWSKitError: return code(for: error.code)
        case let error as SettingsError: return code(for: error.kind)
        case is AWSServiceError, is HTTPTransportError: return unavailable
        case is CancellationError: return temporary
        default: return software
        }
    }

    /// The exit code of a domain failure.
    static func code(for code: DomainError.Code) -> Int32 {
        switch code {
        case .missingArgument:
            return usage
        case .hostedZoneGone, .hostedZoneNotFound, .hostedZoneAmbiguous, .recordOutsideZone, .healthCheckNotFound,
            .changeRefused, .addressUnavailable, .foreignRecord, .foreignMark, .conflictingRecord, .weightedSetFull,
            .notRegistered, .loadBalancerNotFound, .loadBalancerRefusedInstance, .instanceNameInvalid:
            return configuration
        case .unexpectedResponse, .serviceFailed, .instanceIdUnavailable, .metadataInvalid:
            return unavailable
        case .changeNotInSync, .recordKeptChanging, .lockHeld, .lockLost, .quorumNotReached, .sweepRefused, .notHealthy:
            return temporary
        case .internalInconsistency:
            return software
        }
    }

    /// The exit code of a failure below the domain (IMDS, credentials, the AWS transport).
    static func code(for code: AWSKitError.Code) -> Int32 {
        switch code {
        case .invalidEndpoint, .invalidRegion, .noRegion, .invalidCredentialSource, .metadataDisabled, .invalidRequest:
            return configuration
        case .noCredentials, .credentialsRefused, .accessDenied:
            return noPermission
        case .metadataUnreachable, .metadataSessionRefused, .metadataRefused, .credentialsUnreachable,
            .serviceUnreachable, .unexpectedResponse:
            return unavailable
        // No time left before a call was even tried: the deadline went on waits (a lock, the
        // quorum, INSYNC), not on an AWS that could not be reached. A failed try that used it
        // up is reported as that failure instead.
        case .throttled, .deadlinePassed:
            return temporary
        }
    }

    /// The exit code of a settings error.
    static func code(for kind: SettingsError.Kind) -> Int32 {
        switch kind {
        case .usage: return usage
        case .configuration: return configuration
        case .internal: return software
        }
    }

    /// The table, for `--help` and the README.
    static let table = """
        EXIT CODES
          0   done (stop also when there was no record to delete); cycle and lock
              return their command's own exit code
          64  usage: a flag is missing or invalid
          69  IMDS or AWS could not be reached before the deadline
          70  internal error (a bug: please report it)
          75  temporary: throttled past the deadline, the deadline spent on waits
              (a lock, the quorum, INSYNC) before a call could be made, the change
              never became INSYNC, the load balancer never reported healthy, no
              quorum, a lock held or lost, or sweep refused a mass deletion
          77  AWS denied access, or no credentials were found
          78  configuration: a bad value in the environment or config file, or one
              that does not match the account (unknown zone, name outside the zone),
              a record without r53hook's mark, or (heartbeat, role) this instance
              is not registered
        """
}
