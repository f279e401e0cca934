import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

private let me = "i-0123456789abcdef0"
private let now = 1_795_000_000

@Suite struct MemberMarkTests {
    @Test func roundTripsThroughItsTXTValue() {
        let mark = MemberMark(
            instanceId: "i-0abc", address: "10.0.0.5", availabilityZone: "us-east-1a", joinedAt: now,
            heartbeatAt: now + 60, role: .server, group: "consul")
        #expect(mark.txtValue == "\"r53hook-member v=1 instance=i-0abc address=10.0.0.5 az=us-east-1a joined=1795000000 heartbeat=1795000060 role=server group=consul\"")
        #expect(MemberMark(txtValue: mark.txtValue) == mark)
        #expect(mark.lastSeenAt == now + 60)
        let plain = MemberMark(instanceId: "i-0abc", address: "2001:db8::1", availabilityZone: "-", joinedAt: now)
        #expect(MemberMark(txtValue: plain.txtValue) == plain)
        #expect(plain.lastSeenAt == now)
    }

    @Test func otherTXTValuesAreNotMarks() {
        #expect(MemberMark(txtValue: "\"v=spf1 -all\"") == nil)
        #expect(MemberMark(txtValue: "\"r53hook-lock owner=i-1 token=t lease=30 seq=0\"") == nil)
        #expect(MemberMark(txtValue: "\"r53hook-member v=1 address=10.0.0.5 joined=1\"") == nil)  // no instance
        #expect(MemberMark(txtValue: "\"r53hook-member v=1 instance=i-1 address=10.0.0.5 joined=soon\"") == nil)
        // An unknown role makes the whole mark foreign rather than trusted (see MemberMarkValidationTests).
        #expect(MemberMark(txtValue: "\"r53hook-member v=1 instance=i-1 address=10.0.0.5 joined=1795000000 role=king\"") == nil)
    }

    @Test func theLongestMarkFitsOneTXTString() {
        let mark = MemberMark(
            instanceId: "i-0123456789abcdef0", address: "2001:0db8:0000:0000:0000:ff00:0042:8329",
            availabilityZone: "ap-southeast-2-akl-1a", joinedAt: 9_999_999_999, heartbeatAt: 9_999_999_999,
            role: .bootstrap, group: String(repeating: "g", count: 63))
        #expect(mark.txtValue.utf8.count - 2 <= 255)
        #expect(MemberMark.problem(withGroup: "consul_1-a") == nil)
        #expect(MemberMark.problem(withGroup: "a.b") != nil)
        #expect(MemberMark.problem(withGroup: String(repeating: "g", count: 64)) != nil)
    }

    @Test func registryNamesFollowTheRecord() {
        #expect(MemberRegistry.registryName(recordName: "App.Example.com", recordType: "A") == "_r53hook-a.app.example.com.")
        #expect(MemberRegistry.registryName(recordName: "app.example.com.", recordType: "AAAA") == "_r53hook-aaaa.app.example.com.")
    }
}

@Suite struct RegistryOwnershipTests {
    @Test func startRefusesAnUnmarkedRecordAndAdoptTakesItOver() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        let unmarked = DomainHarness.record(me, "198.51.100.1", weight: 3)
        harness.fake.insert(unmarked, in: "ZPUBLIC")
        await #expect(throws: DomainError.self) { try await harness.join.run(DomainHarness.join()) }
        #expect(harness.fake.records(in: "ZPUBLIC") == [unmarked])
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))

        _ = try await harness.join.run(DomainHarness.join { $0.adoptsUnmarkedRecord = true })
        #expect(harness.addressRecords() == [DomainHarness.record(me, "203.0.113.7")])
        #expect(harness.fake.records(in: "ZPUBLIC").filter { $0.type == "TXT" }.count == 1)
    }

    @Test func startRefusesAForeignTXTWhereItsMarkWouldGo() async throws {
        let harness = try DomainHarness()
        let foreign = FakeRoute53.Record(
            name: "_r53hook-a.app.example.com.", type: "TXT", setIdentifier: me, weight: 0, ttl: 60,
            values: ["\"hello\""])
        harness.fake.insert(foreign, in: "ZPUBLIC")
        do {
            _ = try await harness.join.run(DomainHarness.join())
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.code == .foreignRecord)
            #expect(error.message.contains("not an r53hook registry mark"))
        }
        #expect(harness.fake.records(in: "ZPUBLIC") == [foreign])
    }

    @Test func startKeepsTheRoleAndHeartbeatsOfAnEarlierMark() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.fake.insert(DomainHarness.record(me, "198.51.100.1"), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.mark(me, "198.51.100.1", heartbeat: now - 500, role: .server, group: "consul"), in: "ZPUBLIC")
        _ = try await harness.join.run(DomainHarness.join())
        let mark = try #require(harness.fake.records(in: "ZPUBLIC").first { $0.type == "TXT" }.flatMap { MemberMark(txtValue: $0.values[0]) })
        #expect(mark.role == .server && mark.group == "consul")
        #expect(mark.heartbeatAt == now && mark.joinedAt == now)
        #expect(mark.address == "203.0.113.7")
    }

    @Test func stopRefusesAnUnmarkedRecord() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(DomainHarness.record(me, "203.0.113.7"), in: "ZPUBLIC")
        do {
            _ = try await harness.leave.run(DomainHarness.leave())
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.code == .foreignRecord)
            #expect(error.message.contains("has no r53hook registry mark"))
        }
        #expect(harness.fake.records(in: "ZPUBLIC").count == 1)
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func stopRemovesAMarkLeftWithoutItsRecordWithoutDraining() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.fake.insert(DomainHarness.mark(me, "203.0.113.7"), in: "ZPUBLIC")
        #expect(try await harness.leave.run(DomainHarness.leave()) == .notFound)
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
        #expect(harness.time.sleeps.isEmpty)
    }
}

