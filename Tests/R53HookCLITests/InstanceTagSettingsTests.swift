import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

/// Instance tags as a source of settings: below the config file, above the default, named in
/// every error, and only the keys r53hook knows.
@Suite struct InstanceTagSettingsTests {
    private func resolver(
        flags: [SettingKey: String] = [:], env: [String: String] = [:], file: String? = nil, tags: [String: String]
    ) throws -> SettingsResolver {
        let config = try file.map { try ConfigFile(path: "/etc/default/r53hook", text: $0) }
        return try SettingsResolver(flags: flags, environment: ProcessEnvironment(env), file: config)
            .adding(InstanceTags(values: tags))
    }

    private let launchTemplate = ["r53hook:zone-id": "Z0ABC", "r53hook:name": "app.example.com", "r53hook:weight": "7", "r53hook:ttl": "30"]

    @Test func tagsConfigureAnInstanceThatHasNoOtherSettings() throws {
        let join = try resolver(tags: launchTemplate).join()
        #expect(join.record?.zone == .id("Z0ABC"))
        #expect(join.record?.recordName == "app.example.com.")
        #expect(join.record?.weight == 7)
        #expect(join.record?.ttl == 30)
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsTagBeatsDefault() throws {
        let settings = try resolver(
            flags: [.weight: "1"], env: ["R53HOOK_TTL": "2"], file: "R53HOOK_DRAIN_EXTRA=3\n",
            tags: launchTemplate.merging(["r53hook:drain-extra": "9", "r53hook:deadline": "44"]) { $1 }
        ).cycle()
        #expect(settings.join.record?.weight == 1)
        #expect(settings.join.record?.ttl == 2)
        #expect(settings.leave.drainExtra == .seconds(3))
        #expect(settings.leave.deadline == .seconds(44))
        #expect(settings.join.healthyTimeout == .seconds(300))
    }

    @Test func aBadTagValueIsAConfigurationErrorNamingTheTag() throws {
        let settings = try resolver(tags: launchTemplate.merging(["r53hook:weight": "300"]) { $1 })
        do {
            _ = try settings.join()
            Issue.record("a weight of 300 was accepted")
        } catch {
            #expect(error.kind == .configuration)
            #expect(error.message == "invalid instance tag r53hook:weight '300': it must be between 0 and 255")
        }
    }

    @Test func anUnknownR53hookTagIsRefusedWithTheKnownOnes() {
        do {
            _ = try resolver(tags: ["r53hook:wieght": "3"])
            Issue.record("a misspelt tag was accepted")
        } catch let error as SettingsError {
            #expect(error.kind == .configuration)
            #expect(error.message.hasPrefix("unknown instance tag r53hook:wieght. Known tags: "))
            #expect(error.message.contains("r53hook:weight"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func whatMustBeKnownBeforeTheTagsCannotComeFromThem() {
        for key in [SettingKey.config, .fromTags, .imdsV1, .debug, .json, .force] {
            #expect(key.spec.tagKey == nil, "\(key)")
        }
        #expect(SettingKey.zoneId.spec.tagKey == "r53hook:zone-id")
        #expect(SettingKey.privateZone.spec.tagKey == "r53hook:private-zone")
        for key in SettingKey.allCases {
            if let tagKey = key.spec.tagKey { #expect(InstanceTags.problem(withKey: tagKey) == nil, "\(tagKey)") }
        }
    }

    @Test func tagKeysInstanceMetadataCannotServeAreRecognised() {
        #expect(InstanceTags.problem(withKey: "r53hook:zone id") != nil)
        #expect(InstanceTags.problem(withKey: "r53hook/zone") != nil)
        #expect(InstanceTags.problem(withKey: "_index") != nil)
        #expect(InstanceTags.problem(withKey: "r53hook:name") == nil)
    }
}
