"""ChangeResourceRecordSets as real Route 53 does it (local-aws.md items 1-5, 8)."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import LocalAWS, batch, error_messages, simple, weighted

NAME = "lock.example.com."


def records(aws: LocalAWS, zone: str) -> list[dict[str, Any]]:
    out = aws.client("route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return [r for r in out if r["Type"] not in ("SOA", "NS")]


def change(aws: LocalAWS, zone: str, *changes: dict[str, Any]) -> dict[str, Any]:
    # parameter_validation off, so that values botocore would refuse reach the server.
    r53 = aws.client("route53", parameter_validation=False)
    return r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(*changes))


def refused(aws: LocalAWS, zone: str, *changes: dict[str, Any]) -> list[str]:
    with pytest.raises(ClientError) as info:
        change(aws, zone, *changes)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error_messages(info.value)


def test_twenty_racing_creates_have_exactly_one_winner(aws: LocalAWS, zone: str) -> None:
    results: list[Any] = [None] * 20
    barrier = threading.Barrier(20)

    def racer(i: int) -> None:
        client = aws.client("route53")
        barrier.wait()
        try:
            client.change_resource_record_sets(
                HostedZoneId=zone, ChangeBatch=batch(weighted(NAME, "lock", f"10.0.0.{i + 1}"))
            )
            results[i] = "won"
        except ClientError as exc:
            results[i] = exc

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("won") == 1
    losers = [r for r in results if r != "won"]
    assert len(losers) == 19
    for exc in losers:
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        (msg,) = error_messages(exc)
        assert msg == (
            "Tried to create resource record set [name='lock.example.com.', type='A', "
            "set-identifier='lock'] but it already exists"
        )
    assert len(records(aws, zone)) == 1


def test_invalid_change_batch_wire_shape_is_awss(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1"))
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest '
        b'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change>'
        b"<Action>CREATE</Action><ResourceRecordSet><Name>lock.example.com</Name><Type>A</Type>"
        b"<SetIdentifier>i-1</SetIdentifier><Weight>10</Weight><TTL>60</TTL><ResourceRecords>"
        b"<ResourceRecord><Value>10.0.0.9</Value></ResourceRecord></ResourceRecords>"
        b"</ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"
    )
    r = aws.signed("POST", f"/2013-04-01/hostedzone/{zone}/rrset", "route53", body)
    assert r.status_code == 400
    assert re.fullmatch(
        r'<\?xml version="1.0"\?>\n<InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
        r"<Messages><Message>Tried to create resource record set \[name='lock.example.com.', type='A', "
        r"set-identifier='i-1'\] but it already exists</Message></Messages><RequestId>[-0-9a-f]+</RequestId>"
        r"</InvalidChangeBatch>",
        r.text,
    ), r.text
    # The other shape real Route 53 uses, which botocore decodes with a code.
    aws.control("POST", "/route53", {"invalid_change_batch_shape": "error_response"})
    with pytest.raises(ClientError) as info:
        change(aws, zone, weighted(NAME, "i-1", "10.0.0.9"))
    assert info.value.response["Error"]["Code"] == "InvalidChangeBatch"
    assert info.value.response["Error"]["Message"] == (
        "[Tried to create resource record set [name='lock.example.com.', type='A', set-identifier='i-1'] "
        "but it already exists]"
    )


def test_create_after_delete_works(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1"))
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", action="DELETE"))
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.2"))
    (rec,) = records(aws, zone)
    assert rec["ResourceRecords"] == [{"Value": "10.0.0.2"}]


@pytest.mark.parametrize(
    "wrong",
    [
        {"weight": 11},
        {"ttl": 61},
        {"value": "10.0.0.99"},
    ],
    ids=["weight", "ttl", "value"],
)
def test_delete_with_wrong_values_is_refused_and_changes_nothing(aws: LocalAWS, zone: str,
                                                                 wrong: dict[str, Any]) -> None:
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", weight=10, ttl=60))
    args = {"weight": 10, "ttl": 60, "value": "10.0.0.1", **wrong}
    msgs = refused(aws, zone, weighted(NAME, "i-1", args["value"], weight=args["weight"], ttl=args["ttl"],
                                       action="DELETE"))
    assert msgs == [
        "Tried to delete resource record set [name='lock.example.com.', type='A', set-identifier='i-1'] "
        "but the values provided do not match the current values"
    ]
    assert len(records(aws, zone)) == 1


def test_delete_with_wrong_health_check_is_refused(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    hc = r53.create_health_check(
        CallerReference="hc1", HealthCheckConfig={"Type": "TCP", "IPAddress": "10.0.0.1", "Port": 80}
    )["HealthCheck"]["Id"]
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", health_check=hc))
    msgs = refused(aws, zone, weighted(NAME, "i-1", "10.0.0.1", action="DELETE"))
    assert "do not match the current values" in msgs[0]
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", health_check=hc, action="DELETE"))
    assert records(aws, zone) == []


def test_delete_of_missing_record_or_twice_is_not_found(aws: LocalAWS, zone: str) -> None:
    msgs = refused(aws, zone, weighted(NAME, "i-1", "10.0.0.1", action="DELETE"))
    assert msgs == [
        "Tried to delete resource record set [name='lock.example.com.', type='A', set-identifier='i-1'] "
        "but it was not found"
    ]
    change(aws, zone, simple("www.example.com", "10.0.0.1"))
    change(aws, zone, simple("www.example.com", "10.0.0.1", action="DELETE"))
    msgs = refused(aws, zone, simple("www.example.com", "10.0.0.1", action="DELETE"))
    assert msgs == ["Tried to delete resource record set [name='www.example.com.', type='A'] but it was not found"]


def test_delete_with_set_identifier_touches_only_that_record(aws: LocalAWS, zone: str) -> None:
    change(
        aws, zone,
        weighted(NAME, "i-1", "10.0.0.1"),
        weighted(NAME, "i-2", "10.0.0.2"),
        weighted("other.example.com", "i-1", "10.0.0.1"),
        weighted(NAME, "i-1", "2001:db8::1", rtype="AAAA"),
    )
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", action="DELETE"))
    left = {(r["Name"], r["Type"], r["SetIdentifier"]) for r in records(aws, zone)}
    assert left == {
        ("lock.example.com.", "A", "i-2"),
        ("other.example.com.", "A", "i-1"),
        ("lock.example.com.", "AAAA", "i-1"),
    }


def test_batch_with_a_failing_later_change_applies_nothing(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, weighted(NAME, "i-9", "10.0.0.9"))
    msgs = refused(
        aws, zone,
        weighted(NAME, "i-1", "10.0.0.1"),
        weighted("b.example.com", "i-1", "10.0.0.1"),
        weighted(NAME, "i-9", "10.0.0.99", action="DELETE"),
    )
    assert "do not match the current values" in msgs[0]
    assert [(r["Name"], r["SetIdentifier"]) for r in records(aws, zone)] == [("lock.example.com.", "i-9")]


def test_delete_then_create_batch_is_a_compare_and_swap(aws: LocalAWS, zone: str) -> None:
    lock = "_lock.example.com"
    change(aws, zone, simple(lock, '"owner=a"', rtype="TXT"))
    # Holder b thinks it saw owner=x: the swap must fail as a whole.
    refused(aws, zone, simple(lock, '"owner=x"', rtype="TXT", action="DELETE"), simple(lock, '"owner=b"', rtype="TXT"))
    assert records(aws, zone)[0]["ResourceRecords"] == [{"Value": '"owner=a"'}]
    change(aws, zone, simple(lock, '"owner=a"', rtype="TXT", action="DELETE"), simple(lock, '"owner=b"', rtype="TXT"))
    assert records(aws, zone)[0]["ResourceRecords"] == [{"Value": '"owner=b"'}]


def test_upsert_creates_then_replaces(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", action="UPSERT"))
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.2", weight=5, action="UPSERT"))
    (rec,) = records(aws, zone)
    assert rec["ResourceRecords"] == [{"Value": "10.0.0.2"}] and rec["Weight"] == 5


def test_mixed_case_names_are_accepted_and_stored_lower_case(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, weighted("Lock.EXAMPLE.com", "i-1", "10.0.0.1"))
    assert records(aws, zone)[0]["Name"] == "lock.example.com."
    # The key is case-insensitive, so this is the same record.
    msgs = refused(aws, zone, weighted("LOCK.example.com.", "i-1", "10.0.0.1"))
    assert "already exists" in msgs[0]


def test_name_outside_the_zone_is_refused(aws: LocalAWS, zone: str) -> None:
    msgs = refused(aws, zone, simple("www.example.org", "10.0.0.1"))
    assert msgs == ["RRSet with DNS name www.example.org. is not permitted in zone example.com."]
    msgs = refused(aws, zone, simple("notexample.com", "10.0.0.1"))
    assert msgs == ["RRSet with DNS name notexample.com. is not permitted in zone example.com."]


@pytest.mark.parametrize("weight", [-1, 256])
def test_weight_out_of_range_is_invalid_input(aws: LocalAWS, zone: str, weight: int) -> None:
    with pytest.raises(ClientError) as info:
        change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", weight=weight))
    err = info.value.response["Error"]
    assert err["Code"] == "InvalidInput"
    assert "resourceRecordSet.weight" in err["Message"]


def test_weight_0_and_255_are_fine(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", weight=0), weighted(NAME, "i-2", "10.0.0.2", weight=255))
    assert sorted(r["Weight"] for r in records(aws, zone)) == [0, 255]


def test_ttl_out_of_range_is_invalid_input(aws: LocalAWS, zone: str) -> None:
    for ttl in (-1, 2147483648):
        with pytest.raises(ClientError) as info:
            change(aws, zone, simple("www.example.com", "10.0.0.1", ttl=ttl))
        assert info.value.response["Error"]["Code"] == "InvalidInput"
    change(aws, zone, simple("www.example.com", "10.0.0.1", ttl=2147483647))


@pytest.mark.parametrize("value", ["10.0.0", "10.0.0.256", "a.b.c.d", "10.0.0.1 ", "2001:db8::1"])
def test_a_record_must_be_a_dotted_quad(aws: LocalAWS, zone: str, value: str) -> None:
    msgs = refused(aws, zone, simple("www.example.com", value))
    assert msgs == [
        "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address "
        f"(Value is not a valid IPv4 address) encountered with '{value}''"
    ]


@pytest.mark.parametrize("value", ["10.0.0.1", "2001:db8::g", "2001:db8:::1"])
def test_aaaa_record_must_be_ipv6(aws: LocalAWS, zone: str, value: str) -> None:
    msgs = refused(aws, zone, simple("www.example.com", value, rtype="AAAA"))
    assert "AAAARRDATAIllegalIPv6Address" in msgs[0]
    change(aws, zone, simple("www.example.com", "2001:db8::1", rtype="AAAA"))


def test_unknown_health_check_is_refused(aws: LocalAWS, zone: str) -> None:
    with pytest.raises(ClientError) as info:
        change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", health_check="11111111-2222-3333-4444-555555555555"))
    assert info.value.response["Error"]["Code"] == "NoSuchHealthCheck"
    assert records(aws, zone) == []


def test_weighted_and_simple_cannot_share_name_and_type(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, simple(NAME, "10.0.0.1"))
    msgs = refused(aws, zone, weighted(NAME, "i-1", "10.0.0.2"))
    assert msgs == [
        "RRSet with DNS name lock.example.com., type A, SetIdentifier i-1 cannot be created as a "
        "non-weighted set exists with the same name and type."
    ]
    change(aws, zone, simple(NAME, "10.0.0.1", action="DELETE"), weighted(NAME, "i-1", "10.0.0.2"))
    msgs = refused(aws, zone, simple(NAME, "10.0.0.1"))
    assert msgs == [
        "RRSet with DNS name lock.example.com., type A cannot be created as other RRSets exist "
        "with the same name and type."
    ]


def multivalue(name: str, set_id: str, value: str, ttl: int = 60, rtype: str = "A",
               action: str = "CREATE") -> dict[str, Any]:
    return {"Action": action, "ResourceRecordSet": {
        "Name": name, "Type": rtype, "SetIdentifier": set_id, "MultiValueAnswer": True, "TTL": ttl,
        "ResourceRecords": [{"Value": value}]}}


def test_one_routing_policy_per_name_and_type(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1"))
    msgs = refused(aws, zone, multivalue(NAME, "i-2", "10.0.0.2"))
    assert msgs == [
        "RRSet with DNS name lock.example.com., type A, SetIdentifier i-2 cannot be created as a "
        "non-multivalue set exists with the same name and type."
    ]
    # Another type of the same name is another set.
    change(aws, zone, multivalue(NAME, "i-2", "2001:db8::2", rtype="AAAA"))
    msgs = refused(aws, zone, weighted(NAME, "i-3", "2001:db8::3", rtype="AAAA"))
    assert msgs == [
        "RRSet with DNS name lock.example.com., type AAAA, SetIdentifier i-3 cannot be created as a "
        "non-weighted set exists with the same name and type."
    ]
    listed = {(r["Type"], r["SetIdentifier"]): r for r in records(aws, zone)}
    assert listed[("AAAA", "i-2")]["MultiValueAnswer"] is True
    assert "Weight" not in listed[("AAAA", "i-2")]
    # One's own record may change policy in one batch when it is the only one.
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", action="DELETE"), multivalue(NAME, "i-1", "10.0.0.1"))
    assert records(aws, zone)[0].get("MultiValueAnswer") is True


def test_at_most_100_weighted_records_per_name_and_type(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, *[weighted(NAME, f"i-{i}", f"10.0.{i // 250}.{i % 250 + 1}") for i in range(100)])
    msgs = refused(aws, zone, weighted(NAME, "i-100", "10.1.0.1"))
    assert msgs == ["Exceeded limit on number of weighted RRSets for lock.example.com., type A in this zone."]
    # Other names and types are not affected.
    change(aws, zone, weighted(NAME, "i-100", "2001:db8::1", rtype="AAAA"))


def test_siblings_take_the_ttl_written_last(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", ttl=60), weighted(NAME, "i-2", "10.0.0.2", ttl=60))
    change(aws, zone, weighted(NAME, "i-3", "10.0.0.3", ttl=30))
    assert {r["TTL"] for r in records(aws, zone)} == {30}
    # The old TTL no longer matches: a DELETE must repeat the current one.
    refused(aws, zone, weighted(NAME, "i-1", "10.0.0.1", ttl=60, action="DELETE"))
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", ttl=30, action="DELETE"))


def test_cname_conflicts_with_other_types(aws: LocalAWS, zone: str) -> None:
    change(aws, zone, simple("www.example.com", "10.0.0.1"))
    msgs = refused(aws, zone, simple("www.example.com", "target.example.net", rtype="CNAME"))
    assert "RRSet of type CNAME with DNS name www.example.com. is not permitted" in msgs[0]


def test_zone_must_keep_its_soa(aws: LocalAWS, zone: str) -> None:
    soa = [r for r in aws.client("route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
           if r["Type"] == "SOA"][0]
    msgs = refused(aws, zone, {"Action": "DELETE", "ResourceRecordSet": soa})
    assert msgs == ["A HostedZone must contain exactly one SOA record."]


def test_missing_ttl_is_invalid_input(aws: LocalAWS, zone: str) -> None:
    with pytest.raises(ClientError) as info:
        change(aws, zone, {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "www.example.com", "Type": "A", "ResourceRecords": [{"Value": "10.0.0.1"}]}})
    err = info.value.response["Error"]
    assert err["Code"] == "InvalidInput"
    assert err["Message"].startswith(
        "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]")


def test_unknown_zone_is_no_such_hosted_zone(aws: LocalAWS) -> None:
    with pytest.raises(ClientError) as info:
        change(aws, "ZNOSUCHZONE", simple("www.example.com", "10.0.0.1"))
    assert info.value.response["Error"]["Code"] == "NoSuchHostedZone"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_zone_record_count_and_delete_follow_our_records(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1"))
    assert r53.get_hosted_zone(Id=zone)["HostedZone"]["ResourceRecordSetCount"] == 3
    with pytest.raises(ClientError) as info:
        r53.delete_hosted_zone(Id=zone)
    assert info.value.response["Error"]["Code"] == "HostedZoneNotEmpty"
    change(aws, zone, weighted(NAME, "i-1", "10.0.0.1", action="DELETE"))
    r53.delete_hosted_zone(Id=zone)
