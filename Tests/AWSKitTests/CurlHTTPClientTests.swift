import Dispatch
import Glibc
import Synchronization
import Testing

@testable import AWSKit

/// A one-connection-at-a-time HTTP server on 127.0.0.1 with scripted behaviour, so the real
/// libcurl client can be tested against timeouts, truncation and oversized answers.
private final class LoopbackServer: Sendable {
    let port: UInt16
    private let listener: Int32
    private let log = RequestLog()

    private final class RequestLog: Sendable {
        let lines = Mutex<[String]>([])
    }

    /// What the server does with each accepted connection, given the request text.
    enum Behaviour: Sendable {
        case respond(String)
        case respondBytes([UInt8])
        case silent(seconds: Int)
    }

    init(_ behaviour: Behaviour) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw AWSKitError(.serviceUnreachable, "cannot listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let log = self.log
        // A thread of its own: the loop blocks in accept and sleep, which on the pool of Swift
        // tasks would hold up every other test's tasks (see BlockingWork).
        DispatchQueue(label: "loopback-server").async {
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    // Only this thread closes the listener, once accept has failed on it: were
                    // deinit to close it, the number could go to the next test's listener while
                    // this loop still accepts on it, and answer that test with this behaviour.
                    close(listener)
                    return
                }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                let count = read(client, &buffer, buffer.count)
                log.lines.withLock { $0.append(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)) }
                switch behaviour {
                case .respond(let text):
                    _ = Array(text.utf8).withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                case .respondBytes(let bytes):
                    _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                case .silent(let seconds):
                    sleep(UInt32(seconds))
                }
                close(client)
            }
        }
    }

    var requests: [String] { log.lines.withLock { $0 } }
    var url: String { "http://127.0.0.1:\(port)/path?q=1" }

    /// Shutting the listener down makes the pending or next accept fail; the loop then closes it.
    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
    }
}

@Suite(.serialized) struct CurlHTTPClientTests {
    private let client = CurlHTTPClient(userAgent: "r53hook-test", maximumResponseSize: 1_000_000)
    private let quick = HTTPTimeouts(connect: .seconds(2), total: .seconds(5))

    @Test func sendsMethodHeadersAndBodyAndReadsTheAnswer() async throws {
        let server = try LoopbackServer(.respond("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Amzn-RequestId: abc\r\nConnection: close\r\n\r\nhello"))
        let response = try await client.send(
            HTTPRequest(
                method: "POST", url: server.url, headers: [HTTPHeader("X-Test", "1")],
                body: Array("<a/>".utf8)), timeouts: quick)
        #expect(response.status == 201)
        #expect(response.text == "hello")
        #expect(response.header("x-amzn-requestid") == "abc")
        let request = try #require(server.requests.first)
        #expect(request.hasPrefix("POST /path?q=1 HTTP/1.1"))
        #expect(request.contains("X-Test: 1"))
        #expect(request.contains("Content-Length: 4"))
        #expect(request.hasSuffix("<a/>"))
        #expect(!request.contains("Content-Type"))
        #expect(!request.contains("Expect"))
    }

    @Test func putWithoutBodySendsContentLengthZero() async throws {
        let server = try LoopbackServer(.respond("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\ntok"))
        let response = try await client.send(HTTPRequest(method: "PUT", url: server.url), timeouts: quick)
        #expect(response.text == "tok")
        #expect(server.requests.first?.contains("Content-Length: 0") == true)
    }

    @Test func totalTimeoutIsHonouredInMilliseconds() async throws {
        let server = try LoopbackServer(.silent(seconds: 3))
        let started = ContinuousClock.now
        await #expect(throws: HTTPTransportError(.timedOut, "")) {
            do {
                _ = try await client.send(
                    HTTPRequest(method: "GET", url: server.url),
                    timeouts: HTTPTimeouts(connect: .seconds(1), total: .milliseconds(300)))
            } catch let error as HTTPTransportError {
                throw HTTPTransportError(error.reason, "")
            }
        }
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func refusedConnectionsAreRetryableErrors() async throws {
        let port = try LoopbackServer(.respond("")).port  // freed when the server goes away
        do {
            _ = try await client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"), timeouts: quick)
            Issue.record("expected a refused connection")
        } catch let error as HTTPTransportError {
            #expect(error.reason == .couldNotConnect)
            #expect(error.isRetryable)
        }
    }

    @Test func truncatedBodiesAreErrors() async throws {
        let server = try LoopbackServer(.respond("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n<Change"))
        do {
            _ = try await client.send(HTTPRequest(method: "GET", url: server.url), timeouts: quick)
            Issue.record("expected a truncation error")
        } catch let error as HTTPTransportError {
            #expect(error.reason == .connectionLost)
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 1_500_000)
        let server = try LoopbackServer(.respondBytes(Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body))
        do {
            _ = try await client.send(HTTPRequest(method: "GET", url: server.url), timeouts: quick)
            Issue.record("expected the size limit")
        } catch let error as HTTPTransportError {
            #expect(error.reason == .responseTooLarge)
            #expect(!error.isRetryable)
        }
    }

    @Test func cancellationStopsATransferPromptly() async throws {
        let server = try LoopbackServer(.silent(seconds: 5))
        let client = self.client
        let url = server.url
        let task = Task {
            try await client.send(HTTPRequest(method: "GET", url: url), timeouts: HTTPTimeouts(connect: .seconds(5), total: .seconds(30)))
        }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func onlyHTTPAndHTTPSAreSpoken() async throws {
        do {
            _ = try await client.send(HTTPRequest(method: "GET", url: "file:///etc/passwd"), timeouts: quick)
            Issue.record("file:// must be refused")
        } catch let error as HTTPTransportError {
            #expect(error.reason == .invalidRequest)
        }
    }

    @Test func requestsThatBypassTheProxyIgnoreHTTPProxy() async throws {
        let server = try LoopbackServer(.respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"))
        let deadProxy = try LoopbackServer(.respond("")).port
        setenv("http_proxy", "http://127.0.0.1:\(deadProxy)", 1)
        defer { unsetenv("http_proxy") }
        let direct = try await client.send(HTTPRequest(method: "GET", url: server.url, bypassesProxy: true), timeouts: quick)
        #expect(direct.text == "ok")
        await #expect(throws: HTTPTransportError.self) {
            try await client.send(HTTPRequest(method: "GET", url: server.url), timeouts: quick)
        }
    }
}