@Suite struct MemberHeartbeatTests {
    private func heartbeat(_ harness: DomainHarness) -> MemberHeartbeat {
        MemberHeartbeat(route53: harness.route53, identity: harness.identity, time: harness.time, logger: harness.logs.logger())
    }

    @Test func rewritesTheMarkWithTheTimeInOneExactBatch() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7"))
        let mark = try await heartbeat(harness).run(DomainHarness.target())
        #expect(mark.heartbeatAt == now)
        #expect(harness.fake.operations == ["ListHostedZonesByName", "ListResourceRecordSets", "ChangeResourceRecordSets"])
        let stored = try #require(harness.fake.records(in: "ZPUBLIC").first { $0.type == "TXT" })
        #expect(MemberMark(txtValue: stored.values[0]) == mark)
    }

    @Test func withAMemoTheNextBeatIsOneRequestAndAStaleMemoFallsBackToReading() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7"))
        let memo = MemoryMemo()
        let beat = MemberHeartbeat(
            route53: harness.route53, identity: harness.identity, memo: memo, time: harness.time,
            logger: harness.logs.logger())
        _ = try await beat.run(DomainHarness.target())
        #expect(harness.fake.operations.count == 3)
        harness.time.advance(by: .seconds(60))
        let second = try await beat.run(DomainHarness.target())
        #expect(Array(harness.fake.operations.dropFirst(3)) == ["ChangeResourceRecordSets"])
        #expect(second.heartbeatAt == now + 60)

        // Someone else rewrote the mark (role, start): the exact DELETE fails and it reads.
        harness.fake.remove(in: "ZPUBLIC") { $0.type == "TXT" }
        harness.fake.insert(DomainHarness.mark(me, "203.0.113.7", heartbeat: now, role: .agent, group: "g"), in: "ZPUBLIC")
        let third = try await beat.run(DomainHarness.target())
        #expect(third.role == .agent)
        #expect(
            Array(harness.fake.operations.dropFirst(4)) == [
                "ChangeResourceRecordSets", "ListHostedZonesByName",
                "ListResourceRecordSets", "ChangeResourceRecordSets",
            ])

        // After stop the memo cannot bring the mark back.
        harness.fake.remove(in: "ZPUBLIC") { _ in true }
        await #expect(throws: DomainError.self) { try await beat.run(DomainHarness.target()) }
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }

    @Test func neverCreatesAMarkForAMemberThatIsGone() async throws {
        let harness = try DomainHarness()
        do {
            _ = try await heartbeat(harness).run(DomainHarness.target())
            Issue.record("expected not registered")
        } catch let error as DomainError {
            #expect(error.code == .notRegistered)
            #expect(error.message.contains("is not registered") && error.message.contains("r53hook start"))
        }
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }
}

