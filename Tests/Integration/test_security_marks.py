"""Forged registry marks: any principal with the shipped IAM policy can write a mark, so every
field of one is hostile input. A mark that fails validation (a time out of range or not a
number, an address that is not an IP, a junk instance id or zone, duplicates, an unknown
version or role) is "foreign": `members` lists it apart, `sweep` and `role` leave it alone and
never delete it, and none of them crashes (a heartbeat of -2^63 used to end all three with
SIGILL: `now - lastSeenAt` overflowed).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from harness import World
from registrykit import (
    REGISTRY,
    address_records,
    address_rrset,
    by_set_id,
    mark_records,
    mark_rrset,
    members_json,
    start,
    start_fleet,
    terminate,
)

FORGED = "i-0f0f0f0f0f0f0f0f0"  # the forged member's set identifier and (by default) instance
NOW = int(time.time())
INT64_MIN = "-9223372036854775808"
INT64_MAX = "9223372036854775807"


def fields(**changes: Any) -> dict[str, Any]:
    """A mark that would be valid, with some fields changed (None removes one)."""
    out: dict[str, Any] = {"v": 1, "instance": FORGED, "address": "192.0.2.66", "az": "us-east-1a",
                           "joined": NOW - 3600, "heartbeat": None, "role": "server", "group": "g"}
    out.update(changes)
    return {k: v for k, v in out.items() if v is not None}


def value_of(marks: dict[str, Any], set_id: str = FORGED) -> str:
    """The TXT value (quoted) of a mark with these fields, in start's order."""
    return mark_rrset(set_id, marks)["ResourceRecords"][0]["Value"]


def with_words(marks: dict[str, Any], *words: str) -> str:
    """The TXT value of a mark with more words at its end."""
    return value_of(marks)[:-1] + "".join(" " + w for w in words) + '"'


# (id, the mark's TXT value) — each one fails validation.
HOSTILE = [
    ("heartbeat-int64-min", value_of(fields(heartbeat=INT64_MIN))),
    ("heartbeat-int64-max", value_of(fields(heartbeat=INT64_MAX))),
    ("joined-int64-min", value_of(fields(joined=INT64_MIN))),
    ("joined-int64-max", value_of(fields(joined=INT64_MAX))),
    ("joined-past-int64", value_of(fields(joined="99999999999999999999999"))),
    ("joined-before-2000", value_of(fields(joined=0))),
    ("heartbeat-negative", value_of(fields(heartbeat=-1))),
    ("heartbeat-in-2200", value_of(fields(heartbeat=7258118400))),
    ("heartbeat-plus-sign", value_of(fields(heartbeat=f"+{NOW}"))),
    ("heartbeat-not-a-number", value_of(fields(heartbeat="soon"))),
    ("joined-not-a-number", value_of(fields(joined="yesterday"))),
    ("joined-missing", value_of(fields(joined=None))),
    ("heartbeat-twice", with_words(fields(heartbeat=NOW - 5), f"heartbeat={NOW}")),
    ("instance-twice", with_words(fields(), "instance=i-0123456789abcdef0")),
    ("word-without-value", with_words(fields(), "junk")),
    ("address-not-an-ip", value_of(fields(address="not-an-ip"))),
    ("address-bad-octet", value_of(fields(address="300.1.2.3"))),
    ("az-junk", value_of(fields(az="us-east-1a;rm"))),
    ("az-too-long", value_of(fields(az="us-east-1" + "a" * 70))),
    ("instance-not-an-instance-id", value_of(fields(instance="i-0123456789abcdef0;rm"))),
    ("instance-empty-id", value_of(fields(instance="i-"))),
    ("instance-upper-case", value_of(fields(instance="I-0123456789ABCDEF0"))),
    ("instance-path", value_of(fields(instance="../../etc/passwd"))),
    ("role-unknown", value_of(fields(role="king"))),
    ("group-invalid", value_of(fields(group="a.b"))),
    ("version-2", value_of(fields(v=2))),
    ("version-missing", value_of(fields(v=None))),
]


def plant(aws: World, set_id: str, value: str, *, address: str = "192.0.2.66") -> None:
    """The forged mark (raw TXT value) and an address record beside it, in one batch."""
    aws.change({"Action": "CREATE", "ResourceRecordSet": address_rrset(set_id, address)},
               {"Action": "CREATE", "ResourceRecordSet": {
                   "Name": REGISTRY, "Type": "TXT", "SetIdentifier": set_id, "Weight": 0, "TTL": 60,
                   "ResourceRecords": [{"Value": value}]}})


