/// One change of a change batch.
package struct RecordChange: Sendable, Equatable {
    /// What to do with the record set. No UPSERT: it overwrites whatever is there, and every
    /// batch r53hook sends is a compare-and-swap ([DELETE exact old, CREATE new]).
    package enum Action: String, Sendable, Equatable {
        /// Create; fails when it exists (the compare-and-swap primitive).
        case create = "CREATE"
        /// Delete; every value must match the current record exactly.
        case delete = "DELETE"
    }

    /// The action.
    package let action: Action
    /// The record set, exactly as it must be.
    package let recordSet: ResourceRecordSet

    /// Creates a change.
    package init(_ action: Action, _ recordSet: ResourceRecordSet) {
        self.action = action
        self.recordSet = recordSet
    }
}
