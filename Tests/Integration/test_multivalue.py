"""`--routing multivalue` (issue 13, part 2): MultiValueAnswer records, one per instance, read
and deleted like weighted ones; one routing policy per name and type, refused (78) before
Route 53 with no change."""

from __future__ import annotations

from harness import World


def test_multivalue_start_status_members_and_stop(aws: World):
    run = aws.run("start", "--routing", "multivalue", "--ttl", "1", "--no-wait")
    assert run.code == 0, run.describe()
    [record] = aws.addresses()
    assert record["MultiValueAnswer"] is True
    assert "Weight" not in record
    assert record["SetIdentifier"] == aws.instance["instance_id"]

    status = aws.run("status")
    assert status.code == 0, status.describe()
    assert "multivalue" in status.stdout
    members = aws.run("members")
    assert members.code == 0, members.describe()
    assert aws.instance["instance_id"] in members.stdout

    stop = aws.run("stop", "--drain-extra", "0")
    assert stop.code == 0, stop.describe()
    assert aws.records() == []


def test_mixing_routing_policies_is_refused_with_78_and_no_change(aws: World):
    other = aws.create_instance()
    assert aws.run("start", "--no-wait", instance=other).code == 0  # a weighted member
    before = aws.records()
    aws.clear_stats()
    run = aws.run("start", "--routing", "multivalue", "--no-wait")
    assert run.code == 78, run.describe()
    assert "one routing policy per name and type" in run.stderr
    assert "--routing weighted" in run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == before
