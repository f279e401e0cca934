/// The state of a submitted change batch.
package struct ChangeInfo: Sendable, Equatable {
    /// Whether the change has reached every Route 53 name server.
    package enum Status: String, Sendable, Equatable {
        /// Not yet on every name server.
        case pending = "PENDING"
        /// On every name server.
        case inSync = "INSYNC"
    }

    /// The change id without the `/change/` prefix.
    package let id: String
    /// Its status when last asked.
    package let status: Status
    /// When it was submitted, as Route 53 wrote it.
    package let submittedAt: String?

    /// Creates a change state.
    package init(id: String, status: Status, submittedAt: String? = nil) {
        self.id = id
        self.status = status
        self.submittedAt = submittedAt
    }
}
