"""`r53hook role --group NAME --servers N`: auto-consul's bootstrap/server/agent choice made
under a Route 53 lock and recorded in each member's mark, so that instances choosing at the
same moment still end with exactly one bootstrap and N servers.

It prints one line, "ROLE ADDR ADDR...", the addresses being the group's other live servers
(bootstrap or server role); --json prints {"role","group","servers","join"}.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import threading
import time
from typing import Any

import pytest

from harness import World, measure
from registrykit import (
    by_set_id,
    forge_member,
    mark_records,
    marks,
    members_json,
    popen_all,
    rewrite_mark,
    start,
    start_fleet,
)

GROUP = "g"


def role(aws: World, inst: dict[str, Any], servers: int = 3, *args: str, group: str = GROUP) -> tuple[str, list[str]]:
    run = aws.run("role", "--group", group, "--servers", str(servers), *args, instance=inst)
    assert run.code == 0, run.describe()
    lines = run.stdout.splitlines()
    assert len(lines) == 1, f"role must print exactly one line\n{run.describe()}"
    words = lines[0].split()
    return words[0], words[1:]


def lock_records(aws: World) -> list[dict[str, Any]]:
    return [r for r in aws.records() if "_r53hook-lock" in r["Name"]]


def test_bootstrap_then_servers_then_agents(aws: World):
    fleet = start_fleet(aws, 5)
    a, b, c, d, e = fleet
    ip = {i["instance_id"]: i["public_ipv4"] for i in fleet}

    assert role(aws, a) == ("bootstrap", [])
    r, join = role(aws, b)
    assert (r, join) == ("server", [a["public_ipv4"]])
    r, join = role(aws, c)
    assert r == "server" and sorted(join) == sorted([a["public_ipv4"], b["public_ipv4"]])
    r, join = role(aws, d)
    assert r == "agent" and sorted(join) == sorted([a["public_ipv4"], b["public_ipv4"], c["public_ipv4"]])

    run = aws.run("role", "--group", GROUP, "--servers", "3", "--json", instance=e)
    assert run.code == 0, run.describe()
    doc = json.loads(run.stdout)
    assert doc == {"role": "agent", "group": GROUP, "servers": 3, "join": doc["join"]}
    assert sorted(doc["join"]) == sorted([a["public_ipv4"], b["public_ipv4"], c["public_ipv4"]])

    # Each choice is in its member's mark, and members shows it.
    want = {a["instance_id"]: "bootstrap", b["instance_id"]: "server", c["instance_id"]: "server",
            d["instance_id"]: "agent", e["instance_id"]: "agent"}
    got = marks(aws)
    assert {s: (f.get("role"), f.get("group")) for s, f in got.items()} == {s: (r, GROUP) for s, r in want.items()}
    assert {s: got[s]["address"] for s in got} == ip
    members = by_set_id(members_json(aws))
    assert {s: (m["role"], m["group"]) for s, m in members.items()} == {s: (r, GROUP) for s, r in want.items()}
    # The lock is released.
    assert lock_records(aws) == []


def test_running_role_again_keeps_the_role(aws: World):
    a, b, c, d = start_fleet(aws, 4)
    servers = {a["public_ipv4"], b["public_ipv4"], c["public_ipv4"]}
    for inst in (a, b, c, d):
        role(aws, inst)
    # A server stays a server although the group now has its 3 (it is one of them).
    r, join = role(aws, b)
    assert r == "server" and set(join) == servers - {b["public_ipv4"]}
    # Even asked for fewer servers than exist.
    assert role(aws, c, 1)[0] == "server"
    # The bootstrap is a server now that others exist: it must not bootstrap a second cluster.
    r, join = role(aws, a)
    assert r == "server" and set(join) == servers - {a["public_ipv4"]}
    # An agent stays an agent while the group has its servers.
    r, join = role(aws, d)
    assert r == "agent" and set(join) == servers
    assert marks(aws)[d["instance_id"]]["role"] == "agent"


def test_server_with_expired_heartbeat_is_not_counted(aws: World):
    a, b, c = start_fleet(aws, 3)
    assert role(aws, a) == ("bootstrap", [])
    assert aws.run("heartbeat", instance=a).code == 0
    rewrite_mark(aws, a["instance_id"], heartbeat=int(time.time()) - 600)
    # a's heartbeat is 600 s old, beyond the 120 s expiry: b finds no live server.
    assert role(aws, b) == ("bootstrap", [])
    # With an expiry that covers it, a counts again for c.
    r, join = role(aws, c, 3, "--expiry", "900")
    assert r == "server" and sorted(join) == sorted([a["public_ipv4"], b["public_ipv4"]])


def test_only_live_servers_of_the_same_group_count(aws: World):
    start(aws)
    now = int(time.time())
    # A server of another group, an agent of this one, a server without heartbeats (live
    # however old its join), a server whose heartbeat expired.
    forge_member(aws, "i-0000000000000other", address="192.0.2.1", role="server", group="other")
    forge_member(aws, "i-00000000000000agnt", address="192.0.2.2", role="agent", group=GROUP)
    forge_member(aws, "i-000000000000quiet", address="192.0.2.3", role="server", group=GROUP, joined=now - 86400)
    forge_member(aws, "i-0000000000000dead", address="192.0.2.4", role="server", group=GROUP,
                 joined=now - 3600, heartbeat=now - 3000)
    r, join = role(aws, aws.instance, 2)
    assert (r, join) == ("server", ["192.0.2.3"])


def test_heartbeat_is_kept_fresh_and_role_survives_heartbeats(aws: World):
    a, b = start_fleet(aws, 2)
    assert aws.run("heartbeat", instance=a).code == 0
    role(aws, a)
    fields = marks(aws)[a["instance_id"]]
    assert (fields["role"], fields["group"]) == ("bootstrap", GROUP)
    assert "heartbeat" in fields
    # The fields in the documented order: ... joined=T heartbeat=T role=R group=G.
    assert mark_records(aws)[a["instance_id"]]["ResourceRecords"][0]["Value"] == (
        f'"r53hook-member v=1 instance={a["instance_id"]} address={a["public_ipv4"]} az=us-east-1a '
        f'joined={fields["joined"]} heartbeat={fields["heartbeat"]} role=bootstrap group={GROUP}"')
    assert aws.run("heartbeat", instance=a).code == 0
    fields = marks(aws)[a["instance_id"]]
    assert (fields["role"], fields["group"]) == ("bootstrap", GROUP), fields
    # b never beat: role does not start heartbeats for it (that would make it expire).
    role(aws, b)
    assert "heartbeat" not in marks(aws)[b["instance_id"]]


def test_role_and_heartbeats_at_once_both_land_in_the_mark(aws: World):
    start(aws)
    me = aws.instance["instance_id"]
    for _ in range(3):
        t0 = int(time.time())
        procs = [aws.popen("role", "--group", GROUP, "--servers", "3")] + [aws.popen("heartbeat") for _ in range(3)]
        outs = [p.communicate(timeout=60) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
        fields = marks(aws)[me]
        assert (fields["role"], fields["group"]) == ("bootstrap", GROUP), fields
        assert int(fields["heartbeat"]) >= t0, fields


def test_role_before_start_exits_78_and_writes_nothing(aws: World):
    other = aws.create_instance()
    start(aws, other)
    before = aws.records()
    run = aws.run("role", "--group", GROUP, "--servers", "3")
    assert run.code == 78, run.describe()
    assert "r53hook start" in run.stderr, run.stderr
    assert run.stdout == ""
    assert aws.records() == before  # the lock released, no mark written


@pytest.mark.parametrize("args", [("--group", ""), ("--group", "a b"), ("--group", "x" * 64), ("--group", "dot.ted"),
                                  ("--servers", "0"), ("--servers", "101"), ("--expiry", "0")])
def test_bad_options_are_refused_before_any_request(aws: World, args: tuple[str, str]):
    start(aws)
    aws.clear_stats()
    options = {"--group": GROUP, "--servers": "3"}
    options.update([args])
    run = aws.run("role", *[w for kv in options.items() for w in kv])
    assert run.code == 64, run.describe()
    assert aws.route53_calls() == {}


@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_five_instances_choosing_at_once_elect_one_bootstrap_and_three_servers(aws: World, attempt: int):
    fleet = start_fleet(aws, 5)
    ip = {i["instance_id"]: i["public_ipv4"] for i in fleet}
    aws.clear_stats()
    t0 = time.monotonic()
    procs = popen_all(aws, "role", fleet, "--group", GROUP, "--servers", "3")
    outputs: dict[str, tuple[str, str, float]] = {}

    def wait(inst: dict[str, Any], p: subprocess.Popen[str]) -> None:
        out, err = p.communicate(timeout=120)
        outputs[inst["instance_id"]] = (out, err, time.monotonic() - t0)

    threads = [threading.Thread(target=wait, args=(i, p)) for i, p in zip(fleet, procs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    requests = sum(aws.route53_calls().values())
    results: dict[str, tuple[str, list[str]]] = {}
    for inst, p in zip(fleet, procs):
        out, err, _ = outputs[inst["instance_id"]]
        assert p.returncode == 0, f"{inst['instance_id']} exited {p.returncode}\n{out}\n{err}"
        [line] = out.splitlines()
        words = line.split()
        results[inst["instance_id"]] = (words[0], words[1:])
    ended = sorted(t for _, _, t in outputs.values())

    roles = sorted(r for r, _ in results.values())
    assert roles == ["agent", "agent", "bootstrap", "server", "server"], results
    servers = {s for s, (r, _) in results.items() if r in ("bootstrap", "server")}
    server_ips = {ip[s] for s in servers}
    # Whom to join: the bootstrap nobody, each later server those chosen before it, each
    # agent all three servers.
    joins = sorted((set(j) for s, (r, j) in results.items() if s in servers), key=len)
    assert [len(j) for j in joins] == [0, 1, 2], results
    assert joins[0] < joins[1] < joins[2], results
    for s, (r, j) in results.items():
        assert set(j) <= server_ips - {ip[s]}, results
        if r == "agent":
            assert set(j) == server_ips, results
    # The marks in Route 53 say the same.
    recorded = marks(aws)
    assert {s: (f.get("role"), f.get("group")) for s, f in recorded.items()} == \
        {s: (r, GROUP) for s, (r, _) in results.items()}
    assert lock_records(aws) == []
    measure(f"role: 5 instances at once, round {attempt}",
            f"all done in {wall:.2f} s; exits at " + ", ".join(f"{t:.2f}" for t in ended) +
            f" s (median {statistics.median(ended):.2f} s); Route 53 requests {requests}")
