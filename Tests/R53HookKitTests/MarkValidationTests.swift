import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

private let me = "i-0123456789abcdef0"
private let now = 1_795_000_000

/// A valid mark's TXT value with words replaced or added (`key=nil` removes one).
private func markText(_ changes: [(String, String?)] = [], extra: [String] = []) -> String {
    var fields: [(String, String?)] = [
        ("v", "1"), ("instance", "i-0f0f0f0f0f0f0f0f0"), ("address", "192.0.2.66"), ("az", "us-east-1a"),
        ("joined", "1794990000"), ("heartbeat", nil), ("role", "server"), ("group", "g"),
    ]
    for (key, value) in changes {
        if let index = fields.firstIndex(where: { $0.0 == key }) { fields[index].1 = value } else { fields.append((key, value)) }
    }
    let words = ["r53hook-member"] + fields.compactMap { key, value in value.map { "\(key)=\($0)" } } + extra
    return "\"" + words.joined(separator: " ") + "\""
}

@Suite struct MemberMarkValidationTests {
    @Test func aValidMarkIsRead() {
        guard case .mark(let mark) = MemberMark.read(txtValue: markText([("heartbeat", "1794999999")])) else {
            Issue.record("expected a mark")
            return
        }
        #expect(
            mark
                == MemberMark(
                    instanceId: "i-0f0f0f0f0f0f0f0f0", address: "192.0.2.66", availabilityZone: "us-east-1a",
                    joinedAt: 1_794_990_000, heartbeatAt: 1_794_999_999, role: .server, group: "g"))
        #expect(MemberMark.read(txtValue: markText([("instance", "-"), ("az", "-"), ("role", nil), ("group", nil)])) != .notAMark)
        // A field a newer r53hook may add to v=1 is skipped.
        #expect(MemberMark(txtValue: markText(extra: ["weight-hint=3"])) != nil)
    }

    @Test func otherRecordsAreNotMarks() {
        #expect(MemberMark.read(txtValue: "\"v=spf1 -all\"") == .notAMark)
        #expect(MemberMark.read(txtValue: "\"hello\nr53hook-member\"") == .notAMark)
        #expect(MemberMark.read(txtValue: "\"r53hook-lock owner=i-1 token=t lease=30 seq=0\"") == .notAMark)
    }

    static let hostile: [(String, String)] = [
        ("heartbeat", markText([("heartbeat", "-9223372036854775808")])),
        ("heartbeat", markText([("heartbeat", "9223372036854775807")])),
        ("joined", markText([("joined", "-9223372036854775808")])),
        ("joined", markText([("joined", "9223372036854775807")])),
        ("joined", markText([("joined", "99999999999999999999999")])),
        ("joined", markText([("joined", "946684799")])),
        ("joined", markText([("joined", "4102444801")])),
        ("heartbeat", markText([("heartbeat", "+1795000000")])),
        ("heartbeat", markText([("heartbeat", "soon")])),
        ("joined", markText([("joined", nil)])),
        ("twice", markText([("heartbeat", "1794999999")], extra: ["heartbeat=1795000000"])),
        ("twice", markText(extra: ["instance=i-0123456789abcdef0"])),
        ("key=value", markText(extra: ["junk"])),
        ("key=value", markText(extra: ["junk="])),
        ("key=value", markText(extra: [""])),
        ("field name", markText(extra: ["X-Evil=1"])),
        ("address", markText([("address", "not-an-ip")])),
        ("address", markText([("address", "300.1.2.3")])),
        ("address", markText([("address", nil)])),
        ("az", markText([("az", "us-east-1a;rm")])),
        ("az", markText([("az", "us-east-1" + String(repeating: "a", count: 70))])),
        ("instance", markText([("instance", "i-0123456789abcdef0;rm")])),
        ("instance", markText([("instance", "i-")])),
        ("instance", markText([("instance", "../../etc/passwd")])),
        ("instance", markText([("instance", nil)])),
        ("role", markText([("role", "king")])),
        ("group", markText([("group", "a.b")])),
        ("v=2", markText([("v", "2")])),
        ("version", markText([("v", nil)])),
        ("U+0001", markText([("az", "us-east-1a\u{1}")])),
        ("U+000A", markText([("az", "us-east-1a\nr53hook:")])),
        ("U+00E9", markText([("group", "caf\u{e9}")])),
        ("U+005C", markText([("group", "a\\b")])),
        ("255", markText(extra: ["pad=" + String(repeating: "x", count: 250)])),
        ("quoted", String(markText().dropFirst().dropLast())),
    ]

    @Test(arguments: hostile)
    func hostileMarksAreInvalidWithAReason(_ expected: String, _ text: String) {
        guard case .invalid(let reason) = MemberMark.read(txtValue: text) else {
            Issue.record("accepted or ignored: \(text)")
            return
        }
        #expect(reason.contains(expected), "\(reason)")
        #expect(!reason.unicodeScalars.contains { PrintableText.needsEscape($0) }, "the reason is printable")
        #expect(MemberMark(txtValue: text) == nil)
    }

    @Test func ageArithmeticNeverTrapsWhateverTheMarkHolds() {
        for extreme in [Int.min, Int.min + 1, -1, 0, Int.max] {
            let mark = MemberMark(instanceId: "-", address: "192.0.2.1", availabilityZone: "-", joinedAt: extreme, heartbeatAt: extreme)
            let member = RegistryMember(
                setIdentifier: "x", markRecord: ResourceRecordSet(name: "n.", type: "TXT", values: []),
                mark: mark, addressRecord: nil)
            _ = member.heartbeatAge(now: now)
            _ = member.lastSeenAge(now: now)
            _ = member.isLive(now: now, expiry: 120)
            _ = RoleElection.decide(for: "y", members: [member], group: "g", servers: 3, now: now, expiry: 120)
        }
        let ancient = MemberMark(instanceId: "-", address: "192.0.2.1", availabilityZone: "-", joinedAt: Int.min, heartbeatAt: Int.min)
        let member = RegistryMember(
            setIdentifier: "x", markRecord: ResourceRecordSet(name: "n.", type: "TXT", values: []),
            mark: ancient, addressRecord: nil)
        #expect(member.heartbeatAge(now: now) == Int.max)
        #expect(!member.isLive(now: now, expiry: 120))
    }
}

