import Dispatch

/// One fuzz target: a name for scripts/fuzz and the function that checks one input.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void

    /// Every target, in the order scripts/fuzz runs them.
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "xml", run: XMLFuzz.run),
        FuzzTarget(name: "json", run: JSONFuzz.run),
        FuzzTarget(name: "ini", run: INIFuzz.run),
        FuzzTarget(name: "config", run: ConfigFuzz.run),
        FuzzTarget(name: "txt", run: TXTFuzz.run),
        FuzzTarget(name: "route53", run: Route53Fuzz.run),
        FuzzTarget(name: "elb", run: ELBFuzz.run),
        FuzzTarget(name: "imds", run: IMDSFuzz.run),
        FuzzTarget(name: "sigv4", run: SigV4Fuzz.run),
    ]
}

/// Stops the run on a broken property: libFuzzer sees the trap as a crash and keeps the input.
func violated(_ message: String) -> Never {
    fatalError("property violated: \(message)")
}

/// Runs async code to its end from libFuzzer's (non-async) thread.
func runBlocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        await body()
        done.signal()
    }
    done.wait()
}

/// Reads a fuzz input as a few fields: a selector byte, then strings separated by NUL bytes,
/// so one input can fill several slots (IMDS paths, mark fields, request parts).
struct FuzzFields {
    let selector: UInt8
    let strings: [String]

    init(_ bytes: [UInt8]) {
        selector = bytes.first ?? 0
        strings = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The string in slot `index`, or nil past the end.
    subscript(_ index: Int) -> String? {
        index < strings.count ? strings[index] : nil
    }
}
