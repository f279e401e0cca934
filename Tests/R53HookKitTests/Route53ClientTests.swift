import TestSupport
import Testing

@testable import R53HookKit

@Suite struct Route53ClientTests {
    @Test func pagesThroughAWeightedSetByIdentifierAndStopsAtTheNextName() async throws {
        let harness = try DomainHarness()
        for index in 0..<650 { harness.fake.insert(DomainHarness.record(format6(index), "192.0.2.1"), in: "ZPUBLIC") }
        harness.fake.insert(FakeRoute53.Record(name: "app.example.com.", type: "TXT", values: ["\"x\""]), in: "ZPUBLIC")
        harness.fake.insert(FakeRoute53.Record(name: "zzz.example.com.", type: "A", values: ["192.0.2.9"]), in: "ZPUBLIC")
        let records = try await harness.route53.recordSets(zoneId: "ZPUBLIC", name: "app.example.com", type: "A")
        #expect(records.count == 650)
        #expect(Set(records.compactMap(\.setIdentifier)).count == 650)
        // 100 record sets a page (a whole weighted set): seven pages for 650.
        #expect(harness.fake.operations.filter { $0 == "ListResourceRecordSets" }.count == 7)
    }

    @Test func findsOneRecordByItsIdentifierOnly() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(DomainHarness.record("i-b", "192.0.2.2"), in: "ZPUBLIC")
        #expect(try await harness.route53.recordSet(zoneId: "ZPUBLIC", name: "app.example.com", type: "A", setIdentifier: "i-b")?.values == ["192.0.2.2"])
        // "i-a" sorts before "i-b": the listing starts at i-b, which must not be taken for i-a.
        #expect(try await harness.route53.recordSet(zoneId: "ZPUBLIC", name: "app.example.com", type: "A", setIdentifier: "i-a") == nil)
    }

    private func format6(_ value: Int) -> String {
        let text = String(value)
        return "i-" + String(repeating: "0", count: 6 - text.count) + text
    }
}
