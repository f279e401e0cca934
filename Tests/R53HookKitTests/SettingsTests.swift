import AWSKit
import Testing
import XMLLite

@testable import R53HookKit

@Suite struct SettingsResolverTests {
    private func resolve(flags: [SettingKey: String] = [:], env: [String: String] = [:], file: String? = nil) throws -> HookSettings {
        let config = try file.map { try ConfigFile(path: "/etc/sysconfig/r53hook", text: $0) }
        return try SettingsResolver(flags: flags, environment: ProcessEnvironment(env), file: config).resolve()
    }

    private func failure(flags: [SettingKey: String] = [:], env: [String: String] = [:], file: String? = nil) -> HookError? {
        do {
            _ = try resolve(flags: flags, env: env, file: file)
            return nil
        } catch let error as HookError {
            return error
        } catch {
            return HookError(.internal, "\(error)")
        }
    }

    private let minimal: [SettingKey: String] = [.zoneName: "example.com", .name: "app.example.com"]

    @Test func appliesTheDocumentedDefaults() throws {
        let settings = try resolve(flags: minimal)
        #expect(
            settings
                == HookSettings(
                    record: RecordSettings(
                        zone: .name("example.com.", isPrivate: nil), recordName: "app.example.com.",
                        recordType: .a, ttl: 60, weight: 10),
                    quorumInterval: .seconds(5), quorumTimeout: .seconds(60), onNoQuorum: .proceed,
                    healthyTimeout: .seconds(300), holdFile: "/etc/r53hook/hold",
                    deadline: .seconds(300), drainExtra: .seconds(5), waitsForSync: true))
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let file = "R53HOOK_ZONE_NAME=example.com\nR53HOOK_NAME=app.example.com\nR53HOOK_WEIGHT=1\nR53HOOK_TTL=11\nR53HOOK_DRAIN_EXTRA=9\n"
        let settings = try resolve(flags: [.weight: "3"], env: ["R53HOOK_WEIGHT": "2", "R53HOOK_TTL": "22"], file: file)
        #expect(settings.record?.weight == 3)
        #expect(settings.record?.ttl == 22)
        #expect(settings.drainExtra == .seconds(9))
        #expect(settings.deadline == .seconds(300))
    }

    @Test func badFlagsAreUsageErrorsAndBadEnvironmentOrFileValuesAreConfigurationErrors() {
        #expect(failure(flags: minimal.merging([.weight: "256"]) { $1 })?.kind == .usage)
        #expect(failure(flags: minimal, env: ["R53HOOK_WEIGHT": "256"])?.kind == .configuration)
        let fromFile = failure(flags: minimal, file: "R53HOOK_TTL=sixty\n")
        #expect(fromFile?.kind == .configuration)
        #expect(fromFile?.message == "invalid R53HOOK_TTL in /etc/sysconfig/r53hook 'sixty': expected a whole number")
    }

    @Test(arguments: [
        ([SettingKey.weight: "-1"], "between 0 and 255"),
        ([.ttl: "-1"], "between 0 and 2147483647"),
        ([.ttl: "1.5"], "whole number"),
        ([.type: "MX"], "A and AAAA"),
        ([.address: "not-an-ip"], "public-ipv4, local-ipv4, ipv6"),
        ([.address: "300.1.1.1"], "public-ipv4, local-ipv4, ipv6"),
        ([.address: "2001:db8::1"], "needs an IPv4 address"),
        ([.type: "AAAA", .address: "local-ipv4"], "needs an IPv6 address"),
        ([.name: "app.other.com"], "not in the zone"),
        ([.name: "bad name.example.com"], "characters other than"),
        ([.name: "a..example.com"], "empty label"),
        ([.setIdentifier: String(repeating: "x", count: 129)], "1 to 128"),
        ([.healthCheckId: "x y"], "health check id"),
        ([.deadline: "0"], "between 1 and 86400"),
        ([.privateZone: "maybe"], "true or false"),
        ([.weight: ""], "empty"),
    ])
    func refusesBadValuesWithAClearMessage(_ override: [SettingKey: String], _ expected: String) {
        let error = failure(flags: minimal.merging(override) { $1 })
        #expect(error?.kind == .usage)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
    }

    @Test func needsAZoneAndANameButNotBothZoneForms() {
        #expect(failure(flags: [.name: "app.example.com"])?.message.contains("--zone-id ID or --zone-name NAME") == true)
        #expect(failure(flags: [.zoneName: "example.com"])?.message.contains("--name FQDN") == true)
        #expect(failure(flags: minimal.merging([.zoneId: "Z123"]) { $1 })?.message.contains("keep one") == true)
        #expect(failure(flags: [.zoneId: "not a zone", .name: "app.example.com"])?.message.contains("Z0123456789ABCDEFGHIJ") == true)
        #expect(failure(flags: [.zoneId: "Z1", .name: "app.example.com", .privateZone: "true"])?.kind == .usage)
    }

    @Test func normalizesZoneIdsNamesAndAddresses() throws {
        let settings = try resolve(flags: [.zoneId: "/hostedzone/Z0ABC", .name: "App.Example.COM", .address: "2001:DB8:0:0::1", .type: "aaaa"])
        #expect(settings.record?.zone == .id("Z0ABC"))
        #expect(settings.record?.recordName == "app.example.com.")
        #expect(settings.record?.recordType == .aaaa)
        #expect(settings.record?.address == .literal(IPAddress("2001:db8::1") ?? IPAddress("::")!))
    }

    @Test func booleansAcceptTheUsualSpellings() throws {
        #expect(try resolve(flags: minimal, env: ["R53HOOK_NO_WAIT": "yes", "R53HOOK_DRY_RUN": "1", "R53HOOK_PRIVATE_ZONE": "TRUE"]).waitsForSync == false)
        #expect(try resolve(flags: minimal, env: ["R53HOOK_PRIVATE_ZONE": "off"]).record?.zone == .name("example.com.", isPrivate: false))
    }

    @Test func readsDebugBeforeTheRestSoLoggingCanStart() {
        let resolver = SettingsResolver(flags: [:], environment: ProcessEnvironment(["R53HOOK_DEBUG": "true", "R53HOOK_WEIGHT": "bad"]), file: nil)
        #expect(resolver.debugRequested())
    }
}

