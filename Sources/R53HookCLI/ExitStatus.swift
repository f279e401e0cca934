import AWSKit

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

    static func code(for kind: HookError.Kind) -> Int32 {
        switch kind {
        case .usage: return usage
        case .configuration: return configuration
        case .accessDenied: return noPermission
        case .unreachable: return unavailable
        case .temporary: return temporary
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
          75  temporary: throttled past the deadline, the change never became
              INSYNC, the load balancer never reported healthy, no quorum, a lock
              held or lost, or sweep refused a mass deletion
          77  AWS denied access, or no credentials were found
          78  configuration: a bad value in the environment or config file, or one
              that does not match the account (unknown zone, name outside the zone),
              a record without r53hook's mark, or (heartbeat, role) this instance
              is not registered
        """
}
