/// Finds the AWS region as the SDKs do: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the
/// profile's `region` in the shared config file, then the instance's region from IMDS.
public struct RegionResolver: Sendable {
    private let environment: ProcessEnvironment
    private let metadata: any InstanceMetadata
    private let files: any FileReading

    /// Creates a resolver.
    public init(environment: ProcessEnvironment, metadata: any InstanceMetadata, files: any FileReading = LocalFileReader()) {
        self.environment = environment
        self.metadata = metadata
        self.files = files
    }

    /// The region; an error that says how to set it when no source has one.
    public func region() async throws -> String {
        if let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] { return region }
        let profile = environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
        let configPath = environment["AWS_CONFIG_FILE"] ?? "\(environment["HOME"] ?? "")/.aws/config"
        if let text = files.read(path: configPath) {
            let sections = INIFile(text: text).sections
            let section = profile == "default" ? (sections["default"] ?? sections["profile default"]) : sections["profile \(profile)"]
            if let region = section?["region"], !region.isEmpty { return region }
        }
        do {
            if let region = try await metadata.value(at: "placement/region")?.trimmingWhitespace, !region.isEmpty {
                return region
            }
        } catch let error as HookError {
            throw HookError(.configuration, "no AWS region: set AWS_REGION (the instance metadata could not tell: \(error.message))")
        }
        throw HookError(.configuration, "no AWS region: set AWS_REGION or a region in the AWS profile")
    }
}