def forged_records(aws: World, prefix: str = FORGED) -> list[dict[str, Any]]:
    return [r for r in aws.records() if r.get("SetIdentifier", "").startswith(prefix)]


def assert_foreign(doc: dict[str, Any], set_id: str) -> dict[str, Any]:
    assert set_id not in by_set_id(doc), f"a forged mark was taken as a member: {doc['members']}"
    foreign = {f["setIdentifier"]: f for f in doc.get("foreign", [])}
    assert set_id in foreign, f"the forged mark is not listed as foreign: {doc}"
    assert foreign[set_id]["reason"], foreign[set_id]
    return foreign[set_id]


@pytest.mark.parametrize("value", [v for _, v in HOSTILE], ids=[i for i, _ in HOSTILE])
def test_forged_mark_is_foreign_to_members_sweep_and_role(aws: World, value: str):
    start(aws)
    plant(aws, FORGED, value)
    forged = forged_records(aws)
    assert len(forged) == 2

    # members: exits normally, lists the mark apart with the value as stored.
    doc = members_json(aws)
    entry = assert_foreign(doc, FORGED)
    assert entry["value"] == value, entry
    assert [m["setIdentifier"] for m in doc["members"]] == [aws.instance["instance_id"]]
    text = aws.run("members")
    assert text.code == 0, text.describe()
    assert FORGED in text.stdout and "foreign" in text.stdout, text.stdout

    # sweep (dry run and real, forced): never touches it.
    for args in (["--dry-run"], ["--force", "--expiry", "1"]):
        run = aws.run("sweep", *args)
        assert run.code == 0, run.describe()
        assert f"sweep {FORGED}" not in run.stdout and f"swept {FORGED}" not in run.stdout, run.stdout
    assert forged_records(aws) == forged

    # role: does not count it (it claims to be a live server of group g) and exits normally.
    run = aws.run("role", "--group", "g", "--servers", "3")
    assert run.code == 0, run.describe()
    assert run.stdout.split() == ["bootstrap"], run.stdout
    assert forged_records(aws) == forged


def test_sweep_deletes_the_dead_member_and_leaves_the_foreign_marks(aws: World):
    me, b, c = start_fleet(aws, 3)
    assert terminate(aws, b) == "terminated"
    plant(aws, "forged-1", value_of(fields(instance=b["instance_id"], heartbeat=INT64_MIN)), address="192.0.2.71")
    plant(aws, "forged-2", value_of(fields(instance=b["instance_id"], joined=INT64_MIN)), address="192.0.2.72")
    forged = forged_records(aws, "forged-")
    run = aws.run("sweep")
    assert run.code == 0, run.describe()
    assert run.stdout.splitlines()[-1] == "swept 1 of 3 members", run.stdout
    assert b["instance_id"] not in address_records(aws) and b["instance_id"] not in mark_records(aws)
    assert forged_records(aws, "forged-") == forged
    # The operator learns why they were left, one escaped line each.
    for set_id in ("forged-1", "forged-2"):
        assert any(set_id in line and "foreign" in line for line in run.stderr.splitlines()), run.stderr


def test_role_of_a_member_whose_own_mark_was_forged_says_so(aws: World):
    start(aws)
    me = aws.instance["instance_id"]
    forged = mark_rrset(me, fields(instance=me, heartbeat=INT64_MIN))
    aws.change({"Action": "DELETE", "ResourceRecordSet": mark_records(aws)[me]},
               {"Action": "CREATE", "ResourceRecordSet": forged})
    run = aws.run("role", "--group", "g", "--servers", "3")
    assert run.code == 78, run.describe()
    assert "not a valid r53hook registry mark" in run.stderr and "heartbeat" in run.stderr, run.stderr
    assert mark_records(aws)[me] == forged


def test_forged_mark_with_a_newline_is_shown_escaped_on_one_line(aws: World):
    start(aws)
    value = value_of(fields(az="us-east-1a\nr53hook: error: [fake] everything is on fire"))
    plant(aws, FORGED, value)
    doc = members_json(aws)
    assert assert_foreign(doc, FORGED)["value"] == value
    text = aws.run("members")
    assert text.code == 0, text.describe()
    assert not any(line.startswith("r53hook: error: [fake]") for line in text.stdout.splitlines()), text.stdout
    assert "\\n" in text.stdout, text.stdout
    run = aws.run("sweep")
    assert run.code == 0, run.describe()
    for line in run.stderr.splitlines():
        assert line.startswith("r53hook: "), run.stderr
        assert not line.startswith("r53hook: error: [fake]"), run.stderr
    assert "\\nr53hook: error: [fake]" in run.stderr, run.stderr
