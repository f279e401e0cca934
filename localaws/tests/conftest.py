"""One local AWS for the whole session, reset before every test."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from localaws.launcher import LocalAWSProcess

REPO = Path(__file__).resolve().parents[2]
INSYNC_DELAY = 1.0


class LocalAWS:
    def __init__(self, info: dict[str, Any]):
        self.info = info
        self.endpoint: str = info["endpoint"]
        self.control_url: str = info["control"]
        self.admin: dict[str, str] = info["admin"]

    def client(self, service: str, key: str | None = None, secret: str | None = None,
               token: str | None = None, region: str = "us-east-1", retries: int = 1, **config: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=key or self.admin["access_key_id"],
            aws_secret_access_key=secret or self.admin["secret_access_key"],
            aws_session_token=token,
            config=Config(retries={"total_max_attempts": retries, "mode": "standard"}, **config),
        )

    def control(self, method: str, path: str, body: Any = None) -> Any:
        r = requests.request(method, self.control_url + path, json=body, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def signed(self, method: str, path: str, service: str, body: bytes = b"", *,
               key: str | None = None, secret: str | None = None, token: str | None = None,
               region: str = "us-east-1", when: dt.datetime | None = None,
               headers: dict[str, str] | None = None) -> requests.Response:
        """Sign a raw request with botocore's own SigV4 signer and send it."""
        url = self.endpoint + path
        req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
        creds = Credentials(key or self.admin["access_key_id"], secret or self.admin["secret_access_key"], token)
        stamp = (when or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None)
        with mock.patch("botocore.auth.get_current_datetime", return_value=stamp):
            SigV4Auth(creds, service, region).add_auth(req)
        prepared = req.prepare()
        return requests.request(method, url, headers=dict(prepared.headers), data=body, timeout=30)

    def create_zone(self, name: str = "example.com", private_vpc: str | None = None) -> str:
        r53 = self.client("route53")
        kwargs: dict[str, Any] = {"Name": name, "CallerReference": str(uuid.uuid4())}
        if private_vpc:
            kwargs["HostedZoneConfig"] = {"PrivateZone": True, "Comment": "private"}
            kwargs["VPC"] = {"VPCRegion": "us-east-1", "VPCId": private_vpc}
        zone_id: str = r53.create_hosted_zone(**kwargs)["HostedZone"]["Id"]
        return zone_id.split("/")[-1]


@pytest.fixture(scope="session")
def server() -> Any:
    # The one launcher the integration harness, the benchmarks and the demo use too.
    with LocalAWSProcess(insync_delay=INSYNC_DELAY) as launched:
        yield LocalAWS(launched.info)


@pytest.fixture()
def aws(server: LocalAWS) -> LocalAWS:
    server.control("POST", "/reset")
    return server


@pytest.fixture()
def zone(aws: LocalAWS) -> str:
    return aws.create_zone()


def weighted(name: str, set_id: str, value: str, weight: int = 10, ttl: int = 60, rtype: str = "A",
             action: str = "CREATE", health_check: str | None = None) -> dict[str, Any]:
    rrs: dict[str, Any] = {
        "Name": name, "Type": rtype, "SetIdentifier": set_id, "Weight": weight, "TTL": ttl,
        "ResourceRecords": [{"Value": value}],
    }
    if health_check:
        rrs["HealthCheckId"] = health_check
    return {"Action": action, "ResourceRecordSet": rrs}


def simple(name: str, value: str, ttl: int = 60, rtype: str = "A", action: str = "CREATE") -> dict[str, Any]:
    return {"Action": action, "ResourceRecordSet": {"Name": name, "Type": rtype, "TTL": ttl,
                                                    "ResourceRecords": [{"Value": value}]}}


def batch(*changes: dict[str, Any]) -> dict[str, Any]:
    return {"Changes": list(changes)}


def error_messages(exc: Any) -> list[str]:
    """Messages of an InvalidChangeBatch in either wire shape."""
    resp = exc.response
    msgs = resp.get("Messages", {}).get("Message") if isinstance(resp.get("Messages"), dict) else None
    if msgs is not None:
        return msgs if isinstance(msgs, list) else [msgs]
    return [resp["Error"]["Message"]]


def wait_for(predicate: Any, timeout: float = 5.0, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
