import CProcessControl

/// Whether the kernel may dump this process's memory: core files, and reads of its memory by
/// other unprivileged processes of the same user (ptrace, /proc/PID/mem). The process holds AWS
/// keys (environment, shared files, instance role) in memory, so r53hook turns it off before
/// anything else; a crash then leaves no core file with a key in it.
package enum ProcessDumpability {
    /// Makes the process undumpable (Linux `prctl(PR_SET_DUMPABLE, 0)`). Inherited by threads and
    /// forked children; an `exec` (the command `cycle` and `lock` run) starts dumpable again.
    /// False when the kernel refused, or elsewhere than Linux.
    @discardableResult
    package static func disable() -> Bool {
        r53_set_dumpable(0) == 0
    }

    /// True when the process may be dumped; nil when it cannot be told (not Linux).
    package static var isDumpable: Bool? {
        let state = r53_get_dumpable()
        return state < 0 ? nil : state != 0
    }
}
