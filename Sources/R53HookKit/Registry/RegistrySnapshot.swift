/// The registry of one weighted record name as read at one moment.
public struct RegistrySnapshot: Sendable, Equatable {
    /// The marked members, sorted by set identifier.
    public let members: [RegistryMember]
    /// Address records of the weighted set that carry no mark: r53hook never touches them.
    public let unmarked: [ResourceRecordSet]

    /// Creates a snapshot.
    public init(members: [RegistryMember], unmarked: [ResourceRecordSet]) {
        self.members = members
        self.unmarked = unmarked
    }
}
