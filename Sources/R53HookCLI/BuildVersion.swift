import CRuntime
import R53HookKit

/// What `--version` prints: the release and the git commit the binary was built from.
enum BuildVersion {
    /// `0.1.0 (commit 0123abc…)`, or `(commit unknown)` for a build that scripts/build-release
    /// did not stamp (a plain `swift build`).
    static var text: String { "\(R53HookVersion.current) (commit \(commit ?? "unknown"))" }

    /// The 40 hex digits written into the .r53hook_commit section, or nil when none were.
    static var commit: String? {
        guard let bytes = r53hook_build_commit() else { return nil }
        let stamped = UnsafeBufferPointer(start: bytes, count: 40).prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let isHex = stamped.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        guard stamped.count == 40, isHex else { return nil }
        return String(decoding: stamped, as: UTF8.self)
    }
}
