import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

@Suite struct PassAWSCredentialsSettingTests {
    private func resolve(flags: [SettingKey: String] = [:], env: [String: String] = [:]) throws -> LockSettings {
        try LockSettings(SettingsResolver(flags: flags.merging([.zoneName: "example.com"]) { $1 }, environment: ProcessEnvironment(env), file: nil))
    }

    @Test func isOffByDefaultAndSetByTheFlagOrTheEnvironment() throws {
        #expect(try resolve().passesAWSCredentials == false)
        #expect(try resolve(flags: [.passAWSCredentials: "true"]).passesAWSCredentials)
        #expect(try resolve(env: ["R53HOOK_PASS_AWS_CREDENTIALS": "yes"]).passesAWSCredentials)
        #expect(throws: SettingsError.self) { try resolve(env: ["R53HOOK_PASS_AWS_CREDENTIALS": "maybe"]) }
    }
}

@Suite struct SetIdentifierSettingTests {
    @Test func theResolverRefusesABadSetIdentifierByItsOrigin() {
        let base: [SettingKey: String] = [.zoneName: "example.com", .name: "app.example.com"]
        func failure(flags: [SettingKey: String] = [:], env: [String: String] = [:]) -> SettingsError? {
            do {
                _ = try SettingsResolver(flags: base.merging(flags) { $1 }, environment: ProcessEnvironment(env), file: nil).join()
                return nil
            } catch {
                return error
            }
        }
        let flag = failure(flags: [.setIdentifier: "web\u{1}x"])
        #expect(flag?.kind == .usage)
        #expect(flag?.message.contains("invalid --set-identifier") == true && flag?.message.contains("U+0001") == true)
        let env = failure(env: ["R53HOOK_SET_IDENTIFIER": "web\"1"])
        #expect(env?.kind == .configuration)
        #expect(env?.message.contains("R53HOOK_SET_IDENTIFIER in the environment") == true)
        #expect(failure(flags: [.setIdentifier: "web-1"]) == nil)
    }
}
