import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

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
        #expect(file.settings == ["R53HOOK_NAME": "app.example.com", "R53HOOK_ZONE_ID": "Z0ABC", "R53HOOK_WEIGHT": "20"])
        #expect(file.environment == ["AWS_REGION": "eu-west-1"])
    }

    @Test func refusesTyposExpansionAndGarbage() {
        #expect(throws: SettingsError.self) { try ConfigFile(path: "f", text: "R53HOOK_WIEGHT=1\n") }
        #expect(throws: SettingsError.self) { try ConfigFile(path: "f", text: "R53HOOK_NAME=$HOSTNAME.example.com\n") }
        #expect(throws: SettingsError.self) { try ConfigFile(path: "f", text: "R53HOOK_NAME=`hostname`\n") }
        #expect(throws: SettingsError.self) { try ConfigFile(path: "f", text: "just words\n") }
        #expect(throws: SettingsError.self) { try ConfigFile(path: "f", text: "R53HOOK_NAME=\"unbalanced\n") }
        #expect((try? ConfigFile(path: "f", text: "R53HOOK_NAME='$literal'\n"))?.settings["R53HOOK_NAME"] == "$literal")
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
