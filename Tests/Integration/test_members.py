"""`r53hook members` and `r53hook heartbeat`: the registry as listed (JSON and text), the
heartbeat as written into the mark, liveness by heartbeat age, unmarked records kept apart,
and a heartbeat that never brings back a member that is not registered.

Other instances' pairs are written by their own `start` (each instance has its own IMDS) or
forged with the admin keys (registrykit.forge_member) when a time in the past is needed.
"""

from __future__ import annotations

import time

from harness import ZONE, World, measure
from registrykit import (
    RECORD,
    REGISTRY,
    address_records,
    address_rrset,
    by_set_id,
    forge_member,
    mark_records,
    marks,
    members_json,
    rewrite_mark,
    start,
    start_fleet,
)


def test_start_writes_the_pair_and_members_lists_every_field(aws: World):
    t0 = int(time.time())
    other_az = aws.create_instance(availability_zone="us-east-1b")
    fleet = [aws.instance, aws.create_instance(), other_az]
    for inst in fleet:
        start(aws, inst)
    t1 = int(time.time())

    # The pair: the address record and its mark, same SetIdentifier, mark weight 0 and TTL 60.
    marked = mark_records(aws)
    assert set(marked) == {i["instance_id"] for i in fleet}
    for inst in fleet:
        rec = marked[inst["instance_id"]]
        assert (rec["Weight"], rec["TTL"], len(rec["ResourceRecords"])) == (0, 60, 1), rec
        fields = marks(aws)[inst["instance_id"]]
        assert fields["v"] == "1"
        assert fields["instance"] == inst["instance_id"]
        assert fields["address"] == inst["public_ipv4"]
        assert fields["az"] == inst["availability_zone"]
        assert t0 <= int(fields["joined"]) <= t1
        assert not {"heartbeat", "role", "group"} & set(fields), fields
        assert rec["ResourceRecords"][0]["Value"] == (
            f'"r53hook-member v=1 instance={inst["instance_id"]} address={inst["public_ipv4"]} '
            f'az={inst["availability_zone"]} joined={fields["joined"]}"')
        assert address_records(aws)[inst["instance_id"]] == aws.expected(set_id=inst["instance_id"],
                                                                         value=inst["public_ipv4"])

    doc = members_json(aws)
    assert doc["zone"] == {"id": aws.zone_id, "name": ZONE + "."}
    assert (doc["name"], doc["type"], doc["registry"], doc["expiry"]) == (RECORD, "A", REGISTRY, 120)
    assert abs(doc["now"] - time.time()) <= 5
    assert doc["unmarked"] == []
    assert len(doc["members"]) == 3
    members = by_set_id(doc)
    for inst in fleet:
        m = members[inst["instance_id"]]
        assert m == {
            "setIdentifier": inst["instance_id"],
            "self": inst is aws.instance,
            "instanceId": inst["instance_id"],
            "address": inst["public_ipv4"],
            "availabilityZone": inst["availability_zone"],
            "role": None,
            "group": None,
            "joinedAt": m["joinedAt"],
            "heartbeatAt": None,
            "heartbeatAge": None,
            "heartbeats": False,
            "live": True,
            "record": "ok",
        }
        assert t0 <= m["joinedAt"] <= t1
    assert members[other_az["instance_id"]]["availabilityZone"] == "us-east-1b"

    # "self" follows the instance that asks.
    seen_from_third = by_set_id(members_json(aws, instance=other_az))
    assert [s for s, m in seen_from_third.items() if m["self"]] == [other_az["instance_id"]]


def test_members_text_table_marks_this_instance_and_sums_up(aws: World):
    fleet = start_fleet(aws, 3)
    run = aws.run("members")
    assert run.code == 0, run.describe()
    lines = run.stdout.splitlines()
    rows = {i["instance_id"]: [ln for ln in lines if i["instance_id"] in ln] for i in fleet}
    for inst in fleet:
        [row] = rows[inst["instance_id"]]
        assert inst["public_ipv4"] in row and "us-east-1a" in row and "ok" in row, row
        assert row.lstrip().startswith("*") == (inst is aws.instance), row
    assert "3 members, 3 live" in run.stdout, run.stdout


