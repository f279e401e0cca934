/// The value of a lock's TXT record: who holds it, a token only the holder knows, the lease it
/// promises to renew within, and a renewal counter so waiters see it change.
/// Written as one TXT string: `"r53hook-lock owner=i-0abc token=9f… lease=30 seq=4"`.
public struct LockRecord: Sendable, Equatable {
    /// The holder's id (instance id).
    public let owner: String
    /// A random token: two processes on one instance never mistake each other's locks.
    public let token: String
    /// Seconds within which the holder renews.
    public let leaseSeconds: Int
    /// Renewals so far.
    public let sequence: Int

    /// Creates a value.
    public init(owner: String, token: String, leaseSeconds: Int, sequence: Int = 0) {
        self.owner = owner
        self.token = token
        self.leaseSeconds = leaseSeconds
        self.sequence = sequence
    }

    /// The TXT record value, quoted as Route 53 wants it.
    public var txtValue: String {
        "\"r53hook-lock owner=\(owner) token=\(token) lease=\(leaseSeconds) seq=\(sequence)\""
    }

    /// The next renewal's value.
    public func renewed() -> LockRecord {
        LockRecord(owner: owner, token: token, leaseSeconds: leaseSeconds, sequence: sequence + 1)
    }

    /// Reads a TXT value; nil when it is not an r53hook lock.
    public init?(txtValue: String) {
        var text = txtValue
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        let words = text.split(separator: " ")
        guard words.first == "r53hook-lock" else { return nil }
        var fields: [String: String] = [:]
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let owner = fields["owner"], let token = fields["token"], let lease = fields["lease"].flatMap({ Int($0) }),
              lease > 0 else { return nil }
        self.init(owner: owner, token: token, leaseSeconds: lease, sequence: fields["seq"].flatMap { Int($0) } ?? 0)
    }

    /// A random 128-bit token in hex.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}
