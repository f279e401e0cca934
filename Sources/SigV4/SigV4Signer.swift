import Crypto

/// Signs requests with AWS Signature Version 4 the way botocore's `SigV4Auth` does for
/// non-S3 services (Route 53, Elastic Load Balancing, EC2, STS).
///
/// Every stage is public so each can be checked on its own against AWS's documented example;
/// ``signatureHeaders(for:credentials:date:)`` chains them.
package struct SigV4Signer: Sendable {
    /// The signing name of the service, e.g. `route53`.
    package let service: String
    /// The signing region, e.g. `us-east-1` (Route 53 always signs for `us-east-1`).
    package let region: String

    static let algorithm = "AWS4-HMAC-SHA256"
    static let dateHeaderName = "X-Amz-Date"
    static let securityTokenHeaderName = "X-Amz-Security-Token"
    static let authorizationHeaderName = "Authorization"
    static let contentSHA256HeaderName = "x-amz-content-sha256"
    /// Headers the signer supplies itself, so copies in the request are not signed a second time.
    static let signerSuppliedHeaderNames: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]

    /// Creates a signer for one service in one region.
    package init(service: String, region: String) {
        self.service = service
        self.region = region
    }

    /// The headers to add to the request: x-amz-date, x-amz-security-token (when the credentials have a token), authorization. The caller sends exactly request.headers + these.
    ///
    /// Returned in that order as `X-Amz-Date`, `X-Amz-Security-Token`, `Authorization`. An empty
    /// session token counts as none, as in botocore.
    package func signatureHeaders(
        for request: SigV4Request, credentials: SigV4Credentials, date: SigV4Date
    ) -> [SigV4Header] {
        var addedHeaders = [SigV4Header(name: Self.dateHeaderName, value: date.amzDate)]
        if let token = credentials.sessionToken, !token.isEmpty {
            addedHeaders.append(SigV4Header(name: Self.securityTokenHeaderName, value: token))
        }
        let callerHeaders = request.headers.filter {
            !Self.signerSuppliedHeaderNames.contains($0.name.lowercased())
        }
        let headersToSign = callerHeaders + addedHeaders

        let canonical = canonicalRequest(for: request, signedHeaders: headersToSign)
        let toSign = stringToSign(canonicalRequest: canonical, date: date)
        let key = signingKey(secretAccessKey: credentials.secretAccessKey, date: date)
        let authorization = authorizationValue(
            accessKeyId: credentials.accessKeyId,
            date: date,
            signedHeaderNames: signedHeaderNames(for: headersToSign),
            signature: signature(stringToSign: toSign, signingKey: key)
        )
        return addedHeaders + [SigV4Header(name: Self.authorizationHeaderName, value: authorization)]
    }

    /// The canonical request: method, canonical URI, canonical query string, canonical headers,
    /// signed header names and payload hash, one per line.
    ///
    /// `signedHeaders` is the complete list of headers to sign (the request's own headers plus
    /// `X-Amz-Date` and any `X-Amz-Security-Token`); `request.headers` is not read here. An
    /// `x-amz-content-sha256` header among them, if any, is used as the payload hash instead of
    /// hashing the body, as botocore does.
    package func canonicalRequest(for request: SigV4Request, signedHeaders: [SigV4Header]) -> String {
        let headers = CanonicalHeaders(signedHeaders)
        let payloadHash =
            signedHeaders.first { $0.name.lowercased() == Self.contentSHA256HeaderName }?.value
            ?? HexEncoding.lowercaseHex(SHA256.hash(data: request.body))
        return [
            request.method.uppercased(),
            canonicalURI(for: request.path),
            SigV4Encoding.canonicalQueryString(request.query),
            headers.canonicalText,
            headers.signedHeaderNames,
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The canonical URI of an unencoded path, for non-S3 services.
    ///
    /// Like botocore: the path as sent (``SigV4Encoding/encodedPath(_:)``) has its `.` and `..`
    /// segments and repeated slashes removed, and is then percent-encoded a second time, so a
    /// space in the path appears as `%2520`. An empty path becomes `/`.
    package func canonicalURI(for path: String) -> String {
        let sentPath = SigV4Encoding.encodedPath(path)
        let normalizedPath = sentPath.isEmpty ? "/" : Self.removingDotSegments(sentPath)
        return SigV4Encoding.percentEncode(normalizedPath, keepingSlashes: true)
    }

    /// The credential scope, `yyyyMMdd/region/service/aws4_request`.
    package func credentialScope(date: SigV4Date) -> String {
        "\(date.dateStamp)/\(region)/\(service)/aws4_request"
    }

    /// The string to sign: algorithm, `X-Amz-Date`, credential scope and the hex SHA-256 of the
    /// canonical request, one per line.
    package func stringToSign(canonicalRequest: String, date: SigV4Date) -> String {
        [
            Self.algorithm,
            date.amzDate,
            credentialScope(date: date),
            HexEncoding.lowercaseHex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
    }

    /// The signing key: HMAC-SHA256 chained over date stamp, region, service and `aws4_request`,
    /// starting from `"AWS4" + secretAccessKey`.
    package func signingKey(secretAccessKey: String, date: SigV4Date) -> [UInt8] {
        let dateKey = Self.hmac(key: Array(("AWS4" + secretAccessKey).utf8), message: date.dateStamp)
        let regionKey = Self.hmac(key: dateKey, message: region)
        let serviceKey = Self.hmac(key: regionKey, message: service)
        return Self.hmac(key: serviceKey, message: "aws4_request")
    }

    /// The signature: lower-case hex HMAC-SHA256 of the string to sign under the signing key.
    package func signature(stringToSign: String, signingKey: [UInt8]) -> String {
        HexEncoding.lowercaseHex(Self.hmac(key: signingKey, message: stringToSign))
    }

    /// The `SignedHeaders` list for these headers, e.g. `content-type;host;x-amz-date`: lower-cased,
    /// sorted, `;`-separated, unsigned hop-by-hop headers such as `user-agent` left out.
    package func signedHeaderNames(for headers: [SigV4Header]) -> String {
        CanonicalHeaders(headers).signedHeaderNames
    }

    /// The `Authorization` header value:
    /// `AWS4-HMAC-SHA256 Credential=<key>/<scope>, SignedHeaders=<names>, Signature=<hex>`.
    package func authorizationValue(
        accessKeyId: String, date: SigV4Date, signedHeaderNames: String, signature: String
    ) -> String {
        "\(Self.algorithm) Credential=\(accessKeyId)/\(credentialScope(date: date)), "
            + "SignedHeaders=\(signedHeaderNames), Signature=\(signature)"
    }

    private static func hmac(key: [UInt8], message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }

    /// RFC 3986 section 5.2.4 dot-segment removal plus dropping empty segments, exactly as
    /// botocore's `remove_dot_segments`: AWS normalizes the path the same way when it checks.
    private static func removingDotSegments(_ path: String) -> String {
        var kept: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".":
                continue
            case "..":
                if !kept.isEmpty { kept.removeLast() }
            default:
                kept.append(segment)
            }
        }
        let leadingSlash = path.hasPrefix("/") ? "/" : ""
        let trailingSlash = path.hasSuffix("/") && !kept.isEmpty ? "/" : ""
        return leadingSlash + kept.joined(separator: "/") + trailingSlash
    }
}
