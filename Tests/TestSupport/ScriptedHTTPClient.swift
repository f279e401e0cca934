import AWSKit
import Synchronization

/// An `HTTPClient` that answers from a handler and records every request.
package final class ScriptedHTTPClient: HTTPClient, Sendable {
    /// What the handler returns for a request: a response, or a transport failure.
    package enum Answer: Sendable {
        case response(HTTPResponse)
        case failure(HTTPTransportError)
    }

    private let handler: @Sendable (HTTPRequest, Int) -> Answer
    private let recorded = Mutex<[(HTTPRequest, HTTPTimeouts)]>([])

    /// Creates a client; the handler gets each request and its 0-based index.
    package init(_ handler: @escaping @Sendable (HTTPRequest, Int) -> Answer) {
        self.handler = handler
    }

    /// Creates a client that answers a fixed sequence, then repeats the last answer.
    package convenience init(sequence: [Answer]) {
        self.init { _, index in sequence[min(index, sequence.count - 1)] }
    }

    /// Every request sent so far.
    package var requests: [HTTPRequest] { recorded.withLock { $0.map(\.0) } }

    /// The timeouts each request was sent with.
    package var timeouts: [HTTPTimeouts] { recorded.withLock { $0.map(\.1) } }

    package func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        let index = recorded.withLock { list -> Int in
            list.append((request, timeouts))
            return list.count - 1
        }
        switch handler(request, index) {
        case .response(let response): return response
        case .failure(let error): throw error
        }
    }
}

extension ScriptedHTTPClient.Answer {
    /// A response with a text body.
    package static func status(_ code: Int, _ body: String = "", headers: [HTTPHeader] = []) -> Self {
        .response(HTTPResponse(status: code, headers: headers, body: Array(body.utf8)))
    }
}

/// Fixed credentials for tests.
package struct StaticCredentialProvider: CredentialProvider {
    package let credentials: AWSCredentials?

    package init(_ credentials: AWSCredentials?) {
        self.credentials = credentials
    }

    package var description: String { "static test credentials" }

    package func resolve() async throws -> AWSCredentials? { credentials }
}

/// Instance metadata from a dictionary; a missing path is a 404.
package struct FakeMetadata: InstanceMetadata {
    package let items: [String: String]

    package init(_ items: [String: String]) {
        self.items = items
    }

    package func value(at path: String) async throws -> String? { items[path] }
}

/// Reads "files" from a dictionary.
package struct FakeFiles: FileReading {
    package let files: [String: String]

    package init(_ files: [String: String]) {
        self.files = files
    }

    package func read(path: String) -> String? { files[path] }
}
