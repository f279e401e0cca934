"""`r53hook stop`: delete exactly this instance's record and its registry mark (in one
batch), wait INSYNC, then drain for the deleted record's TTL plus --drain-extra, adding at
most a second of its own."""

from __future__ import annotations

from harness import World, measure

INSYNC = 1.0
TTL = 3
EXTRA = 1


def test_stop_removes_the_record_and_waits_insync_then_ttl_then_extra(aws: World):
    aws.insync_delay(INSYNC)
    assert aws.run("start", "--ttl", str(TTL)).code == 0
    assert aws.records() == aws.pair(ttl=TTL)
    aws.clear_stats()
    # No --ttl: the drain must use the TTL of the record actually deleted (3), not the default (60).
    run = aws.run("stop", "--drain-extra", str(EXTRA))
    assert run.code == 0, run.describe()
    assert aws.records() == []
    floor = INSYNC + TTL + EXTRA
    overhead = run.elapsed - floor
    measure("stop wall time", f"{run.elapsed:.2f} s for INSYNC {INSYNC:g} s + TTL {TTL} s + extra {EXTRA} s "
                              f"= {floor:g} s: overhead {overhead:+.2f} s")
    assert run.elapsed >= floor, run.describe()
    assert run.elapsed <= floor + 1.0, f"stop added {overhead:.2f} s of its own\n{run.describe()}"
    # The drain ran after the deletion was INSYNC: the process outlived the DELETE by
    # at least the INSYNC delay plus the drain.
    stats = aws.stats()
    [deleted_at] = [e[0] for e in stats["timeline"] if e[1:3] == ["route53", "ChangeResourceRecordSets"]]
    assert run.ended - deleted_at >= floor - 0.05
    assert stats["requests"]["route53"]["GetChange"] >= 1
    # Progress on stderr: the countdown announces TTL + extra, and its end.
    assert f"draining for {TTL + EXTRA} s (TTL {TTL} s + {EXTRA} s extra)" in run.stderr, run.stderr
    assert "drain complete" in run.stderr
    assert run.stderr.index("INSYNC") < run.stderr.index("draining for")


def test_stop_without_a_record_says_so_and_succeeds_at_once(aws: World):
    run = aws.run("stop")
    assert run.code == 0, run.describe()
    assert "nothing to delete" in run.stderr
    assert aws.instance["instance_id"] in run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert run.elapsed < 2.0  # no drain: there was nothing to drain


def test_stop_deletes_only_its_own_record(aws: World):
    me = aws.instance["instance_id"]
    aws.change(
        # Other instances of the same weighted set.
        {"Action": "CREATE",
         "ResourceRecordSet": aws.expected(set_id="i-0aaaaaaaaaaaaaaaa", value="198.51.100.1", ttl=1)},
        {"Action": "CREATE",
         "ResourceRecordSet": aws.expected(set_id="i-0bbbbbbbbbbbbbbbb", value="198.51.100.2", ttl=1)},
        # Same set identifier, other type; same set identifier, other name.
        {"Action": "CREATE", "ResourceRecordSet": aws.expected(rtype="AAAA", value="2001:db8::1", ttl=1)},
        {"Action": "CREATE", "ResourceRecordSet": aws.expected(name="other.example.com", value="198.51.100.3")},
        # A plain record elsewhere in the zone.
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "api.example.com.", "Type": "A", "TTL": 300,
                                                   "ResourceRecords": [{"Value": "198.51.100.4"}]}},
    )
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0
    before = aws.records()
    mine = aws.pair(ttl=1)
    assert all(r in before for r in mine) and len(before) == 5 + 2
    run = aws.run("stop", "--drain-extra", "0")
    assert run.code == 0, run.describe()
    # Its record and its mark gone; the others, all without a mark, untouched.
    assert aws.records() == [r for r in before if r not in mine]
    assert me in run.stderr


