"""Helpers to run the real r53hook binary against the project's local AWS (localaws/).

The fixtures built on them are in conftest.py; tests import names from here.

One local AWS process serves the whole session (signature checking on); every test
that asks for `aws` gets it reset, with a fresh EC2 instance (and its strict IMDSv2
emulator) and an empty public hosted zone example.com.

The binary runs from an EMPTY environment plus PATH and HOME=tmp_path, so the
developer's ~/.aws, AWS_* variables or proxies never leak in. By default it finds
its credentials as on EC2: the instance role through IMDS.

Binary: $R53HOOK_TEST_BINARY, default .build/debug/r53hook (build it first:
`swift build`). A missing binary fails every test that needs it, on purpose: CI
builds before it tests.

Every address record r53hook makes has a companion registry mark (see `MarkPattern`):
`World.pair()` is the two records `start` writes, in Route 53's order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("R53HOOK_TEST_BINARY") or REPO / ".build" / "debug" / "r53hook")
if not BINARY.is_absolute():
    BINARY = REPO / BINARY

# Short enough to keep the suite fast, long enough that "waited for INSYNC" is
# measurable. Tests that time things set their own delay.
DEFAULT_INSYNC = 0.5
ZONE = "example.com"
NAME = "www.example.com"
PATH_ENV = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")


# --------------------------------------------------------------------- the registry mark

MARK_PREFIX = '"r53hook-member v=1 instance='
MARK_KEYS = {"Name", "Type", "SetIdentifier", "Weight", "TTL", "ResourceRecords"}


def mark_name(name: str = NAME, rtype: str = "A") -> str:
    """Where the marks of NAME's TYPE records live: `_r53hook-a.www.example.com.`."""
    return f"_r53hook-{rtype.lower()}.{name.lower().rstrip('.')}."


def is_mark_name(rec: dict[str, Any]) -> bool:
    """Whether a record of the zone sits at a registry mark's name (marks and impostors alike)."""
    return rec["Name"].startswith("_r53hook-")


def mark_words(rec: dict[str, Any]) -> dict[str, str]:
    """The key=value words of a mark's value: {"instance": ..., "address": ..., "joined": ...}."""
    value = rec["ResourceRecords"][0]["Value"].strip('"')
    return dict(word.split("=", 1) for word in value.split()[1:] if "=" in word)


