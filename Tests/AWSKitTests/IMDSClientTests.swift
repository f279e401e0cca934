import TestSupport
import Testing

@testable import AWSKit

@Suite struct IMDSClientTests {
    private func client(
        _ http: ScriptedHTTPClient, allowV1: Bool = false, time: ManualTime = ManualTime(),
        tokenLifetime: Int = 21_600
    ) throws -> IMDSClient {
        var configuration = IMDSConfiguration(endpoint: try Endpoint(parsing: "http://169.254.169.254"), allowsV1: allowV1)
        configuration.tokenLifetimeSeconds = tokenLifetime
        return IMDSClient(configuration: configuration, http: http, time: time, logger: LogCapture().logger())
    }

    /// A strict IMDSv2: tokens from PUT, 401 without a known one.
    private static func strictIMDS(
        tokens: @escaping @Sendable (Int) -> String = { "token-\($0)" },
        valid: @escaping @Sendable (String) -> Bool = { _ in true },
        items: [String: String]
    ) -> ScriptedHTTPClient {
        ScriptedHTTPClient { request, index in
            if request.method == "PUT" {
                guard request.headers.contains(where: { $0.name == "X-aws-ec2-metadata-token-ttl-seconds" }) else { return .status(400) }
                return .status(200, tokens(index))
            }
            guard let token = request.headers.first(where: { $0.name == "X-aws-ec2-metadata-token" })?.value, valid(token) else {
                return .status(401)
            }
            let path = String(request.url.dropFirst("http://169.254.169.254/latest/meta-data/".count))
            return items[path].map { .status(200, $0) } ?? .status(404)
        }
    }

    @Test func fetchesOneTokenForManyReadsAndNeverUsesAProxy() async throws {
        let http = Self.strictIMDS(items: ["instance-id": "i-0abc", "local-ipv4": "10.0.0.5"])
        let imds = try client(http)
        let id = try await imds.value(at: "instance-id")
        #expect(id == "i-0abc")
        #expect(try await imds.value(at: "local-ipv4") == "10.0.0.5")
        #expect(http.requests.filter { $0.method == "PUT" }.count == 1)
        #expect(http.requests.allSatisfy { $0.bypassesProxy })
        #expect(http.requests[0].headers.first?.value == "21600")
        #expect(http.timeouts.allSatisfy { $0.connect == .seconds(1) && $0.total == .seconds(2) })
    }

    @Test func answersNilFor404() async throws {
        let imds = try client(Self.strictIMDS(items: [:]))
        #expect(try await imds.value(at: "public-ipv4") == nil)
    }

    @Test func renewsTheTokenBeforeItExpires() async throws {
        let time = ManualTime()
        let http = Self.strictIMDS(items: ["instance-id": "i-1"])
        let imds = try client(http, time: time, tokenLifetime: 120)
        _ = try await imds.value(at: "instance-id")
        time.advance(by: .seconds(30))
        _ = try await imds.value(at: "instance-id")
        #expect(http.requests.filter { $0.method == "PUT" }.count == 1)
        time.advance(by: .seconds(40))  // 70 s: within a minute of the 120 s lifetime
        _ = try await imds.value(at: "instance-id")
        #expect(http.requests.filter { $0.method == "PUT" }.count == 2)
    }

    @Test func getsANewTokenOnceAfter401() async throws {
        // The first token is refused (as after an IMDS restart); the second works.
        let http = Self.strictIMDS(valid: { $0 != "token-0" }, items: ["instance-id": "i-1"])
        let imds = try client(http)
        #expect(try await imds.value(at: "instance-id") == "i-1")
        #expect(http.requests.map(\.method) == ["PUT", "GET", "PUT", "GET"])
    }

    @Test func givesUpWhenEvenAFreshTokenIsRefused() async throws {
        let imds = try client(Self.strictIMDS(valid: { _ in false }, items: [:]))
        await #expect(throws: AWSKitError.self) { try await imds.value(at: "instance-id") }
    }

    @Test func retries503WithBackoffThenSucceeds() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient { request, index in
            request.method == "PUT" ? .status(200, "t") : (index < 3 ? .status(503) : .status(200, "i-9"))
        }
        let imds = try client(http, time: time)
        #expect(try await imds.value(at: "instance-id") == "i-9")
        #expect(time.sleeps == [.milliseconds(200), .milliseconds(400)])
    }

    @Test func explainsWhatToDoWhenIMDSDoesNotAnswer() async throws {
        let http = ScriptedHTTPClient(sequence: [.failure(HTTPTransportError(.timedOut, "Connection timed out after 1000 ms"))])
        let imds = try client(http)
        do {
            _ = try await imds.value(at: "instance-id")
            Issue.record("expected an error")
        } catch let error as AWSKitError {
            #expect(error.code == .metadataUnreachable)
            #expect(error.message.contains("hop limit"))
            // What to give instead is the command line's to word (ErrorRenderingTests): no flag here.
            #expect(!error.message.contains("--"))
        }
        #expect(http.requests.count == 3)
    }

    @Test func fallsBackToV1OnlyWhenAllowed() async throws {
        let v1Only = ScriptedHTTPClient { request, _ in request.method == "PUT" ? .status(403) : .status(200, "i-v1") }
        let strict = try client(v1Only)
        await #expect(throws: AWSKitError.self) { try await strict.value(at: "instance-id") }
        let lenient = try client(v1Only, allowV1: true)
        let id = try await lenient.value(at: "instance-id")
        #expect(id == "i-v1")
        #expect(v1Only.requests.last?.headers.isEmpty == true)
    }

    @Test func honoursTheSDKEnvironmentVariables() async throws {
        let configuration = try IMDSConfiguration.from(
            environment: ProcessEnvironment([
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338", "AWS_EC2_METADATA_V1_DISABLED": "true",
            ]), allowV1: true)
        #expect(configuration.endpoint.port == 1338)
        #expect(configuration.allowsV1 == false)
        let ipv6 = try IMDSConfiguration.from(environment: ProcessEnvironment(["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"]), allowV1: false)
        #expect(ipv6.endpoint.host == "fd00:ec2::254")

        let disabled = try IMDSConfiguration.from(environment: ProcessEnvironment(["AWS_EC2_METADATA_DISABLED": "true"]), allowV1: false)
        let http = ScriptedHTTPClient(sequence: [.status(200, "x")])
        let imds = IMDSClient(configuration: disabled, http: http, time: ManualTime(), logger: LogCapture().logger())
        await #expect(throws: AWSKitError.self) { try await imds.value(at: "instance-id") }
        #expect(http.requests.isEmpty)
    }
}
