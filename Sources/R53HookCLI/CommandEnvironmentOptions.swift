import ArgumentParser
import R53HookKit

/// What the command run by `cycle` and `lock` gets from r53hook's environment; one declaration
/// for both commands.
struct CommandEnvironmentOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Give the command r53hook's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN and AWS_CONTAINER_AUTHORIZATION_TOKEN. (R53HOOK_PASS_AWS_CREDENTIALS)",
            discussion: "By default they are removed from its environment: an AWS tool in the command then uses the rest of its chain (profile, instance role)."))
    var passAWSCredentials = false

    /// Adds the flags that were given to the settings taken from the command line.
    func add(to flags: inout [SettingKey: String]) {
        if passAWSCredentials { flags[.passAWSCredentials] = "true" }
    }

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
