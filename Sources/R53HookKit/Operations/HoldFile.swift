import AWSKit

/// The operator's switch to keep an instance out: while the file exists, start and cycle do not
/// join (through reboots, unlike a flag in memory). Its first line, if any, is the reason shown.
public struct HoldFile: Sendable {
    /// The file's path.
    public let path: String
    private let files: any FileReading

    /// Creates the check.
    public init(path: String, files: any FileReading = LocalFileReader()) {
        self.path = path
        self.files = files
    }

    /// The reason to stay out, or nil when the file does not exist.
    public func holdReason() -> String? {
        guard let text = files.read(path: path) else { return nil }
        let firstLine = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingWhitespace } ?? ""
        return firstLine.isEmpty ? "\(path) exists" : "\(path) exists: \(firstLine)"
    }
}
