import AWSKit

/// The membership registry of one weighted record: beside each address record r53hook made,
/// a weighted TXT record with the same set identifier at `_r53hook-TYPE.NAME` holds the
/// `MemberMark`. The pair is written and deleted in one change batch, so the mark is there
/// exactly when r53hook owns the address record.
package struct MemberRegistry: Sendable {
    private let route53: Route53Client
    /// The hosted zone.
    package let zone: HostedZone
    /// The address records' name.
    package let recordName: String
    /// The address records' type (A or AAAA).
    package let recordType: String

    /// Every mark has this TTL: all weighted records of a name and type must share one.
    package static let markTTL = 60
    /// Marks carry weight 0: they are bookkeeping, not traffic.
    package static let markWeight = 0

    /// Creates the registry of a record.
    package init(route53: Route53Client, zone: HostedZone, recordName: String, recordType: String) {
        self.route53 = route53
        self.zone = zone
        self.recordName = DNSName.normalized(recordName)
        self.recordType = recordType
    }

    /// The name of the marks: `_r53hook-a.app.example.com.` for `app.example.com. A`.
    package var registryName: String { Self.registryName(recordName: recordName, recordType: recordType) }

    /// The name of the marks for a record.
    package static func registryName(recordName: String, recordType: String) -> String {
        DNSName.normalized("_r53hook-\(recordType.lowercased()).\(DNSName.normalized(recordName))")
    }

    /// The mark's record for a set identifier.
    package func markRecord(setIdentifier: String, mark: MemberMark) -> ResourceRecordSet {
        ResourceRecordSet(
            name: registryName, type: RecordSetType.txt.rawValue, setIdentifier: setIdentifier, weight: Self.markWeight,
            ttl: Self.markTTL, values: [mark.txtValue])
    }

    /// The mark's record for a set identifier as it is now, or nil.
    package func currentMarkRecord(setIdentifier: String) async throws -> ResourceRecordSet? {
        try await route53.recordSet(zoneId: zone.id, name: registryName, type: RecordSetType.txt.rawValue, setIdentifier: setIdentifier)
    }

    /// The mark a record carries, when it is a valid r53hook mark.
    package static func mark(of record: ResourceRecordSet) -> MemberMark? {
        guard case .mark(let mark) = reading(of: record) else { return nil }
        return mark
    }

    /// What a record at the registry name is: a valid mark, someone else's record, or a record
    /// that claims to be a mark (its value starts with the tag) but fails validation. Besides
    /// the value, a mark is a weighted TXT record with one value and a set identifier r53hook
    /// could have written (`MemberIdentifier`).
    package static func reading(of record: ResourceRecordSet) -> MemberMark.Reading {
        guard record.type == RecordSetType.txt.rawValue, let setIdentifier = record.setIdentifier, let first = record.values.first else { return .notAMark }
        let reading = MemberMark.read(txtValue: first)
        guard reading != .notAMark else { return .notAMark }
        if record.values.count != 1 { return .invalid(reason: "it has \(record.values.count) values; a mark has one") }
        let unwritten = record.otherFeatures + (record.multiValueAnswer == nil ? [] : ["MultiValueAnswer"])
        if !unwritten.isEmpty {
            return .invalid(reason: "it uses Route 53 features r53hook never writes (\(unwritten.joined(separator: ", ")))")
        }
        if let problem = MemberIdentifier.problem(with: setIdentifier) { return .invalid(reason: "its set identifier is not one r53hook writes: \(problem)") }
        return reading
    }

    /// Reads every mark and every address record of the set and pairs them.
    package func snapshot() async throws -> RegistrySnapshot {
        let marks = try await route53.recordSets(zoneId: zone.id, name: registryName, type: RecordSetType.txt.rawValue)
        let addresses = try await route53.recordSets(zoneId: zone.id, name: recordName, type: recordType)
        var addressBySet: [String: ResourceRecordSet] = [:]
        for record in addresses {
            if let setIdentifier = record.setIdentifier { addressBySet[setIdentifier] = record }
        }
        var members: [RegistryMember] = []
        var foreign: [RegistrySnapshot.ForeignMark] = []
        var marked = Set<String>()
        for record in marks {
            guard let setIdentifier = record.setIdentifier else { continue }
            switch Self.reading(of: record) {
            case .mark(let mark):
                marked.insert(setIdentifier)
                var instanceRecord: ResourceRecordSet?
                if let name = mark.instanceName {
                    // Only the record r53hook wrote there: simple, pointing at the marked address.
                    instanceRecord = try await route53.recordSets(zoneId: zone.id, name: name, type: recordType)
                        .first { $0.isPlainSimple && $0.values == [mark.address] }
                }
                members.append(
                    RegistryMember(
                        setIdentifier: setIdentifier, markRecord: record, mark: mark,
                        addressRecord: addressBySet[setIdentifier], instanceRecord: instanceRecord))
            case .invalid(let reason):
                foreign.append(RegistrySnapshot.ForeignMark(setIdentifier: setIdentifier, record: record, reason: reason))
            case .notAMark:
                continue
            }
        }
        let unmarked = addresses.filter { record in record.setIdentifier.map { !marked.contains($0) } ?? true }
        return RegistrySnapshot(
            members: members.sorted { $0.setIdentifier < $1.setIdentifier }, unmarked: unmarked,
            foreign: foreign.sorted { $0.setIdentifier < $1.setIdentifier })
    }

    /// Applies a batch; nil when Route 53 refused it because a record changed since it was
    /// read ("already exists", "values provided do not match", "not found"): read again. Other
    /// refusals are explained in terms of `action` ("register app.example.com. A ...").
    package func apply(_ changes: [RecordChange], comment: String, action: String) async throws -> ChangeInfo? {
        do {
            return try await route53.change(zoneId: zone.id, changes, comment: comment)
        } catch let error as AWSServiceError where error.code == "InvalidChangeBatch" && Self.isStale(error) {
            return nil
        } catch let error as AWSServiceError {
            throw Route53Refusal.explain(error, action: action, zone: zone)
        }
    }

    /// Whether an InvalidChangeBatch says only that the records changed since they were read
    /// (the one rule the lock uses too: `Route53Refusal.isStale`).
    package static func isStale(_ error: AWSServiceError) -> Bool {
        Route53Refusal.isStale(error)
    }
}

