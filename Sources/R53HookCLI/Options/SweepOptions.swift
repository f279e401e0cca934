import ArgumentParser

/// `sweep`'s self-preservation.
struct SweepOptions: ParsableArguments {
    @Option(setting: .maxFraction) var maxFraction: String?
    @Flag(setting: .force) var force = false
}
