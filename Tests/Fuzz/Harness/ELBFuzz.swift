import AWSKit
import R53HookKit

/// The Elastic Load Balancing and EC2 answers, through the real clients over a scripted HTTP
/// seam: target health, classic instance health, drain timeouts and instance states, on
/// arbitrary bodies and statuses, never crash, and a drain timeout is never negative.
enum ELBFuzz {
    static func run(_ bytes: [UInt8]) {
        let fields = FuzzFields(bytes)
        let aws = FakeAWS.client(fields)
        guard let v2 = try? AWSService.loadBalancingV2(region: "us-east-1", environment: FakeAWS.environment),
            let classic = try? AWSService.classicLoadBalancing(region: "us-east-1", environment: FakeAWS.environment),
            let ec2Service = try? AWSService.ec2(region: "us-east-1", environment: FakeAWS.environment)
        else { violated("no ELB or EC2 service") }
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
        let membership: any LoadBalancerMembership =
            fields.selector & 1 == 0
            ? TargetGroup(aws: aws, service: v2, arn: arn, port: fields.selector & 2 == 0 ? nil : 8080)
            : ClassicLoadBalancer(aws: aws, service: classic, name: "web")
        runBlocking {
            switch (fields.selector >> 2) & 0x03 {
            case 0: _ = try? await membership.members()
            case 1: _ = try? await membership.member(instanceId: "i-0abc")
            case 2:
                if let timeout = try? await membership.drainTimeout(), timeout < .zero { violated("a negative drain timeout: \(timeout)") }
            default:
                _ = try? await EC2Client(aws: aws, service: ec2Service).states(of: ["i-0abc", "i-0def"])
            }
        }
    }
}
