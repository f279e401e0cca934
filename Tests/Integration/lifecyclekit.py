"""Helpers for the `r53hook watch` tests (issue 10), beside watchkit.py (the watch process): the
local AWS's interruption notices and Auto Scaling lifecycle actions (localaws/README.md, "IMDS
interruption notices" and "Auto Scaling lifecycle hooks"), driven through its control API, and
the clocks the tests compare.

- Notices(world, instance): what EC2 announces to one instance: a Spot interruption, scheduled
  maintenance events (active ones in events/maintenance/scheduled, canceled and completed ones
  in .../history, as EC2 does), a rebalance recommendation, a target lifecycle state.
- Group(world, name): an Auto Scaling group with lifecycle hooks; members, scale-in and launch
  (also into the warm pool), and the lifecycle actions with their heartbeats and completions,
  to prove "completed exactly once, heartbeats in between".
- watch_policy(group ARN pattern): the instance role policy that lets watch do its work with the
  Auto Scaling actions scoped to one group, as the shipped policy should be.
- wait_until(): poll a predicate; the time it first held (time.time()), or None.

Standard library and requests only; the World of harness.py is passed in.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from world import World

TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
ACCOUNT_ID = "123456789012"  # moto's default account, which the local AWS uses


def epoch(text: str) -> float:
    """Epoch seconds of a 2026-11-29T05:00:00Z time (the spot item's format)."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.05) -> float | None:
    """Poll `predicate` until it is truthy; the time.time() it first was, or None after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return time.time()
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


class Notices:
    """The interruption notices of one instance (the world's own unless another is given)."""

    def __init__(self, world: World, instance: dict[str, Any] | None = None):
        self.world = world
        self.instance = instance or world.instance
        self.events: list[dict[str, Any]] = []

    def _patch(self, **body: Any) -> dict[str, Any]:
        return self.world.patch_instance(self.instance["instance_id"], **body)

    def spot(self, action: str = "terminate", in_seconds: float = 120) -> float:
        """Schedule a Spot interruption `in_seconds` from now; the notice's time (epoch s, whole
        seconds as IMDS writes it)."""
        served = self._patch(spot_action={"action": action, "in_seconds": in_seconds})
        return epoch(served["spot_action"]["time"])

    def withdraw_spot(self) -> None:
        self._patch(spot_action=None)

    def maintenance(self, code: str = "system-reboot", not_before_in: float = 600, *,
                    not_after_in: float | None = None, event_id: str | None = None) -> str:
        """Add an active scheduled event starting `not_before_in` seconds from now; its EventId."""
        event: dict[str, Any] = {"Code": code, "NotBefore_in_seconds": not_before_in}
        if not_after_in is not None:
            event["NotAfter_in_seconds"] = not_after_in
        if event_id is not None:
            event["EventId"] = event_id
        served = self._patch(maintenance_events=[*self._kept(), event])["maintenance_events"]
        self.events = served
        return str(served[-1]["EventId"])

    def set_event_state(self, event_id: str, state: str) -> None:
        """Cancel ("canceled") or finish ("completed") an event: it leaves .../scheduled for .../history."""
        kept = self._kept()
        for event in kept:
            if event["EventId"] == event_id:
                event["State"] = state
        self.events = self._patch(maintenance_events=kept)["maintenance_events"]

    def _kept(self) -> list[dict[str, Any]]:
        """The events set so far, as the control API takes them back (times in EC2's format)."""
        kept = []
        for served in self.events:
            event = {k: served[k] for k in ("Code", "EventId", "NotBefore", "NotAfter", "State")}
            event["Description"] = served["Description"].removeprefix("[Canceled] ").removeprefix("[Completed] ")
            if "NotBeforeDeadline" in served:
                event["NotBeforeDeadline"] = served["NotBeforeDeadline"]
            kept.append(event)
        return kept

    def rebalance(self) -> None:
        self._patch(rebalance={})

    def withdraw_rebalance(self) -> None:
        self._patch(rebalance=None)

    def lifecycle(self, state: str | None) -> None:
        """Set autoscaling/target-lifecycle-state directly (None: 404, not in a group)."""
        self._patch(lifecycle_state=state)


class Group:
    """An Auto Scaling group in the local AWS, created by its first member. `min_heartbeat_timeout`
    lowers AWS's 30 s floor so that tests can use hooks of a few seconds."""

    def __init__(self, world: World, name: str = "web", min_heartbeat_timeout: int = 1):
        self.world = world
        self.name = name
        self.client = world.client("autoscaling")
        world.control("POST", "/autoscaling", {"min_heartbeat_timeout": min_heartbeat_timeout})

    @property
    def arn_pattern(self) -> str:
        return f"arn:aws:autoscaling:*:{ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/{self.name}"

    def member(self, **body: Any) -> dict[str, Any]:
        """A new InService instance of the group, its tags (aws:autoscaling:groupName) in IMDS."""
        body.setdefault("metadata_tags", True)
        return self.world.create_instance(autoscaling_group=self.name, **body)

    def hook(self, name: str = "drain", transition: str = TERMINATING, heartbeat_timeout: int = 2,
             default_result: str = "CONTINUE") -> None:
        """PutLifecycleHook through the real API (the group must exist: make a member first)."""
        self.client.put_lifecycle_hook(
            AutoScalingGroupName=self.name, LifecycleHookName=name, LifecycleTransition=transition,
            HeartbeatTimeout=heartbeat_timeout, DefaultResult=default_result,
        )

    def scale_in(self, instance_id: str) -> list[dict[str, Any]]:
        """The group picks this instance to terminate: target state Terminated, actions pending."""
        started: list[dict[str, Any]] = self.world.control(
            "POST", f"/autoscaling/{self.name}/scale-in", {"instance_id": instance_id})
        return started

    def launch(self, instance_id: str, warm: bool = False) -> list[dict[str, Any]]:
        """An instance not yet in the group (or in its warm pool) launches into it (or the pool)."""
        started: list[dict[str, Any]] = self.world.control(
            "POST", f"/autoscaling/{self.name}/launch", {"instance_id": instance_id, "warm": warm})
        return started

    def actions(self, instance_id: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.world.control("GET", f"/autoscaling/{self.name}/actions")
        return [a for a in found if instance_id is None or a["instance_id"] == instance_id]

    def action(self, instance_id: str, hook: str = "drain") -> dict[str, Any]:
        """The instance's latest action on `hook`."""
        mine = [a for a in self.actions(instance_id) if a["hook"] == hook]
        assert mine, f"no lifecycle action of {instance_id} on {hook}"
        return mine[-1]

    def wait_ended(self, instance_id: str, hook: str = "drain", timeout: float = 30) -> dict[str, Any]:
        """Wait until the action is no longer pending; the action."""
        wait_until(lambda: self.action(instance_id, hook)["state"] != "pending", timeout)
        return self.action(instance_id, hook)

    def lifecycle_state(self, instance_id: str) -> str | None:
        """The group's view (Pending:Wait, InService, Terminating:Wait, ...); None once out of it."""
        found = self.client.describe_auto_scaling_instances(InstanceIds=[instance_id])["AutoScalingInstances"]
        return str(found[0]["LifecycleState"]) if found else None

    @staticmethod
    def completed_once(action: dict[str, Any], result: str = "CONTINUE") -> bool:
        """Completed exactly once with `result`, and never asked to complete again."""
        refused = [r for r in action["refused"] if r["call"] == "CompleteLifecycleAction"]
        return [c["result"] for c in action["completions"]] == [result] and not refused

    @staticmethod
    def heartbeat_gaps(action: dict[str, Any]) -> list[float]:
        """Seconds between the action's start, each heartbeat and its end (or now): each must stay
        under the hook's heartbeat timeout for the action not to time out."""
        marks = [action["started"], *action["heartbeats"], action["ended"] or time.time()]
        return [b - a for a, b in zip(marks, marks[1:])]


def watch_policy(group_arn: str = "*") -> dict[str, Any]:
    """An instance role policy for watch: Route 53, load balancers, EC2 reads, and the Auto
    Scaling lifecycle calls on `group_arn` (DescribeLifecycleHooks and DescribeAutoScalingInstances
    take no resource: "*")."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["route53:*", "elasticloadbalancing:*", "ec2:Describe*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["autoscaling:CompleteLifecycleAction",
                                           "autoscaling:RecordLifecycleActionHeartbeat"], "Resource": group_arn},
            {"Effect": "Allow", "Action": ["autoscaling:DescribeLifecycleHooks",
                                           "autoscaling:DescribeAutoScalingInstances"], "Resource": "*"},
        ],
    }
