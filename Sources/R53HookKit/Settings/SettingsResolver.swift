import AWSKit

/// Turns flags, environment and config file into `HookSettings`, in that order of precedence,
/// and refuses bad values before any AWS call. A bad flag is a usage error (exit 64); a bad
/// value from the environment or the file is a configuration error (exit 78). Every message
/// names where the value came from.
public struct SettingsResolver: Sendable {
    private let flags: [SettingKey: String]
    private let environment: ProcessEnvironment
    private let file: ConfigFile?

    /// Where a value came from.
    enum Origin {
        case flag, environment
        case file(String)
        case none
    }

    /// Creates a resolver. `flags` holds the flags that were given, as text.
    public init(flags: [SettingKey: String], environment: ProcessEnvironment, file: ConfigFile?) {
        self.flags = flags
        self.environment = environment
        self.file = file
    }

    /// The resolved, validated settings.
    public func resolve() throws(HookError) -> HookSettings {
        let loadBalancer = try resolveLoadBalancer()
        let record = try resolveRecord(required: loadBalancer == nil)
        var settings = try commonSettings(record: record, loadBalancer: loadBalancer)
        if settings.quorum != nil, try bool(.quorumLock) ?? true {
            if let zone = record?.zone {
                settings.quorumLockZone = zone
            } else {
                settings.quorumLockZone = try zoneSelector()
            }
        }
        return settings
    }

    private func commonSettings(record: RecordSettings?, loadBalancer: LoadBalancerTarget?) throws(HookError) -> HookSettings {
        let setIdentifier = try text(.setIdentifier)
        if let setIdentifier, let problem = MemberIdentifier.problem(with: setIdentifier) {
            throw invalid(.setIdentifier, setIdentifier, problem)
        }
        let deadline = try integer(.deadline, default: 300, range: 1...86_400)
        let drainExtra = try integer(.drainExtra, default: 5, range: 0...3600)

        var quorum: QuorumRule?
        let minHealthy = try integer(.minHealthy, default: 0, range: 0...100_000)
        var fraction: Double?
        if let raw = try text(.quorum) {
            guard let value = Double(raw), value > 0, value <= 1 else {
                throw invalid(.quorum, raw, "a fraction of the fleet, above 0 and at most 1 (e.g. 0.67)")
            }
            fraction = value
        }
        if lookup(.minHealthy) != nil || fraction != nil {
            quorum = QuorumRule(minimumHealthy: minHealthy, fraction: fraction)
        }
        let onNoQuorumText = try text(.onNoQuorum) ?? "proceed"
        guard let onNoQuorum = HookSettings.NoQuorumAction(rawValue: onNoQuorumText.lowercased()) else {
            throw invalid(.onNoQuorum, onNoQuorumText, "use proceed or fail")
        }

        var settings = HookSettings(
            record: record, loadBalancer: loadBalancer, quorum: quorum,
            quorumInterval: .seconds(try integer(.quorumInterval, default: 5, range: 1...3600)),
            quorumTimeout: .seconds(try integer(.quorumTimeout, default: 60, range: 0...86_400)),
            onNoQuorum: onNoQuorum,
            healthyTimeout: .seconds(try integer(.healthyTimeout, default: 300, range: 1...86_400)),
            holdFile: try text(.holdFile) ?? "/etc/r53hook/hold",
            rejoinsOnFailure: try bool(.rejoinOnFailure) ?? false,
            setIdentifier: setIdentifier, deadline: .seconds(deadline), drainExtra: .seconds(drainExtra),
            waitsForSync: !(try bool(.noWait) ?? false), dryRun: try bool(.dryRun) ?? false,
            debug: try bool(.debug) ?? false, allowsIMDSv1: try bool(.imdsV1) ?? false)
        settings.passesAWSCredentials = try bool(.passAWSCredentials) ?? false
        return settings
    }

