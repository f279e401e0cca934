#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to file descriptor 2 directly: one `write` per line, so lines from concurrent tasks
/// never interleave, and no shared C `FILE *` is touched from Swift concurrency.
package enum StandardError {
    package static func line(_ text: String) {
        var output = text + "\n"
        output.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
