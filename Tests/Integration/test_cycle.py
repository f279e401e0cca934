"""`r53hook cycle [options] -- COMMAND`: check the quorum (none: 75, nothing changed, the
command not run), leave the record and/or the load balancer and drain, run the command with
its output passed through, rejoin and wait until healthy. The exit code is the command's; a
failed command stays out unless --rejoin-on-failure; the hold file keeps it out. Also the
hold file with `start`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from harness import World, is_mark_name

HEALTHY_AFTER = 1.0
DRAIN = 2

# Run as the cycle's command: records when it ran and what the local AWS said at that moment
# (read with the admin keys), writes a line to stdout and one to stderr, exits as told.
PROBE = r'''
import json, sys, time
import boto3
cfg = json.load(open(sys.argv[1]))
started = time.time()
kw = dict(endpoint_url=cfg["endpoint"], region_name=cfg["region"],
          aws_access_key_id=cfg["key"], aws_secret_access_key=cfg["secret"])
seen = {"started": started}
if cfg.get("elb"):
    states = boto3.client("elb", **kw).describe_instance_health(LoadBalancerName=cfg["elb"])["InstanceStates"]
    seen["elb"] = {s["InstanceId"]: [s["State"], s["Description"]] for s in states}
if cfg.get("zone"):
    sets = boto3.client("route53", **kw).list_resource_record_sets(HostedZoneId=cfg["zone"])["ResourceRecordSets"]
    seen["records"] = [r["SetIdentifier"] for r in sets if "SetIdentifier" in r]
seen["ended"] = time.time()
with open(cfg["out"], "a") as fh:
    fh.write(json.dumps(seen) + "\n")
print("probe: stdout passes through", flush=True)
print("probe: stderr passes through", file=sys.stderr, flush=True)
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
'''


def me(aws: World) -> str:
    return aws.instance["instance_id"]


def probe(aws: World, elb: str | None = None, zone: bool = False) -> tuple[list[str], Path]:
    """The probe command (argv) and the file where it records each run."""
    out = aws.tmp / "probe.jsonl"
    cfg = aws.tmp / "probe.json"
    cfg.write_text(json.dumps({
        "endpoint": aws.endpoint, "region": aws.fleet.region, "key": aws.admin["access_key_id"],
        "secret": aws.admin["secret_access_key"], "elb": elb, "zone": aws.zone_id if zone else None,
        "out": str(out)}))
    script = aws.tmp / "probe.py"
    script.write_text(PROBE)
    return [sys.executable, str(script), str(cfg)], out


def probe_runs(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


def stamp_command(aws: World, exit_code: int = 0) -> tuple[list[str], Path]:
    """sh appending a timestamp to a file, then exiting with `exit_code`."""
    out = aws.tmp / "ran.txt"
    return ["sh", "-c", f'date +%s.%N >> "{out}"; exit {exit_code}'], out


def stamps(out: Path) -> list[float]:
    return [float(x) for x in out.read_text().split()] if out.exists() else []


def timeline(aws: World, action: str) -> list[float]:
    return [t for t, _, name, status in aws.stats()["timeline"] if name == action and status == 200]


def registered(aws: World, elb: str) -> set[str]:
    lbs = aws.fleet.elb.describe_load_balancers(LoadBalancerNames=[elb])["LoadBalancerDescriptions"]
    return {i["InstanceId"] for i in lbs[0]["Instances"]}


def joined_elb(aws: World, draining: int | None = DRAIN) -> str:
    """A classic ELB with this instance registered and InService, and two other instances
    InService too (so a quorum of 1 or 2 holds)."""
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb(draining=draining)
    others = [i["instance_id"] for i in aws.fleet.instances(2)]
    aws.fleet.register(elb, me(aws), *others)
    # The emulator applies healthy_after to past registrations too: wait them out.
    aws.fleet.healthy_after(HEALTHY_AFTER)
    aws.fleet.wait_until(lambda: len(aws.fleet.elb_healthy(elb)) == 3, what="3 instances InService")
    return elb


# --------------------------------------------------------------------- the cycle


def test_cycle_leaves_dns_and_elb_runs_the_command_and_rejoins(aws: World):
    aws.insync_delay(0.5)
    elb = joined_elb(aws)
    assert aws.hook("start", "--elb", elb, "--ttl", "1", "--no-wait", dns=True).code == 0
    # Two more records of the set: only this instance's record leaves and comes back.
    others = [aws.expected(set_id=f"i-0other{n}", value=f"198.51.100.{n}", ttl=1) for n in (1, 2)]
    aws.change(*({"Action": "CREATE", "ResourceRecordSet": r} for r in others))
    before = aws.records()
    # Route 53's order: the set's records by set identifier, then the one mark (a longer name).
    assert before == sorted([*others, aws.expected(ttl=1)], key=lambda r: r["SetIdentifier"]) + [aws.expected_mark()]
    command, out = probe(aws, elb=elb, zone=True)
    aws.clear_stats()
    # cycle has no --drain-extra flag; the setting still applies through the environment.
    # No quorum here (the tests below have one): its lock would add Route 53 writes to the
    # timeline, which must show exactly two batches: the DELETE of this record with its mark,
    # and their CREATE.
    run = aws.hook("cycle", "--elb", elb, "--ttl", "1", "--", *command, dns=True, R53HOOK_DRAIN_EXTRA="0")
    assert run.code == 0, run.describe()
    [seen] = probe_runs(out)
    # While the command ran: out of the ELB (drained, gone) and no record, nor mark.
    assert me(aws) not in seen["elb"], seen
    assert me(aws) not in seen["records"], seen
    assert len(seen["elb"]) == 2 and sorted(seen["records"]) == ["i-0other1", "i-0other2"]
    [deregistered] = timeline(aws, "DeregisterInstancesFromLoadBalancer")
    [deleted, upserted] = timeline(aws, "ChangeResourceRecordSets")
    [registered_at] = timeline(aws, "RegisterInstancesWithLoadBalancer")
    assert deregistered < seen["started"] and deleted < seen["started"]
    assert seen["started"] - deregistered >= DRAIN  # the ELB drain was waited out first
    assert seen["started"] - deleted >= 0.5 + 1  # INSYNC, then the TTL
    # After it: registered again, healthy once cycle has exited, and then the record back.
    assert registered_at > seen["ended"]
    assert aws.fleet.elb_states(elb)[me(aws)] == ("InService", "N/A")
    assert upserted - registered_at >= HEALTHY_AFTER
    # The zone as before, but for the mark's join time: rewritten at the rejoin.
    assert aws.records() == [r for r in before if not is_mark_name(r)] + [aws.expected_mark()]
    assert aws.mark()["ResourceRecords"] != [r for r in before if is_mark_name(r)][0]["ResourceRecords"]
    assert run.elapsed >= DRAIN + HEALTHY_AFTER
    # The command's output is passed through, on the same streams.
    assert "probe: stdout passes through" in run.stdout
    assert "probe: stderr passes through" in run.stderr and "probe: stderr" not in run.stdout


def test_cycle_with_a_target_group_drains_before_and_waits_healthy_after(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=DRAIN)
    aws.fleet.register_targets(arn, me(aws))
    aws.fleet.healthy_after(HEALTHY_AFTER)
    command, out = stamp_command(aws)
    aws.clear_stats()
    run = aws.hook("cycle", "--target-group", arn, "--", *command)
    assert run.code == 0, run.describe()
    [ran] = stamps(out)
    [deregistered] = timeline(aws, "DeregisterTargets")
    [registered_at] = timeline(aws, "RegisterTargets")
    assert ran - deregistered >= DRAIN  # draining was over before the command ran
    assert deregistered < ran < registered_at
    assert run.ended - registered_at >= HEALTHY_AFTER
    assert aws.fleet.target_states(arn) == {me(aws): "healthy"}


def test_cycle_returns_the_command_exit_code_and_stays_out(aws: World):
    elb = joined_elb(aws, draining=None)
    command, out = stamp_command(aws, exit_code=3)
    aws.clear_stats()
    run = aws.hook("cycle", "--elb", elb, "--", *command)
    assert run.code == 3, run.describe()
    assert len(stamps(out)) == 1
    assert me(aws) not in registered(aws, elb)
    assert "RegisterInstancesWithLoadBalancer" not in aws.stats()["requests"]["elb"]
    assert "exit 3" in run.stderr and "--rejoin-on-failure" in run.stderr


def test_cycle_sh_exit_3_passes_through(aws: World):
    elb = joined_elb(aws, draining=None)
    run = aws.hook("cycle", "--elb", elb, "--", "sh", "-c", "exit 3")
    assert run.code == 3, run.describe()
    assert me(aws) not in registered(aws, elb)


def test_cycle_rejoin_on_failure_rejoins_and_still_returns_the_code(aws: World):
    aws.insync_delay(0.2)
    elb = joined_elb(aws, draining=None)
    assert aws.hook("start", "--elb", elb, "--ttl", "1", "--no-wait", dns=True).code == 0
    command, out = stamp_command(aws, exit_code=4)
    run = aws.hook("cycle", "--elb", elb, "--ttl", "1", "--rejoin-on-failure", "--", *command,
                   dns=True, R53HOOK_DRAIN_EXTRA="0")
    assert run.code == 4, run.describe()
    assert len(stamps(out)) == 1
    assert aws.fleet.elb_states(elb)[me(aws)] == ("InService", "N/A")
    assert aws.records() == aws.pair(ttl=1)


def test_cycle_a_command_that_cannot_run_stays_out(aws: World):
    elb = joined_elb(aws, draining=None)
    run = aws.hook("cycle", "--elb", elb, "--", str(aws.tmp / "no-such-command"))
    assert run.code == 127, run.describe()
    assert "no-such-command" in run.stderr
    assert me(aws) not in registered(aws, elb)


def test_cycle_without_quorum_exits_75_and_does_not_run_the_command(aws: World):
    aws.insync_delay(0.2)
    elb = joined_elb(aws, draining=DRAIN)
    assert aws.hook("start", "--elb", elb, "--no-wait", dns=True).code == 0
    for other in registered(aws, elb) - {me(aws)}:
        aws.fleet.force(other, "unhealthy")
    command, out = stamp_command(aws)
    aws.clear_stats()
    # No --on-no-quorum: cycle never proceeds without the quorum, whatever stop's default.
    run = aws.hook("cycle", "--elb", elb, "--min-healthy", "1", "--quorum-interval", "1",
                   "--quorum-timeout", "1", "--", *command, dns=True)
    assert run.code == 75, run.describe()
    assert not out.exists(), "the command ran without the quorum"
    assert "nothing was changed" in run.stderr
    assert me(aws) in registered(aws, elb) and me(aws) in aws.fleet.elb_healthy(elb)
    assert aws.records() == aws.pair()  # the zone as it was (a quorum lock came and went)
    assert "DeregisterInstancesFromLoadBalancer" not in aws.stats()["requests"].get("elb", {})


def test_cycle_waits_for_the_quorum_then_cycles(aws: World):
    from harness import Later

    elb = joined_elb(aws, draining=None)
    others = sorted(registered(aws, elb) - {me(aws)})
    for other in others:
        aws.fleet.force(other, "unhealthy")
    command, out = stamp_command(aws)
    with Later(2.0, lambda: aws.fleet.force(others[0], None)) as back:
        run = aws.hook("cycle", "--elb", elb, "--min-healthy", "1", "--quorum-interval", "1",
                       "--quorum-timeout", "20", "--", *command)
    assert run.code == 0, run.describe()
    [ran] = stamps(out)
    assert back.fired_at is not None and ran > back.fired_at
    assert me(aws) in registered(aws, elb)


def test_cycle_without_a_command_is_a_usage_error(aws: World):
    elb = joined_elb(aws, draining=None)
    run = aws.hook("cycle", "--elb", elb)
    assert run.code == 64, run.describe()
    assert me(aws) in registered(aws, elb)


# --------------------------------------------------------------------- the hold file


def test_start_with_the_hold_file_joins_nothing_and_names_the_file(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb()
    hold = aws.tmp / "maintenance-hold"
    hold.write_text("disk replacement, ticket 42\n")
    run = aws.hook("start", "--elb", elb, "--hold-file", str(hold), dns=True)
    assert run.code == 0, run.describe()
    assert str(hold) in run.output
    assert "disk replacement, ticket 42" in run.output  # its first line is the reason
    assert aws.records() == []
    assert aws.fleet.elb_states(elb) == {}
    assert aws.route53_calls().get("ChangeResourceRecordSets") is None
    assert "RegisterInstancesWithLoadBalancer" not in aws.stats()["requests"].get("elb", {})
    # The file gone, start joins.
    hold.unlink()
    run = aws.hook("start", "--elb", elb, "--hold-file", str(hold), "--no-wait", dns=True)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair() and me(aws) in registered(aws, elb)


def test_the_hold_file_setting_from_the_environment(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb()
    aws.hold_file.write_text("")  # empty: still a hold
    run = aws.hook("start", "--elb", elb)  # R53HOOK_HOLD_FILE points at aws.hold_file
    assert run.code == 0, run.describe()
    assert str(aws.hold_file) in run.output
    assert aws.fleet.elb_states(elb) == {}


def test_cycle_with_the_hold_file_leaves_runs_and_stays_out(aws: World):
    aws.insync_delay(0.2)
    elb = joined_elb(aws, draining=None)
    assert aws.hook("start", "--elb", elb, "--ttl", "1", "--no-wait", dns=True).code == 0
    aws.hold_file.write_text("keep it out\n")
    command, out = stamp_command(aws)
    run = aws.hook("cycle", "--elb", elb, "--ttl", "1", "--", *command, dns=True, R53HOOK_DRAIN_EXTRA="0")
    assert run.code == 0, run.describe()
    assert len(stamps(out)) == 1
    assert me(aws) not in registered(aws, elb)
    assert aws.records() == []
    assert str(aws.hold_file) in run.output and "keep it out" in run.output


def test_a_hold_path_that_exists_as_a_directory_still_holds(aws: World):
    aws.fleet.healthy_after(0)
    elb = aws.fleet.create_elb()
    aws.hold_file.mkdir()
    run = aws.hook("start", "--elb", elb, "--no-wait")
    assert run.code == 0, run.describe()
    assert aws.fleet.elb_states(elb) == {}, "joined although the hold path exists"
