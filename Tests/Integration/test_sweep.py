"""`r53hook sweep`: delete the pairs (address record + mark) of dead members, under a lock.

Dead: the instance is terminated in EC2 (moto's, asked with DescribeInstances at the local
endpoint, in the region IMDS gives); or EC2 does not know it, it is in the sweeper's region and
its mark is more than 300 s old; or it sends heartbeats and the last is older than --expiry.
Never touched: records without the mark, the sweeper's own pair, a dead member whose address
record no longer matches its mark. Self-preservation: more than --max-fraction dead at once
deletes nothing and exits 75 unless --force.

"Nothing else changed" is always checked on the whole zone, record by record.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from harness import World, measure
from registrykit import (
    RECORD,
    REGISTRY,
    address_records,
    address_rrset,
    ec2_calls,
    forge_member,
    mark_records,
    mark_rrset,
    marks,
    members_json,
    popen_all,
    rewrite_mark,
    start,
    start_fleet,
    terminate,
)


def sweep(aws: World, *args: str, code: int = 0, **env: str | None) -> Any:
    run = aws.run("sweep", *args, **env)
    assert run.code == code, run.describe()
    return run


def pair_of(aws: World, set_id: str) -> list[dict[str, Any]]:
    return [r for r in aws.records() if r.get("SetIdentifier") == set_id and in_pair(r)]


def in_pair(r: dict[str, Any]) -> bool:
    """Whether a record is an address record or a mark of the www.example.com. A registry."""
    return (r["Name"], r["Type"]) in ((RECORD, "A"), (REGISTRY, "TXT"))


def without(records: list[dict[str, Any]], *set_ids: str) -> list[dict[str, Any]]:
    """The records but the pairs of these members (in the A registry)."""
    return [r for r in records if not (in_pair(r) and r.get("SetIdentifier") in set_ids)]


def bystanders(aws: World) -> None:
    """Records sweep must never touch: an unmarked weighted record of the same name (by hand),
    a non-mark TXT at the registry name, and unrelated records of the zone."""
    aws.change(
        {"Action": "CREATE", "ResourceRecordSet": address_rrset("legacy-1", "198.51.100.1")},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": REGISTRY, "Type": "TXT", "SetIdentifier": "notes", "Weight": 0, "TTL": 60,
            "ResourceRecords": [{"Value": '"not a mark"'}]}},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "api.example.com.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.80"}]}},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "example.com.", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '"v=spf1 -all"'}]}},
    )


def lock_records(aws: World) -> list[dict[str, Any]]:
    return [r for r in aws.records() if "_r53hook-lock" in r["Name"]]


def test_terminated_instance_pair_is_swept_and_nothing_else(aws: World):
    me, b, c = start_fleet(aws, 3)
    bystanders(aws)
    assert terminate(aws, b) == "terminated"
    before = aws.records()
    assert len(pair_of(aws, b["instance_id"])) == 2
    aws.clear_stats()
    run = sweep(aws)
    calls = aws.route53_calls()
    ec2 = ec2_calls(aws)

    assert aws.records() == without(before, b["instance_id"])
    assert run.stdout.splitlines() == [
        f"swept {b['instance_id']} ({b['instance_id']} {b['public_ipv4']}): instance {b['instance_id']} is terminated",
        "swept 1 of 3 members",
    ], run.stdout
    assert lock_records(aws) == []
    # The pair went in one batch; the other two are the lock's CREATE and release.
    assert calls["ChangeResourceRecordSets"] == 3, calls
    assert ec2 == {"DescribeInstances": 1}, ec2
    measure("sweep: requests, 3 members, 1 terminated",
            f"Route 53 {sum(calls.values())} (" + ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
            + f"), EC2 {sum(ec2.values())} (" + ", ".join(f"{k} {v}" for k, v in sorted(ec2.items())) + ")")

    # Sweeping again finds nothing, and costs one EC2 call.
    aws.clear_stats()
    run = sweep(aws)
    assert run.stdout.splitlines() == ["swept 0 of 2 members"], run.stdout
    calls = aws.route53_calls()
    measure("sweep: requests, 2 members, none dead",
            f"Route 53 {sum(calls.values())} (" + ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
            + f"), EC2 {sum(ec2_calls(aws).values())}")
    assert aws.records() == without(before, b["instance_id"])


def test_dry_run_lists_the_dead_and_changes_nothing(aws: World):
    me, b, c = start_fleet(aws, 3)
    terminate(aws, c)
    before = aws.records()
    aws.clear_stats()
    run = sweep(aws, "--dry-run")
    assert run.stdout.splitlines() == [
        f"would sweep {c['instance_id']} ({c['instance_id']} {c['public_ipv4']}): "
        f"instance {c['instance_id']} is terminated",
        "would sweep 1 of 3 members",
    ], run.stdout
    assert aws.records() == before
    assert "ChangeResourceRecordSets" not in aws.route53_calls()


def test_expired_heartbeat_is_swept_according_to_expiry(aws: World):
    me, b, c = start_fleet(aws, 3)
    for inst in (b, c):
        assert aws.run("heartbeat", instance=inst).code == 0
    rewrite_mark(aws, b["instance_id"], heartbeat=int(time.time()) - 200)
    before = aws.records()
    # Within a 300 s expiry, nobody is dead.
    run = sweep(aws, "--expiry", "300")
    assert run.stdout.splitlines() == ["swept 0 of 3 members"], run.stdout
    assert aws.records() == before
    # With the default 120 s, b is (its instance still runs: the heartbeat decides).
    run = sweep(aws)
    [line, total] = run.stdout.splitlines()
    assert line.startswith(f"swept {b['instance_id']} ({b['instance_id']} {b['public_ipv4']}): last heartbeat "), line
    assert "120 s expiry" in line, line
    assert total == "swept 1 of 3 members"
    assert aws.records() == without(before, b["instance_id"])


def test_running_member_without_heartbeats_stays_however_old(aws: World):
    me, b = start_fleet(aws, 2)
    rewrite_mark(aws, b["instance_id"], joined=int(time.time()) - 30 * 86400)
    before = aws.records()
    run = sweep(aws, "--expiry", "1")
    assert run.stdout.splitlines() == ["swept 0 of 2 members"], run.stdout
    assert aws.records() == before


def test_self_preservation_refuses_then_force_sweeps(aws: World):
    me, b, c, d = start_fleet(aws, 4)
    bystanders(aws)
    for inst in (b, c, d):
        terminate(aws, inst)
    before = aws.records()
    aws.clear_stats()
    run = sweep(aws, code=75)
    assert aws.records() == before
    assert aws.route53_calls().get("ChangeResourceRecordSets") == 2, "only the lock's CREATE and release"
    assert "sweep refused" in run.stderr and "--force" in run.stderr, run.stderr
    assert "3 of 4" in run.stderr, run.stderr
    would = sorted(ln.split()[2] for ln in run.stdout.splitlines() if ln.startswith("would sweep i-"))
    assert would == sorted(i["instance_id"] for i in (b, c, d)), run.stdout
    assert not any(ln.startswith("swept") for ln in run.stdout.splitlines()), run.stdout
    assert lock_records(aws) == []

    # A dry run is refused the same way.
    run = sweep(aws, "--dry-run", code=75)
    assert "sweep refused" in run.stderr
    assert aws.records() == before

    # --force lets it through, one batch per dead pair (plus the lock's CREATE and release).
    aws.clear_stats()
    run = sweep(aws, "--force")
    assert run.stdout.splitlines()[-1] == "swept 3 of 4 members", run.stdout
    assert aws.route53_calls()["ChangeResourceRecordSets"] == 3 + 2
    assert aws.records() == without(before, b["instance_id"], c["instance_id"], d["instance_id"])


def test_exactly_max_fraction_is_still_swept(aws: World):
    me, b, c, d = start_fleet(aws, 4)
    terminate(aws, b)
    terminate(aws, c)
    before = aws.records()
    # 2 of 4 is not more than 0.5.
    run = sweep(aws)
    assert run.stdout.splitlines()[-1] == "swept 2 of 4 members", run.stdout
    assert aws.records() == without(before, b["instance_id"], c["instance_id"])
    # 1 of 2 with --max-fraction 0.4 is.
    terminate(aws, d)
    run = sweep(aws, "--max-fraction", "0.4", code=75)
    assert aws.records() == without(before, b["instance_id"], c["instance_id"])


def test_gone_instance_is_swept_only_once_its_mark_is_old(aws: World):
    start_fleet(aws, 3)
    now = int(time.time())
    gone_old = "i-0123456789abcdef0"  # never an instance of this EC2
    gone_fresh = "i-0fedcba9876543210"
    gone_beating = "i-0aaaabbbbccccdddd"
    elsewhere = "i-0eeeeffff00001111"
    forge_member(aws, gone_old, address="192.0.2.11", joined=now - 1000)
    forge_member(aws, gone_fresh, address="192.0.2.12", joined=now)
    # Joined long ago but beat 10 s ago: its mark is fresh.
    forge_member(aws, gone_beating, address="192.0.2.13", joined=now - 5000, heartbeat=now - 10)
    # In another region: this sweeper's EC2 cannot know it, so it is not judged by EC2.
    forge_member(aws, elsewhere, address="192.0.2.14", az="eu-west-1a", joined=now - 5000)
    before = aws.records()
    run = sweep(aws)
    assert run.stdout.splitlines() == [
        f"swept {gone_old} ({gone_old} 192.0.2.11): EC2 no longer knows instance {gone_old} in us-east-1",
        "swept 1 of 7 members",
    ], run.stdout
    assert aws.records() == without(before, gone_old)


def test_sweeper_never_sweeps_its_own_pair(aws: World):
    me, b = start_fleet(aws, 2)
    assert aws.run("heartbeat").code == 0
    rewrite_mark(aws, me["instance_id"], heartbeat=int(time.time()) - 5000)
    before = aws.records()
    [mine] = [m for m in members_json(aws)["members"] if m["self"]]
    assert mine["live"] is False, mine
    run = sweep(aws)
    assert run.stdout.splitlines() == ["swept 0 of 2 members"], run.stdout
    assert aws.records() == before
    # b sees it dead and sweeps it.
    run = sweep(aws, instance=b)
    assert run.stdout.splitlines()[-1] == "swept 1 of 2 members", run.stdout
    assert aws.records() == without(before, me["instance_id"])


def test_dead_member_whose_record_differs_is_left(aws: World):
    me, b, c, d = start_fleet(aws, 4)
    terminate(aws, b)
    terminate(aws, c)
    # b's address record was changed by hand; c's was deleted by hand (its mark alone remains).
    addr = address_records(aws)
    aws.change({"Action": "UPSERT", "ResourceRecordSet": address_rrset(b["instance_id"], "198.51.100.77")},
               {"Action": "DELETE", "ResourceRecordSet": addr[c["instance_id"]]})
    before = aws.records()
    run = sweep(aws)
    lines = run.stdout.splitlines()
    assert any(ln.startswith(f"left {b['instance_id']}: ") for ln in lines), run.stdout
    assert (f"swept {c['instance_id']} ({c['instance_id']} {c['public_ipv4']}): "
            f"instance {c['instance_id']} is terminated") in lines
    assert lines[-1] == "swept 1 of 4 members", run.stdout
    # b's changed record and its mark stay; c's lone mark is gone.
    assert aws.records() == without(before, c["instance_id"])
    assert b["instance_id"] in mark_records(aws)


def test_members_of_another_region_are_not_judged_by_this_regions_ec2(aws: World):
    me, b = start_fleet(aws, 2)
    terminate(aws, b)
    before = aws.records()
    # The sweeper says it is in eu-west-1: b's az us-east-1a is not its region.
    run = sweep(aws, AWS_REGION="eu-west-1")
    assert run.stdout.splitlines() == ["swept 0 of 2 members"], run.stdout
    assert aws.records() == before
    assert ec2_calls(aws) == {}, "no member of eu-west-1: nothing to ask EC2"


def test_ec2_unreachable_sweeps_nothing(aws: World):
    me, b, c = start_fleet(aws, 3)
    terminate(aws, b)
    forge_member(aws, "i-0123456789abcdef0", joined=int(time.time()) - 1000)
    before = aws.records()
    run = aws.run("sweep", "--deadline", "3", AWS_ENDPOINT_URL_EC2="http://127.0.0.1:9")
    assert run.code == 69, run.describe()
    assert "DescribeInstances" in run.stderr, run.stderr
    assert "swept" not in run.stdout, run.stdout
    assert aws.records() == before
    assert lock_records(aws) == []


def test_two_sweepers_at_once_delete_each_pair_once(aws: World):
    me, b, c, d, e = start_fleet(aws, 5)
    terminate(aws, d)
    terminate(aws, e)
    before = aws.records()
    procs = popen_all(aws, "sweep", [me, b])
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    totals = sorted(out.splitlines()[-1] for out, _ in outs)
    assert totals == ["swept 0 of 3 members", "swept 2 of 5 members"], outs
    assert aws.records() == without(before, d["instance_id"], e["instance_id"])
    assert lock_records(aws) == []


def test_ec2_denied_sweeps_nothing(aws: World):
    me, b = start_fleet(aws, 2)
    terminate(aws, b)
    route53_only = {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": ["route53:*"], "Resource": "*"}]}
    sweeper = aws.create_instance(role_policy=route53_only)
    before = aws.records()
    run = aws.run("sweep", instance=sweeper)
    assert run.code == 77, run.describe()
    assert "ec2:DescribeInstances" in run.stderr, run.stderr
    assert aws.records() == before
    assert lock_records(aws) == []


def test_stopped_instance_is_not_dead(aws: World):
    me, b = start_fleet(aws, 2)
    aws.ec2.stop_instances(InstanceIds=[b["instance_id"]])
    before = aws.records()
    run = sweep(aws)
    assert run.stdout.splitlines() == ["swept 0 of 2 members"], run.stdout
    assert aws.records() == before


def test_a_sweeper_that_is_not_a_member_sweeps_too(aws: World):
    b, c = aws.create_instance(), aws.create_instance()
    start(aws, b)
    start(aws, c)
    terminate(aws, c)
    before = aws.records()
    run = sweep(aws)  # aws.instance never started
    assert run.stdout.splitlines()[-1] == "swept 1 of 2 members", run.stdout
    assert aws.records() == without(before, c["instance_id"])


def test_only_the_registry_of_the_type_swept_is_touched(aws: World):
    me = aws.instance
    b = aws.create_instance(ipv6=True)
    start(aws, me)
    start(aws, b)
    assert aws.run("start", "--no-wait", "--type", "AAAA", instance=b).code == 0
    aaaa_pair = [r for r in aws.records() if r.get("SetIdentifier") == b["instance_id"]
                 and (r["Type"] == "AAAA" or r["Name"].startswith("_r53hook-aaaa."))]
    assert len(aaaa_pair) == 2, aws.records()
    terminate(aws, b)
    before = aws.records()
    run = sweep(aws)
    assert run.stdout.splitlines()[-1] == "swept 1 of 2 members", run.stdout
    after = aws.records()
    assert after == without(before, b["instance_id"])
    assert all(r in after for r in aaaa_pair)
    # The AAAA registry's own sweep takes its pair (the sweeper is not a member of it). Its only
    # member is dead: 1 of 1 is more than half, so it takes --force.
    sweep(aws, "--type", "AAAA", code=75)
    run = sweep(aws, "--type", "AAAA", "--force")
    assert run.stdout.splitlines()[-1] == "swept 1 of 1 member", run.stdout
    assert aws.records() == [r for r in without(before, b["instance_id"]) if r not in aaaa_pair]


def test_a_full_registry_of_100_members(aws: World):
    # Route 53 allows 100 weighted records of one name and type: 100 members is the most a
    # registry can hold. 98 forged members (never instances, too new to count as gone) beside
    # two real ones.
    me, b = start_fleet(aws, 2)
    now = int(time.time())
    forged = [f"i-{n:017x}" for n in range(1, 99)]
    changes = []
    for n, set_id in enumerate(forged):
        changes += [{"Action": "CREATE", "ResourceRecordSet": address_rrset(set_id, f"10.1.0.{n + 1}")},
                    {"Action": "CREATE", "ResourceRecordSet": mark_rrset(set_id, {
                        "v": 1, "instance": set_id, "address": f"10.1.0.{n + 1}", "az": "us-east-1a", "joined": now})}]
    aws.change(*changes)
    terminate(aws, b)
    doc = members_json(aws)
    assert len(doc["members"]) == 100 and doc["unmarked"] == []
    assert all(m["record"] == "ok" for m in doc["members"])
    before = aws.records()
    aws.clear_stats()
    run = sweep(aws)
    assert run.stdout.splitlines() == [
        f"swept {b['instance_id']} ({b['instance_id']} {b['public_ipv4']}): instance {b['instance_id']} is terminated",
        "swept 1 of 100 members"], run.stdout
    calls = aws.route53_calls()
    ec2 = ec2_calls(aws)
    assert aws.records() == without(before, b["instance_id"])
    measure("sweep: requests, 100 members, 1 terminated",
            f"Route 53 {sum(calls.values())} (" + ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
            + f"), EC2 {sum(ec2.values())}; {run.elapsed:.2f} s")
    # 99 instance ids (not the sweeper's own) in one DescribeInstances call.
    assert ec2 == {"DescribeInstances": 1}, ec2


def test_sweep_from_outside_ec2_with_keys_and_a_region(aws: World):
    me, b, c = start_fleet(aws, 3)
    terminate(aws, c)
    before = aws.records()
    run = sweep(aws, AWS_ACCESS_KEY_ID=aws.admin["access_key_id"],
                AWS_SECRET_ACCESS_KEY=aws.admin["secret_access_key"], AWS_REGION="us-east-1",
                AWS_EC2_METADATA_DISABLED="true")
    assert run.stdout.splitlines()[-1] == "swept 1 of 3 members", run.stdout
    assert aws.records() == without(before, c["instance_id"])


def test_own_pair_under_a_custom_set_identifier_is_kept_when_sweep_names_it(aws: World):
    b = aws.create_instance()
    start(aws, b)
    start(aws, None, "--set-identifier", "web-1")
    assert aws.run("heartbeat", "--set-identifier", "web-1").code == 0
    rewrite_mark(aws, "web-1", heartbeat=int(time.time()) - 1000)
    before = aws.records()
    run = sweep(aws, "--set-identifier", "web-1")
    assert run.stdout.splitlines() == ["swept 0 of 2 members"], run.stdout
    assert aws.records() == before


def test_own_pair_is_never_swept_even_when_sweep_runs_without_its_set_identifier(aws: World):
    b = aws.create_instance()
    start(aws, b)
    start(aws, None, "--set-identifier", "web-1")
    assert marks(aws)["web-1"]["instance"] == aws.instance["instance_id"]
    assert aws.run("heartbeat", "--set-identifier", "web-1").code == 0
    rewrite_mark(aws, "web-1", heartbeat=int(time.time()) - 1000)
    before = aws.records()
    run = sweep(aws)  # e.g. by hand, without the config's R53HOOK_SET_IDENTIFIER
    assert run.stdout.splitlines() == ["swept 0 of 2 members"], run.stdout
    assert aws.records() == before


@pytest.mark.parametrize("args", [("--max-fraction", "0"), ("--max-fraction", "1.5"), ("--expiry", "0")])
def test_bad_limits_are_refused_before_any_request(aws: World, args: tuple[str, str]):
    start(aws)
    aws.clear_stats()
    run = aws.run("sweep", *args)
    assert run.code == 64, run.describe()
    assert aws.route53_calls() == {}
