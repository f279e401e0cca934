/// What the last heartbeat wrote, kept on the instance so the next one is a single Route 53
/// request: [DELETE the remembered mark exactly, CREATE the new one]. The memo is only a guess:
/// when the mark changed (a role, a restart, a sweep) the exact DELETE fails, nothing changes,
/// and the heartbeat reads the registry as usual. It can never bring back a deleted mark.
package protocol HeartbeatMemo: Sendable {
    /// The memo under a key, or nil.
    func load(key: String) -> String?
    /// Stores a memo; failures are ignored (the next heartbeat reads instead).
    func save(key: String, value: String)
}
