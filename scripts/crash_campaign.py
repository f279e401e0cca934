#!/usr/bin/env python3
"""A crash campaign with invariants (issue 12 part 3), on the local AWS. Run through
scripts/crash-campaign, which documents the options.

Each run is built from its seed alone: a few instances (each a local AWS instance with its own
IMDS and role), each doing a random sequence of start, stop, cycle, lock, heartbeat, role and
sweep at random moments, side by side, while faults arrive at random: SIGKILL of r53hook (and
the command it runs, as when the machine dies) at a random moment, dropped connections,
throttling, 5xx, PriorRequestNotComplete, a Route 53 answer lost after the change was applied,
and IMDS down. A killed command is run again as an init system would (a killed cycle restarts
as start). After the run the checker reads the local AWS's history of every batch Route 53
applied, the lock command's log and each process's exit, and reports every violation of:

  pairs      after every batch, each instance's address record has its mark and every mark
             its record, with the same address
  foreign    no batch touched anything but our instances' records and marks and lock records
             (records without the mark are seeded at the name, under other set identifiers and,
             in some runs, under one instance's own set identifier, which it must refuse: 78)
  final      an instance whose last start/cycle succeeded has its record with the configured
             values; one whose last stop succeeded (or that was terminated and then swept) has none
  lock       no two holders' commands overlap in time; a lock is never taken over before its
             lease ran out since it was last written; a waiter that was there takes an orphaned
             lock over within one lease plus twice the poll interval (and a second of slack)
  quorum     every leave (stop, cycle) keeps at least --min-healthy weighted records of weight > 0
  role       `role --servers 1`: never two marks of the group claiming bootstrap or server at once
  exit       exit codes from the documented table for what the run did: never 1, 64, 70, 77 or a
             signal we did not send; 69 only with IMDS down; 78 only for heartbeat/role of an
             instance without a mark; no command past its deadline (plus its waits)

A violation prints with its run seed; `--replay SEED` runs that one run again, verbosely, with
the same schedule (the timing of the machine may still differ).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
from localaws.launcher import LocalAWSProcess  # noqa: E402
from lockkit import command as lock_command  # noqa: E402
from lockkit import events as lock_events  # noqa: E402
from lockkit import kill_session, write_command  # noqa: E402

OPS = ("start", "stop", "cycle", "lock", "heartbeat", "role", "sweep")
OP_WEIGHTS = (3, 2, 2, 3, 2, 1, 1)
FAULTS = ("drop", "5xx", "throttle", "prior", "lost_answer", "imds_down")
TTL = 1
LEASE = 3
MIN_HEALTHY = 2
DEADLINE = 20
RELEASE = 5
FOREIGN_ADDRESS = "192.0.2.77"
SQUAT_ADDRESS = "192.0.2.99"


def say(text: str = "") -> None:
    print(text, flush=True)


def poll_of(lease: float) -> float:
    """A waiter's poll interval: a third of the lease, 1 to 5 s (README, lock)."""
    return min(5.0, max(1.0, lease / 3))


# --------------------------------------------------------------------- the schedule


@dataclass
class Op:
    instance: int
    index: int
    kind: str
    pause: float  # seconds before it starts, after the instance's previous op
    kill_after: float | None  # SIGKILL this long after it started, if still running


@dataclass
class Fault:
    at: float
    kind: str
    amount: int = 1
    instance: int = 0
    length: float = 0.0


@dataclass
class Schedule:
    seed: int
    instances: int
    ops: list[list[Op]]
    faults: list[Fault]
    terminate: tuple[int, float] | None  # (instance, after its last op + this pause)
    squatted: int | None = None  # an instance whose set identifier holds a record without the mark


