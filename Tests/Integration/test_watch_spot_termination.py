"""`r53hook watch --lifecycle-hook` when the group starts terminating an instance that a spot
notice already made leave: AWS asks that the lifecycle action of a terminating spot instance
still be completed, so once the urgent leave is over watch completes the terminating hook with
CONTINUE, exactly once, instead of leaving the group waiting for the hook's timeout."""

from __future__ import annotations

import time

from harness import World
from lifecyclekit import Group, Notices
from watchkit import Watch, wait_until

NOTICE = 5  # seconds from the notice to EC2's time
MARGIN = 2


def test_a_termination_after_a_spot_notice_is_completed_once_after_the_urgent_leave(aws: World):
    group = Group(aws)
    member = group.member()
    group.hook("drain", heartbeat_timeout=60)
    iid = member["instance_id"]
    watch = Watch(aws, "--ttl", "60", "--spot-margin", str(MARGIN), "--lifecycle-hook", "drain", instance=member)
    try:
        assert watch.ready(), watch.notify.messages
        notice_at = time.time()
        Notices(aws, member).spot(in_seconds=NOTICE)
        assert wait_until(lambda: aws.addresses() == [], 5) is not None, aws.records()
        group.scale_in(iid)  # the group learns of the interruption and terminates the instance
        action = group.wait_ended(iid, timeout=NOTICE + 3)
        code = watch.terminate(timeout=10)
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert Group.completed_once(action, "CONTINUE"), (action, watch.stderr)
    # After the drain, cut at EC2's time minus the margin, and before EC2's time.
    after = action["completions"][0]["time"] - notice_at
    assert NOTICE - MARGIN - 2 <= after < NOTICE, (after, watch.stderr)
    assert "completed: CONTINUE" in watch.stderr, watch.stderr
