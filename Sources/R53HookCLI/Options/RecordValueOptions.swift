import ArgumentParser

/// What the record written by `start` (and `cycle`'s rejoin) holds.
struct RecordValueOptions: ParsableArguments {
    @Option(setting: .ttl) var ttl: String?
    @Option(setting: .weight) var weight: String?
    @Option(setting: .address) var address: String?
    @Option(setting: .healthCheckId) var healthCheckId: String?
    @Option(setting: .routing) var routing: String?
    @Option(setting: .instanceName) var instanceName: String?
}
