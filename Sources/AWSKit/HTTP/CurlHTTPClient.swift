import CCurl
import Synchronization

/// The production `HTTPClient`: libcurl, with the blocking transfer run on a thread of its own
/// (`BlockingWork`) so the threads of Swift tasks never block.
///
/// Every transfer: no signals (safe in threads), connect and total timeouts in milliseconds,
/// http and https only, no redirects, TLS peer and host verification on, and for requests that
/// bypass the proxy an explicit empty proxy so `http_proxy` never sees IMDS traffic.
/// Connections are kept alive across requests through a small pool of easy handles.
package final class CurlHTTPClient: HTTPClient {
    /// The largest response body accepted; larger ones fail with `.responseTooLarge`.
    package let maximumResponseSize: Int
    private let pool = CurlHandlePool()
    private let userAgent: String

    /// Creates a client.
    package init(userAgent: String, maximumResponseSize: Int = 16 * 1024 * 1024) {
        CurlGlobal.initializeOnce()
        self.userAgent = userAgent
        self.maximumResponseSize = maximumResponseSize
    }

    /// Sends a request; see `HTTPClient.send`.
    package func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        let transfer = CurlTransfer(
            request: request, timeouts: timeouts, userAgent: userAgent,
            maximumResponseSize: min(maximumResponseSize, request.maximumResponseSize ?? maximumResponseSize))
        let pool = self.pool
        let result: Result<HTTPResponse, HTTPTransportError> = await withTaskCancellationHandler {
            await BlockingWork.run("curl") { pool.withHandle { transfer.perform(on: $0) } }
        } onCancel: {
            transfer.cancel()
        }
        try Task.checkCancellation()
        return try result.get()
    }
}

/// curl_global_init is not thread-safe: run it once, before any handle exists.
enum CurlGlobal {
    static func initializeOnce() {
        _ = initialized
    }

    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()
}

/// A few reusable easy handles; a reset handle keeps its live connections, so a sequence of
/// calls to one endpoint pays for TCP and TLS set-up once.
final class CurlHandlePool: Sendable {
    private struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private let idle = Mutex<[Handle]>([])
    private let capacity = 4

    func withHandle<T>(_ body: (UnsafeMutableRawPointer?) -> T) -> T {
        let reused = idle.withLock { $0.popLast() }
        guard let handle = reused?.pointer ?? curl_easy_init() else { return body(nil) }
        curl_easy_reset(handle)
        let result = body(handle)
        let kept = idle.withLock { handles -> Bool in
            guard handles.count < capacity else { return false }
            handles.append(Handle(pointer: handle))
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
        return result
    }

    deinit {
        for handle in idle.withLock({ $0 }) { curl_easy_cleanup(handle.pointer) }
    }
}
