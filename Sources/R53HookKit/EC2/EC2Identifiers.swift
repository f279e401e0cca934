/// The shapes of the EC2 names r53hook writes into registry marks and reads back from other
/// machines' marks and from IMDS: anything else is refused where it enters, so that junk never
/// reaches a record, a log line or an EC2 call.
package enum EC2Identifiers {
    /// Whether text has the shape of an instance id: `i-` and 1 to 32 lowercase letters and
    /// digits. EC2's own are `i-` and 8 or 17 hex digits; the rule is looser on purpose, since
    /// what it must keep out is junk (controls, quotes, spaces, paths, long values), and an id
    /// EC2 does not know is harmless: sweep asks EC2 with a filter, where it is simply absent.
    package static func isInstanceId<Text: StringProtocol>(_ text: Text) -> Bool {
        let bytes = Array(text.utf8)
        guard (3...34).contains(bytes.count), bytes[0] == UInt8(ascii: "i"), bytes[1] == UInt8(ascii: "-") else { return false }
        return bytes.dropFirst(2).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
    }

    /// Whether text can be an availability zone name (`us-east-1a`, `us-west-2-lax-1a`,
    /// `us-east-1-wl1-bos-wlz-1`) or id (`use1-az1`): 1 to 64 lowercase letters, digits and '-'.
    package static func isAvailabilityZone<Text: StringProtocol>(_ text: Text) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }
}
