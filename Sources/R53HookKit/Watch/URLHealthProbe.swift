import AWSKit

/// `--check-url`: healthy when a GET answers 2xx within the timeout. Never through a proxy
/// (the service is local), and its body is not kept.
package struct URLHealthProbe: HealthProbe {
    private let url: String
    private let http: any HTTPClient
    private let timeout: Duration

    /// Creates the probe.
    package init(url: String, http: any HTTPClient, timeout: Duration) {
        self.url = url
        self.http = http
        self.timeout = timeout
    }

    package var description: String { "GET \(url)" }

    package func check() async -> Bool {
        let request = HTTPRequest(method: "GET", url: url, bypassesProxy: true, maximumResponseSize: 65_536)
        guard let response = try? await http.send(request, timeouts: HTTPTimeouts(connect: timeout, total: timeout)) else { return false }
        return (200...299).contains(response.status)
    }
}
