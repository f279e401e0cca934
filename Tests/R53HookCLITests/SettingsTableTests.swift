import AWSKit
import ArgumentParser
import R53HookKit
import Testing

@testable import R53HookCLI

/// The settings table is the one description of every setting: these tests hold it to that.
@Suite struct SettingsTableTests {
    private let nothingSet = SettingsResolver(flags: [:], environment: ProcessEnvironment([:]), file: nil)

    @Test func everyDefaultPassesItsOwnRule() throws {
        for key in SettingKey.allCases where key.spec.defaultValue != nil {
            switch key.spec.rule {
            case .integer: #expect(try nothingSet.integer(key) != nil, "\(key)")
            case .fraction: #expect(try nothingSet.fraction(key) != nil, "\(key)")
            case .boolean: #expect(try nothingSet.optionalBool(key) != nil, "\(key)")
            case .choice, .choiceList, .text: #expect(try nothingSet.text(key) != nil, "\(key)")
            }
        }
    }

    @Test func everySettingHasItsOwnEnvironmentKeyOrSaysWhyNot() {
        var seen: Set<String> = []
        for key in SettingKey.allCases {
            let spec = key.spec
            if let environment = spec.environment {
                #expect(environment.hasPrefix("R53HOOK_"), "\(key)")
                #expect(seen.insert(environment).inserted, "\(environment) is used twice")
                #expect(spec.flagOnlyBecause == nil, "\(key)")
            } else {
                #expect(spec.flagOnlyBecause?.isEmpty == false, "\(key) has no environment key and does not say why")
                #expect(spec.helpText.contains("flag only: "), "\(key)")
            }
            #expect(spec.flag.hasPrefix("--"), "\(key)")
            #expect(spec.helpText.contains(spec.environment ?? "flag only"), "\(key)")
        }
    }

    @Test func theOptionsTheIssueNamedNowHaveKeys() {
        #expect(SettingKey.adopt.spec.environment == "R53HOOK_ADOPT")
        #expect(SettingKey.expiry.spec.environment == "R53HOOK_EXPIRY")
        #expect(SettingKey.maxFraction.spec.environment == "R53HOOK_MAX_FRACTION")
        #expect(SettingKey.lease.spec.environment == "R53HOOK_LOCK_LEASE")
    }

    @Test func aConfigFileTakesEveryKeyButTheConfigFileItself() throws {
        let keys = SettingKey.allCases.compactMap(\.spec.environment).filter { $0 != "R53HOOK_CONFIG" }
        let file = try ConfigFile(path: "f", text: keys.map { "\($0)=1" }.joined(separator: "\n") + "\n")
        #expect(file.settings.count == keys.count)
        #expect(throws: SettingsError.self) { try ConfigFile(path: "f", text: "R53HOOK_CONFIG=/etc/other\n") }
    }

    @Test func theSourceIsNamedInEveryRuleError() {
        let fromFlag = SettingsResolver(flags: [.lease: "2"], environment: ProcessEnvironment([:]), file: nil)
        #expect(throws: SettingsError.self) { try fromFlag.integer(.lease) }
        #expect(fromFlag.invalid(.lease, "2", "x").message == "invalid --lease '2': x")
        #expect(fromFlag.invalid(.lease, "2", "x").kind == .usage)
        let fromEnvironment = SettingsResolver(flags: [:], environment: ProcessEnvironment(["R53HOOK_LOCK_LEASE": "2"]), file: nil)
        #expect(fromEnvironment.invalid(.lease, "2", "x").message == "invalid R53HOOK_LOCK_LEASE in the environment '2': x")
        #expect(fromEnvironment.invalid(.lease, "2", "x").kind == .configuration)
    }
}