def test_stop_deletes_the_record_as_it_is_now_and_drains_its_ttl(aws: World):
    assert aws.run("start", "--no-wait").code == 0
    # Changed by hand since: stop must repeat the current values, not its own settings.
    aws.change({"Action": "UPSERT", "ResourceRecordSet": aws.expected(weight=50, ttl=2, value="198.51.100.7")})
    run = aws.run("stop", "--drain-extra", "0")
    assert run.code == 0, run.describe()
    assert aws.records() == []
    assert "draining for 2 s (TTL 2 s + 0 s extra)" in run.stderr
    assert run.elapsed >= 2.0


def test_stop_dry_run_prints_the_delete_and_changes_nothing(aws: World):
    assert aws.run("start", "--ttl", "7", "--no-wait").code == 0
    aws.clear_stats()
    run = aws.run("stop", "--dry-run", "--drain-extra", "2")
    assert run.code == 0, run.describe()
    assert "DELETE" in run.stdout and aws.instance["instance_id"] in run.stdout
    # One batch deleting both the record and its registry mark.
    assert run.stdout.count("<ChangeBatch>") == 1 and run.stdout.count("<Action>DELETE</Action>") == 2
    assert "<Name>_r53hook-a.www.example.com.</Name><Type>TXT</Type>" in run.stdout
    assert "drain 9 s" in run.stdout, run.stdout
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == aws.pair(ttl=7)
    assert run.elapsed < 2.0


def test_stop_finds_its_record_among_many(aws: World):
    # Over one page of ListResourceRecordSets (300) in the same weighted name is
    # impossible (100 per set), so spread 320 records over names sorting before ours.
    changes = [{"Action": "CREATE", "ResourceRecordSet": {
        "Name": f"a{i:03d}.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "198.51.100.9"}]}}
        for i in range(320)]
    aws.change(*changes)
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0
    run = aws.run("stop", "--drain-extra", "0")
    assert run.code == 0, run.describe()
    assert aws.expected(ttl=1) not in aws.records()
    assert len(aws.records()) == 320


def test_stop_repeats_every_value_of_a_multi_value_record(aws: World):
    # Made by start (so marked), then given a second value by hand.
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0
    values = [{"Value": "198.51.100.1"}, {"Value": "198.51.100.2"}]
    aws.replace(aws.expected(ttl=1), dict(aws.expected(ttl=1), ResourceRecords=values))
    run = aws.run("stop", "--drain-extra", "0")
    assert run.code == 0, run.describe()
    assert aws.records() == []


def test_stop_repeats_the_health_check_id(aws: World):
    hc = aws.create_health_check()
    assert aws.run("start", "--health-check-id", hc, "--ttl", "1", "--no-wait").code == 0
    assert aws.records() == aws.pair(ttl=1, health_check=hc)
    # No --health-check-id at stop: the record as it is must be deleted anyway.
    run = aws.run("stop", "--drain-extra", "0")
    assert run.code == 0, run.describe()
    assert aws.records() == []


def test_stop_of_an_aaaa_record(aws: World):
    assert aws.run("start", "--type", "AAAA", "--address", "2001:db8::7", "--ttl", "1", "--no-wait").code == 0
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0  # the A record stays
    run = aws.run("stop", "--type", "AAAA", "--drain-extra", "0")
    assert run.code == 0, run.describe()
    # The AAAA record and its mark (at _r53hook-aaaa.) gone; the A record and its mark stay.
    assert aws.records() == aws.pair(ttl=1)


def test_stop_drains_even_when_insync_is_not_reached_by_the_deadline(aws: World):
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0
    aws.insync_delay(10.0)
    run = aws.run("stop", "--deadline", "2", "--drain-extra", "0")
    assert run.code == 75, run.describe()
    assert aws.records() == []
    assert "draining anyway" in run.stderr and "drain complete" in run.stderr
    assert run.elapsed <= 2 + 1 + 1.0


def test_stop_with_a_set_identifier_that_needs_escaping(aws: World):
    # Exercises the query string of ListResourceRecordSets (identifier=...) under SigV4.
    odd = "blue&'green'<1>+=%"  # no quotes or spaces: set identifiers refuse them (see test_security_identifiers)
    assert aws.run("start", "--set-identifier", odd, "--ttl", "1", "--no-wait").code == 0
    run = aws.run("stop", "--set-identifier", odd, "--drain-extra", "0")
    assert run.code == 0, run.describe()
    assert aws.records() == []
