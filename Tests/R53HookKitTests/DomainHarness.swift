import AWSKit
import R53HookKit
import TestSupport

/// The domain wired to the in-memory Route 53 and a virtual clock.
struct DomainHarness {
    let time = ManualTime()
    let logs = LogCapture()
    let fake: FakeRoute53
    let route53: Route53Client
    let waiter: ChangeWaiter
    let identity: InstanceIdentity

    static let publicZone = FakeRoute53.Zone(id: "ZPUBLIC", name: "example.com.")
    static let privateZone = FakeRoute53.Zone(id: "ZPRIVATE", name: "example.com.", isPrivate: true)
    static let metadata = [
        "instance-id": "i-0123456789abcdef0", "public-ipv4": "203.0.113.7", "local-ipv4": "10.0.0.7",
        "ipv6": "2001:db8::7",
    ]

    init(
        zones: [FakeRoute53.Zone] = [publicZone], pollsUntilInSync: Int = 3, deadline: Duration = .seconds(300),
        metadata: [String: String] = metadata
    ) throws {
        fake = FakeRoute53(zones: zones, pollsUntilInSync: pollsUntilInSync)
        let logger = logs.logger()
        let credentials = RefreshingCredentials(
            provider: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s", source: "test")),
            time: time, logger: logger)
        let deadline = Deadline(budget: deadline, time: time)
        let aws = AWSClient(
            http: fake, credentials: credentials, time: time, retryPolicy: RetryPolicy(random: { 0.5 }),
            deadline: deadline, logger: logger)
        route53 = Route53Client(aws: aws, service: try AWSService.route53(environment: ProcessEnvironment([:])))
        waiter = ChangeWaiter(route53: route53, time: time, deadline: deadline, logger: logger)
        identity = InstanceIdentity(metadata: FakeMetadata(metadata))
    }

    var join: JoinRecordSet { JoinRecordSet(route53: route53, identity: identity, waiter: waiter, time: time, logger: logs.logger()) }

    var leave: LeaveRecordSet {
        LeaveRecordSet(
            route53: route53, identity: identity, waiter: waiter, drainTimer: DrainTimer(time: time, logger: logs.logger()),
            logger: logs.logger())
    }

    /// This instance's record of app.example.com, with its id as the set identifier.
    static func target() -> FleetTarget {
        FleetTarget(record: RecordSettings(zone: .name("example.com.", isPrivate: nil), recordName: "app.example.com"))
    }

    /// Joining that record, with no hold file.
    static func join(_ configure: (inout JoinSettings) -> Void = { _ in }) -> JoinSettings {
        var settings = JoinSettings(target: target(), holdFile: "/nonexistent/r53hook-test-hold")
        configure(&settings)
        return settings
    }

    /// Leaving that record.
    static func leave(_ configure: (inout LeaveSettings) -> Void = { _ in }) -> LeaveSettings {
        var settings = LeaveSettings(target: target())
        configure(&settings)
        return settings
    }

    static func record(_ id: String, _ value: String, weight: Int = 10, ttl: Int = 60) -> FakeRoute53.Record {
        FakeRoute53.Record(name: "app.example.com.", type: "A", setIdentifier: id, weight: weight, ttl: ttl, values: [value])
    }

    /// The registry mark r53hook writes beside a record of app.example.com.
    static func mark(
        _ id: String, _ address: String, instance: String? = nil, joined: Int = 1_700_000_000,
        heartbeat: Int? = nil, role: MemberRole? = nil, group: String? = nil, zone: String = "us-east-1a"
    ) -> FakeRoute53.Record {
        let mark = MemberMark(
            instanceId: instance ?? id, address: address, availabilityZone: zone, joinedAt: joined,
            heartbeatAt: heartbeat, role: role, group: group)
        return FakeRoute53.Record(
            name: "_r53hook-a.app.example.com.", type: "TXT", setIdentifier: id, weight: 0, ttl: 60,
            values: [mark.txtValue])
    }

    /// Inserts a record together with its mark, as `start` would have written them.
    func insertOwned(_ record: FakeRoute53.Record, in zoneId: String = "ZPUBLIC", heartbeat: Int? = nil) {
        fake.insert(record, in: zoneId)
        fake.insert(Self.mark(record.setIdentifier ?? "", record.values.first ?? "", heartbeat: heartbeat, zone: "-"), in: zoneId)
    }

    /// The zone's address records, without the registry marks.
    func addressRecords(in zoneId: String = "ZPUBLIC") -> [FakeRoute53.Record] {
        fake.records(in: zoneId).filter { $0.type != "TXT" }
    }

    /// An EC2 client in eu-west-1 that talks to a scripted transport, on a virtual clock.
    static func ec2Client(http: ScriptedHTTPClient) throws -> EC2Client {
        let time = ManualTime()
        let logs = LogCapture()
        let credentials = RefreshingCredentials(
            provider: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s", source: "test")),
            time: time, logger: logs.logger())
        let aws = AWSClient(
            http: http, credentials: credentials, time: time, deadline: Deadline(budget: .seconds(30), time: time),
            logger: logs.logger())
        return EC2Client(aws: aws, service: try AWSService.ec2(region: "eu-west-1", environment: ProcessEnvironment([:])))
    }
}