class MarkPattern:
    """r53hook's registry mark of one member, as a pattern that compares equal to the record
    dict (from ListResourceRecordSets) that is exactly that mark: a weighted TXT record at
    `_r53hook-<type>.<name>`, the member's set identifier, weight 0, TTL 60, one value
    `"r53hook-member v=1 instance=... address=<address> az=... joined=<unix time>"`, nothing
    else (no health check, no other routing policy). The join time and the zone vary from run
    to run, so they are only checked for shape; the instance id is checked when given.
    Usable inside lists: `aws.records() == [aws.expected(), aws.expected_mark()]`."""

    def __init__(self, name: str, rtype: str, set_id: str, address: str, instance: str | None = None):
        self.name = mark_name(name, rtype)
        self.set_id = set_id
        self.address = address
        self.instance = instance

    def problems(self, rec: Any) -> list[str]:
        if not isinstance(rec, dict):
            return [f"not a record: {rec!r}"]
        out = []
        want = {"Name": self.name, "Type": "TXT", "SetIdentifier": self.set_id, "Weight": 0, "TTL": 60}
        out += [f"{k} {rec.get(k)!r} != {v!r}" for k, v in want.items() if rec.get(k) != v]
        if set(rec) != MARK_KEYS:
            out.append(f"keys {sorted(rec)} != {sorted(MARK_KEYS)}")
        values = rec.get("ResourceRecords") or []
        if len(values) != 1:
            return out + [f"{len(values)} values, not 1"]
        value = values[0]["Value"]
        if not value.startswith(MARK_PREFIX) or not value.endswith('"'):
            return out + [f"value {value!r} does not start with {MARK_PREFIX!r}"]
        words = mark_words(rec)
        if f" address={self.address} " not in value.rstrip('"') + " ":
            out.append(f"value {value!r} lacks address={self.address}")
        if not words.get("joined", "").isdigit():
            out.append(f"value {value!r} lacks joined=<unix time>")
        if self.instance is not None and words.get("instance") != self.instance:
            out.append(f"value {value!r} lacks instance={self.instance}")
        return out

    def __eq__(self, other: Any) -> bool:
        return not self.problems(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = f", instance={self.instance!r}" if self.instance else ""
        return f"MarkPattern(name={self.name!r}, set_id={self.set_id!r}, address={self.address!r}{extra})"


# --------------------------------------------------------------------- local AWS process


class LocalAWSProcess:
    """The `python3 -m localaws` subprocess: its endpoints and its stderr log."""

    def __init__(self) -> None:
        self.log = Path(tempfile.mkstemp(prefix="localaws-", suffix=".log")[1])
        self._log_fh = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "localaws", "--port", "0", "--insync-delay", str(DEFAULT_INSYNC), "--verbose"],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log_fh,
        )
        line = self._first_line(timeout=60)
        if not line:
            self.stop()
            pytest.fail(f"localaws did not start (exit {self.proc.poll()}); its stderr:\n{self.log_text()}", pytrace=False)
        try:
            self.info = json.loads(line)
        except ValueError:
            self.stop()
            pytest.fail(f"localaws printed {line!r} instead of a JSON line; stderr:\n{self.log_text()}", pytrace=False)
        self.endpoint: str = self.info["endpoint"]
        self.control_url: str = self.info["control"]
        self.admin: dict[str, str] = self.info["admin"]

    def _first_line(self, timeout: float) -> str:
        out: list[bytes] = []
        assert self.proc.stdout is not None
        reader = threading.Thread(target=lambda: out.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return out[0].decode().strip() if out else ""

    def log_size(self) -> int:
        self._log_fh.flush()
        return self.log.stat().st_size

    def log_text(self, since: int = 0) -> str:
        self._log_fh.flush()
        with self.log.open("rb") as fh:
            fh.seek(since)
            return fh.read().decode(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_fh.close()


# --------------------------------------------------------------------- running the binary


@dataclass
class Run:
    argv: list[str]
    code: int
    stdout: str
    stderr: str
    started: float  # time.time() when the process was started
    ended: float  # time.time() when it exited
    elapsed: float  # monotonic wall time
    env: dict[str, str] = field(repr=False, default_factory=dict)

    def describe(self) -> str:
        shown = {k: v for k, v in self.env.items() if "SECRET" not in k and "TOKEN" not in k}
        return (f"argv: {self.argv}\nenv: {shown}\nexit: {self.code} after {self.elapsed:.2f} s\n"
                f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}")

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


# --------------------------------------------------------------------- the per-test world


class World:
    """A freshly reset local AWS: one new instance, an empty public zone example.com,
    no faults, the default INSYNC delay, zero stats."""

    def __init__(self, server: LocalAWSProcess, binary: Path, tmp_path: Path):
        self.server = server
        self.binary = binary
        self.tmp = tmp_path
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.endpoint = server.endpoint
        self.admin = server.admin
        self.runs: list[Run] = []
        self._fleet: Fleet | None = None
        self.log_offset = server.log_size()
        # Zones, records, instances, faults, stats, the INSYNC delay: all back to the start.
        self.control("POST", "/reset")
        self.r53 = self.client("route53")
        self.ec2 = self.client("ec2")
        self.instance = self.create_instance()
        self.zone_id = self.create_zone()
        self.clear_stats()

    # ---- control API and AWS clients
    def control(self, method: str, path: str, body: Any = None) -> Any:
        r = requests.request(method, self.server.control_url + path, json=body, timeout=30)
        assert r.status_code == 200, f"control {method} {path}: {r.status_code} {r.text}"
        return r.json()

    def client(self, service: str, key: str | None = None, secret: str | None = None) -> Any:
        # Retries on: the inspecting client must get through throttling like any client.
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=key or self.admin["access_key_id"],
            aws_secret_access_key=secret or self.admin["secret_access_key"],
            config=Config(retries={"total_max_attempts": 10, "mode": "standard"}),
        )

    def create_instance(self, **body: Any) -> dict[str, Any]:
        """A new EC2 instance with its own IMDS (body: public_ipv4, ipv6, tokens, ...)."""
        return self.control("POST", "/instances", body)

    def patch_instance(self, instance_id: str | None = None, **body: Any) -> dict[str, Any]:
        return self.control("PATCH", f"/instances/{instance_id or self.instance['instance_id']}", body)

    def faults(self, **body: Any) -> dict[str, Any]:
        return self.control("POST", "/faults", body)

    def clear_faults(self) -> None:
        self.control("DELETE", "/faults")

    def insync_delay(self, seconds: float) -> None:
        self.control("POST", "/route53", {"insync_delay": seconds})

    def stats(self) -> dict[str, Any]:
        return self.control("GET", "/stats")

    def clear_stats(self) -> None:
        self.control("DELETE", "/stats")

    def route53_calls(self) -> dict[str, int]:
        return dict(self.stats()["requests"].get("route53", {}))

    def create_zone(self, name: str = ZONE, vpc_id: str | None = None) -> str:
        kwargs: dict[str, Any] = {"Name": name, "CallerReference": str(uuid.uuid4())}
        if vpc_id:
            kwargs["HostedZoneConfig"] = {"PrivateZone": True, "Comment": "private"}
            kwargs["VPC"] = {"VPCRegion": "us-east-1", "VPCId": vpc_id}
        zone_id: str = self.r53.create_hosted_zone(**kwargs)["HostedZone"]["Id"]
        return zone_id.split("/")[-1]

    def create_private_zone(self, name: str = ZONE) -> str:
        """A private zone of the instances' (default) VPC."""
        [vpc] = self.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        return self.create_zone(name, vpc_id=vpc["VpcId"])

    def create_health_check(self) -> str:
        hc = self.r53.create_health_check(
            CallerReference=str(uuid.uuid4()),
            HealthCheckConfig={"IPAddress": "192.0.2.1", "Port": 80, "Type": "HTTP", "ResourcePath": "/"},
        )
        return hc["HealthCheck"]["Id"]

    # ---- Route 53 state
    def records(self, zone_id: str | None = None) -> list[dict[str, Any]]:
        """Every record of the zone except the apex NS and SOA, in Route 53's order."""
        out: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"HostedZoneId": zone_id or self.zone_id}
        while True:
            page = self.r53.list_resource_record_sets(**kwargs)
            out += page["ResourceRecordSets"]
            if not page["IsTruncated"]:
                break
            kwargs.update(StartRecordName=page["NextRecordName"], StartRecordType=page["NextRecordType"])
            if "NextRecordIdentifier" in page:
                kwargs["StartRecordIdentifier"] = page["NextRecordIdentifier"]
        return [r for r in out if r["Type"] not in ("NS", "SOA")]

    def change(self, *changes: dict[str, Any], zone_id: str | None = None) -> None:
        self.r53.change_resource_record_sets(HostedZoneId=zone_id or self.zone_id, ChangeBatch={"Changes": list(changes)})

    def expected(self, *, name: str = NAME, rtype: str = "A", set_id: str | None = None, weight: int = 10,
                 ttl: int = 60, value: str | None = None, health_check: str | None = None) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "Name": name.lower().rstrip(".") + ".",
            "Type": rtype,
            "SetIdentifier": set_id or self.instance["instance_id"],
            "Weight": weight,
            "TTL": ttl,
            "ResourceRecords": [{"Value": value or self.instance["public_ipv4"]}],
        }
        if health_check:
            rec["HealthCheckId"] = health_check
        return rec

    def expected_mark(self, *, name: str = NAME, rtype: str = "A", set_id: str | None = None,
                      value: str | None = None, instance: str | None = None) -> MarkPattern:
        """The registry mark `start` writes beside `expected(...)` with the same arguments: the
        same set identifier and address (`value`); `instance`, when given, the instance id in it."""
        return MarkPattern(name, rtype, set_id or self.instance["instance_id"],
                           value or self.instance["public_ipv4"], instance)

    def pair(self, *, name: str = NAME, rtype: str = "A", set_id: str | None = None, weight: int = 10,
             ttl: int = 60, value: str | None = None, health_check: str | None = None,
             instance: str | None = None) -> list[Any]:
        """What `start` writes, in Route 53's order (the mark's name sorts after the record's):
        the address record `expected(...)` and its registry mark `expected_mark(...)`."""
        return [self.expected(name=name, rtype=rtype, set_id=set_id, weight=weight, ttl=ttl, value=value,
                              health_check=health_check),
                self.expected_mark(name=name, rtype=rtype, set_id=set_id, value=value, instance=instance)]

    def mark(self, set_id: str | None = None, *, name: str = NAME, rtype: str = "A",
             zone_id: str | None = None) -> dict[str, Any] | None:
        """The record at the mark's name with this set identifier (default: the instance's), or None."""
        want = set_id or self.instance["instance_id"]
        found = [r for r in self.records(zone_id) if r["Name"] == mark_name(name, rtype)
                 and r["Type"] == "TXT" and r.get("SetIdentifier") == want]
        assert len(found) <= 1, found
        return found[0] if found else None

    def addresses(self, zone_id: str | None = None) -> list[dict[str, Any]]:
        """The zone's records without those at a registry mark's name."""
        return [r for r in self.records(zone_id) if not is_mark_name(r)]

    def replace(self, old: dict[str, Any], new: dict[str, Any], zone_id: str | None = None) -> None:
        """Change a record by hand in one batch [DELETE old, CREATE new], as an operator (or
        another tool) would; its registry mark, if any, is left as it is."""
        self.change({"Action": "DELETE", "ResourceRecordSet": old}, {"Action": "CREATE", "ResourceRecordSet": new},
                    zone_id=zone_id)

    def change_batches(self) -> int:
        """ChangeResourceRecordSets calls Route 53 accepted since the stats were cleared."""
        return sum(1 for e in self.stats()["timeline"] if e[1:3] == ["route53", "ChangeResourceRecordSets"]
                   and e[3] == 200)

    # ---- running r53hook
    def env(self, instance: dict[str, Any] | None = None, **extra: str | None) -> dict[str, str]:
        """The controlled environment: nothing of the caller's but PATH."""
        inst = instance or self.instance
        env = {
            "PATH": PATH_ENV,
            "HOME": str(self.home),
            # heartbeat keeps its memo here (systemd sets it from RuntimeDirectory=), not in /run.
            "RUNTIME_DIRECTORY": str(self.home),
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": inst["imds_endpoint"],
        }
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def run(self, command: str, *args: str, env: dict[str, str] | None = None, zone: bool = True,
            name: bool = True, timeout: float = 60, instance: dict[str, Any] | None = None,
            **extra_env: str | None) -> Run:
        """r53hook COMMAND --zone-id ZONE --name www.example.com ARGS (zone/name optional)."""
        argv = [str(self.binary), command]
        if zone:
            argv += ["--zone-id", self.zone_id]
        if name:
            argv += ["--name", NAME]
        argv += list(args)
        run_env = env if env is not None else self.env(instance, **extra_env)
        started = time.time()
        t0 = time.monotonic()
        try:
            proc = subprocess.run(argv, env=run_env, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, cwd=self.tmp)
        except subprocess.TimeoutExpired as exc:  # run() has killed it
            timed_out = exc
        else:
            timed_out = None
        if timed_out is not None:
            out, err = (x.decode(errors="replace") if isinstance(x, bytes) else (x or "")
                        for x in (timed_out.stdout, timed_out.stderr))
            pytest.fail(f"{argv} did not exit within {timeout} s\nstdout:\n{out}\nstderr:\n{err}", pytrace=False)
        run = Run(argv, proc.returncode, proc.stdout, proc.stderr, started, time.time(),
                  time.monotonic() - t0, run_env)
        self.runs.append(run)
        return run

    @property
    def fleet(self) -> Fleet:
        if self._fleet is None:
            self._fleet = Fleet(self)
        return self._fleet

    def hook(self, command: str, *args: str, dns: bool = False, instance: dict[str, Any] | None = None,
             timeout: float = 60, **extra_env: str | None) -> Run:
        """r53hook COMMAND ARGS for the load balancer tests: AWS_REGION set to the local AWS's,
        and the hold file in tmp_path (absent unless a test creates it), never /etc/r53hook/hold.
        With `dns`, also --zone-id ZONE --name www.example.com."""
        env: dict[str, str | None] = {"AWS_REGION": self.fleet.region, "R53HOOK_HOLD_FILE": str(self.hold_file)}
        env.update(extra_env)
        return self.run(command, *args, zone=dns, name=dns, instance=instance, timeout=timeout, **env)

    @property
    def hold_file(self) -> Path:
        return self.tmp / "hold"

    def popen(self, command: str, *args: str, instance: dict[str, Any] | None = None,
              **extra_env: str | None) -> subprocess.Popen[str]:
        argv = [str(self.binary), command, "--zone-id", self.zone_id, "--name", NAME, *args]
        return subprocess.Popen(argv, env=self.env(instance, **extra_env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=self.tmp)

    # ---- IMDS, as a client on the instance would see it
    def imds_get(self, path: str, instance: dict[str, Any] | None = None) -> str:
        base = (instance or self.instance)["imds_endpoint"]
        token = requests.put(base + "/latest/api/token",
                             headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"}, timeout=10).text
        r = requests.get(base + "/latest/meta-data/" + path, headers={"X-aws-ec2-metadata-token": token}, timeout=10)
        r.raise_for_status()
        return r.text

    def role_credentials(self, instance: dict[str, Any] | None = None) -> dict[str, str]:
        inst = instance or self.instance
        return json.loads(self.imds_get("iam/security-credentials/" + inst["role_name"], inst))


# --------------------------------------------------------------------- load balancers

DRAINING_TEXT = "Instance deregistration currently in progress"


class Later:
    """Runs `action` once, `delay` seconds from now, on a background thread; `fired_at`
    is the time.time() it ran (None until then). Use as a context manager so the thread
    is always joined (and cancelled when the test ended first)."""

    def __init__(self, delay: float, action: Any):
        self.delay = delay
        self.fired_at: float | None = None
        self.error: BaseException | None = None
        self._action = action
        self._timer = threading.Timer(delay, self._fire)

    def _fire(self) -> None:
        try:
            self._action()
        except BaseException as exc:  # reported by __exit__
            self.error = exc
        self.fired_at = time.time()

    def __enter__(self) -> "Later":
        self._timer.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._timer.cancel()
        self._timer.join()
        if self.error is not None and exc[0] is None:
            raise self.error


class Fleet:
    """Load balancers in the local AWS, seen and changed with the admin keys: classic ELBs,
    ELBv2 target groups, health over time (localaws/elb.py). Reached as `World.fleet`."""

    def __init__(self, world: "World"):
        self.world = world
        self.region: str = world.server.info.get("region", "us-east-1")
        self.elb = world.client("elb")
        self.elbv2 = world.client("elbv2")

    # ---- settings of the emulator
    def healthy_after(self, seconds: float) -> None:
        """Seconds a new registration stays OutOfService / initial."""
        self.world.control("POST", "/elb", {"healthy_after": seconds})

    def force(self, instance_id: str, health: str | None) -> None:
        """Force "healthy" or "unhealthy" everywhere; None lets time decide again."""
        self.world.patch_instance(instance_id, elb_health=health)

    # ---- classic ELB
    def create_elb(self, name: str = "web", draining: int | None = None) -> str:
        """A classic ELB; with `draining`, connection draining on with that timeout (s)."""
        self.elb.create_load_balancer(
            LoadBalancerName=name,
            Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 80}],
            AvailabilityZones=[f"{self.region}a"],
        )
        if draining is not None:
            self.elb.modify_load_balancer_attributes(
                LoadBalancerName=name,
                LoadBalancerAttributes={"ConnectionDraining": {"Enabled": True, "Timeout": draining}})
        return name

    def register(self, name: str, *instance_ids: str) -> None:
        self.elb.register_instances_with_load_balancer(
            LoadBalancerName=name, Instances=[{"InstanceId": i} for i in instance_ids])

    def deregister(self, name: str, *instance_ids: str) -> None:
        self.elb.deregister_instances_from_load_balancer(
            LoadBalancerName=name, Instances=[{"InstanceId": i} for i in instance_ids])

    def elb_states(self, name: str) -> dict[str, tuple[str, str]]:
        """{instance id: (State, Description)} of every instance the ELB reports (draining too)."""
        states = self.elb.describe_instance_health(LoadBalancerName=name)["InstanceStates"]
        return {s["InstanceId"]: (s["State"], s.get("Description", "")) for s in states}

    def elb_healthy(self, name: str) -> set[str]:
        """Instances counted healthy for a quorum: InService, not draining."""
        return {i for i, (state, desc) in self.elb_states(name).items()
                if state == "InService" and "deregistration" not in desc.lower()}

    # ---- ELBv2
    def create_target_group(self, name: str = "tg", delay: int | None = None, port: int = 8080,
                            listener: bool = True) -> str:
        """An instance target group of the default VPC; with `listener`, an application load
        balancer forwarding to it (without one it reports every target unused)."""
        ec2 = self.world.ec2
        [vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        tg = self.elbv2.create_target_group(Name=name, Protocol="HTTP", Port=port, VpcId=vpc["VpcId"],
                                            TargetType="instance")["TargetGroups"][0]
        arn: str = tg["TargetGroupArn"]
        if delay is not None:
            self.elbv2.modify_target_group_attributes(
                TargetGroupArn=arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": str(delay)}])
        if listener:
            subnets = [s["SubnetId"] for s in ec2.describe_subnets(
                Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]]
            lb = self.elbv2.create_load_balancer(Name=f"{name}-alb", Subnets=subnets[:2])["LoadBalancers"][0]
            self.elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                                       DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])
        return arn

    def register_targets(self, arn: str, *instance_ids: str) -> None:
        self.elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": i} for i in instance_ids])

    def target_states(self, arn: str, *instance_ids: str) -> dict[str, str]:
        """{instance id: State} of the registered and draining targets (or of those asked for)."""
        kwargs: dict[str, Any] = {"TargetGroupArn": arn}
        if instance_ids:
            kwargs["Targets"] = [{"Id": i} for i in instance_ids]
        out = self.elbv2.describe_target_health(**kwargs)["TargetHealthDescriptions"]
        return {d["Target"]["Id"]: d["TargetHealth"]["State"] for d in out}

    # ---- waiting
    def wait_until(self, predicate: Any, timeout: float = 15, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout} s waiting for {what}", pytrace=False)
            time.sleep(0.1)

    def instances(self, count: int) -> list[dict[str, Any]]:
        """`count` more EC2 instances, each with its own IMDS."""
        return [self.world.create_instance() for _ in range(count)]


# --------------------------------------------------------------------- measurements

MEASUREMENTS: dict[str, str] = {}


def measure(name: str, value: str) -> None:
    """Record a figure to show in the terminal summary (e.g. stop's own overhead)."""
    MEASUREMENTS[name] = value
