import ArgumentParser

/// The AWS time limit and the logging every command but `lock` takes (`lock` runs its command
/// for as long as it needs, so one deadline for the whole run does not fit it).
struct AWSOptions: ParsableArguments {
    @Option(setting: .deadline) var deadline: String?
    @OptionGroup var logging: LoggingOptions
}
