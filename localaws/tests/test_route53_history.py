"""The Route 53 change history (every batch applied, with time and caller) and the lost-answer
fault (applied, then the connection dropped), which scripts/crash-campaign reads and injects."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

from .conftest import LocalAWS, batch, error_messages, simple, weighted


def test_history_lists_each_applied_batch_with_its_caller_and_changes(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    before = time.time()
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(
        weighted("www.example.com", "i-1", "10.0.0.1"), simple("db.example.com", "10.0.0.9")))
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(
        weighted("www.example.com", "i-1", "10.0.0.1", action="DELETE")))
    history = aws.control("GET", f"/route53/history/{zone}")
    assert [len(entry["changes"]) for entry in history] == [2, 1]
    first, second = history
    assert before <= first["time"] <= second["time"] <= time.time()
    assert first["zone"] == zone and first["change"] != second["change"]
    assert first["caller"].startswith("arn:aws:iam::") and first["caller"].endswith(":user/localaws-admin")
    assert first["changes"][0] == {
        "action": "CREATE", "name": "www.example.com.", "type": "A", "set_id": "i-1", "weight": 10, "ttl": 60,
        "values": ["10.0.0.1"],
    }
    assert second["changes"][0]["action"] == "DELETE"


def test_history_leaves_out_refused_batches_and_other_zones(aws: LocalAWS, zone: str) -> None:
    other = aws.create_zone("other.example")
    r53 = aws.client("route53")
    r53.change_resource_record_sets(HostedZoneId=other, ChangeBatch=batch(simple("a.other.example", "10.0.0.2")))
    with pytest.raises(ClientError):
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(
            weighted("www.example.com", "i-1", "10.0.0.1", action="DELETE")))
    assert aws.control("GET", f"/route53/history/{zone}") == []
    assert [e["zone"] for e in aws.control("GET", "/route53/history")] == [other]
    aws.control("POST", "/reset")
    assert aws.control("GET", "/route53/history") == []


def test_a_lost_answer_applies_the_change_and_drops_the_connection(aws: LocalAWS, zone: str) -> None:
    aws.control("POST", "/faults", {"lost_answers": 1})
    assert aws.control("GET", "/faults")["lost_answers"] == 1
    r53 = aws.client("route53")
    with pytest.raises(ConnectionClosedError):
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(
            weighted("www.example.com", "i-1", "10.0.0.1")))
    names = [r["Name"] for r in r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]]
    assert "www.example.com." in names
    assert len(aws.control("GET", f"/route53/history/{zone}")) == 1
    assert aws.control("GET", "/faults")["lost_answers"] == 0
    timeline = aws.control("GET", "/stats")["timeline"]
    assert [e[3] for e in timeline if e[2] == "ChangeResourceRecordSets"] == [0]
    # The retry a client then makes is refused: the record exists already.
    with pytest.raises(ClientError) as refused:
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(
            weighted("www.example.com", "i-1", "10.0.0.1")))
    assert "but it already exists" in error_messages(refused.value)[0]