extension MemberRegistry {
    /// The registry of the record the settings name, in its resolved zone.
    package static func of(_ target: FleetTarget, route53: Route53Client) async throws -> MemberRegistry {
        let dns = try target.requireRecord()
        let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
        return MemberRegistry(route53: route53, zone: zone, recordName: dns.recordName, recordType: dns.recordType.rawValue)
    }

    /// The refusal to act on this member's own mark when it fails validation.
    package static func foreignMarkError(_ record: ResourceRecordSet, reason: String) -> DomainError {
        DomainError(
            .foreignMark,
            "\(record.summary) is not a valid r53hook registry mark (\(reason)), so r53hook leaves it alone. Someone changed it by hand or forged it: delete the pair (the mark and the address record with its set identifier) and run `r53hook start` again"
        )
    }

    /// Rewrites this member's mark with one [DELETE exact old, CREATE new] batch, reading again
    /// when it changed in between. It never creates a mark that is not there: a member that
    /// stopped, or was swept, must not come back by a heartbeat.
    package func rewriteMark(setIdentifier: String, _ update: (MemberMark) -> MemberMark) async throws -> (mark: MemberMark, change: ChangeInfo) {
        try await CompareAndSwapLoop.run(givingUp: { tries in
            DomainError(.recordKeptChanging, "the registry mark of \(setIdentifier) kept changing (\(tries) tries); is another r53hook running for it?")
        }) { () async throws -> (mark: MemberMark, change: ChangeInfo)? in
            guard let record = try await currentMarkRecord(setIdentifier: setIdentifier) else {
                throw DomainError(
                    .notRegistered,
                    "\(setIdentifier) is not registered: there is no registry mark for it at \(registryName) in \(zone.name). Run `r53hook start` first (if it was registered, it has stopped or was swept)"
                )
            }
            let old: MemberMark
            switch Self.reading(of: record) {
            case .mark(let mark):
                old = mark
            case .invalid(let reason):
                throw Self.foreignMarkError(record, reason: reason)
            case .notAMark:
                throw DomainError(.foreignRecord, "\(record.summary) is not an r53hook registry mark; r53hook leaves it alone")
            }
            let new = update(old)
            return try await apply(
                [RecordChange(.delete, record), RecordChange(.create, markRecord(setIdentifier: setIdentifier, mark: new))],
                comment: "r53hook mark \(setIdentifier)",
                action: "rewrite the registry mark of \(setIdentifier)"
            ).map { (new, $0) }
        }
    }
}
