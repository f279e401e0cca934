"""`r53hook start`: the record it makes, idempotence and repair, and every option.

The record is always compared whole (name, type, set identifier, weight, TTL,
values, health check) with what Route 53 holds, so a stray attribute fails too; and
so is its registry mark, the TXT record `start` writes beside it (`World.pair()`).
"""

from __future__ import annotations

import pytest

from harness import World


def test_start_creates_exactly_the_expected_record_and_waits_for_insync(aws: World):
    aws.insync_delay(1.0)
    run = aws.run("start")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()
    stats = aws.stats()
    calls = stats["requests"]["route53"]
    assert calls["ChangeResourceRecordSets"] == 1
    assert calls["GetChange"] >= 1
    # The process exited only once the change was INSYNC: at least the delay after
    # Route 53 accepted the change.
    [accepted] = [e[0] for e in stats["timeline"] if e[1:3] == ["route53", "ChangeResourceRecordSets"]]
    assert run.ended - accepted >= 1.0
    assert run.elapsed >= 1.0
    assert "INSYNC" in run.stderr


def test_second_start_changes_nothing(aws: World):
    assert aws.run("start").code == 0
    aws.clear_stats()
    run = aws.run("start")
    assert run.code == 0, run.describe()
    calls = aws.route53_calls()
    assert "ChangeResourceRecordSets" not in calls, calls
    assert "GetChange" not in calls, calls
    assert aws.records() == aws.pair()


def test_start_repairs_a_record_changed_by_hand(aws: World):
    # Made by start, so marked; then the address record alone changed by hand: the mark stays,
    # still saying the address start wrote.
    assert aws.run("start").code == 0
    aws.replace(aws.expected(), aws.expected(weight=50, ttl=300, value="198.51.100.7"))
    assert aws.records() == [aws.expected(weight=50, ttl=300, value="198.51.100.7"), aws.expected_mark()]
    aws.clear_stats()
    run = aws.run("start")
    assert run.code == 0, run.describe()
    assert aws.route53_calls()["ChangeResourceRecordSets"] == 1
    assert aws.records() == aws.pair()


def test_mixed_case_name_is_stored_lower_case_and_stays_idempotent(aws: World):
    assert aws.run("start", "--name", "WWW.Example.COM", "--no-wait", name=False).code == 0
    assert aws.records() == aws.pair()
    aws.clear_stats()
    assert aws.run("start", "--name", "www.EXAMPLE.com.", "--no-wait", name=False).code == 0
    assert "ChangeResourceRecordSets" not in aws.route53_calls()


def test_zone_by_name(aws: World):
    run = aws.run("start", "--zone-name", "example.com", zone=False)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()


def test_zone_id_with_hostedzone_prefix(aws: World):
    run = aws.run("start", "--zone-id", f"/hostedzone/{aws.zone_id}", zone=False)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()


def test_aaaa_record_from_the_instance_ipv6(aws: World):
    inst = aws.create_instance(ipv6=True)
    assert inst["ipv6"]
    run = aws.run("start", "--type", "AAAA", instance=inst)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(rtype="AAAA", set_id=inst["instance_id"], value=inst["ipv6"])


def test_aaaa_on_an_instance_without_ipv6_is_refused_and_changes_nothing(aws: World):
    run = aws.run("start", "--type", "AAAA")
    assert run.code == 78, run.describe()
    assert "ipv6" in run.stderr.lower()
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == []


def test_public_address_missing_is_refused_with_advice(aws: World):
    inst = aws.create_instance(public_ipv4=False)
    run = aws.run("start", instance=inst)
    assert run.code == 78, run.describe()
    assert "public-ipv4" in run.stderr and "--address" in run.stderr
    assert aws.records() == []


@pytest.mark.parametrize(
    "address, rtype, value",
    [
        ("local-ipv4", "A", "private_ipv4"),
        ("public-ipv4", "A", "public_ipv4"),
        ("192.0.2.10", "A", "192.0.2.10"),
        ("2001:db8::10", "AAAA", "2001:db8::10"),
    ],
)
def test_address_option(aws: World, address: str, rtype: str, value: str):
    run = aws.run("start", "--address", address, "--type", rtype, "--no-wait")
    assert run.code == 0, run.describe()
    want = aws.instance.get(value, value)
    assert aws.records() == aws.pair(rtype=rtype, value=want)