@Suite struct ConfigFileTests {
    @Test func readsShellStyleLinesLiterally() throws {
        let file = try ConfigFile(
            path: "f",
            text: """
                # r53hook settings
                export R53HOOK_NAME="app.example.com"
                R53HOOK_ZONE_ID='Z0ABC'\r
                R53HOOK_WEIGHT=20 # comment
                AWS_REGION=eu-west-1

                """)
        #expect(file.settings == [.name: "app.example.com", .zoneId: "Z0ABC", .weight: "20"])
        #expect(file.environment == ["AWS_REGION": "eu-west-1"])
    }

    @Test func refusesTyposExpansionAndGarbage() {
        #expect(throws: HookError.self) { try ConfigFile(path: "f", text: "R53HOOK_WIEGHT=1\n") }
        #expect(throws: HookError.self) { try ConfigFile(path: "f", text: "R53HOOK_NAME=$HOSTNAME.example.com\n") }
        #expect(throws: HookError.self) { try ConfigFile(path: "f", text: "R53HOOK_NAME=`hostname`\n") }
        #expect(throws: HookError.self) { try ConfigFile(path: "f", text: "just words\n") }
        #expect(throws: HookError.self) { try ConfigFile(path: "f", text: "R53HOOK_NAME=\"unbalanced\n") }
        #expect((try? ConfigFile(path: "f", text: "R53HOOK_NAME='$literal'\n"))?.settings[.name] == "$literal")
    }

