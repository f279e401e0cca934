import AWSKit
import R53HookKit

/// The Route 53 answers, through the real client over a scripted HTTP seam: every call r53hook
/// makes, on arbitrary bodies and statuses, never crashes, and what the registry reads as a mark
/// is one (a set identifier Route 53 allows, a mark that writes back the same).
enum Route53Fuzz {
    static func run(_ bytes: [UInt8]) {
        let fields = FuzzFields(bytes)
        guard let service = try? AWSService.route53(environment: FakeAWS.environment) else { violated("no Route 53 service") }
        let route53 = Route53Client(aws: FakeAWS.client(fields), service: service)
        runBlocking {
            switch fields.selector & 0x07 {
            case 0: _ = try? await route53.hostedZone(id: "Z1")
            case 1: _ = try? await route53.hostedZones(named: "example.com.")
            case 2:
                guard let records = try? await route53.recordSets(zoneId: "Z1", name: "app.example.com.", type: "A") else { return }
                for record in records { checkMark(record) }
            case 3: _ = try? await route53.recordSet(zoneId: "Z1", name: "app.example.com.", type: "A", setIdentifier: "i-0abc")
            case 4:
                let record = ResourceRecordSet(name: "app.example.com.", type: "A", setIdentifier: "i-0abc", weight: 1, ttl: 60, values: ["10.0.0.5"])
                _ = try? await route53.change(zoneId: "Z1", [RecordChange(.create, record)], comment: "fuzz")
            case 5: _ = try? await route53.change(id: "C1")
            case 6: _ = try? await route53.healthCheckIsHealthy(id: "H1")
            default:
                let registry = MemberRegistry(
                    route53: route53, zone: HostedZone(id: "Z1", name: "example.com.", isPrivate: false), recordName: "app.example.com.",
                    recordType: "A")
                guard let snapshot = try? await registry.snapshot() else { return }
                for member in snapshot.members { checkMark(member.markRecord) }
            }
        }
    }

    static func checkMark(_ record: ResourceRecordSet) {
        guard let mark = MemberRegistry.mark(of: record) else { return }
        if let setIdentifier = record.setIdentifier, let problem = MemberIdentifier.problem(with: setIdentifier) {
            violated("a mark was read under a set identifier Route 53 would not hold: \(problem)")
        }
        if MemberMark(txtValue: mark.txtValue) != mark { violated("the mark \(mark) does not write back the same") }
    }
}
