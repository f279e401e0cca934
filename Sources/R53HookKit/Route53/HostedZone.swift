/// A Route 53 hosted zone.
public struct HostedZone: Sendable, Equatable {
    /// The zone id without the `/hostedzone/` prefix.
    public let id: String
    /// The zone's name, lower-case with a trailing dot.
    public let name: String
    /// Whether it is a private zone (answered only inside its VPCs).
    public let isPrivate: Bool

    /// Creates a zone.
    public init(id: String, name: String, isPrivate: Bool) {
        self.id = id
        self.name = DNSName.normalized(name)
        self.isPrivate = isPrivate
    }

    /// `public` or `private`.
    public var visibility: String { isPrivate ? "private" : "public" }

    /// The zone's ARN, for IAM messages.
    public var arn: String { "arn:aws:route53:::hostedzone/\(id)" }

    /// Whether a record name belongs in this zone (the apex or below it).
    public func contains(_ recordName: String) -> Bool {
        let record = DNSName.normalized(recordName)
        return record == name || record.hasSuffix("." + name)
    }
}