@Suite struct RoleElectionTests {
    private func member(_ id: String, role: MemberRole? = nil, group: String? = "consul", heartbeat: Int? = nil) -> RegistryMember {
        let mark = MemberMark(
            instanceId: id, address: "10.0.0.\(id.count)\(id.last ?? "0")", availabilityZone: "us-east-1a",
            joinedAt: now - 600, heartbeatAt: heartbeat, role: role, group: role == nil ? nil : group)
        let record = ResourceRecordSet(
            name: "_r53hook-a.app.example.com.", type: "TXT", setIdentifier: id, weight: 0, ttl: 60,
            values: [mark.txtValue])
        return RegistryMember(setIdentifier: id, markRecord: record, mark: mark, addressRecord: nil)
    }

    private func decide(_ id: String, _ members: [RegistryMember], servers: Int = 3) -> RoleElection.Decision {
        RoleElection.decide(for: id, members: members, group: "consul", servers: servers, now: now, expiry: 120)
    }

    @Test func bootstrapThenServersThenAgents() {
        #expect(decide("i-1", [member("i-1")]) == .init(role: .bootstrap, join: []))
        let one = [member("i-1", role: .bootstrap), member("i-2")]
        #expect(decide("i-2", one).role == .server)
        #expect(decide("i-2", one).join == [one[0].mark.address])
        let three = [member("i-1", role: .bootstrap), member("i-2", role: .server), member("i-3", role: .server), member("i-4")]
        #expect(decide("i-4", three).role == .agent)
        #expect(decide("i-4", three).join.count == 3)
    }

    @Test func aServerStaysAServerAndOtherGroupsDoNotCount() {
        let full = [member("i-1", role: .bootstrap), member("i-2", role: .server), member("i-3", role: .server)]
        #expect(decide("i-3", full, servers: 2).role == .server)
        let elsewhere = [member("i-1", role: .server, group: "nomad"), member("i-2")]
        #expect(decide("i-2", elsewhere).role == .bootstrap)
    }

    @Test func expiredServersDoNotCountButSilentOnesDo() {
        let stale = [member("i-1", role: .bootstrap, heartbeat: now - 121), member("i-2")]
        #expect(decide("i-2", stale) == .init(role: .bootstrap, join: []))
        let fresh = [member("i-1", role: .bootstrap, heartbeat: now - 120), member("i-2")]
        #expect(decide("i-2", fresh).role == .server)
        let silent = [member("i-1", role: .bootstrap), member("i-2")]
        #expect(decide("i-2", silent).role == .server)
    }

    @Test func runRecordsTheChoiceUnderTheLockAndReleasesIt() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7"))
        harness.fake.insert(DomainHarness.record("i-b", "203.0.113.8"), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.mark("i-b", "203.0.113.8", role: .bootstrap, group: "consul"), in: "ZPUBLIC")
        let decision = try await RoleElection(
            route53: harness.route53, identity: harness.identity, time: harness.time,
            logger: harness.logs.logger()
        )
        .run(DomainHarness.target(), group: "consul", servers: 3, expiry: 120, waiting: .noWait)
        #expect(decision == .init(role: .server, join: ["203.0.113.8"]))
        let marks = harness.fake.records(in: "ZPUBLIC").filter { $0.name.hasPrefix("_r53hook-a.") }
        let mine = try #require(marks.first { $0.setIdentifier == me }.flatMap { MemberMark(txtValue: $0.values[0]) })
        #expect(mine.role == .server && mine.group == "consul")
        // The lock record is gone again.
        #expect(!harness.fake.records(in: "ZPUBLIC").contains { $0.name.contains("_r53hook-lock") })
    }

    @Test func runRefusesAnUnregisteredInstance() async throws {
        let harness = try DomainHarness()
        await #expect(throws: DomainError.self) {
            try await RoleElection(
                route53: harness.route53, identity: harness.identity, time: harness.time,
                logger: harness.logs.logger()
            )
            .run(DomainHarness.target(), group: "consul", servers: 3, expiry: 120, waiting: .noWait)
        }
        #expect(!harness.fake.records(in: "ZPUBLIC").contains { $0.name.hasPrefix("_r53hook-a.") })
    }
}

@Suite struct RegistrySweepTests {
    private func sweep(_ harness: DomainHarness, _ instances: FakeInstances) -> RegistrySweep {
        RegistrySweep(
            route53: harness.route53, instances: instances, identity: harness.identity, time: harness.time,
            logger: harness.logs.logger())
    }

    /// Members i-a..i-d (plus this instance), all running unless told.
    private func fleet(_ harness: DomainHarness, old: Bool = true) {
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7"))
        for (index, id) in ["i-a", "i-b", "i-c", "i-d"].enumerated() {
            let address = "198.51.100.\(index + 1)"
            harness.fake.insert(DomainHarness.record(id, address), in: "ZPUBLIC")
            harness.fake.insert(DomainHarness.mark(id, address, joined: old ? now - 3600 : now - 10), in: "ZPUBLIC")
        }
    }

