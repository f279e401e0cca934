import AWSKit
import Logging
import TestSupport

/// An AWS client whose every answer comes from the fuzz input, on a virtual clock so retries and
/// polls cost nothing. The input's selector byte picks the HTTP status of the answers (mostly
/// 200), and each request gets the next NUL-separated body, the last one repeating (pages).
enum FakeAWS {
    static let statuses = [200, 200, 200, 200, 200, 200, 400, 403, 404, 500, 503, 200, 301, 409, 200, 200]

    static func client(_ fields: FuzzFields, budget: Duration = .seconds(60)) -> AWSClient {
        let status = statuses[Int(fields.selector >> 4)]
        let bodies = fields.strings.isEmpty ? [""] : fields.strings
        let http = ScriptedHTTPClient { _, index in
            .status(index == 0 ? status : 200, bodies[min(index, bodies.count - 1)])
        }
        let time = ManualTime()
        let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
        let credentials = RefreshingCredentials(
            provider: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s", source: "fuzz")),
            time: time, logger: logger)
        return AWSClient(
            http: http, credentials: credentials, time: time, retryPolicy: RetryPolicy(maximumRetries: 2, random: { 0.5 }),
            deadline: Deadline(budget: budget, time: time), logger: logger)
    }

    static let environment = ProcessEnvironment([:])
}
