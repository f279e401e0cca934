import AWSKit

extension AWSKitError {
    /// What would get past this failure in r53hook: AWSKit says what went wrong in AWS terms;
    /// which of r53hook's settings helps is the domain's knowledge.
    package var remedies: [Remedy] {
        switch code {
        case .throttled, .deadlinePassed:
            return [.raise(.deadline)]
        case .metadataUnreachable:
            return [.giveExplicitlyOffEC2([.memberIdentifier, .address])]
        case .metadataSessionRefused:
            return [.use(.allowIMDSv1, purpose: "to allow the older protocol")]
        case .invalidEndpoint, .invalidRegion, .noRegion, .invalidCredentialSource, .metadataDisabled, .invalidRequest,
            .noCredentials, .credentialsRefused, .accessDenied, .metadataRefused, .credentialsUnreachable,
            .serviceUnreachable, .unexpectedResponse:
            return []
        }
    }
}
