import Crypto
import Glibc
import SigV4

/// SigV4 signing of arbitrary requests: never crashes; the canonical URI and query hold only
/// unreserved characters, '/', '&', '=' and %XX escapes; the Authorization header has its
/// fixed shape. A botocore-signed request (Tests/Fuzz/sigv4/botocore-*, written by
/// scripts/gen-sigv4-fuzz-corpus.py) carries botocore's canonical request and Authorization
/// and a SHA-256 of all that: while the digest holds (the input is as botocore signed it, not a
/// mutation), both must match byte for byte.
///
/// Layout, fields separated by NUL after a selector byte: method, path, query, headers, body,
/// service, region, seconds since 1970, session token; then botocore's canonical request, its
/// Authorization value, and the digest (hex SHA-256 of every byte before it). In the query and headers, items are separated by 0x01 and name from value by 0x02.
enum SigV4Fuzz {
    static let credentialsKeyId = "AKIDEXAMPLE"
    static let credentialsSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    /// Set by scripts/fuzz when it runs the committed botocore files alone: each must be compared.
    static let strictDigest = getenv("R53HOOK_FUZZ_STRICT_DIGEST") != nil

    static func run(_ bytes: [UInt8]) {
        let fields = FuzzFields(bytes)
        let request = SigV4Request(
            method: fields[0] ?? "GET", path: fields[1] ?? "/",
            query: pairs(fields[2]).map { SigV4QueryItem(name: $0.0, value: $0.1) },
            headers: pairs(fields[3]).map { SigV4Header(name: $0.0, value: $0.1) }, body: Array((fields[4] ?? "").utf8))
        let signer = SigV4Signer(service: fields[5] ?? "route53", region: fields[6] ?? "us-east-1")
        let date = SigV4Date(secondsSince1970: Int64(fields[7] ?? "") ?? 1_440_938_160)
        let token = fields[8].flatMap { $0.isEmpty ? nil : $0 }
        let credentials = SigV4Credentials(accessKeyId: credentialsKeyId, secretAccessKey: credentialsSecret, sessionToken: token)

        let added = signer.signatureHeaders(for: request, credentials: credentials, date: date)
        guard let authorization = added.last, authorization.name == "Authorization",
            // Bytes, not Characters: a combining mark in the region would join the '/' before it.
            authorization.value.utf8.starts(with: "AWS4-HMAC-SHA256 Credential=\(credentialsKeyId)/\(date.dateStamp)/".utf8)
        else { violated("the Authorization header is missing or misshapen: \(added)") }
        let signedHeaders =
            request.headers.filter { !["authorization", "x-amz-date", "x-amz-security-token"].contains($0.name.lowercased()) }
            + added.dropLast()
        let canonical = signer.canonicalRequest(for: request, signedHeaders: signedHeaders)
        let uri = signer.canonicalURI(for: request.path)
        if !isEncoded(uri[...], also: "/") { violated("the canonical URI \(uri.debugDescription) is not encoded") }
        let query = SigV4Encoding.canonicalQueryString(request.query)
        if !isEncoded(query[...], also: "&=") { violated("the canonical query \(query.debugDescription) is not encoded") }
        // Bytes, not Characters: a method ending in CR would make "\r\n" one Character.
        if !containsBytes(Array(canonical.utf8), Array("\n\(uri)\n\(query)\n".utf8)) { violated("the canonical request lacks its URI and query:\n\(canonical)") }

        guard fields.strings.count == 12, digestHolds(bytes, expected: fields[11] ?? "") else {
            if strictDigest { violated("a botocore-signed request no longer carries its digest: regenerate the corpus") }
            return
        }
        if canonical != fields[9] {
            violated("the canonical request differs from botocore's:\n--- botocore\n\(fields[9] ?? "")\n--- r53hook\n\(canonical)")
        }
        if authorization.value != fields[10] {
            violated("the Authorization differs from botocore's:\n--- botocore\n\(fields[10] ?? "")\n--- r53hook\n\(authorization.value)")
        }
    }

    /// Items separated by 0x01, each a name and a value separated by 0x02 (no 0x02: empty value).
    static func pairs(_ text: String?) -> [(String, String)] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "\u{01}", omittingEmptySubsequences: false).map { item in
            let parts = item.split(separator: "\u{02}", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    static func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Only unreserved characters, `%` followed by two upper-case hex digits, and `extra`.
    static func isEncoded(_ text: Substring, also extra: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isUpperHex(bytes[index + 1]), isUpperHex(bytes[index + 2]) else { return false }
                index += 3
                continue
            }
            let scalar = Unicode.Scalar(byte)
            guard
                scalar.properties.isASCIIHexDigit || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || "-_.~".unicodeScalars.contains(scalar) || extra.unicodeScalars.contains(scalar)
            else { return false }
            index += 1
        }
        return true
    }

    static func isUpperHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// Whether the input is as the generator wrote it: the hex SHA-256 of everything before the
    /// last NUL (the request and botocore's answers) follows that NUL.
    static func digestHolds(_ bytes: [UInt8], expected: String) -> Bool {
        guard let end = bytes.lastIndex(of: 0) else { return false }
        let digest = SHA256.hash(data: bytes[0..<end]).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }
        return digest.joined() == expected
    }
}
