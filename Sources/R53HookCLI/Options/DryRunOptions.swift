import ArgumentParser

/// `--dry-run`, for the commands that change something.
struct DryRunOptions: ParsableArguments {
    @Flag(setting: .dryRun) var dryRun = false
}
