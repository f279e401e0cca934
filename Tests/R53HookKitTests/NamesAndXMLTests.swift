import AWSKit
import Testing
import XMLLite

@testable import R53HookKit

@Suite struct NamesAndAddressesTests {
    @Test func normalizesNamesAsRoute53Stores() {
        #expect(DNSName.normalized("App.Example.COM") == "app.example.com.")
        #expect(DNSName.normalized("\\052.example.com.") == "*.example.com.")
        #expect(HostedZone(id: "Z", name: "example.com", isPrivate: false).contains("a.b.example.com."))
        #expect(!HostedZone(id: "Z", name: "example.com", isPrivate: false).contains("badexample.com"))
        #expect(HostedZone(id: "Z", name: "example.com", isPrivate: false).contains("example.com"))
    }

    @Test func validatesNames() {
        #expect(DNSName.problem(with: "app.example.com") == nil)
        #expect(DNSName.problem(with: "*.example.com.") == nil)
        #expect(DNSName.problem(with: "_svc.example.com") == nil)
        #expect(DNSName.problem(with: "a.*.example.com") != nil)
        #expect(DNSName.problem(with: "localhost") != nil)
        #expect(DNSName.problem(with: String(repeating: "a", count: 64) + ".com") != nil)
    }

    @Test func canonicalizesAddresses() {
        #expect(IPAddress("10.0.0.1")?.family == .v4)
        #expect(IPAddress("2001:0DB8:0000::0001")?.text == "2001:db8::1")
        #expect(IPAddress("10.0.0") == nil)
        #expect(IPAddress("1.2.3.4.5") == nil)
        #expect(IPAddress("") == nil)
    }
}

@Suite struct Route53XMLTests {
    @Test func writesTheChangeBatchInSchemaOrderWithEscaping() throws {
        let record = ResourceRecordSet(
            name: "app.example.com", type: "A", setIdentifier: "i-1<&>", weight: 10, ttl: 60,
            values: ["192.0.2.1"], healthCheckId: "hc-1")
        let xml = try Route53XML.changeBatch([RecordChange(.create, record)], comment: "r53hook")
        #expect(
            xml
                == #"<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Comment>r53hook</Comment><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type><SetIdentifier>i-1&lt;&amp;&gt;</SetIdentifier><Weight>10</Weight><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords><HealthCheckId>hc-1</HealthCheckId></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"#
        )
    }

    @Test func readsRecordSetsNotingFeaturesItDoesNotModel() throws {
        let element = XMLElementBuilder.parse(
            "<ResourceRecordSet><Name>\\052.example.com.</Name><Type>A</Type><SetIdentifier>x</SetIdentifier><Region>us-east-1</Region><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>1.2.3.4</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
        )
        let record = try Route53XML.recordSet(from: try #require(element))
        #expect(record.name == "*.example.com.")
        #expect(record.otherFeatures == ["Region"])
        #expect(!record.isPlainWeighted)
    }

    @Test func readsChangeInfoAndRefusesUnknownStatuses() throws {
        let ok = try #require(XMLElementBuilder.parse("<GetChangeResponse><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status></ChangeInfo></GetChangeResponse>"))
        #expect(try Route53XML.changeInfo(from: ok) == ChangeInfo(id: "C1", status: .inSync))
        let odd = try #require(XMLElementBuilder.parse("<GetChangeResponse><ChangeInfo><Id>/change/C1</Id><Status>DONE</Status></ChangeInfo></GetChangeResponse>"))
        #expect(throws: DomainError.self) { try Route53XML.changeInfo(from: odd) }
        let empty = try #require(XMLElementBuilder.parse("<GetChangeResponse/>"))
        #expect(throws: DomainError.self) { try Route53XML.changeInfo(from: empty) }
    }
}

enum XMLElementBuilder {
    static func parse(_ text: String) -> XMLElement? {
        try? XMLDocumentParser.parse(Array(text.utf8))
    }
}
