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

    /// Whether the action of `hook` for `instanceId` in `group` is done for `round`: the target
    /// lifecycle state it led to (`Warmed:Running`, then `InService`, are two launches of one
    /// instance with a warm pool, each with its own action).
    package func isDone(group: String, hook: String, instanceId: String, round: String) -> Bool {
        entries.withLock { $0.contains(Self.entry(group, hook, instanceId, round)) }
    }

    /// Records the action as done, on disk before returning.
    package func markDone(group: String, hook: String, instanceId: String, round: String) {
        let text = entries.withLock { entries in
            entries.insert(Self.entry(group, hook, instanceId, round))
            return entries.sorted().joined(separator: "\n")
        }
        memo?.save(key: Self.key, value: text)
    }

    /// Forgets the actions of `instanceId` in `group` whose round `isForgotten` picks: a
    /// launch into a state that the instance has left, since coming back to it (out of
    /// Standby, or to the warm pool again) is a new launch with a new action.
    package func forget(group: String, instanceId: String, where isForgotten: (String) -> Bool) {
        let prefix = "\(group) "
        let text: String? = entries.withLock { entries in
            let gone = entries.filter { entry in
                // "GROUP HOOK INSTANCE ROUND": the group's name may hold spaces, the rest not.
                guard entry.hasPrefix(prefix) else { return false }
                let fields = entry.dropFirst(prefix.count).split(separator: " ").map(String.init)
                return fields.count == 3 && fields[1] == instanceId && isForgotten(fields[2])
            }
            guard !gone.isEmpty else { return nil }
            entries.subtract(gone)
            return entries.sorted().joined(separator: "\n")
        }
        if let text { memo?.save(key: Self.key, value: text) }
    }

    private static func entry(_ group: String, _ hook: String, _ instanceId: String, _ round: String) -> String {
        "\(group) \(hook) \(instanceId) \(round)"
    }
}
