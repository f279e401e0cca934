import AWSKit

#if canImport(Glibc)
    import Glibc
#endif

/// The operator's switch to keep an instance out: while the path exists, start and cycle do not
/// join (through reboots, unlike a flag in memory). It holds whatever it is (a file, a
/// directory, an unreadable file); a readable file's first line is shown as the reason.
package struct HoldFile: Sendable {
    /// The path.
    package let path: String
    private let files: any FileReading

    /// Creates the check.
    package init(path: String, files: any FileReading = LocalFileReader()) {
        self.path = path
        self.files = files
    }

    /// The reason to stay out, or nil when nothing exists at the path.
    package func holdReason() -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let firstLine = files.read(path: path)?.split(whereSeparator: \.isNewline).first.map { $0.trimmingWhitespace } ?? ""
        return firstLine.isEmpty ? "\(path) exists" : "\(path) exists: \(firstLine)"
    }
}
