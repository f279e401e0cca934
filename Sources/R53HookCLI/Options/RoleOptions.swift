import ArgumentParser

/// The group `role` chooses in, and how many servers it wants.
struct RoleOptions: ParsableArguments {
    @Option(setting: .group) var group: String?
    @Option(setting: .servers) var servers: String?
}
