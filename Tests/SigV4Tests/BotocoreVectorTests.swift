import Foundation
import SigV4
import Testing

/// Checks every vector that scripts/gen-sigv4-vectors.py recorded from botocore's own
/// `SigV4Auth`: same canonical request, string to sign, added headers and URL path.
@Suite("botocore vectors")
struct BotocoreVectorTests {
    @Test("the vector file loads and covers the cases it promises")
    func vectorFileCoverage() throws {
        let vectors = try BotocoreVector.loadAll()
        #expect(vectors.count >= 20)
        #expect(vectors.contains { $0.kind == "client" && $0.service == "route53" })
        #expect(vectors.contains { $0.service == "elasticloadbalancing" })
        #expect(vectors.contains { $0.credentials.sessionToken?.isEmpty == false })
        #expect(vectors.contains { $0.credentials.sessionToken == nil })
    }

    @Test("canonical request matches botocore", arguments: try BotocoreVector.loadAll())
    func canonicalRequest(vector: BotocoreVector) {
        let signer = SigV4Signer(service: vector.service, region: vector.region)
        let headersToSign =
            vector.request.signRequest.headers
            + vector.expected.addedHeaders.map(\.header).filter { $0.name != "Authorization" }
        let canonical = signer.canonicalRequest(for: vector.request.signRequest, signedHeaders: headersToSign)
        #expect(canonical == vector.expected.canonicalRequest)
    }

    @Test("string to sign matches botocore", arguments: try BotocoreVector.loadAll())
    func stringToSign(vector: BotocoreVector) {
        let signer = SigV4Signer(service: vector.service, region: vector.region)
        let date = SigV4Date(secondsSince1970: vector.secondsSince1970)
        #expect(
            signer.stringToSign(canonicalRequest: vector.expected.canonicalRequest, date: date)
                == vector.expected.stringToSign
        )
    }

    @Test("added headers, Authorization included, match botocore", arguments: try BotocoreVector.loadAll())
    func signatureHeaders(vector: BotocoreVector) {
        let signer = SigV4Signer(service: vector.service, region: vector.region)
        let headers = signer.signatureHeaders(
            for: vector.request.signRequest,
            credentials: vector.credentials.sigV4Credentials,
            date: SigV4Date(secondsSince1970: vector.secondsSince1970)
        )
        #expect(headers == vector.expected.addedHeaders.map(\.header))
        #expect(headers.last?.value == vector.expected.authorization)
    }

    @Test("the URL path sent is the one botocore sends", arguments: try BotocoreVector.loadAll())
    func urlPath(vector: BotocoreVector) {
        #expect(SigV4Encoding.encodedPath(vector.request.path) == vector.expected.urlPath)
    }
}

/// One entry of Tests/SigV4Tests/Vectors/botocore-vectors.json.
struct BotocoreVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Credentials: Decodable, Sendable {
        let accessKeyId: String
        let secretAccessKey: String
        let sessionToken: String?

        var sigV4Credentials: SigV4Credentials {
            SigV4Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
        }
    }

    struct NameValue: Decodable, Sendable {
        let name: String
        let value: String

        var header: SigV4Header { SigV4Header(name: name, value: value) }
        var queryItem: SigV4QueryItem { SigV4QueryItem(name: name, value: value) }
    }

    struct Request: Decodable, Sendable {
        let method: String
        let path: String
        let query: [NameValue]
        let headers: [NameValue]
        let body: String

        var signRequest: SigV4Request {
            SigV4Request(
                method: method,
                path: path,
                query: query.map(\.queryItem),
                headers: headers.map(\.header),
                body: Array(body.utf8)
            )
        }
    }

    struct Expected: Decodable, Sendable {
        let urlPath: String
        let canonicalRequest: String
        let stringToSign: String
        let addedHeaders: [NameValue]
        let authorization: String
    }

    private struct File: Decodable {
        let vectors: [BotocoreVector]
    }

    let name: String
    let kind: String
    let service: String
    let region: String
    let credentials: Credentials
    let secondsSince1970: Int64
    let request: Request
    let expected: Expected

    var testDescription: String { name }

    /// Found next to this source file rather than as a bundle resource: the test target
    /// declares no resources, and the path works from any working directory.
    static var fileURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .appendingPathComponent("Vectors")
            .appendingPathComponent("botocore-vectors.json")
    }

    static func loadAll() throws -> [BotocoreVector] {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: fileURL)).vectors
    }
}
