/// The registry of one weighted record name as read at one moment.
public struct RegistrySnapshot: Sendable, Equatable {
    /// A record at the registry name that claims to be a mark but fails validation.
    public struct ForeignMark: Sendable, Equatable {
        /// Its set identifier.
        public let setIdentifier: String
        /// The record as Route 53 holds it.
        public let record: ResourceRecordSet
        /// Why it is not a valid mark, in words for the operator.
        public let reason: String

        /// Creates a foreign mark.
        public init(setIdentifier: String, record: ResourceRecordSet, reason: String) {
            self.setIdentifier = setIdentifier
            self.record = record
            self.reason = reason
        }
    }

    /// The marked members, sorted by set identifier.
    public let members: [RegistryMember]
    /// Address records of the weighted set that carry no valid mark: r53hook never touches them.
    public let unmarked: [ResourceRecordSet]
    /// Marks that fail validation (forged, damaged, or from a newer version), sorted by set
    /// identifier: listed by `members`, never counted, judged or deleted.
    public let foreign: [ForeignMark]

    /// Creates a snapshot.
    public init(members: [RegistryMember], unmarked: [ResourceRecordSet], foreign: [ForeignMark] = []) {
        self.members = members
        self.unmarked = unmarked
        self.foreign = foreign
    }
}
