import SigV4
import TestSupport
import Testing

@testable import AWSKit

/// Assume-role profiles: the keys as the AWS CLI reads them, the AssumeRole call (endpoint,
/// parameters, the source's signature), chains and their loop guard, and refresh before expiry.
@Suite struct AssumeRoleProfileTests {
    static let roleARN = "arn:aws:iam::111122223333:role/dns"

    @Test func readsEveryAssumeRoleKey() throws {
        let settings = try AssumeRoleSettings(
            profile: "dns",
            keys: [
                "role_arn": Self.roleARN, "source_profile": "base", "external_id": "ext-42", "role_session_name": "web-1",
                "duration_seconds": "900",
            ], defaultSessionName: "r53hook-1")
        #expect(settings.roleARN == Self.roleARN)
        #expect(settings.source == .profile("base"))
        #expect(settings.externalId == "ext-42")
        #expect(settings.sessionName == "web-1")
        #expect(settings.durationSeconds == 900)
        let minimal = try AssumeRoleSettings(
            profile: "p", keys: ["role_arn": Self.roleARN, "credential_source": "Ec2InstanceMetadata"], defaultSessionName: "r53hook-1")
        #expect(minimal.source == .instanceMetadata)
        #expect(minimal.sessionName == "r53hook-1")
        #expect(minimal.durationSeconds == nil && minimal.externalId == nil)
        #expect(try AssumeRoleSettings(profile: "p", keys: ["role_arn": Self.roleARN, "credential_source": "Environment"], defaultSessionName: "x1").source == .environment)
        #expect(try AssumeRoleSettings(profile: "p", keys: ["role_arn": Self.roleARN, "credential_source": "EcsContainer"], defaultSessionName: "x1").source == .container)
    }

    @Test(arguments: [
        (["role_arn": "arn:aws:iam::111122223333:role/dns"], "neither source_profile nor credential_source"),
        (["role_arn": "arn:aws:iam::111122223333:role/dns", "source_profile": "a", "credential_source": "Environment"], "both"),
        (["role_arn": "arn:aws:iam::111122223333:role/dns", "credential_source": "Ec2Metadata"], "not one of"),
        (["role_arn": "dns", "source_profile": "a"], "not a role ARN"),
        (["role_arn": "arn:aws:iam::111122223333:role/dns", "source_profile": "a", "duration_seconds": "60"], "duration_seconds"),
        (["role_arn": "arn:aws:iam::111122223333:role/dns", "source_profile": "a", "duration_seconds": "1h"], "duration_seconds"),
        (["role_arn": "arn:aws:iam::111122223333:role/dns", "source_profile": "a", "role_session_name": "has space"], "role_session_name"),
        (["role_arn": "arn:aws:iam::111122223333:role/dns", "source_profile": "a", "external_id": "x"], "external_id"),
    ])
    func refusesWrongKeysNamingThem(_ keys: [String: String], _ words: String) {
        do {
            _ = try AssumeRoleSettings(profile: "p", keys: keys, defaultSessionName: "r53hook-1")
            Issue.record("\(keys) must be refused")
        } catch {
            #expect(error.code == .invalidCredentialSource)
            #expect(error.message.contains(words), "\(error.message)")
        }
    }

