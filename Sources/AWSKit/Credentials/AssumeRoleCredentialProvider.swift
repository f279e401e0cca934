import XMLLite

/// The temporary credentials of a role assumed through STS `AssumeRole`, signed with the
/// credentials of the profile's source (another profile, the environment, the instance role
/// or the container endpoint). `RefreshingCredentials` asks again before they expire.
package struct AssumeRoleCredentialProvider: CredentialProvider {
    private let settings: AssumeRoleSettings
    private let source: any CredentialProvider
    private let environment: ProcessEnvironment
    private let services: ProfileCredentialServices

    /// Creates the provider.
    package init(
        settings: AssumeRoleSettings, source: any CredentialProvider, environment: ProcessEnvironment,
        services: ProfileCredentialServices
    ) {
        self.settings = settings
        self.source = source
        self.environment = environment
        self.services = services
    }

    /// "role arn:aws:iam::111122223333:role/dns (profile dns)".
    package var description: String { "role \(settings.roleARN) (profile \(settings.profile))" }

    /// Calls AssumeRole and returns the role's credentials.
    package func resolve() async throws -> AWSCredentials? {
        let service = try AWSService.sts(region: try await region(), environment: environment)
        let sourceCredentials = RefreshingCredentials(provider: source, time: services.time, logger: services.logger)
        let client = AWSClient(
            http: services.http, credentials: sourceCredentials, time: services.time, deadline: services.fetchDeadline(),
            logger: services.logger, clockSkew: services.clockSkew)
        var parameters = [("RoleArn", settings.roleARN), ("RoleSessionName", settings.sessionName)]
        if let seconds = settings.durationSeconds { parameters.append(("DurationSeconds", String(seconds))) }
        if let externalId = settings.externalId { parameters.append(("ExternalId", externalId)) }
        let operation = AWSOperation.query(
            action: "AssumeRole", version: "2011-06-15", parameters: parameters, resourceARN: settings.roleARN)
        let answer: XMLElement
        do {
            answer = try await client.send(operation, to: service)
        } catch let error as AWSKitError where error.code == .accessDenied {
            throw AWSKitError(
                .accessDenied,
                "profile '\(settings.profile)' cannot assume \(settings.roleARN) with the credentials of \(source): \(error.message). The role's trust policy must allow that identity\(settings.externalId == nil ? "" : " with this external_id"), and its own policy sts:AssumeRole on the role",
                underlying: error)
        } catch let error as AWSServiceError {
            throw AWSKitError(
                .invalidCredentialSource,
                "STS refused AssumeRole of \(settings.roleARN) for profile '\(settings.profile)': \(PrintableText.escaping(error.description))",
                underlying: error)
        }
        return try Self.credentials(from: answer, source: description)
    }

    /// The credentials of an AssumeRole answer.
    static func credentials(from answer: XMLElement, source: String) throws(AWSKitError) -> AWSCredentials {
        guard let credentials = answer.element(at: "AssumeRoleResult", "Credentials"),
            let keyId = credentials.childText("AccessKeyId"), !keyId.isEmpty,
            let secret = credentials.childText("SecretAccessKey"), !secret.isEmpty,
            let token = credentials.childText("SessionToken"), !token.isEmpty,
            let expirationText = credentials.childText("Expiration")
        else {
            throw AWSKitError(.unexpectedResponse, "STS answered AssumeRole without the role's credentials (\(source))")
        }
        guard let expiration = UnixTime(iso8601: expirationText) else {
            throw AWSKitError(
                .unexpectedResponse, "STS answered AssumeRole with an unreadable Expiration '\(PrintableText.escaping(expirationText))'")
        }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: expiration, source: source)
    }

    /// The region of the STS endpoint: the environment's, the profile's or the instance's; the
    /// global endpoint when none is known (as the SDKs do without a region).
    private func region() async throws -> String? {
        do {
            return try await RegionResolver(environment: environment, metadata: services.metadata, files: services.files).region()
        } catch let error as AWSKitError where error.code == .noRegion {
            return nil
        }
    }
}
