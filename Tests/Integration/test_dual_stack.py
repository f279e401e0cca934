"""`--type A,AAAA` (issue 13, part 1): the A and the AAAA record with their marks in one change
batch on start and one on stop, so a client never sees the instance on one family only; an
instance without IPv6 is refused before any change."""

from __future__ import annotations

import json

from harness import World
from marks import mark_name

TYPES = ("--type", "A,AAAA")


def batches(aws: World) -> list[list[object]]:
    return [e for e in aws.stats()["timeline"] if e[1:3] == ["route53", "ChangeResourceRecordSets"]]


def test_start_and_stop_change_both_families_in_one_batch_each(aws: World):
    inst = aws.create_instance(ipv6=True)
    aws.clear_stats()
    start = aws.run("start", *TYPES, "--ttl", "1", instance=inst)
    assert start.code == 0, start.describe()
    assert [e[3] for e in batches(aws)] == [200]  # one batch, accepted
    a = aws.pair(set_id=inst["instance_id"], value=inst["public_ipv4"], ttl=1)
    aaaa = aws.pair(rtype="AAAA", set_id=inst["instance_id"], value=inst["ipv6"], ttl=1)
    # Route 53's order: the name's A and AAAA records, then the marks below it.
    assert aws.records() == [a[0], aaaa[0], a[1], aaaa[1]]
    assert [r["Name"] for r in aws.records()][2:] == [mark_name(rtype="A"), mark_name(rtype="AAAA")]

    again = aws.run("start", *TYPES, "--ttl", "1", instance=inst)
    assert again.code == 0, again.describe()
    assert len(batches(aws)) == 1  # nothing to change

    aws.clear_stats()
    stop = aws.run("stop", *TYPES, "--drain-extra", "0", "--dry-run", instance=inst)
    assert stop.code == 0, stop.describe()
    assert stop.stdout.count("<Action>DELETE</Action>") == 4, stop.stdout
    assert "<Type>AAAA</Type>" in stop.stdout and "then: drain 1 s" in stop.stdout
    assert batches(aws) == []

    stop = aws.run("stop", *TYPES, "--drain-extra", "0", instance=inst)
    assert stop.code == 0, stop.describe()
    assert [e[3] for e in batches(aws)] == [200]
    assert aws.records() == []


def test_an_instance_without_ipv6_is_refused_before_any_change(aws: World):
    aws.clear_stats()
    run = aws.run("start", *TYPES)  # the default instance has no IPv6 address
    assert run.code == 78, run.describe()
    assert "ipv6" in run.stderr and "network/interfaces/macs/MAC/ipv6s" in run.stderr
    assert "--type A" in run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == []


def test_members_heartbeat_and_sweep_handle_both_types(aws: World):
    fleet = [aws.create_instance(ipv6=True) for _ in range(3)]
    for inst in fleet:
        run = aws.run("start", *TYPES, "--no-wait", instance=inst)
        assert run.code == 0, run.describe()
    me, dead = fleet[0], fleet[1]

    members = aws.run("members", *TYPES, "--json", instance=me)
    assert members.code == 0, members.describe()
    listings = json.loads(members.stdout)
    assert [listing["type"] for listing in listings] == ["A", "AAAA"]
    assert all(len(listing["members"]) == 3 for listing in listings)

    beat = aws.run("heartbeat", *TYPES, instance=me)
    assert beat.code == 0, beat.describe()
    for rtype in ("A", "AAAA"):
        assert "heartbeat=" in aws.mark(me["instance_id"], rtype=rtype)["ResourceRecords"][0]["Value"]

    aws.control("DELETE", f"/instances/{dead['instance_id']}")  # terminated in EC2
    sweep = aws.run("sweep", *TYPES, instance=me)
    assert sweep.code == 0, sweep.describe()
    assert sweep.stdout.count(f"swept {dead['instance_id']}") == 2, sweep.stdout
    assert not [r for r in aws.records() if r.get("SetIdentifier") == dead["instance_id"]]
    assert len([r for r in aws.records() if r.get("SetIdentifier") == me["instance_id"]]) == 4

    role = aws.run("role", *TYPES, "--group", "consul", "--servers", "1", instance=me)
    assert role.code == 64, role.describe()
    assert "give A or AAAA" in role.stderr


def test_status_shows_both_sets(aws: World):
    inst = aws.create_instance(ipv6=True)
    assert aws.run("start", *TYPES, "--no-wait", instance=inst).code == 0
    status = aws.run("status", *TYPES, instance=inst)
    assert status.code == 0, status.describe()
    assert "record:      www.example.com. A,AAAA" in status.stdout
    assert "TYPE" in status.stdout and inst["ipv6"] in status.stdout and inst["public_ipv4"] in status.stdout
    assert "2 records in the set" in status.stdout
