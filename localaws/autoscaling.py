"""Auto Scaling lifecycle hooks whose actions wait, take heartbeats, complete once and time out.

moto 5.2.1 stores lifecycle hooks but nothing ever waits on them: there is no lifecycle action,
CompleteLifecycleAction and RecordLifecycleActionHeartbeat are not implemented, PutLifecycleHook
accepts any HeartbeatTimeout, DefaultResult and transition (and a group that does not exist),
and GlobalTimeout is always 172800. This module keeps the lifecycle actions itself:

- ``POST /_localaws/autoscaling/{group}/scale-in`` ``{"instance_id"}`` moves an InService
  instance to Terminating:Wait (target-lifecycle-state ``Terminated``) with one pending action
  per EC2_INSTANCE_TERMINATING hook; ``POST /_localaws/autoscaling/{group}/launch``
  ``{"instance_id", "warm": false}`` moves an instance into the group (or into its warm
  pool) through Pending:Wait with one action per EC2_INSTANCE_LAUNCHING hook (target
  ``InService``, or ``Warmed:<PoolState>``).
- A pending action ends exactly once: by CompleteLifecycleAction (by instance id or token),
  or when its heartbeat timeout (extended by each RecordLifecycleActionHeartbeat) or the
  hook's global timeout (the lesser of 48 h and 100 x HeartbeatTimeout) passes, when the
  hook's DefaultResult applies. Anything later answers ValidationError "No active Lifecycle
  Action found with instance ID ..." (or "... with token ...") as Auto Scaling does.
- When every action of a transition has ended the instance moves on: a terminating one is
  detached (desired capacity decremented) and terminated in EC2; a launching one goes
  InService (or Warmed:*) on CONTINUE and is terminated on ABANDON.
- ``GET /_localaws/autoscaling/{group}/actions`` lists every action with its heartbeats and
  completions (refused calls too), for tests that prove "completed exactly once".
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .auth import ACCOUNT_ID
from .elb import _params, _region
from .errors import AWSError, render_error, request_id

NAMESPACE = "http://autoscaling.amazonaws.com/doc/2011-01-01/"
LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
TRANSITIONS = (LAUNCHING, TERMINATING)
RESULTS = ("CONTINUE", "ABANDON")
MAX_HEARTBEAT_TIMEOUT = 7200
MAX_GLOBAL_TIMEOUT = 172800
DEFAULT_MIN_HEARTBEAT_TIMEOUT = 30  # AWS's floor; tests lower it through the control API
POOL_STATES = ("Stopped", "Running", "Hibernated")
# Actions whose IAM resource is the group (Service Authorization Reference: autoScalingGroup*);
# the rest (Describe*) take "*".
GROUP_SCOPED_ACTIONS = {
    "CompleteLifecycleAction", "RecordLifecycleActionHeartbeat", "PutLifecycleHook", "DeleteLifecycleHook",
    "AttachInstances", "DetachInstances", "SetDesiredCapacity", "UpdateAutoScalingGroup",
    "DeleteAutoScalingGroup", "CreateAutoScalingGroup", "TerminateInstanceInAutoScalingGroup", "EnterStandby",
    "ExitStandby", "SetInstanceHealth", "SetInstanceProtection", "PutWarmPool", "DeleteWarmPool",
}


@dataclass
class LifecycleAction:
    """One instance waiting on one hook for one transition."""

    group: str
    hook: str
    instance_id: str
    transition: str
    default_result: str
    heartbeat_timeout: int
    global_timeout: int
    started: float
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    state: str = "pending"  # pending | continued | abandoned | timed_out
    result: str | None = None
    deadline: float = 0.0
    global_deadline: float = 0.0
    heartbeats: list[float] = field(default_factory=list)
    completions: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    ended: float | None = None

    def public(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id, "hook": self.hook, "group": self.group,
            "transition": self.transition, "token": self.token, "state": self.state, "result": self.result,
            "started": self.started, "deadline": self.deadline, "global_deadline": self.global_deadline,
            "ended": self.ended, "heartbeat_timeout": self.heartbeat_timeout, "default_result": self.default_result,
            "heartbeats": list(self.heartbeats), "completions": [dict(c) for c in self.completions],
            "refused": [dict(r) for r in self.refused],
        }


@dataclass
class Member:
    """Where an instance is in its group's lifecycle."""

    group: str
    region: str
    state: str  # Pending:Wait, InService, Terminating:Wait, Terminated, Warmed:Pending:Wait, Warmed:Running...
    warm_state: str | None = None  # the Warmed:* steady state a warm launch ends in