def test_weight_ttl_and_set_identifier(aws: World):
    run = aws.run("start", "--weight", "0", "--ttl", "30", "--set-identifier", "blue-1", "--no-wait")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(weight=0, ttl=30, set_id="blue-1")


def test_weight_255_is_accepted(aws: World):
    run = aws.run("start", "--weight", "255", "--no-wait")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(weight=255)


def test_health_check_id(aws: World):
    hc = aws.create_health_check()
    run = aws.run("start", "--health-check-id", hc, "--no-wait")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(health_check=hc)


def test_no_wait_returns_before_insync(aws: World):
    aws.insync_delay(3.0)
    run = aws.run("start", "--no-wait")
    assert run.code == 0, run.describe()
    assert run.elapsed < 2.0
    calls = aws.route53_calls()
    assert calls["ChangeResourceRecordSets"] == 1
    assert "GetChange" not in calls
    # ListResourceRecordSets shows pending changes: the record is there.
    assert aws.records() == aws.pair()


def test_dry_run_prints_the_batch_and_changes_nothing(aws: World):
    run = aws.run("start", "--dry-run", "--weight", "7")
    assert run.code == 0, run.describe()
    out = run.stdout
    assert aws.zone_id in out
    for piece in ("www.example.com.", aws.instance["instance_id"], aws.instance["public_ipv4"],
                  "<Weight>7</Weight>", "<TTL>60</TTL>", "INSYNC"):
        assert piece in out, piece
    # Nothing there yet: two CREATEs in the one batch, the record and its registry mark; no
    # UPSERT, which would overwrite whatever someone made meanwhile.
    assert out.count("<Action>CREATE</Action>") == 2 and "UPSERT" not in out and "DELETE" not in out
    assert out.count("<ChangeBatch>") == 1
    assert "<Name>_r53hook-a.www.example.com.</Name><Type>TXT</Type>" in out
    assert "r53hook-member v=1 instance=" + aws.instance["instance_id"] in out
    calls = aws.route53_calls()
    assert "ChangeResourceRecordSets" not in calls
    assert "GetChange" not in calls
    assert aws.records() == []


def test_private_zone_defaults_to_local_ipv4(aws: World):
    aws.r53.delete_hosted_zone(Id=aws.zone_id)
    private = aws.create_private_zone()
    run = aws.run("start", "--zone-name", "example.com", zone=False)
    assert run.code == 0, run.describe()
    assert aws.records(private) == aws.pair(value=aws.instance["private_ipv4"])


def test_public_and_private_zone_pair_needs_a_choice(aws: World):
    private = aws.create_private_zone()
    run = aws.run("start", "--zone-name", "example.com", zone=False)
    assert run.code == 78, run.describe()
    assert aws.zone_id in run.stderr and private in run.stderr
    assert "--private-zone" in run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == [] and aws.records(private) == []


def test_private_zone_flag_picks_the_private_one(aws: World):
    private = aws.create_private_zone()
    run = aws.run("start", "--zone-name", "example.com", "--private-zone", "--no-wait", zone=False)
    assert run.code == 0, run.describe()
    assert aws.records(private) == aws.pair(value=aws.instance["private_ipv4"])
    assert aws.records() == []


def test_public_zone_flag_picks_the_public_one(aws: World):
    private = aws.create_private_zone()
    run = aws.run("start", "--zone-name", "example.com", "--public-zone", "--no-wait", zone=False)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()
    assert aws.records(private) == []


def test_private_zone_choice_from_environment(aws: World):
    private = aws.create_private_zone()
    run = aws.run("start", "--no-wait", zone=False, R53HOOK_ZONE_NAME="example.com", R53HOOK_PRIVATE_ZONE="true")
    assert run.code == 0, run.describe()
    assert aws.records(private) == aws.pair(value=aws.instance["private_ipv4"])


