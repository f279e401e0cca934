import SigV4
import Testing

@Suite("SigV4Credentials")
struct SigV4CredentialsTests {
    @Test func descriptionNeverShowsSecretOrToken() {
        let credentials = SigV4Credentials(
            accessKeyId: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "SESSIONTOKENVALUE"
        )
        let described = "\(credentials)"
        #expect(described.contains("AKIDEXAMPLE"))
        #expect(!described.contains("wJalrXUtnFEMI"))
        #expect(!described.contains("EXAMPLEKEY"))
        #expect(!described.contains("SESSIONTOKENVALUE"))
        #expect(String(reflecting: credentials).contains("wJalrXUtnFEMI") == false)
    }

    @Test func sessionTokenDefaultsToNone() {
        let credentials = SigV4Credentials(accessKeyId: "AKID", secretAccessKey: "secret")
        #expect(credentials.sessionToken == nil)
    }
}
