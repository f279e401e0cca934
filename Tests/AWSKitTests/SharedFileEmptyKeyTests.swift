import AWSKit
import TestSupport
import Testing

/// An empty key id or secret in the shared files is no key (found by the fuzz target `ini`,
/// Tests/Fuzz/ini/regression-empty-secret): r53hook used to sign with it, and AWS refused the
/// requests without naming the file or the profile.
@Suite struct SharedFileEmptyKeyTests {
    private func provider(profile: String?, credentials: String) -> SharedFileCredentialProvider {
        var environment = ["AWS_SHARED_CREDENTIALS_FILE": "/c", "AWS_CONFIG_FILE": "/f"]
        environment["AWS_PROFILE"] = profile
        return SharedFileCredentialProvider(environment: ProcessEnvironment(environment), files: FakeFiles(["/c": credentials]))
    }

    @Test(arguments: ["aws_access_key_id = AKID\naws_secret_access_key =\n", "aws_access_key_id =\naws_secret_access_key = s\n"])
    func anEmptyKeyInAChosenProfileIsRefused(_ keys: String) async {
        await #expect(throws: (any Error).self) {
            _ = try await provider(profile: "web", credentials: "[web]\n" + keys).resolve()
        }
    }

    @Test func anEmptyKeyInTheDefaultProfileLeavesTheChainToTheNextProvider() async throws {
        let credentials = try await provider(profile: nil, credentials: "[default]\naws_access_key_id = AKID\naws_secret_access_key =\n").resolve()
        #expect(credentials == nil)
    }

    @Test func keysWithValuesAreStillRead() async throws {
        let credentials = try await provider(profile: "web", credentials: "[web]\naws_access_key_id = AKID\naws_secret_access_key = s\n").resolve()
        #expect(credentials?.accessKeyId == "AKID")
        #expect(credentials?.secretAccessKey == "s")
    }
}
