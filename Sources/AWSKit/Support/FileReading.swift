#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads small text files; a seam so tests need no real files.
package protocol FileReading: Sendable {
    /// The file's text, or nil when it does not exist or cannot be read.
    func read(path: String) -> String?
}

/// Reads from the local file system, refusing files over 1 MiB.
package struct LocalFileReader: FileReading {
    /// Creates the reader.
    package init() {}

    /// The file's text, or nil.
    package func read(path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > 1_048_576 { return nil }
        }
        if ferror(file) != 0 { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
