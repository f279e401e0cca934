"""ELB mode: `start` registers with a classic ELB or an ELBv2 target group and waits until it
reports the instance healthy; `stop` deregisters and waits while it drains; alone or together
with the weighted DNS record. The local AWS moves health over time (localaws/elb.py)."""

from __future__ import annotations

import json

from harness import DRAINING_TEXT, NAME, World

HEALTHY_AFTER = 1.0  # a new registration stays OutOfService / initial this long
DRAIN = 2  # connection-draining timeout / deregistration delay


def me(aws: World) -> str:
    return aws.instance["instance_id"]


# --------------------------------------------------------------------- classic ELB


def test_classic_start_registers_and_waits_until_in_service(aws: World):
    aws.fleet.healthy_after(HEALTHY_AFTER)
    elb = aws.fleet.create_elb(draining=DRAIN)
    run = aws.hook("start", "--elb", elb)
    assert run.code == 0, run.describe()
    # It returned only once the ELB said InService, not at the registration.
    assert run.elapsed >= HEALTHY_AFTER, run.describe()
    assert aws.fleet.elb_states(elb) == {me(aws): ("InService", "N/A")}
    assert run.elapsed <= HEALTHY_AFTER + 3.5, f"waited well past InService\n{run.describe()}"
    assert "healthy" in run.stderr and elb in run.stderr
    assert aws.stats()["requests"]["elb"]["RegisterInstancesWithLoadBalancer"] == 1


