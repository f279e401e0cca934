#include <string.h>
#include <unistd.h>

// r53hook cannot run without /proc, and must say so before anything starts a thread.
//
// Swift's concurrency runs on libdispatch's thread pool. Its monitor wakes once a second and
// reads /proc/<tid>/stat of every worker; when the open fails it crashes the process on purpose
// (SIGILL, "registered worker exited prematurely"). Without /proc a command would therefore die
// at a random moment, perhaps between a change and its drain, and even `--help` (an async main)
// can die. This runs from .init_array, before main and before any thread exists: when this
// process cannot read its own /proc entry, it explains and exits 78 (configuration), always.
static void require_proc(int argc, char **argv, char **envp) {
    (void)argc;
    (void)argv;
    (void)envp;
    if (access("/proc/self/stat", R_OK) == 0) {
        return;
    }
    static const char message[] =
        "r53hook: error: /proc is not mounted here: r53hook's thread pool (libdispatch) reads "
        "/proc/<thread>/stat and would kill the process at a random moment; mount it first "
        "(mount -t proc proc /proc), or bind it into the chroot\n";
    ssize_t ignored = write(2, message, strlen(message));
    (void)ignored;
    _exit(78);
}

__attribute__((section(".init_array"), used))
static void (*const require_proc_entry)(int, char **, char **) = require_proc;
