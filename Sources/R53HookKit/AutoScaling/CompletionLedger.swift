import Synchronization

/// The lifecycle actions this instance has already completed, kept in the runtime directory so
/// that a `watch` restarted after a crash does not complete one twice (Auto Scaling would answer
/// the second with an error, and a second completion with another result must never happen).
package final class CompletionLedger: Sendable {
    private let memo: (any HeartbeatMemo)?
    private let entries: Mutex<Set<String>>
    private static let key = "watch-lifecycle-completions"

    /// Reads the ledger from the memo (nil: in memory only).
    package init(memo: (any HeartbeatMemo)?) {
        self.memo = memo
        let text = memo?.load(key: Self.key) ?? ""
        entries = Mutex(Set(text.split(separator: "\n").map(String.init)))
    }

    /// Whether the action of `hook` for `instanceId` in `group` is done.
    package func isDone(group: String, hook: String, instanceId: String) -> Bool {
        entries.withLock { $0.contains(Self.entry(group, hook, instanceId)) }
    }

    /// Records the action as done, on disk before returning.
    package func markDone(group: String, hook: String, instanceId: String) {
        let text = entries.withLock { entries in
            entries.insert(Self.entry(group, hook, instanceId))
            return entries.sorted().joined(separator: "\n")
        }
        memo?.save(key: Self.key, value: text)
    }

    private static func entry(_ group: String, _ hook: String, _ instanceId: String) -> String {
        "\(group) \(hook) \(instanceId)"
    }
}
