import Synchronization
import TestSupport
import Testing

@testable import AWSKit

@Suite struct CredentialProviderTests {
    @Test func environmentNeedsBothKeys() async throws {
        let full = EnvironmentCredentialProvider(environment: ProcessEnvironment(["AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"]))
        let credentials = try await full.resolve()
        #expect(credentials?.accessKeyId == "AKIA1")
        #expect(credentials?.sessionToken == "t")
        #expect(try await EnvironmentCredentialProvider(environment: ProcessEnvironment([:])).resolve() == nil)
        await #expect(throws: AWSKitError.self) {
            try await EnvironmentCredentialProvider(environment: ProcessEnvironment(["AWS_ACCESS_KEY_ID": "AKIA1"])).resolve()
        }
    }

    @Test func sharedFilesReadTheChosenProfileWithCredentialsWinningOverConfig() async throws {
        let files = FakeFiles([
            "/home/u/.aws/credentials": "[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n\n[web]\naws_access_key_id=WEB # comment\naws_secret_access_key=websecret\n",
            "/home/u/.aws/config": "[profile web]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\ns3 =\n  max_concurrent_requests = 10\n",
        ])
        let web = SharedFileCredentialProvider(environment: ProcessEnvironment(["HOME": "/home/u", "AWS_PROFILE": "web"]), files: files)
        #expect(try await web.resolve()?.accessKeyId == "WEB")
        let standard = SharedFileCredentialProvider(environment: ProcessEnvironment(["HOME": "/home/u"]), files: files)
        #expect(try await standard.resolve()?.secretAccessKey == "defsecret")
    }

    @Test func sharedFilesHonourTheirVariablesAndExplainMissingProfiles() async throws {
        let files = FakeFiles([
            "/etc/creds": "[ops]\naws_access_key_id=OPS\naws_secret_access_key=x\n",
            "/etc/conf": "[profile sso]\nsso_start_url = https://x\n",
        ])
        let env = ["AWS_SHARED_CREDENTIALS_FILE": "/etc/creds", "AWS_CONFIG_FILE": "/etc/conf"]
        #expect(try await SharedFileCredentialProvider(environment: ProcessEnvironment(env.merging(["AWS_PROFILE": "ops"]) { $1 }), files: files).resolve()?.accessKeyId == "OPS")
        await #expect(throws: AWSKitError.self) {
            try await SharedFileCredentialProvider(environment: ProcessEnvironment(env.merging(["AWS_PROFILE": "nope"]) { $1 }), files: files).resolve()
        }
        do {
            _ = try await SharedFileCredentialProvider(environment: ProcessEnvironment(env.merging(["AWS_PROFILE": "sso"]) { $1 }), files: files).resolve()
            Issue.record("an SSO profile must be refused")
        } catch let error as AWSKitError {
            #expect(error.message.contains("sso_start_url"))
        }
        #expect(try await SharedFileCredentialProvider(environment: ProcessEnvironment(env), files: files).resolve() == nil)
    }

    @Test func containerCredentialsUseTheRelativeURIAndTheTokenFile() async throws {
        let http = ScriptedHTTPClient(sequence: [.status(200, #"{"AccessKeyId":"ASIAC","SecretAccessKey":"s","Token":"t","Expiration":"2026-11-22T10:00:00Z"}"#)])
        let provider = ContainerCredentialProvider(
            environment: ProcessEnvironment([
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds/abc",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/tok",
            ]),
            http: http, time: ManualTime(), files: FakeFiles(["/tok": "secret-token\n"]))
        let credentials = try await provider.resolve()
        #expect(credentials?.accessKeyId == "ASIAC")
        #expect(credentials?.expiration == UnixTime(iso8601: "2026-11-22T10:00:00Z"))
        #expect(http.requests.first?.url == "http://169.254.170.2/v2/creds/abc")
        #expect(http.requests.first?.headers == [HTTPHeader("Authorization", "secret-token")])
        #expect(http.requests.first?.bypassesProxy == true)
    }

    @Test func containerFullURIMustBeHTTPSOrLocal() async throws {
        let http = ScriptedHTTPClient(sequence: [.status(500)])
        await #expect(throws: AWSKitError.self) {
            try await ContainerCredentialProvider(
                environment: ProcessEnvironment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://evil.example.com/creds"]),
                http: http, time: ManualTime()
            ).resolve()
        }
        #expect(http.requests.isEmpty)
        for allowed in [
            "http://127.0.0.1/c", "http://127.9.8.7:51679/c", "http://[::1]/c", "http://localhost/c",
            "http://169.254.170.2/c", "http://169.254.170.23/c", "http://[fd00:ec2::23]/c", "http://[FD00:EC2:0::23]/c",
        ] {
            #expect(ContainerCredentialProvider.allowedPlainHosts(try Endpoint(parsing: allowed)), "\(allowed)")
        }
        // Names that only look like loopback, and addresses next to the allowed ones.
        for refused in [
            "http://127.attacker.invalid/c", "http://127.0.0.1.nip.io/c", "http://localhost.attacker.invalid/c",
            "http://128.0.0.1/c", "http://[::2]/c", "http://169.254.170.3/c", "http://[fd00:ec2::24]/c", "http://0x7f000001/c",
        ] {
            #expect(!ContainerCredentialProvider.allowedPlainHosts(try Endpoint(parsing: refused)), "\(refused)")
        }
    }

    @Test func containerFullURIWithAHostThatStartsWith127IsRefusedBeforeAnyRequest() async {
        let http = ScriptedHTTPClient(sequence: [.status(500)])
        await #expect(throws: AWSKitError.self) {
            try await ContainerCredentialProvider(
                environment: ProcessEnvironment([
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.attacker.invalid/creds",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "secret-token",
                ]),
                http: http, time: ManualTime()
            ).resolve()
        }
        #expect(http.requests.isEmpty)
    }

    @Test func instanceRoleReadsTheFirstRoleAndRefusesFailedDocuments() async throws {
        let good = FakeMetadata([
            "iam/security-credentials/": "web-role\n",
            "iam/security-credentials/web-role": #"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAR","SecretAccessKey":"s","Token":"t","Expiration":"2026-11-22T10:00:00Z"}"#,
        ])
        let credentials = try await InstanceRoleCredentialProvider(metadata: good).resolve()
        #expect(credentials?.source == "instance role web-role")
        #expect(try await InstanceRoleCredentialProvider(metadata: FakeMetadata([:])).resolve() == nil)
        let failing = FakeMetadata(["iam/security-credentials/": "r", "iam/security-credentials/r": #"{"Code":"AssumeRoleUnauthorizedAccess","Message":"no"}"#])
        await #expect(throws: AWSKitError.self) { try await InstanceRoleCredentialProvider(metadata: failing).resolve() }
    }

    @Test func chainTakesTheFirstConfiguredSourceAndNamesAllWhenNone() async throws {
        let chain = CredentialProviderChain([
            StaticCredentialProvider(nil),
            StaticCredentialProvider(AWSCredentials(accessKeyId: "SECOND", secretAccessKey: "s", source: "b")),
            StaticCredentialProvider(AWSCredentials(accessKeyId: "THIRD", secretAccessKey: "s", source: "c")),
        ])
        #expect(try await chain.resolve()?.accessKeyId == "SECOND")
        do {
            _ = try await CredentialProviderChain([StaticCredentialProvider(nil)]).resolve()
            Issue.record("an empty chain must throw")
        } catch let error as AWSKitError {
            #expect(error.code == .noCredentials)
            #expect(error.message.contains("static test credentials: not configured"))
        }
    }

    @Test func descriptionsNeverShowSecrets() {
        let credentials = AWSCredentials(accessKeyId: "AKIAABCDEFGHIJKL", secretAccessKey: "SUPERSECRET", sessionToken: "TOKENVALUE", source: "env")
        #expect(!credentials.description.contains("SUPERSECRET"))
        #expect(!credentials.description.contains("TOKENVALUE"))
        #expect(credentials.description.contains("AKIA…IJKL"))
    }
}

/// Counts resolutions and hands out credentials expiring at a set time.
private final class CountingProvider: CredentialProvider, Sendable {
    private let state = Mutex<(count: Int, expiry: Double, fail: Bool)>((0, 0, false))
    private let delay: Duration

    init(expiry: Double, delay: Duration = .zero) {
        self.delay = delay
        state.withLock { $0.expiry = expiry }
    }

    var count: Int { state.withLock { $0.count } }
    func set(expiry: Double) { state.withLock { $0.expiry = expiry } }
    func set(failing: Bool) { state.withLock { $0.fail = failing } }
    var description: String { "counting" }

    func resolve() async throws -> AWSCredentials? {
        if delay > .zero { try await Task.sleep(for: delay) }
        let (count, expiry, fail) = state.withLock { state -> (Int, Double, Bool) in
            state.count += 1
            return (state.count, state.expiry, state.fail)
        }
        if fail { throw AWSKitError(.credentialsUnreachable, "down") }
        return AWSCredentials(
            accessKeyId: "KEY\(count)", secretAccessKey: "s", sessionToken: "t",
            expiration: UnixTime(seconds: expiry), source: "counting")
    }
}

@Suite struct RefreshingCredentialsTests {
    @Test func cachesUntilTheAdvisoryWindowThenRefreshes() async throws {
        let time = ManualTime(wall: UnixTime(seconds: 0))
        let provider = CountingProvider(expiry: 3600)
        let cache = RefreshingCredentials(provider: provider, time: time, logger: LogCapture().logger())
        #expect(try await cache.current().accessKeyId == "KEY1")
        time.advance(by: .seconds(2000))
        #expect(try await cache.current().accessKeyId == "KEY1")
        #expect(provider.count == 1)
        provider.set(expiry: 7200)
        time.advance(by: .seconds(800))  // 800 s left: inside the 15-minute advisory window
        #expect(try await cache.current().accessKeyId == "KEY2")
        #expect(provider.count == 2)
    }

    @Test func keepsValidCredentialsWhenAnAdvisoryRefreshFails() async throws {
        let time = ManualTime(wall: UnixTime(seconds: 0))
        let provider = CountingProvider(expiry: 3600)
        let logs = LogCapture()
        let cache = RefreshingCredentials(provider: provider, time: time, logger: logs.logger())
        _ = try await cache.current()
        provider.set(failing: true)
        time.advance(by: .seconds(2800))  // 800 s left
        #expect(try await cache.current().accessKeyId == "KEY1")
        #expect(logs.messages.contains { $0.hasPrefix("warning:") && $0.contains("could not refresh") })
        time.advance(by: .seconds(300))  // 500 s left: inside the 10-minute mandatory window
        await #expect(throws: AWSKitError.self) { try await cache.current() }
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let provider = CountingProvider(expiry: 1e12, delay: .milliseconds(50))
        let cache = RefreshingCredentials(provider: provider, time: ManualTime(), logger: LogCapture().logger())
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.current().accessKeyId } }
            for try await key in group { #expect(key == "KEY1") }
        }
        #expect(provider.count == 1)
    }

    @Test func invalidateForcesANewResolution() async throws {
        let provider = CountingProvider(expiry: 1e12)
        let cache = RefreshingCredentials(provider: provider, time: ManualTime(), logger: LogCapture().logger())
        _ = try await cache.current()
        await cache.invalidate()
        #expect(try await cache.current().accessKeyId == "KEY2")
    }
}
