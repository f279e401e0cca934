"""The per-test world: a freshly reset local AWS (one new EC2 instance with its strict IMDSv2
emulator, an empty public hosted zone example.com, no faults, zero stats) and the r53hook binary
run against it from a controlled environment.

One local AWS process serves the whole session (signature checking on), started by
`start_localaws()` through localaws/launcher.py; every test that asks for `aws` (conftest.py)
gets a new World on it. By default the binary finds its credentials as on EC2: the instance role
through IMDS.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from fleet import Fleet
from marks import MarkPattern, is_mark_name, mark_name
from runner import NAME, PATH_ENV, REPO, ZONE, Run, run_binary

if str(REPO) not in sys.path:  # localaws/ is a package at the repository's root
    sys.path.insert(0, str(REPO))
from localaws.launcher import LaunchError, LocalAWSProcess, zone_records  # noqa: E402

# Short enough to keep the suite fast, long enough that "waited for INSYNC" is
# measurable. Tests that time things set their own delay.
DEFAULT_INSYNC = 0.5


def start_localaws() -> LocalAWSProcess:
    """The session's local AWS (request log on, for the reports of failed tests)."""
    try:
        return LocalAWSProcess(insync_delay=DEFAULT_INSYNC, verbose=True)
    except LaunchError as exc:
        pytest.fail(str(exc), pytrace=False)


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
        return zone_records(self.r53, zone_id or self.zone_id)

    def change(self, *changes: dict[str, Any], zone_id: str | None = None) -> None:
        self.r53.change_resource_record_sets(HostedZoneId=zone_id or self.zone_id,
                                             ChangeBatch={"Changes": list(changes)})

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
        run = run_binary(argv, run_env, self.tmp, timeout)
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
