"""ELB and ELBv2 health that moves through real states over time.

moto's health is instant and static: no initial state, no draining, connection draining and
deregistration delay do nothing, unknown instance ids are accepted (local-aws.md item 10).
moto still keeps the load balancers, target groups and registrations; this module checks
instance ids before a (de)registration reaches moto, remembers when each registration and
deregistration happened, and answers DescribeInstanceHealth and DescribeTargetHealth itself:

- a new registration is OutOfService / ``initial`` for ``healthy_after`` seconds, then
  InService / ``healthy``;
- a deregistered instance drains for the classic load balancer's connection-draining timeout
  (when enabled) or the target group's ``deregistration_delay.timeout_seconds``: classic
  reports it InService with "Instance deregistration currently in progress", ELBv2 reports
  ``draining``; after that it is gone (``unused`` when asked for by id);
- ``PATCH /_localaws/instances/{id}`` ``{"elb_health": "healthy"|"unhealthy"|null}`` forces an
  instance's health everywhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from .auth import ACCOUNT_ID
from .errors import NAMESPACES, AWSError, render_error, request_id

DEFAULT_HEALTHY_AFTER = 2.0
DRAINING_TEXT = "Instance deregistration currently in progress"


@dataclass
class Registration:
    registered: float
    draining_until: float | None = None


def _params(environ: dict[str, Any], body: bytes) -> dict[str, str]:
    params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    try:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        pass
    return params


def _members(params: dict[str, str], prefix: str, field: str) -> list[str]:
    out = []
    i = 1
    while f"{prefix}.member.{i}.{field}" in params:
        out.append(params[f"{prefix}.member.{i}.{field}"])
        i += 1
    return out


def _region(environ: dict[str, Any]) -> str:
    from .auth import parse_authorization

    try:
        parsed = parse_authorization(environ.get("HTTP_AUTHORIZATION", ""))
    except AWSError:
        parsed = None
    return parsed.region if parsed else "us-east-1"


class ELBHealth:
    def __init__(self, app: Any):
        self.app = app
        self.healthy_after = DEFAULT_HEALTHY_AFTER
        self.classic: dict[tuple[str, str], dict[str, Registration]] = {}
        self.v2: dict[str, dict[tuple[str, int], Registration]] = {}
        self.forced: dict[str, str] = {}

    # ------------------------------------------------------------------ control
    def reset(self) -> None:
        self.healthy_after = DEFAULT_HEALTHY_AFTER
        self.classic.clear()
        self.v2.clear()
        self.forced.clear()

    def settings(self) -> dict[str, Any]:
        return {"healthy_after": self.healthy_after}

    def configure(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = set(body) - {"healthy_after"}
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        if "healthy_after" in body:
            value = float(body["healthy_after"])
            if value < 0:
                raise ValueError("healthy_after must be >= 0")
            self.healthy_after = value
        return self.settings()

    def force(self, instance_id: str, health: Any) -> None:
        if health is None:
            self.forced.pop(instance_id, None)
        elif health in ("healthy", "unhealthy"):
            self.forced[instance_id] = health
        else:
            raise ValueError("elb_health must be 'healthy', 'unhealthy' or null")

    # ------------------------------------------------------------------ moto access
    @staticmethod
    def _ec2_instance(region: str, instance_id: str) -> Any:
        from moto.ec2.models import ec2_backends

        return ec2_backends[ACCOUNT_ID][region].get_instance_by_id(instance_id)

    @staticmethod
    def _classic_lb(region: str, name: str) -> Any:
        from moto.elb.models import elb_backends

        lb = elb_backends[ACCOUNT_ID][region].load_balancers.get(name)
        if lb is None:
            raise AWSError(400, "LoadBalancerNotFound", f"There is no ACTIVE Load Balancer named '{name}'")
        return lb

    @staticmethod
    def _target_group(region: str, arn: str) -> Any:
        from moto.elbv2.models import elbv2_backends

        tg = elbv2_backends[ACCOUNT_ID][region].target_groups.get(arn)
        if tg is None:
            raise AWSError(400, "TargetGroupNotFound", "One or more target groups not found")
        return tg

    # ------------------------------------------------------------------ hooks
    def intercept(self, service: str, action: str, body: bytes, environ: dict[str, Any]) -> Any:
        """Validate before moto, or answer a Describe*Health call; None lets moto answer."""
        region = _region(environ)
        params = _params(environ, body)
        try:
            with self.app.lock:
                if service == "elb":
                    if action in ("RegisterInstancesWithLoadBalancer", "DeregisterInstancesFromLoadBalancer"):
                        self._classic_lb(region, params.get("LoadBalancerName", ""))
                        for iid in _members(params, "Instances", "InstanceId"):
                            if self._ec2_instance(region, iid) is None:
                                raise AWSError(400, "InvalidInstance", f"Could not find EC2 instance {iid}.")
                        return None
                    if action == "DescribeInstanceHealth":
                        return self._describe_instance_health(region, params)
                    if action == "DescribeLoadBalancerAttributes":
                        # moto fails with a 500 (AttributeError) for an unknown name; AWS says 400.
                        self._classic_lb(region, params.get("LoadBalancerName", ""))
                        return None
                if service == "elbv2":
                    if action in ("RegisterTargets", "DeregisterTargets"):
                        tg = self._target_group(region, params.get("TargetGroupArn", ""))
                        if tg.target_type == "instance":
                            for tid in _members(params, "Targets", "Id"):
                                if self._ec2_instance(region, tid) is None:
                                    raise AWSError(
                                        400, "InvalidTarget",
                                        "The specified target does not exist or is not in the same VPC as the "
                                        "target group.",
                                    )
                        return None
                    if action == "DescribeTargetHealth":
                        return self._describe_target_health(region, params)
        except AWSError as err:
            return render_error(service, err)
        return None

    def after(self, service: str, action: str, body: bytes, out: bytes, environ: dict[str, Any] | None = None) -> bytes:
        """Bookkeeping once moto accepted a (de)registration."""
        environ = environ or {}
        region = _region(environ)
        params = _params(environ, body)
        now = time.time()
        with self.app.lock:
            if service == "elb" and action in ("RegisterInstancesWithLoadBalancer",
                                               "DeregisterInstancesFromLoadBalancer"):
                name = params.get("LoadBalancerName", "")
                regs = self.classic.setdefault((region, name), {})
                lb = self._classic_lb(region, name)
                ids = _members(params, "Instances", "InstanceId")
                if action == "RegisterInstancesWithLoadBalancer":
                    # moto appends duplicates; a load balancer holds an instance once.
                    lb.instance_sparse_ids = list(dict.fromkeys(lb.instance_sparse_ids))
                    for iid in ids:
                        reg = regs.get(iid)
                        if reg is None or reg.draining_until is not None:
                            regs[iid] = Registration(registered=now)
                else:
                    drain = lb.attributes.get("connection_draining") or {}
                    enabled = str(drain.get("Enabled", drain.get("enabled"))).lower() == "true"
                    timeout = float(drain.get("Timeout", drain.get("timeout", 300))) if enabled else 0.0
                    for iid in ids:
                        if iid in regs and regs[iid].draining_until is None:
                            if timeout > 0:
                                regs[iid].draining_until = now + timeout
                            else:
                                del regs[iid]
            if service == "elbv2" and action in ("RegisterTargets", "DeregisterTargets"):
                arn = params.get("TargetGroupArn", "")
                tg = self._target_group(region, arn)
                regs2 = self.v2.setdefault(arn, {})
                ids = _members(params, "Targets", "Id")
                i = 1
                for tid in ids:
                    port_raw = params.get(f"Targets.member.{i}.Port")
                    i += 1
                    port = int(port_raw) if port_raw else int(tg.port or 0)
                    key = (tid, port)
                    if action == "RegisterTargets":
                        reg = regs2.get(key)
                        if reg is None or reg.draining_until is not None:
                            regs2[key] = Registration(registered=now)
                    else:
                        delay = float(tg.attributes.get("deregistration_delay.timeout_seconds", 300))
                        if key in regs2 and regs2[key].draining_until is None:
                            if delay > 0:
                                regs2[key].draining_until = now + delay
                            else:
                                del regs2[key]
        return out

    # ------------------------------------------------------------------ classic
    def _classic_state(self, region: str, iid: str, reg: Registration | None, now: float) -> tuple[str, str, str]:
        """(State, ReasonCode, Description) of a registered or draining instance."""
        if reg is not None and reg.draining_until is not None:
            return "InService", "N/A", DRAINING_TEXT
        inst = self._ec2_instance(region, iid)
        if inst is None or inst.state != "running":
            state = inst.state if inst is not None else "terminated"
            return "OutOfService", "Instance", f"Instance is in {state} state."
        forced = self.forced.get(iid)
        if forced == "unhealthy":
            return (
                "OutOfService", "Instance",
                "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.",
            )
        if forced == "healthy":
            return "InService", "N/A", "N/A"
        if reg is None or now - reg.registered < self.healthy_after:
            return "OutOfService", "ELB", "Instance registration is still in progress."
        return "InService", "N/A", "N/A"

    def _prune(self, regs: dict[Any, Registration], now: float) -> None:
        for key in [k for k, r in regs.items() if r.draining_until is not None and r.draining_until <= now]:
            del regs[key]

    def _describe_instance_health(self, region: str, params: dict[str, str]) -> Any:
        name = params.get("LoadBalancerName", "")
        lb = self._classic_lb(region, name)
        now = time.time()
        regs = self.classic.setdefault((region, name), {})
        self._prune(regs, now)
        registered = list(dict.fromkeys(lb.instance_ids))
        draining = [iid for iid, r in regs.items() if r.draining_until is not None and iid not in registered]
        wanted = _members(params, "Instances", "InstanceId") or registered + draining
        members = []
        for iid in wanted:
            if iid in registered or iid in draining:
                state, reason, desc = self._classic_state(region, iid, regs.get(iid), now)
            elif self._ec2_instance(region, iid) is None:
                raise AWSError(400, "InvalidInstance", f"Could not find EC2 instance {iid}.")
            else:
                state, reason, desc = "Unknown", "ELB", "Instance is not currently registered with the LoadBalancer."
            members.append(
                f"<member><Description>{escape(desc)}</Description><InstanceId>{escape(iid)}</InstanceId>"
                f"<ReasonCode>{reason}</ReasonCode><State>{state}</State></member>"
            )
        xml = (
            f'<DescribeInstanceHealthResponse xmlns="{NAMESPACES["elb"]}"><DescribeInstanceHealthResult>'
            f"<InstanceStates>{''.join(members)}</InstanceStates></DescribeInstanceHealthResult>"
            f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata></DescribeInstanceHealthResponse>"
        )
        return 200, [("Content-Type", "text/xml")], xml.encode()

    # ------------------------------------------------------------------ v2
    def _target_state(
        self, region: str, tg: Any, tid: str, reg: Registration | None, now: float
    ) -> tuple[str, str | None, str | None]:
        if reg is not None and reg.draining_until is not None:
            return "draining", "Target.DeregistrationInProgress", "Target deregistration is in progress"
        if reg is None:
            return "unused", "Target.NotRegistered", "Target is not registered to the target group"
        if not tg.load_balancer_arns:
            return ("unused", "Target.NotInUse",
                    "Target group is not configured to receive traffic from the load balancer")
        if tg.target_type == "instance":
            inst = self._ec2_instance(region, tid)
            if inst is None or inst.state != "running":
                state = inst.state if inst is not None else "terminated"
                return "unused", "Target.InvalidState", f"Target is in the {state} state"
        forced = self.forced.get(tid)
        if forced == "unhealthy":
            return "unhealthy", "Target.FailedHealthChecks", "Health checks failed"
        if forced == "healthy":
            return "healthy", None, None
        if now - reg.registered < self.healthy_after:
            return "initial", "Elb.RegistrationInProgress", "Target registration is in progress"
        return "healthy", None, None

    def _describe_target_health(self, region: str, params: dict[str, str]) -> Any:
        arn = params.get("TargetGroupArn", "")
        tg = self._target_group(region, arn)
        now = time.time()
        regs = self.v2.setdefault(arn, {})
        self._prune(regs, now)
        default_port = int(tg.port or 0)
        registered = {(t["Id"], int(t.get("Port") or default_port)) for t in tg.targets.values()}
        for key in registered:
            # Registered in moto before localaws saw it (e.g. by CloudFormation): count it as old.
            regs.setdefault(key, Registration(registered=0.0))
        asked_ids = _members(params, "Targets", "Id")
        if asked_ids:
            wanted = []
            for i, tid in enumerate(asked_ids, start=1):
                port_raw = params.get(f"Targets.member.{i}.Port")
                if tg.target_type == "instance" and self._ec2_instance(region, tid) is None:
                    raise AWSError(
                        400, "InvalidTarget",
                        "The specified target does not exist or is not in the same VPC as the target group.",
                    )
                if port_raw:
                    wanted.append((tid, int(port_raw)))
                else:
                    ports = sorted(p for (t, p) in regs if t == tid) or [default_port]
                    wanted.extend((tid, p) for p in ports)
        else:
            wanted = sorted(k for k, r in regs.items() if k in registered or r.draining_until is not None)
        members = []
        for tid, port in wanted:
            reg = regs.get((tid, port))
            if reg is not None and reg.draining_until is None and (tid, port) not in registered:
                reg = None  # moto forgot it (e.g. the instance was terminated)
            state, reason, desc = self._target_state(region, tg, tid, reg, now)
            health = f"<State>{state}</State>"
            if reason:
                health += f"<Reason>{reason}</Reason><Description>{escape(desc or '')}</Description>"
            hc_port = getattr(tg, "health_check_port", None)
            if not hc_port or hc_port == "traffic-port":
                hc_port = str(port)
            members.append(
                f"<member><HealthCheckPort>{escape(str(hc_port))}</HealthCheckPort>"
                f"<TargetHealth>{health}</TargetHealth>"
                f"<Target><Port>{port}</Port><Id>{escape(tid)}</Id></Target></member>"
            )
        xml = (
            f'<DescribeTargetHealthResponse xmlns="{NAMESPACES["elbv2"]}"><DescribeTargetHealthResult>'
            f"<TargetHealthDescriptions>{''.join(members)}</TargetHealthDescriptions></DescribeTargetHealthResult>"
            f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata></DescribeTargetHealthResponse>"
        )
        return 200, [("Content-Type", "text/xml")], xml.encode()

