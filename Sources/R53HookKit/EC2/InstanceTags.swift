import AWSKit

/// This instance's tags that carry r53hook settings (`r53hook:name`, `r53hook:zone-id`, ...),
/// read from instance metadata (`tags/instance/`), so that one AMI can serve many fleets: the
/// launch template's tags say where each instance joins.
///
/// EC2 serves tags in metadata only when the instance allows it (InstanceMetadataTags=enabled),
/// and then only keys of letters, digits and `+ - = . , _ : @` (no space, no `/`). A key that
/// breaks that rule could not have come from EC2 and is refused, as is a value longer than
/// EC2's 256 characters: the values come from whoever may tag the instance and are checked
/// again by the settings' own rules.
package struct InstanceTags: Sendable {
    /// The prefix of the tags r53hook reads.
    package static let prefix = "r53hook:"
    /// EC2's limit on a tag value.
    package static let maximumValueLength = 256

    /// The prefixed tags, by full key.
    package let values: [String: String]

    /// Creates the set of tags (tests, and `read`).
    package init(values: [String: String]) {
        self.values = values
    }

    /// Reads the prefixed tags, or nil when the instance does not allow tags in metadata (404).
    package static func read(from metadata: any InstanceMetadata) async throws -> InstanceTags? {
        guard let listing = try await metadata.value(at: "tags/instance") else { return nil }
        var values: [String: String] = [:]
        for line in listing.split(separator: "\n") {
            let key = String(line).trimmingWhitespace
            guard key.hasPrefix(prefix) else { continue }
            if let problem = problem(withKey: key) {
                throw DomainError(.metadataInvalid, "instance metadata listed the tag key '\(key)', which \(problem)")
            }
            guard let value = try await metadata.value(at: "tags/instance/" + key) else { continue }
            guard value.count <= maximumValueLength else {
                throw DomainError(.metadataInvalid, "the tag \(key) holds \(value.count) characters; EC2 allows \(maximumValueLength)")
            }
            values[key] = value
        }
        return InstanceTags(values: values)
    }

    /// Why a tag key cannot be served by instance metadata, or nil.
    package static func problem(withKey key: String) -> String? {
        if key.isEmpty || key == "." || key == ".." || key == "_index" { return "instance metadata cannot serve" }
        let allowed = key.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "+-=.,_:@".unicodeScalars.contains(scalar))
        }
        return allowed ? nil : "instance metadata cannot serve: tag keys there hold only letters, digits and + - = . , _ : @"
    }
}
