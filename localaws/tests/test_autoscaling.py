"""Auto Scaling lifecycle hooks and their actions (moto has hooks but no actions): pending
actions per hook, heartbeats that extend them, completion exactly once, the DefaultResult on
timeout, the instance's target-lifecycle-state, and IAM scoped to the group."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from .conftest import LocalAWS, wait_for
from .test_imds import get, token

GROUP = "web"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"


@pytest.fixture()
def fast(aws: LocalAWS) -> LocalAWS:
    aws.control("POST", "/autoscaling", {"min_heartbeat_timeout": 1})
    return aws


def member(aws: LocalAWS, **extra: Any) -> dict[str, Any]:
    return aws.control("POST", "/instances", {"autoscaling_group": GROUP, "metadata_tags": True, **extra})


def hook(aws: LocalAWS, name: str = "drain", transition: str = TERMINATING, timeout: int = 2,
         default: str = "CONTINUE") -> None:
    aws.client("autoscaling").put_lifecycle_hook(
        AutoScalingGroupName=GROUP, LifecycleHookName=name, LifecycleTransition=transition,
        HeartbeatTimeout=timeout, DefaultResult=default,
    )


def target_state(inst: dict[str, Any]) -> str | int:
    r = get(inst["imds_endpoint"], "meta-data/autoscaling/target-lifecycle-state", token(inst["imds_endpoint"]))
    return r.text if r.status_code == 200 else r.status_code


def group_state(aws: LocalAWS, instance_id: str) -> str | None:
    found = aws.client("autoscaling").describe_auto_scaling_instances(InstanceIds=[instance_id])
    states = found["AutoScalingInstances"]
    return states[0]["LifecycleState"] if states else None


def ec2_state(aws: LocalAWS, instance_id: str) -> str:
    described = aws.client("ec2").describe_instances(InstanceIds=[instance_id])
    return str(described["Reservations"][0]["Instances"][0]["State"]["Name"])


def actions(aws: LocalAWS) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = aws.control("GET", f"/autoscaling/{GROUP}/actions")
    return result


def test_member_is_in_service_tagged_and_served(aws: LocalAWS) -> None:
    inst = member(aws)
    imds = inst["imds_endpoint"]
    assert inst["autoscaling_group"] == GROUP
    assert target_state(inst) == "InService"
    assert get(imds, "meta-data/tags/instance/aws:autoscaling:groupName", token(imds)).text == GROUP
    assert group_state(aws, inst["instance_id"]) == "InService"
    plain = aws.control("POST", "/instances", {})
    assert target_state(plain) == 404


def test_hooks_are_validated_and_get_aws_global_timeout(fast: LocalAWS) -> None:
    aws = fast
    member(aws)
    client = aws.client("autoscaling")
    hook(aws, timeout=3)
    (described,) = client.describe_lifecycle_hooks(AutoScalingGroupName=GROUP)["LifecycleHooks"]
    assert (described["HeartbeatTimeout"], described["GlobalTimeout"]) == (3, 300)
    assert described["DefaultResult"] == "CONTINUE"
    assert "RoleARN" not in described and "NotificationTargetARN" not in described  # moto invents both
    # An update that names only the timeout keeps the transition and the default result.
    client.put_lifecycle_hook(AutoScalingGroupName=GROUP, LifecycleHookName="drain", HeartbeatTimeout=7200,
                              NotificationMetadata="r53hook")
    (updated,) = client.describe_lifecycle_hooks(AutoScalingGroupName=GROUP)["LifecycleHooks"]
    assert updated["LifecycleTransition"] == TERMINATING and updated["DefaultResult"] == "CONTINUE"
    assert updated["GlobalTimeout"] == 172800 and updated["NotificationMetadata"] == "r53hook"
    bad = [
        {"LifecycleTransition": TERMINATING, "HeartbeatTimeout": 7201},
        {"LifecycleTransition": "autoscaling:EC2_INSTANCE_REBOOTING"},
        {"LifecycleTransition": TERMINATING, "DefaultResult": "RETRY"},
        {},  # a new hook needs its transition
    ]
    for extra in bad:
        with pytest.raises(ClientError) as err:
            client.put_lifecycle_hook(AutoScalingGroupName=GROUP, LifecycleHookName="other", **extra)
        assert err.value.response["Error"]["Code"] == "ValidationError", extra
    with pytest.raises(ClientError) as err:
        client.put_lifecycle_hook(AutoScalingGroupName="nope", LifecycleHookName="x", LifecycleTransition=TERMINATING)
    assert err.value.response["Error"]["Code"] == "ValidationError"
    # AWS's 30 s floor is back after a reset.
    aws.control("POST", "/reset")
    member(aws)
    with pytest.raises(ClientError):
        hook(aws, timeout=29)


def test_scale_in_waits_for_completion_exactly_once(fast: LocalAWS) -> None:
    aws = fast
    inst = member(aws)
    iid = inst["instance_id"]
    hook(aws, timeout=30)
    (started,) = aws.control("POST", f"/autoscaling/{GROUP}/scale-in", {"instance_id": iid})
    assert started["state"] == "pending" and started["transition"] == TERMINATING
    assert target_state(inst) == "Terminated" and group_state(aws, iid) == "Terminating:Wait"
    assert ec2_state(aws, iid) == "running"
    client = aws.client("autoscaling")
    client.record_lifecycle_action_heartbeat(AutoScalingGroupName=GROUP, LifecycleHookName="drain", InstanceId=iid)
    client.complete_lifecycle_action(AutoScalingGroupName=GROUP, LifecycleHookName="drain", InstanceId=iid,
                                     LifecycleActionResult="CONTINUE")
    with pytest.raises(ClientError) as err:
        client.complete_lifecycle_action(AutoScalingGroupName=GROUP, LifecycleHookName="drain", InstanceId=iid,
                                         LifecycleActionResult="CONTINUE")
    message = f"No active Lifecycle Action found with instance ID {iid}"
    assert err.value.response["Error"] == {"Type": "Sender", "Code": "ValidationError", "Message": message}
    (done,) = actions(aws)
    assert done["state"] == "continued" and len(done["heartbeats"]) == 1
    assert [c["result"] for c in done["completions"]] == ["CONTINUE"]
    assert [r["call"] for r in done["refused"]] == ["CompleteLifecycleAction"]
    assert ec2_state(aws, iid) == "terminated" and group_state(aws, iid) is None
    group = client.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]
    assert group["DesiredCapacity"] == 0 and group["Instances"] == []
    assert target_state(inst) == "Terminated"  # its IMDS still answers until the instance is deleted


def test_heartbeats_extend_and_timeout_applies_the_default_result(fast: LocalAWS) -> None:
    aws = fast
    inst = member(aws)
    iid = inst["instance_id"]
    hook(aws, timeout=2, default="ABANDON")
    aws.control("POST", f"/autoscaling/{GROUP}/scale-in", {"instance_id": iid})
    client = aws.client("autoscaling")
    start = time.monotonic()
    for _ in range(3):  # 3 s of heartbeats every second keep a 2 s timeout from firing (1 s of slack each)
        time.sleep(1.0)
        client.record_lifecycle_action_heartbeat(AutoScalingGroupName=GROUP, LifecycleHookName="drain",
                                                 InstanceId=iid)
    assert actions(aws)[0]["state"] == "pending"
    ended = wait_for(lambda: actions(aws)[0]["state"] == "timed_out", timeout=5.0)
    assert ended and time.monotonic() - start >= 4.9
    (timed_out,) = actions(aws)
    assert timed_out["result"] == "ABANDON" and len(timed_out["heartbeats"]) == 3 and timed_out["completions"] == []
    assert timed_out["ended"] == timed_out["heartbeats"][-1] + 2  # the deadline the last heartbeat set
    assert wait_for(lambda: ec2_state(aws, iid) == "terminated")
    with pytest.raises(ClientError) as err:
        client.record_lifecycle_action_heartbeat(AutoScalingGroupName=GROUP, LifecycleHookName="drain",
                                                 InstanceId=iid)
    assert "No active Lifecycle Action" in err.value.response["Error"]["Message"]


def test_complete_by_token_and_refusals(fast: LocalAWS) -> None:
    aws = fast
    inst = member(aws)
    iid = inst["instance_id"]
    hook(aws, timeout=30)
    (started,) = aws.control("POST", f"/autoscaling/{GROUP}/scale-in", {"instance_id": iid})
    client = aws.client("autoscaling")
    unknown_token = "bcd2f1b8-9a78-44d3-8a7a-4dd07d7cf635"
    for kwargs in ({"LifecycleActionResult": "RETRY", "InstanceId": iid},
                   {"LifecycleActionResult": "CONTINUE"},
                   {"LifecycleActionResult": "CONTINUE", "LifecycleActionToken": unknown_token},
                   {"LifecycleActionResult": "CONTINUE", "InstanceId": "i-0123456789abcdef0"}):
        with pytest.raises(ClientError) as err:
            client.complete_lifecycle_action(AutoScalingGroupName=GROUP, LifecycleHookName="drain", **kwargs)
        assert err.value.response["Error"]["Code"] == "ValidationError", kwargs
    assert actions(aws)[0]["state"] == "pending"
    client.complete_lifecycle_action(AutoScalingGroupName=GROUP, LifecycleHookName="drain",
                                     LifecycleActionToken=started["token"], LifecycleActionResult="ABANDON")
    assert actions(aws)[0]["state"] == "abandoned"
    # Scale-in needs an InService member.
    r = requests.post(f"{aws.control_url}/autoscaling/{GROUP}/scale-in", json={"instance_id": iid}, timeout=30)
    assert r.status_code == 400


def test_scale_in_without_hooks_terminates_at_once(aws: LocalAWS) -> None:
    inst = member(aws)
    assert aws.control("POST", f"/autoscaling/{GROUP}/scale-in", {"instance_id": inst["instance_id"]}) == []
    assert target_state(inst) == "Terminated" and ec2_state(aws, inst["instance_id"]) == "terminated"


def test_launch_waits_in_pending_then_goes_in_service(fast: LocalAWS) -> None:
    aws = fast
    member(aws)  # creates the group
    hook(aws, name="join", transition=LAUNCHING, timeout=30)
    inst = aws.control("POST", "/instances", {"metadata_tags": True})
    iid = inst["instance_id"]
    assert target_state(inst) == 404
    (started,) = aws.control("POST", f"/autoscaling/{GROUP}/launch", {"instance_id": iid})
    assert started["transition"] == LAUNCHING and started["hook"] == "join"
    assert target_state(inst) == "InService" and group_state(aws, iid) == "Pending:Wait"
    aws.client("autoscaling").complete_lifecycle_action(
        AutoScalingGroupName=GROUP, LifecycleHookName="join", InstanceId=iid, LifecycleActionResult="CONTINUE")
    assert group_state(aws, iid) == "InService" and ec2_state(aws, iid) == "running"


def test_warm_launch_then_from_the_pool_into_the_group(fast: LocalAWS) -> None:
    aws = fast
    member(aws)
    hook(aws, name="join", transition=LAUNCHING, timeout=1, default="CONTINUE")
    inst = aws.control("POST", "/instances", {"metadata_tags": True})
    iid = inst["instance_id"]
    aws.control("POST", f"/autoscaling/{GROUP}/launch", {"instance_id": iid, "warm": True})
    assert target_state(inst) == "Warmed:Running" and group_state(aws, iid) is None  # not a group member
    assert wait_for(lambda: actions(aws)[-1]["state"] == "timed_out", timeout=3.0)
    aws.control("POST", f"/autoscaling/{GROUP}/launch", {"instance_id": iid})
    assert target_state(inst) == "InService" and group_state(aws, iid) == "Pending:Wait"
    launches = [a for a in actions(aws) if a["instance_id"] == iid]
    assert [a["state"] for a in launches] == ["timed_out", "pending"]


def test_abandoned_launch_terminates(fast: LocalAWS) -> None:
    aws = fast
    member(aws)
    hook(aws, name="join", transition=LAUNCHING, timeout=30)
    inst = aws.control("POST", "/instances", {})
    iid = inst["instance_id"]
    aws.control("POST", f"/autoscaling/{GROUP}/launch", {"instance_id": iid})
    aws.client("autoscaling").complete_lifecycle_action(
        AutoScalingGroupName=GROUP, LifecycleHookName="join", InstanceId=iid, LifecycleActionResult="ABANDON")
    assert ec2_state(aws, iid) == "terminated" and target_state(inst) == "Terminated"


def test_lifecycle_calls_are_authorized_on_the_group_arn(fast: LocalAWS) -> None:
    aws = fast
    inst = member(aws)
    iid = inst["instance_id"]
    hook(aws, timeout=30)
    aws.control("POST", f"/autoscaling/{GROUP}/scale-in", {"instance_id": iid})
    scoped = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["autoscaling:CompleteLifecycleAction",
                                       "autoscaling:RecordLifecycleActionHeartbeat"],
         "Resource": "arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/other"},
        {"Effect": "Allow", "Action": "autoscaling:DescribeLifecycleHooks", "Resource": "*"},
    ]}
    user = aws.control("POST", "/users", {"policy": scoped})
    client = aws.client("autoscaling", key=user["access_key_id"], secret=user["secret_access_key"])
    assert client.describe_lifecycle_hooks(AutoScalingGroupName=GROUP)["LifecycleHooks"]
    with pytest.raises(ClientError) as err:
        client.record_lifecycle_action_heartbeat(AutoScalingGroupName=GROUP, LifecycleHookName="drain",
                                                 InstanceId=iid)
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    assert f":autoScalingGroupName/{GROUP}" in err.value.response["Error"]["Message"]
    scoped["Statement"][0]["Resource"] = f"arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/{GROUP}"
    user = aws.control("POST", "/users", {"policy": scoped})
    client = aws.client("autoscaling", key=user["access_key_id"], secret=user["secret_access_key"])
    client.complete_lifecycle_action(AutoScalingGroupName=GROUP, LifecycleHookName="drain", InstanceId=iid,
                                     LifecycleActionResult="CONTINUE")
    assert actions(aws)[0]["state"] == "continued"


def test_standby_and_detach_through_the_api_move_the_target_state(fast: LocalAWS) -> None:
    aws = fast
    inst, other = member(aws), member(aws)
    client = aws.client("autoscaling")
    client.enter_standby(AutoScalingGroupName=GROUP, InstanceIds=[inst["instance_id"]],
                         ShouldDecrementDesiredCapacity=True)
    assert target_state(inst) == "Standby" and group_state(aws, inst["instance_id"]) == "Standby"
    hook(aws, name="join", transition=LAUNCHING, timeout=30)
    client.exit_standby(AutoScalingGroupName=GROUP, InstanceIds=[inst["instance_id"]])
    assert target_state(inst) == "InService" and group_state(aws, inst["instance_id"]) == "Pending:Wait"
    assert [a["transition"] for a in actions(aws)] == [LAUNCHING]
    client.detach_instances(AutoScalingGroupName=GROUP, InstanceIds=[other["instance_id"]],
                            ShouldDecrementDesiredCapacity=True)
    assert target_state(other) == "Detached" and group_state(aws, other["instance_id"]) is None
    assert ec2_state(aws, other["instance_id"]) == "running"


def test_describe_auto_scaling_instances_shows_a_launch_out_of_standby_waiting_and_takes_no_resource(
        fast: LocalAWS) -> None:
    # What a restarted `watch` asks to tell a new launch action from the one it completed:
    # IMDS says InService throughout, Auto Scaling says Pending:Wait until the hook is answered.
    aws = fast
    inst = member(aws)
    iid = inst["instance_id"]
    hook(aws, name="join", transition=LAUNCHING, timeout=30)
    admin = aws.client("autoscaling")
    reader = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "autoscaling:DescribeAutoScalingInstances", "Resource": "*"}]}
    user = aws.control("POST", "/users", {"policy": reader})
    client = aws.client("autoscaling", key=user["access_key_id"], secret=user["secret_access_key"])

    def state() -> str:
        (described,) = client.describe_auto_scaling_instances(InstanceIds=[iid])["AutoScalingInstances"]
        assert described["InstanceId"] == iid and described["AutoScalingGroupName"] == GROUP
        return str(described["LifecycleState"])

    assert state() == "InService"
    admin.enter_standby(AutoScalingGroupName=GROUP, InstanceIds=[iid], ShouldDecrementDesiredCapacity=True)
    assert state() == "Standby"
    admin.exit_standby(AutoScalingGroupName=GROUP, InstanceIds=[iid])
    assert target_state(inst) == "InService" and state() == "Pending:Wait"
    admin.complete_lifecycle_action(AutoScalingGroupName=GROUP, LifecycleHookName="join", InstanceId=iid,
                                    LifecycleActionResult="CONTINUE")
    assert state() == "InService"
    # An unknown id is ignored, no error (the API reference).
    assert client.describe_auto_scaling_instances(InstanceIds=["i-0000000000000000f"])["AutoScalingInstances"] == []
    # No resource-level permissions: a statement scoped to the group's ARN does not allow it.
    reader["Statement"][0]["Resource"] = f"arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/{GROUP}"
    scoped = aws.control("POST", "/users", {"policy": reader})
    denied = aws.client("autoscaling", key=scoped["access_key_id"], secret=scoped["secret_access_key"])
    with pytest.raises(ClientError) as err:
        denied.describe_auto_scaling_instances(InstanceIds=[iid])
    assert err.value.response["Error"]["Code"] == "AccessDenied"
