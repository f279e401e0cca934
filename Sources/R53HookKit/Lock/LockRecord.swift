/// The value of a lock's TXT record: who holds it, a token only the holder knows, the lease it
/// promises to renew within, and a renewal counter so waiters see it change.
/// Written as one TXT string: `"r53hook-lock owner=i-0abc token=9f… lease=30 seq=4"`.
package struct LockRecord: Sendable, Equatable {
    /// The holder's id (instance id).
    package let owner: String
    /// A random token: two processes on one instance never mistake each other's locks.
    package let token: String
    /// Seconds within which the holder renews.
    package let leaseSeconds: Int
    /// Renewals so far.
    package let sequence: Int

    /// Creates a value.
    package init(owner: String, token: String, leaseSeconds: Int, sequence: Int = 0) {
        self.owner = owner
        self.token = token
        self.leaseSeconds = leaseSeconds
        self.sequence = sequence
    }

    /// The TXT record value, quoted as Route 53 wants it.
    package var txtValue: String {
        TaggedTXTValue.encode(tag: Self.tag, [("owner", owner), ("token", token), ("lease", String(leaseSeconds)), ("seq", String(sequence))])
    }

    /// The tag that starts every lock value.
    static let tag = "r53hook-lock"

    /// The leases r53hook writes: `lock --lease` allows 3 to 3600 s, `role` and `sweep` use 30.
    /// A waiter trusts the holder's lease to decide when it is stale, so a value read from
    /// another machine outside this range is not a lock r53hook wrote (a lease of 2^63 s would
    /// keep every waiter out for good).
    package static let leaseRange: ClosedRange<Int> = 1...3600
    /// Renewals a value may count: far more than a lease of 1 s renewed for a century, far
    /// less than overflows.
    package static let sequenceRange: ClosedRange<Int> = 0...999_999_999_999

    /// The next renewal's value (the count starts again at 0 past `sequenceRange`, so it can
    /// never overflow; the token still tells holders apart).
    package func renewed() -> LockRecord {
        LockRecord(
            owner: owner, token: token, leaseSeconds: leaseSeconds,
            sequence: sequence < Self.sequenceRange.upperBound ? sequence + 1 : 0)
    }

    /// Reads a TXT value; nil when it is not an r53hook lock. The value may have been written
    /// by any machine: the layout is `TaggedTXTValue`'s (one quoted string, printable ASCII,
    /// no field twice), then each field is checked (owner and token as `MemberIdentifier`s,
    /// the token at most 64 characters, lease and count in range), and anything else is an
    /// unknown value, which waiters treat as held by a stranger with their own lease.
    package init?(txtValue: String) {
        guard case .fields(let fields) = TaggedTXTValue.read(txtValue, tag: Self.tag, knownKeys: ["owner", "token", "lease", "seq"]),
            let owner = fields["owner"], MemberIdentifier.problem(with: owner) == nil,
            let token = fields["token"], token.utf8.count <= 64, MemberIdentifier.problem(with: token) == nil,
            let lease = fields["lease"].flatMap(Self.number), Self.leaseRange.contains(lease)
        else { return nil }
        var sequence = 0
        if let text = fields["seq"] {
            guard let value = Self.number(text), Self.sequenceRange.contains(value) else { return nil }
            sequence = value
        }
        self.init(owner: owner, token: token, leaseSeconds: lease, sequence: sequence)
    }

    /// Digits only: `Int()` would also take a sign.
    private static func number(_ text: String) -> Int? {
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int(text)
    }

    /// A random 128-bit token in hex.
    package static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}
