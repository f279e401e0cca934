/// The state of a submitted change batch.
public struct ChangeInfo: Sendable, Equatable {
    /// Whether the change has reached every Route 53 name server.
    public enum Status: String, Sendable, Equatable {
        /// Not yet on every name server.
        case pending = "PENDING"
        /// On every name server.
        case inSync = "INSYNC"
    }

    /// The change id without the `/change/` prefix.
    public let id: String
    /// Its status when last asked.
    public let status: Status
    /// When it was submitted, as Route 53 wrote it.
    public let submittedAt: String?

    /// Creates a change state.
    public init(id: String, status: Status, submittedAt: String? = nil) {
        self.id = id
        self.status = status
        self.submittedAt = submittedAt
    }
}
