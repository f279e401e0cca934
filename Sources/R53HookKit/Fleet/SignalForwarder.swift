import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The signal handler's whole state, one atomic word so the handler only loads, compares and
/// exchanges (all async-signal-safe): the low 32 bits are the process group signals go to (0
/// while there is none yet), the high 32 bits a signal that arrived before there was one.
private let forwardingState = Atomic<UInt64>(0)

private let forwardSignal: @convention(c) (Int32) -> Void = { number in
    let savedErrno = errno
    defer { errno = savedErrno }
    var state = forwardingState.load(ordering: .acquiring)
    while true {
        let group = Int32(truncatingIfNeeded: state & 0xffff_ffff)
        if group > 0 {
            kill(-group, number)
            return
        }
        let pending = (state & 0xffff_ffff) | (UInt64(UInt32(bitPattern: number)) << 32)
        let (exchanged, original) = forwardingState.compareExchange(
            expected: state, desired: pending,
            ordering: .acquiringAndReleasing)
        if exchanged { return }
        state = original
    }
}

/// Passes SIGINT, SIGTERM and SIGHUP sent to r53hook on to the command's process group, so
/// that r53hook outlives the command and can tidy up (rejoin, release the lock).
///
/// The handlers are installed before the command is spawned, with no group to forward to yet:
/// a signal arriving during the spawn is kept and delivered as soon as the group exists. That
/// closes the race for every thread of the process; blocking the signals with pthread_sigmask
/// would only cover the spawning thread, and a SIGTERM taken by any other thread (Dispatch's,
/// libcurl's) would still end r53hook and leave the command running unfenced.
/// (A real handler, not a Dispatch signal source: on Linux those only see blocked signals.)
struct SignalForwarder {
    static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private let previous: [sigaction]

    /// Installs the handlers; signals are kept until `forward(to:)`.
    static func install() -> SignalForwarder {
        forwardingState.store(0, ordering: .releasing)
        return SignalForwarder(previous: forwarded.map { setHandler(forwardSignal, for: $0) })
    }

    /// Sets the disposition of `number` (a handler, or SIG_IGN), restarting interrupted calls;
    /// returns the previous one, for `sigaction(number, &previous, nil)`.
    static func setHandler(_ handler: (@convention(c) (Int32) -> Void)?, for number: Int32) -> sigaction {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        var previous = sigaction()
        sigaction(number, &action, &previous)
        return previous
    }

    /// From now on signals go to `group`; returns a signal that arrived before, already passed on.
    func forward(to group: pid_t) -> Int32? {
        let before = forwardingState.exchange(UInt64(UInt32(bitPattern: group)), ordering: .acquiringAndReleasing)
        let pending = Int32(truncatingIfNeeded: before >> 32)
        guard pending != 0 else { return nil }
        kill(-group, pending)
        return pending
    }

    /// Stops forwarding (before the group can vanish and its number be reused) and restores the
    /// previous handlers; returns a signal that arrived while there was no group to pass it to
    /// (the spawn failed, or the command had ended).
    func uninstall() -> Int32? {
        let before = forwardingState.exchange(0, ordering: .acquiringAndReleasing)
        for (index, number) in Self.forwarded.enumerated() {
            var old = previous[index]
            sigaction(number, &old, nil)
        }
        let after = forwardingState.exchange(0, ordering: .acquiringAndReleasing)
        let pending = Int32(truncatingIfNeeded: (after >> 32 != 0 ? after : before) >> 32)
        return pending == 0 ? nil : pending
    }
}
