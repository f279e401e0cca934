import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Memos as small files in a directory of this user's alone: `$RUNTIME_DIRECTORY` under systemd
/// (RuntimeDirectory=r53hook, mode 0700), else `/run/r53hook`, made 0700 when missing.
///
/// The heartbeat runs as root, so nothing here trusts the file system: the directory is opened
/// without following a symbolic link and used only when it belongs to this user and nobody else
/// may write it; every file is opened relative to it, never through a symbolic link. A memo is
/// written to a new file (O_EXCL, mode 0600) with a random name, then renamed over the old one,
/// so a reader never sees half a memo and nobody can make root write through a planted link.
/// The memo only saves requests: anything wrong skips it with a warning, and the heartbeat goes
/// on without it.
package struct DirectoryHeartbeatMemo: HeartbeatMemo {
    private let directory: String
    private let logger: Logger
    private let temporarySuffix: @Sendable () -> String
    /// A memo is two short lines; anything larger was not written here.
    private static let largestMemo = 65_536
    /// Attempts at a fresh temporary name before giving up on this memo.
    private static let temporaryNameAttempts = 8

    /// Creates the store; nothing is touched until the first load or save.
    package init(directory: String, logger: Logger) {
        self.init(directory: directory, logger: logger, temporarySuffix: Self.randomSuffix)
    }

    /// The same with the temporary names chosen by the caller, so tests can make them collide.
    package init(directory: String, logger: Logger, temporarySuffix: @escaping @Sendable () -> String) {
        self.directory = directory
        self.logger = logger
        self.temporarySuffix = temporarySuffix
    }

    /// 16 hex digits from the system's random source: a name nobody can plant in advance.
    package static func randomSuffix() -> String {
        let digits = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    package func load(key: String) -> String? {
        guard let folder = openDirectory(creating: false) else { return nil }
        defer { close(folder) }
        let name = fileName(key)
        let descriptor = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP { skip("\(directory)/\(name) is a symbolic link, not a memo r53hook wrote; remove it") }
            return nil
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & 0o170000) == 0o100000, info.st_uid == geteuid(),
            info.st_size <= Self.largestMemo
        else {
            skip("\(directory)/\(name) is not a memo r53hook wrote (a regular file of its own, under 64 KiB); remove it")
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes[filled...].withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            filled += count
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    package func save(key: String, value: String) {
        guard let folder = openDirectory(creating: true) else { return }
        defer { close(folder) }
        let final = fileName(key)
        guard let (temporary, descriptor) = createTemporary(in: folder, for: final) else { return }
        let written = writeAll(Array(value.utf8), to: descriptor) && fsync(descriptor) == 0
        close(descriptor)
        guard written, renameat(folder, temporary, folder, final) == 0 else {
            let reason = String(cString: strerror(errno))
            unlinkat(folder, temporary, 0)
            skip("cannot write \(directory)/\(final): \(reason)")
            return
        }
    }

    /// The directory, opened, when it is a real directory of this user's that nobody else may
    /// write; created 0700 first when asked. Nil (with a warning) otherwise.
    private func openDirectory(creating: Bool) -> Int32? {
        if creating, mkdir(directory, 0o700) != 0, errno != EEXIST {
            skip("cannot create \(directory): \(String(cString: strerror(errno)))")
            return nil
        }
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else {
            if errno != ENOENT {
                skip("\(directory) is a symbolic link or not a directory (\(String(cString: strerror(errno))))")
            }
            return nil
        }
        var info = stat()
        guard fstat(folder, &info) == 0 else {
            close(folder)
            return nil
        }
        if info.st_uid != geteuid() {
            skip("\(directory) is owned by uid \(info.st_uid), not by this user (uid \(geteuid()))")
        } else if info.st_mode & 0o022 != 0 {
            skip(
                "\(directory) is writable by group or others (mode \(String(info.st_mode & 0o7777, radix: 8))); "
                    + "it should be this user's alone: chmod 700 \(directory)")
        } else {
            return folder
        }
        close(folder)
        return nil
    }

    /// A new file of mode 0600 under an unused random name beside `final`, and its descriptor.
    private func createTemporary(in folder: Int32, for final: String) -> (String, Int32)? {
        for _ in 0..<Self.temporaryNameAttempts {
            let name = final + ".tmp-" + temporarySuffix()
            let descriptor = openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 { return (name, descriptor) }
            if errno != EEXIST {
                skip("cannot create a file in \(directory): \(String(cString: strerror(errno)))")
                return nil
            }
        }
        skip("no unused temporary name in \(directory) after \(Self.temporaryNameAttempts) tries")
        return nil
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    private func skip(_ why: String) {
        logger.warning("heartbeat memo not used: \(why). The heartbeat works without it, at three Route 53 requests instead of one.")
    }

    private func fileName(_ key: String) -> String {
        let safe = String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" })
        return "heartbeat-" + safe
    }
}
