/// The seam to the EC2 instance metadata service.
package protocol InstanceMetadata: Sendable {
    /// The item under `/latest/meta-data/` at `path` (`instance-id`, `placement/region`, ...),
    /// or nil when the instance has no such item (HTTP 404). Throws `AWSKitError` when the
    /// service cannot be reached or refuses.
    func value(at path: String) async throws -> String?
}
