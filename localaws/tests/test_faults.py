"""Fault injection and request statistics (local-aws.md item 12)."""

from __future__ import annotations

import time

import pytest
import requests
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from .conftest import LocalAWS, batch, simple


def test_throttle_at_5_rps_hits_a_burst_of_20(aws: LocalAWS, zone: str) -> None:
    aws.control("POST", "/faults", {"throttle_rps": 5})
    r53 = aws.client("route53")
    outcomes = []
    for _ in range(20):
        try:
            r53.list_resource_record_sets(HostedZoneId=zone)
            outcomes.append("ok")
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])
            assert exc.response["Error"]["Message"] == "Rate exceeded"
            assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert 5 <= outcomes.count("ok") <= 8
    assert outcomes.count("Throttling") >= 12
    stats = aws.control("GET", "/stats")
    assert stats["throttled"] == outcomes.count("Throttling")
    # The bucket refills at 5 a second.
    time.sleep(0.5)
    r53.list_resource_record_sets(HostedZoneId=zone)
    # Other services are not throttled.
    for _ in range(10):
        aws.client("ec2").describe_instances()


def test_throttle_flag_at_start(aws: LocalAWS) -> None:
    from localaws.launcher import LocalAWSProcess

    from .conftest import LocalAWS as Client

    launched = LocalAWSProcess(throttle_rps=2)
    try:
        other = Client(launched.info)
        r53 = other.client("route53")
        codes = []
        for _ in range(6):
            try:
                r53.list_hosted_zones_by_name()
                codes.append("ok")
            except ClientError as exc:
                codes.append(exc.response["Error"]["Code"])
        assert codes.count("ok") <= 3 and "Throttling" in codes
        assert other.control("GET", "/faults")["throttle_rps"] == 2
    finally:
        launched.stop()
        assert launched.proc.returncode == 0


def test_prior_request_not_complete(aws: LocalAWS, zone: str) -> None:
    aws.control("POST", "/faults", {"prior_request_not_complete": 2})
    r53 = aws.client("route53")
    r53.list_resource_record_sets(HostedZoneId=zone)  # reads are not affected
    for _ in range(2):
        with pytest.raises(ClientError) as info:
            r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))
        assert info.value.response["Error"]["Code"] == "PriorRequestNotComplete"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))


def test_error_5xx_for_any_service(aws: LocalAWS, zone: str) -> None:
    aws.control("POST", "/faults", {"error_5xx": 3})
    seen = []
    for call in (
        lambda: aws.client("route53").list_resource_record_sets(HostedZoneId=zone),
        lambda: aws.client("ec2").describe_instances(),
        lambda: aws.client("elb").describe_load_balancers(),
    ):
        with pytest.raises(ClientError) as info:
            call()
        seen.append((info.value.response["ResponseMetadata"]["HTTPStatusCode"], info.value.response["Error"]["Code"]))
    assert seen == [(500, "InternalFailure"), (503, "ServiceUnavailable"), (500, "InternalFailure")]
    aws.client("ec2").describe_instances()
    # An SDK with retries rides over them.
    aws.control("POST", "/faults", {"error_5xx": 2})
    aws.client("route53", retries=3).list_resource_record_sets(HostedZoneId=zone)


def test_slow_answers(aws: LocalAWS, zone: str) -> None:
    aws.control("POST", "/faults", {"slow_ms": 300})
    start = time.monotonic()
    aws.client("route53").list_resource_record_sets(HostedZoneId=zone)
    assert time.monotonic() - start >= 0.3
    aws.control("DELETE", "/faults")
    start = time.monotonic()
    aws.client("route53").list_resource_record_sets(HostedZoneId=zone)
    assert time.monotonic() - start < 0.3


def test_drop_connections(aws: LocalAWS, zone: str) -> None:
    aws.control("POST", "/faults", {"drop_connections": 1})
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        aws.client("ec2").describe_instances()
    aws.client("ec2").describe_instances()
    stats = aws.control("GET", "/stats")
    assert [0] == [t[3] for t in stats["timeline"] if t[1] == "ec2"][:1]


def test_route53_down(aws: LocalAWS, zone: str) -> None:
    aws.control("POST", "/faults", {"route53_down": True})
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        aws.client("route53").list_resource_record_sets(HostedZoneId=zone)
    aws.client("ec2").describe_instances()  # other services still answer
    aws.control("POST", "/faults", {"route53_down": False})
    aws.client("route53").list_resource_record_sets(HostedZoneId=zone)


def test_faults_show_and_clear(aws: LocalAWS) -> None:
    shown = aws.control("POST", "/faults", {"throttle_rps": 5, "error_5xx": 1, "slow_ms": 10})
    assert shown["throttle_rps"] == 5 and shown["error_5xx"] == 1 and shown["slow_ms"] == 10
    assert aws.control("GET", "/faults") == shown
    cleared = aws.control("DELETE", "/faults")
    assert cleared == {"throttle_rps": None, "prior_request_not_complete": 0, "error_5xx": 0,
                       "slow_ms": 0, "drop_connections": 0, "route53_down": False, "lost_answers": 0}
    r = requests.post(aws.control_url + "/faults", json={"nonsense": 1})
    assert r.status_code == 400


def test_stats_count_requests_by_service_and_action(aws: LocalAWS, zone: str) -> None:
    aws.control("DELETE", "/stats")
    r53 = aws.client("route53")
    r53.list_resource_record_sets(HostedZoneId=zone)
    r53.list_resource_record_sets(HostedZoneId=zone)
    aws.client("ec2").describe_instances()
    stats = aws.control("GET", "/stats")
    assert stats["requests"]["route53"] == {"ListResourceRecordSets": 2}
    assert stats["requests"]["ec2"] == {"DescribeInstances": 1}
    assert "ChangeResourceRecordSets" not in stats["requests"]["route53"]
    assert [t[1:] for t in stats["timeline"]] == [
        ["route53", "ListResourceRecordSets", 200],
        ["route53", "ListResourceRecordSets", 200],
        ["ec2", "DescribeInstances", 200],
    ]
    assert aws.control("DELETE", "/stats")["requests"] == {"imds": 0}


def test_reset_empties_everything(aws: LocalAWS, zone: str) -> None:
    aws.control("POST", "/faults", {"slow_ms": 5})
    aws.control("POST", "/instances", {})
    aws.control("POST", "/reset")
    assert aws.client("route53").list_hosted_zones()["HostedZones"] == []
    assert aws.client("ec2").describe_instances()["Reservations"] == []
    assert aws.control("GET", "/faults")["slow_ms"] == 0
    assert aws.control("GET", "/instances") == []


def test_unknown_control_path_is_404(aws: LocalAWS) -> None:
    assert requests.get(aws.control_url + "/nope").status_code == 404