    /// The hosted zone the settings name, or nil when none is given.
    func zoneSelector() throws(HookError) -> HookSettings.ZoneSelector? {
        let zoneId = try text(.zoneId)
        let zoneName = try text(.zoneName)
        let isPrivate = try bool(.privateZone)
        switch (zoneId, zoneName) {
        case (nil, nil):
            return nil
        case (let id?, nil):
            let bare = Route53XML.stripPrefix(id, "/hostedzone/")
            guard !bare.isEmpty, bare.count <= 32, bare.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                throw invalid(.zoneId, id, "a hosted zone id looks like Z0123456789ABCDEFGHIJ")
            }
            if isPrivate != nil {
                throw invalid(.privateZone, try text(.privateZone) ?? "", "--private-zone/--public-zone choose among zones found by name; with --zone-id the zone is already chosen")
            }
            return .id(bare)
        case (nil, let name?):
            if let problem = DNSName.problem(with: name), name.split(separator: ".").count > 1 || problem.contains("empty") {
                throw invalid(.zoneName, name, problem)
            }
            return .name(DNSName.normalized(name), isPrivate: isPrivate)
        case (.some, .some):
            throw HookError(
                origin(.zoneId).isFlag && origin(.zoneName).isFlag ? .usage : .configuration,
                "both a zone id (\(describe(.zoneId))) and a zone name (\(describe(.zoneName))) are set: keep one")
        }
    }

    /// Settings for `lock`: a hosted zone (for the lock record) and the common settings; no
    /// record or load balancer is joined.
    public func resolveForLock() throws(HookError) -> (zone: HookSettings.ZoneSelector, settings: HookSettings) {
        guard let zone = try zoneSelector() else {
            throw HookError(.usage, "the lock record lives in a hosted zone: give --zone-id ID or --zone-name NAME (or R53HOOK_ZONE_ID / R53HOOK_ZONE_NAME)")
        }
        return (zone, try commonSettings(record: nil, loadBalancer: nil))
    }

    private func resolveLoadBalancer() throws(HookError) -> LoadBalancerTarget? {
        let name = try text(.elb)
        let arn = try text(.targetGroup)
        let portText = try text(.targetPort)
        switch (name, arn) {
        case (nil, nil):
            if let portText { throw invalid(.targetPort, portText, "--target-port goes with --target-group") }
            return nil
        case (let name?, nil):
            guard name.count <= 32, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw invalid(.elb, name, "a classic load balancer name has up to 32 letters, digits and hyphens")
            }
            if let portText { throw invalid(.targetPort, portText, "--target-port goes with --target-group, not --elb") }
            return .classic(name: name)
        case (nil, let arn?):
            guard arn.hasPrefix("arn:aws"), arn.contains(":targetgroup/") else {
                throw invalid(.targetGroup, arn, "a target group ARN looks like arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID")
            }
            var port: Int?
            if let portText {
                guard let value = Int(portText), (1...65535).contains(value) else {
                    throw invalid(.targetPort, portText, "a port from 1 to 65535")
                }
                port = value
            }
            return .targetGroup(arn: arn, port: port)
        case (.some, .some):
            throw HookError(
                origin(.elb).isFlag && origin(.targetGroup).isFlag ? .usage : .configuration,
                "both a classic ELB (\(describe(.elb))) and a target group (\(describe(.targetGroup))) are set: keep one")
        }
    }

    private func resolveRecord(required: Bool) throws(HookError) -> RecordSettings? {
        let name = try text(.name)
        if !required && name == nil {
            // With a load balancer, a zone without a record name is only the quorum lock's zone.
            return nil
        }

        guard let zone = try zoneSelector() else {
            throw HookError(
                .usage,
                required
                    ? "nothing to join: give --zone-id ID or --zone-name NAME with --name (or R53HOOK_ZONE_ID / R53HOOK_ZONE_NAME and R53HOOK_NAME), and/or --elb NAME or --target-group ARN"
                    : "no hosted zone for --name: give --zone-id ID or --zone-name NAME (or R53HOOK_ZONE_ID / R53HOOK_ZONE_NAME)")
        }

        guard let name else {
            throw HookError(.usage, "no record name: give --name FQDN (or R53HOOK_NAME), e.g. --name app.example.com")
        }
        if let problem = DNSName.problem(with: name) { throw invalid(.name, name, problem) }
        let recordName = DNSName.normalized(name)
        if case .name(let zoneName, _) = zone {
            let probe = HostedZone(id: "", name: zoneName, isPrivate: false)
            guard probe.contains(recordName) else {
                throw invalid(.name, name, "it is not in the zone \(zoneName); the record name must end with the zone name")
            }
        }

        let typeText = try text(.type) ?? "A"
        guard let type = HookSettings.RecordType(rawValue: typeText.uppercased()) else {
            throw invalid(.type, typeText, "r53hook manages A and AAAA records")
        }
        let ttl = try integer(.ttl, default: 60, range: 0...2_147_483_647)
        let weight = try integer(.weight, default: 10, range: 0...255)

        var address: AddressSource?
        if let addressText = try text(.address) {
            switch addressText.lowercased() {
            case "public-ipv4": address = .publicIPv4
            case "local-ipv4": address = .localIPv4
            case "ipv6": address = .ipv6
            default:
                guard let literal = IPAddress(addressText) else {
                    throw invalid(.address, addressText, "use public-ipv4, local-ipv4, ipv6 or an IP address")
                }
                address = .literal(literal)
            }
        }
        if let address, address.family != (type == .a ? .v4 : .v6) {
            throw invalid(
                .address, try text(.address) ?? "",
                type == .a ? "an A record needs an IPv4 address; use --type AAAA for IPv6" : "an AAAA record needs an IPv6 address")
        }

        let healthCheckId = try text(.healthCheckId)
        if let healthCheckId, healthCheckId.utf8.count > 64 || !healthCheckId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            throw invalid(.healthCheckId, healthCheckId, "a health check id looks like abcdef11-2222-3333-4444-555555fedcba")
        }
        return RecordSettings(
            zone: zone, recordName: recordName, recordType: type, ttl: ttl, weight: weight,
            address: address, healthCheckId: healthCheckId)
    }

    /// Whether `--debug` is on, readable before the rest so logging can start first.
    public func debugRequested() -> Bool {
        (try? bool(.debug)) == true
    }

    private func lookup(_ key: SettingKey) -> (value: String, origin: Origin)? {
        if let value = flags[key] { return (value, .flag) }
        if let value = environment[key.environmentName] { return (value, .environment) }
        if let file, let value = file.settings[key], !value.isEmpty { return (value, .file(file.path)) }
        return nil
    }

    private func origin(_ key: SettingKey) -> Origin {
        lookup(key)?.origin ?? .none
    }

    private func text(_ key: SettingKey) throws(HookError) -> String? {
        guard let found = lookup(key) else { return nil }
        let value = found.value.trimmingWhitespace
        if value.isEmpty { throw invalid(key, found.value, "it is empty") }
        return value
    }

    private func integer(_ key: SettingKey, default defaultValue: Int, range: ClosedRange<Int>) throws(HookError) -> Int {
        guard let raw = try text(key) else { return defaultValue }
        guard let value = Int(raw) else { throw invalid(key, raw, "expected a whole number") }
        guard range.contains(value) else {
            throw invalid(key, raw, "it must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    private func bool(_ key: SettingKey) throws(HookError) -> Bool? {
        guard let raw = try text(key) else { return nil }
        switch raw.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw invalid(key, raw, "expected true or false")
        }
    }

    private func describe(_ key: SettingKey) -> String {
        switch origin(key) {
        case .flag: return key.flag
        case .environment: return "\(key.environmentName) in the environment"
        case .file(let path): return "\(key.environmentName) in \(path)"
        case .none: return key.flag
        }
    }

    private func invalid(_ key: SettingKey, _ value: String, _ reason: String) -> HookError {
        HookError(origin(key).isFlag ? .usage : .configuration, "invalid \(describe(key)) '\(value)': \(reason)")
    }
}

extension SettingsResolver.Origin {
    var isFlag: Bool {
        if case .flag = self { return true }
        return false
    }
}
