import ArgumentParser

/// What `cycle` does around its command: rejoin after a failure, and the command's environment.
struct CycleCommandOptions: ParsableArguments {
    @Flag(setting: .rejoinOnFailure) var rejoinOnFailure = false
    @OptionGroup var environment: CommandEnvironmentOptions
}