    @Test func assumesTheRoleWithTheSourceProfilesKeysAtTheRegionalEndpoint() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient(sequence: [Self.assumed("ASIAROLE", expires: time.wallClock.adding(seconds: 3600))])
        let provider = Self.provider(
            config: """
                [profile dns]
                role_arn = \(Self.roleARN)
                source_profile = base
                external_id = ext-42
                role_session_name = web-1
                duration_seconds = 1800
                region = eu-west-1
                """,
            credentials: "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n", http: http, time: time)
        let credentials = try #require(try await provider.resolve())
        #expect(credentials.accessKeyId == "ASIAROLE")
        #expect(credentials.sessionToken == "token-ASIAROLE")
        #expect(credentials.expiration == time.wallClock.adding(seconds: 3600))
        #expect(credentials.source == "role \(Self.roleARN) (profile dns)")
        let request = try #require(http.requests.first)
        #expect(http.requests.count == 1)
        #expect(request.url == "https://sts.eu-west-1.amazonaws.com/")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(
            body
                == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdns&RoleSessionName=web-1&DurationSeconds=1800&ExternalId=ext-42"
        )
        let authorization = request.headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIABASE/"))
        #expect(authorization.contains("/eu-west-1/sts/aws4_request"))
    }

    @Test func theSTSEndpointOverrideAndTheEnvironmentSourceAreHonoured() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient(sequence: [Self.assumed("ASIAENV", expires: time.wallClock.adding(seconds: 3600))])
        let provider = Self.provider(
            config: "[profile dns]\nrole_arn = \(Self.roleARN)\ncredential_source = Environment\n", http: http, time: time,
            environment: [
                "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4566", "AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": "AKIAENVIRON",
                "AWS_SECRET_ACCESS_KEY": "s",
            ])
        #expect(try await provider.resolve()?.accessKeyId == "ASIAENV")
        #expect(http.requests.first?.url == "http://127.0.0.1:4566/")
        let authorization = http.requests.first?.headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAENVIRON/"))
        #expect(authorization.contains("/us-west-2/sts/aws4_request"))
        let body = String(decoding: http.requests.first?.body ?? [], as: UTF8.self)
        #expect(body.contains("RoleSessionName=r53hook-"))
    }

    @Test func aChainOfRolesAssumesEachWithThePreviousCredentials() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient(sequence: [
            Self.assumed("ASIAHOP", expires: time.wallClock.adding(seconds: 3600)),
            Self.assumed("ASIADNS", expires: time.wallClock.adding(seconds: 3600)),
        ])
        let provider = Self.provider(
            config: """
                [profile dns]
                role_arn = \(Self.roleARN)
                source_profile = hop
                [profile hop]
                role_arn = arn:aws:iam::111122223333:role/hop
                source_profile = base
                """, credentials: "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n", http: http, time: time)
        #expect(try await provider.resolve()?.accessKeyId == "ASIADNS")
        #expect(http.requests.count == 2)
        let first = http.requests[0].headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        let second = http.requests[1].headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        // base's keys assume hop; hop's role credentials assume dns.
        #expect(String(decoding: http.requests[0].body, as: UTF8.self).contains("role%2Fhop"))
        #expect(first.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIABASE/"))
        #expect(String(decoding: http.requests[1].body, as: UTF8.self).contains("role%2Fdns"))
        #expect(second.hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAHOP/"))
        #expect(http.requests[1].headers.contains { $0.name.lowercased() == "x-amz-security-token" && $0.value == "token-ASIAHOP" })
    }

    @Test func aProfileMayNameItselfAsSourceWhenItHoldsStaticKeys() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient(sequence: [Self.assumed("ASIASELF", expires: time.wallClock.adding(seconds: 3600))])
        let provider = Self.provider(
            config: "[profile dns]\nrole_arn = \(Self.roleARN)\nsource_profile = dns\n",
            credentials: "[dns]\naws_access_key_id = AKIASELFKEY\naws_secret_access_key = s\n", http: http, time: time)
        #expect(try await provider.resolve()?.accessKeyId == "ASIASELF")
        let authorization = http.requests.first?.headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIASELFKEY/"))
    }

    @Test func aLoopOfSourceProfilesIsRefusedWithoutCallingSTS() async throws {
        let http = ScriptedHTTPClient(sequence: [.status(500)])
        let provider = Self.provider(
            config: """
                [profile a]
                role_arn = arn:aws:iam::111122223333:role/a
                source_profile = b
                [profile b]
                role_arn = arn:aws:iam::111122223333:role/b
                source_profile = a
                """, http: http, time: ManualTime(), profile: "a")
        do {
            _ = try await provider.resolve()
            Issue.record("a loop must be refused")
        } catch let error as AWSKitError {
            #expect(error.code == .invalidCredentialSource)
            #expect(error.message.contains("a -> b -> a"), "\(error.message)")
        }
        #expect(http.requests.isEmpty)
    }

    @Test func withoutServicesARoleProfileIsRefusedAsBefore() async throws {
        let provider = SharedFileCredentialProvider(
            environment: ProcessEnvironment(["AWS_CONFIG_FILE": "/c", "AWS_PROFILE": "dns"]),
            files: FakeFiles(["/c": "[profile dns]\nrole_arn = \(Self.roleARN)\nsource_profile = x\n"]))
        await #expect(throws: AWSKitError.self) { try await provider.resolve() }
    }

    @Test func theRolesCredentialsAreRefreshedBeforeTheyExpire() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient { _, index in Self.assumed("ASIA\(index)", expires: time.wallClock.adding(seconds: 3600)) }
        let provider = Self.provider(
            config: "[profile dns]\nrole_arn = \(Self.roleARN)\nsource_profile = base\n",
            credentials: "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n", http: http, time: time)
        let cache = RefreshingCredentials(provider: provider, time: time, logger: LogCapture().logger())
        #expect(try await cache.current().accessKeyId == "ASIA0")
        time.advance(by: .seconds(44 * 60))
        #expect(try await cache.current().accessKeyId == "ASIA0")
        #expect(http.requests.count == 1)
        // 16 → 14 minutes before expiry: inside the SDKs' 15-minute advisory window, a new AssumeRole.
        time.advance(by: .seconds(2 * 60))
        #expect(try await cache.current().accessKeyId == "ASIA1")
        #expect(http.requests.count == 2)
    }

    // MARK: - helpers

    static func assumed(_ keyId: String, expires: UnixTime) -> ScriptedHTTPClient.Answer {
        .status(
            200,
            """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
            <Credentials><AccessKeyId>\(keyId)</AccessKeyId><SecretAccessKey>secret-\(keyId)</SecretAccessKey>
            <SessionToken>token-\(keyId)</SessionToken><Expiration>\(expires.iso8601)</Expiration></Credentials>
            <AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/dns/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
            </AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>
            """)
    }

    static func provider(
        config: String, credentials: String = "", http: ScriptedHTTPClient, time: ManualTime, profile: String = "dns",
        environment: [String: String] = [:]
    ) -> SharedFileCredentialProvider {
        let files = FakeFiles(["/config": config, "/credentials": credentials])
        var values = ["AWS_CONFIG_FILE": "/config", "AWS_SHARED_CREDENTIALS_FILE": "/credentials", "AWS_PROFILE": profile]
        values.merge(environment) { _, new in new }
        let services = ProfileCredentialServices(
            http: http, time: time, metadata: FakeMetadata([:]), logger: LogCapture().logger(),
            deadline: Deadline(budget: .seconds(60), time: time), clockSkew: ClockSkewCorrection(), files: files)
        return SharedFileCredentialProvider(environment: ProcessEnvironment(values), files: files, services: services)
    }
}