def test_classic_stop_waits_while_the_instance_drains(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb(draining=DRAIN)
    aws.fleet.register(elb, me(aws))
    run = aws.hook("stop", "--elb", elb)
    assert run.code == 0, run.describe()
    # Connection draining keeps it InService "deregistration in progress" for DRAIN s: stop
    # waited through it, and the instance is gone once stop has exited.
    assert run.elapsed >= DRAIN, run.describe()
    assert run.elapsed <= DRAIN + 3.5, run.describe()
    assert aws.fleet.elb_states(elb) == {}
    [described] = aws.fleet.elb.describe_load_balancers(LoadBalancerNames=[elb])["LoadBalancerDescriptions"]
    assert described["Instances"] == []
    # It did see the draining state (the wait was not a blind sleep).
    calls = aws.stats()["requests"]["elb"]
    assert calls["DeregisterInstancesFromLoadBalancer"] == 1
    assert calls["DescribeInstanceHealth"] >= 2


def test_classic_stop_without_connection_draining_returns_at_once(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb()  # draining off: deregistration is immediate
    aws.fleet.register(elb, me(aws))
    run = aws.hook("stop", "--elb", elb)
    assert run.code == 0, run.describe()
    assert aws.fleet.elb_states(elb) == {}
    assert run.elapsed < 2.0, run.describe()


def test_classic_stop_when_not_registered_changes_nothing(aws: World):
    elb = aws.fleet.create_elb(draining=DRAIN)
    run = aws.hook("stop", "--elb", elb)
    assert run.code == 0, run.describe()
    assert "DeregisterInstancesFromLoadBalancer" not in aws.stats()["requests"].get("elb", {})
    assert run.elapsed < 2.0


def test_classic_start_no_wait_returns_while_registration_is_in_progress(aws: World):
    aws.fleet.healthy_after(5)
    elb = aws.fleet.create_elb()
    run = aws.hook("start", "--elb", elb, "--no-wait")
    assert run.code == 0, run.describe()
    assert run.elapsed < 2.0, run.describe()
    state, desc = aws.fleet.elb_states(elb)[me(aws)]
    assert state == "OutOfService" and "registration is still in progress" in desc


def test_start_again_when_already_healthy_is_quick_and_safe(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb()
    aws.fleet.register(elb, me(aws))
    run = aws.hook("start", "--elb", elb)
    assert run.code == 0, run.describe()
    assert run.elapsed < 2.0
    assert aws.fleet.elb_states(elb) == {me(aws): ("InService", "N/A")}


def test_healthy_timeout_exits_75_and_stays_registered(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb()
    aws.fleet.force(me(aws), "unhealthy")
    run = aws.hook("start", "--elb", elb, "--healthy-timeout", "3")
    assert run.code == 75, run.describe()
    assert "--healthy-timeout" in run.stderr and "stays registered" in run.stderr
    assert run.elapsed < 3 + 3, run.describe()
    state, _ = aws.fleet.elb_states(elb)[me(aws)]
    assert state == "OutOfService"
    assert me(aws) in [i["InstanceId"] for i in aws.fleet.elb.describe_load_balancers(
        LoadBalancerNames=[elb])["LoadBalancerDescriptions"][0]["Instances"]]


def test_healthy_timeout_is_waited_out_to_its_end(aws: World):
    aws.fleet.healthy_after(HEALTHY_AFTER)
    elb = aws.fleet.create_elb()
    run = aws.hook("start", "--elb", elb, "--healthy-timeout", "2")
    assert run.code == 0, run.describe()
    assert aws.fleet.elb_states(elb) == {me(aws): ("InService", "N/A")}


def test_unknown_elb_name_is_a_configuration_error(aws: World):
    aws.fleet.create_elb("web")
    run = aws.hook("start", "--elb", "nosuch")
    assert run.code == 78, run.describe()
    assert "nosuch" in run.stderr
    assert aws.fleet.elb_states("web") == {}
    run = aws.hook("status", "--elb", "nosuch")
    assert run.code == 78, run.describe()


def test_stop_with_an_unknown_elb_name_is_a_configuration_error(aws: World):
    run = aws.hook("stop", "--elb", "nosuch", "--deadline", "2")
    assert run.code == 78, run.describe()


# --------------------------------------------------------------------- ELBv2 target groups


def test_target_group_start_waits_healthy_and_stop_waits_the_deregistration_delay(aws: World):
    aws.fleet.healthy_after(HEALTHY_AFTER)
    arn = aws.fleet.create_target_group(delay=DRAIN)
    run = aws.hook("start", "--target-group", arn)
    assert run.code == 0, run.describe()
    assert run.elapsed >= HEALTHY_AFTER, run.describe()
    assert aws.fleet.target_states(arn) == {me(aws): "healthy"}

    run = aws.hook("stop", "--target-group", arn)
    assert run.code == 0, run.describe()
    assert run.elapsed >= DRAIN, run.describe()  # it waited through `draining`
    assert run.elapsed <= DRAIN + 3.5, run.describe()
    assert aws.fleet.target_states(arn) == {}  # gone
    assert aws.fleet.target_states(arn, me(aws)) == {me(aws): "unused"}


def test_target_group_with_target_port(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=0)
    run = aws.hook("start", "--target-group", arn, "--target-port", "9090")
    assert run.code == 0, run.describe()
    out = aws.fleet.elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    assert [(d["Target"]["Id"], d["Target"]["Port"], d["TargetHealth"]["State"]) for d in out] == [
        (me(aws), 9090, "healthy")]
    run = aws.hook("stop", "--target-group", arn, "--target-port", "9090")
    assert run.code == 0, run.describe()
    assert aws.fleet.target_states(arn) == {}


def test_target_group_no_listener_never_gets_healthy(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=0, listener=False)
    run = aws.hook("start", "--target-group", arn, "--healthy-timeout", "3")
    assert run.code == 75, run.describe()
    assert "unused" in run.stderr or "NotInUse" in run.stderr, run.stderr
    assert aws.fleet.target_states(arn, me(aws)) == {me(aws): "unused"}


def test_target_group_healthy_timeout_75(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=0)
    aws.fleet.force(me(aws), "unhealthy")
    run = aws.hook("start", "--target-group", arn, "--healthy-timeout", "3")
    assert run.code == 75, run.describe()
    assert aws.fleet.target_states(arn) == {me(aws): "unhealthy"}  # still registered


def test_unknown_target_group_is_a_configuration_error(aws: World):
    arn = aws.fleet.create_target_group()
    missing = arn.rsplit("/", 1)[0] + "/0123456789abcdef"
    run = aws.hook("start", "--target-group", missing)
    assert run.code == 78, run.describe()
    assert aws.fleet.target_states(arn) == {}


# --------------------------------------------------------------------- DNS and ELB together


def test_dns_and_elb_together_join_and_leave_both(aws: World):
    aws.fleet.healthy_after(HEALTHY_AFTER)
    aws.insync_delay(1.0)
    elb = aws.fleet.create_elb(draining=3)
    run = aws.hook("start", "--elb", elb, "--ttl", "2", dns=True)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(ttl=2)
    assert aws.fleet.elb_states(elb) == {me(aws): ("InService", "N/A")}
    # The record is written only once the load balancer has the instance healthy.
    timeline = aws.stats()["timeline"]
    [registered] = [t for t, svc, action, _ in timeline if action == "RegisterInstancesWithLoadBalancer"]
    [upserted] = [t for t, svc, action, _ in timeline if action == "ChangeResourceRecordSets"]
    assert upserted - registered >= HEALTHY_AFTER

    aws.clear_stats()
    run = aws.hook("stop", "--elb", elb, "--drain-extra", "0", dns=True)
    assert run.code == 0, run.describe()
    assert aws.records() == []
    assert aws.fleet.elb_states(elb) == {}
    # Both leave at the same time: DNS (INSYNC 1 s + TTL 2 s) and the ELB drain (3 s) overlap,
    # so stop takes about 3 s; one after the other would take at least 6 (the bound leaves room
    # for a loaded machine: 5 s was crossed once at 5.22 s with other builds running).
    assert run.elapsed >= 3.0, run.describe()
    assert run.elapsed < 6.0, f"DNS and ELB drained one after the other?\n{run.describe()}"
    timeline = aws.stats()["timeline"]
    [deleted] = [t for t, svc, action, _ in timeline if action == "ChangeResourceRecordSets"]
    [deregistered] = [t for t, svc, action, _ in timeline if action == "DeregisterInstancesFromLoadBalancer"]
    assert abs(deleted - deregistered) < 1.0


def test_elb_only_start_touches_no_route53(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb()
    run = aws.hook("start", "--elb", elb)
    assert run.code == 0, run.describe()
    assert aws.route53_calls() == {}
    assert aws.records() == []


# --------------------------------------------------------------------- status


def test_status_text_shows_the_load_balancer_beside_the_record(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb(draining=30)
    other, gone = aws.fleet.instances(2)
    aws.fleet.register(elb, other["instance_id"], gone["instance_id"])
    aws.fleet.deregister(elb, gone["instance_id"])  # draining for 30 s
    assert aws.hook("start", "--elb", elb, "--no-wait", dns=True).code == 0
    run = aws.hook("status", "--elb", elb, dns=True)
    assert run.code == 0, run.describe()
    out = run.stdout
    assert NAME in out and aws.instance["public_ipv4"] in out  # the DNS part is still there
    assert elb in out
    dns_part, _, lb_part = out.partition("load balancer:")
    assert lb_part, out
    assert aws.instance["public_ipv4"] in dns_part
    assert "this instance: healthy" in lb_part
    lines = lb_part.splitlines()
    [mine] = [line for line in lines if me(aws) in line and line.startswith("*")]
    assert "healthy" in mine and "InService" in mine
    [draining] = [line for line in lines if gone["instance_id"] in line]
    assert not draining.startswith("*") and "draining" in draining and "deregistration" in draining
    assert "2 of 3 healthy" in out


def test_status_json_has_the_load_balancer(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb(draining=30)
    sick, gone = aws.fleet.instances(2)
    aws.fleet.register(elb, me(aws), sick["instance_id"], gone["instance_id"])
    aws.fleet.force(sick["instance_id"], "unhealthy")
    aws.fleet.deregister(elb, gone["instance_id"])
    run = aws.hook("status", "--elb", elb, "--json")
    assert run.code == 0, run.describe()
    lb = json.loads(run.stdout)["loadBalancer"]
    assert elb in lb["name"]
    assert lb["instanceId"] == me(aws) and lb["registered"] is True
    members = {m["id"]: m for m in lb["members"]}
    assert set(members) == {me(aws), sick["instance_id"], gone["instance_id"]}
    assert all(set(m) >= {"id", "state", "healthy", "detail"} for m in lb["members"])
    assert (members[me(aws)]["state"], members[me(aws)]["healthy"]) == ("healthy", True)
    assert (members[sick["instance_id"]]["state"], members[sick["instance_id"]]["healthy"]) == ("unhealthy", False)
    # InService but deregistering: not healthy.
    assert members[gone["instance_id"]]["healthy"] is False
    assert members[gone["instance_id"]]["state"] == "draining"
    assert DRAINING_TEXT in members[gone["instance_id"]]["detail"]


def test_status_json_when_not_registered_target_group(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=0)
    other = aws.fleet.instances(1)[0]
    aws.fleet.register_targets(arn, other["instance_id"])
    run = aws.hook("status", "--target-group", arn, "--json")
    assert run.code == 0, run.describe()
    lb = json.loads(run.stdout)["loadBalancer"]
    assert lb["registered"] is False and lb["instanceId"] == me(aws)
    assert [(m["id"], m["healthy"]) for m in lb["members"]] == [(other["instance_id"], True)]
    assert aws.fleet.target_states(arn) == {other["instance_id"]: "healthy"}  # read-only
