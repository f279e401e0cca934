import AWSKit
import R53HookKit

/// What `lock` needs besides its name and command.
struct LockSettings: Sendable {
    /// The hosted zone that holds the lock record.
    var zone: ZoneSelector
    /// Who holds the lock; nil means this instance's id.
    var owner: String?
    /// How long the holder promises to renew within.
    var lease: Duration
    /// Whether and how long to wait for a held lock.
    var waiting: RunUnderLock.Waiting
    /// Whether the command gets r53hook's AWS keys.
    var passesAWSCredentials: Bool

    init(_ settings: SettingsResolver) throws(SettingsError) {
        guard let zone = try settings.zoneSelector() else {
            throw SettingsError(
                .usage,
                "the lock record lives in a hosted zone: give \(settings.howToGiveZone())")
        }
        self.zone = zone
        if let owner = try settings.text(.owner), let problem = MemberIdentifier.problem(with: owner, noun: "a lock owner") {
            throw settings.invalid(.owner, owner, problem)
        }
        owner = try settings.text(.owner)
        lease = try settings.seconds(.lease)
        let noWait = try settings.bool(.lockNoWait)
        let waitTimeout = try settings.integer(.waitTimeout)
        if noWait && waitTimeout != nil {
            throw settings.conflict(
                .lockNoWait, .waitTimeout,
                "\(settings.describe(.lockNoWait)) and \(settings.describe(.waitTimeout)) contradict each other: keep one")
        }
        waiting = noWait ? .noWait : .upTo(waitTimeout.map { .seconds($0) })
        passesAWSCredentials = try settings.bool(.passAWSCredentials)
    }
}
