"""The crash campaign's checker (scripts/crash_campaign.py) on made-up histories: each invariant
reports the violation it exists for, and a clean run reports nothing. The campaign itself runs
in scripts/test (a fixed seed set) and as scripts/crash-campaign."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import crash_campaign as cc  # noqa: E402

ZONE = "r1.crash.test."
NAME = f"app.{ZONE}"
MARK = f"_r53hook-a.{NAME}"
LOCK = f"crash._r53hook-lock.{ZONE}"
IDS = ["i-0a", "i-0b", "i-0c"]
ADDR = {"i-0a": "10.0.0.1", "i-0b": "10.0.0.2", "i-0c": "10.0.0.3"}


def change(action: str, name: str, rtype: str, set_id: str | None, value: str, weight: int | None = None,
           ttl: int = cc.TTL) -> dict[str, Any]:
    return {"action": action, "name": name, "type": rtype, "set_id": set_id, "weight": weight, "ttl": ttl,
            "values": [value]}


def record(action: str, iid: str, address: str | None = None) -> list[dict[str, Any]]:
    """The pair start writes: the address record and its mark, in one batch."""
    address = address or ADDR[iid]
    mark = f'"r53hook-member v=1 instance={iid} address={address} az=us-east-1a joined=1795000000"'
    return [change(action, NAME, "A", iid, address, 10), change(action, MARK, "TXT", iid, mark, 0)]


def lock_value(owner: str, lease: int = cc.LEASE) -> str:
    return f'"r53hook-lock owner={owner} token=t lease={lease} seq=0"'


def seeded() -> dict[str, Any]:
    return {"time": 100.0, "change": "C0", "caller": "arn:aws:iam::1:user/localaws-admin", "changes": [
        change("CREATE", NAME, "A", "foreign-by-hand", cc.FOREIGN_ADDRESS, 5)]}


def batch(t: float, *changes: dict[str, Any], n: int = 1) -> dict[str, Any]:
    return {"time": t, "change": f"C{n}", "caller": "arn:aws:sts::1:assumed-role/r/i", "changes": list(changes)}


def setup(t: float, *changes: dict[str, Any]) -> dict[str, Any]:
    return {"time": t, "change": "CS", "caller": "arn:aws:iam::1:user/localaws-admin", "changes": list(changes)}


def proc(i: int, op: str, code: int, start: float, end: float, **kw: Any) -> cc.Proc:
    p = cc.Proc(i, op, kw.pop("label", f"i{i}-0"), [], None, start, start, end, end, code)
    for k, v in kw.items():
        setattr(p, k, v)
    return p


def check(history: list[dict[str, Any]], procs: list[cc.Proc] = (), tmp: Path | None = None,
          faults: list[tuple[float, str]] | None = None, squatted: int | None = None) -> list[str]:
    run = SimpleNamespace(
        instances=[{"instance_id": i, "public_ipv4": ADDR[i]} for i in IDS],
        result=SimpleNamespace(procs=list(procs), terminated=None, takeovers=[]),
        name=NAME, mark_name=MARK, zone_name=ZONE, lock_log=(tmp or Path("/nonexistent")) / "lock.log",
        imds_down=[], fault_times=faults or [], limit=cc.Run.limit, schedule=SimpleNamespace(squatted=squatted),
    )
    return cc.Checker(run, [seeded(), *history]).check()  # type: ignore[arg-type]


def kinds(violations: list[str]) -> set[str]:
    return {v.split(":", 1)[0] for v in violations}


def test_a_clean_run_has_no_violation() -> None:
    history = [batch(101, *record("CREATE", "i-0a"), n=1), batch(102, *record("CREATE", "i-0b"), n=2),
               batch(103, *record("DELETE", "i-0a"), n=3)]
    procs = [proc(0, "start", 0, 100.5, 101.5), proc(1, "start", 0, 100.5, 102.5), proc(0, "stop", 0, 102.6, 104)]
    assert check(history, procs) == []


def test_a_record_without_its_mark_is_a_pairs_violation() -> None:
    only_record = record("CREATE", "i-0a")[:1]
    assert kinds(check([batch(101, *only_record)])) == {"pairs"}


def test_a_mark_naming_another_address_is_a_pairs_violation() -> None:
    rec, mark = record("CREATE", "i-0a")
    mark["values"] = [mark["values"][0].replace("10.0.0.1", "10.0.0.9")]
    assert kinds(check([batch(101, rec, mark)])) == {"pairs"}


def test_touching_a_record_without_the_mark_is_a_foreign_violation() -> None:
    touched = change("DELETE", NAME, "A", "foreign-by-hand", cc.FOREIGN_ADDRESS, 5)
    assert "foreign" in kinds(check([batch(101, touched)]))


def test_a_successful_stop_with_the_record_left_is_a_final_violation() -> None:
    history = [batch(101, *record("CREATE", "i-0a"))]
    procs = [proc(0, "start", 0, 100.5, 101.5), proc(0, "stop", 0, 102, 103)]
    assert kinds(check(history, procs)) == {"final"}


def test_a_successful_start_with_another_address_is_a_final_violation() -> None:
    history = [batch(101, *record("CREATE", "i-0a", "10.9.9.9"))]
    assert kinds(check(history, [proc(0, "start", 0, 100.5, 101.5)])) == {"final"}


def test_a_leave_below_the_minimum_is_a_quorum_violation() -> None:
    history = [batch(101, *record("CREATE", "i-0a"), n=1), batch(102, *record("DELETE", "i-0a"), n=2)]
    # foreign (weight 5) + i-0a = 2 healthy; i-0a leaving leaves 1 < --min-healthy 2.
    assert kinds(check(history)) == {"quorum"}


def test_a_takeover_before_the_lease_ran_out_is_a_lock_violation() -> None:
    history = [
        batch(101, change("CREATE", LOCK, "TXT", None, lock_value("i-0a")), n=1),
        batch(102, change("DELETE", LOCK, "TXT", None, lock_value("i-0a")),
              change("CREATE", LOCK, "TXT", None, lock_value("i-0b")), n=2),
    ]
    assert kinds(check(history)) == {"lock"}
    history[1]["time"] = 101 + cc.LEASE + 1.0
    assert check(history) == []


def test_overlapping_lock_commands_are_a_lock_violation(tmp_path: Path) -> None:
    (tmp_path / "lock.log").write_text("enter i0-0 11 5.0 0\nenter i1-0 12 5.5 1\nexit i0-0 11 6.0\nexit i1-0 12 6.2\n")
    assert kinds(check([], tmp=tmp_path)) == {"lock"}
    (tmp_path / "lock.log").write_text("enter i0-0 11 5.0 0\nexit i0-0 11 6.0\nenter i1-0 12 6.1 0\nexit i1-0 12 6.2\n")
    assert check([], tmp=tmp_path) == []


@pytest.mark.parametrize("code", [1, 64, 70, 77, -11])
def test_undocumented_or_internal_exit_codes_are_exit_violations(code: int) -> None:
    assert kinds(check([], [proc(0, "lock", code, 100, 101)])) == {"exit"}


def test_75_is_a_violation_only_for_commands_that_wait_for_nothing_but_route53() -> None:
    assert kinds(check([], [proc(0, "start", 75, 100, 101)])) == {"exit"}
    assert check([], [proc(0, "stop", 75, 100, 101), proc(1, "lock", 75, 100, 101)]) == []


def test_69_without_imds_down_and_a_hang_are_exit_violations() -> None:
    assert kinds(check([], [proc(0, "sweep", 69, 100, 101)])) == {"exit"}
    assert kinds(check([], [proc(0, "sweep", -9, 100, 160, hung=True)])) == {"exit"}
    assert check([], [proc(0, "sweep", -9, 100, 100.5, killed=True)]) == []


def test_the_schedule_is_the_seeds_alone() -> None:
    one, two = cc.make_schedule(42, 3, 4, 0.2, 1.0), cc.make_schedule(42, 3, 4, 0.2, 1.0)
    assert one == two
    assert cc.make_schedule(43, 3, 4, 0.2, 1.0) != one
    assert {op.kind for seq in one.ops for op in seq} <= set(cc.OPS)


def test_two_marks_claiming_the_one_server_role_are_a_role_violation() -> None:
    a_rec, a_mark = record("CREATE", "i-0a")
    b_rec, b_mark = record("CREATE", "i-0b")
    a_mark["values"] = [a_mark["values"][0][:-1] + ' role=bootstrap group=g"']
    b_mark["values"] = [b_mark["values"][0][:-1] + ' role=server group=g"']
    assert kinds(check([batch(101, a_rec, a_mark, n=1), batch(102, b_rec, b_mark, n=2)])) == {"role"}
    b_mark["values"] = [b_mark["values"][0].replace("role=server", "role=agent")]
    assert check([batch(101, a_rec, a_mark, n=1), batch(102, b_rec, b_mark, n=2)]) == []


def test_an_orphaned_lock_left_too_long_with_a_waiter_is_a_lock_violation() -> None:
    history = [
        batch(101, change("CREATE", LOCK, "TXT", None, lock_value("i-0a")), n=1),
        batch(112, change("DELETE", LOCK, "TXT", None, lock_value("i-0a")),
              change("CREATE", LOCK, "TXT", None, lock_value("i-0b")), n=2),
    ]
    killed = proc(0, "lock", -9, 100.5, 102, killed=True)
    waiter = proc(1, "lock", 0, 100.8, 113, label="i1-0")
    assert kinds(check(history, [killed, waiter])) == {"lock"}
    # The same delay with a 5xx injected meanwhile: the waiter's try failed, not the lock.
    assert check(history, [killed, waiter], faults=[(103.0, "5xx")]) == []
    history[1]["time"] = 101 + cc.LEASE + 1.5
    assert check(history, [killed, waiter]) == []


def test_a_record_without_the_mark_under_an_instances_own_identifier_must_stay_untouched() -> None:
    squat = change("CREATE", NAME, "A", "i-0a", cc.SQUAT_ADDRESS, 10)
    refused = [proc(0, "start", 78, 101, 102), proc(0, "heartbeat", 78, 102, 103)]
    assert check([setup(100.5, squat)], refused, squatted=0) == []
    overwritten = record("CREATE", "i-0a")
    overwritten[0]["action"] = "UPSERT"
    assert kinds(check([setup(100.5, squat), batch(102, *overwritten)], squatted=0)) == {"foreign"}
