import Glibc

/// The libFuzzer entry points. One binary holds every target, so the libraries are linked
/// once; the name it runs under (`fuzz-xml`, `fuzz-json`, ...: links that scripts/fuzz makes)
/// picks the target, so the reproduction line libFuzzer prints after a crash runs the same one.
/// `R53HOOK_FUZZ_TARGET` overrides the name.
nonisolated(unsafe) private var selectedTarget: FuzzTarget?

/// libFuzzer calls this once, before any input: choose the target.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    var name = getenv("R53HOOK_FUZZ_TARGET").map { String(cString: $0) }
    if name == nil, let program = argv.pointee?.pointee.map({ String(cString: $0) }) {
        let base = program.split(separator: "/").last.map(String.init) ?? program
        name = base.hasPrefix("fuzz-") ? String(base.dropFirst(5)) : base
    }
    guard let name, let target = FuzzTarget.all.first(where: { $0.name == name }) else {
        let known = FuzzTarget.all.map(\.name).joined(separator: ", ")
        print("r53hook-fuzz: run me as fuzz-TARGET or set R53HOOK_FUZZ_TARGET; targets: \(known)")
        exit(2)
    }
    selectedTarget = target
    return 0
}

/// libFuzzer calls this for every input; a property that fails traps, which libFuzzer reports
/// as a crash and saves the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget?.run(bytes)
    return 0
}
