#if canImport(Glibc)
    import Glibc
#endif

/// The environment the operator's command starts with: r53hook's own, less the AWS secrets
/// unless the operator passes them on. The command (a restart script, a deployment) rarely
/// needs r53hook's keys, and anything it runs or logs could leak them; withheld, an AWS tool
/// in the command falls back to the rest of its chain (profile, instance role).
package enum ChildEnvironment {
    /// The variables withheld by default. The access key id goes with the secret: alone, it
    /// makes the AWS CLI and SDKs fail with "partial credentials" instead of using the next
    /// provider. AWS_SECURITY_TOKEN is the session token's legacy name.
    package static let awsCredentialNames: [String] = [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    ]

    /// Whether an entry `NAME=value` (as bytes, the value possibly not UTF-8) is withheld.
    static func withholds<Bytes: Collection<UInt8>>(entry: Bytes, passingAWSCredentials: Bool) -> Bool {
        if passingAWSCredentials { return false }
        let name = entry.prefix { $0 != UInt8(ascii: "=") }
        return awsCredentialNames.contains { name.elementsEqual($0.utf8) }
    }

    /// The entries of `entries` the command gets, in order.
    package static func passed(_ entries: [String], passingAWSCredentials: Bool) -> [String] {
        entries.filter { !withholds(entry: $0.utf8, passingAWSCredentials: passingAWSCredentials) }
    }

    /// This process's environment, filtered, as the pointers `posix_spawn` takes (the strings
    /// themselves are `environ`'s, byte for byte, and live as long as it is not changed).
    static func current(passingAWSCredentials: Bool) -> [UnsafeMutablePointer<CChar>?] {
        var kept: [UnsafeMutablePointer<CChar>?] = []
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let entry = cursor?.pointee {
            let bytes = UnsafeRawBufferPointer(start: entry, count: strlen(entry))
            if !withholds(entry: bytes, passingAWSCredentials: passingAWSCredentials) { kept.append(entry) }
            cursor = cursor?.successor()
        }
        return kept + [nil]
    }
}
