"""`r53hook watch` and a spot interruption notice: out at once (no quorum wait), the record
gone before EC2's time, the drain cut to end --spot-margin before it, and a SIGTERM after that
exits at once. Also: a --deadline shorter than the watch's life does not stop it acting."""

from __future__ import annotations

import time

from harness import World, measure
from watchkit import Watch, deleted_at, wait_until

NOTICE = 8  # seconds from the notice to EC2's time
MARGIN = 2


def test_spot_notice_takes_the_record_out_before_its_time_and_cuts_the_drain(aws: World):
    # --deadline 3: the watch outlives it before the notice comes; each leave gets its own.
    # --min-healthy 5 could never be met: a spot leave must skip the quorum.
    watch = Watch(aws, "--ttl", "60", "--drain-extra", "5", "--spot-margin", str(MARGIN), "--deadline", "3",
                  "--min-healthy", "5", "--quorum-timeout", "30")
    try:
        assert watch.ready(), watch.notify.messages
        assert aws.records() == aws.pair(ttl=60)
        time.sleep(4)
        aws.clear_stats()
        notice_at = time.time()
        aws.patch_instance(spot_action={"action": "terminate", "in_seconds": NOTICE})
        assert wait_until(lambda: aws.records() == [], NOTICE) is not None, aws.records()
        [gone_at] = deleted_at(aws)
        # The drain (60 + 5 s) is cut: the watch logs it, about MARGIN s before EC2's time.
        assert wait_until(lambda: any("out at once" in m for m in watch.notify.drain()), 5) is not None
        code, stopped_at = watch.terminate_at(notice_at + NOTICE - MARGIN + 1.5, timeout=10)
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "drain cut after" in watch.stderr, watch.stderr
    assert "already out of the fleet" in watch.stderr, watch.stderr
    assert "waiting for the fleet to keep its quorum" not in watch.stderr
    assert stopped_at - notice_at < NOTICE + 1.0
    measure("spot notice to record gone", f"{gone_at - notice_at:.2f} s (poll 1 s), of {NOTICE} s notice")
    assert gone_at - notice_at < 3.0


def test_sigterm_during_a_spot_capped_drain_exits_before_the_notice_time(aws: World):
    watch = Watch(aws, "--ttl", "60", "--spot-margin", str(MARGIN))
    try:
        assert watch.ready(), watch.notify.messages
        notice_at = time.time()
        aws.patch_instance(spot_action={"action": "terminate", "in_seconds": NOTICE})
        assert wait_until(lambda: aws.records() == [], NOTICE) is not None
        time.sleep(1)
        code = watch.terminate(timeout=NOTICE + 5)
        stopped_at = time.time()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert stopped_at < notice_at + NOTICE, f"exited {stopped_at - notice_at:.2f} s after the notice"
    assert aws.records() == []
