"""`r53hook watch --lifecycle-hook` when its join after a launch is interrupted (Auto Scaling
waits in Pending:Wait for the launch action). A spot notice: the instance leaves at once and,
once its drain is cut, ABANDONs the launch action exactly once, so the group replaces it now
instead of waiting out the hook (AWS: a hook does not stop a spot interruption, and the action
must still be completed). SIGTERM: the action stays pending, said in the log, for the next watch
to join and complete with CONTINUE (ABANDON would have the group terminate an instance that is
only restarting its watch); out of Standby, the next launch's action is answered as well."""

from __future__ import annotations

import time

from harness import World, measure
from lifecyclekit import LAUNCHING, Group, Notices
from watchkit import Watch, wait_until

NOTICE = 6  # seconds from the notice to EC2's time
MARGIN = 2


def served(aws: World) -> list[dict]:
    """Address records (not the registry's marks)."""
    return [r for r in aws.addresses() if r["Type"] in ("A", "AAAA")]


def launching(aws: World) -> tuple[Group, dict]:
    """A group with a launch hook (60 s, longer than any test) and a newcomer in Pending:Wait."""
    group = Group(aws)
    group.member()
    group.hook("warmup", transition=LAUNCHING, heartbeat_timeout=60)
    newcomer = aws.create_instance(metadata_tags=True)
    group.launch(newcomer["instance_id"])
    return group, newcomer


def test_a_spot_notice_during_the_join_after_a_launch_abandons_the_launch_action_once(aws: World):
    group, newcomer = launching(aws)
    iid = newcomer["instance_id"]
    aws.insync_delay(60)  # the join waits for INSYNC: the notice comes during that wait
    watch = Watch(aws, "--ttl", "60", "--spot-margin", str(MARGIN), "--lifecycle-hook", "warmup", instance=newcomer)
    try:
        assert wait_until(lambda: len(served(aws)) == 1, 10) is not None, watch.notify.messages
        time.sleep(1)
        notice_at = time.time()
        Notices(aws, newcomer).spot(in_seconds=NOTICE)
        assert wait_until(lambda: served(aws) == [], 5) is not None, aws.records()
        action = group.wait_ended(iid, hook="warmup", timeout=NOTICE + 3)
        code = watch.terminate(timeout=10)
    finally:
        watch.kill()
        aws.insync_delay(0)
    assert code == 0, watch.stderr
    assert Group.completed_once(action, "ABANDON"), (action, watch.stderr)
    completed_at = action["completions"][0]["time"]
    # After the drain, cut at EC2's time minus the margin, and before EC2's time.
    after = completed_at - notice_at
    assert NOTICE - MARGIN - 3 <= after < NOTICE, (after, watch.stderr)
    assert "while joining: abandoning the join" in watch.stderr, watch.stderr
    assert watch.stderr.count("lifecycle action warmup of web completed: ABANDON") == 1, watch.stderr
    assert "EC2 takes the instance whatever the hook says" in watch.stderr, watch.stderr
    # ABANDON: the group terminated the instance and let it go (a replacement is its business).
    assert group.lifecycle_state(iid) is None
    measure("spot notice during a join after a launch to ABANDON",
            f"{after:.2f} s (notice {NOTICE} s, margin {MARGIN} s)")


def test_sigterm_during_the_join_after_a_launch_leaves_its_action_for_the_next_watch(aws: World):
    group, newcomer = launching(aws)
    iid = newcomer["instance_id"]
    aws.insync_delay(60)
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--lifecycle-hook", "warmup", instance=newcomer)
    try:
        assert wait_until(lambda: len(served(aws)) == 1, 10) is not None, watch.notify.messages
        aws.insync_delay(0)  # the join's change stays PENDING; the leave's DELETE is INSYNC at once
        code = watch.terminate(timeout=20)
    finally:
        watch.kill()
        aws.insync_delay(0)
    assert code == 0, watch.stderr
    assert served(aws) == []
    action = group.action(iid, hook="warmup")
    assert action["state"] == "pending" and not action["completions"], action
    assert "leaving it pending" in watch.stderr, watch.stderr
    again = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--lifecycle-hook", "warmup", instance=newcomer)
    try:
        assert again.ready(), again.notify.messages
        action = group.wait_ended(iid, hook="warmup", timeout=10)
        # Out of Standby the instance launches again: a new action of the same hook, answered too.
        group.client.enter_standby(InstanceIds=[iid], AutoScalingGroupName=group.name,
                                   ShouldDecrementDesiredCapacity=True)
        assert wait_until(lambda: served(aws) == [], 10) is not None
        group.client.exit_standby(InstanceIds=[iid], AutoScalingGroupName=group.name)
        relaunch = group.wait_ended(iid, hook="warmup", timeout=10)
        code = again.terminate()
    finally:
        again.kill()
    assert code == 0, again.stderr
    assert Group.completed_once(action, "CONTINUE"), action
    assert relaunch["started"] > action["started"]
    assert Group.completed_once(relaunch, "CONTINUE"), (relaunch, again.stderr)
    assert group.lifecycle_state(iid) == "InService"
