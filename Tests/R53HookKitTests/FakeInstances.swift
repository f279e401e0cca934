import R53HookKit
import Synchronization

/// EC2 as a dictionary of instance states; records every lookup.
final class FakeInstances: InstanceStateLookup, Sendable {
    let region = "us-east-1"
    private let known: [String: InstanceState]
    private let asked = Mutex<[[String]]>([])

    init(_ known: [String: InstanceState]) { self.known = known }

    var lookups: [[String]] { asked.withLock { $0 } }

    func states(of instanceIds: [String]) async throws -> [String: InstanceState] {
        asked.withLock { $0.append(instanceIds) }
        return known.filter { instanceIds.contains($0.key) }
    }
}
