/// Settings that act on one fleet target: what joining and leaving share, so a use case reads
/// `settings.record` whichever way the instance moves.
package protocol TargetedSettings {
    /// The record and/or load balancer.
    var target: FleetTarget { get set }
}

extension TargetedSettings {
    /// The weighted DNS record, when DNS is used.
    package var record: RecordSettings? {
        get { target.record }
        set { target.record = newValue }
    }

    /// The load balancer, when one is used.
    package var loadBalancer: LoadBalancerTarget? {
        get { target.loadBalancer }
        set { target.loadBalancer = newValue }
    }
}
