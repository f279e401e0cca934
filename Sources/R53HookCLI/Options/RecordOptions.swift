import ArgumentParser

/// Which weighted record is this instance's: every command that reads or changes it.
struct RecordOptions: ParsableArguments {
    @Option(setting: .name) var name: String?
    @Option(setting: .type) var type: String?
    @Option(setting: .setIdentifier) var setIdentifier: String?
}
