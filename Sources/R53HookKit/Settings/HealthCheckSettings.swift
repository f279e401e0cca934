/// `watch`'s local health gate: what to check, how often, and how damped.
package struct HealthCheckSettings: Sendable, Equatable {
    /// What is checked.
    package enum Check: Sendable, Equatable {
        /// `--check-url`: a GET that must answer 2xx.
        case url(String)
        /// `--check-cmd`: a shell command that must exit 0.
        case command(String)
    }

    /// What is checked.
    package var check: Check
    /// Seconds between checks, also each check's time limit.
    package var interval: Duration
    /// Passes in a row to become healthy again.
    package var rise: Int
    /// Failures in a row to become unhealthy.
    package var fall: Int

    /// Creates the settings.
    package init(check: Check, interval: Duration = .seconds(5), rise: Int = 2, fall: Int = 3) {
        self.check = check
        self.interval = interval
        self.rise = rise
        self.fall = fall
    }
}
