"""`start --create-first` (issue 11): at boot, [CREATE record, CREATE mark] before any read. It
never overwrites anything (Route 53 applies a CREATE batch only when neither record exists), and
whatever Route 53 refuses is read and explained as a plain start would."""

from __future__ import annotations

from harness import World

UNMARKED = "without r53hook's registry mark"


def test_create_first_sends_the_change_before_any_read(aws: World):
    run = aws.run("start", "--create-first")
    assert run.code == 0, run.describe()
    calls = aws.route53_calls()  # before the test's own listing
    assert calls.get("ChangeResourceRecordSets") == 1, calls
    assert "ListResourceRecordSets" not in calls, calls
    assert calls.get("GetChange", 0) >= 1 and "INSYNC" in run.stderr
    assert aws.records() == aws.pair()


def test_create_first_with_the_zone_id_and_the_address_given_reads_nothing(aws: World):
    run = aws.run("start", "--create-first", "--address", "public-ipv4", "--no-wait")
    assert run.code == 0, run.describe()
    assert aws.route53_calls() == {"ChangeResourceRecordSets": 1}
    assert aws.records() == aws.pair()


def test_create_first_never_overwrites_an_unmarked_record(aws: World):
    theirs = aws.expected(weight=99)
    aws.change({"Action": "CREATE", "ResourceRecordSet": theirs})
    aws.clear_stats()
    run = aws.run("start", "--create-first", "--no-wait")
    assert run.code == 78, run.describe()
    assert UNMARKED in run.stderr, run.stderr
    assert aws.route53_calls().get("ChangeResourceRecordSets") == 1  # the refused CREATE
    assert aws.records() == [theirs]


def test_create_first_after_a_start_changes_nothing(aws: World):
    assert aws.run("start", "--no-wait").code == 0
    records = aws.records()
    run = aws.run("start", "--create-first", "--no-wait")
    assert run.code == 0, run.describe()
    assert "nothing to change" in run.stderr, run.stderr
    assert aws.records() == records


def test_create_first_outside_the_zone_is_refused_with_the_usual_message(aws: World):
    run = aws.run("start", "--create-first", "--address", "198.51.100.7", "--name", "www.example.org", name=False)
    assert run.code == 78, run.describe()
    assert "www.example.org" in run.stderr and "example.com" in run.stderr
    assert aws.records() == []


def test_create_first_dual_stack_writes_both_families_in_one_batch_without_reading(aws: World):
    inst = aws.create_instance(ipv6=True)
    aws.clear_stats()
    run = aws.run(
        "start", "--create-first", "--type", "A,AAAA", "--address", "public-ipv4", "--ttl", "1", "--no-wait",
        instance=inst,
    )
    assert run.code == 0, run.describe()
    assert aws.route53_calls() == {"ChangeResourceRecordSets": 1}
    a = aws.pair(set_id=inst["instance_id"], value=inst["public_ipv4"], ttl=1)
    aaaa = aws.pair(rtype="AAAA", set_id=inst["instance_id"], value=inst["ipv6"], ttl=1)
    assert aws.records() == [a[0], aaaa[0], a[1], aaaa[1]]


def test_create_first_with_an_instance_name_reads_first(aws: World):
    run = aws.run("start", "--create-first", "--instance-name", "{instance-id}.hosts.example.com", "--no-wait")
    assert run.code == 0, run.describe()
    calls = aws.route53_calls()
    assert calls.get("ChangeResourceRecordSets") == 1 and calls.get("ListResourceRecordSets", 0) >= 1, calls
