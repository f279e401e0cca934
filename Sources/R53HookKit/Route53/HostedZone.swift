/// A Route 53 hosted zone.
package struct HostedZone: Sendable, Equatable {
    /// The zone id without the `/hostedzone/` prefix.
    package let id: String
    /// The zone's name, lower-case with a trailing dot.
    package let name: String
    /// Whether it is a private zone (answered only inside its VPCs).
    package let isPrivate: Bool

    /// Creates a zone.
    package init(id: String, name: String, isPrivate: Bool) {
        self.id = id
        self.name = DNSName.normalized(name)
        self.isPrivate = isPrivate
    }

    /// `public` or `private`.
    package var visibility: String { isPrivate ? "private" : "public" }

    /// The zone's ARN, for IAM messages.
    package var arn: String { "arn:aws:route53:::hostedzone/\(id)" }

    /// Whether a record name belongs in this zone (the apex or below it).
    package func contains(_ recordName: String) -> Bool {
        let record = DNSName.normalized(recordName)
        return record == name || record.hasSuffix("." + name)
    }
}
