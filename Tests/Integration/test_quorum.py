"""The quorum check before leaving: `stop --min-healthy N / --quorum F` leaves only if the
healthy members that remain without this instance are at least max(N, ceil(F x members));
otherwise it re-checks every --quorum-interval up to --quorum-timeout, then --on-no-quorum
decides (proceed loudly, or fail with 75 and nothing changed). Several simulated instances
share one load balancer (or one weighted record set); the others are registered with the
admin keys."""

from __future__ import annotations

import pytest

from harness import Later, World

NO_QUORUM_FAIL = ("--on-no-quorum", "fail")


def me(aws: World) -> str:
    return aws.instance["instance_id"]


def three_in_an_elb(aws: World, draining: int | None = None) -> tuple[str, str, str]:
    """This instance and two others, all registered and InService at once."""
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb(draining=draining)
    b, c = (i["instance_id"] for i in aws.fleet.instances(2))
    aws.fleet.register(elb, me(aws), b, c)
    assert aws.fleet.elb_healthy(elb) == {me(aws), b, c}
    return elb, b, c


def registered(aws: World, elb: str) -> set[str]:
    lbs = aws.fleet.elb.describe_load_balancers(LoadBalancerNames=[elb])["LoadBalancerDescriptions"]
    return {i["InstanceId"] for i in lbs[0]["Instances"]}


def elb_calls(aws: World) -> dict[str, int]:
    return dict(aws.stats()["requests"].get("elb", {}))


# --------------------------------------------------------------------- classic ELB


def test_stop_waits_while_two_of_three_are_out_and_leaves_once_one_returns(aws: World):
    elb, b, c = three_in_an_elb(aws)
    aws.fleet.force(b, "unhealthy")
    aws.fleet.force(c, "unhealthy")
    aws.clear_stats()
    with Later(3.0, lambda: aws.fleet.force(b, None)) as back:
        run = aws.hook("stop", "--elb", elb, "--min-healthy", "1", "--quorum-interval", "1",
                       "--quorum-timeout", "20")
    assert run.code == 0, run.describe()
    assert back.fired_at is not None
    # Blocked until b came back, then it left promptly.
    assert run.elapsed >= 3.0, run.describe()
    assert run.ended - back.fired_at < 2.5, run.describe()
    [deregistered] = [t for t, _, action, _ in aws.stats()["timeline"]
                      if action == "DeregisterInstancesFromLoadBalancer"]
    assert deregistered >= back.fired_at
    assert registered(aws, elb) == {b, c}
    # It said what it saw each time: 1 healthy of 3, none would remain, 1 required.
    assert "no quorum yet" in run.stderr
    assert "1 of 3 members healthy; 0 would remain after leaving, 1 required" in run.stderr
    assert run.stderr.count("no quorum yet") >= 2
    assert "without quorum" not in run.stderr.lower()


def test_on_no_quorum_fail_exits_75_and_changes_nothing(aws: World):
    aws.insync_delay(0.2)
    elb, b, c = three_in_an_elb(aws, draining=2)
    assert aws.hook("start", "--elb", elb, "--no-wait", dns=True).code == 0
    record = aws.records()
    assert record == aws.pair()
    aws.fleet.force(b, "unhealthy")
    aws.fleet.deregister(elb, c)  # draining: InService but leaving, not healthy
    aws.clear_stats()
    run = aws.hook("stop", "--elb", elb, "--min-healthy", "1", "--quorum-interval", "1",
                   "--quorum-timeout", "2", *NO_QUORUM_FAIL, dns=True)
    assert run.code == 75, run.describe()
    assert "nothing was changed" in run.stderr
    assert "quorum" in run.stderr
    assert run.elapsed >= 1.0, run.describe()  # it re-checked at least once
    # Nothing changed: still registered and healthy, the zone as it was. (Route 53 writes are
    # not counted: with a zone, the quorum lock writes and removes its own record.)
    assert me(aws) in registered(aws, elb)
    assert me(aws) in aws.fleet.elb_healthy(elb)
    assert aws.records() == record
    assert "DeregisterInstancesFromLoadBalancer" not in elb_calls(aws)
    assert elb_calls(aws).get("DescribeInstanceHealth", 0) >= 2


