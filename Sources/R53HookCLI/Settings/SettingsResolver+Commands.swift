import AWSKit
import R53HookKit

/// What each command needs, read from the settings. A command reads only the settings it takes:
/// a key in a shared config file that another command uses is not checked here.
extension SettingsResolver {
    /// The record and/or load balancer of `start`, `stop`, `cycle` and `status`: a record, a
    /// load balancer, or both. `withValues` also reads what `start` writes (TTL, weight,
    /// address, health check).
    func fleetTarget(withValues: Bool) throws(SettingsError) -> FleetTarget {
        let loadBalancer = try loadBalancer()
        let record = try record(required: loadBalancer == nil, withValues: withValues)
        return FleetTarget(record: record, loadBalancer: loadBalancer, setIdentifier: try setIdentifier())
    }

    /// The record of `members`, `heartbeat`, `role` and `sweep`, which work on the registry
    /// beside a DNS record only.
    func recordTarget() throws(SettingsError) -> FleetTarget {
        FleetTarget(record: try record(required: true, withValues: false, loadBalancerPossible: false), setIdentifier: try setIdentifier())
    }

    /// `start`.
    func join() throws(SettingsError) -> JoinSettings {
        JoinSettings(
            target: try fleetTarget(withValues: true), holdFile: try text(.holdFile) ?? "", healthyTimeout: try seconds(.healthyTimeout),
            waitsForSync: !(try bool(.noWait)), adoptsUnmarkedRecord: try bool(.adopt), dryRun: try bool(.dryRun),
            deadline: try seconds(.deadline), createsFirst: try bool(.createFirst))
    }

    /// `stop`.
    func leave() throws(SettingsError) -> LeaveSettings {
        let target = try fleetTarget(withValues: false)
        return LeaveSettings(
            target: target, quorum: try quorum(target: target), drainExtra: try seconds(.drainExtra), dryRun: try bool(.dryRun),
            deadline: try seconds(.deadline))
    }

    /// `cycle`: the leave and the rejoin share one target, the one the rejoin writes.
    func cycle() throws(SettingsError) -> CycleSettings {
        let join = try join()
        let leave = LeaveSettings(
            target: join.target, quorum: try quorum(target: join.target), drainExtra: try seconds(.drainExtra), dryRun: join.dryRun,
            deadline: join.deadline)
        return CycleSettings(leave: leave, join: join, rejoinsOnFailure: try bool(.rejoinOnFailure))
    }

