import ArgumentParser

/// Where the records live: the config file and the hosted zone. Every command takes them.
struct ZoneOptions: ParsableArguments {
    @Option(setting: .config) var config: String?
    @Flag(setting: .fromTags) var fromTags = false
    @Option(setting: .zoneId) var zoneId: String?
    @Option(setting: .zoneName) var zoneName: String?
    @Flag(exclusivity: .exclusive) var privateZone: ZoneVisibilityFlag?
}
