import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

@Suite struct SettingsResolverTests {
    private func resolver(flags: [SettingKey: String] = [:], env: [String: String] = [:], file: String? = nil) throws -> SettingsResolver {
        let config = try file.map { try ConfigFile(path: "/etc/sysconfig/r53hook", text: $0) }
        return SettingsResolver(flags: flags, environment: ProcessEnvironment(env), file: config)
    }

    private func resolve(flags: [SettingKey: String] = [:], env: [String: String] = [:], file: String? = nil) throws -> JoinSettings {
        try resolver(flags: flags, env: env, file: file).join()
    }

    private func failure(flags: [SettingKey: String] = [:], env: [String: String] = [:], file: String? = nil) -> SettingsError? {
        do {
            _ = try resolve(flags: flags, env: env, file: file)
            return nil
        } catch let error as SettingsError {
            return error
        } catch {
            return SettingsError(.internal, "\(error)")
        }
    }

    private let minimal: [SettingKey: String] = [.zoneName: "example.com", .name: "app.example.com"]

    @Test func appliesTheDocumentedDefaults() throws {
        let settings = try resolve(flags: minimal)
        #expect(
            settings
                == JoinSettings(
                    target: FleetTarget(
                        record: RecordSettings(
                            zone: .name("example.com.", isPrivate: nil), recordName: "app.example.com.",
                            recordType: .a, ttl: 60, weight: 10)),
                    holdFile: "/etc/r53hook/hold", healthyTimeout: .seconds(300), waitsForSync: true, deadline: .seconds(300)))
        let leave = try resolver(flags: minimal).leave()
        #expect(leave.drainExtra == .seconds(5))
        #expect(leave.quorum == nil)
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let file = "R53HOOK_ZONE_NAME=example.com\nR53HOOK_NAME=app.example.com\nR53HOOK_WEIGHT=1\nR53HOOK_TTL=11\nR53HOOK_DRAIN_EXTRA=9\n"
        let settings = try resolver(flags: [.weight: "3"], env: ["R53HOOK_WEIGHT": "2", "R53HOOK_TTL": "22"], file: file).cycle()
        #expect(settings.join.record?.weight == 3)
        #expect(settings.join.record?.ttl == 22)
        #expect(settings.leave.drainExtra == .seconds(9))
        #expect(settings.leave.deadline == .seconds(300))
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
        ([.type: "MX"], "use A or AAAA"),
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
        #expect(try resolve(flags: minimal, env: ["R53HOOK_DRY_RUN": "on"]).dryRun)
        #expect(try resolve(flags: minimal, env: ["R53HOOK_PRIVATE_ZONE": "off"]).record?.zone == .name("example.com.", isPrivate: false))
    }

    @Test func readsDebugBeforeTheRestSoLoggingCanStart() {
        let resolver = SettingsResolver(flags: [:], environment: ProcessEnvironment(["R53HOOK_DEBUG": "true", "R53HOOK_WEIGHT": "bad"]), file: nil)
        #expect(resolver.debugRequested())
    }
}
