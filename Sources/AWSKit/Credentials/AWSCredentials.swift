import SigV4

/// A set of AWS credentials. Its description names where it came from and never shows the secret
/// or the session token, so it is safe in a log line.
package struct AWSCredentials: Sendable, CustomStringConvertible {
    /// The access key id (not a secret, but shown shortened in logs).
    package let accessKeyId: String
    /// The secret access key.
    package let secretAccessKey: String
    /// The session token of temporary credentials.
    package let sessionToken: String?
    /// When temporary credentials stop working.
    package let expiration: UnixTime?
    /// The provider that produced them, for messages ("environment", "instance role web").
    package let source: String

    /// Creates credentials.
    package init(
        accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil,
        expiration: UnixTime? = nil, source: String
    ) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// The form the signer takes.
    package var signing: SigV4Credentials {
        SigV4Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }

    /// The key id shortened to its first four and last four characters.
    package var redactedKeyId: String {
        accessKeyId.count > 8 ? "\(accessKeyId.prefix(4))…\(accessKeyId.suffix(4))" : "…"
    }

    /// "key AKIA…WXYZ from environment, expires 2026-11-22T10:00:00Z".
    package var description: String {
        "key \(redactedKeyId) from \(source)" + (expiration.map { ", expires \($0)" } ?? "")
    }
}