def test_set_identifier_with_xml_special_characters(aws: World):
    odd = "blue&'green'<1>+=%"  # no quotes or spaces: set identifiers refuse them (see test_security_identifiers)
    run = aws.run("start", "--set-identifier", odd, "--no-wait")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(set_id=odd)
    aws.clear_stats()
    assert aws.run("start", "--set-identifier", odd, "--no-wait").code == 0
    assert "ChangeResourceRecordSets" not in aws.route53_calls()


def test_simple_record_of_the_same_name_is_a_configuration_error(aws: World):
    simple = {"Name": "www.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "198.51.100.3"}]}
    aws.change({"Action": "CREATE", "ResourceRecordSet": simple})
    run = aws.run("start", "--no-wait")
    assert run.code == 78, run.describe()
    assert "simple" in run.stderr and "www.example.com" in run.stderr
    assert aws.records() == [simple]


def others(n: int, aws: World) -> list[dict]:
    return [{"Action": "CREATE", "ResourceRecordSet": aws.expected(set_id=f"i-{i:017d}", value="198.51.100.9")}
            for i in range(n)]


def test_a_full_weighted_set_is_refused_clearly(aws: World):
    aws.change(*others(100, aws))
    run = aws.run("start", "--no-wait")
    assert run.code == 78, run.describe()
    assert "100" in run.stderr
    assert len(aws.records()) == 100
    assert aws.expected() not in aws.records()


def test_own_record_in_a_full_set_is_still_repaired(aws: World):
    # This instance's own record (made by start, so marked, then made wrong by hand) plus 99
    # others: replacing it adds nothing to the set.
    assert aws.run("start", "--no-wait").code == 0
    aws.change(*others(99, aws))
    aws.replace(aws.expected(), aws.expected(weight=99))
    run = aws.run("start", "--no-wait")
    assert run.code == 0, run.describe()
    records = aws.records()
    assert len(records) == 100 + 1 and aws.expected() in records
    assert records[-1] == aws.expected_mark()  # the one mark, sorted after www.example.com.


def test_insync_not_reached_by_the_deadline_is_temporary(aws: World):
    aws.insync_delay(10.0)
    run = aws.run("start", "--deadline", "2")
    assert run.code == 75, run.describe()
    assert run.elapsed <= 2 + 1.0
    assert "PENDING" in run.stderr and "--deadline" in run.stderr
    assert aws.records() == aws.pair()  # the change itself went through


def test_a_non_weighted_record_with_our_set_identifier_is_left_alone(aws: World):
    latency = {"Name": "www.example.com.", "Type": "A", "SetIdentifier": aws.instance["instance_id"],
               "Region": "us-east-1", "TTL": 60, "ResourceRecords": [{"Value": "198.51.100.5"}]}
    aws.change({"Action": "CREATE", "ResourceRecordSet": latency})
    for command in ("start", "stop"):
        run = aws.run(command, "--no-wait" if command == "start" else "--drain-extra=0")
        assert run.code == 78, run.describe()
        assert "not a plain weighted record" in run.stderr
    assert aws.records() == [latency]


@pytest.mark.parametrize("shape", ["messages", "error_response"])
def test_route53_refusal_in_either_error_shape_is_explained(aws: World, shape: str):
    # Route 53 answers InvalidChangeBatch in two body shapes; both must be decoded.
    aws.control("POST", "/route53", {"invalid_change_batch_shape": shape})
    cname = {"Name": "www.example.com.", "Type": "CNAME", "TTL": 60,
             "ResourceRecords": [{"Value": "elsewhere.example.net"}]}
    aws.change({"Action": "CREATE", "ResourceRecordSet": cname})
    run = aws.run("start", "--no-wait")
    assert run.code == 78, run.describe()
    assert "conflicting RRSet of type CNAME" in run.stderr
    assert aws.records() == [cname]


def test_unknown_health_check_is_a_configuration_error(aws: World):
    run = aws.run("start", "--health-check-id", "abcdef11-2222-3333-4444-555555fedcba", "--no-wait")
    assert run.code == 78, run.describe()
    assert "abcdef11-2222-3333-4444-555555fedcba" in run.stderr and "--health-check-id" in run.stderr
    assert aws.records() == []
