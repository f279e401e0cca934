import ArgumentParser

/// `watch`'s local health gate.
struct HealthCheckOptions: ParsableArguments {
    @Option(setting: .checkUrl) var checkUrl: String?
    @Option(setting: .checkCmd) var checkCmd: String?
    @Option(setting: .checkInterval) var checkInterval: String?
    @Option(setting: .rise) var rise: String?
    @Option(setting: .fall) var fall: String?
    @Option(setting: .onUnhealthy) var onUnhealthy: String?
}
