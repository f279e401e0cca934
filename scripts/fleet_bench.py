#!/usr/bin/env python3
"""Fleet-scale figures on the local AWS: what a boot storm and a scale-in cost in the account's
shared Route 53 rate, side by side with --no-wait and the AWS CLI. Run through scripts/fleet-bench,
which documents the options.

Every instance is simulated by its own r53hook process with --set-identifier and a literal
--address (so no IMDS is needed) and the admin's keys; Route 53 is throttled account-wide like
the real one. Figures come from the local AWS's own request log (every request with its time,
action and status) and from each process's exit time and stderr, stamped as it arrives.
Nothing here asserts: it prints figures (and --json writes them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from localaws.launcher import LocalAWSProcess  # noqa: E402

ZONE = "fleet.example."
NAME = "www.fleet.example."


def say(text: str = "") -> None:
    print(text, flush=True)


class Proc:
    """One r53hook (or aws) process: its start and exit time and its stamped stderr lines."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.started = time.time()
        self.popen = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[tuple[float, str]] = []
        self.ended: float | None = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.popen.stderr is not None
        for line in self.popen.stderr:
            self.lines.append((time.time(), line.rstrip("\n")))
        self.popen.wait()
        self.ended = time.time()

    def wait(self, timeout: float) -> int:
        self.reader.join(timeout)
        if self.ended is None:
            self.popen.kill()
            self.reader.join(10)
        return self.popen.returncode if self.popen.returncode is not None else -9

    def requests(self) -> dict[str, int]:
        """Route 53 requests this process sent, by operation, from its --debug lines."""
        counts: dict[str, int] = {}
        for _, line in self.lines:
            if "-> " in line and "route53" in line and line.endswith(")"):
                op = line.rsplit("(", 1)[1][:-1]
                counts[op] = counts.get(op, 0) + 1
        return counts

    def stamp_of(self, words: str) -> float | None:
        return next((t for t, line in self.lines if words in line), None)


class Fleet:
    def __init__(self, args: argparse.Namespace, aws: LocalAWSProcess):
        self.args = args
        self.aws = aws
        self.binary = args.binary
        import boto3

        self.r53 = boto3.client(
            "route53", endpoint_url=aws.endpoint, region_name="us-east-1",
            aws_access_key_id=aws.admin["access_key_id"], aws_secret_access_key=aws.admin["secret_access_key"],
        )
        self.zone_id = ""

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "AWS_ENDPOINT_URL": self.aws.endpoint,
            "AWS_ACCESS_KEY_ID": self.aws.admin["access_key_id"],
            "AWS_SECRET_ACCESS_KEY": self.aws.admin["secret_access_key"],
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def reset(self, throttle: bool) -> None:
        self.aws.control("POST", "/reset")
        self.aws.control("POST", "/route53", {"insync_delay": self.args.propagation})
        ref = f"fleet-{time.time()}"
        self.zone_id = self.r53.create_hosted_zone(Name=ZONE, CallerReference=ref)["HostedZone"]["Id"].split("/")[-1]
        if throttle:
            self.aws.control("POST", "/faults", {"throttle_rps": self.args.rps})
        self.aws.control("DELETE", "/stats")

    @staticmethod
    def instance(k: int) -> tuple[str, str]:
        return f"i-fleet{k:06d}", f"10.{k // 65536 % 256}.{k // 256 % 256}.{k % 256 or 1}"

    def r53hook(self, command: str, k: int, *extra: str) -> Proc:
        set_id, address = self.instance(k)
        argv = [self.binary, command, "--zone-id", self.zone_id, "--name", NAME, "--set-identifier", set_id,
                "--deadline", str(self.args.deadline), "--debug", *extra]
        if command == "start":
            argv += ["--address", address, "--ttl", str(self.args.ttl)]
        return Proc(argv, self.env())

    def cli_upsert(self, k: int) -> Proc:
        set_id, address = self.instance(k)
        batch = {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": NAME, "Type": "A", "SetIdentifier": set_id, "Weight": 10, "TTL": self.args.ttl,
            "ResourceRecords": [{"Value": address}]}}]}
        argv = ["aws", "route53", "change-resource-record-sets", "--hosted-zone-id", self.zone_id,
                "--change-batch", json.dumps(batch), "--endpoint-url", self.aws.endpoint]
        env = self.env() | {"AWS_MAX_ATTEMPTS": "5"}
        return Proc(argv, env)

    def stats(self) -> dict[str, Any]:
        return self.aws.control("GET", "/stats")

    def run_all(self, procs: list[Proc]) -> list[int]:
        limit = self.args.deadline + 120
        return [p.wait(limit) for p in procs]


def by_kind(timeline: list[list[Any]]) -> dict[str, dict[str, int]]:
    """Route 53 requests by operation: served (2xx), throttled or refused (400), other."""
    kinds: dict[str, dict[str, int]] = {}
    for _, service, action, status in timeline:
        if service != "route53":
            continue
        per = kinds.setdefault(action, {"served": 0, "throttled": 0, "other": 0})
        per["served" if 200 <= status < 300 else "throttled" if status == 400 else "other"] += 1
    return kinds


