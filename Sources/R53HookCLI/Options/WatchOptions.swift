import ArgumentParser

/// How `watch` polls IMDS and acts on what it says.
struct WatchOptions: ParsableArguments {
    @Option(setting: .pollInterval) var pollInterval: String?
    @Option(setting: .spotMargin) var spotMargin: String?
    @Option(setting: .eventLead) var eventLead: String?
    @Option(setting: .onRebalance) var onRebalance: String?
    @Option(setting: .expiry) var expiry: String?
    @Option(setting: .lifecycleHook) var lifecycleHook: String?
    @Option(setting: .autoScalingGroup) var autoScalingGroup: String?
}
