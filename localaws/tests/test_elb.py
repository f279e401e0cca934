"""ELB and ELBv2 health over time (local-aws.md item 10)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import LocalAWS

DRAINING = "Instance deregistration currently in progress"


@pytest.fixture()
def fast(aws: LocalAWS) -> LocalAWS:
    aws.control("POST", "/elb", {"healthy_after": 0.5})
    return aws


def instances(aws: LocalAWS, n: int) -> list[str]:
    return [aws.control("POST", "/instances", {})["instance_id"] for _ in range(n)]


def classic_lb(aws: LocalAWS, drain_timeout: int | None = None) -> str:
    elb = aws.client("elb")
    elb.create_load_balancer(
        LoadBalancerName="web", AvailabilityZones=["us-east-1a"],
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
    )
    if drain_timeout is not None:
        elb.modify_load_balancer_attributes(
            LoadBalancerName="web",
            LoadBalancerAttributes={"ConnectionDraining": {"Enabled": True, "Timeout": drain_timeout}},
        )
    return "web"


def health(aws: LocalAWS, ids: list[str] | None = None) -> dict[str, tuple[str, str]]:
    kwargs: dict[str, Any] = {"LoadBalancerName": "web"}
    if ids:
        kwargs["Instances"] = [{"InstanceId": i} for i in ids]
    states = aws.client("elb").describe_instance_health(**kwargs)["InstanceStates"]
    return {s["InstanceId"]: (s["State"], s["Description"]) for s in states}


def test_classic_registration_goes_out_of_service_then_in_service(fast: LocalAWS) -> None:
    aws = fast
    classic_lb(aws)
    a, b = instances(aws, 2)
    aws.client("elb").register_instances_with_load_balancer(LoadBalancerName="web",
                                                            Instances=[{"InstanceId": a}, {"InstanceId": b}])
    now = health(aws)
    assert now[a] == ("OutOfService", "Instance registration is still in progress.")
    time.sleep(0.7)
    assert health(aws) == {a: ("InService", "N/A"), b: ("InService", "N/A")}
    # Registering again keeps one entry.
    aws.client("elb").register_instances_with_load_balancer(LoadBalancerName="web", Instances=[{"InstanceId": a}])
    assert len(aws.client("elb").describe_instance_health(LoadBalancerName="web")["InstanceStates"]) == 2


def test_classic_connection_draining(fast: LocalAWS) -> None:
    aws = fast
    classic_lb(aws, drain_timeout=1)
    (a,) = instances(aws, 1)
    elb = aws.client("elb")
    elb.register_instances_with_load_balancer(LoadBalancerName="web", Instances=[{"InstanceId": a}])
    time.sleep(0.6)
    elb.deregister_instances_from_load_balancer(LoadBalancerName="web", Instances=[{"InstanceId": a}])
    assert health(aws) == {a: ("InService", DRAINING)}
    time.sleep(1.1)
    assert health(aws) == {}


def test_classic_without_draining_leaves_at_once(fast: LocalAWS) -> None:
    aws = fast
    classic_lb(aws)
    (a,) = instances(aws, 1)
    elb = aws.client("elb")
    elb.register_instances_with_load_balancer(LoadBalancerName="web", Instances=[{"InstanceId": a}])
    elb.deregister_instances_from_load_balancer(LoadBalancerName="web", Instances=[{"InstanceId": a}])
    assert health(aws) == {}


def test_classic_forced_health_and_terminated(fast: LocalAWS) -> None:
    aws = fast
    classic_lb(aws)
    a, b = instances(aws, 2)
    aws.client("elb").register_instances_with_load_balancer(LoadBalancerName="web",
                                                            Instances=[{"InstanceId": a}, {"InstanceId": b}])
    aws.control("PATCH", f"/instances/{a}", {"elb_health": "healthy"})
    aws.control("PATCH", f"/instances/{b}", {"elb_health": "unhealthy"})
    now = health(aws)
    assert now[a] == ("InService", "N/A")
    assert now[b][0] == "OutOfService" and "UnhealthyThreshold" in now[b][1]
    aws.control("PATCH", f"/instances/{b}", {"elb_health": None})
    time.sleep(0.6)
    assert health(aws)[b] == ("InService", "N/A")
    aws.control("DELETE", f"/instances/{a}")
    assert health(aws)[a] == ("OutOfService", "Instance is in terminated state.")


def test_classic_unknown_instance_is_refused(fast: LocalAWS) -> None:
    classic_lb(fast)
    elb = fast.client("elb")
    for call in (elb.register_instances_with_load_balancer, elb.deregister_instances_from_load_balancer):
        with pytest.raises(ClientError) as info:
            call(LoadBalancerName="web", Instances=[{"InstanceId": "i-0123456789abcdef0"}])
        assert info.value.response["Error"]["Code"] == "InvalidInstance"
        assert info.value.response["Error"]["Message"] == "Could not find EC2 instance i-0123456789abcdef0."
    assert health(fast) == {}


def target_group(aws: LocalAWS, delay: int | None = None, attach: bool = True) -> str:
    ec2 = aws.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    described = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    subnets = [s["SubnetId"] for s in described][:2]
    v2 = aws.client("elbv2")
    [created] = v2.create_target_group(Name="web", Protocol="HTTP", Port=8080, VpcId=vpc,
                                       TargetType="instance")["TargetGroups"]
    tg = created["TargetGroupArn"]
    if delay is not None:
        v2.modify_target_group_attributes(
            TargetGroupArn=tg, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": str(delay)}]
        )
    if attach:
        lb = v2.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
        v2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                           DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    return tg


def target_health(aws: LocalAWS, tg: str, ids: list[str] | None = None) -> dict[str, tuple[str, str | None]]:
    kwargs: dict[str, Any] = {"TargetGroupArn": tg}
    if ids:
        kwargs["Targets"] = [{"Id": i} for i in ids]
    out = aws.client("elbv2").describe_target_health(**kwargs)["TargetHealthDescriptions"]
    return {d["Target"]["Id"]: (d["TargetHealth"]["State"], d["TargetHealth"].get("Reason")) for d in out}


def test_v2_initial_then_healthy_then_draining_then_gone(fast: LocalAWS) -> None:
    aws = fast
    tg = target_group(aws, delay=1)
    a, b = instances(aws, 2)
    v2 = aws.client("elbv2")
    v2.register_targets(TargetGroupArn=tg, Targets=[{"Id": a}, {"Id": b}])
    initial = ("initial", "Elb.RegistrationInProgress")
    assert target_health(aws, tg) == {a: initial, b: initial}
    time.sleep(0.6)
    assert target_health(aws, tg) == {a: ("healthy", None), b: ("healthy", None)}
    desc = v2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"][0]
    assert desc["Target"]["Port"] == 8080 and desc["HealthCheckPort"] == "8080"
    v2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": a}])
    assert target_health(aws, tg) == {a: ("draining", "Target.DeregistrationInProgress"), b: ("healthy", None)}
    time.sleep(1.1)
    assert target_health(aws, tg) == {b: ("healthy", None)}
    assert target_health(aws, tg, [a]) == {a: ("unused", "Target.NotRegistered")}


def test_v2_forced_health(fast: LocalAWS) -> None:
    aws = fast
    tg = target_group(aws)
    (a,) = instances(aws, 1)
    aws.client("elbv2").register_targets(TargetGroupArn=tg, Targets=[{"Id": a}])
    aws.control("PATCH", f"/instances/{a}", {"elb_health": "unhealthy"})
    assert target_health(aws, tg) == {a: ("unhealthy", "Target.FailedHealthChecks")}
    aws.control("PATCH", f"/instances/{a}", {"elb_health": "healthy"})
    assert target_health(aws, tg) == {a: ("healthy", None)}


def test_v2_target_group_without_load_balancer_is_unused(fast: LocalAWS) -> None:
    tg = target_group(fast, attach=False)
    (a,) = instances(fast, 1)
    fast.client("elbv2").register_targets(TargetGroupArn=tg, Targets=[{"Id": a}])
    assert target_health(fast, tg) == {a: ("unused", "Target.NotInUse")}


def test_v2_unknown_instance_is_refused(fast: LocalAWS) -> None:
    tg = target_group(fast)
    with pytest.raises(ClientError) as info:
        fast.client("elbv2").register_targets(TargetGroupArn=tg, Targets=[{"Id": "i-0123456789abcdef0"}])
    assert info.value.response["Error"]["Code"] == "InvalidTarget"
    assert target_health(fast, tg) == {}


def test_default_deregistration_delay_is_300s(fast: LocalAWS) -> None:
    tg = target_group(fast)
    (a,) = instances(fast, 1)
    v2 = fast.client("elbv2")
    v2.register_targets(TargetGroupArn=tg, Targets=[{"Id": a}])
    v2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": a}])
    assert target_health(fast, tg) == {a: ("draining", "Target.DeregistrationInProgress")}


def test_healthy_after_is_shown_and_validated(aws: LocalAWS) -> None:
    import requests

    assert aws.control("GET", "/elb") == {"healthy_after": 2.0}
    assert requests.post(aws.control_url + "/elb", json={"healthy_after": -1}).status_code == 400
