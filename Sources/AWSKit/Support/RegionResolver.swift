/// Finds the AWS region as the SDKs do: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the
/// profile's `region` in the shared config file, then the instance's region from IMDS.
///
/// Whatever the source, the value must look like a region name: it is pasted into host names
/// (`ec2.REGION.amazonaws.com`), so `x.evil.example/` would send signed requests elsewhere.
package struct RegionResolver: Sendable {
    private let environment: ProcessEnvironment
    private let metadata: any InstanceMetadata
    private let files: any FileReading

    /// Creates a resolver.
    package init(environment: ProcessEnvironment, metadata: any InstanceMetadata, files: any FileReading = LocalFileReader()) {
        self.environment = environment
        self.metadata = metadata
        self.files = files
    }

    /// The region; an error that says how to set it when no source has one or it is malformed.
    package func region() async throws -> String {
        for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let region = environment[variable] { return try Self.validated(region, source: variable) }
        }
        let profile = environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
        let configPath = environment["AWS_CONFIG_FILE"] ?? environment.homeDirectory.map { "\($0)/.aws/config" }
        if let configPath, let text = files.read(path: configPath) {
            let sections = INIFile(text: text).sections
            let section = profile == "default" ? (sections["default"] ?? sections["profile default"]) : sections["profile \(profile)"]
            if let region = section?["region"], !region.isEmpty {
                return try Self.validated(region, source: "the region of profile '\(profile)' in \(configPath)")
            }
        }
        let fromMetadata: String?
        do {
            fromMetadata = try await metadata.value(at: "placement/region")?.trimmingWhitespace
        } catch let error as AWSKitError {
            // IMDS down or failing for a moment is no configuration problem: keep its code (69,
            // which an init system retries), not 78, which tells the operator to fix a file.
            let code: AWSKitError.Code = error.code.isTransient ? error.code : .noRegion
            throw AWSKitError(code, "no AWS region: set AWS_REGION (the instance metadata could not tell: \(error.message))", underlying: error)
        }
        guard let fromMetadata, !fromMetadata.isEmpty else {
            throw AWSKitError(.noRegion, "no AWS region: set AWS_REGION or a region in the AWS profile")
        }
        return try Self.validated(fromMetadata, source: "the instance metadata's placement/region")
    }

    /// The region when it has the shape of every AWS region name: lowercase words joined by
    /// hyphens and a number last (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`), at most 32
    /// characters; an error naming the source otherwise.
    static func validated(_ region: String, source: String) throws(AWSKitError) -> String {
        if isRegionName(region) { return region }
        let shown = region.utf8.count <= 64 && region.utf8.allSatisfy { (0x21...0x7e).contains($0) } ? "'\(region)'" : "a value"
        throw AWSKitError(
            .invalidRegion,
            "\(source) is \(shown), which is not an AWS region name (like us-east-1): set AWS_REGION to the region of the instance")
    }

    /// Whether the text is lowercase letter groups and a final digit group, separated by hyphens.
    static func isRegionName(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count <= 32, parts.count >= 3, let last = parts.last else { return false }
        let isWord: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } }
        let isNumber: (Substring) -> Bool = { !$0.isEmpty && $0.count <= 2 && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
        return parts.dropLast().allSatisfy(isWord) && isNumber(last)
    }
}
