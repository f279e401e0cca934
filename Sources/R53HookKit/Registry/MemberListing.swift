import AWSKit

/// A member's weighted (or multivalue) set and its own registry mark, read with one
/// ListResourceRecordSets where one page shows both, instead of one read each.
///
/// Route 53 lists names with their labels reversed (`example.fleet.www.` before
/// `example.fleet.www._r53hook-a.`), so the marks at `_r53hook-a.NAME` follow the set at `NAME`,
/// with at most the name's other types and any child names that sort before `_r53hook-` in
/// between. In a scale-in or a boot storm every read spends the account's shared 5 requests/s:
/// one read instead of two per member is a fifth of a stop's requests.
///
/// Nothing here assumes more of the order than that: what the page does not prove (the set went
/// on past the page, or the mark is not in it and the marks may go on past it) is read as
/// before, with its own request.
package struct MemberListing: Sendable, Equatable {
    /// Every record of the name and type, this member's among them.
    package let siblings: [ResourceRecordSet]
    /// This member's mark record as it is now, or nil when there is none.
    package let markRecord: ResourceRecordSet?

    /// Reads the set of `recordName` and `recordType` and the mark of `setIdentifier` in the
    /// zone: one request when the page shows both, up to three when it does not.
    package static func read(
        route53: Route53Client, zoneId: String, recordName: String, recordType: String, setIdentifier: String
    ) async throws -> MemberListing {
        let registryName = MemberRegistry.registryName(recordName: recordName, recordType: recordType)
        var seen: (siblings: [ResourceRecordSet]?, markRecord: ResourceRecordSet??) = (nil, nil)
        do {
            let page = try await route53.recordSetPage(
                zoneId: zoneId, name: recordName, type: recordType, maxItems: Route53Client.largestRecordSetPage)
            seen = Self.interpret(page, recordName: recordName, recordType: recordType, registryName: registryName, setIdentifier: setIdentifier)
        } catch let error as AWSKitError where error.code == .unexpectedResponse {
            // Larger than r53hook accepts (records of the other names on the page are huge):
            // read the set and the mark on their own, in pages that fit.
        }
        let siblings: [ResourceRecordSet]
        if let complete = seen.siblings {
            siblings = complete
        } else {
            siblings = try await route53.recordSets(zoneId: zoneId, name: recordName, type: recordType)
        }
        let markRecord: ResourceRecordSet?
        if let known = seen.markRecord {
            markRecord = known
        } else {
            markRecord = try await route53.recordSet(
                zoneId: zoneId, name: registryName, type: RecordSetType.txt.rawValue, setIdentifier: setIdentifier)
        }
        return MemberListing(siblings: siblings, markRecord: markRecord)
    }

    /// What one page, listed from `recordName` and `recordType`, proves: the whole set (nil when
    /// it may go on past the page) and the mark (`.some(nil)` when the page proves there is
    /// none, nil when it cannot tell).
    package static func interpret(
        _ page: RecordSetPage, recordName: String, recordType: String, registryName: String, setIdentifier: String
    ) -> (siblings: [ResourceRecordSet]?, markRecord: ResourceRecordSet??) {
        let name = DNSName.normalized(recordName)
        let marks = DNSName.normalized(registryName)
        let isSet = { (record: ResourceRecordSet) in record.name == name && record.type == recordType }
        let isMark = { (record: ResourceRecordSet) in record.name == marks && record.type == RecordSetType.txt.rawValue }
        // The page starts at the set, so the set is whole when the page does not end inside it.
        let siblings = page.records.filter(isSet)
        let setIsWhole = !page.isTruncated || page.records.last.map { !isSet($0) } ?? false
        if let mark = page.records.first(where: { isMark($0) && $0.setIdentifier == setIdentifier }) {
            return (setIsWhole ? siblings : nil, .some(mark))
        }
        // No mark of ours on the page: there is none if the page holds every record after its
        // start (the marks' name sorts after the set's), or if the marks on it end before it does.
        let lastMark = page.records.lastIndex(where: isMark)
        let marksEndOnPage = lastMark.map { $0 < page.records.count - 1 } ?? false
        let markKnownAbsent = !page.isTruncated || marksEndOnPage
        return (setIsWhole ? siblings : nil, markKnownAbsent ? .some(nil) : nil)
    }
}