def make_schedule(seed: int, instances: int, steps: int, kill_rate: float, fault_rate: float) -> Schedule:
    rng = random.Random(seed)
    ops: list[list[Op]] = []
    for i in range(instances):
        seq: list[Op] = []
        kinds = ["start"] if rng.random() < 0.85 else []
        while len(kinds) < steps:
            kinds.append(rng.choices(OPS, OP_WEIGHTS)[0])
        for k, kind in enumerate(kinds):
            kill = rng.uniform(0.0, 1.5) if rng.random() < kill_rate else None
            seq.append(Op(i, k, kind, rng.uniform(0.0, 0.6), kill))
        ops.append(seq)
    faults: list[Fault] = []
    t = 0.0
    while True:
        t += rng.expovariate(fault_rate)
        if t > 6.0:
            break
        kind = rng.choice(FAULTS)
        faults.append(Fault(round(t, 3), kind, rng.randint(1, 3), rng.randrange(instances),
                            round(rng.uniform(0.3, 1.5), 3)))
    terminate = (rng.randrange(instances), rng.uniform(0.0, 0.5)) if rng.random() < 0.15 else None
    squatted = rng.randrange(instances) if rng.random() < 0.1 else None
    return Schedule(seed, instances, ops, faults, terminate, squatted)


# --------------------------------------------------------------------- running one run


@dataclass
class Proc:
    """One r53hook process of the run, as it happened."""

    instance: int
    op: str
    label: str
    argv: list[str]
    restart_of: str | None
    wall_start: float
    mono_start: float
    wall_end: float = 0.0
    mono_end: float = 0.0
    code: int | None = None
    killed: bool = False
    hung: bool = False
    stderr: str = ""
    stdout: str = ""


@dataclass
class RunResult:
    seed: int
    zone_id: str = ""
    procs: list[Proc] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    batches: int = 0
    terminated: tuple[str, float] | None = None
    files: str = ""
    takeovers: list[float] = field(default_factory=list)  # seconds from a killed holder's last write


