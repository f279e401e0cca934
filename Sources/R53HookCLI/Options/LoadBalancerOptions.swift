import ArgumentParser

/// The load balancer this instance joins besides, or instead of, the DNS record.
struct LoadBalancerOptions: ParsableArguments {
    @Option(setting: .elb) var elb: String?
    @Option(setting: .targetGroup) var targetGroup: String?
    @Option(setting: .targetPort) var targetPort: String?
}
