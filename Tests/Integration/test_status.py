"""`r53hook status`: this instance's identity and record, and every record of the
weighted set, read-only."""

from __future__ import annotations

import json

from harness import NAME, World


def as_status(rec: dict) -> dict:
    return {
        "name": rec["Name"], "type": rec["Type"], "setIdentifier": rec["SetIdentifier"], "weight": rec["Weight"],
        "ttl": rec["TTL"], "values": [v["Value"] for v in rec["ResourceRecords"]],
        "healthCheckId": rec.get("HealthCheckId"),
    }


def test_status_json_shows_this_record_and_the_whole_set(aws: World):
    hc = aws.create_health_check()
    other = aws.expected(set_id="i-0other", value="198.51.100.1", weight=5, health_check=hc)
    aws.change({"Action": "CREATE", "ResourceRecordSet": other},
               # Not of the set: other type, other name.
               {"Action": "CREATE", "ResourceRecordSet": aws.expected(rtype="AAAA", value="2001:db8::5")},
               {"Action": "CREATE", "ResourceRecordSet": aws.expected(name="api.example.com", value="198.51.100.2")})
    assert aws.run("start", "--no-wait").code == 0
    aws.clear_stats()
    run = aws.run("status", "--json")
    assert run.code == 0, run.describe()
    mine = as_status(aws.expected())
    iid = aws.instance["instance_id"]
    status = json.loads(run.stdout)
    assert status["zone"] == {"id": aws.zone_id, "name": "example.com.", "private": False}
    assert (status["name"], status["type"], status["instanceId"], status["setIdentifier"]) == \
        (NAME + ".", "A", iid, iid)
    assert status["registered"] is True
    assert status["record"] == mine
    assert sorted(status["records"], key=lambda r: r["setIdentifier"]) == sorted(
        [as_status(other), mine], key=lambda r: r["setIdentifier"])
    assert "ChangeResourceRecordSets" not in aws.route53_calls()


def test_status_when_not_registered(aws: World):
    run = aws.run("status", "--json")
    assert run.code == 0, run.describe()
    status = json.loads(run.stdout)
    assert status["registered"] is False and status["record"] is None and status["records"] == []


def test_status_text_marks_this_instance(aws: World):
    aws.change({"Action": "CREATE", "ResourceRecordSet": aws.expected(set_id="i-0other", value="198.51.100.1")})
    assert aws.run("start", "--no-wait", "--weight", "7").code == 0
    run = aws.run("status")
    assert run.code == 0, run.describe()
    lines = run.stdout.splitlines()
    [me] = [line for line in lines if aws.instance["instance_id"] in line and line.startswith("*")]
    assert aws.instance["public_ipv4"] in me and " 7 " in me
    [other] = [line for line in lines if "i-0other" in line]
    assert not other.startswith("*") and "198.51.100.1" in other
    assert "2 records in the set" in run.stdout