class Run:
    def __init__(self, aws: LocalAWSProcess, binary: str, schedule: Schedule, workdir: Path, verbose: bool):
        self.aws = aws
        self.binary = binary
        self.schedule = schedule
        self.work = workdir
        self.verbose = verbose
        self.result = RunResult(schedule.seed)
        self.zone_name = f"r{schedule.seed}.crash.test."
        self.name = f"app.{self.zone_name}"
        self.mark_name = f"_r53hook-a.{self.name}"
        self.lock_log = workdir / "lock.log"
        self.lock_script = write_command(workdir)
        self.instances: list[dict[str, Any]] = []
        self.homes: list[Path] = []
        self.lock = threading.Lock()
        self.imds_down: list[tuple[int, float, float]] = []  # instance, wall from, wall to
        self.fault_times: list[tuple[float, str]] = []  # wall time each fault (but SIGKILL) was injected
        self.stop_faults = threading.Event()

    def log(self, text: str) -> None:
        if self.verbose:
            say(f"  [{self.schedule.seed}] {time.time() % 1000:8.3f} {text}")

    # ---- set-up
    def setup(self) -> None:
        r53 = self.admin("route53")
        zone = r53.create_hosted_zone(Name=self.zone_name, CallerReference=f"crash-{self.schedule.seed}-{time.time()}")
        self.result.zone_id = zone["HostedZone"]["Id"].split("/")[-1]
        # Records without the mark, at the name and beside it: nothing may touch them.
        r53.change_resource_record_sets(HostedZoneId=self.result.zone_id, ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": self.name, "Type": "A", "SetIdentifier": "foreign-by-hand", "Weight": 5, "TTL": TTL,
                "ResourceRecords": [{"Value": FOREIGN_ADDRESS}]}},
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": f"other.{self.zone_name}", "Type": "A", "TTL": 300,
                "ResourceRecords": [{"Value": FOREIGN_ADDRESS}]}},
        ]})
        for i in range(self.schedule.instances):
            self.instances.append(self.aws.control("POST", "/instances", {"public_ipv4": True}))
            home = self.work / f"home{i}"
            home.mkdir(mode=0o700)
            self.homes.append(home)
        if self.schedule.squatted is not None:
            # Someone else's record under this instance's own set identifier, without the mark:
            # r53hook must refuse it (78), never overwrite or delete it.
            r53.change_resource_record_sets(HostedZoneId=self.result.zone_id, ChangeBatch={"Changes": [
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": self.name, "Type": "A", "Weight": 10, "TTL": TTL,
                    "SetIdentifier": self.instances[self.schedule.squatted]["instance_id"],
                    "ResourceRecords": [{"Value": SQUAT_ADDRESS}]}}]})

    def admin(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(service, endpoint_url=self.aws.endpoint, region_name="us-east-1",
                            aws_access_key_id=self.aws.admin["access_key_id"],
                            aws_secret_access_key=self.aws.admin["secret_access_key"],
                            config=Config(retries={"total_max_attempts": 5, "mode": "standard"}))

    def env(self, i: int) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.homes[i]),
            "RUNTIME_DIRECTORY": str(self.homes[i]),
            "AWS_ENDPOINT_URL": self.aws.endpoint,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.instances[i]["imds_endpoint"],
            "R53HOOK_HOLD_FILE": str(self.homes[i] / "hold"),
        }

    def argv(self, op: str, label: str) -> list[str]:
        zone = ["--zone-id", self.result.zone_id]
        record = [*zone, "--name", self.name, "--deadline", str(DEADLINE)]
        quorum = ["--min-healthy", str(MIN_HEALTHY), "--on-no-quorum", "fail", "--quorum-timeout", "1",
                  "--quorum-interval", "1", "--drain-extra", "0"]
        if op == "start":
            return [self.binary, "start", *record, "--ttl", str(TTL)]
        if op == "stop":
            return [self.binary, "stop", *record, *quorum]
        if op == "cycle":
            return [self.binary, "cycle", *record, "--ttl", str(TTL), *quorum, "--", "sleep", "0.2"]
        if op == "lock":
            return [self.binary, "lock", *zone, "--lease", str(LEASE), "--wait-timeout", str(DEADLINE), "crash",
                    "--", *lock_command(self.lock_script, self.lock_log, label=label, hold=0.4)]
        if op == "heartbeat":
            return [self.binary, "heartbeat", *record]
        if op == "role":
            return [self.binary, "role", *record, "--group", "g", "--servers", "1"]
        return [self.binary, "sweep", *record]

    # ---- processes
    @staticmethod
    def limit(op: str) -> float:
        """How long an op may take before it counts as hung: --deadline bounds every AWS retry
        and wait, so only what comes after is added (the drain, the command, a lock's bounded
        release) and 5 s of slack.
        `lock` waits up to --wait-timeout (= the deadline) and then renews on its own clock;
        cycle leaves and rejoins, each phase with its own deadline."""
        after = {"lock": LEASE + 1, "stop": TTL + 1, "cycle": DEADLINE + 2 * TTL + 2}
        # A fleet lock still held at the deadline is released after it, within RELEASE seconds
        # (FleetLock.releaseBudget): lock, sweep and role hold one, stop and cycle the quorum's.
        released = RELEASE * (2 if op == "cycle" else 1) if op in ("lock", "sweep", "role", "stop", "cycle") else 0
        return DEADLINE + after.get(op, 0) + released + 5

    def execute(self, i: int, op: str, label: str, kill_after: float | None, restart_of: str | None) -> Proc:
        argv = self.argv(op, label)
        p = Proc(i, op, label, argv, restart_of, time.time(), time.monotonic())
        out = self.work / f"{label}.out"
        err = self.work / f"{label}.err"
        with out.open("wb") as fo, err.open("wb") as fe:
            popen = subprocess.Popen(argv, env=self.env(i), stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                                     cwd=self.work, start_new_session=True)
            planned = f" kill after {kill_after:.2f}" if kill_after is not None else ""
            self.log(f"i{i} {label} {op} started (pid {popen.pid}){planned}")
            try:
                if kill_after is not None:
                    try:
                        popen.wait(timeout=kill_after)
                    except subprocess.TimeoutExpired:
                        kill_session(popen.pid)
                        p.killed = True
                        with self.lock:
                            self.result.faults["kill"] += 1
                        self.log(f"i{i} {label} SIGKILL")
                popen.wait(timeout=self.limit(op))
            except subprocess.TimeoutExpired:
                p.hung = True
                kill_session(popen.pid)
                popen.wait()
            p.code = popen.returncode
        p.wall_end, p.mono_end = time.time(), time.monotonic()
        p.stderr = err.read_text(errors="replace")
        p.stdout = out.read_text(errors="replace")
        self.log(f"i{i} {label} {op} exit {p.code} after {p.mono_end - p.mono_start:.2f} s")
        with self.lock:
            self.result.procs.append(p)
        return p

    def instance_thread(self, i: int) -> None:
        for op in self.schedule.ops[i]:
            time.sleep(op.pause)
            label = f"i{i}-{op.index}"
            p = self.execute(i, op.kind, label, op.kill_after, None)
            if p.killed:
                # The init system runs it again (a killed cycle's service restarts: start).
                again = "start" if op.kind == "cycle" else op.kind
                self.execute(i, again, label + "r", None, label)
        if self.schedule.terminate and self.schedule.terminate[0] == i:
            time.sleep(self.schedule.terminate[1])
            iid = self.instances[i]["instance_id"]
            self.aws.control("DELETE", f"/instances/{iid}")
            self.result.terminated = (iid, time.time())
            self.log(f"i{i} {iid} terminated")

    def fault_thread(self, t0: float) -> None:
        for f in self.schedule.faults:
            if self.stop_faults.wait(max(0.0, t0 + f.at - time.monotonic())):
                return
            self.inject(f)

    def inject(self, f: Fault) -> None:
        self.log(f"fault {f.kind} {f.amount} i{f.instance} {f.length}")
        with self.lock:
            self.result.faults[f.kind] += 1
            self.fault_times.append((time.time(), f.kind))
        if f.kind == "drop":
            self.aws.control("POST", "/faults", {"drop_connections": f.amount})
        elif f.kind == "5xx":
            self.aws.control("POST", "/faults", {"error_5xx": f.amount})
        elif f.kind == "prior":
            self.aws.control("POST", "/faults", {"prior_request_not_complete": f.amount})
        elif f.kind == "lost_answer":
            self.aws.control("POST", "/faults", {"lost_answers": 1})
        elif f.kind == "throttle":
            self.aws.control("POST", "/faults", {"throttle_rps": 2})
            self.stop_faults.wait(f.length)
            self.aws.control("POST", "/faults", {"throttle_rps": None})
        elif f.kind == "imds_down":
            iid = self.instances[f.instance]["instance_id"]
            if self.result.terminated and self.result.terminated[0] == iid:
                return
            start = time.time()
            try:
                self.aws.control("PATCH", f"/instances/{iid}", {"imds": "down"})
                self.stop_faults.wait(f.length)
                self.aws.control("PATCH", f"/instances/{iid}", {"imds": "up"})
            except Exception:  # the instance was terminated meanwhile
                pass
            self.imds_down.append((f.instance, start, time.time()))

    def run(self) -> RunResult:
        started = time.monotonic()
        self.setup()
        threads = [threading.Thread(target=self.instance_thread, args=(i,)) for i in range(self.schedule.instances)]
        faults = threading.Thread(target=self.fault_thread, args=(time.monotonic(),))
        for t in threads:
            t.start()
        faults.start()
        for t in threads:
            t.join()
        self.stop_faults.set()
        faults.join()
        self.aws.control("DELETE", "/faults")
        for inst in self.instances:
            try:
                self.aws.control("DELETE", f"/instances/{inst['instance_id']}")
            except Exception:  # already terminated by the schedule
                pass
        history = self.aws.control("GET", f"/route53/history/{self.result.zone_id}")
        self.result.batches = len(history)
        self.result.seconds = time.monotonic() - started
        self.result.violations = Checker(self, history).check()
        if self.result.violations:
            (self.work / "history.json").write_text(json.dumps(history, indent=1))
            (self.work / "procs.json").write_text(json.dumps([p.__dict__ for p in self.result.procs], indent=1))
            (self.work / "faults.json").write_text(json.dumps(self.fault_times, indent=1))
        return self.result


