import ArgumentParser

/// Who holds `lock`'s lock, for how long, and how long to wait for it.
struct LockOptions: ParsableArguments {
    @Option(setting: .owner) var owner: String?
    @Option(setting: .lease) var lease: String?
    @Flag(setting: .lockNoWait) var lockNoWait = false
    @Option(setting: .waitTimeout) var waitTimeout: String?
}
