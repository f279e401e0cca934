import TestSupport
import Testing

@testable import AWSKit

/// Where signed requests, session tokens and the region may send r53hook: plain http only to
/// this machine, and a region only when it has the shape of a region name.
@Suite struct EndpointTrustTests {
    @Test(arguments: [
        "http://127.0.0.1:4566", "http://127.1.2.3", "http://[::1]:8080/base", "http://localhost:4566",
        "http://LOCALHOST", "https://route53.example.com", "https://10.0.0.5",
    ])
    func serviceEndpointsAllowHTTPSAnywhereAndHTTPOnlyToThisMachine(_ url: String) throws {
        let service = try AWSService.route53(environment: ProcessEnvironment(["AWS_ENDPOINT_URL_ROUTE_53": url]))
        #expect(service.endpoint == (try Endpoint(parsing: url)))
    }

    @Test(arguments: [
        "http://route53.example.com", "http://127.attacker.invalid:4566", "http://10.0.0.5",
        "http://[fd00::1]", "http://localhost.attacker.invalid", "http://0177.0.0.1",
    ])
    func serviceEndpointsRefusePlainHTTPToOtherHosts(_ url: String) {
        for variable in ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ROUTE_53"] {
            #expect {
                try AWSService.route53(environment: ProcessEnvironment([variable: url]))
            } throws: { error in
                guard let error = error as? AWSKitError else { return false }
                return error.code == .invalidEndpoint && error.message.hasPrefix("\(variable) is ") && error.message.contains("https://")
            }
        }
        #expect(throws: AWSKitError.self) { try AWSService.ec2(region: "eu-west-1", environment: ProcessEnvironment(["AWS_ENDPOINT_URL_EC2": url])) }
        #expect(throws: AWSKitError.self) {
            try AWSService.loadBalancingV2(region: "eu-west-1", environment: ProcessEnvironment(["AWS_ENDPOINT_URL": url]))
        }
    }

    @Test(arguments: ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-northwest-1", "ap-southeast-7", "eusc-de-east-1", "us-isob-east-1"])
    func regionNamesOfEveryPartitionAreAccepted(_ region: String) async throws {
        let resolver = RegionResolver(environment: ProcessEnvironment(["AWS_REGION": region]), metadata: FakeMetadata([:]), files: FakeFiles([:]))
        #expect(try await resolver.region() == region)
    }

    @Test(arguments: [
        "x.evil.example/", "us-east-1.evil.example", "us-east-1/", "US-EAST-1", "us_east_1", "useast1", "us-east",
        "us-east-1 ", "-us-east-1", "us--east-1", "us-east-123", "us-east-1\nHost: evil", String(repeating: "a-", count: 20) + "1",
    ])
    func malformedRegionsAreRefusedFromEverySource(_ region: String) async {
        var sources: [(ProcessEnvironment, FakeMetadata, FakeFiles)] = [
            (ProcessEnvironment(["AWS_REGION": region]), FakeMetadata([:]), FakeFiles([:])),
            (ProcessEnvironment(["AWS_DEFAULT_REGION": region]), FakeMetadata([:]), FakeFiles([:])),
        ]
        // The config file and IMDS trim white space and end at a line break, rightly: give them
        // only values that reach the check unchanged.
        if region.trimmingWhitespace == region && !region.contains("\n") {
            sources.append((ProcessEnvironment(["HOME": "/h"]), FakeMetadata([:]), FakeFiles(["/h/.aws/config": "[default]\nregion = \(region)\n"])))
            sources.append((ProcessEnvironment(["HOME": "/h"]), FakeMetadata(["placement/region": region]), FakeFiles([:])))
        }
        for (environment, metadata, files) in sources {
            let resolver = RegionResolver(environment: environment, metadata: metadata, files: files)
            await #expect {
                try await resolver.region()
            } throws: { error in
                (error as? AWSKitError)?.code == .invalidRegion && (error as? AWSKitError)?.message.contains("not an AWS region name") == true
            }
        }
    }

    @Test func withoutHOMETheAccountsHomeDirectoryHoldsTheSharedFiles() async throws {
        let files = FakeFiles([
            "/var/lib/svc/.aws/credentials": "[default]\naws_access_key_id=AKIAHOME\naws_secret_access_key=s\n",
            "/var/lib/svc/.aws/config": "[default]\nregion = eu-north-1\n",
            "/.aws/credentials": "[default]\naws_access_key_id=AKIAROOTFS\naws_secret_access_key=s\n",
        ])
        let environment = ProcessEnvironment([:], accountHome: "/var/lib/svc")
        #expect(environment.homeDirectory == "/var/lib/svc")
        #expect(ProcessEnvironment(["HOME": "/home/u"], accountHome: "/var/lib/svc").homeDirectory == "/home/u")
        let credentials = try await SharedFileCredentialProvider(environment: environment, files: files).resolve()
        #expect(credentials?.accessKeyId == "AKIAHOME")
        #expect(try await RegionResolver(environment: environment, metadata: FakeMetadata([:]), files: files).region() == "eu-north-1")
        // With no home at all nothing is read from the root of the file system.
        let homeless = ProcessEnvironment([:], accountHome: nil)
        #expect(homeless.homeDirectory == nil)
        #expect(try await SharedFileCredentialProvider(environment: homeless, files: files).resolve() == nil)
    }

    @Test func theProcessEnvironmentKnowsTheAccountsHome() {
        // The test runs as some account with a password database entry (root in CI).
        #expect(ProcessEnvironment.current().accountHome?.hasPrefix("/") == true)
    }
}
