/// One local health check (an HTTP URL or a command); a seam so the driver is tested without
/// a server or a process.
package protocol HealthProbe: Sendable {
    /// Whether the service is healthy now; never throws: a probe that cannot run failed.
    func check() async -> Bool
    /// What is checked, for log lines.
    var description: String { get }
}
