import ArgumentParser

/// What the command run by `cycle` and `lock` gets from r53hook's environment; one declaration
/// for both commands.
struct CommandEnvironmentOptions: ParsableArguments {
    @Flag(setting: .passAWSCredentials) var passAWSCredentials = false

    /// The --help paragraph on how the command is run, shared by `cycle` and `lock`.
    static let discussion = """
        The command runs in a process group of its own, with standard input, output and error \
        but no other descriptor of r53hook's, and without r53hook's AWS keys and tokens unless \
        --pass-aws-credentials. SIGINT, SIGTERM and SIGHUP sent to r53hook go to the whole group; \
        when r53hook is the terminal's foreground job, the group gets the terminal while it runs \
        (Ctrl-C reaches it directly, it may read the terminal, and Ctrl-Z stops it and r53hook \
        as one job).
        """
}
