import AWSKit
import Logging

extension RefreshingCredentials {
    /// AWS's documentation key, for the AWSClient tests that need credentials but not their source.
    package static func example(time: any TimeSource, logger: Logger) -> RefreshingCredentials {
        RefreshingCredentials(
            provider: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s", source: "test")),
            time: time, logger: logger)
    }
}