@Suite struct ForeignMarkTests {
    private static let dead = "i-0dead0dead0dead00"

    /// This instance, a dead member, and two forged marks naming the dead instance.
    private func zone() throws -> DomainHarness {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7"))
        harness.fake.insert(DomainHarness.record(Self.dead, "198.51.100.1"), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.mark(Self.dead, "198.51.100.1", joined: now - 3600), in: "ZPUBLIC")
        for (id, value) in [
            ("forged-1", markText([("instance", Self.dead), ("heartbeat", "-9223372036854775808")])),
            ("forged-2", markText([("instance", Self.dead), ("joined", "-9223372036854775808")])),
        ] {
            harness.fake.insert(DomainHarness.record(id, "192.0.2.66"), in: "ZPUBLIC")
            harness.fake.insert(
                FakeRoute53.Record(
                    name: "_r53hook-a.app.example.com.", type: "TXT", setIdentifier: id, weight: 0, ttl: 60,
                    values: [value]), in: "ZPUBLIC")
        }
        return harness
    }

    @Test func theSnapshotListsForeignMarksApart() async throws {
        let harness = try zone()
        let registry = try await MemberRegistry.of(DomainHarness.target(), route53: harness.route53)
        let snapshot = try await registry.snapshot()
        #expect(snapshot.members.map(\.setIdentifier) == [me, Self.dead])
        #expect(snapshot.foreign.map(\.setIdentifier) == ["forged-1", "forged-2"])
        #expect(snapshot.foreign[0].reason.contains("heartbeat=-9223372036854775808"))
        #expect(snapshot.foreign[1].reason.contains("joined=-9223372036854775808"))
        #expect(snapshot.unmarked.compactMap(\.setIdentifier) == ["forged-1", "forged-2"])
    }

