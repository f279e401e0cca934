#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AWSKit

/// What the last heartbeat wrote, kept on the instance so the next one is a single Route 53
/// request: [DELETE the remembered mark exactly, CREATE the new one]. The memo is only a guess:
/// when the mark changed (a role, a restart, a sweep) the exact DELETE fails, nothing changes,
/// and the heartbeat reads the registry as usual. It can never bring back a deleted mark.
public protocol HeartbeatMemo: Sendable {
    /// The memo under a key, or nil.
    func load(key: String) -> String?
    /// Stores a memo; failures are ignored (the next heartbeat reads instead).
    func save(key: String, value: String)
}

/// Memos as small files in a directory: `$RUNTIME_DIRECTORY` under systemd
/// (RuntimeDirectory=r53hook), else `/run/r53hook`. Written to a temporary file and renamed, so
/// a reader never sees half a memo.
public struct DirectoryHeartbeatMemo: HeartbeatMemo {
    private let directory: String

    /// Creates the store in a directory, made (mode 0755) when missing.
    public init(directory: String) {
        self.directory = directory
    }

    public func load(key: String) -> String? {
        LocalFileReader().read(path: path(key))
    }

    public func save(key: String, value: String) {
        _ = mkdir(directory, 0o755)
        let final = path(key)
        let temporary = final + ".tmp.\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let bytes = Array(value.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if written == bytes.count {
            rename(temporary, final)
        } else {
            unlink(temporary)
        }
    }

    private func path(_ key: String) -> String {
        let safe = String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" })
        return directory + "/heartbeat-" + safe
    }
}
