"""Load balancers in the local AWS, as the tests set them up and watch them (`World.fleet`),
and `Later`, which runs an action on a timer while a command runs."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from world import World

DRAINING_TEXT = "Instance deregistration currently in progress"


class Later:
    """Runs `action` once, `delay` seconds from now, on a background thread; `fired_at`
    is the time.time() it ran (None until then). Use as a context manager so the thread
    is always joined (and cancelled when the test ended first)."""

    def __init__(self, delay: float, action: Any):
        self.delay = delay
        self.fired_at: float | None = None
        self.error: BaseException | None = None
        self._action = action
        self._timer = threading.Timer(delay, self._fire)

    def _fire(self) -> None:
        try:
            self._action()
        except BaseException as exc:  # reported by __exit__
            self.error = exc
        self.fired_at = time.time()

    def __enter__(self) -> Later:
        self._timer.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._timer.cancel()
        self._timer.join()
        if self.error is not None and exc[0] is None:
            raise self.error


class Fleet:
    """Load balancers in the local AWS, seen and changed with the admin keys: classic ELBs,
    ELBv2 target groups, health over time (localaws/elb.py). Reached as `World.fleet`."""

    def __init__(self, world: World):
        self.world = world
        self.region: str = world.server.info.get("region", "us-east-1")
        self.elb = world.client("elb")
        self.elbv2 = world.client("elbv2")

    # ---- settings of the emulator
    def healthy_after(self, seconds: float) -> None:
        """Seconds a new registration stays OutOfService / initial."""
        self.world.control("POST", "/elb", {"healthy_after": seconds})

    def force(self, instance_id: str, health: str | None) -> None:
        """Force "healthy" or "unhealthy" everywhere; None lets time decide again."""
        self.world.patch_instance(instance_id, elb_health=health)

    # ---- classic ELB
    def create_elb(self, name: str = "web", draining: int | None = None) -> str:
        """A classic ELB; with `draining`, connection draining on with that timeout (s)."""
        self.elb.create_load_balancer(
            LoadBalancerName=name,
            Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 80}],
            AvailabilityZones=[f"{self.region}a"],
        )
        if draining is not None:
            self.elb.modify_load_balancer_attributes(
                LoadBalancerName=name,
                LoadBalancerAttributes={"ConnectionDraining": {"Enabled": True, "Timeout": draining}})
        return name

    def register(self, name: str, *instance_ids: str) -> None:
        self.elb.register_instances_with_load_balancer(
            LoadBalancerName=name, Instances=[{"InstanceId": i} for i in instance_ids])

    def deregister(self, name: str, *instance_ids: str) -> None:
        self.elb.deregister_instances_from_load_balancer(
            LoadBalancerName=name, Instances=[{"InstanceId": i} for i in instance_ids])

    def elb_states(self, name: str) -> dict[str, tuple[str, str]]:
        """{instance id: (State, Description)} of every instance the ELB reports (draining too)."""
        states = self.elb.describe_instance_health(LoadBalancerName=name)["InstanceStates"]
        return {s["InstanceId"]: (s["State"], s.get("Description", "")) for s in states}

    def elb_healthy(self, name: str) -> set[str]:
        """Instances counted healthy for a quorum: InService, not draining."""
        return {i for i, (state, desc) in self.elb_states(name).items()
                if state == "InService" and "deregistration" not in desc.lower()}

    # ---- ELBv2
    def create_target_group(self, name: str = "tg", delay: int | None = None, port: int = 8080,
                            listener: bool = True) -> str:
        """An instance target group of the default VPC; with `listener`, an application load
        balancer forwarding to it (without one it reports every target unused)."""
        ec2 = self.world.ec2
        [vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        tg = self.elbv2.create_target_group(Name=name, Protocol="HTTP", Port=port, VpcId=vpc["VpcId"],
                                            TargetType="instance")["TargetGroups"][0]
        arn: str = tg["TargetGroupArn"]
        if delay is not None:
            self.elbv2.modify_target_group_attributes(
                TargetGroupArn=arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": str(delay)}])
        if listener:
            subnets = [s["SubnetId"] for s in ec2.describe_subnets(
                Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]]
            lb = self.elbv2.create_load_balancer(Name=f"{name}-alb", Subnets=subnets[:2])["LoadBalancers"][0]
            self.elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                                       DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])
        return arn

    def register_targets(self, arn: str, *instance_ids: str) -> None:
        self.elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": i} for i in instance_ids])

    def target_states(self, arn: str, *instance_ids: str) -> dict[str, str]:
        """{instance id: State} of the registered and draining targets (or of those asked for)."""
        kwargs: dict[str, Any] = {"TargetGroupArn": arn}
        if instance_ids:
            kwargs["Targets"] = [{"Id": i} for i in instance_ids]
        out = self.elbv2.describe_target_health(**kwargs)["TargetHealthDescriptions"]
        return {d["Target"]["Id"]: d["TargetHealth"]["State"] for d in out}

    # ---- waiting
    def wait_until(self, predicate: Any, timeout: float = 15, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout} s waiting for {what}", pytrace=False)
            time.sleep(0.1)

    def instances(self, count: int) -> list[dict[str, Any]]:
        """`count` more EC2 instances, each with its own IMDS."""
        return [self.world.create_instance() for _ in range(count)]
