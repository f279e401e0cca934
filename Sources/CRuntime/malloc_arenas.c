#include <malloc.h>
#include <stdlib.h>

// One malloc arena for the whole process, set before any thread exists.
//
// glibc gives each thread that allocates its own arena (up to 8 per core), each with its own
// touched pages and free lists. r53hook's threads (the concurrency pool, libdispatch's workers,
// libcurl's resolver) allocate little and rarely at the same time, so the extra arenas are
// memory without a benefit: `watch`, the daemon on every instance, kept about 150 KiB more
// private memory with them (scripts/bench). M_ARENA_MAX is glibc's documented knob for this
// (mallopt(3)). An operator's own choice wins: with MALLOC_ARENA_MAX or GLIBC_TUNABLES in the
// environment, glibc's setting is left as it is.
static void limit_malloc_arenas(int argc, char **argv, char **envp) {
    (void)argc;
    (void)argv;
    (void)envp;
    if (getenv("MALLOC_ARENA_MAX") != NULL || getenv("GLIBC_TUNABLES") != NULL) {
        return;
    }
    (void)mallopt(M_ARENA_MAX, 1);
}

__attribute__((section(".init_array"), used))
static void (*const limit_malloc_arenas_entry)(int, char **, char **) = limit_malloc_arenas;
