import SigV4
import Testing

@Suite("SigV4Signer")
struct SigV4SignerTests {
    let route53 = SigV4Signer(service: "route53", region: "us-east-1")
    let date = SigV4Date(secondsSince1970: 1_709_251_199)
    let credentials = SigV4Credentials(accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token")

    @Test(
        "canonical URI: path encoded twice, dot segments and empty segments removed",
        arguments: [
            ("", "/"),
            ("/", "/"),
            ("/2013-04-01/hostedzone/Z1/rrset", "/2013-04-01/hostedzone/Z1/rrset"),
            ("/2013-04-01/hostedzone/Z1/rrset/", "/2013-04-01/hostedzone/Z1/rrset/"),
            ("/a b/c*d", "/a%2520b/c%252Ad"),
            ("/é", "/%25C3%25A9"),
            ("/~tilde", "/~tilde"),
            ("/a//b///c", "/a/b/c"),
            ("/a/./b/../c/", "/a/c/"),
            ("/../..", "/"),
            ("//", "/"),
        ])
    func canonicalURI(path: String, expected: String) {
        #expect(route53.canonicalURI(for: path) == expected)
    }

    @Test func credentialScope() {
        #expect(route53.credentialScope(date: date) == "20240229/us-east-1/route53/aws4_request")
    }

    @Test func signedHeaderNamesAreLowerCasedSortedDistinctAndSkipHopByHopHeaders() {
        let headers = [
            SigV4Header(name: "X-Amz-Date", value: "x"),
            SigV4Header(name: "Host", value: "route53.amazonaws.com"),
            SigV4Header(name: "User-Agent", value: "r53hook"),
            SigV4Header(name: "Connection", value: "keep-alive"),
            SigV4Header(name: "x-repeated", value: "1"),
            SigV4Header(name: "X-Repeated", value: "2"),
            SigV4Header(name: "Content-Type", value: "text/xml"),
        ]
        #expect(route53.signedHeaderNames(for: headers) == "content-type;host;x-amz-date;x-repeated")
    }

    @Test func canonicalHeadersFoldWhitespaceAndMergeRepeats() {
        let request = SigV4Request(
            method: "get",
            path: "/",
            headers: [
                SigV4Header(name: "Host", value: "  example.com "),
                SigV4Header(name: "X-Note", value: "a \t b\n  c"),
                SigV4Header(name: "x-note", value: "  d  "),
            ]
        )
        let canonical = route53.canonicalRequest(for: request, signedHeaders: request.headers)
        #expect(
            canonical == """
                GET
                /

                host:example.com
                x-note:a b c,d

                host;x-note
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """
        )
    }

    @Test func payloadHashIsSHA256OfTheBody() {
        let request = SigV4Request(
            method: "POST",
            path: "/",
            headers: [SigV4Header(name: "host", value: "example.com")],
            body: Array("hello".utf8)
        )
        let canonical = route53.canonicalRequest(for: request, signedHeaders: request.headers)
        #expect(canonical.hasSuffix("\n2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"))
    }

    @Test func addsDateTokenAndAuthorizationInThatOrder() {
        let request = SigV4Request(
            method: "GET", path: "/2013-04-01/hostedzone",
            headers: [SigV4Header(name: "host", value: "route53.amazonaws.com")]
        )
        let headers = route53.signatureHeaders(for: request, credentials: credentials, date: date)
        #expect(headers.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(headers[0].value == "20240229T235959Z")
        #expect(headers[1].value == "token")
        #expect(
            headers[2].value.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKID/20240229/us-east-1/route53/aws4_request, "
                    + "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature="
            )
        )
    }

    @Test func noTokenHeaderWithoutASessionToken() {
        let request = SigV4Request(
            method: "GET", path: "/", headers: [SigV4Header(name: "host", value: "route53.amazonaws.com")]
        )
        let plain = SigV4Credentials(accessKeyId: "AKID", secretAccessKey: "secret")
        let headers = route53.signatureHeaders(for: request, credentials: plain, date: date)
        #expect(headers.map(\.name) == ["X-Amz-Date", "Authorization"])
    }

    /// Like botocore, stale copies of the headers the signer supplies (say from a retried
    /// request) are replaced rather than signed twice.
    @Test func callerCopiesOfSignerHeadersDoNotChangeTheSignature() {
        let clean = SigV4Request(
            method: "GET", path: "/", headers: [SigV4Header(name: "host", value: "route53.amazonaws.com")]
        )
        var stale = clean
        stale.headers += [
            SigV4Header(name: "authorization", value: "old"),
            SigV4Header(name: "X-Amz-Date", value: "19990101T000000Z"),
            SigV4Header(name: "x-amz-security-token", value: "old-token"),
        ]
        #expect(
            route53.signatureHeaders(for: stale, credentials: credentials, date: date)
                == route53.signatureHeaders(for: clean, credentials: credentials, date: date)
        )
    }

    @Test func authorizationValueLayout() {
        #expect(
            route53.authorizationValue(
                accessKeyId: "AKID", date: date, signedHeaderNames: "host;x-amz-date", signature: "abc"
            ) == "AWS4-HMAC-SHA256 Credential=AKID/20240229/us-east-1/route53/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=abc"
        )
    }
}
