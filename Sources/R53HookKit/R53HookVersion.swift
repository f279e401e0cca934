/// The version of r53hook, shown by `--version` and sent in the User-Agent.
package enum R53HookVersion {
    /// Semantic version.
    package static let current = "0.1.0"
}
