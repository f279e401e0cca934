import AWSKit
import R53HookKit
import TestSupport
import Testing

/// One ListResourceRecordSets for a member's set and its mark (issue 11): what a page proves,
/// what it does not (read again), and what a stop by zone id spends.
@Suite struct MemberListingTests {
    static let name = "www.example.com."
    static let marks = "_r53hook-a.www.example.com."

    static func address(_ id: String) -> ResourceRecordSet {
        ResourceRecordSet(name: name, type: "A", setIdentifier: id, weight: 10, ttl: 10, values: ["10.0.0.1"])
    }

    static func mark(_ id: String) -> ResourceRecordSet {
        ResourceRecordSet(name: marks, type: "TXT", setIdentifier: id, weight: 0, ttl: 60, values: ["\"r53hook-member v=1\""])
    }

    static let after = ResourceRecordSet(name: "x.example.com.", type: "A", ttl: 60, values: ["10.0.0.9"])

    static func interpret(_ records: [ResourceRecordSet], truncated: Bool, id: String = "i-2") -> (
        siblings: [ResourceRecordSet]?, markRecord: ResourceRecordSet??
    ) {
        MemberListing.interpret(
            RecordSetPage(records: records, isTruncated: truncated), recordName: name, recordType: "A", registryName: marks,
            setIdentifier: id)
    }

    @Test func aPageWithTheSetAndTheMarkProvesBoth() {
        let seen = Self.interpret([Self.address("i-1"), Self.address("i-2"), Self.mark("i-1"), Self.mark("i-2"), Self.after], truncated: true)
        #expect(seen.siblings == [Self.address("i-1"), Self.address("i-2")])
        #expect(seen.markRecord == .some(Self.mark("i-2")))
    }

    @Test func marksEndingOnATruncatedPageProveThereIsNoMark() {
        let seen = Self.interpret([Self.address("i-1"), Self.mark("i-1"), Self.after], truncated: true)
        #expect(seen.markRecord == .some(nil))
    }

    @Test func aWholeListingWithoutTheMarkProvesThereIsNone() {
        let seen = Self.interpret([Self.address("i-1")], truncated: false)
        #expect(seen.siblings == [Self.address("i-1")])
        #expect(seen.markRecord == .some(nil))
    }

    @Test func aPageEndingInsideTheMarksCannotTellAboutOurs() {
        let seen = Self.interpret([Self.address("i-1"), Self.mark("i-1")], truncated: true)
        #expect(seen.siblings == [Self.address("i-1")])
        #expect(seen.markRecord == nil)
    }

    @Test func aPageEndingInsideTheSetCannotTellAboutEither() {
        let seen = Self.interpret([Self.address("i-1"), Self.address("i-3")], truncated: true)
        #expect(seen.siblings == nil)
        #expect(seen.markRecord == nil)
    }

    @Test func aMarkOfAnotherNameOrTypeIsNotOurs() {
        let other = ResourceRecordSet(name: "_r53hook-aaaa.www.example.com.", type: "TXT", setIdentifier: "i-2", weight: 0, ttl: 60, values: ["x"])
        let seen = Self.interpret([Self.address("i-2"), other, Self.after], truncated: false)
        #expect(seen.markRecord == .some(nil))
    }

    @Test func aSmallZoneIsOneRead() async throws {
        let harness = try DomainHarness()
        for k in 1...3 {
            harness.insertOwned(DomainHarness.record("i-\(k)", "10.0.0.\(k)"))
        }
        let listing = try await MemberListing.read(
            route53: harness.route53, zoneId: "ZPUBLIC", recordName: "app.example.com", recordType: "A", setIdentifier: "i-2")
        #expect(listing.siblings.map(\.setIdentifier) == ["i-1", "i-2", "i-3"])
        #expect(listing.markRecord?.setIdentifier == "i-2")
        #expect(harness.fake.operations == ["ListResourceRecordSets"])
    }