# Calls that move an instance between steady states, and the state each moves it to.
STEADY_MOVES = {"EnterStandby": "Standby", "ExitStandby": "InService", "DetachInstances": "Detached"}


def _members(params: dict[str, str], prefix: str) -> list[str]:
    out = []
    while f"{prefix}.member.{len(out) + 1}" in params:
        out.append(params[f"{prefix}.member.{len(out) + 1}"])
    return out


def _validation(message: str) -> AWSError:
    return AWSError(400, "ValidationError", message)


class AutoScaling:
    def __init__(self, app: Any):
        self.app = app
        self.actions: list[LifecycleAction] = []
        self.members: dict[str, Member] = {}
        self.min_heartbeat_timeout = DEFAULT_MIN_HEARTBEAT_TIMEOUT
        self.updating: dict[str, tuple[Any, ...]] = {}  # hook key -> the fields of the hook being updated
        self.wake = threading.Event()
        self.reaper: threading.Thread | None = None

    # ------------------------------------------------------------------ control
    def reset(self) -> None:
        with self.app.lock:
            self.actions.clear()
            self.members.clear()
            self.min_heartbeat_timeout = DEFAULT_MIN_HEARTBEAT_TIMEOUT

    def settings(self) -> dict[str, Any]:
        return {"min_heartbeat_timeout": self.min_heartbeat_timeout}

    def configure(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = set(body) - {"min_heartbeat_timeout"}
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        if "min_heartbeat_timeout" in body:
            value = int(body["min_heartbeat_timeout"])
            if not 1 <= value <= MAX_HEARTBEAT_TIMEOUT:
                raise ValueError(f"min_heartbeat_timeout must be 1-{MAX_HEARTBEAT_TIMEOUT}")
            self.min_heartbeat_timeout = value
        return self.settings()

    def list_actions(self, group: str) -> list[dict[str, Any]]:
        with self.app.lock:
            self.expire(time.time())
            return [a.public() for a in self.actions if a.group == group]

    # ------------------------------------------------------------------ moto access
    @staticmethod
    def backend(region: str) -> Any:
        from moto.autoscaling.models import autoscaling_backends

        return autoscaling_backends[ACCOUNT_ID][region]

    def _group(self, region: str, name: str) -> Any:
        group = self.backend(region).autoscaling_groups.get(name)
        if group is None:
            raise _validation(f"AutoScalingGroup name not found - {name}")
        return group

    def _hooks(self, region: str, group: str, transition: str) -> list[Any]:
        return [h for h in self.backend(region).describe_lifecycle_hooks(group) if h.lifecycle_transition == transition]

    def group_arn(self, region: str, name: str) -> str:
        group = self.backend(region).autoscaling_groups.get(name)
        if group is not None:
            return str(group.arn)
        return f"arn:aws:autoscaling:{region}:{ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/{name}"

    def ensure_group(self, region: str, az: str, name: str) -> None:
        """Create the group (MinSize 0, MaxSize 100, no instances of its own) if it does not exist."""
        with self.app.lock:
            if name in self.backend(region).autoscaling_groups:
                return
        from .control import DEFAULT_AMI

        client = self.app.internal_client("autoscaling", region)
        config = f"localaws-{secrets.token_hex(4)}"
        client.create_launch_configuration(LaunchConfigurationName=config, ImageId=DEFAULT_AMI, InstanceType="t3.micro")
        client.create_auto_scaling_group(
            AutoScalingGroupName=name, LaunchConfigurationName=config, MinSize=0, MaxSize=100, DesiredCapacity=0,
            AvailabilityZones=[az],
        )

    # ------------------------------------------------------------------ membership
    def _set_state(self, instance_id: str, state: str, target: str | None) -> None:
        """Record the instance's lifecycle state, in moto too, and what its IMDS says it is heading to."""
        member = self.members.get(instance_id)
        if member is not None:
            member.state = state
            group = self.backend(member.region).autoscaling_groups.get(member.group)
            for st in group.instance_states if group is not None else []:
                if st.instance.id == instance_id:
                    st.lifecycle_state = state
        with self.app.control.instances_lock:
            inst = self.app.control.instances.get(instance_id)
        if inst is not None:
            inst.events.set_lifecycle_state(target)
            if member is not None:
                inst.info["autoscaling_group"] = member.group if state not in ("Terminated", "Detached") else None

    def attach(self, inst: Any, group: str) -> None:
        """Put a new instance into a group as InService (POST /_localaws/instances autoscaling_group)."""
        region, iid = inst.info["region"], inst.info["instance_id"]
        self.ensure_group(region, inst.info["availability_zone"], group)
        with self.app.lock:
            self._attach_in_moto(region, group, iid)
            self.members[iid] = Member(group, region, "InService")
            self._set_state(iid, "InService", "InService")

    def _attach_in_moto(self, region: str, group: str, instance_id: str) -> None:
        backend = self.backend(region)
        asg = self._group(region, group)
        if len(asg.instance_states) + 1 > (asg.max_size or 0):
            raise ValueError(f"{group} is at its MaxSize ({asg.max_size}); raise it with UpdateAutoScalingGroup")
        backend.attach_instances(group, [instance_id])  # also tags aws:autoscaling:groupName

    def _instance(self, instance_id: str) -> Any:
        with self.app.control.instances_lock:
            inst = self.app.control.instances.get(instance_id)
        if inst is None:
            raise ValueError(f"no instance {instance_id} (create it with POST /_localaws/instances)")
        return inst

    def scale_in(self, group: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        iid = str(body.get("instance_id", ""))
        inst = self._instance(iid)
        with self.app.lock:
            member = self.members.get(iid)
            if member is None or member.group != group or member.state != "InService":
                state = member.state if member else "not in a group"
                raise ValueError(f"{iid} is not InService in {group} ({state})")
            hooks = self._hooks(inst.info["region"], group, TERMINATING)
            started = self._start(group, iid, TERMINATING, hooks)
            if started:
                self._set_state(iid, "Terminating:Wait", "Terminated")
            else:
                self._set_state(iid, "Terminating", "Terminated")
                self._finish(iid, TERMINATING)
            return [a.public() for a in started]

    def launch(self, group: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        unknown = set(body) - {"instance_id", "warm", "pool_state"}
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        iid = str(body.get("instance_id", ""))
        inst = self._instance(iid)
        region = inst.info["region"]
        warm = bool(body.get("warm", False))
        self.ensure_group(region, inst.info["availability_zone"], group)
        with self.app.lock:
            member = self.members.get(iid)
            from_pool = member is not None and member.group == group and member.state.startswith("Warmed:")
            if member is not None and not from_pool:
                raise ValueError(f"{iid} is already in {member.group} ({member.state})")
            if from_pool and warm:
                raise ValueError(f"{iid} is already in the warm pool of {group}")
            hooks = self._hooks(region, group, LAUNCHING)
            if warm:
                pool = self._group(region, group).warm_pool
                configured = getattr(pool, "pool_state", None) if pool is not None else None
                pool_state = body.get("pool_state") or configured or "Running"
                if pool_state not in POOL_STATES:
                    raise ValueError(f"pool_state must be one of {', '.join(POOL_STATES)}")
                target = f"Warmed:{pool_state}"
                self.members[iid] = Member(group, region, "Warmed:Pending", warm_state=target)
                self._tag(region, iid, group)
            else:
                self._attach_in_moto(region, group, iid)
                self.members[iid] = Member(group, region, "Pending")
                target = "InService"
            started = self._start(group, iid, LAUNCHING, hooks)
            waiting = ("Warmed:Pending:Wait" if warm else "Pending:Wait") if started else None
            self._set_state(iid, waiting or ("Warmed:Pending" if warm else "Pending"), target)
            if not started:
                self._finish(iid, LAUNCHING)
            return [a.public() for a in started]

    def _tag(self, region: str, instance_id: str, group: str) -> None:
        from moto.autoscaling.models import ASG_NAME_TAG
        from moto.ec2.models import ec2_backends

        ec2_backends[ACCOUNT_ID][region].create_tags([instance_id], {ASG_NAME_TAG: group})

    def forget(self, instance_id: str) -> None:
        """The instance was deleted through the control API: its pending actions end unanswered."""
        with self.app.lock:
            self.members.pop(instance_id, None)
            now = time.time()
            for action in self.actions:
                if action.instance_id == instance_id and action.state == "pending":
                    action.state, action.result, action.ended = "abandoned", "ABANDON", now

    # ------------------------------------------------------------------ actions
    def _start(self, group: str, instance_id: str, transition: str, hooks: list[Any]) -> list[LifecycleAction]:
        now = time.time()
        started = []
        for hook in hooks:
            timeout = int(hook.heartbeat_timeout)
            action = LifecycleAction(
                group=group, hook=hook.name, instance_id=instance_id, transition=transition,
                default_result=hook.default_result, heartbeat_timeout=timeout,
                global_timeout=int(hook.global_timeout), started=now,
            )
            action.global_deadline = now + action.global_timeout
            action.deadline = min(now + timeout, action.global_deadline)
            self.actions.append(action)
            started.append(action)
        if started:
            self._start_reaper()
        return started

    def _finish(self, instance_id: str, transition: str) -> None:
        """Move the instance on once no action of this transition is pending."""
        mine = [a for a in self.actions if a.instance_id == instance_id and a.transition == transition]
        if mine:
            # Only this round's actions count (a launch from the warm pool follows the warm launch).
            latest = max(a.started for a in mine)
            mine = [a for a in mine if a.started == latest]
        if any(a.state == "pending" for a in mine):
            return
        member = self.members.get(instance_id)
        if member is None:
            return
        abandoned = any(a.result == "ABANDON" for a in mine)
        if transition == LAUNCHING and not abandoned:
            if member.warm_state is not None:
                self._set_state(instance_id, member.warm_state, member.warm_state)
                member.warm_state = None
            else:
                self._set_state(instance_id, "InService", "InService")
            return
        # Terminating (CONTINUE or ABANDON both terminate), or a launch that was abandoned.
        self._set_state(instance_id, "Terminating:Proceed", "Terminated")
        backend = self.backend(member.region)
        if member.group in backend.autoscaling_groups and any(
            st.instance.id == instance_id for st in backend.autoscaling_groups[member.group].instance_states
        ):
            backend.detach_instances(member.group, [instance_id], should_decrement=True)
        backend.ec2_backend.terminate_instances([instance_id])
        self._set_state(instance_id, "Terminated", "Terminated")

    def expire(self, now: float) -> None:
        """Apply the default result to every pending action whose timeout has passed. Lock held."""
        for action in self.actions:
            if action.state == "pending" and now >= action.deadline:
                action.state, action.result, action.ended = "timed_out", action.default_result, action.deadline
                self._finish(action.instance_id, action.transition)

    def _start_reaper(self) -> None:
        self.wake.set()
        if self.reaper is not None and self.reaper.is_alive():
            return
        self.reaper = threading.Thread(target=self._reap, name="autoscaling-timeouts", daemon=True)
        self.reaper.start()

    def _reap(self) -> None:
        while True:
            with self.app.lock:
                self.expire(time.time())
                deadlines = [a.deadline for a in self.actions if a.state == "pending"]
            self.wake.clear()
            wait = min(deadlines) - time.time() if deadlines else 5.0
            self.wake.wait(max(0.01, min(wait, 5.0)))

    def _find(self, params: dict[str, str], call: str) -> LifecycleAction:
        """The pending action a Complete/Heartbeat call names, or Auto Scaling's ValidationError."""
        group = params.get("AutoScalingGroupName", "")
        hook = params.get("LifecycleHookName", "")
        iid = params.get("InstanceId")
        token = params.get("LifecycleActionToken")
        if not group or not hook:
            missing = "AutoScalingGroupName" if not group else "LifecycleHookName"
            raise _validation(f"1 validation error detected: Value null at '{missing[0].lower() + missing[1:]}' "
                              "failed to satisfy constraint: Member must not be null")
        if not iid and not token:
            raise _validation("Either the LifecycleActionToken or the InstanceId must be specified.")
        now = time.time()
        self.expire(now)
        named = [a for a in self.actions if a.group == group and a.hook == hook
                 and (a.token == token if token else a.instance_id == iid)]
        pending = [a for a in named if a.state == "pending"]
        if pending:
            return pending[-1]
        if named:
            named[-1].refused.append({"time": now, "call": call})
        which = f"token {token}" if token else f"instance ID {iid}"
        raise _validation(f"No active Lifecycle Action found with {which}")

    # ------------------------------------------------------------------ the API
    def intercept(self, action: str, body: bytes, environ: dict[str, Any]) -> Any:
        """Answer the lifecycle-action calls moto lacks and check PutLifecycleHook; None lets moto answer."""
        region = _region(environ)
        params = _params(environ, body)
        try:
            with self.app.lock:
                if action == "CompleteLifecycleAction":
                    result = params.get("LifecycleActionResult", "")
                    if result not in RESULTS:
                        raise _validation(f"LifecycleActionResult must be one of {', '.join(RESULTS)}, not '{result}'")
                    found = self._find(params, action)
                    now = time.time()
                    found.completions.append({"time": now, "result": result})
                    found.state = "continued" if result == "CONTINUE" else "abandoned"
                    found.result, found.ended = result, now
                    self._finish(found.instance_id, found.transition)
                    return self._empty(action)
                if action == "RecordLifecycleActionHeartbeat":
                    found = self._find(params, action)
                    now = time.time()
                    found.heartbeats.append(now)
                    found.deadline = min(now + found.heartbeat_timeout, found.global_deadline)
                    self.wake.set()
                    return self._empty(action)
                if action == "PutLifecycleHook":
                    self._check_hook(region, params)
        except AWSError as err:
            return render_error("autoscaling", err)
        return None

    def after(self, action: str, body: bytes, environ: dict[str, Any]) -> None:
        """Bookkeeping once moto accepted a call: hooks, and instances the API moved."""
        if action in STEADY_MOVES:
            self._moved(action, _params(environ, body))
        if action == "PutLifecycleHook":
            self._stored_hook(_params(environ, body), environ)

    def _moved(self, action: str, params: dict[str, str]) -> None:
        """EnterStandby, ExitStandby and DetachInstances change the target state IMDS serves."""
        target = STEADY_MOVES[action]
        group = params.get("AutoScalingGroupName", "")
        with self.app.lock:
            for iid in _members(params, "InstanceIds"):
                member = self.members.get(iid)
                if member is None or member.group != group:
                    continue
                if action == "ExitStandby":
                    # Back in service through Pending, so launch hooks run again (instance lifecycle).
                    started = self._start(group, iid, LAUNCHING, self._hooks(member.region, group, LAUNCHING))
                    self._set_state(iid, "Pending:Wait" if started else "Pending", "InService")
                    self._finish(iid, LAUNCHING)
                    continue
                self._set_state(iid, target, target)
                if target == "Detached":
                    self.members.pop(iid, None)

    def _stored_hook(self, params: dict[str, str], environ: dict[str, Any]) -> None:
        """Give a stored hook what AWS keeps: its GlobalTimeout, its ARNs, on update its old fields."""
        key = f"{params.get('AutoScalingGroupName')}_{params.get('LifecycleHookName')}"
        with self.app.lock:
            hook = self.backend(_region(environ)).lifecycle_hooks.get(key)
            previous = self.updating.pop(key, None)
            if hook is None:
                return
            # moto invents a RoleARN and NotificationTargetARN and drops NotificationMetadata.
            hook.role_arn = params.get("RoleARN")
            hook.notification_target_arn = params.get("NotificationTargetARN")
            hook.notification_metadata = params.get("NotificationMetadata")
            if previous is not None:
                fields = ("lifecycle_transition", "heartbeat_timeout", "default_result", "role_arn",
                          "notification_target_arn", "notification_metadata")
                names = ("LifecycleTransition", "HeartbeatTimeout", "DefaultResult", "RoleARN",
                         "NotificationTargetARN", "NotificationMetadata")
                for attr, name, value in zip(fields, names, previous):
                    if name not in params:
                        setattr(hook, attr, value)
            hook.global_timeout = min(MAX_GLOBAL_TIMEOUT, 100 * int(hook.heartbeat_timeout))

    def _check_hook(self, region: str, params: dict[str, str]) -> None:
        group = params.get("AutoScalingGroupName", "")
        self._group(region, group)
        existing = self.backend(region).lifecycle_hooks.get(f"{group}_{params.get('LifecycleHookName', '')}")
        transition = params.get("LifecycleTransition")
        if transition is None and existing is None:
            raise _validation("LifecycleTransition is required when creating a lifecycle hook")
        if transition is not None and transition not in TRANSITIONS:
            raise _validation(f"Invalid Lifecycle Transition: {transition}")
        if "HeartbeatTimeout" in params:
            try:
                timeout = int(params["HeartbeatTimeout"])
            except ValueError:
                raise _validation("HeartbeatTimeout must be an integer") from None
            if not self.min_heartbeat_timeout <= timeout <= MAX_HEARTBEAT_TIMEOUT:
                low, high = self.min_heartbeat_timeout, MAX_HEARTBEAT_TIMEOUT
                raise _validation(f"Heartbeat timeout must be between {low} and {high} seconds.")
        result = params.get("DefaultResult")
        if result is not None and result not in RESULTS:
            raise _validation(f"Invalid DefaultResult: {result}. Valid values are CONTINUE and ABANDON.")
        if existing is not None:
            # An update keeps what it does not name; moto resets those to its defaults (after() restores).
            key = f"{group}_{params.get('LifecycleHookName', '')}"
            self.updating[key] = (existing.lifecycle_transition, existing.heartbeat_timeout, existing.default_result,
                                  existing.role_arn, existing.notification_target_arn,
                                  getattr(existing, "notification_metadata", None))

    @staticmethod
    def _empty(action: str) -> tuple[int, list[tuple[str, str]], bytes]:
        xml = (
            f'<{action}Response xmlns="{NAMESPACE}"><{action}Result/>'
            f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata></{action}Response>"
        )
        return 200, [("Content-Type", "text/xml")], xml.encode()

    def resource_of(self, action: str, environ: dict[str, Any], body: bytes) -> str:
        """The IAM resource of a call: the group's ARN for group-scoped actions, else '*'."""
        if action not in GROUP_SCOPED_ACTIONS:
            return "*"
        name = _params(environ, body).get("AutoScalingGroupName", "")
        if not name:
            return "*"
        return self.group_arn(_region(environ), name)