# --------------------------------------------------------------------- the invariants


class Checker:
    def __init__(self, run: Run, history: list[dict[str, Any]]):
        self.run = run
        self.history = history
        self.ids = [inst["instance_id"] for inst in run.instances]
        self.address = {inst["instance_id"]: inst["public_ipv4"] for inst in run.instances}
        self.procs = sorted(run.result.procs, key=lambda p: p.mono_start)
        self.out: list[str] = []
        squatted = run.schedule.squatted
        self.squatted = self.ids[squatted] if squatted is not None else None
        # Our instances with records of their own: the squatted one's record is not its own.
        self.owned = [iid for iid in self.ids if iid != self.squatted]

    def bad(self, kind: str, text: str) -> None:
        self.out.append(f"{kind}: {text}")

    def check(self) -> list[str]:
        states = self.replay()
        self.check_pairs(states)
        self.check_final(states[-1][1] if states else {})
        self.check_lock_overlaps()
        self.check_lock_takeovers()
        self.check_quorum()
        self.check_roles(states)
        self.check_exits(states)
        return self.out

    # ---- the zone over time, from the history
    def replay(self) -> list[tuple[dict[str, Any], dict[tuple[str, str, str], dict[str, Any]]]]:
        """(batch, records after it) for every batch; the seeded records are in the first."""
        zone: dict[tuple[str, str, str], dict[str, Any]] = {}
        states = []
        lock_suffix = f"._r53hook-lock.{self.run.zone_name}"
        for entry in self.history:
            setup = str(entry["caller"]).endswith(":user/localaws-admin")  # the campaign's own batches
            for ch in entry["changes"]:
                key = (ch["name"], ch["type"], ch["set_id"] or "")
                ours = (
                    (ch["name"] == self.run.name and ch["type"] == "A" and ch["set_id"] in self.owned)
                    or (ch["name"] == self.run.mark_name and ch["type"] == "TXT" and ch["set_id"] in self.owned)
                    or (ch["name"].endswith(lock_suffix) and ch["type"] == "TXT" and ch["set_id"] is None)
                )
                if not setup and not ours:
                    self.bad("foreign", f"batch {entry['change']} by {entry['caller']} did {ch['action']} "
                             f"{ch['name']} {ch['type']} {ch['set_id']}")
                if ch["action"] == "DELETE":
                    zone.pop(key, None)
                else:
                    zone[key] = ch
            states.append((entry, dict(zone)))
        return states

    def state_at(self, states: list[Any], wall: float) -> dict[tuple[str, str, str], dict[str, Any]]:
        current: dict[tuple[str, str, str], dict[str, Any]] = states[0][1] if states else {}
        for entry, zone in states:
            if entry["time"] > wall:
                break
            current = zone
        return current

    def pair(self, zone: dict[tuple[str, str, str], dict[str, Any]], iid: str) -> tuple[Any, Any]:
        return zone.get((self.run.name, "A", iid)), zone.get((self.run.mark_name, "TXT", iid))

    def check_pairs(self, states: list[Any]) -> None:
        for entry, zone in states:
            for iid in self.owned:
                record, mark = self.pair(zone, iid)
                if (record is None) != (mark is None):
                    self.bad("pairs", f"after batch {entry['change']} {iid} has "
                             f"{'a record without its mark' if mark is None else 'a mark without its record'}")
                elif record is not None:
                    words = dict(w.split("=", 1) for w in mark["values"][0].strip('"').split()[1:] if "=" in w)
                    if words.get("address") != record["values"][0] or words.get("instance") != iid:
                        self.bad("pairs", f"after batch {entry['change']} {iid}'s mark {mark['values'][0]} "
                                 f"does not match its record {record['values']}")

    def check_final(self, zone: dict[tuple[str, str, str], dict[str, Any]]) -> None:
        for i, iid in enumerate(self.ids):
            if iid == self.squatted:
                continue  # its record is someone else's: the foreign check sees that it stayed
            want: str | None = None
            for p in self.procs:
                if p.instance != i or p.op not in ("start", "stop", "cycle") or p.killed:
                    continue
                if p.code == 0:
                    want = "absent" if p.op == "stop" else "present"
                elif p.op == "stop" and p.code == 75 and "no quorum" in p.stderr.lower():
                    pass  # nothing changed, by design
                else:
                    want = None  # failed part-way: either state is honest
            terminated = self.run.result.terminated
            if terminated and terminated[0] == iid:
                swept = any(p.op == "sweep" and p.code == 0 and p.mono_start > 0 and p.wall_start > terminated[1]
                            for p in self.procs)
                want = "absent" if swept else None
            record, _ = self.pair(zone, iid)
            if want == "absent" and record is not None:
                self.bad("final", f"{iid}'s last stop succeeded (or it was swept) but its record is there")
            if want == "present":
                if record is None:
                    self.bad("final", f"{iid}'s last start/cycle succeeded but it has no record")
                elif (record["values"] != [self.address[iid]] or record["weight"] != 10 or record["ttl"] != TTL):
                    self.bad("final", f"{iid}'s record {record} is not the configured one "
                             f"({self.address[iid]}, weight 10, TTL {TTL})")

    # ---- lock
    def sections(self) -> list[tuple[str, float, float]]:
        killed_at = {p.label: p.mono_end for p in self.procs if p.killed}
        opened: dict[int, tuple[str, float]] = {}
        out: list[tuple[str, float, float]] = []
        for e in lock_events(self.run.lock_log):
            if e.kind == "enter":
                opened[e.pid] = (e.label, e.t)
            elif e.kind == "exit" and e.pid in opened:
                label, t = opened.pop(e.pid)
                out.append((label, t, e.t))
        for label, t in opened.values():
            out.append((label, t, killed_at.get(label, float("inf"))))
        return sorted(out, key=lambda s: s[1])

    def check_lock_overlaps(self) -> None:
        sections = self.sections()
        for n, (label, start, end) in enumerate(sections):
            for other, ostart, oend in sections[n + 1:]:
                if ostart >= end:
                    break
                self.bad("lock", f"{label}'s command [{start:.3f}, {end:.3f}] overlaps {other}'s "
                         f"[{ostart:.3f}, {oend:.3f}]")

    def check_lock_takeovers(self) -> None:
        """From the history: when each lock value was written and when another replaced it."""
        lock_suffix = f"._r53hook-lock.{self.run.zone_name}"
        written: dict[str, tuple[float, str, int]] = {}
        for entry in self.history:
            creates = [c for c in entry["changes"] if c["name"].endswith(lock_suffix) and c["action"] == "CREATE"]
            deletes = [c for c in entry["changes"] if c["name"].endswith(lock_suffix) and c["action"] == "DELETE"]
            for c in deletes:
                if c["name"] not in written:
                    continue
                at, value, lease = written[c["name"]]
                new = next((n for n in creates if n["name"] == c["name"]), None)
                if new is None:
                    written.pop(c["name"])
                    continue
                if _owner(new["values"][0]) != _owner(value) and entry["time"] - at < lease - 0.05:
                    self.bad("lock", f"{c['name']} taken over by {_owner(new['values'][0])} "
                             f"{entry['time'] - at:.2f} s after {_owner(value)} last wrote it (lease {lease} s)")
            for c in creates:
                written[c["name"]] = (entry["time"], c["values"][0], _lease(c["values"][0]))
        # Liveness: for the `lock` command's lock, a holder killed with a waiter present.
        name = f"crash{lock_suffix}"
        for p in self.procs:
            if p.op != "lock" or not p.killed:
                continue
            last = [e["time"] for e in self.history for c in e["changes"]
                    if c["name"] == name and c["action"] == "CREATE" and e["time"] <= p.wall_end
                    and _owner(c["values"][0]) == self.ids[p.instance]]
            if not last or not self._held_at(name, p.wall_end, self.ids[p.instance]):
                continue
            bound = last[-1] + LEASE + 2 * poll_of(LEASE) + 1.0
            waiters = [w for w in self.procs if w.op == "lock" and w.instance != p.instance
                       and w.wall_start <= last[-1] + 0.5 and w.wall_end >= bound and not w.killed]
            taken = [e["time"] for e in self.history for c in e["changes"]
                     if c["name"] == name and c["action"] == "CREATE" and e["time"] > p.wall_end]
            # A takeover try that meets an injected error (5xx, throttling, a lost answer) waits a
            # poll and looks again: the bound holds for a waiter that nothing got in the way of.
            end = taken[0] if taken else bound
            hindered = [k for t, k in self.run.fault_times if last[-1] - 1.0 <= t <= end + 1.0]
            if waiters and not hindered and taken:
                self.run.result.takeovers.append(taken[0] - last[-1])
            if waiters and not hindered and (not taken or taken[0] > bound):
                when = f"{taken[0] - last[-1]:.2f} s" if taken else "never"
                self.bad("lock", f"{p.label}'s lock (killed) taken over {when} after its last write, "
                         f"past {bound - last[-1]:.2f} s, while {waiters[0].label} waited")

    def _held_at(self, name: str, wall: float, owner: str) -> bool:
        holder = None
        for e in self.history:
            if e["time"] > wall:
                break
            for c in e["changes"]:
                if c["name"] == name:
                    holder = _owner(c["values"][0]) if c["action"] == "CREATE" else None
        return holder == owner

    # ---- quorum
    def check_quorum(self) -> None:
        zone: dict[str, int] = {}
        terminated = self.run.result.terminated
        for entry in self.history:
            before = sum(1 for w in zone.values() if w > 0)
            left = False
            for c in entry["changes"]:
                if c["name"] == self.run.name and c["type"] == "A":
                    if c["action"] == "DELETE":
                        zone.pop(c["set_id"], None)
                        swept = terminated is not None and c["set_id"] == terminated[0]
                        left = left or (not swept and (c["weight"] or 0) > 0)
                    else:
                        zone[c["set_id"]] = c["weight"] or 0
            after = sum(1 for w in zone.values() if w > 0)
            if left and after < MIN_HEALTHY and after < before:
                self.bad("quorum", f"batch {entry['change']} by {entry['caller']} left {after} healthy "
                         f"(was {before}, --min-healthy {MIN_HEALTHY})")

    # ---- role
    def check_roles(self, states: list[Any]) -> None:
        """`role --servers 1` under its lock: never two marks claiming the group's one server."""
        for entry, zone in states:
            servers = sorted(
                iid for iid in self.ids
                if (mark := self.pair(zone, iid)[1]) is not None
                and _fields(mark["values"][0]).get("role") in ("bootstrap", "server")
                and _fields(mark["values"][0]).get("group") == "g"
            )
            if len(servers) > 1:
                self.bad("role", f"after batch {entry['change']} {', '.join(servers)} all claim the one server role")
                return

    # ---- exit codes
    def check_exits(self, states: list[Any]) -> None:
        for p in self.procs:
            what = f"{p.label} ({p.op}{', restart of ' + p.restart_of if p.restart_of else ''})"
            if p.hung:
                self.bad("exit", f"{what} still ran after {self.run.limit(p.op):.0f} s: killed")
                continue
            if p.killed:
                continue
            code = p.code
            iid = self.ids[p.instance]
            imds_down = any(i == p.instance and a < p.wall_end and b > p.wall_start for i, a, b in self.run.imds_down)
            terminated = self.run.result.terminated
            gone = terminated is not None and terminated[0] == iid
            if code == 0 or (code == 75 and p.op not in ("start", "heartbeat")):
                continue  # 75: no quorum, a lock held past the deadline, sweep's self-preservation
            # start and heartbeat wait for nothing but Route 53, and every fault here is far
            # shorter than their deadline: 75 (throttled past it, never INSYNC) would be a bug.
            if code == 69 and (imds_down or gone):
                continue
            if code == 78 and iid == self.squatted and p.op not in ("lock", "sweep"):
                continue  # a record without the mark under its own set identifier: refused, as documented
            if code == 78 and p.op in ("heartbeat", "role"):
                before = self.pair(self.state_at(states, p.wall_start), iid)[1]
                after = self.pair(self.state_at(states, p.wall_end), iid)[1]
                if before is None or after is None:
                    continue
            tail = " | ".join(line for line in p.stderr.strip().splitlines()[-3:])
            self.bad("exit", f"{what} exited {code}: {tail}")


