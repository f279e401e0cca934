import AWSKit
import Synchronization

/// Who this instance is for Route 53: the set identifier and, for start, the address. Read from
/// IMDS only when the settings do not give them, so off EC2 nothing asks IMDS.
package struct InstanceIdentity: Sendable {
    private let metadata: any InstanceMetadata
    /// The instance id once IMDS gave it: it does not change while the process runs, and
    /// knowing it tells that this is an EC2 instance whose IMDS answers.
    private let knownInstanceId = KnownValue()

    /// Creates a resolver over IMDS.
    package init(metadata: any InstanceMetadata) {
        self.metadata = metadata
    }

    private final class KnownValue: Sendable {
        let value = Mutex<String?>(nil)
    }

    /// The configured set identifier, or the instance id.
    package func setIdentifier(_ target: FleetTarget) async throws -> String {
        if let configured = target.setIdentifier { return configured }
        return try await instanceId()
    }

    /// The instance id from IMDS.
    package func instanceId() async throws -> String {
        if let known = knownInstanceId.value.withLock({ $0 }) { return known }
        guard let id = try await metadata.value(at: "instance-id")?.trimmingWhitespace, !id.isEmpty else {
            throw DomainError(.instanceIdUnavailable, "IMDS has no instance-id", remedies: [.giveExplicitly([.memberIdentifier])])
        }
        // It becomes a set identifier, a lock owner and a mark's instance: refuse junk from
        // whatever answers at the metadata address rather than write it into Route 53.
        guard EC2Identifiers.isInstanceId(id) else {
            throw DomainError(
                .instanceIdUnavailable,
                "IMDS answered an instance id that is not one ('\(id)'; an instance id is i- and up to 32 lowercase letters and digits, e.g. i-0123456789abcdef0): is something else listening at the metadata address (AWS_EC2_METADATA_SERVICE_ENDPOINT)?",
                remedies: [.giveExplicitly([.memberIdentifier])]
            )
        }
        knownInstanceId.value.withLock { $0 = id }
        return id
    }

    /// The instance id for a registry mark: `-` when there is none (off EC2, with an explicit
    /// set identifier), so that a sweep never judges such a member by EC2. When the set
    /// identifier is the instance id, this is the id already read: the crash campaign's seed
    /// 20316 saw a start whose second read met an IMDS outage write its mark with `-`, which a
    /// sweep then cannot judge by EC2.
    package func instanceIdForMark() async -> String {
        (try? await instanceId()) ?? "-"
    }

    /// The availability zone from IMDS, or `-` when IMDS does not tell (or answers something
    /// that is not a zone name, which would make the mark invalid). A temporary failure is
    /// thrown on an instance whose IMDS already answered, as for `instanceIdForMark`: a mark
    /// without its zone is not judged by EC2 either.
    package func availabilityZone() async throws -> String {
        let zone: String?
        do {
            zone = try await metadata.value(at: "placement/availability-zone")?.trimmingWhitespace
        } catch let error where error.isTransientFailure && knownInstanceId.value.withLock({ $0 != nil }) {
            throw error
        } catch {
            return "-"
        }
        guard let zone, EC2Identifiers.isAvailabilityZone(zone) else { return "-" }
        return zone
    }

    /// The values of a per-instance name's placeholders, read from IMDS (only those used).
    package func instanceNameValues(
        _ placeholders: Set<InstanceNameTemplate.Placeholder>, setIdentifier: String
    ) async throws -> [InstanceNameTemplate.Placeholder: String] {
        var values: [InstanceNameTemplate.Placeholder: String] = [:]
        for placeholder in placeholders {
            switch placeholder {
            case .instanceId: values[placeholder] = try await instanceId()
            case .setIdentifier: values[placeholder] = setIdentifier
            case .availabilityZone:
                let zone = try await availabilityZone()
                guard zone != "-" else {
                    throw DomainError(.metadataInvalid, "IMDS has no placement/availability-zone for the per-instance name's {az}")
                }
                values[placeholder] = zone
            case .region:
                guard let region = try await metadata.value(at: "placement/region")?.trimmingWhitespace, !region.isEmpty else {
                    throw DomainError(.metadataInvalid, "IMDS has no placement/region for the per-instance name's {region}")
                }
                values[placeholder] = region
            case .localIPv4Dashed:
                values[placeholder] = try await address(.localIPv4).text.replacingDots()
            case .publicIPv4Dashed:
                values[placeholder] = try await address(.publicIPv4).text.replacingDots()
            }
        }
        return values
    }

    /// The address for the record.
    package func address(_ source: AddressSource) async throws -> IPAddress {
        let path: String
        switch source {
        case .literal(let address): return address
        case .publicIPv4: path = "public-ipv4"
        case .localIPv4: path = "local-ipv4"
        case .ipv6: path = "ipv6"
        }
        var text = try await metadata.value(at: path)
        if text == nil, source == .ipv6 {
            // Older instance types list IPv6 addresses only per network interface.
            if let mac = try await metadata.value(at: "mac")?.trimmingWhitespace {
                text = try await metadata.value(at: "network/interfaces/macs/\(mac)/ipv6s")?
                    .split(whereSeparator: \.isNewline).first.map(String.init)
            }
        }
        guard let text else {
            let problem: String
            let remedies: [Remedy]
            switch source {
            case .publicIPv4:
                problem = "this instance has no public IPv4 address (a private zone defaults to its local one)"
                remedies = [.set(.address, to: "local-ipv4"), .giveExplicitly([.address])]
            case .ipv6:
                problem =
                    "network/interfaces/macs/MAC/ipv6s lists none either, so this instance has no IPv6 address: assign one to its network interface (its subnet needs an IPv6 range), or use an A record only"
                remedies = [.set(.recordType, to: "A")]
            default:
                problem = "this instance does not tell its address"
                remedies = [.giveExplicitly([.address])]
            }
            throw DomainError(.addressUnavailable, "IMDS has no \(path) (HTTP 404): \(problem)", remedies: remedies)
        }
        guard let address = IPAddress(text) else {
            throw DomainError(.metadataInvalid, "IMDS answered \(path) with '\(text.prefix(64))', which is not an IP address")
        }
        return address
    }
}

extension String {
    /// `10.0.0.7` as `10-0-0-7`, to fit in one DNS label.
    fileprivate func replacingDots() -> String {
        String(map { $0 == "." ? "-" : $0 })
    }
}