    @Test func sweepDeletesTheDeadMemberAndLeavesForeignMarks() async throws {
        let harness = try zone()
        let instances = FakeInstances([me: "running", Self.dead: "terminated"])
        let report = try await RegistrySweep(
            route53: harness.route53, instances: instances, identity: harness.identity, time: harness.time,
            logger: harness.logs.logger()
        )
        .run(DomainHarness.target(), limits: .init(force: true), dryRun: false, waiting: .noWait)
        #expect(report.deleted == [Self.dead])
        #expect(report.memberCount == 2)
        let left = harness.fake.records(in: "ZPUBLIC").compactMap(\.setIdentifier)
        #expect(left.filter { $0.hasPrefix("forged-") }.count == 4)
        #expect(harness.logs.messages.filter { $0.contains("foreign") }.count == 2)
    }

    @Test func aMarkUnderASetIdentifierR53hookNeverWritesIsForeign() {
        let record = ResourceRecordSet(
            name: "_r53hook-a.app.example.com.", type: "TXT", setIdentifier: "web 1", weight: 0, ttl: 60,
            values: [markText()])
        guard case .invalid(let reason) = MemberRegistry.reading(of: record) else {
            Issue.record("accepted")
            return
        }
        #expect(reason.contains("set identifier"))
        let twoValues = ResourceRecordSet(
            name: "_r53hook-a.app.example.com.", type: "TXT", setIdentifier: "web-1", weight: 0, ttl: 60,
            values: [markText(), "\"x\""])
        #expect(MemberRegistry.mark(of: twoValues) == nil)
    }
}

@Suite struct LockRecordValidationTests {
    @Test func readsWhatR53hookWrites() {
        let record = LockRecord(owner: "web-1", token: LockRecord.randomToken(), leaseSeconds: 3600, sequence: 7)
        #expect(LockRecord(txtValue: record.txtValue) == record)
    }

    @Test(arguments: [
        "\"r53hook-lock owner=a token=t lease=9223372036854775807 seq=1\"",
        "\"r53hook-lock owner=a token=t lease=3601 seq=1\"",
        "\"r53hook-lock owner=a token=t lease=0 seq=1\"",
        "\"r53hook-lock owner=a token=t lease=+30 seq=1\"",
        "\"r53hook-lock owner=a token=t lease=30 seq=-1\"",
        "\"r53hook-lock owner=a token=t lease=30 seq=9223372036854775807\"",
        "\"r53hook-lock owner=a token=t lease=30 seq=x\"",
        "\"r53hook-lock owner=a token=t lease=30 lease=3 seq=1\"",
        "\"r53hook-lock owner=a owner=b token=t lease=30\"",
        "\"r53hook-lock owner=a\nfake token=t lease=30\"",
        "\"r53hook-lock owner=a\u{9b}2K token=t lease=30\"",
        "\"r53hook-lock owner=\(String(repeating: "o", count: 129)) token=t lease=30\"",
        "\"r53hook-lock owner=a token=\(String(repeating: "f", count: 65)) lease=30\"",
        "\"r53hook-lock owner=a token=t lease=30 junk\"",
    ])
    func hostileValuesAreUnknown(_ text: String) {
        #expect(LockRecord(txtValue: text) == nil)
    }

    @Test func renewalCountsNeverOverflow() {
        let last = LockRecord(owner: "a", token: "t", leaseSeconds: 30, sequence: LockRecord.sequenceRange.upperBound)
        #expect(last.renewed().sequence == 0)
        #expect(LockRecord(txtValue: last.txtValue) == last)
    }
}