    @Test func namesTheLineOfAnError() {
        do {
            _ = try ConfigFile(path: "/etc/default/r53hook", text: "R53HOOK_NAME=a.example.com\nR53HOOK_TTLL=5\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("/etc/default/r53hook:2: unknown key R53HOOK_TTLL"))
        }
    }
}

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

@Suite struct FleetSettingsTests {
    private func resolve(_ flags: [SettingKey: String], env: [String: String] = [:]) throws -> HookSettings {
        try SettingsResolver(flags: flags, environment: ProcessEnvironment(env), file: nil).resolve()
    }

    @Test func aLoadBalancerAloneIsEnoughToJoin() throws {
        let settings = try resolve([.elb: "web-lb"])
        #expect(settings.record == nil)
        #expect(settings.loadBalancer == .classic(name: "web-lb"))
        let group = try resolve([.targetGroup: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef", .targetPort: "8080"])
        #expect(group.loadBalancer == .targetGroup(arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef", port: 8080))
    }

    @Test func quorumOptionsBuildTheRule() throws {
        let settings = try resolve(
            [.elb: "web", .minHealthy: "4", .quorum: "0.67", .quorumInterval: "2", .quorumTimeout: "30"],
            env: ["R53HOOK_ON_NO_QUORUM": "fail"])
        #expect(settings.quorum == QuorumRule(minimumHealthy: 4, fraction: 0.67))
        #expect(settings.quorumInterval == .seconds(2))
        #expect(settings.quorumTimeout == .seconds(30))
        #expect(settings.onNoQuorum == .fail)
        #expect(try resolve([.elb: "web"]).quorum == nil)
        #expect(try resolve([.elb: "web", .minHealthy: "0"]).quorum == QuorumRule(minimumHealthy: 0))
    }

    @Test(arguments: [
        ([SettingKey.elb: "web", .targetGroup: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/b"], "keep one"),
        ([.elb: "web lb"], "up to 32 letters"),
        ([.targetGroup: "web"], "target group ARN"),
        ([.elb: "web", .targetPort: "80"], "goes with --target-group"),
        ([.targetGroup: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/b", .targetPort: "0"], "1 to 65535"),
        ([.elb: "web", .quorum: "1.5"], "at most 1"),
        ([.elb: "web", .quorum: "0"], "above 0"),
        ([.elb: "web", .minHealthy: "-1"], "between 0"),
        ([.elb: "web", .healthyTimeout: "0"], "between 1"),
        ([:], "nothing to join"),
        ([.elb: "web", .name: "app.example.com"], "no hosted zone for --name"),
    ])
    func refusesBadFleetOptions(_ flags: [SettingKey: String], _ expected: String) {
        do {
            _ = try resolve(flags)
            Issue.record("expected a refusal containing \(expected)")
        } catch let error as HookError {
            #expect(error.kind == .usage)
            #expect(error.message.contains(expected), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct QuorumLockSettingsTests {
    private func resolve(_ flags: [SettingKey: String]) throws -> HookSettings {
        try SettingsResolver(flags: flags, environment: ProcessEnvironment([:]), file: nil).resolve()
    }

    @Test func theRecordsZoneHoldsTheQuorumLock() throws {
        let settings = try resolve([.zoneName: "example.com", .name: "app.example.com", .minHealthy: "2"])
        #expect(settings.quorumLockZone == .name("example.com.", isPrivate: nil))
    }

    @Test func aLoadBalancerAloneTakesAZoneWithoutARecordName() throws {
        let settings = try resolve([.elb: "web", .zoneId: "Z0ABC", .quorum: "0.5"])
        #expect(settings.record == nil)
        #expect(settings.quorumLockZone == .id("Z0ABC"))
        #expect(try resolve([.elb: "web", .quorum: "0.5"]).quorumLockZone == nil)
    }

    @Test func theLockCanBeTurnedOffAndIsOnlyForQuorums() throws {
        #expect(try resolve([.elb: "web", .zoneId: "Z0ABC", .quorum: "0.5", .quorumLock: "false"]).quorumLockZone == nil)
        #expect(try resolve([.elb: "web", .zoneId: "Z0ABC"]).quorumLockZone == nil)
    }
}
