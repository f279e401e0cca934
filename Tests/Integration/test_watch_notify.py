"""`r53hook watch` under a stand-in for systemd: READY=1 once joined, STATUS= per decision,
STOPPING=1 and a leave as `stop` does (INSYNC, TTL drain) on SIGTERM, exit 0."""

from __future__ import annotations

import time

from harness import World, measure
from watchkit import Watch, wait_until

TTL = 2


def test_watch_joins_says_ready_then_leaves_on_sigterm_with_the_drain(aws: World):
    watch = Watch(aws, "--ttl", str(TTL), "--drain-extra", "0")
    try:
        assert watch.ready(), watch.notify.messages
        # READY=1 comes once joined: the pair is there already.
        assert aws.records() == aws.pair(ttl=TTL)
        assert any(m.startswith("READY=1\nSTATUS=serving") for m in watch.notify.messages), watch.notify.messages
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert aws.records() == []
    assert any(m.startswith("STOPPING=1") for m in watch.notify.messages), watch.notify.messages
    assert "SIGTERM: leaving the fleet before exiting" in watch.stderr
    assert f"draining for {TTL} s" in watch.stderr and "drain complete" in watch.stderr, watch.stderr


def test_watch_polls_imds_without_touching_route53_while_nothing_happens(aws: World):
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0")
    try:
        assert watch.ready(), watch.notify.messages
        aws.clear_stats()
        time.sleep(4.5)
        stats = aws.stats()
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    # About one poll a second: spot and lifecycle state each time, scheduled events and rebalance
    # every 5th poll; not one Route 53 request.
    assert "route53" not in stats["requests"], stats["requests"]
    imds = stats["requests"]["imds"]
    assert 2 * 3 <= imds <= 2 * 6 + 2 * 2, imds
    measure("watch idle IMDS requests", f"{imds} in 4.5 s at --poll-interval 1 (2 paths a poll, 4 every 5th)")


def test_status_shows_what_watch_last_saw_and_decided(aws: World):
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0")
    try:
        assert watch.ready(), watch.notify.messages
        aws.patch_instance(lifecycle_state="Standby")
        assert wait_until(lambda: aws.addresses() == [], 10) is not None
        status = aws.run("status")
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert status.code == 0, status.describe()
    assert f"watch (pid {watch.proc.pid}," in status.stdout, status.stdout
    assert "decision: out: target-lifecycle-state Standby; out until InService again" in status.stdout, status.stdout
    assert "IMDS:     lifecycle Standby" in status.stdout, status.stdout
