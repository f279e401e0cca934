import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

/// `--type A,AAAA` and `--routing` (issue 13).
@Suite struct RecordModelSettingsTests {
    private let minimal: [SettingKey: String] = [.zoneName: "example.com", .name: "app.example.com"]

    private func join(flags: [SettingKey: String] = [:], env: [String: String] = [:]) throws -> JoinSettings {
        try SettingsResolver(flags: minimal.merging(flags) { $1 }, environment: ProcessEnvironment(env), file: nil).join()
    }

    private func failure(flags: [SettingKey: String] = [:], env: [String: String] = [:]) -> SettingsError? {
        do {
            _ = try join(flags: flags, env: env)
            return nil
        } catch let error as SettingsError {
            return error
        } catch {
            return SettingsError(.internal, "\(error)")
        }
    }

    @Test func typeTakesAListOfTypes() throws {
        #expect(try join().record?.recordTypes == [.a])
        #expect(try join(flags: [.type: "A,AAAA"]).record?.recordTypes == [.a, .aaaa])
        #expect(try join(env: ["R53HOOK_TYPE": "aaaa, a"]).record?.recordTypes == [.aaaa, .a])
        #expect(try join(flags: [.type: "AAAA"]).record?.recordType == .aaaa)
        #expect(failure(flags: [.type: "A,A"])?.message.contains("listed twice") == true)
        #expect(failure(flags: [.type: "A,MX"])?.kind == .usage)
        #expect(failure(env: ["R53HOOK_TYPE": "A,"])?.kind == .configuration)
    }

    @Test func dualStackAnAddressAppliesToItsOwnFamily() throws {
        let record = try #require(try join(flags: [.type: "A,AAAA", .address: "local-ipv4"]).record)
        let zone = HostedZone(id: "Z1", name: "example.com.", isPrivate: false)
        #expect(record.addressSource(in: zone, for: .a) == .localIPv4)
        #expect(record.addressSource(in: zone, for: .aaaa) == .ipv6)
        #expect(failure(flags: [.address: "2001:db8::1"])?.message.contains("an A record needs an IPv4 address") == true)
    }

    @Test func routingIsWeightedByDefaultAndMultivalueTakesNoWeight() throws {
        #expect(try join().record?.routing == .weighted)
        #expect(try join(flags: [.routing: "MultiValue"]).record?.routing == .multivalue)
        #expect(try join(env: ["R53HOOK_ROUTING": "multivalue"]).record?.routing == .multivalue)
        #expect(failure(flags: [.routing: "latency"])?.message.contains("weighted or multivalue") == true)
        #expect(failure(flags: [.routing: "multivalue", .weight: "5"])?.message.contains("no weight") == true)
    }

    @Test func instanceNameTemplatesAreCheckedBeforeAnyAWSCall() throws {
        #expect(try join().record?.instanceName == nil)
        let template = try #require(try join(flags: [.instanceName: "{instance-id}.app.example.com"]).record?.instanceName)
        #expect(template.placeholders == [.instanceId])
        #expect(failure(flags: [.instanceName: "{instance-id}.other.org"])?.message.contains("not in the zone example.com.") == true)
        #expect(failure(flags: [.instanceName: "{nope}.app.example.com"])?.kind == .usage)
        #expect(failure(env: ["R53HOOK_INSTANCE_NAME": "web.app.example.com"])?.message.contains("no placeholder") == true)
        #expect(failure(env: ["R53HOOK_INSTANCE_NAME": "web.app.example.com"])?.kind == .configuration)
    }
}