    /// A page of 200 that ends among the marks before ours: the mark is read on its own.
    @Test func aMarkPastThePageIsReadOnItsOwn() async throws {
        let harness = try DomainHarness()
        for k in 100..<250 {
            harness.insertOwned(DomainHarness.record("i-\(k)", "10.0.0.1"))
        }
        let listing = try await MemberListing.read(
            route53: harness.route53, zoneId: "ZPUBLIC", recordName: "app.example.com", recordType: "A", setIdentifier: "i-249")
        #expect(listing.siblings.count == 150)
        #expect(listing.markRecord?.setIdentifier == "i-249")
        #expect(harness.fake.operations == ["ListResourceRecordSets", "ListResourceRecordSets"])
    }

    /// A page larger than r53hook accepts (huge records of other names on it) is not an error:
    /// the set and the mark are read on their own, in pages that fit.
    @Test func aPageTooLargeToAcceptIsReadTheOldWay() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record("i-2", "10.0.0.2"))
        let huge = "<ListResourceRecordSetsResponse>" + String(repeating: "<a/>", count: 40_000) + "</ListResourceRecordSetsResponse>"
        harness.fake.inject("ListResourceRecordSets", [HTTPResponse(status: 200, body: Array(huge.utf8))])
        let listing = try await MemberListing.read(
            route53: harness.route53, zoneId: "ZPUBLIC", recordName: "app.example.com", recordType: "A", setIdentifier: "i-2")
        #expect(listing.siblings.map(\.setIdentifier) == ["i-2"])
        #expect(listing.markRecord?.setIdentifier == "i-2")
        #expect(harness.fake.operations == ["ListResourceRecordSets", "ListResourceRecordSets", "ListResourceRecordSets"])
    }

    static func leaveByZoneId() -> LeaveSettings {
        LeaveSettings(target: FleetTarget(record: RecordSettings(zone: .id("ZPUBLIC"), recordName: "app.example.com")))
    }

    /// A stop with --zone-id whose record is found spends the listing, the change and the polls:
    /// finding its record in the zone proves the name is there, so the zone is not read.
    @Test func aStopByZoneIdReadsOnceAndNotTheZone() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", ttl: 10))
        harness.insertOwned(DomainHarness.record("i-other", "203.0.113.8", ttl: 10))
        guard case .deleted = try await harness.leave.run(Self.leaveByZoneId()) else {
            Issue.record("expected a deletion")
            return
        }
        #expect(harness.fake.operations == ["ListResourceRecordSets", "ChangeResourceRecordSets", "GetChange"])
        #expect(harness.addressRecords().map(\.setIdentifier) == ["i-other"])
        #expect(harness.logs.messages.contains { $0.contains("and its registry mark from zone ZPUBLIC") })
    }

    /// With nothing to delete the zone is read after all, so that a name outside it is still a
    /// configuration error (78), not "nothing to do".
    @Test func aStopByZoneIdThatFindsNothingChecksTheZone() async throws {
        let harness = try DomainHarness()
        let outside = LeaveSettings(target: FleetTarget(record: RecordSettings(zone: .id("ZPUBLIC"), recordName: "www.example.org")))
        do {
            _ = try await harness.leave.run(outside)
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.code == .recordOutsideZone)
        }
        #expect(harness.fake.operations == ["ListResourceRecordSets", "GetHostedZone"])
    }

    /// The last member's stop reads the zone for its SOA (the negative-caching warning).
    @Test func aStopByZoneIdThatEmptiesTheNameReadsTheZoneForTheWarning() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", ttl: 10))
        guard case .deleted = try await harness.leave.run(Self.leaveByZoneId()) else {
            Issue.record("expected a deletion")
            return
        }
        #expect(harness.fake.operations.prefix(3) == ["ListResourceRecordSets", "GetHostedZone", "ListResourceRecordSets"])
        #expect(harness.logs.messages.contains { $0.contains("last A record") })
    }
}
