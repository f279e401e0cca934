"""`r53hook watch --lifecycle-hook` with an Auto Scaling group (local AWS, lifecycle actions as
Auto Scaling keeps them): a scale-in leaves, heartbeats while the drain outlasts the hook's
heartbeat timeout and completes CONTINUE exactly once after the record is gone; a watch started
while the instance is already terminating acts at once; a restarted watch does not complete
again; a launch hook is completed once the instance has joined."""

from __future__ import annotations

import signal
import time

from harness import World, measure
from lifecyclekit import LAUNCHING, Group
from watchkit import Watch, deleted_at, wait_until

HOOK_TIMEOUT = 3


def test_scale_in_leaves_heartbeats_through_the_drain_and_completes_once(aws: World):
    group = Group(aws)
    member = group.member()
    group.hook("drain", heartbeat_timeout=HOOK_TIMEOUT)
    iid = member["instance_id"]
    # The drain (TTL 5 s + INSYNC) outlasts the 3 s heartbeat timeout: heartbeats must bridge it.
    watch = Watch(aws, "--ttl", "5", "--drain-extra", "0", "--lifecycle-hook", "drain", instance=member)
    try:
        assert watch.ready(), watch.notify.messages
        assert len(aws.addresses()) == 1
        aws.clear_stats()
        scaled_at = time.time()
        group.scale_in(iid)
        action = group.wait_ended(iid, timeout=30)
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert aws.addresses() == []
    assert Group.completed_once(action), (action, watch.stderr)
    assert action["heartbeats"], action
    assert max(Group.heartbeat_gaps(action)) < HOOK_TIMEOUT, Group.heartbeat_gaps(action)
    [gone_at] = deleted_at(aws)
    completed_at = action["completions"][0]["time"]
    # The record went first, the drain ran, then the action was completed.
    assert gone_at < completed_at and completed_at - gone_at >= 5
    measure("scale-in to record gone",
            f"{gone_at - scaled_at:.2f} s (poll 1 s); completed {completed_at - scaled_at:.2f} s "
            f"after, with {len(action['heartbeats'])} heartbeats")


def test_a_watch_started_while_terminating_acts_at_once_and_a_restart_does_not_complete_again(aws: World):
    group = Group(aws)
    member = group.member()
    group.hook("drain", heartbeat_timeout=30)
    iid = member["instance_id"]
    assert aws.run("start", "--ttl", "1", "--no-wait", instance=member).code == 0
    group.scale_in(iid)
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--lifecycle-hook", "drain", instance=member)
    try:
        assert wait_until(lambda: aws.addresses() == [], 10) is not None
        action = group.wait_ended(iid, timeout=15)
        assert Group.completed_once(action), action
        # A crash (no leave, no cleanup), then systemd's restart.
        watch.proc.send_signal(signal.SIGKILL)
        watch.wait()
    finally:
        watch.kill()
    again = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--lifecycle-hook", "drain", instance=member)
    try:
        assert again.ready(), again.notify.messages
        time.sleep(2.5)
        code = again.terminate()
    finally:
        again.kill()
    assert code == 0, again.stderr
    assert Group.completed_once(group.action(iid)), group.action(iid)
    assert aws.addresses() == []


def test_a_launch_hook_is_completed_once_the_instance_has_joined(aws: World):
    group = Group(aws)
    group.member()
    group.hook("warmup", transition=LAUNCHING, heartbeat_timeout=30)
    newcomer = aws.create_instance(metadata_tags=True)
    iid = newcomer["instance_id"]
    group.launch(iid)
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--lifecycle-hook", "warmup", instance=newcomer)
    try:
        assert watch.ready(), watch.notify.messages
        action = group.wait_ended(iid, hook="warmup", timeout=15)
        joined_at = deleted_at(aws)
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert Group.completed_once(action), action
    # Joined (the record written) before the action was completed.
    assert joined_at and joined_at[0] < action["completions"][0]["time"]
    assert group.lifecycle_state(iid) == "InService"


def test_a_warm_pool_launch_is_completed_without_joining_and_the_launch_from_the_pool_after_joining(aws: World):
    group = Group(aws)
    group.member()
    group.hook("warmup", transition=LAUNCHING, heartbeat_timeout=30)
    newcomer = aws.create_instance(metadata_tags=True)
    iid = newcomer["instance_id"]
    group.launch(iid, warm=True)
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--lifecycle-hook", "warmup", instance=newcomer)
    try:
        assert watch.ready(), watch.notify.messages
        into_pool = group.wait_ended(iid, hook="warmup", timeout=15)
        assert Group.completed_once(into_pool), into_pool
        assert aws.records() == [], "a warm instance never joins"
        group.launch(iid)  # from the warm pool into service: a second launch action
        into_service = group.wait_ended(iid, hook="warmup", timeout=15)
        records = aws.records()
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert Group.completed_once(into_service), into_service
    assert into_service["started"] > into_pool["started"]
    assert records == aws.pair(set_id=iid, value=newcomer["public_ipv4"], ttl=1)
    assert group.lifecycle_state(iid) == "InService"
