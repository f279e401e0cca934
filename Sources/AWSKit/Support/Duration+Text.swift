/// Durations in messages, written one way everywhere.
extension Duration {
    /// Whole seconds, rounded to the nearest: "30 s". For limits and settings the operator gave
    /// in seconds (--deadline, --wait-timeout, a lease, a TTL), so the message repeats their
    /// number, and for waits counted in seconds (a drain, a health check).
    package var wholeSecondsText: String {
        "\(Int(seconds.rounded())) s"
    }

    /// A measured or computed wait: "850 ms" under a second, else tenths of a second rounded
    /// down, "2.0 s". For backoffs, polls and how long something took.
    package var preciseText: String {
        let milliseconds = wholeMilliseconds
        return milliseconds < 1000 ? "\(milliseconds) ms" : "\(Double(milliseconds / 100) / 10) s"
    }
}
