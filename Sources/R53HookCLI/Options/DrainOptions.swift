import ArgumentParser

/// How long `stop` and `cycle` drain after the deletion is INSYNC.
struct DrainOptions: ParsableArguments {
    @Option(setting: .drainExtra) var drainExtra: String?
}
