"""`--instance-name TEMPLATE` (issue 13, part 3): a simple record for one instance, written and
deleted in the same batch as its member record and mark; a record at the name that r53hook did
not write is refused (78) with no change; sweep removes it with its instance's records."""

from __future__ import annotations

import json

from harness import World

TEMPLATE = "{instance-id}.hosts.example.com"


def batches(aws: World) -> list[list[object]]:
    return [e for e in aws.stats()["timeline"] if e[1:3] == ["route53", "ChangeResourceRecordSets"]]


def named(aws: World, inst: dict[str, object]) -> list[dict[str, object]]:
    return [r for r in aws.records() if r["Name"] == f"{inst['instance_id']}.hosts.example.com."]


def test_the_name_is_written_and_deleted_with_the_member_in_one_batch(aws: World):
    inst = aws.instance
    dry = aws.run("start", "--instance-name", TEMPLATE, "--ttl", "1", "--dry-run")
    assert dry.code == 0, dry.describe()
    assert dry.stdout.count("<Action>CREATE</Action>") == 3, dry.stdout
    assert f"<Name>{inst['instance_id']}.hosts.example.com.</Name>" in dry.stdout
    assert aws.records() == []

    aws.clear_stats()
    run = aws.run("start", "--instance-name", TEMPLATE, "--ttl", "1", "--no-wait")
    assert run.code == 0, run.describe()
    assert [e[3] for e in batches(aws)] == [200]
    [simple] = named(aws, inst)
    assert simple == {"Name": f"{inst['instance_id']}.hosts.example.com.", "Type": "A", "TTL": 1,
                      "ResourceRecords": [{"Value": inst["public_ipv4"]}]}

    members = json.loads(aws.run("members", "--json").stdout)
    [me] = members["members"]
    assert me["instanceName"] == f"{inst['instance_id']}.hosts.example.com." and me["instanceRecord"] is True
    assert "NAME" in aws.run("members").stdout

    aws.clear_stats()
    stop = aws.run("stop", "--drain-extra", "0")  # needs no template: the mark names it
    assert stop.code == 0, stop.describe()
    assert [e[3] for e in batches(aws)] == [200]
    assert aws.records() == []


def test_a_name_r53hook_did_not_write_is_refused_with_78_and_no_change(aws: World):
    taken = {"Name": f"{aws.instance['instance_id']}.hosts.example.com.", "Type": "A", "TTL": 300,
             "ResourceRecords": [{"Value": "192.0.2.44"}]}
    aws.change({"Action": "CREATE", "ResourceRecordSet": taken})
    aws.clear_stats()
    run = aws.run("start", "--instance-name", TEMPLATE, "--no-wait")
    assert run.code == 78, run.describe()
    assert "registry mark does not own it" in run.stderr and "--instance-name" in run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == [taken]


def test_sweep_removes_the_name_with_its_instances_records(aws: World):
    dead = aws.create_instance()
    for inst in (aws.instance, dead):
        run = aws.run("start", "--instance-name", TEMPLATE, "--no-wait", instance=inst)
        assert run.code == 0, run.describe()
    assert len(named(aws, dead)) == 1
    aws.control("DELETE", f"/instances/{dead['instance_id']}")  # terminated in EC2
    sweep = aws.run("sweep")
    assert sweep.code == 0, sweep.describe()
    assert f"swept {dead['instance_id']}" in sweep.stdout
    assert named(aws, dead) == []
    assert not [r for r in aws.records() if r.get("SetIdentifier") == dead["instance_id"]]
    assert len(named(aws, aws.instance)) == 1
