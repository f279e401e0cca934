import ArgumentParser

/// `--json`, for the commands that print a report.
struct JSONOptions: ParsableArguments {
    @Flag(setting: .json) var json = false
}
