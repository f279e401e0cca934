import AWSKit
import Logging
import R53HookKit
import TestSupport

/// Instance metadata answers: the identity r53hook writes into Route 53 (instance id, zone,
/// address), the role's credential document, the instance tags, and the IMDSv2 client itself
/// over a scripted HTTP seam. Nothing crashes, and what is accepted is what Route 53 and the
/// marks can carry: an instance id is a set identifier (at most 128 characters, no spaces), a
/// zone is a zone name or `-`, credentials have a key id and a secret, tag keys are servable.
enum IMDSFuzz {
    /// Answers every path from the input's strings: slot n for the n-th path asked.
    struct Answers: InstanceMetadata {
        let fields: FuzzFields

        func value(at path: String) async throws -> String? {
            let paths = [
                "instance-id", "placement/availability-zone", "public-ipv4", "local-ipv4", "ipv6", "mac",
                "iam/security-credentials/", "tags/instance",
            ]
            let slot = paths.firstIndex(of: path) ?? (path.hasPrefix("iam/security-credentials/") ? 8 : path.hasPrefix("tags/instance/") ? 9 : 10)
            let text = fields[slot]
            return text == "\u{7F}404" ? nil : text
        }
    }

    static func run(_ bytes: [UInt8]) {
        let fields = FuzzFields(bytes)
        let metadata = Answers(fields: fields)
        let identity = InstanceIdentity(metadata: metadata)
        runBlocking {
            switch fields.selector & 0x03 {
            case 0:
                if let id = try? await identity.instanceId(), let problem = MemberIdentifier.problem(with: id) {
                    violated("IMDS's instance id \(id.debugDescription) was accepted, but \(problem)")
                }
                if let id = try? await identity.setIdentifier(FleetTarget()), let problem = MemberIdentifier.problem(with: id) {
                    violated("IMDS's instance id \(id.debugDescription) became a set identifier, but \(problem)")
                }
                if let zone = try? await identity.availabilityZone(), zone != "-" && !EC2Identifiers.isAvailabilityZone(zone) {
                    violated("the zone \(zone.debugDescription) was accepted")
                }
                for source in [AddressSource.publicIPv4, .localIPv4, .ipv6] {
                    if let address = try? await identity.address(source), IPAddress(address.text) != address {
                        violated("the address \(address.text.debugDescription) does not read back the same")
                    }
                }
            case 1:
                guard let credentials = try? await InstanceRoleCredentialProvider(metadata: metadata).resolve() else { return }
                if credentials.accessKeyId.isEmpty || credentials.secretAccessKey.isEmpty { violated("credentials without a key id or secret") }
            case 2:
                guard let tags = try? await InstanceTags.read(from: metadata) else { return }
                for (key, value) in tags.values {
                    if !key.hasPrefix(InstanceTags.prefix) || InstanceTags.problem(withKey: key) != nil { violated("the tag key \(key.debugDescription)") }
                    if value.count > InstanceTags.maximumValueLength { violated("a tag value of \(value.count) characters") }
                }
            default:
                await client(fields)
            }
        }
    }

    /// The IMDSv2 client: the token PUT and each GET answered from the input.
    static func client(_ fields: FuzzFields) async {
        let statuses = [200, 200, 200, 404, 401, 403, 405, 500, 503, 200, 200, 400, 200, 204, 200, 302]
        let http = ScriptedHTTPClient { _, index in
            let status = statuses[Int((fields.selector >> (2 + index % 3)) & 0x0F)]
            return .status(index == 0 ? 200 : status, fields[index] ?? "")
        }
        let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
        guard let endpoint = try? Endpoint(parsing: "http://169.254.169.254") else { violated("no IMDS endpoint") }
        let imds = IMDSClient(
            configuration: IMDSConfiguration(endpoint: endpoint, allowsV1: fields.selector & 0x80 != 0), http: http, time: ManualTime(),
            logger: logger)
        if let id = try? await InstanceIdentity(metadata: imds).instanceId(), let problem = MemberIdentifier.problem(with: id) {
            violated("IMDS's instance id \(id.debugDescription) was accepted, but \(problem)")
        }
        _ = try? await InstanceRoleCredentialProvider(metadata: imds).resolve()
    }
}
