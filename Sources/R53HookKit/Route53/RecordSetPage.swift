/// One page of ListResourceRecordSets: the record sets in Route 53's listing order, and whether
/// more follow. Read by `MemberListing` to see a weighted set and its registry marks at once.
package struct RecordSetPage: Sendable, Equatable {
    /// The record sets, in Route 53's order.
    package let records: [ResourceRecordSet]
    /// Whether Route 53 has more record sets after these.
    package let isTruncated: Bool

    /// Creates a page.
    package init(records: [ResourceRecordSet], isTruncated: Bool) {
        self.records = records
        self.isTruncated = isTruncated
    }
}
