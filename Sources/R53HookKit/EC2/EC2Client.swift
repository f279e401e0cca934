import AWSKit
import XMLLite

/// EC2's DescribeInstances through the Query API (version 2016-11-15).
///
/// Ids go in an `instance-id` filter, not in `InstanceId.N`: with the latter one unknown id fails
/// the whole call (InvalidInstanceID.NotFound), while a filter simply leaves it out, which is
/// exactly "gone". At most 100 ids per call, following `nextToken` pages.
public struct EC2Client: InstanceStateLookup {
    private let aws: AWSClient
    private let service: AWSService
    private static let version = "2016-11-15"
    /// Ids per DescribeInstances call.
    public static let batchSize = 100

    /// Creates the client.
    public init(aws: AWSClient, service: AWSService) {
        self.aws = aws
        self.service = service
    }

    /// The service's region.
    public var region: String { service.region }

    public func states(of instanceIds: [String]) async throws -> [String: String] {
        var states: [String: String] = [:]
        let unique = Array(Set(instanceIds)).sorted()
        var start = 0
        while start < unique.count {
            let batch = Array(unique[start..<min(start + Self.batchSize, unique.count)])
            start += Self.batchSize
            var nextToken: String?
            repeat {
                var parameters = [("Filter.1.Name", "instance-id")]
                for (index, id) in batch.enumerated() { parameters.append(("Filter.1.Value.\(index + 1)", id)) }
                parameters.append(("MaxResults", "1000"))
                if let nextToken { parameters.append(("NextToken", nextToken)) }
                let root = try await aws.send(.query(action: "DescribeInstances", version: Self.version, parameters: parameters),
                                              to: service)
                for (id, state) in Self.instanceStates(in: root) { states[id] = state }
                nextToken = root.childText("nextToken").flatMap { $0.isEmpty ? nil : $0 }
            } while nextToken != nil
        }
        return states
    }

    /// The (instance id, state name) pairs of a DescribeInstances answer.
    static func instanceStates(in root: XMLElement) -> [(String, String)] {
        let reservations = root.child("reservationSet")?.children(named: "item") ?? []
        return reservations.flatMap { reservation in
            (reservation.child("instancesSet")?.children(named: "item") ?? []).compactMap { instance in
                guard let id = instance.childText("instanceId"),
                      let state = instance.element(at: "instanceState", "name")?.trimmedText else { return nil }
                return (id, state)
            }
        }
    }
}