def last_change(timeline: list[list[Any]], t0: float) -> float:
    stamps = [t for t, s, a, status in timeline if s == "route53" and a == "ChangeResourceRecordSets" and status == 200]
    return (max(stamps) - t0) if stamps else float("nan")


def print_kinds(kinds: dict[str, dict[str, int]], n: int) -> dict[str, Any]:
    served = sum(k["served"] for k in kinds.values())
    throttled = sum(k["throttled"] for k in kinds.values())
    for action, k in sorted(kinds.items()):
        say(f"    {action:28s} served {k['served']:6d} ({k['served'] / n:5.2f}/instance)  "
            f"throttled {k['throttled']:6d}  other {k['other']}")
    say(f"    {'total':28s} served {served:6d} ({served / n:5.2f}/instance)  throttled {throttled:6d}")
    return {"by_kind": kinds, "served": served, "served_per_instance": served / n, "throttled": throttled}


def storm(fleet: Fleet, label: str, make: Any, floor_requests: int, waits: bool) -> dict[str, Any]:
    n = fleet.args.instances
    fleet.reset(throttle=True)
    t0 = time.time()
    procs = [make(k) for k in range(n)]
    codes = fleet.run_all(procs)
    stats = fleet.stats()
    timeline = [e for e in stats["timeline"] if e[0] >= t0]
    returned = [p.ended - t0 for p in procs if p.ended is not None]
    floor = floor_requests / fleet.args.rps + (fleet.args.propagation if waits else 0)
    every = last_change(timeline, t0)
    last = max(returned) if returned else float("nan")
    say(f"\n== {label}: {n} at once")
    say(f"  every record written after {every:7.1f} s; last process returned after {last:7.1f} s "
        f"(median {statistics.median(returned):.1f} s)")
    say(f"  floor {floor:.1f} s ({floor_requests} requests / {fleet.args.rps:g} per s"
        f"{f' + {fleet.args.propagation:g} s propagation' if waits else ''}); last return / floor = {last / floor:.2f}")
    failures = sum(1 for c in codes if c != 0)
    say(f"  failures: {failures} (exit codes {sorted(set(codes))})")
    say("  Route 53 requests:")
    figures = print_kinds(by_kind(timeline), n)
    per_proc = [sum(p.requests().values()) for p in procs]
    if any(per_proc):
        say(f"  per instance, sent (from --debug): median {statistics.median(per_proc)}, max {max(per_proc)}")
    return {"label": label, "instances": n, "every_record_s": every, "last_return_s": last,
            "median_return_s": statistics.median(returned), "floor_s": floor, "ratio": last / floor,
            "failures": failures, **figures}


def scale_in(fleet: Fleet) -> dict[str, Any]:
    n, m = fleet.args.instances, fleet.args.stop
    fleet.reset(throttle=False)
    say(f"\n== scale-in: {m} of {n} stop at once (TTL {fleet.args.ttl} s, --drain-extra 0)")
    joined = fleet.run_all([fleet.r53hook("start", k, "--no-wait") for k in range(n)])
    if any(joined):
        say(f"  setup: {sum(1 for c in joined if c)} starts failed")
    fleet.aws.control("POST", "/faults", {"throttle_rps": fleet.args.rps})
    fleet.aws.control("DELETE", "/stats")
    t0 = time.time()
    procs = [fleet.r53hook("stop", k, "--drain-extra", "0") for k in range(m)]
    codes = fleet.run_all(procs)
    timeline = [e for e in fleet.stats()["timeline"] if e[0] >= t0]
    # Route 53 (here) makes a change INSYNC `propagation` seconds after accepting it: that, not
    # the moment a stop happens to notice, is when its TTL starts to run out.
    beyond = []
    for p in procs:
        accepted = p.stamp_of("and its registry mark from")
        if accepted is not None and p.ended is not None:
            beyond.append(p.ended - (accepted + fleet.args.propagation + fleet.args.ttl))
    every = last_change(timeline, t0)
    say(f"  every record gone after {every:.1f} s; failures {sum(1 for c in codes if c)}")
    if fleet.args.trace and beyond:
        trace_worst_stop(procs, beyond, fleet.args.propagation)
    if beyond:
        say(f"  each stop's end beyond its change's INSYNC + TTL: median {statistics.median(beyond):.2f} s, "
            f"max {max(beyond):.2f} s")
    returned = [p.ended - t0 for p in procs if p.ended is not None]
    say(f"  last stop returned after {max(returned):.1f} s")
    say("  Route 53 requests:")
    figures = print_kinds(by_kind(timeline), m)
    return {"label": "scale-in", "stops": m, "every_record_gone_s": every, "beyond_median_s":
            statistics.median(beyond) if beyond else None, "beyond_max_s": max(beyond) if beyond else None,
            "last_return_s": max(returned), **figures}


