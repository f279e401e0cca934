import Synchronization

@testable import R53HookKit

/// Memos in memory: the runtime directory a heartbeat, a watch or a restarted watch reads again.
final class MemoryMemo: HeartbeatMemo, Sendable {
    private let memos = Mutex<[String: String]>([:])
    func load(key: String) -> String? { memos.withLock { $0[key] } }
    func save(key: String, value: String) { memos.withLock { $0[key] = value } }
}
