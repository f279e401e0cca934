import Logging

/// Caches credentials and refreshes temporary ones before they expire, as the SDKs do: from 15
/// minutes before expiry a refresh is attempted and a failure tolerated; from 10 minutes before,
/// a refresh must succeed. Only one refresh runs at a time, however many requests wait for it.
package actor RefreshingCredentials {
    private let provider: any CredentialProvider
    private let time: any TimeSource
    private let logger: Logger
    private let advisoryWindow: Double
    private let mandatoryWindow: Double
    private var cached: AWSCredentials?
    private var refresh: Task<AWSCredentials, any Error>?

    /// Creates a cache over a provider (usually the chain).
    package init(
        provider: any CredentialProvider, time: any TimeSource, logger: Logger,
        advisoryWindow: Duration = .seconds(15 * 60), mandatoryWindow: Duration = .seconds(10 * 60)
    ) {
        self.provider = provider
        self.time = time
        self.logger = logger
        self.advisoryWindow = advisoryWindow.seconds
        self.mandatoryWindow = mandatoryWindow.seconds
    }

    /// Credentials fit to sign a request now.
    package func current() async throws -> AWSCredentials {
        let now = time.wallClock
        if let cached {
            guard let expiration = cached.expiration else { return cached }
            let left = expiration.seconds - now.seconds
            if left > advisoryWindow { return cached }
            if left > mandatoryWindow {
                do {
                    return try await refreshed()
                } catch {
                    logger.warning("could not refresh credentials (\(error)); the current ones are valid until \(expiration)")
                    return cached
                }
            }
        }
        return try await refreshed()
    }

    /// Forgets the cached credentials, after AWS said they expired.
    package func invalidate() {
        cached = nil
    }

    private func refreshed() async throws -> AWSCredentials {
        if let refresh { return try await refresh.value }
        let provider = self.provider
        let task = Task { () throws -> AWSCredentials in
            guard let credentials = try await provider.resolve() else {
                throw AWSKitError(.noCredentials, "no AWS credentials found")
            }
            return credentials
        }
        refresh = task
        defer { refresh = nil }
        let credentials = try await task.value
        logger.debug("using credentials: \(credentials)")
        cached = credentials
        return credentials
    }
}
