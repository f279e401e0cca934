/// Lower-case hexadecimal, the form SigV4 uses for hashes and the signature.
enum HexEncoding {
    private static let digits: [Character] = Array("0123456789abcdef")

    static func lowercaseHex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
