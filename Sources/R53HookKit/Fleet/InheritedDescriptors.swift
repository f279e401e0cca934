#if canImport(Glibc)
    import Glibc
#endif

/// Keeps r53hook's open descriptors (libcurl's sockets to AWS, files) from reaching the
/// operator's command: only standard input, output and error pass.
enum InheritedDescriptors {
    /// `posix_spawn_file_actions_addclosefrom_np`, looked up at run time: it came with glibc
    /// 2.34, and linking it would keep the binary from starting on older systems (Amazon
    /// Linux 2 has glibc 2.26).
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Prepares a spawn: every descriptor above 2 is marked close-on-exec now, and where glibc
    /// can, the spawn also closes them in the child, which covers a descriptor another thread
    /// (a lock renewal) opens between this walk and the spawn.
    static func closeAboveStandardError(in actions: inout posix_spawn_file_actions_t) {
        markCloseOnExec(above: 2)
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
            _ = addCloseFrom(&actions, 3)
        }
    }

    /// Sets FD_CLOEXEC on every open descriptor above `lowest`, listed from /proc/self/fd
    /// (works on any kernel and glibc; close_range and closefrom are newer).
    static func markCloseOnExec(above lowest: Int32) {
        guard let directory = opendir("/proc/self/fd") else {
            // No /proc: the descriptors below a generous bound are all the process can have open here.
            for descriptor in (lowest + 1)..<1024 { markCloseOnExec(descriptor) }
            return
        }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let descriptor = Int32(name), descriptor > lowest, descriptor != own else { continue }
            markCloseOnExec(descriptor)
        }
    }

    private static func markCloseOnExec(_ descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFD)
        if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
    }
}
