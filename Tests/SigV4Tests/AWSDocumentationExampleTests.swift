import SigV4
import Testing

/// The IAM ListUsers example from AWS's Signature Version 4 documentation
/// ("Create a signed AWS API request"), checked one stage at a time so a
/// failure points at the stage that broke.
@Suite("AWS documentation example (IAM ListUsers)")
struct AWSDocumentationExampleTests {
    let signer = SigV4Signer(service: "iam", region: "us-east-1")
    let credentials = SigV4Credentials(
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    /// 2015-08-30T12:36:00Z
    let date = SigV4Date(secondsSince1970: 1_440_938_160)
    let request = SigV4Request(
        method: "GET",
        path: "/",
        query: [
            SigV4QueryItem(name: "Version", value: "2010-05-08"),
            SigV4QueryItem(name: "Action", value: "ListUsers"),
        ],
        headers: [
            SigV4Header(name: "Host", value: "iam.amazonaws.com"),
            SigV4Header(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
        ],
        body: []
    )

    static let expectedCanonicalRequest = """
        GET
        /
        Action=ListUsers&Version=2010-05-08
        content-type:application/x-www-form-urlencoded; charset=utf-8
        host:iam.amazonaws.com
        x-amz-date:20150830T123600Z

        content-type;host;x-amz-date
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        """
    static let expectedStringToSign = """
        AWS4-HMAC-SHA256
        20150830T123600Z
        20150830/us-east-1/iam/aws4_request
        f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59
        """
    static let expectedSigningKeyHex = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
    static let expectedSignature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

    @Test func dateRenderings() {
        #expect(date.amzDate == "20150830T123600Z")
        #expect(date.dateStamp == "20150830")
    }

    @Test func canonicalRequest() {
        let headersToSign = request.headers + [SigV4Header(name: "X-Amz-Date", value: date.amzDate)]
        #expect(signer.canonicalRequest(for: request, signedHeaders: headersToSign) == Self.expectedCanonicalRequest)
    }

    @Test func stringToSign() {
        #expect(
            signer.stringToSign(canonicalRequest: Self.expectedCanonicalRequest, date: date)
                == Self.expectedStringToSign
        )
    }

    @Test func signingKey() {
        let key = signer.signingKey(secretAccessKey: credentials.secretAccessKey, date: date)
        #expect(hex(key) == Self.expectedSigningKeyHex)
    }

    @Test func signature() {
        let key = signer.signingKey(secretAccessKey: credentials.secretAccessKey, date: date)
        #expect(signer.signature(stringToSign: Self.expectedStringToSign, signingKey: key) == Self.expectedSignature)
    }

    @Test func authorizationHeaderFromAllStagesChained() {
        let headers = signer.signatureHeaders(for: request, credentials: credentials, date: date)
        #expect(
            headers == [
                SigV4Header(name: "X-Amz-Date", value: "20150830T123600Z"),
                SigV4Header(
                    name: "Authorization",
                    value: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-date, Signature=\(Self.expectedSignature)"
                ),
            ]
        )
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
