"""Helpers for the registry tests (test_members.py, test_role.py, test_sweep.py): the marks
`start` writes beside each address record, read and forged with the admin keys.

A member is a pair of weighted records with one SetIdentifier: the address record
www.example.com. A and its mark, the TXT record _r53hook-a.www.example.com. (weight 0,
TTL 60) holding "r53hook-member v=1 instance=... address=... az=... joined=UNIX
[heartbeat=UNIX] [role=...] [group=...]". Forged members and rewritten marks let a test set a
heartbeat or join time in the past without waiting for it.
"""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

from harness import NAME, Run, World

REGISTRY = "_r53hook-a." + NAME + "."
RECORD = NAME + "."
TAG = "r53hook-member"
# The order start writes the fields in; rewritten marks keep it.
FIELDS = ("v", "instance", "address", "az", "joined", "heartbeat", "role", "group")


def parse_mark(value: str) -> dict[str, str] | None:
    """The fields of a mark's TXT value, or None when it is not a mark."""
    text = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    words = text.split(" ")
    if words[0] != TAG:
        return None
    return dict(w.split("=", 1) for w in words[1:] if "=" in w)


def mark_value(fields: dict[str, Any]) -> str:
    words = [TAG] + [f"{k}={fields[k]}" for k in FIELDS if fields.get(k) is not None]
    words += [f"{k}={v}" for k, v in fields.items() if k not in FIELDS and v is not None]
    return '"' + " ".join(words) + '"'


def mark_rrset(set_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"Name": REGISTRY, "Type": "TXT", "SetIdentifier": set_id, "Weight": 0, "TTL": 60,
            "ResourceRecords": [{"Value": mark_value(fields)}]}


def address_rrset(set_id: str, address: str, weight: int = 10, ttl: int = 60) -> dict[str, Any]:
    return {"Name": RECORD, "Type": "A", "SetIdentifier": set_id, "Weight": weight, "TTL": ttl,
            "ResourceRecords": [{"Value": address}]}


def mark_records(world: World) -> dict[str, dict[str, Any]]:
    """{SetIdentifier: the mark's record} of every TXT record at the registry name."""
    return {r["SetIdentifier"]: r for r in world.records() if r["Name"] == REGISTRY and r["Type"] == "TXT"}


def marks(world: World) -> dict[str, dict[str, str]]:
    """{SetIdentifier: parsed mark}."""
    out = {}
    for set_id, rec in mark_records(world).items():
        fields = parse_mark(rec["ResourceRecords"][0]["Value"])
        assert fields is not None, f"not a mark at the registry name: {rec}"
        out[set_id] = fields
    return out


def address_records(world: World) -> dict[str, dict[str, Any]]:
    """{SetIdentifier: the weighted address record} of www.example.com. A."""
    return {r["SetIdentifier"]: r for r in world.records() if r["Name"] == RECORD and r["Type"] == "A"}


def rewrite_mark(world: World, set_id: str, **fields: Any) -> dict[str, str]:
    """Rewrites a mark as heartbeat does ([DELETE exact, CREATE new] in one batch) with the
    fields given changed (None removes one). Returns the new fields."""
    old = mark_records(world)[set_id]
    new_fields: dict[str, Any] = dict(parse_mark(old["ResourceRecords"][0]["Value"]) or {})
    new_fields.update(fields)
    new_fields = {k: v for k, v in new_fields.items() if v is not None}
    world.change({"Action": "DELETE", "ResourceRecordSet": old},
                 {"Action": "CREATE", "ResourceRecordSet": mark_rrset(set_id, new_fields)})
    return {k: str(v) for k, v in new_fields.items()}


def forge_member(world: World, set_id: str, *, instance: str | None = None, address: str = "192.0.2.50",
                 az: str = "us-east-1a", joined: int | None = None, heartbeat: int | None = None,
                 role: str | None = None, group: str | None = None, address_record: bool = True) -> None:
    """Writes a member pair by hand, as another instance's start would have (one batch)."""
    fields = {"v": 1, "instance": instance or set_id, "address": address, "az": az,
              "joined": joined if joined is not None else int(time.time()), "heartbeat": heartbeat,
              "role": role, "group": group}
    changes = [{"Action": "CREATE", "ResourceRecordSet": mark_rrset(set_id, fields)}]
    if address_record:
        changes.insert(0, {"Action": "CREATE", "ResourceRecordSet": address_rrset(set_id, address)})
    world.change(*changes)


def start(world: World, instance: dict[str, Any] | None = None, *args: str) -> Run:
    run = world.run("start", "--no-wait", *args, instance=instance)
    assert run.code == 0, run.describe()
    return run


def start_fleet(world: World, count: int) -> list[dict[str, Any]]:
    """world.instance and count-1 more instances, each started (pair written)."""
    fleet = [world.instance] + [world.create_instance() for _ in range(count - 1)]
    for inst in fleet:
        start(world, inst)
    return fleet


def members_json(world: World, *args: str, instance: dict[str, Any] | None = None) -> dict[str, Any]:
    run = world.run("members", "--json", *args, instance=instance)
    assert run.code == 0, run.describe()
    try:
        return json.loads(run.stdout)
    except ValueError as exc:
        raise AssertionError(f"members --json printed no JSON: {exc}\n{run.describe()}") from None


def by_set_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["setIdentifier"]: m for m in doc["members"]}


def terminate(world: World, instance: dict[str, Any]) -> str:
    """Terminates the instance in moto's EC2 (its IMDS goes too); returns EC2's state."""
    state: str = world.control("DELETE", f"/instances/{instance['instance_id']}")["state"]
    return state


def route53_total(world: World) -> int:
    return sum(world.route53_calls().values())


def ec2_calls(world: World) -> dict[str, int]:
    return dict(world.stats()["requests"].get("ec2", {}))


def popen_all(world: World, command: str, instances: list[dict[str, Any]], *args: str) -> list[subprocess.Popen[str]]:
    """One r53hook process per instance, all started back to back (same moment, within ms)."""
    return [world.popen(command, *args, instance=inst) for inst in instances]
