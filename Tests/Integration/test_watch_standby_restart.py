"""`r53hook watch --lifecycle-hook` stopped while the instance goes to Standby and back: Auto
Scaling puts it through Pending:Wait with a new action of the launch hook, IMDS says InService
throughout, and the restarted watch's ledger says the launch was completed. One
DescribeAutoScalingInstances at start shows Pending:Wait, so the new action is completed once
after the join, instead of waiting out the hook's timeout (ABANDON here: the group would
terminate a healthy instance)."""

from __future__ import annotations

from harness import World
from lifecyclekit import LAUNCHING, Group
from watchkit import Watch

ARGS = ("--ttl", "1", "--drain-extra", "0", "--lifecycle-hook", "warmup")


def test_a_standby_round_trip_while_watch_is_down_gets_its_new_launch_action_completed_once(aws: World):
    group = Group(aws)
    group.member()
    group.hook("warmup", transition=LAUNCHING, heartbeat_timeout=30, default_result="ABANDON")
    newcomer = aws.create_instance(metadata_tags=True)
    iid = newcomer["instance_id"]
    group.launch(iid)
    watch = Watch(aws, *ARGS, instance=newcomer)
    try:
        assert watch.ready(), watch.notify.messages
        first = group.wait_ended(iid, hook="warmup", timeout=15)
        assert Group.completed_once(first), first
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    # No watch runs: Standby and back through the real API, a new launch action waits.
    group.client.enter_standby(AutoScalingGroupName=group.name, InstanceIds=[iid], ShouldDecrementDesiredCapacity=True)
    group.client.exit_standby(AutoScalingGroupName=group.name, InstanceIds=[iid])
    assert group.lifecycle_state(iid) == "Pending:Wait"
    assert aws.imds_get("autoscaling/target-lifecycle-state", newcomer) == "InService"
    again = Watch(aws, *ARGS, instance=newcomer)
    try:
        assert again.ready(), again.notify.messages
        second = group.wait_ended(iid, hook="warmup", timeout=15)
        code = again.terminate()
    finally:
        again.kill()
    assert code == 0, again.stderr
    assert second["token"] != first["token"], (first, second)
    launches = [a for a in group.actions(iid) if a["hook"] == "warmup"]
    assert [a["token"] for a in launches] == [first["token"], second["token"]]
    assert all(Group.completed_once(a) for a in launches), launches
    assert f"Auto Scaling says {iid} is Pending:Wait" in again.stderr, again.stderr
    assert group.lifecycle_state(iid) == "InService"
