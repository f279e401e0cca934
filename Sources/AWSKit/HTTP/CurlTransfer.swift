import CCurl
import Synchronization

/// The state of one libcurl transfer: what to send, and what arrives, filled in by libcurl's
/// callbacks on the transfer's thread. Cancellation is the only cross-thread access, and is atomic.
final class CurlTransfer: Sendable {
    private let request: HTTPRequest
    private let timeouts: HTTPTimeouts
    private let userAgent: String
    private let maximumResponseSize: Int
    private let cancelled = Atomic<Bool>(false)
    private let received = Mutex(Received())

    private struct Received: Sendable {
        var body: [UInt8] = []
        var headers: [HTTPHeader] = []
        var tooLarge = false
    }

    init(request: HTTPRequest, timeouts: HTTPTimeouts, userAgent: String, maximumResponseSize: Int) {
        self.request = request
        self.timeouts = timeouts
        self.userAgent = userAgent
        self.maximumResponseSize = maximumResponseSize
    }

    /// Stops the transfer at libcurl's next progress callback.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    /// Runs the transfer to completion on the calling thread.
    func perform(on handle: UnsafeMutableRawPointer?) -> Result<HTTPResponse, HTTPTransportError> {
        guard let handle else { return .failure(HTTPTransportError(.invalidRequest, "libcurl could not create a handle")) }
        if cancelled.load(ordering: .relaxed) { return .failure(HTTPTransportError(.connectionLost, "cancelled")) }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        var names = Set<String>()
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
            names.insert(header.name.lowercased())
        }
        // libcurl adds these on its own; AWS does not need them and they are not signed.
        if !names.contains("content-type") { headerList = curl_slist_append(headerList, "Content-Type:") }
        headerList = curl_slist_append(headerList, "Expect:")

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(self).toOpaque()

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            r53_curl_set_string(handle, CURLOPT_URL, request.url)
            r53_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            r53_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
            r53_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
            r53_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
            r53_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
            r53_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(timeouts.connect.wholeMilliseconds)))
            r53_curl_set_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(timeouts.total.wholeMilliseconds)))
            r53_curl_set_string(handle, CURLOPT_USERAGENT, userAgent)
            if request.bypassesProxy {
                r53_curl_set_string(handle, CURLOPT_PROXY, "")
            }
            r53_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
            r53_curl_set_slist(handle, CURLOPT_HTTPHEADER, headerList)

            switch request.method {
            case "GET":
                r53_curl_set_long(handle, CURLOPT_HTTPGET, 1)
            case "HEAD":
                r53_curl_set_long(handle, CURLOPT_NOBODY, 1)
            default:
                r53_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count)
                _ = request.body.withUnsafeBufferPointer { body in
                    // COPYPOSTFIELDS copies now, so the body need not outlive this closure.
                    body.baseAddress.map { r53_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0)) }
                        ?? r53_curl_set_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                }
                r53_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
            }

            r53_curl_set_write_callback(handle) { data, size, count, context in
                guard let context, let data else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.appendBody(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
            }
            r53_curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
            r53_curl_set_header_callback(handle) { data, size, count, context in
                guard let context, let data else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                transfer.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            }
            r53_curl_set_pointer(handle, CURLOPT_HEADERDATA, context)
            r53_curl_set_long(handle, CURLOPT_NOPROGRESS, 0)
            r53_curl_set_progress_callback(handle) { context, _, _, _, _ in
                guard let context else { return 0 }
                return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
            }
            r53_curl_set_pointer(handle, CURLOPT_XFERINFODATA, context)
            return curl_easy_perform(handle)
        }
        // Do not leave dangling pointers in a handle that goes back to the pool.
        r53_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, nil)

        let detail = errorBuffer.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? ""
        }
        guard code == CURLE_OK else { return .failure(transportError(code, detail: detail)) }

        var status = 0
        r53_curl_get_response_code(handle, &status)
        let answer = received.withLock { $0 }
        return .success(HTTPResponse(status: status, headers: answer.headers, body: answer.body))
    }

    private func appendBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        received.withLock { received in
            guard received.body.count + chunk.count <= maximumResponseSize else {
                received.tooLarge = true
                return false
            }
            received.body.append(contentsOf: chunk)
            return true
        }
    }

    private func appendHeaderLine(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        received.withLock { received in
            if text.hasPrefix("HTTP/") {
                // A new status line (after 100 Continue, say): headers start over.
                received.headers.removeAll()
            } else if let colon = text.firstIndex(of: ":") {
                received.headers.append(
                    HTTPHeader(
                        String(text[..<colon]).trimmingWhitespace,
                        String(text[text.index(after: colon)...]).trimmingWhitespace))
            }
        }
    }

    private func transportError(_ code: CURLcode, detail: String) -> HTTPTransportError {
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if received.withLock({ $0.tooLarge }) {
            return HTTPTransportError(.responseTooLarge, "response larger than \(maximumResponseSize) bytes")
        }
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return HTTPTransportError(.unresolvedHost, message)
        case CURLE_COULDNT_CONNECT:
            return HTTPTransportError(.couldNotConnect, message)
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPTransportError(.timedOut, message)
        case CURLE_ABORTED_BY_CALLBACK:
            return HTTPTransportError(.connectionLost, "cancelled")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return HTTPTransportError(.invalidRequest, message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
            return HTTPTransportError(.tls, message)
        default:
            return HTTPTransportError(.connectionLost, message)
        }
    }
}