    @Test func sweepsATerminatedInstancesPairAndNothingElse() async throws {
        let harness = try DomainHarness()
        fleet(harness)
        let unmarked = DomainHarness.record("i-hand", "192.0.2.1")
        harness.fake.insert(unmarked, in: "ZPUBLIC")
        let before = harness.fake.records(in: "ZPUBLIC")
        let instances = FakeInstances([
            me: "running", "i-a": "terminated", "i-b": "running", "i-c": "stopped", "i-d": "running",
            "i-hand": "terminated",
        ])
        let report = try await sweep(harness, instances).run(DomainHarness.target(), limits: .init(), dryRun: false, waiting: .noWait)
        #expect(report.deleted == ["i-a"])
        #expect(report.refusal == nil)
        #expect(report.memberCount == 5)
        let after = harness.fake.records(in: "ZPUBLIC").filter { !$0.name.contains("_r53hook-lock") }
        #expect(after == before.filter { $0.setIdentifier != "i-a" })
        #expect(after.contains(unmarked))
        // One DescribeInstances question for the four others; never about itself or i-hand.
        #expect(instances.lookups == [["i-a", "i-b", "i-c", "i-d"]])
    }

    @Test func goneOnlyAfterTheGraceAndHeartbeatsByTheirAge() async throws {
        let harness = try DomainHarness()
        fleet(harness, old: false)
        // i-b beats, but not lately; i-c beats and is fresh.
        harness.fake.remove(in: "ZPUBLIC") { $0.type == "TXT" && ($0.setIdentifier == "i-b" || $0.setIdentifier == "i-c") }
        harness.fake.insert(DomainHarness.mark("i-b", "198.51.100.2", joined: now - 10, heartbeat: now - 500), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.mark("i-c", "198.51.100.3", joined: now - 10, heartbeat: now - 30), in: "ZPUBLIC")
        // EC2 does not know i-a yet (eventual consistency right after launch): not gone.
        let instances = FakeInstances([me: "running", "i-b": "running", "i-c": "running", "i-d": "running"])
        let report = try await sweep(harness, instances).run(DomainHarness.target(), limits: .init(expiry: 120), dryRun: false, waiting: .noWait)
        #expect(report.dead.map(\.member.setIdentifier) == ["i-b"])
        #expect(report.dead.first?.reason.contains("more than the 120 s expiry") == true)
        #expect(report.deleted == ["i-b"])

        let later = try DomainHarness()
        fleet(later, old: true)
        let goneReport = try await sweep(later, FakeInstances([me: "running", "i-b": "running", "i-c": "running", "i-d": "running"]))
            .run(DomainHarness.target(), limits: .init(), dryRun: false, waiting: .noWait)
        #expect(goneReport.deleted == ["i-a"])
        #expect(goneReport.dead.first?.reason.contains("no longer knows") == true)
    }

    @Test func selfPreservationRefusesAMassSweepUnlessForced() async throws {
        let harness = try DomainHarness()
        fleet(harness)
        let before = harness.fake.records(in: "ZPUBLIC")
        let dying = FakeInstances([me: "running", "i-a": "terminated", "i-b": "terminated", "i-c": "terminated", "i-d": "running"])
        let refused = try await sweep(harness, dying).run(DomainHarness.target(), limits: .init(), dryRun: false, waiting: .noWait)
        #expect(refused.dead.count == 3)
        #expect(refused.deleted.isEmpty)
        #expect(refused.refusal?.message.contains("3 of 5 members (60%)") == true)
        #expect(refused.refusal?.code == .sweepRefused)
        #expect(refused.refusal?.remedies.contains(.use(.forceSweep, purpose: "to sweep anyway")) == true)
        #expect(harness.fake.records(in: "ZPUBLIC").filter { !$0.name.contains("_r53hook-lock") } == before)

        let forced = try await sweep(harness, dying).run(DomainHarness.target(), limits: .init(force: true), dryRun: false, waiting: .noWait)
        #expect(forced.deleted == ["i-a", "i-b", "i-c"])
    }

