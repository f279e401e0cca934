import ArgumentParser

/// The quorum that `stop` and `cycle` keep when leaving.
struct QuorumOptions: ParsableArguments {
    @Option(setting: .minHealthy) var minHealthy: String?
    @Option(setting: .quorum) var quorum: String?
    @Option(setting: .quorumInterval) var quorumInterval: String?
    @Option(setting: .quorumTimeout) var quorumTimeout: String?
    @Option(setting: .onNoQuorum) var onNoQuorum: String?
    @Flag(setting: .quorumLock) var quorumLock = false
}
