import ArgumentParser

/// IMDS's protocol and debug logging: every command takes them.
struct LoggingOptions: ParsableArguments {
    @Flag(setting: .imdsV1) var imdsV1 = false
    @Flag(setting: .debug) var debug = false
    @Option(setting: .logFormat) var logFormat: String?
}
