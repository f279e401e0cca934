/// The version of r53hook, shown by `--version` and sent in the User-Agent.
public enum R53HookVersion {
    /// Semantic version.
    public static let current = "0.1.0"
}
