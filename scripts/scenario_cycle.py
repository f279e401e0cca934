#!/usr/bin/env python3
"""scenario-cycle: N instances run `r53hook cycle` at the same moment; how low does the fleet go?

Usage: scripts/scenario-cycle [--instances 6] [--min-healthy 4] [--lb elb|tg] [--draining 2]
                              [--healthy-after 1] [--sleep 2] [--quorum-interval 5]
                              [--lock] [--sample-ms 100] [--binary PATH] [--verbose]

Starts its own local AWS (python3 -m localaws, loopback, free port), creates N EC2 instances
(each with its own IMDS) registered and InService in one classic ELB with connection draining
on (--lb elb, the default), or healthy in one target group behind a listener with that
deregistration delay (--lb tg). Then all N run, released together by a barrier:

    r53hook cycle --elb web --min-healthy M -- sleep S        (or --target-group ARN)

each with its own AWS_EC2_METADATA_SERVICE_ENDPOINT. Meanwhile a monitor thread samples the
load balancer every --sample-ms with the admin keys (DescribeInstanceHealth: InService without
"deregistration" in the description; DescribeTargetHealth: healthy) and records the healthy
count. Prints each cycle's exit code, duration and when it left and rejoined, the time series
as runs of equal counts, and last one line:

    minimum healthy seen: N (min-healthy M)

This is a measurement, not a test: the quorum check is per instance and nothing stops the N
checks from all seeing a full fleet at once (elb-quorum's README admits the same race; the lock
issue closes it). With --lock, a hosted zone is created and given to every cycle (--zone-id,
no --name), so binaries that keep a quorum lock in Route 53 make the leavers take turns:
compare the two minimums. Exit 0 once the measurement is made, whatever it shows; 1 when it could not
be made (no binary, the local AWS did not start, a cycle hung past --cycle-timeout).

Binary: --binary, else $R53HOOK_BINARY, else .build/debug/r53hook (run `swift build` first).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from localaws.launcher import LaunchError, LocalAWSProcess  # noqa: E402

ELB_NAME = "web"
TG_NAME = "web-tg"


class ScenarioError(Exception):
    pass


def say(text: str = "") -> None:
    print(text, flush=True)


# ----------------------------------------------------------------------------- local AWS


class LocalAWS:
    """The local AWS of localaws/launcher.py (loopback, free port), with admin boto3 clients.
    With `verbose`, its request log is kept and its path printed."""

    def __init__(self, verbose: bool):
        log = Path(tempfile.mkstemp(prefix="scenario-localaws-", suffix=".log")[1]) if verbose else None
        try:
            self.process = LocalAWSProcess(insync_delay=0.5, verbose=verbose, log_path=log)
        except LaunchError as exc:
            raise ScenarioError(str(exc)) from exc
        self.endpoint = self.process.endpoint
        self.region = self.process.region
        self.admin = self.process.admin
        self.log = self.process.log

    def control(self, method: str, path: str, body: Any = None) -> Any:
        try:
            return self.process.control(method, path, body)
        except LaunchError as exc:
            raise ScenarioError(str(exc)) from exc

    def client(self, service: str) -> Any:
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id=self.admin["access_key_id"], aws_secret_access_key=self.admin["secret_access_key"],
            config=Config(retries={"total_max_attempts": 5, "mode": "standard"}))

    def stop(self) -> None:
        self.process.stop()


# ----------------------------------------------------------------------------- the fleet


class Fleet:
    """One classic ELB or one target group, and how many of its members are healthy."""

    def __init__(self, aws: LocalAWS, kind: str, draining: int):
        self.aws = aws
        self.kind = kind
        self.draining = draining
        self.arn = ""
        if kind == "elb":
            elb = aws.client("elb")
            elb.create_load_balancer(
                LoadBalancerName=ELB_NAME,
                Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP",
                            "InstancePort": 80}],
                AvailabilityZones=[f"{aws.region}a"])
            elb.modify_load_balancer_attributes(
                LoadBalancerName=ELB_NAME,
                LoadBalancerAttributes={"ConnectionDraining": {"Enabled": True, "Timeout": draining}})
        else:
            ec2, v2 = aws.client("ec2"), aws.client("elbv2")
            [vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
            subnets = [s["SubnetId"] for s in ec2.describe_subnets(
                Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]]
            tg = v2.create_target_group(Name=TG_NAME, Protocol="HTTP", Port=8080, VpcId=vpc["VpcId"],
                                        TargetType="instance")["TargetGroups"][0]
            self.arn = tg["TargetGroupArn"]
            v2.modify_target_group_attributes(TargetGroupArn=self.arn, Attributes=[
                {"Key": "deregistration_delay.timeout_seconds", "Value": str(draining)}])
            lb = v2.create_load_balancer(Name=f"{TG_NAME}-alb", Subnets=subnets[:2])["LoadBalancers"][0]
            v2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                               DefaultActions=[{"Type": "forward", "TargetGroupArn": self.arn}])

    @property
    def label(self) -> str:
        if self.kind == "elb":
            return f"classic ELB {ELB_NAME} (connection draining {self.draining} s)"
        return f"target group {TG_NAME} (deregistration delay {self.draining} s)"

    def cli_args(self) -> list[str]:
        return ["--elb", ELB_NAME] if self.kind == "elb" else ["--target-group", self.arn]

    def register(self, instance_ids: list[str]) -> None:
        if self.kind == "elb":
            self.aws.client("elb").register_instances_with_load_balancer(
                LoadBalancerName=ELB_NAME, Instances=[{"InstanceId": i} for i in instance_ids])
        else:
            self.aws.client("elbv2").register_targets(
                TargetGroupArn=self.arn, Targets=[{"Id": i} for i in instance_ids])

    def healthy(self, client: Any) -> int:
        """Members a quorum may count: InService and not deregistering / ELBv2 healthy."""
        if self.kind == "elb":
            states = client.describe_instance_health(LoadBalancerName=ELB_NAME)["InstanceStates"]
            return sum(1 for s in states
                       if s["State"] == "InService" and "deregistration" not in s.get("Description", "").lower())
        out = client.describe_target_health(TargetGroupArn=self.arn)["TargetHealthDescriptions"]
        return sum(1 for d in out if d["TargetHealth"]["State"] == "healthy")

    def new_client(self) -> Any:
        return self.aws.client("elb" if self.kind == "elb" else "elbv2")


class Monitor(threading.Thread):
    """Samples the healthy count every `interval` s until stopped: [(t, count)], t from t0."""

    def __init__(self, fleet: Fleet, interval: float, t0: float):
        super().__init__(daemon=True)
        self.fleet = fleet
        self.interval = interval
        self.t0 = t0
        self.samples: list[tuple[float, int]] = []
        self.errors = 0
        self.late = 0  # samples that came after their slot (a slow answer)
        self._stop_event = threading.Event()

    def run(self) -> None:
        client = self.fleet.new_client()
        slot = time.monotonic()
        while not self._stop_event.is_set():
            try:
                count = self.fleet.healthy(client)
            except Exception:  # keep sampling: one failed read is not the measurement
                self.errors += 1
            else:
                self.samples.append((time.monotonic() - self.t0, count))
            slot += self.interval
            delay = slot - time.monotonic()
            if delay < 0:
                self.late += 1
                slot = time.monotonic()
                delay = 0
            self._stop_event.wait(delay)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# ----------------------------------------------------------------------------- the cycles


@dataclass
class Cycle:
    index: int
    instance: dict[str, Any]
    code: int | None = None
    started: float = 0.0  # seconds from t0
    ended: float = 0.0
    stderr: str = ""
    stdout: str = ""
    events: dict[str, float] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.ended - self.started


def run_cycle(cycle: Cycle, argv: list[str], env: dict[str, str], barrier: threading.Barrier, t0: float,
              timeout: float) -> None:
    barrier.wait()
    cycle.started = time.monotonic() - t0
    stdout_path = Path(env["HOME"]) / "stdout"
    with stdout_path.open("w") as stdout_fh:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=stdout_fh,
                                stderr=subprocess.PIPE, text=True, cwd=env["HOME"])
    # Timestamp stderr lines as they come, to tell when it left, ran and rejoined.
    lines: list[str] = []

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            now = time.monotonic() - t0
            lines.append(line)
            for key, pattern in (("deregistered", r"deregistered "), ("drained", r"finished draining"),
                                 ("running", r"out of the fleet; running"), ("registered", r"^r53hook: registered "),
                                 ("healthy", r"reports .* healthy"), ("no quorum", r"no quorum yet"),
                                 ("lock wait", r"waiting for lock|held by")):
                if key not in cycle.events and re.search(pattern, line):
                    cycle.events[key] = now

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        cycle.code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        cycle.code = None
    cycle.ended = time.monotonic() - t0
    reader.join(5)
    cycle.stdout = stdout_path.read_text()
    cycle.stderr = "".join(lines)


# ----------------------------------------------------------------------------- report


def runs_of(samples: list[tuple[float, int]]) -> list[tuple[float, float, int, int]]:
    """Consecutive samples of equal count: (from, to, count, samples)."""
    out: list[tuple[float, float, int, int]] = []
    for t, count in samples:
        if out and out[-1][2] == count:
            start, _, c, n = out[-1]
            out[-1] = (start, t, c, n + 1)
        else:
            out.append((t, t, count, 1))
    return out


def report(args: argparse.Namespace, fleet: Fleet, cycles: list[Cycle], monitor: Monitor) -> int:
    say()
    say(f"cycles ({len(cycles)}, released together; times in s from the release):")
    say(f"  {'#':<2} {'instance':<20} {'exit':>4}  {'duration':>8}  {'left':>6}  {'drained':>7}  {'ran':>6}  "
        f"{'rejoined':>8}  {'healthy':>7}")
    for c in cycles:
        ev = c.events

        def at(key: str, ev: dict[str, float] = ev) -> str:
            return f"{ev[key]:6.2f}" if key in ev else "     -"

        code = "hung" if c.code is None else str(c.code)
        say(f"  {c.index:<2} {c.instance['instance_id']:<20} {code:>4}  {c.duration:8.2f}  {at('deregistered')}  "
            f" {at('drained')}  {at('running')}  {at('registered'):>8}  {at('healthy'):>7}")
    waited = [c for c in cycles if "no quorum" in c.events]
    say(f"  {len(waited)} of {len(cycles)} cycles saw no quorum at first and waited")
    if args.lock:
        locked = [c for c in cycles if "lock wait" in c.events]
        say(f"  {len(locked)} of {len(cycles)} cycles said they waited for the quorum lock")
    total = max((c.ended for c in cycles), default=0.0)
    say(f"total duration: {total:.2f} s (all {len(cycles)} cycles)")

    samples = monitor.samples
    say()
    say(f"healthy members of {fleet.label}, sampled every {args.sample_ms} ms "
        f"({len(samples)} samples, {monitor.late} late, {monitor.errors} failed reads):")
    for start, end, count, _n in runs_of(samples):
        bar = "#" * count
        mark = "  < min-healthy" if count < args.min_healthy else ""
        say(f"  {start:6.2f} - {end:6.2f} s  {count:2d}  {bar:<{args.instances}}{mark}")
    if not samples:
        say("minimum healthy seen: none (no sample was read)")
        return 1
    minimum = min(count for _, count in samples)
    below = [t for t, count in samples if count < args.min_healthy]
    first_min = next(t for t, count in samples if count == minimum)
    below_time = len(below) * args.sample_ms / 1000.0
    say(f"below min-healthy: {len(below)} samples (about {below_time:.1f} s); minimum first seen at {first_min:.2f} s")
    failed = [c for c in cycles if c.code != 0]
    if failed:
        say(f"{len(failed)} cycle(s) did not exit 0; last stderr lines:")
        for c in failed:
            tail = c.stderr.strip().splitlines()[-3:]
            for line in tail:
                say(f"  [{c.index}] {line}")
    if args.verbose:
        for c in cycles:
            say(f"--- cycle {c.index} {c.instance['instance_id']} stderr")
            say(c.stderr.rstrip())
    say(f"minimum healthy seen: {minimum} (min-healthy {args.min_healthy})")
    return 1 if any(c.code is None for c in cycles) else 0


# ----------------------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="scenario-cycle",
        description="N instances run `r53hook cycle --min-healthy M -- sleep S` at the same moment; "
                    "a monitor samples the load balancer's healthy count and prints the minimum.")
    p.add_argument("--instances", type=int, default=6, help="instances, all cycling at once (default 6)")
    p.add_argument("--min-healthy", type=int, default=4, help="cycle's --min-healthy (default 4)")
    p.add_argument("--lb", choices=("elb", "tg"), default="elb",
                   help="classic ELB or ELBv2 target group (default elb)")
    p.add_argument("--draining", type=int, default=2,
                   help="connection-draining timeout / deregistration delay, s (default 2)")
    p.add_argument("--healthy-after", type=float, default=1.0,
                   help="s a new registration stays OutOfService / initial (default 1)")
    p.add_argument("--sleep", type=float, default=2.0, help="the command: sleep this long (default 2)")
    p.add_argument("--quorum-interval", type=int, default=None,
                   help="cycle's --quorum-interval (default: r53hook's own)")
    p.add_argument("--quorum-timeout", type=int, default=None,
                   help="cycle's --quorum-timeout (default: r53hook's own)")
    p.add_argument("--lock", action="store_true",
                   help="give every cycle a hosted zone (--zone-id) for the quorum lock")
    p.add_argument("--sample-ms", type=int, default=100, help="monitor interval, ms (default 100)")
    p.add_argument("--cycle-timeout", type=float, default=300.0, help="kill a cycle after this many s (default 300)")
    p.add_argument("--binary", default=None,
                   help="the r53hook binary (default $R53HOOK_BINARY or .build/debug/r53hook)")
    p.add_argument("--verbose", action="store_true", help="print every cycle's stderr; local AWS request log")
    args = p.parse_args(argv)
    if args.instances < 1:
        p.error("--instances must be at least 1")
    if args.min_healthy < 0:
        p.error("--min-healthy must be at least 0")
    if args.sample_ms < 10:
        p.error("--sample-ms must be at least 10")
    if not 1 <= args.draining <= 3600:
        p.error("--draining must be 1-3600")
    return args


def find_binary(args: argparse.Namespace) -> Path:
    raw = args.binary or os.environ.get("R53HOOK_BINARY") or str(ROOT / ".build" / "debug" / "r53hook")
    binary = Path(raw)
    if not binary.is_absolute():
        binary = Path.cwd() / binary
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise ScenarioError(f"no r53hook binary at {binary}: run `swift build` first, or give --binary")
    return binary


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    binary = find_binary(args)
    say(f"scenario-cycle: {args.instances} instances, cycle --min-healthy {args.min_healthy} -- sleep {args.sleep:g}, "
        f"{args.lb}, draining {args.draining} s, healthy after {args.healthy_after:g} s, "
        f"{'with' if args.lock else 'without'} a lock zone; binary {binary}")
    aws = LocalAWS(args.verbose)
    workdir = Path(tempfile.mkdtemp(prefix="scenario-cycle-"))
    try:
        say(f"local AWS at {aws.endpoint} (log {aws.log})")
        aws.control("POST", "/elb", {"healthy_after": args.healthy_after})
        instances = [aws.control("POST", "/instances", {}) for _ in range(args.instances)]
        fleet = Fleet(aws, args.lb, args.draining)
        fleet.register([i["instance_id"] for i in instances])
        client = fleet.new_client()
        deadline = time.monotonic() + args.healthy_after + 30
        while fleet.healthy(client) < args.instances:
            if time.monotonic() > deadline:
                raise ScenarioError(f"the {args.instances} instances did not all get healthy in {fleet.label}")
            time.sleep(0.1)
        say(f"{args.instances} of {args.instances} healthy in {fleet.label}")

        extra: list[str] = []
        if args.lock:
            zone = aws.client("route53").create_hosted_zone(
                Name="scenario.example", CallerReference=f"scenario-{time.time()}")["HostedZone"]["Id"]
            extra += ["--zone-id", zone.split("/")[-1]]
            say(f"quorum lock zone: scenario.example ({zone.split('/')[-1]})")
        if args.quorum_interval is not None:
            extra += ["--quorum-interval", str(args.quorum_interval)]
        if args.quorum_timeout is not None:
            extra += ["--quorum-timeout", str(args.quorum_timeout)]
        sleep_arg = f"{args.sleep:g}"
        cycles = [Cycle(n + 1, inst) for n, inst in enumerate(instances)]
        # Every cycle thread and the main thread meet at the barrier; its release is time 0
        # (give or take the few ms the threads take to get there).
        barrier = threading.Barrier(len(cycles) + 1)
        t0 = time.monotonic()
        monitor = Monitor(fleet, args.sample_ms / 1000.0, t0)
        threads = []
        cmd: list[str] = []
        for c in cycles:
            home = workdir / f"i{c.index}"
            home.mkdir()
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(home),
                "AWS_ENDPOINT_URL": aws.endpoint,
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": c.instance["imds_endpoint"],
                "AWS_REGION": aws.region,
                "R53HOOK_HOLD_FILE": str(home / "hold"),  # absent: never the host's /etc/r53hook/hold
            }
            cmd = [str(binary), "cycle", *fleet.cli_args(), "--min-healthy", str(args.min_healthy), *extra,
                   "--", "sleep", sleep_arg]
            t = threading.Thread(target=run_cycle, args=(c, cmd, env, barrier, t0, args.cycle_timeout), daemon=True)
            t.start()
            threads.append(t)
        say(f"each runs: r53hook {' '.join(cmd[1:])}")
        monitor.start()
        barrier.wait()
        for t in threads:
            t.join()
        time.sleep(0.5)  # a last look after the slowest rejoin
        monitor.stop()
        return report(args, fleet, cycles, monitor)
    finally:
        aws.stop()


def cli(argv: list[str]) -> int:
    """scripts/scenario-cycle: main() with its errors as one line and an exit status."""
    try:
        return main(argv)
    except ScenarioError as err:
        print(f"scenario-cycle: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
