"""One malloc arena per process (CRuntime's malloc_arenas.c): glibc would give each allocating
thread of `r53hook watch` an arena of its own, memory the daemon does not need. An operator's
MALLOC_ARENA_MAX still wins, which is also what shows that the count below can see arenas."""

from __future__ import annotations

from pathlib import Path

from harness import World
from watchkit import Watch

# glibc reserves each extra arena as a 64 MiB-aligned block: the part in use read-write, the rest
# PROT_NONE (HEAP_MAX_SIZE on 64-bit; the main arena is the brk heap and not counted).
ARENA_BLOCK = 64 * 1024 * 1024


def thread_arenas(pid: int) -> int:
    spans = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split()
        if len(fields) == 5:  # anonymous: no path
            start, end = (int(x, 16) for x in fields[0].split("-"))
            spans.append((start, end, fields[1]))
    return sum(1 for (start, end, perms), (_, after_end, after_perms) in zip(spans, spans[1:])
               if start % ARENA_BLOCK == 0 and perms == "rw-p" and after_perms == "---p"
               and after_end == start + ARENA_BLOCK and end < after_end)


def arenas_of_a_joined_watch(aws: World, **env: str) -> int:
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", **env)
    try:
        assert watch.ready(), watch.notify.messages
        return thread_arenas(watch.proc.pid)
    finally:
        watch.kill()


def test_watch_allocates_from_one_arena(aws: World):
    assert arenas_of_a_joined_watch(aws) == 0


def test_the_operators_malloc_arena_max_wins(aws: World):
    assert arenas_of_a_joined_watch(aws, MALLOC_ARENA_MAX="8") >= 1