    /// `watch`: joins as `start`, leaves as `stop` (same target), and its own polling and event
    /// rules. It never runs dry: `--dry-run` means nothing for a process that waits for events.
    func watch() throws(SettingsError) -> WatchSettings {
        var join = try join()
        join.dryRun = false
        let leave = LeaveSettings(
            target: join.target, quorum: try quorum(target: join.target), drainExtra: try seconds(.drainExtra), dryRun: false,
            deadline: join.deadline)
        guard let onRebalance = RebalanceAction(rawValue: try text(.onRebalance) ?? "") else {
            throw SettingsError(.internal, "the settings table's choices for --on-rebalance do not match RebalanceAction")
        }
        var settings = WatchSettings(
            join: join, leave: leave, pollInterval: try seconds(.pollInterval), spotMargin: try seconds(.spotMargin),
            policy: WatchPolicy(eventLead: try seconds(.eventLead), onRebalance: onRebalance), heartbeatEvery: try seconds(.expiry) / 2)
        // Auto Scaling names: 1-255 characters, no spaces or control characters.
        let isName = { (name: Substring) in
            !name.isEmpty && name.count <= 255 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:".contains($0)) }
        }
        if let hooks = try text(.lifecycleHook) {
            let names = hooks.split(separator: ",", omittingEmptySubsequences: false)
            guard names.allSatisfy(isName) else {
                throw invalid(.lifecycleHook, hooks, "give hook names separated by commas: letters, digits and -_./: only")
            }
            settings.lifecycleHooks = names.map(String.init)
        }
        guard let onUnhealthy = UnhealthyAction(rawValue: try text(.onUnhealthy) ?? "") else {
            throw SettingsError(.internal, "the settings table's choices for --on-unhealthy do not match UnhealthyAction")
        }
        settings.policy.onUnhealthy = onUnhealthy
        switch (try text(.checkUrl), try text(.checkCmd)) {
        case (nil, nil):
            break
        case (let url?, nil):
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), !url.contains(" ") else {
                throw invalid(.checkUrl, url, "give an http:// or https:// URL, e.g. http://127.0.0.1:8080/health")
            }
            settings.health = HealthCheckSettings(
                check: .url(url), interval: try seconds(.checkInterval), rise: try requiredInteger(.rise), fall: try requiredInteger(.fall))
        case (nil, let command?):
            settings.health = HealthCheckSettings(
                check: .command(command), interval: try seconds(.checkInterval), rise: try requiredInteger(.rise),
                fall: try requiredInteger(.fall))
        case (.some, .some):
            throw conflict(.checkUrl, .checkCmd, "both a check URL (\(describe(.checkUrl))) and a check command (\(describe(.checkCmd))) are set: keep one")
        }
        // A multivalue record has no weight: "weight 0" would leave it in every answer.
        if join.target.record?.routing == .multivalue {
            var weightZero: [SettingKey] = onRebalance == .weightZero ? [.onRebalance] : []
            if settings.health != nil, onUnhealthy == .weightZero { weightZero.append(.onUnhealthy) }
            if let key = weightZero.first {
                throw conflict(
                    key, .routing,
                    "\(key.spec.flag) weight-zero cannot take a multivalue record out of the answers (it has no weight): use \(key.spec.flag) leave, or --routing weighted")
            }
        }
        if let group = try text(.autoScalingGroup) {
            guard isName(group[...]) else { throw invalid(.autoScalingGroup, group, "an Auto Scaling group name has letters, digits and -_./: only") }
            settings.autoScalingGroup = group
        }
        return settings
    }

    /// The quorum, when --min-healthy or --quorum is set; its lock lives in the record's zone, or
    /// with a load balancer alone in a zone given without a record name.
    private func quorum(target: FleetTarget) throws(SettingsError) -> QuorumSettings? {
        let minimumHealthy = try integer(.minHealthy)
        let fraction = try fraction(.quorum)
        guard minimumHealthy != nil || fraction != nil else { return nil }
        var lockZone: ZoneSelector?
        if try optionalBool(.quorumLock) ?? true {
            if let zone = target.record?.zone {
                lockZone = zone
            } else {
                lockZone = try zoneSelector()
            }
        }
        guard let onNoQuorum = NoQuorumAction(rawValue: try text(.onNoQuorum) ?? "") else {
            throw SettingsError(.internal, "the settings table's choices for --on-no-quorum do not match NoQuorumAction")
        }
        return QuorumSettings(
            rule: QuorumRule(minimumHealthy: minimumHealthy ?? 0, fraction: fraction), interval: try seconds(.quorumInterval),
            timeout: try seconds(.quorumTimeout), onNoQuorum: onNoQuorum, lockZone: lockZone)
    }

    /// The set identifier, when one is configured.
    func setIdentifier() throws(SettingsError) -> String? {
        guard let setIdentifier = try text(.setIdentifier) else { return nil }
        if let problem = MemberIdentifier.problem(with: setIdentifier) { throw invalid(.setIdentifier, setIdentifier, problem) }
        return setIdentifier
    }

    /// The hosted zone the settings name, or nil when none is given.
    func zoneSelector() throws(SettingsError) -> ZoneSelector? {
        let zoneId = try text(.zoneId)
        let zoneName = try text(.zoneName)
        let isPrivate = try optionalBool(.privateZone)
        switch (zoneId, zoneName) {
        case (nil, nil):
            return nil
        case (let id?, nil):
            let bare = Route53XML.stripPrefix(id, "/hostedzone/")
            guard !bare.isEmpty, bare.count <= 32, bare.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                throw invalid(.zoneId, id, "a hosted zone id looks like Z0123456789ABCDEFGHIJ")
            }
            if isPrivate != nil {
                throw invalid(
                    .privateZone, try text(.privateZone) ?? "",
                    "--private-zone/--public-zone choose among zones found by name; with --zone-id the zone is already chosen")
            }
            return .id(bare)
        case (nil, let name?):
            if let problem = DNSName.problem(with: name), name.split(separator: ".").count > 1 || problem.contains("empty") {
                throw invalid(.zoneName, name, problem)
            }
            return .name(DNSName.normalized(name), isPrivate: isPrivate)
        case (.some, .some):
            throw conflict(
                .zoneId, .zoneName, "both a zone id (\(describe(.zoneId))) and a zone name (\(describe(.zoneName))) are set: keep one")
        }
    }

    /// The load balancer, when one is given.
    func loadBalancer() throws(SettingsError) -> LoadBalancerTarget? {
        let name = try text(.elb)
        let arn = try text(.targetGroup)
        let port = try integer(.targetPort)
        let portText = try text(.targetPort) ?? ""
        switch (name, arn) {
        case (nil, nil):
            if port != nil { throw invalid(.targetPort, portText, "--target-port goes with --target-group") }
            return nil
        case (let name?, nil):
            guard name.count <= 32, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw invalid(.elb, name, "a classic load balancer name has up to 32 letters, digits and hyphens")
            }
            if port != nil { throw invalid(.targetPort, portText, "--target-port goes with --target-group, not --elb") }
            return .classic(name: name)
        case (nil, let arn?):
            guard arn.hasPrefix("arn:aws"), arn.contains(":targetgroup/") else {
                throw invalid(.targetGroup, arn, "a target group ARN looks like arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID")
            }
            return .targetGroup(arn: arn, port: port)
        case (.some, .some):
            throw conflict(
                .elb, .targetGroup,
                "both a classic ELB (\(describe(.elb))) and a target group (\(describe(.targetGroup))) are set: keep one")
        }
    }

    /// The record: its zone, name and type, and with `withValues` what `start` writes.
    private func record(required: Bool, withValues: Bool, loadBalancerPossible: Bool = true) throws(SettingsError) -> RecordSettings? {
        let name = try text(.name)
        if !required && name == nil {
            // With a load balancer, a zone without a record name is only the quorum lock's zone.
            return nil
        }
        guard let zone = try zoneSelector() else {
            if required && loadBalancerPossible && name == nil {
                throw SettingsError(
                    .usage,
                    "nothing to join: give --zone-id ID or --zone-name NAME with --name (or R53HOOK_ZONE_ID / R53HOOK_ZONE_NAME and R53HOOK_NAME), and/or --elb NAME or --target-group ARN"
                )
            }
            throw SettingsError(.usage, "no hosted zone for the record: give \(howToGiveZone())")
        }
        guard let name else {
            throw SettingsError(.usage, "no record name: give \(howToGive(.name, placeholder: "FQDN")), e.g. --name app.example.com")
        }
        if let problem = DNSName.problem(with: name) { throw invalid(.name, name, problem) }
        let recordName = DNSName.normalized(name)
        if case .name(let zoneName, _) = zone {
            guard HostedZone(id: "", name: zoneName, isPrivate: false).contains(recordName) else {
                throw invalid(.name, name, "it is not in the zone \(zoneName); the record name must end with the zone name")
            }
        }
        let types = try (text(.type) ?? "").split(separator: ",").map { name throws(SettingsError) -> RecordType in
            guard let type = RecordType(rawValue: String(name)) else {
                throw SettingsError(.internal, "the settings table's choices for --type do not match RecordType")
            }
            return type
        }
        guard let type = types.first else { throw SettingsError(.internal, "--type resolved to no type") }
        var record = RecordSettings(zone: zone, recordName: recordName, recordType: type)
        record.recordTypes = types
        // Reading and deleting treat both policies alike: only what start writes needs one.
        guard withValues else { return record }
        guard let routing = RoutingPolicy(rawValue: try text(.routing) ?? "") else {
            throw SettingsError(.internal, "the settings table's choices for --routing do not match RoutingPolicy")
        }
        record.routing = routing
        if let template = try text(.instanceName) {
            do throws(InstanceNameTemplate.Problem) {
                let parsed = try InstanceNameTemplate(template)
                if case .name(let zoneName, _) = zone {
                    let sample = try parsed.expand(Dictionary(uniqueKeysWithValues: parsed.placeholders.map { ($0, "x0") }))
                    guard HostedZone(id: "", name: zoneName, isPrivate: false).contains(sample) else {
                        throw InstanceNameTemplate.Problem("it is not in the zone \(zoneName); the name must end with the zone name")
                    }
                }
                record.instanceName = parsed
            } catch {
                throw invalid(.instanceName, template, error.reason)
            }
        }
        record.ttl = try requiredInteger(.ttl)
        record.weight = try requiredInteger(.weight)
        if routing == .multivalue, isSet(.weight) {
            throw invalid(.weight, try text(.weight) ?? "", "multivalue answer records have no weight: drop it, or use weighted routing")
        }
        record.address = try address(for: types)
        if let healthCheckId = try text(.healthCheckId) {
            guard healthCheckId.utf8.count <= 64, healthCheckId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw invalid(.healthCheckId, healthCheckId, "a health check id looks like abcdef11-2222-3333-4444-555555fedcba")
            }
            record.healthCheckId = healthCheckId
        }
        return record
    }

    private func address(for types: [RecordType]) throws(SettingsError) -> AddressSource? {
        guard let text = try text(.address) else { return nil }
        let address: AddressSource
        switch text.lowercased() {
        case "public-ipv4": address = .publicIPv4
        case "local-ipv4": address = .localIPv4
        case "ipv6": address = .ipv6
        default:
            guard let literal = IPAddress(text) else {
                throw invalid(.address, text, "use public-ipv4, local-ipv4, ipv6 or an IP address")
            }
            address = .literal(literal)
        }
        // Dual-stack, an address applies to the type of its family; the other takes its default.
        guard types.contains(where: { address.family == ($0 == .a ? .v4 : .v6) }) else {
            throw invalid(
                .address, text, types == [.a] ? "an A record needs an IPv4 address; use --type AAAA for IPv6" : "an AAAA record needs an IPv6 address")
        }
        return address
    }

    /// How to name the hosted zone, for messages that ask for it.
    func howToGiveZone() -> String {
        let id = SettingKey.zoneId.spec
        let name = SettingKey.zoneName.spec
        return "\(id.flag) ID or \(name.flag) NAME (or \(id.environment ?? id.flag) / \(name.environment ?? name.flag))"
    }
}
