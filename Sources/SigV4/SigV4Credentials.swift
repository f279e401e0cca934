/// The AWS credentials a request is signed with.
///
/// `description` names the access key only, so logging a value of this type
/// never leaks the secret access key or the session token.
package struct SigV4Credentials: Sendable, CustomStringConvertible {
    /// The access key id, e.g. `AKIDEXAMPLE`; it appears in the Authorization header.
    package let accessKeyId: String
    /// The secret the signing key is derived from; never sent, never printed.
    package let secretAccessKey: String
    /// The session token of temporary credentials (STS, instance roles), sent as `X-Amz-Security-Token`.
    package let sessionToken: String?

    /// Creates credentials; pass `sessionToken` for temporary credentials.
    package init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Names the access key and whether a session token is present, never their secret parts.
    package var description: String {
        let tokenNote = sessionToken == nil ? "no session token" : "session token redacted"
        return "SigV4Credentials(accessKeyId: \(accessKeyId), secretAccessKey: redacted, \(tokenNote))"
    }
}
