/// The registry of one weighted record name as read at one moment.
package struct RegistrySnapshot: Sendable, Equatable {
    /// A record at the registry name that claims to be a mark but fails validation.
    package struct ForeignMark: Sendable, Equatable {
        /// Its set identifier.
        package let setIdentifier: String
        /// The record as Route 53 holds it.
        package let record: ResourceRecordSet
        /// Why it is not a valid mark, in words for the operator.
        package let reason: String

        /// Creates a foreign mark.
        package init(setIdentifier: String, record: ResourceRecordSet, reason: String) {
            self.setIdentifier = setIdentifier
            self.record = record
            self.reason = reason
        }
    }

    /// The marked members, sorted by set identifier.
    package let members: [RegistryMember]
    /// Address records of the weighted set that carry no valid mark: r53hook never touches them.
    package let unmarked: [ResourceRecordSet]
    /// Marks that fail validation (forged, damaged, or from a newer version), sorted by set
    /// identifier: listed by `members`, never counted, judged or deleted.
    package let foreign: [ForeignMark]

    /// Creates a snapshot.
    package init(members: [RegistryMember], unmarked: [ResourceRecordSet], foreign: [ForeignMark] = []) {
        self.members = members
        self.unmarked = unmarked
        self.foreign = foreign
    }
}
