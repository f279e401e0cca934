"""`r53hook watch` stopped (SIGTERM, as systemd stops it) while a leave's DNS drain runs: the
shutdown leaves again, finds the record already deleted, and still waits what is left of that
drain (INSYNC, TTL and extra, counted from the DELETE) before it exits. It used to exit at once,
while resolvers still held the address."""

from __future__ import annotations

import re

from harness import World, measure
from watchkit import Watch, deleted_at, wait_until

TTL = 6
SINCE = 2  # seconds from the DELETE to the SIGTERM


def test_sigterm_during_a_leaves_drain_waits_the_rest_of_it_before_exiting(aws: World):
    watch = Watch(aws, "--ttl", str(TTL), "--drain-extra", "0")
    try:
        assert watch.ready(), watch.notify.messages
        aws.clear_stats()
        aws.patch_instance(lifecycle_state="Standby")
        assert wait_until(lambda: not [r for r in aws.addresses() if r["Type"] == "A"], 5) is not None
        [gone_at] = deleted_at(aws)
        code, stopped_at = watch.terminate_at(gone_at + SINCE, timeout=TTL + 5)
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "SIGTERM: leaving the fleet before exiting" in watch.stderr, watch.stderr
    # Out only once the drain that began at the DELETE (plus its INSYNC) was over.
    assert stopped_at - gone_at >= TTL, (stopped_at - gone_at, watch.stderr)
    [(ago, rest)] = re.findall(r"deleted (\d+) s ago by an earlier leave of this process; "
                               r"waiting for the rest of its drain: (\d+) s", watch.stderr)
    assert int(ago) >= SINCE and int(rest) < TTL, watch.stderr
    measure("SIGTERM during a leave's DNS drain",
            f"exited {stopped_at - gone_at:.2f} s after the DELETE (TTL {TTL} s; rest {rest} s waited)")
