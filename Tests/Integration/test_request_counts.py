"""What one start or stop spends of the account's shared Route 53 rate (issue 11), counted by the
local AWS: with --zone-id, the set and the registry mark come from one ListResourceRecordSets; a
stop reads the zone (GetHostedZone) only when it finds nothing or empties the name, a start with
its address given only to explain a refused batch."""

from __future__ import annotations

from harness import World

OTHER = "i-0fedcba9876543210"


def test_a_stop_by_zone_id_spends_one_read_one_change_and_its_polls(aws: World):
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0
    assert aws.run("start", "--ttl", "1", "--no-wait", "--set-identifier", OTHER, "--address", "192.0.2.8").code == 0
    aws.clear_stats()
    run = aws.run("stop", "--drain-extra", "0")
    assert run.code == 0, run.describe()
    calls = aws.route53_calls()
    assert calls.pop("GetChange", 0) >= 1, calls
    assert calls == {"ListResourceRecordSets": 1, "ChangeResourceRecordSets": 1}
    assert {r.get("SetIdentifier") for r in aws.records()} == {OTHER}  # its record and mark stay


def test_a_start_by_zone_id_joining_a_set_does_not_read_the_zone(aws: World):
    assert aws.run("start", "--no-wait", "--set-identifier", OTHER, "--address", "192.0.2.8").code == 0
    aws.clear_stats()
    run = aws.run("start", "--address", "public-ipv4", "--no-wait")
    assert run.code == 0, run.describe()
    assert aws.route53_calls() == {"ListResourceRecordSets": 1, "ChangeResourceRecordSets": 1}
    aws.clear_stats()
    again = aws.run("start", "--address", "public-ipv4", "--no-wait")
    assert again.code == 0 and "nothing to change" in again.stderr, again.describe()
    assert aws.route53_calls() == {"ListResourceRecordSets": 1}


def test_the_first_start_by_zone_id_does_not_read_the_zone(aws: World):
    run = aws.run("start", "--address", "public-ipv4", "--no-wait")
    assert run.code == 0, run.describe()
    assert aws.route53_calls() == {"ListResourceRecordSets": 1, "ChangeResourceRecordSets": 1}
    assert aws.records() == aws.pair()


def test_a_name_outside_the_zone_by_id_with_the_address_given_changes_nothing(aws: World):
    # Route 53 refuses the CREATE batch (the name is not in the zone); then the zone is read, to
    # say so in its terms: 78, as when the zone is read first.
    run = aws.run("start", "--name", "www.example.org", "--address", "public-ipv4", "--no-wait", name=False)
    assert run.code == 78, run.describe()
    assert "www.example.org" in run.stderr and "example.com" in run.stderr
    assert aws.route53_calls().get("GetHostedZone") == 1
    assert aws.records() == []
    assert aws.control("GET", f"/route53/history/{aws.zone_id}") == []  # no batch applied