def _fields(value: str) -> dict[str, str]:
    return dict(w.split("=", 1) for w in value.strip('"').split()[1:] if "=" in w)


def _owner(value: str) -> str:
    return _fields(value).get("owner", "?")


def _lease(value: str) -> int:
    try:
        return int(_fields(value).get("lease", "30"))
    except ValueError:
        return 30


# --------------------------------------------------------------------- the campaign


class Worker:
    """One local AWS, its runs one after another (faults are account-wide, as in AWS)."""

    def __init__(self, args: argparse.Namespace, base: Path):
        self.args = args
        self.base = base
        self.aws = LocalAWSProcess(insync_delay=args.propagation)
        self.runs = 0

    def run(self, seed: int) -> RunResult:
        if self.runs and self.runs % 40 == 0:
            self.aws.control("POST", "/reset")  # keep moto small: zones and terminated instances pile up
        self.runs += 1
        schedule = make_schedule(seed, self.args.instances, self.args.steps, self.args.kill_rate,
                                 self.args.fault_rate)
        work = Path(tempfile.mkdtemp(prefix=f"run{seed}-", dir=self.base))
        try:
            result = Run(self.aws, self.args.binary, schedule, work, self.args.verbose).run()
        except Exception as exc:  # the harness itself failed: report it, as a violation of nothing
            result = RunResult(seed, violations=[f"harness: {type(exc).__name__}: {exc}"])
        if not result.violations and not self.args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            result.files = str(work)
        return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--seed", type=int, default=None, help="first run's seed (default: from the clock)")
    p.add_argument("--seeds", default=None, help="comma-separated run seeds (a fixed set, for CI)")
    p.add_argument("--replay", type=int, default=None, help="run this one run seed again, verbosely")
    p.add_argument("--jobs", type=int, default=2, help="local AWS processes running runs side by side")
    p.add_argument("--instances", type=int, default=3)
    p.add_argument("--steps", type=int, default=4, help="commands per instance per run")
    p.add_argument("--kill-rate", type=float, default=0.2, help="share of commands SIGKILLed")
    p.add_argument("--fault-rate", type=float, default=1.0, help="faults per second of a run")
    p.add_argument("--propagation", type=float, default=0.2, help="seconds until a change is INSYNC")
    p.add_argument("--binary", default=os.environ.get("R53HOOK_BINARY", str(ROOT / ".build/debug/r53hook")))
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep every run's files")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    if not Path(args.binary).is_file():
        p.error(f"no binary at {args.binary}: build it (swift build) or give --binary")
    if args.replay is not None:
        seeds = [args.replay]
        args.verbose = True
        args.keep = True
        args.jobs = 1
    elif args.seeds:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    else:
        first = args.seed if args.seed is not None else int(time.time()) % 1_000_000 * 1000
        seeds = [first + n for n in range(args.runs)]
    say(f"crash-campaign: {len(seeds)} runs from seed {seeds[0]}, {args.instances} instances x {args.steps} "
        f"commands, kill rate {args.kill_rate:g}, {args.fault_rate:g} faults/s, {args.jobs} local AWS, "
        f"binary {args.binary}")
    base = Path(tempfile.mkdtemp(prefix="crash-campaign-"))
    started = time.monotonic()
    results: list[RunResult] = []
    workers: list[Worker] = []
    free: list[Worker] = []
    pool_lock = threading.Lock()

    def one(seed: int) -> RunResult:
        with pool_lock:
            worker = free.pop() if free else None
        if worker is None:
            worker = Worker(args, base)
            with pool_lock:
                workers.append(worker)
        try:
            result = worker.run(seed)
        finally:
            with pool_lock:
                free.append(worker)
        status = "ok" if not result.violations else f"{len(result.violations)} VIOLATION(S)"
        say(f"run seed {seed}: {status} ({result.seconds:.1f} s, {len(result.procs)} commands, "
            f"{result.batches} batches, faults {dict(sorted(result.faults.items()))})")
        for v in result.violations:
            say(f"  seed {seed}: {v}")
        if result.files:
            say(f"  seed {seed}: files in {result.files}")
        return result

    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(one, seeds))
    finally:
        for w in workers:
            w.aws.stop()
    elapsed = time.monotonic() - started
    faults: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for r in results:
        faults.update(r.faults)
        for proc in r.procs:
            codes[f"{proc.op} {'killed' if proc.killed else proc.code}"] += 1
    bad = [r for r in results if r.violations]
    say(f"\n{len(results)} runs in {elapsed:.0f} s ({elapsed / max(1, len(results)):.1f} s/run), "
        f"{sum(len(r.procs) for r in results)} commands, {sum(r.batches for r in results)} batches")
    say(f"faults injected: {dict(sorted(faults.items()))} (total {sum(faults.values())})")
    say(f"exits: {dict(sorted(codes.items()))}")
    takeovers = sorted(t for r in results for t in r.takeovers)
    if takeovers:
        say(f"lock takeovers after a killed holder (lease {LEASE} s, poll {poll_of(LEASE):g} s): {len(takeovers)}, "
            f"min {takeovers[0]:.2f} s, median {takeovers[len(takeovers) // 2]:.2f} s, max {takeovers[-1]:.2f} s "
            "after its last write")
    say(f"runs with violations: {len(bad)}" + (f" (seeds {', '.join(str(r.seed) for r in bad)})" if bad else ""))
    if not bad:
        shutil.rmtree(base, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({
            "runs": len(results), "seconds": elapsed, "faults": faults, "exits": codes, "takeovers": takeovers,
            "violations": {str(r.seed): r.violations for r in bad},
        }, indent=2))
    return 1 if bad else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
