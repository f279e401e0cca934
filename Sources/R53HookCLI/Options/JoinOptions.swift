import ArgumentParser

/// How `start` (and `cycle`'s rejoin) joins.
struct JoinOptions: ParsableArguments {
    @Option(setting: .holdFile) var holdFile: String?
    @Option(setting: .healthyTimeout) var healthyTimeout: String?
    @Flag(setting: .noWait) var noWait = false
    @Flag(setting: .adopt) var adopt = false
    @Flag(setting: .createFirst) var createFirst = false
}