    @Test func dryRunDeletesNothingAndTakesNoLock() async throws {
        let harness = try DomainHarness()
        fleet(harness)
        let before = harness.fake.records(in: "ZPUBLIC")
        let report = try await sweep(
            harness,
            FakeInstances([
                me: "running", "i-a": "terminated", "i-b": "running", "i-c": "running",
                "i-d": "running",
            ])
        )
        .run(DomainHarness.target(), limits: .init(), dryRun: true, waiting: .noWait)
        #expect(report.dead.map(\.member.setIdentifier) == ["i-a"])
        #expect(report.deleted.isEmpty)
        #expect(harness.fake.records(in: "ZPUBLIC") == before)
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func aPairChangedByHandIsLeftAloneAndItselfIsNeverSwept() async throws {
        let harness = try DomainHarness()
        // This instance's own heartbeat is long expired: it still never sweeps itself.
        harness.fake.insert(DomainHarness.record(me, "203.0.113.7"), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.mark(me, "203.0.113.7", heartbeat: now - 9999), in: "ZPUBLIC")
        // i-a's address record no longer matches its mark.
        harness.fake.insert(DomainHarness.record("i-a", "192.0.2.99"), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.mark("i-a", "198.51.100.1", joined: now - 3600), in: "ZPUBLIC")
        for id in ["i-b", "i-c", "i-d"] { harness.insertOwned(DomainHarness.record(id, "198.51.100.9")) }
        let before = harness.fake.records(in: "ZPUBLIC")
        let report = try await sweep(
            harness,
            FakeInstances([
                me: "running", "i-a": "terminated", "i-b": "running",
                "i-c": "running", "i-d": "running",
            ])
        )
        .run(DomainHarness.target(), limits: .init(), dryRun: false, waiting: .noWait)
        #expect(report.dead.map(\.member.setIdentifier) == ["i-a"])
        #expect(report.deleted.isEmpty)
        #expect(report.skipped.map(\.setIdentifier) == ["i-a"])
        #expect(harness.fake.records(in: "ZPUBLIC").filter { !$0.name.contains("_r53hook-lock") } == before)
    }

    @Test func membersOfOtherRegionsAreJudgedOnlyByHeartbeat() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7"))
        harness.fake.insert(DomainHarness.record("i-west", "198.51.100.1"), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.mark("i-west", "198.51.100.1", joined: now - 3600, zone: "us-west-2b"), in: "ZPUBLIC")
        let instances = FakeInstances([me: "running"])
        let report = try await sweep(harness, instances).run(DomainHarness.target(), limits: .init(force: true), dryRun: false, waiting: .noWait)
        #expect(report.dead.isEmpty)
        #expect(instances.lookups.isEmpty)
    }
}

@Suite struct EC2ClientTests {
    private static let answer = """
        <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
          <requestId>r-1</requestId>
          <reservationSet>
            <item><reservationId>r-a</reservationId><instancesSet>
              <item><instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState></item>
              <item><instanceId>i-2</instanceId><instanceState><code>48</code><name>terminated</name></instanceState></item>
            </instancesSet></item>
          </reservationSet>
        </DescribeInstancesResponse>
        """

    @Test func asksByFilterInBatchesAndReadsTheStates() async throws {
        let http = ScriptedHTTPClient { _, _ in .status(200, Self.answer) }
        let client = try DomainHarness.ec2Client(http: http)
        let ids = (1...150).map { "i-\($0)" }
        let states = try await client.states(of: ids + ["i-1"])
        #expect(states == ["i-1": "running", "i-2": "terminated"])
        #expect(http.requests.count == 2)
        #expect(http.requests.allSatisfy { $0.url == "https://ec2.eu-west-1.amazonaws.com/" })
        let first = String(decoding: http.requests[0].body, as: UTF8.self)
        #expect(first.hasPrefix("Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-id&Filter.1.Value.1="))
        #expect(first.contains("Filter.1.Value.100=") && !first.contains("Filter.1.Value.101="))
        #expect(!first.contains("InstanceId."))
        let header = http.requests[0].headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        #expect(header.contains("/eu-west-1/ec2/aws4_request"))
    }
}

@Suite struct JoinFleetOwnershipTests {
    @Test func anUnmarkedRecordIsRefusedBeforeTheLoadBalancerIsJoined() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(DomainHarness.record(me, "203.0.113.7"), in: "ZPUBLIC")
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(1))
        var settings = DomainHarness.join()
        settings.loadBalancer = .classic(name: "web")
        await #expect(throws: DomainError.self) { try await JoinFleet(context: harness.fleet(balancer)).run(settings) }
        #expect(balancer.events.isEmpty)
    }
}
