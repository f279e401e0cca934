import AWSKit

/// The read / compare-and-swap loop every registry writer runs: read the records, build an
/// exact batch from what was read, apply it; when Route 53 refuses the batch only because a
/// record changed since it was read (`Route53Refusal.isStale`, which `MemberRegistry.apply`
/// turns into nil), read again. One copy, so `start`, `stop` and the mark rewrites give up
/// alike: after `tries` lost races, with a temporary error (exit 75), since another writer is
/// plainly busy with the same records.
enum CompareAndSwapLoop {
    /// Races one writer may lose before it gives up.
    static let tries = 3

    /// Runs `round` until it returns a value; a nil round lost the race and is run again, up to
    /// `tries` rounds in all. Any error a round throws ends the loop at once: only a lost race is
    /// worth reading again for.
    static func run<Value>(
        tries: Int = tries, givingUp: (Int) -> DomainError,
        _ round: () async throws -> Value?
    ) async throws -> Value {
        for _ in 0..<max(1, tries) {
            if let value = try await round() { return value }
        }
        throw givingUp(max(1, tries))
    }
}