def test_heartbeat_writes_now_into_the_mark_and_members_shows_it(aws: World):
    [me, other] = start_fleet(aws, 2)
    before_mark = marks(aws)[me["instance_id"]]
    before_addresses = address_records(aws)
    t0 = int(time.time())
    run = aws.run("heartbeat")
    t1 = int(time.time())
    assert run.code == 0, run.describe()

    after = marks(aws)
    beat = int(after[me["instance_id"]]["heartbeat"])
    assert t0 <= beat <= t1
    # Only the heartbeat changed: same fields otherwise, same mark record shape, the other
    # member's mark and every address record untouched.
    assert {k: v for k, v in after[me["instance_id"]].items() if k != "heartbeat"} == before_mark
    assert mark_records(aws)[me["instance_id"]]["Weight"] == 0
    assert "heartbeat" not in after[other["instance_id"]]
    assert address_records(aws) == before_addresses

    members = by_set_id(members_json(aws))
    mine = members[me["instance_id"]]
    assert (mine["heartbeats"], mine["heartbeatAt"], mine["live"], mine["record"]) == (True, beat, True, "ok")
    assert 0 <= mine["heartbeatAge"] <= 5
    theirs = members[other["instance_id"]]
    assert (theirs["heartbeats"], theirs["heartbeatAt"], theirs["live"]) == (False, None, True)

    # A later beat moves it forward.
    time.sleep(1.1)
    assert aws.run("heartbeat").code == 0
    assert int(marks(aws)[me["instance_id"]]["heartbeat"]) > beat
    assert len(mark_records(aws)) == 2


def test_heartbeat_costs_one_read_and_one_change(aws: World):
    # Without a memo of the previous beat (the first beat; each zone option has its own memo).
    start(aws)
    aws.clear_stats()
    run = aws.run("heartbeat")
    assert run.code == 0, run.describe()
    calls = aws.route53_calls()
    measure("heartbeat: Route 53 requests of a first beat (--zone-id)",
            f"{sum(calls.values())}: " + ", ".join(f"{k} {v}" for k, v in sorted(calls.items())))
    assert calls.get("ListResourceRecordSets") == 1, calls
    assert calls.get("ChangeResourceRecordSets") == 1, calls
    # Beyond the read and the change, at most the zone lookup.
    assert set(calls) <= {"ListResourceRecordSets", "ChangeResourceRecordSets", "GetHostedZone"}, calls

    aws.clear_stats()
    run = aws.run("heartbeat", "--zone-name", ZONE, zone=False)
    assert run.code == 0, run.describe()
    calls = aws.route53_calls()
    measure("heartbeat: Route 53 requests of a first beat (--zone-name)",
            f"{sum(calls.values())}: " + ", ".join(f"{k} {v}" for k, v in sorted(calls.items())))
    assert calls.get("ListResourceRecordSets") == 1 and calls.get("ChangeResourceRecordSets") == 1, calls


def test_after_the_first_beat_each_heartbeat_is_one_route53_request(aws: World):
    # The first beat looks the zone and the mark up (3 requests) and leaves a memo in
    # $RUNTIME_DIRECTORY; the next ones send the exact [DELETE, CREATE] at once.
    start(aws)
    assert aws.run("heartbeat").code == 0
    for _ in range(3):
        aws.clear_stats()
        run = aws.run("heartbeat")
        assert run.code == 0, run.describe()
        calls = aws.route53_calls()
        assert calls == {"ChangeResourceRecordSets": 1}, calls
    measure("heartbeat: Route 53 requests per beat after the first", str(sum(calls.values())))
    # A mark rewritten by someone else (role) makes the memo stale: one failed batch, then the
    # usual lookup, and the beat still lands.
    assert aws.run("role", "--group", "g", "--servers", "1").code == 0
    aws.clear_stats()
    run = aws.run("heartbeat")
    assert run.code == 0, run.describe()
    assert aws.route53_calls().get("ChangeResourceRecordSets") == 2
    doc = members_json(aws)
    [mine] = [m for m in doc["members"] if m["self"]]
    assert mine["role"] == "bootstrap" and mine["heartbeats"] is True


def test_member_is_not_live_once_its_heartbeat_is_older_than_the_expiry(aws: World):
    [me, other] = start_fleet(aws, 2)
    assert aws.run("heartbeat").code == 0
    assert aws.run("heartbeat", instance=other).code == 0
    old = int(time.time()) - 200
    rewrite_mark(aws, other["instance_id"], heartbeat=old)

    doc = members_json(aws)
    theirs = by_set_id(doc)[other["instance_id"]]
    assert theirs["heartbeats"] is True and theirs["heartbeatAt"] == old
    assert 200 <= theirs["heartbeatAge"] <= 205
    assert theirs["live"] is False
    assert by_set_id(doc)[me["instance_id"]]["live"] is True
    run = aws.run("members")
    assert "2 members, 1 live" in run.stdout, run.stdout

    # --expiry decides: 200 s is within 300 s.
    assert by_set_id(members_json(aws, "--expiry", "300"))[other["instance_id"]]["live"] is True
    assert members_json(aws, "--expiry", "300")["expiry"] == 300


