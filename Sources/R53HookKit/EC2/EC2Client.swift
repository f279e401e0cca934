import AWSKit
import XMLLite

/// EC2's DescribeInstances through the Query API (version 2016-11-15).
///
/// Ids go in an `instance-id` filter, not in `InstanceId.N`: with the latter one unknown id fails
/// the whole call (InvalidInstanceID.NotFound), while a filter simply leaves it out, which is
/// exactly "gone". At most 100 ids per call, following `nextToken` pages.
package struct EC2Client: InstanceStateLookup {
    private let aws: AWSClient
    private let service: AWSService
    private static let version = "2016-11-15"
    /// Ids per DescribeInstances call.
    package static let batchSize = 100
    /// Most DescribeInstances pages read for one batch of ids. EC2 may page before it filters,
    /// so a batch can take several (nearly empty) pages of up to 1,000 instances each; 100 pages
    /// cover an account with 100,000 instances in the region. More is not EC2, and must not loop.
    static let maximumPagesPerBatch = 100

    /// Creates the client.
    package init(aws: AWSClient, service: AWSService) {
        self.aws = aws
        self.service = service
    }

    /// The service's region.
    package var region: String { service.region }

    /// Each nextToken must be new and the pages of a batch at most `maximumPagesPerBatch`; only
    /// the ids asked for are kept.
    package func states(of instanceIds: [String]) async throws -> [String: InstanceState] {
        var states: [String: InstanceState] = [:]
        let unique = Array(Set(instanceIds)).sorted()
        var start = 0
        while start < unique.count {
            let batch = Array(unique[start..<min(start + Self.batchSize, unique.count)])
            let wanted = Set(batch)
            start += Self.batchSize
            var nextToken: String?
            var seenTokens = Set<String>()
            var pages = 0
            repeat {
                pages += 1
                if pages > Self.maximumPagesPerBatch {
                    throw Self.brokenPaging("more than \(Self.maximumPagesPerBatch) pages for \(batch.count) instance ids")
                }
                var parameters = [("Filter.1.Name", "instance-id")]
                for (index, id) in batch.enumerated() { parameters.append(("Filter.1.Value.\(index + 1)", id)) }
                parameters.append(("MaxResults", "1000"))
                if let nextToken { parameters.append(("NextToken", nextToken)) }
                let root = try await aws.send(
                    .query(action: "DescribeInstances", version: Self.version, parameters: parameters),
                    to: service)
                for (id, state) in Self.instanceStates(in: root) where wanted.contains(id) { states[id] = InstanceState(rawValue: state) }
                nextToken = root.childText("nextToken").flatMap { $0.isEmpty ? nil : $0 }
                if let token = nextToken, !seenTokens.insert(token).inserted {
                    throw Self.brokenPaging("the same nextToken twice")
                }
            } while nextToken != nil
        }
        return states
    }

    private static func brokenPaging(_ what: String) -> DomainError {
        DomainError(
            .unexpectedResponse,
            "EC2 answered DescribeInstances with \(what); EC2 never does, so r53hook stopped reading. Check AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL: is that endpoint really EC2?")
    }

    /// The (instance id, state name) pairs of a DescribeInstances answer.
    static func instanceStates(in root: XMLElement) -> [(String, String)] {
        let reservations = root.child("reservationSet")?.children(named: "item") ?? []
        return reservations.flatMap { reservation in
            (reservation.child("instancesSet")?.children(named: "item") ?? []).compactMap { instance in
                guard let id = instance.childText("instanceId"),
                    let state = instance.element(at: "instanceState", "name")?.trimmedText
                else { return nil }
                return (id, state)
            }
        }
    }
}
