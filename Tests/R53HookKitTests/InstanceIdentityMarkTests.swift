import AWSKit
import Synchronization
import Testing

@testable import R53HookKit

/// What a registry mark says about the instance when IMDS fails part way (crash campaign seed
/// 20316: a start whose second IMDS read met an outage wrote `instance=-`).
@Suite struct InstanceIdentityMarkTests {
    /// IMDS that answers `items` until `down` is set, then cannot be reached.
    private final class FlakyMetadata: InstanceMetadata {
        let items: [String: String]
        let down = Mutex(false)

        init(items: [String: String]) {
            self.items = items
        }

        func value(at path: String) async throws -> String? {
            if down.withLock({ $0 }) { throw AWSKitError(.metadataUnreachable, "IMDS at http://169.254.169.254: Couldn't connect to server") }
            return items[path]
        }
    }

    private static let items = ["instance-id": "i-0123456789abcdef0", "placement/availability-zone": "us-east-1a"]

    @Test func theInstanceIdReadForTheSetIdentifierIsTheMarksEvenWhenIMDSGoesDown() async throws {
        let metadata = FlakyMetadata(items: Self.items)
        let identity = InstanceIdentity(metadata: metadata)
        #expect(try await identity.instanceId() == "i-0123456789abcdef0")
        metadata.down.withLock { $0 = true }
        #expect(await identity.instanceIdForMark() == "i-0123456789abcdef0")
    }

    @Test func onAnInstanceWhoseIMDSAnsweredAnOutageReadingTheZoneIsAnErrorNotADash() async throws {
        let metadata = FlakyMetadata(items: Self.items)
        let identity = InstanceIdentity(metadata: metadata)
        _ = try await identity.instanceId()
        metadata.down.withLock { $0 = true }
        await #expect(throws: AWSKitError.self) { _ = try await identity.availabilityZone() }
    }

    @Test func offEC2WithoutIMDSTheMarkSaysDashForBoth() async throws {
        let metadata = FlakyMetadata(items: [:])
        metadata.down.withLock { $0 = true }
        let identity = InstanceIdentity(metadata: metadata)
        #expect(await identity.instanceIdForMark() == "-")
        #expect(try await identity.availabilityZone() == "-")
    }
}