def trace_worst_stop(procs: list[Proc], beyond: list[float], propagation: float) -> None:
    """The worst stop's requests and waits, stamped relative to its change's acceptance: when it
    polled, which polls were throttled, how long the client-side rate limit held it."""
    stopped = [p for p in procs if p.stamp_of("and its registry mark from") is not None and p.ended is not None]
    worst = max(zip(beyond, stopped, strict=True), key=lambda pair: pair[0])[1]
    accepted = worst.stamp_of("and its registry mark from")
    assert accepted is not None
    argv = list(worst.popen.args)
    say(f"  trace of the worst stop ({argv[argv.index('--set-identifier') + 1]}), seconds from its change's acceptance "
        f"(INSYNC at {propagation:g}):")
    for t, line in worst.lines:
        if any(w in line for w in ("-> ", "<- ", "rate limit", "INSYNC", "deleted", "throttl", "Throttl", "drain")):
            say(f"    {t - accepted:+8.2f}  {line[-150:]}")


def steady(fleet: Fleet) -> dict[str, Any]:
    n = fleet.args.instances
    fleet.reset(throttle=False)
    fleet.run_all([fleet.r53hook("start", k, "--no-wait") for k in range(n)])
    home = Path(os.environ.get("TMPDIR", "/tmp")) / f"fleet-bench-{os.getpid()}"
    memo = {}
    for k in range(n):
        (home / str(k)).mkdir(parents=True, exist_ok=True)
        memo[k] = str(home / str(k))
    env = fleet.env()

    def beat(k: int) -> Proc:
        set_id, _ = fleet.instance(k)
        argv = [fleet.binary, "heartbeat", "--zone-id", fleet.zone_id, "--name", NAME, "--set-identifier", set_id,
                "--debug"]
        return Proc(argv, env | {"RUNTIME_DIRECTORY": memo[k]})

    fleet.run_all([beat(k) for k in range(n)])  # the first beat fills each memo
    fleet.aws.control("DELETE", "/stats")
    fleet.run_all([beat(k) for k in range(n)])
    per_beat = sum(k["served"] for k in by_kind(fleet.stats()["timeline"]).values()) / n
    fleet.aws.control("DELETE", "/stats")
    sweep = Proc([fleet.binary, "sweep", "--zone-id", fleet.zone_id, "--name", NAME, "--set-identifier", "sweeper",
                  "--dry-run", "--debug"], env | {"AWS_REGION": "us-east-1"})
    sweep.wait(300)
    per_sweep = sum(k["served"] for k in by_kind(fleet.stats()["timeline"]).values())
    shutil.rmtree(home, ignore_errors=True)
    rate = n * per_beat / 60 + per_sweep / 300
    say(f"\n== steady state: {n} members, heartbeat every 60 s, one sweeper every 300 s")
    say(f"  Route 53 requests per heartbeat {per_beat:.2f}, per sweep {per_sweep}")
    say(f"  {rate:.2f} requests/s = {100 * rate / fleet.args.rps:.0f} % of the account's {fleet.args.rps:g}/s")
    return {"label": "steady", "per_beat": per_beat, "per_sweep": per_sweep, "rate": rate,
            "share": rate / fleet.args.rps}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--instances", type=int, default=100)
    p.add_argument("--stop", type=int, default=50)
    p.add_argument("--rps", type=float, default=5.0)
    p.add_argument("--propagation", type=float, default=10.0)
    p.add_argument("--ttl", type=int, default=10)
    p.add_argument("--deadline", type=int, default=600)
    p.add_argument("--binary", default=os.environ.get("R53HOOK_BENCH_BINARY", str(ROOT / ".build/release/r53hook")))
    p.add_argument("--only", default="storm,create-first,no-wait,cli,scale-in,steady")
    p.add_argument("--json", type=Path)
    p.add_argument("--trace", action="store_true")
    args = p.parse_args()
    if not Path(args.binary).is_file():
        p.error(f"no binary at {args.binary}: build it (swift build -c release) or give --binary")
    only = set(args.only.split(","))
    say(f"fleet-bench: {args.instances} instances, Route 53 at {args.rps:g} requests/s, propagation "
        f"{args.propagation:g} s, TTL {args.ttl} s, binary {args.binary}")
    results: list[dict[str, Any]] = []
    with LocalAWSProcess(insync_delay=args.propagation) as aws:
        fleet = Fleet(args, aws)
        n = args.instances
        if "storm" in only:
            results.append(storm(fleet, "boot storm: r53hook start", lambda k: fleet.r53hook("start", k), 2 * n, True))
        if "create-first" in only:
            results.append(storm(fleet, "boot storm: r53hook start --create-first",
                                 lambda k: fleet.r53hook("start", k, "--create-first"), 2 * n, True))
        if "no-wait" in only:
            results.append(storm(fleet, "boot storm: r53hook start --no-wait",
                                 lambda k: fleet.r53hook("start", k, "--no-wait"), n, False))
        if "cli" in only and shutil.which("aws"):
            results.append(storm(fleet, "boot storm: aws route53 change-resource-record-sets (UPSERT, no wait)",
                                 fleet.cli_upsert, n, False))
        if "scale-in" in only:
            results.append(scale_in(fleet))
        if "steady" in only:
            results.append(steady(fleet))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
