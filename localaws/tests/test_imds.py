"""The strict IMDSv2 emulator (local-aws.md item 11)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from .conftest import LocalAWS, batch, simple

TTL = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN = "X-aws-ec2-metadata-token"


@pytest.fixture()
def instance(aws: LocalAWS) -> dict[str, Any]:
    return aws.control("POST", "/instances", {})


def token(imds: str, ttl: int = 60) -> str:
    r = requests.put(imds + "/latest/api/token", headers={TTL: str(ttl)}, timeout=5)
    assert r.status_code == 200 and r.headers[TTL] == str(ttl)
    return r.text


def get(imds: str, path: str, tok: str | None = None) -> requests.Response:
    headers = {TOKEN: tok} if tok else {}
    return requests.get(imds + "/latest/" + path, headers=headers, timeout=5)


def test_instance_matches_ec2(aws: LocalAWS, instance: dict[str, Any]) -> None:
    assert instance["instance_id"].startswith("i-")
    assert instance["region"] == "us-east-1" and instance["availability_zone"] == "us-east-1a"
    assert instance["public_ipv4"] and instance["ipv6"] is None
    described = aws.client("ec2").describe_instances(InstanceIds=[instance["instance_id"]])
    inst = described["Reservations"][0]["Instances"][0]
    assert inst["State"]["Name"] == "running"
    assert inst["PrivateIpAddress"] == instance["private_ipv4"]
    assert inst["PublicIpAddress"] == instance["public_ipv4"]
    assert inst["MetadataOptions"]["HttpTokens"] == "required"
    assert inst["IamInstanceProfile"]["Arn"].endswith("/" + instance["role_name"])
    imds = instance["imds_endpoint"]
    tok = token(imds)
    assert get(imds, "meta-data/instance-id", tok).text == instance["instance_id"]
    assert get(imds, "meta-data/placement/region", tok).text == "us-east-1"
    assert get(imds, "meta-data/placement/availability-zone", tok).text == "us-east-1a"
    assert get(imds, "meta-data/local-ipv4", tok).text == instance["private_ipv4"]
    assert get(imds, "meta-data/public-ipv4", tok).text == instance["public_ipv4"]
    assert get(imds, "meta-data/mac", tok).text == instance["mac"]
    assert get(imds, "meta-data/ipv6", tok).status_code == 404
    doc = get(imds, "dynamic/instance-identity/document", tok).json()
    assert doc["instanceId"] == instance["instance_id"] and doc["region"] == "us-east-1"
    assert doc["availabilityZone"] == "us-east-1a" and doc["privateIp"] == instance["private_ipv4"]


def test_instance_without_public_address_with_ipv6(aws: LocalAWS) -> None:
    inst = aws.control("POST", "/instances", {"public_ipv4": False, "ipv6": True, "availability_zone": "us-east-1b"})
    assert inst["public_ipv4"] is None and inst["ipv6"]
    imds, tok = inst["imds_endpoint"], token(inst["imds_endpoint"])
    assert get(imds, "meta-data/public-ipv4", tok).status_code == 404
    assert get(imds, "meta-data/ipv6", tok).text == inst["ipv6"]
    assert get(imds, f"meta-data/network/interfaces/macs/{inst['mac']}/ipv6s", tok).text == inst["ipv6"]
    assert get(imds, "meta-data/placement/availability-zone", tok).text == "us-east-1b"
    [reservation] = aws.client("ec2").describe_instances(InstanceIds=[inst["instance_id"]])["Reservations"]
    described = reservation["Instances"][0]
    assert "PublicIpAddress" not in described
    assert described["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"] == inst["ipv6"]


def test_token_rules(instance: dict[str, Any]) -> None:
    imds = instance["imds_endpoint"]
    url = imds + "/latest/api/token"
    assert requests.put(url, timeout=5).status_code == 400
    for bad in ("0", "21601", "abc", "-1"):
        assert requests.put(url, headers={TTL: bad}, timeout=5).status_code == 400
    assert requests.put(url, headers={TTL: "21600"}, timeout=5).status_code == 200
    assert requests.get(url, headers={TTL: "60"}, timeout=5).status_code == 405
    assert requests.put(url, headers={TTL: "60", "X-Forwarded-For": "10.0.0.1"}, timeout=5).status_code == 403


def test_tokens_required(instance: dict[str, Any]) -> None:
    imds = instance["imds_endpoint"]
    assert get(imds, "meta-data/instance-id").status_code == 401
    assert get(imds, "meta-data/instance-id", "not-a-token").status_code == 401
    assert get(imds, "meta-data/instance-id", token(imds)).status_code == 200


def test_tokens_expire(instance: dict[str, Any]) -> None:
    imds = instance["imds_endpoint"]
    tok = token(imds, ttl=1)
    assert get(imds, "meta-data/instance-id", tok).status_code == 200
    time.sleep(1.2)
    assert get(imds, "meta-data/instance-id", tok).status_code == 401


def test_tokens_optional_allows_v1_but_not_bad_tokens(aws: LocalAWS) -> None:
    inst = aws.control("POST", "/instances", {"tokens": "optional"})
    imds = inst["imds_endpoint"]
    assert get(imds, "meta-data/instance-id").text == inst["instance_id"]
    assert get(imds, "meta-data/instance-id", "bogus").status_code == 401
    assert get(imds, "meta-data/instance-id", token(imds)).status_code == 200


def test_unknown_and_absent_paths_are_404(instance: dict[str, Any]) -> None:
    imds, tok = instance["imds_endpoint"], token(instance["imds_endpoint"])
    for path in ("meta-data/nope", "meta-data/spot/instance-action", "meta-data/events/recommendations/rebalance",
                 "meta-data/autoscaling/target-lifecycle-state", "meta-data/iam/security-credentials/other-role",
                 "nonsense", "meta-data/placement/region/deeper"):
        r = get(imds, path, tok)
        assert r.status_code == 404, path
    assert requests.get(imds + "/whatever", headers={TOKEN: tok}, timeout=5).status_code == 404


def test_settable_items(aws: LocalAWS, instance: dict[str, Any]) -> None:
    imds, tok = instance["imds_endpoint"], token(instance["imds_endpoint"])
    action = {"action": "terminate", "time": "2030-01-01T00:00:00Z"}
    aws.control("PATCH", f"/instances/{instance['instance_id']}", {"items": {
        "spot/instance-action": json.dumps(action),
        "events/recommendations/rebalance": '{"noticeTime": "2030-01-01T00:00:00Z"}',
        "autoscaling/target-lifecycle-state": "InService",
    }})
    assert get(imds, "meta-data/spot/instance-action", tok).json() == action
    assert get(imds, "meta-data/events/recommendations/rebalance", tok).json()["noticeTime"]
    assert get(imds, "meta-data/autoscaling/target-lifecycle-state", tok).text == "InService"
    aws.control("PATCH", f"/instances/{instance['instance_id']}",
                {"items": {"autoscaling/target-lifecycle-state": "Terminated"}})
    assert get(imds, "meta-data/autoscaling/target-lifecycle-state", tok).text == "Terminated"
    aws.control("PATCH", f"/instances/{instance['instance_id']}", {"items": {"spot/instance-action": None}})
    assert get(imds, "meta-data/spot/instance-action", tok).status_code == 404


def credentials(imds: str) -> dict[str, Any]:
    tok = token(imds)
    role = get(imds, "meta-data/iam/security-credentials/", tok).text
    r = get(imds, f"meta-data/iam/security-credentials/{role}", tok)
    assert r.status_code == 200
    return r.json()


def test_role_credentials_work_with_the_role_policy(aws: LocalAWS, zone: str) -> None:
    inst = aws.control("POST", "/instances", {"role_policy": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["route53:ListResourceRecordSets", "ec2:DescribeInstances"],
                       "Resource": "*"}],
    }})
    imds = inst["imds_endpoint"]
    tok = token(imds)
    assert get(imds, "meta-data/iam/security-credentials/", tok).text == inst["role_name"]
    creds = credentials(imds)
    assert creds["Code"] == "Success" and creds["Type"] == "AWS-HMAC"
    assert time.strptime(creds["Expiration"], "%Y-%m-%dT%H:%M:%SZ")
    assert time.strptime(creds["LastUpdated"], "%Y-%m-%dT%H:%M:%SZ")
    keys = dict(key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["Token"])
    r53 = aws.client("route53", **keys)
    r53.list_resource_record_sets(HostedZoneId=zone)
    with pytest.raises(ClientError) as info:
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))
    msg = info.value.response["Error"]["Message"]
    assert msg.startswith(f"User: arn:aws:sts::123456789012:assumed-role/{inst['role_name']}/{inst['instance_id']} "
                          "is not authorized to perform: route53:ChangeResourceRecordSets")
    aws.client("ec2", **keys).describe_instances(InstanceIds=[inst["instance_id"]])
    # Without the session token the keys are not valid.
    with pytest.raises(ClientError) as info:
        aws.client("route53", key=keys["key"], secret=keys["secret"]).list_resource_record_sets(HostedZoneId=zone)
    assert info.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_default_role_can_register(aws: LocalAWS, instance: dict[str, Any], zone: str) -> None:
    creds = credentials(instance["imds_endpoint"])
    r53 = aws.client("route53", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["Token"])
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))


def test_rotation_and_expiry(aws: LocalAWS, zone: str) -> None:
    inst = aws.control("POST", "/instances", {"credentials_ttl": 3})
    imds = inst["imds_endpoint"]
    first = credentials(imds)
    assert credentials(imds)["AccessKeyId"] == first["AccessKeyId"]  # cached while fresh
    aws.control("PATCH", f"/instances/{inst['instance_id']}", {"rotate_credentials": True})
    second = credentials(imds)
    assert second["AccessKeyId"] != first["AccessKeyId"]
    old = aws.client("route53", key=first["AccessKeyId"], secret=first["SecretAccessKey"], token=first["Token"])
    old.list_resource_record_sets(HostedZoneId=zone)  # rotated keys stay valid until they expire
    time.sleep(3.2)
    with pytest.raises(ClientError) as info:
        old.list_resource_record_sets(HostedZoneId=zone)
    assert info.value.response["Error"]["Code"] == "ExpiredToken"
    third = credentials(imds)  # renewed before expiry, so always usable
    assert third["AccessKeyId"] not in (first["AccessKeyId"], second["AccessKeyId"])
    aws.client("route53", key=third["AccessKeyId"], secret=third["SecretAccessKey"], token=third["Token"]) \
        .list_resource_record_sets(HostedZoneId=zone)


def test_imds_down_refuses_connections(aws: LocalAWS, instance: dict[str, Any]) -> None:
    imds, iid = instance["imds_endpoint"], instance["instance_id"]
    aws.control("PATCH", f"/instances/{iid}", {"imds": "down"})
    with pytest.raises(requests.ConnectionError):
        requests.put(imds + "/latest/api/token", headers={TTL: "60"}, timeout=2)
    aws.control("PATCH", f"/instances/{iid}", {"imds": "up"})
    assert get(imds, "meta-data/instance-id", token(imds)).text == iid


def test_imds_503_and_slow(aws: LocalAWS, instance: dict[str, Any]) -> None:
    imds, iid = instance["imds_endpoint"], instance["instance_id"]
    aws.control("PATCH", f"/instances/{iid}", {"imds_503_count": 2})
    url = imds + "/latest/api/token"
    assert [requests.put(url, headers={TTL: "60"}, timeout=5).status_code for _ in range(3)] == [503, 503, 200]
    aws.control("PATCH", f"/instances/{iid}", {"imds": "503"})
    assert requests.put(url, headers={TTL: "60"}, timeout=5).status_code == 503
    aws.control("PATCH", f"/instances/{iid}", {"imds": "slow", "imds_slow_ms": 300})
    start = time.monotonic()
    tok = token(imds)
    assert time.monotonic() - start >= 0.3
    aws.control("PATCH", f"/instances/{iid}", {"imds": "up"})
    start = time.monotonic()
    get(imds, "meta-data/instance-id", tok)
    assert time.monotonic() - start < 0.3


def test_delete_terminates_and_stops_imds(aws: LocalAWS, instance: dict[str, Any]) -> None:
    iid, imds = instance["instance_id"], instance["imds_endpoint"]
    assert aws.control("DELETE", f"/instances/{iid}")["state"] == "terminated"
    state = aws.client("ec2").describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "terminated"
    with pytest.raises(requests.ConnectionError):
        requests.put(imds + "/latest/api/token", headers={TTL: "60"}, timeout=2)
    assert requests.patch(aws.control_url + f"/instances/{iid}", json={"imds": "up"}).status_code == 404


def test_imds_requests_are_counted(aws: LocalAWS, instance: dict[str, Any]) -> None:
    aws.control("DELETE", "/stats")
    imds = instance["imds_endpoint"]
    get(imds, "meta-data/instance-id", token(imds))
    assert aws.control("GET", "/stats")["requests"]["imds"] == 2


def test_botocore_reads_credentials_from_the_emulator(aws: LocalAWS, instance: dict[str, Any], zone: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", instance["imds_endpoint"])
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    session = boto3.Session(region_name="us-east-1")
    creds = session.get_credentials()
    assert creds is not None and creds.method == "iam-role"
    session.client("route53", endpoint_url=aws.endpoint).list_resource_record_sets(HostedZoneId=zone)
