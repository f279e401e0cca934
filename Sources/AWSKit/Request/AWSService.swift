import XMLLite

/// An AWS service as r53hook talks to it: where, how requests are signed, and how large its
/// answers can be.
package struct AWSService: Sendable {
    /// The name in messages ("Route 53").
    package let displayName: String
    /// The SigV4 service name ("route53").
    package let signingName: String
    /// The prefix of its IAM actions ("route53"), for access-denied messages.
    package let iamPrefix: String
    /// The SigV4 region.
    package let region: String
    /// Where requests go.
    package let endpoint: Endpoint
    /// The largest answer the service can send to the calls r53hook makes: anything larger, or
    /// with more elements, is not the service, and is refused before it costs memory.
    package let responseLimits: XMLDocumentParser.Limits

    /// Creates a service description.
    package init(
        displayName: String, signingName: String, iamPrefix: String, region: String, endpoint: Endpoint,
        responseLimits: XMLDocumentParser.Limits = .standard
    ) {
        self.displayName = displayName
        self.signingName = signingName
        self.iamPrefix = iamPrefix
        self.region = region
        self.endpoint = endpoint
        self.responseLimits = responseLimits
    }

    /// Route 53's largest answer to r53hook is a ListResourceRecordSets page of 100 record sets
    /// (the page size r53hook asks for: a whole weighted set, at most 100 per name and type). A
    /// record set holds at most 100 values of at most 32,000 characters in all (one change batch
    /// carries at most 32,000), so a page is at most 100 × (32,000 + 100 × 48 bytes of
    /// `<ResourceRecord><Value>` markup + ~2 KB of other fields) ≈ 3.9 MB and about 22,500
    /// elements. Every other Route 53 answer is far smaller.
    package static let route53ResponseLimits = XMLDocumentParser.Limits(maximumBytes: 4 * 1024 * 1024, maximumElements: 30_000)

    /// Route 53: a global service signed for us-east-1, at `AWS_ENDPOINT_URL_ROUTE_53`, else
    /// `AWS_ENDPOINT_URL`, else `https://route53.amazonaws.com` (the SDKs' endpoint convention).
    package static func route53(environment: ProcessEnvironment) throws(AWSKitError) -> AWSService {
        AWSService(
            displayName: "Route 53", signingName: "route53", iamPrefix: "route53", region: "us-east-1",
            endpoint: try endpoint(
                environment: environment, serviceVariable: "AWS_ENDPOINT_URL_ROUTE_53",
                default: "https://route53.amazonaws.com"),
            responseLimits: route53ResponseLimits)
    }

    /// Classic Elastic Load Balancing (Query API 2012-06-01) in a region, at
    /// `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING`, else `AWS_ENDPOINT_URL`.
    package static func classicLoadBalancing(region: String, environment: ProcessEnvironment) throws(AWSKitError) -> AWSService {
        try loadBalancing(region: region, environment: environment, serviceVariable: "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING")
    }

    /// Elastic Load Balancing v2 (Query API 2015-12-01) in a region, at
    /// `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`, else `AWS_ENDPOINT_URL`.
    package static func loadBalancingV2(region: String, environment: ProcessEnvironment) throws(AWSKitError) -> AWSService {
        try loadBalancing(region: region, environment: environment, serviceVariable: "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2")
    }

    /// Both load balancing APIs: one endpoint and signing name, each its own override variable.
    private static func loadBalancing(region: String, environment: ProcessEnvironment, serviceVariable: String) throws(AWSKitError)
        -> AWSService
    {
        AWSService(
            displayName: "Elastic Load Balancing", signingName: "elasticloadbalancing", iamPrefix: "elasticloadbalancing",
            region: region,
            endpoint: try endpoint(
                environment: environment, serviceVariable: serviceVariable,
                default: "https://elasticloadbalancing.\(region).amazonaws.com"))
    }

    /// EC2 (Query API 2016-11-15) in a region, at `AWS_ENDPOINT_URL_EC2`, else `AWS_ENDPOINT_URL`.
    package static func ec2(region: String, environment: ProcessEnvironment) throws(AWSKitError) -> AWSService {
        AWSService(
            displayName: "EC2", signingName: "ec2", iamPrefix: "ec2", region: region,
            endpoint: try endpoint(
                environment: environment, serviceVariable: "AWS_ENDPOINT_URL_EC2",
                default: "https://ec2.\(region).amazonaws.com"))
    }

    /// The endpoint for a service by the SDK convention; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`
    /// turns the overrides off. Plain http is refused unless the host is this machine.
    package static func endpoint(
        environment: ProcessEnvironment, serviceVariable: String,
        default defaultURL: String
    ) throws(AWSKitError) -> Endpoint {
        let ignoreOverrides = environment.flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        let variable =
            ignoreOverrides
            ? nil
            : (environment[serviceVariable] != nil ? serviceVariable : (environment["AWS_ENDPOINT_URL"] != nil ? "AWS_ENDPOINT_URL" : nil))
        let text = variable.flatMap { environment[$0] } ?? defaultURL
        let endpoint: Endpoint
        do {
            endpoint = try Endpoint(parsing: text)
        } catch {
            throw AWSKitError(.invalidEndpoint, "\(variable ?? "endpoint"): \(error.message)", underlying: error)
        }
        try endpoint.requireEncryptedUnlessLoopback(variable: variable ?? "the endpoint")
        return endpoint
    }
}
