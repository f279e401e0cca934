import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// Paging that does not trust the endpoint: every page key must move on, pages are capped, and
/// an answer larger than Route 53 can send is refused before it costs memory.
@Suite struct PagingLimitsTests {
    private static let name = "app.example.com."

    private static func page(identifiers: [String], next: String?, truncated: Bool = true, nextName: String? = name) -> HTTPResponse {
        let records = identifiers.map {
            "<ResourceRecordSet><Name>\(name)</Name><Type>A</Type><SetIdentifier>\($0)</SetIdentifier><Weight>1</Weight><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
        }.joined()
        var keys = ""
        if let nextName { keys += "<NextRecordName>\(nextName)</NextRecordName><NextRecordType>A</NextRecordType>" }
        if let next { keys += "<NextRecordIdentifier>\(next)</NextRecordIdentifier>" }
        let body =
            "<ListResourceRecordSetsResponse><ResourceRecordSets>\(records)</ResourceRecordSets><IsTruncated>\(truncated)</IsTruncated>\(keys)<MaxItems>100</MaxItems></ListResourceRecordSetsResponse>"
        return HTTPResponse(status: 200, body: Array(body.utf8))
    }

    private func listings(_ harness: DomainHarness) -> Int {
        harness.fake.operations.filter { $0 == "ListResourceRecordSets" }.count
    }

    /// How a listing failed: whether it was refused as not Route 53's answer (by the paging
    /// checks of the domain, or by the XML limits of AWSKit), and the message.
    private struct ListingFailure {
        let isUnexpectedResponse: Bool
        let message: String
    }

    /// Lists app.example.com A and returns the error, failing the test when there is none.
    private func listingError(_ harness: DomainHarness) async -> ListingFailure? {
        do {
            let records = try await harness.route53.recordSets(zoneId: "ZPUBLIC", name: Self.name, type: "A")
            Issue.record("expected an error, got \(records.count) record sets after \(listings(harness)) pages")
            return nil
        } catch let error as DomainError {
            return ListingFailure(isUnexpectedResponse: error.code == .unexpectedResponse, message: error.message)
        } catch let error as AWSKitError {
            return ListingFailure(isUnexpectedResponse: error.code == .unexpectedResponse, message: error.message)
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func nextRecordIdentifiersThatGoRoundInCirclesAreAnError() async throws {
        let harness = try DomainHarness()
        // a → b → a → b …: each key differs from the one before, but not from those seen.
        let pages = (0..<2000).map { index in Self.page(identifiers: [index % 2 == 0 ? "a" : "b"], next: index % 2 == 0 ? "b" : "a") }
        harness.fake.inject("ListResourceRecordSets", pages)
        let error = await listingError(harness)
        #expect(error?.isUnexpectedResponse == true)
        #expect(error?.message.contains("NextRecordIdentifier 'a' again") == true)
        #expect(listings(harness) == 2)
    }

    @Test func aTruncatedPageWithoutANextIdentifierIsAnError() async throws {
        let harness = try DomainHarness()
        harness.fake.inject("ListResourceRecordSets", Array(repeating: Self.page(identifiers: ["a"], next: nil), count: 2000))
        let error = await listingError(harness)
        #expect(error?.message.contains("NextRecordIdentifier missing") == true)
        #expect(listings(harness) == 1)
    }

    @Test func aTruncatedPageWithoutNextKeysIsAnErrorNotTheEnd() async throws {
        let harness = try DomainHarness()
        harness.fake.inject("ListResourceRecordSets", [Self.page(identifiers: ["a"], next: nil, nextName: nil)])
        let error = await listingError(harness)
        #expect(error?.message.contains("without NextRecordName") == true)
    }

    @Test func pagesAreCappedEvenWhenEveryKeyIsNew() async throws {
        let harness = try DomainHarness()
        let pages = (0..<2000).map { Self.page(identifiers: ["id\($0)"], next: "id\($0 + 1)") }
        harness.fake.inject("ListResourceRecordSets", pages)
        let error = await listingError(harness)
        #expect(error?.message.contains("more than 1000 record sets") == true)
        #expect(listings(harness) == 10)
    }

    @Test func aWholeWeightedSetIsOnePage() async throws {
        let harness = try DomainHarness()
        for index in 0..<100 { harness.fake.insert(DomainHarness.record("i-\(1000 + index)", "192.0.2.1"), in: "ZPUBLIC") }
        harness.fake.insert(FakeRoute53.Record(name: "zzz.example.com.", type: "A", values: ["192.0.2.9"]), in: "ZPUBLIC")
        #expect(try await harness.route53.recordSets(zoneId: "ZPUBLIC", name: Self.name, type: "A").count == 100)
        #expect(listings(harness) == 1)
    }

    @Test func hostedZonePagesThatRepeatAZoneAreAnError() async throws {
        let harness = try DomainHarness()
        let page =
            "<ListHostedZonesByNameResponse><HostedZones><HostedZone><Id>/hostedzone/Z1</Id><Name>example.com.</Name><Config><PrivateZone>false</PrivateZone></Config></HostedZone></HostedZones><IsTruncated>true</IsTruncated><NextDNSName>example.com.</NextDNSName><NextHostedZoneId>Z1</NextHostedZoneId></ListHostedZonesByNameResponse>"
        harness.fake.inject("ListHostedZonesByName", Array(repeating: HTTPResponse(status: 200, body: Array(page.utf8)), count: 2000))
        await #expect(throws: DomainError.self) { _ = try await harness.route53.hostedZones(named: "example.com") }
        #expect(harness.fake.operations.filter { $0 == "ListHostedZonesByName" }.count == 1)
    }

    @Test func anAnswerWithMoreElementsThanRoute53SendsIsRefused() async throws {
        let harness = try DomainHarness()
        // 40,000 empty elements: 160 KB, far below the size cap, but more elements than any
        // Route 53 answer has.
        let body = "<ListResourceRecordSetsResponse>" + String(repeating: "<a/>", count: 40_000) + "</ListResourceRecordSetsResponse>"
        harness.fake.inject("ListResourceRecordSets", [HTTPResponse(status: 200, body: Array(body.utf8))])
        let error = await listingError(harness)
        #expect(error?.isUnexpectedResponse == true)
        #expect(error?.message.contains("elements") == true)
    }

    @Test func ec2NextTokensMustBeNew() async throws {
        let answer = "<DescribeInstancesResponse><reservationSet/><nextToken>same</nextToken></DescribeInstancesResponse>"
        let http = ScriptedHTTPClient { _, index in
            // After 2000 pages an honest end, so that code without the check ends too.
            .status(200, index < 2000 ? answer : "<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>")
        }
        let client = try DomainHarness.ec2Client(http: http)
        await #expect(throws: DomainError.self) { _ = try await client.states(of: ["i-1"]) }
        #expect(http.requests.count == 2)
    }
}