def test_on_no_quorum_proceed_is_the_default_and_leaves_loudly(aws: World):
    elb, b, c = three_in_an_elb(aws)
    aws.fleet.force(b, "unhealthy")
    aws.fleet.force(c, "unhealthy")
    run = aws.hook("stop", "--elb", elb, "--min-healthy", "1", "--quorum-interval", "1", "--quorum-timeout", "2")
    assert run.code == 0, run.describe()
    assert run.elapsed >= 1.0, run.describe()  # it did wait for the quorum first
    assert "warning" in run.stderr.lower()
    assert "WITHOUT QUORUM" in run.stderr.upper()
    assert "on-no-quorum" in run.stderr
    assert registered(aws, elb) == {b, c}


def test_the_quorum_is_waited_for_until_the_timeout_itself(aws: World):
    elb, b, c = three_in_an_elb(aws)
    aws.fleet.force(b, "unhealthy")
    aws.fleet.force(c, "unhealthy")
    with Later(2.5, lambda: aws.fleet.force(b, None)):
        run = aws.hook("stop", "--elb", elb, "--min-healthy", "1", "--quorum-interval", "2",
                       "--quorum-timeout", "3", *NO_QUORUM_FAIL)
    assert run.code == 0, run.describe()
    assert registered(aws, elb) == {b, c}


def test_draining_members_do_not_count_as_healthy(aws: World):
    # b is deregistering with connection draining: the ELB still says InService, with
    # "Instance deregistration currently in progress". Counting it would allow leaving.
    elb, b, c = three_in_an_elb(aws, draining=30)
    aws.fleet.deregister(elb, b)
    state, desc = aws.fleet.elb_states(elb)[b]
    assert state == "InService" and "deregistration" in desc
    run = aws.hook("stop", "--elb", elb, "--min-healthy", "2", "--quorum-timeout", "0", *NO_QUORUM_FAIL)
    assert run.code == 75, run.describe()
    assert "2 of 3 members healthy; 1 would remain after leaving, 2 required" in run.stderr
    assert me(aws) in registered(aws, elb)


@pytest.mark.parametrize("fraction, unhealthy, allowed", [
    ("0.5", 0, True),    # ceil(1.5) = 2 required, 2 would remain
    ("0.5", 1, False),   # 1 would remain
    ("0.66", 0, True),   # ceil(1.98) = 2
    ("0.67", 0, False),  # ceil(2.01) = 3: a fleet of 3 can never lose one at 0.67
    ("1", 0, False),
])
def test_quorum_fraction_is_rounded_up_over_all_members(aws: World, fraction: str, unhealthy: int, allowed: bool):
    elb, b, c = three_in_an_elb(aws)
    if unhealthy:
        aws.fleet.force(b, "unhealthy")
    run = aws.hook("stop", "--elb", elb, "--quorum", fraction, "--quorum-timeout", "0", *NO_QUORUM_FAIL)
    assert run.code == (0 if allowed else 75), run.describe()
    assert (me(aws) in registered(aws, elb)) is not allowed


def test_min_healthy_and_quorum_together_take_the_larger(aws: World):
    elb, b, c = three_in_an_elb(aws)
    # --quorum 0.5 alone needs 2 (allowed), --min-healthy 3 needs 3: blocked.
    run = aws.hook("stop", "--elb", elb, "--quorum", "0.5", "--min-healthy", "3", "--quorum-timeout", "0",
                   *NO_QUORUM_FAIL)
    assert run.code == 75, run.describe()
    assert "3 required" in run.stderr
    assert me(aws) in registered(aws, elb)


def test_an_instance_that_is_not_healthy_may_always_leave(aws: World):
    # Its leaving takes nothing away from the healthy count.
    elb, b, c = three_in_an_elb(aws)
    for i in (me(aws), b, c):
        aws.fleet.force(i, "unhealthy")
    run = aws.hook("stop", "--elb", elb, "--min-healthy", "2", "--quorum-timeout", "0", *NO_QUORUM_FAIL)
    assert run.code == 0, run.describe()
    assert registered(aws, elb) == {b, c}


def test_an_instance_that_is_not_registered_stops_at_once(aws: World):
    elb, b, c = three_in_an_elb(aws)
    aws.fleet.deregister(elb, me(aws))  # no draining: gone
    aws.fleet.force(b, "unhealthy")
    run = aws.hook("stop", "--elb", elb, "--min-healthy", "2", "--quorum-timeout", "0", *NO_QUORUM_FAIL)
    assert run.code == 0, run.describe()
    assert registered(aws, elb) == {b, c}