def test_short_expiry_in_real_time(aws: World):
    start(aws)
    assert aws.run("heartbeat").code == 0
    assert by_set_id(members_json(aws, "--expiry", "1"))[aws.instance["instance_id"]]["live"] is True
    time.sleep(2.2)
    mine = by_set_id(members_json(aws, "--expiry", "1"))[aws.instance["instance_id"]]
    assert mine["live"] is False and mine["heartbeatAge"] >= 2, mine


def test_member_without_heartbeats_counts_live_however_old(aws: World):
    start(aws)
    forge_member(aws, "i-0aaaaaaaaaaaaaaa1", joined=int(time.time()) - 100_000)
    m = by_set_id(members_json(aws, "--expiry", "1"))["i-0aaaaaaaaaaaaaaa1"]
    assert (m["heartbeats"], m["heartbeatAt"], m["heartbeatAge"], m["live"]) == (False, None, None, True)


def test_unmarked_records_are_listed_apart_and_not_as_members(aws: World):
    start(aws)
    # An address record of the same name without a mark (by hand, another tool, r53hook 0.1),
    # and a TXT record at the registry name that is not a mark.
    aws.change({"Action": "CREATE", "ResourceRecordSet": address_rrset("legacy-1", "198.51.100.1")},
               {"Action": "CREATE", "ResourceRecordSet": {
                   "Name": REGISTRY, "Type": "TXT", "SetIdentifier": "notes", "Weight": 0, "TTL": 60,
                   "ResourceRecords": [{"Value": '"hello from a human"'}]}})
    doc = members_json(aws)
    assert [m["setIdentifier"] for m in doc["members"]] == [aws.instance["instance_id"]]
    assert doc["unmarked"] == ["legacy-1"]
    run = aws.run("members")
    assert run.code == 0, run.describe()
    assert "legacy-1" in run.stdout, run.stdout


def test_record_column_says_missing_or_differs(aws: World):
    [me, gone, moved] = start_fleet(aws, 3)
    addr = address_records(aws)
    aws.change({"Action": "DELETE", "ResourceRecordSet": addr[gone["instance_id"]]},
               {"Action": "UPSERT", "ResourceRecordSet": address_rrset(moved["instance_id"], "198.51.100.99")})
    members = by_set_id(members_json(aws))
    assert members[me["instance_id"]]["record"] == "ok"
    assert members[gone["instance_id"]]["record"] == "missing"
    assert members[moved["instance_id"]]["record"] == "differs"
    # The mark still says where the member was: members reports it, it does not repair it.
    assert members[moved["instance_id"]]["address"] == moved["public_ipv4"]


def test_heartbeat_when_never_started_exits_78_and_creates_nothing(aws: World):
    other = aws.create_instance()
    start(aws, other)
    before = aws.records()
    aws.clear_stats()
    run = aws.run("heartbeat")
    assert run.code == 78, run.describe()
    assert "r53hook start" in run.stderr, run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == before


def test_heartbeat_does_not_mark_an_unmarked_record_of_this_instance(aws: World):
    # Its address record exists, made without the mark: the heartbeat must not adopt it.
    aws.change({"Action": "CREATE", "ResourceRecordSet": aws.expected()})
    run = aws.run("heartbeat")
    assert run.code == 78, run.describe()
    assert aws.records() == [aws.expected()]


def test_heartbeat_after_stop_does_not_bring_the_member_back(aws: World):
    start(aws, None, "--ttl", "1")
    assert aws.run("heartbeat").code == 0
    stop = aws.run("stop", "--ttl", "1", "--drain-extra", "0")
    assert stop.code == 0, stop.describe()
    assert aws.records() == []
    run = aws.run("heartbeat")
    assert run.code == 78, run.describe()
    assert "r53hook start" in run.stderr, run.stderr
    assert aws.records() == []
    assert members_json(aws)["members"] == []


def test_heartbeats_racing_a_stop_never_leave_a_mark_behind(aws: World):
    for _ in range(3):
        start(aws, None, "--ttl", "1")
        beats = []
        stop = None
        for k in range(8):
            beats.append(aws.popen("heartbeat"))
            if k == 3:
                stop = aws.popen("stop", "--ttl", "1", "--drain-extra", "0")
            time.sleep(0.03)
        assert stop is not None
        out, err = stop.communicate(timeout=60)
        assert stop.returncode == 0, err
        for p in beats:
            p.communicate(timeout=60)
        assert {p.returncode for p in beats} <= {0, 78}, [p.returncode for p in beats]
        assert aws.records() == [], "a heartbeat brought back a member that stopped"
