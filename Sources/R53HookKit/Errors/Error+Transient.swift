import AWSKit

extension Error {
    /// Whether a poll (of a lock, say) may simply try again: throttling, an unreachable or odd
    /// answer, a lock still held. Configuration, access and bugs end the poll instead.
    var isTransientFailure: Bool {
        switch self {
        case let error as AWSKitError: return error.code.isTransient
        case let error as DomainError: return error.code.isTransient
        default: return false
        }
    }
}