# --------------------------------------------------------------------- ELBv2


def test_target_group_quorum_blocks_with_two_of_three_unhealthy(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=0)
    b, c = (i["instance_id"] for i in aws.fleet.instances(2))
    aws.fleet.register_targets(arn, me(aws), b, c)
    aws.fleet.force(b, "unhealthy")
    aws.fleet.force(c, "unhealthy")
    run = aws.hook("stop", "--target-group", arn, "--min-healthy", "1", "--quorum-interval", "1",
                   "--quorum-timeout", "1", *NO_QUORUM_FAIL)
    assert run.code == 75, run.describe()
    assert aws.fleet.target_states(arn) == {me(aws): "healthy", b: "unhealthy", c: "unhealthy"}
    aws.fleet.force(c, None)
    run = aws.hook("stop", "--target-group", arn, "--min-healthy", "1", "--quorum-timeout", "0", *NO_QUORUM_FAIL)
    assert run.code == 0, run.describe()
    assert aws.fleet.target_states(arn) == {b: "unhealthy", c: "healthy"}


# --------------------------------------------------------------------- DNS: the weighted set


def other_record(aws: World, set_id: str, weight: int, n: int) -> dict:
    return {"Action": "UPSERT", "ResourceRecordSet": aws.expected(
        set_id=set_id, weight=weight, value=f"198.51.100.{n}", ttl=1)}


def test_dns_quorum_counts_only_records_with_weight(aws: World):
    aws.insync_delay(0.2)
    assert aws.run("start", "--no-wait", "--ttl", "1").code == 0
    aws.change(other_record(aws, "i-0b", 0, 2), other_record(aws, "i-0c", 0, 3))
    before = aws.records()
    aws.clear_stats()
    run = aws.run("stop", "--min-healthy", "1", "--quorum-timeout", "0", "--drain-extra", "0", *NO_QUORUM_FAIL)
    assert run.code == 75, run.describe()
    assert "1 of 3 members healthy; 0 would remain after leaving, 1 required" in run.stderr
    assert aws.records() == before

    # One of them gets weight while stop re-checks: it then leaves.
    with Later(2.0, lambda: aws.change(other_record(aws, "i-0c", 5, 3))) as weighted:
        run = aws.run("stop", "--min-healthy", "1", "--quorum-interval", "1", "--quorum-timeout", "20",
                      "--drain-extra", "0", *NO_QUORUM_FAIL)
    assert run.code == 0, run.describe()
    assert weighted.fired_at is not None and run.elapsed >= 2.0
    assert sorted(r["SetIdentifier"] for r in aws.records()) == ["i-0b", "i-0c"]


def test_dns_weight_zero_records_are_members_for_the_fraction(aws: World):
    # 4 records, 2 with weight 0: members 4, ceil(0.5 x 4) = 2 required, 1 would remain.
    assert aws.run("start", "--no-wait", "--ttl", "1").code == 0
    aws.change(other_record(aws, "i-0b", 10, 2), other_record(aws, "i-0c", 0, 3), other_record(aws, "i-0d", 0, 4))
    run = aws.run("stop", "--quorum", "0.5", "--quorum-timeout", "0", "--drain-extra", "0", *NO_QUORUM_FAIL)
    assert run.code == 75, run.describe()
    assert "2 of 4 members healthy; 1 would remain after leaving, 2 required" in run.stderr
    # All 4 still there, and this instance's mark (the others were made without one).
    assert len(aws.addresses()) == 4 and aws.mark() == aws.expected_mark()


def test_dns_and_elb_quorum_both_have_to_allow(aws: World):
    elb, b, c = three_in_an_elb(aws)
    assert aws.hook("start", "--elb", elb, "--no-wait", "--ttl", "1", dns=True).code == 0
    # The ELB has all three healthy; the weighted set has only this record.
    run = aws.hook("stop", "--elb", elb, "--min-healthy", "1", "--quorum-timeout", "0", *NO_QUORUM_FAIL, dns=True)
    assert run.code == 75, run.describe()
    assert "www.example.com" in run.stderr and "0 would remain" in run.stderr
    assert me(aws) in registered(aws, elb) and aws.records() == aws.pair(ttl=1)
