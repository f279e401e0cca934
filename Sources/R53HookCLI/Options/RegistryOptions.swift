import ArgumentParser

/// How `members`, `role` and `sweep` judge the registry's heartbeats.
struct RegistryOptions: ParsableArguments {
    @Option(setting: .expiry) var expiry: String?
}
