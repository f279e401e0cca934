/// The percent-encoding rules of Signature Version 4, shared by the signer and the HTTP layer
/// so the URL that is sent is byte for byte the one that was signed.
package enum SigV4Encoding {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// RFC 3986 percent-encoding, unreserved A-Z a-z 0-9 - _ . ~ kept, as SigV4 wants (spaces as %20, never +).
    ///
    /// Encodes the UTF-8 bytes of `value` with upper-case hex digits. With `keepingSlashes`, `/` is
    /// kept too, which is how a path is encoded.
    package static func percentEncode(_ value: String, keepingSlashes: Bool = false) -> String {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if isUnreserved(byte) || (keepingSlashes && byte == UInt8(ascii: "/")) {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// The canonical (sorted, encoded) query string; the HTTP layer uses THIS for the URL it sends, so what is signed is what is sent.
    ///
    /// Each name and value is percent-encoded, the pairs are sorted by encoded name and then by
    /// encoded value (byte order), and joined as `name=value&...`; an empty value gives `name=`.
    /// Returns the empty string for no items.
    package static func canonicalQueryString(_ items: [SigV4QueryItem]) -> String {
        let encodedPairs = items.map { item in
            (name: percentEncode(item.name), value: percentEncode(item.value))
        }
        let sortedPairs = encodedPairs.sorted { lhs, rhs in
            if lhs.name != rhs.name {
                return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
            }
            return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        return sortedPairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The path as it must appear in the URL (each segment percent-encoded, slashes kept).
    package static func encodedPath(_ path: String) -> String {
        percentEncode(path, keepingSlashes: true)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
