/// Reads the JSON credential documents of IMDS and the container credentials endpoint:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`.
enum CredentialDocument {
    static func credentials(from text: String, source: String) throws(AWSKitError) -> AWSCredentials {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw AWSKitError(.credentialsUnreachable, "\(source) answered with a credential document that is not JSON (\(error))")
        }
        if let code = document["Code"]?.stringValue, code != "Success" {
            throw AWSKitError(.credentialsRefused, "\(source) could not provide credentials (Code \(code)): \(document["Message"]?.stringValue ?? "no message")")
        }
        guard let keyId = document["AccessKeyId"]?.stringValue, !keyId.isEmpty,
            let secret = document["SecretAccessKey"]?.stringValue, !secret.isEmpty
        else {
            throw AWSKitError(.credentialsUnreachable, "\(source) answered with a credential document without AccessKeyId and SecretAccessKey")
        }
        var expiration: UnixTime?
        if let text = document["Expiration"]?.stringValue {
            guard let parsed = UnixTime(iso8601: text) else {
                throw AWSKitError(.credentialsUnreachable, "\(source) answered with an unreadable Expiration '\(text)'")
            }
            expiration = parsed
        }
        return AWSCredentials(
            accessKeyId: keyId, secretAccessKey: secret, sessionToken: document["Token"]?.stringValue,
            expiration: expiration, source: source)
    }
}
