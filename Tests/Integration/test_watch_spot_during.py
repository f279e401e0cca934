"""`r53hook watch` keeps reading the spot notice while a join or a leave runs: a notice that
comes during a quorum wait that cannot be met, during a normal leave's long drain, or during a
join waiting for INSYNC cuts it short. The record is gone within a poll or two of the notice, the
drain ends --spot-margin before EC2's time (logged once) instead of running its whole length."""

from __future__ import annotations

import re
import time

from harness import World, measure
from watchkit import Watch, deleted_at, wait_until

NOTICE = 20  # seconds from the notice to EC2's time
MARGIN = 2


def served(aws: World) -> list[dict]:
    """This instance's address records (not the quorum's lock nor the registry's marks)."""
    return [r for r in aws.addresses() if r["Type"] in ("A", "AAAA")]


def cut_after(stderr: str) -> int:
    """The seconds in the one "drain cut after N s" line."""
    [seconds] = re.findall(r"drain cut after (\d+) s", stderr)
    return int(seconds)


def test_a_notice_during_an_unmet_quorum_wait_skips_it_and_cuts_the_drain(aws: World):
    # --min-healthy 5 is never met, so Standby's leave waits its 60 s quorum timeout; the
    # drain after it would be 60 + 30 s.
    watch = Watch(aws, "--ttl", "60", "--drain-extra", "30", "--spot-margin", str(MARGIN),
                  "--min-healthy", "5", "--quorum-timeout", "60")
    try:
        assert watch.ready(), watch.notify.messages
        aws.patch_instance(lifecycle_state="Standby")
        time.sleep(3)
        assert len(served(aws)) == 1, "the leave should be waiting for the quorum"
        aws.clear_stats()
        notice_at = time.time()
        aws.patch_instance(spot_action={"action": "terminate", "in_seconds": NOTICE})
        assert wait_until(lambda: served(aws) == [], 5) is not None, aws.records()
        # The lock's release comes first; the record's DELETE is the last change.
        gone_at = deleted_at(aws)[-1]
        # After the cut (EC2's time minus the margin) the watch is out and idle: SIGTERM exits at once.
        code, stopped_at = watch.terminate_at(notice_at + NOTICE - MARGIN + 1.0)
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "while leaving: skipping the rest of the leave's waits" in watch.stderr, watch.stderr
    assert watch.stderr.count("drain cut after") == 1, watch.stderr
    # The drain ran until the cut, not its 90 s, nor ended early.
    assert NOTICE - MARGIN - 4 <= cut_after(watch.stderr) <= NOTICE - MARGIN, watch.stderr
    assert "already out of the fleet" in watch.stderr, watch.stderr
    assert stopped_at < notice_at + NOTICE
    # The cancelled quorum wait released its lock: other leavers do not wait out its lease.
    assert not [r for r in aws.records() if "_r53hook-lock" in r["Name"]], aws.records()
    measure("spot notice during a quorum wait to record gone",
            f"{gone_at - notice_at:.2f} s (poll 1 s); drain cut after {cut_after(watch.stderr)} s of 90")
    # What the notice demands: out of DNS well before EC2's time (the figure above is ~1 s).
    assert gone_at - notice_at < NOTICE / 2


def test_a_notice_during_a_normal_drain_cuts_it_before_the_notice_time(aws: World):
    # No quorum: Standby deletes the record at once, then drains 60 + 60 s.
    watch = Watch(aws, "--ttl", "60", "--drain-extra", "60", "--spot-margin", str(MARGIN))
    try:
        assert watch.ready(), watch.notify.messages
        aws.patch_instance(lifecycle_state="Standby")
        assert wait_until(lambda: served(aws) == [], 5) is not None, aws.records()
        time.sleep(2)
        notice_at = time.time()
        aws.patch_instance(spot_action={"action": "terminate", "in_seconds": NOTICE})
        code, stopped_at = watch.terminate_at(notice_at + NOTICE - MARGIN + 1.0)
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "skipping the rest of the leave's waits" in watch.stderr, watch.stderr
    assert watch.stderr.count("drain cut after") == 1, watch.stderr
    assert NOTICE - MARGIN - 4 <= cut_after(watch.stderr) <= NOTICE - MARGIN, watch.stderr
    assert "already out of the fleet" in watch.stderr, watch.stderr
    assert stopped_at < notice_at + NOTICE
    assert served(aws) == []
    measure("spot notice during a normal drain", f"rest of the drain cut after {cut_after(watch.stderr)} s of 120")


def test_a_notice_during_a_join_abandons_it_and_leaves_at_once(aws: World):
    # The join waits for INSYNC, which takes 60 s: the notice comes during that wait.
    aws.insync_delay(60)
    aws.patch_instance(lifecycle_state="Standby")
    watch = Watch(aws, "--ttl", "60", "--spot-margin", str(MARGIN))
    try:
        standing_by = "out: target-lifecycle-state Standby"
        assert wait_until(lambda: standing_by in "".join(watch.notify.drain()), 10) is not None
        aws.patch_instance(lifecycle_state="InService")
        assert wait_until(lambda: len(served(aws)) == 1, 5) is not None, aws.records()
        time.sleep(1)
        aws.clear_stats()
        notice_at = time.time()
        aws.patch_instance(spot_action={"action": "terminate", "in_seconds": NOTICE})
        assert wait_until(lambda: served(aws) == [], 5) is not None, aws.records()
        [gone_at] = deleted_at(aws)
        code = watch.terminate(timeout=NOTICE)
        stopped_at = time.time()
    finally:
        watch.kill()
        aws.insync_delay(0)
    assert code == 0, watch.stderr
    assert "while joining: abandoning the join" in watch.stderr, watch.stderr
    assert stopped_at < notice_at + NOTICE
    assert served(aws) == []
    measure("spot notice during a join to record gone", f"{gone_at - notice_at:.2f} s (poll 1 s)")
    # What the notice demands: out of DNS well before EC2's time (the figure above is ~1 s).
    assert gone_at - notice_at < NOTICE / 2
