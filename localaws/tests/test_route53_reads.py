"""Listing, paging, changes and zone look-ups (local-aws.md items 6-7)."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from .conftest import INSYNC_DELAY, LocalAWS, batch, simple, weighted


def test_paging_250_weighted_records_of_one_name_returns_each_once(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    names = ["pool.example.com", "pool2.example.com", "pool3.example.com"]
    for n, name in enumerate(names):
        r53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch=batch(*[weighted(name, f"i-{i:04d}", f"10.{n}.{i // 200}.{i % 200 + 1}") for i in range(100)]),
        )
    # 300 weighted records over three names, plus SOA and NS.
    seen: list[tuple[str, str, str | None]] = []
    kwargs: dict[str, str] = {}
    pages = 0
    while True:
        page = r53.list_resource_record_sets(HostedZoneId=zone, MaxItems="100", **kwargs)
        pages += 1
        assert len(page["ResourceRecordSets"]) <= 100
        seen.extend((r["Name"], r["Type"], r.get("SetIdentifier")) for r in page["ResourceRecordSets"])
        if not page["IsTruncated"]:
            break
        kwargs = {"StartRecordName": page["NextRecordName"], "StartRecordType": page["NextRecordType"]}
        if "NextRecordIdentifier" in page:
            kwargs["StartRecordIdentifier"] = page["NextRecordIdentifier"]
        assert pages < 10, "paging loops"
    assert len(seen) == len(set(seen)) == 302
    assert pages == 4
    # Ordered by reversed labels, then type, then set identifier.
    assert seen[0][:2] == ("example.com.", "NS") and seen[1][:2] == ("example.com.", "SOA")
    assert [s[0] for s in seen[2:]] == sorted(s[0] for s in seen[2:])


def test_paging_250_records_of_one_name_with_maxitems_100(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    # 250 set identifiers under one name: weighted A (100), weighted AAAA (100), TXT multivalue (50).
    changes = [weighted("pool.example.com", f"a-{i:03d}", f"10.0.0.{i + 1}") for i in range(100)]
    changes += [weighted("pool.example.com", f"b-{i:03d}", f"2001:db8::{i + 1:x}", rtype="AAAA") for i in range(100)]
    changes += [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "pool.example.com", "Type": "TXT",
                                                   "SetIdentifier": f"c-{i:03d}", "MultiValueAnswer": True,
                                                   "TTL": 60, "ResourceRecords": [{"Value": f'"{i}"'}]}}
        for i in range(50)
    ]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(*changes))
    seen: list[tuple[str, str]] = []
    kwargs: dict[str, str] = {"StartRecordName": "pool.example.com"}
    while True:
        page = r53.list_resource_record_sets(HostedZoneId=zone, MaxItems="100", **kwargs)
        seen.extend((r["Type"], r["SetIdentifier"]) for r in page["ResourceRecordSets"])
        if not page["IsTruncated"]:
            break
        assert page["NextRecordName"] == "pool.example.com."
        assert "NextRecordIdentifier" in page
        kwargs = {"StartRecordName": page["NextRecordName"], "StartRecordType": page["NextRecordType"],
                  "StartRecordIdentifier": page["NextRecordIdentifier"]}
    assert len(seen) == len(set(seen)) == 250


def test_list_caps_a_page_at_300(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    for n in range(4):
        r53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch=batch(*[simple(f"h{n}-{i}.example.com", "10.0.0.1") for i in range(100)]),
        )
    page = r53.list_resource_record_sets(HostedZoneId=zone, MaxItems="1000")
    assert len(page["ResourceRecordSets"]) == 300 and page["IsTruncated"]
    assert page["MaxItems"] == "1000"


def test_start_record_type_without_name_is_invalid_input(aws: LocalAWS, zone: str) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("route53").list_resource_record_sets(HostedZoneId=zone, StartRecordType="A")
    assert info.value.response["Error"]["Code"] == "InvalidInput"


def test_get_change_goes_pending_then_insync(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    ids = set()
    for i in range(3):
        info = r53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Comment": f"c{i}", "Changes": [simple(f"w{i}.example.com", "10.0.0.1")]}
        )["ChangeInfo"]
        assert info["Status"] == "PENDING"
        assert info["Id"].startswith("/change/C")
        assert info["Comment"] == f"c{i}"
        ids.add(info["Id"])
    assert len(ids) == 3
    first = sorted(ids)[0]
    assert r53.get_change(Id=first)["ChangeInfo"]["Status"] == "PENDING"
    time.sleep(INSYNC_DELAY + 0.2)
    for change_id in ids:
        info = r53.get_change(Id=change_id)["ChangeInfo"]
        assert info["Status"] == "INSYNC" and info["Id"] == change_id


def test_insync_delay_is_settable(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    aws.control("POST", "/route53", {"insync_delay": 0})
    info = r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))
    assert r53.get_change(Id=info["ChangeInfo"]["Id"])["ChangeInfo"]["Status"] == "INSYNC"


def test_unknown_change_is_no_such_change(aws: LocalAWS) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("route53").get_change(Id="/change/CNOSUCHCHANGE")
    assert info.value.response["Error"]["Code"] == "NoSuchChange"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_hosted_zone_creation_returns_a_trackable_change(aws: LocalAWS) -> None:
    r53 = aws.client("route53")
    info = r53.create_hosted_zone(Name="tracked.example", CallerReference="t1")["ChangeInfo"]
    assert r53.get_change(Id=info["Id"])["ChangeInfo"]["Id"] == info["Id"]


def _vpc(aws: LocalAWS) -> str:
    return aws.client("ec2").create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]


def test_public_and_private_zones_of_one_name(aws: LocalAWS) -> None:
    r53 = aws.client("route53")
    public = aws.create_zone("corp.example")
    private = aws.create_zone("corp.example", private_vpc=_vpc(aws))
    assert public != private
    got = r53.list_hosted_zones_by_name(DNSName="corp.example")
    mine = [(z["Id"].split("/")[-1], z["Config"]["PrivateZone"]) for z in got["HostedZones"]
            if z["Name"] == "corp.example."]
    assert sorted(mine) == sorted([(public, False), (private, True)])
    assert r53.get_hosted_zone(Id=private)["HostedZone"]["Config"]["PrivateZone"] is True
    assert r53.get_hosted_zone(Id=private)["VPCs"][0]["VPCRegion"] == "us-east-1"
    assert r53.get_hosted_zone(Id=public)["HostedZone"]["Config"]["PrivateZone"] is False
    # Records go to the zone that was named, not to its twin.
    r53.change_resource_record_sets(HostedZoneId=private, ChangeBatch=batch(simple("db.corp.example", "10.10.0.5")))
    pub = r53.list_resource_record_sets(HostedZoneId=public)["ResourceRecordSets"]
    assert all(r["Name"] != "db.corp.example." for r in pub)


def test_list_hosted_zones_by_name_orders_and_pages(aws: LocalAWS) -> None:
    r53 = aws.client("route53")
    for name in ["b.example.com", "example.com", "a.example.org", "example.net", "z.example.com"]:
        aws.create_zone(name)
    everything = [z["Name"] for z in r53.list_hosted_zones_by_name()["HostedZones"]]
    assert everything == ["example.com.", "b.example.com.", "z.example.com.", "example.net.", "a.example.org."]
    first = r53.list_hosted_zones_by_name(MaxItems="2")
    assert [z["Name"] for z in first["HostedZones"]] == ["example.com.", "b.example.com."]
    assert first["IsTruncated"] is True
    assert first["NextDNSName"] == "z.example.com."
    second = r53.list_hosted_zones_by_name(
        DNSName=first["NextDNSName"], HostedZoneId=first["NextHostedZoneId"], MaxItems="2"
    )
    assert [z["Name"] for z in second["HostedZones"]] == ["z.example.com.", "example.net."]
    assert second["DNSName"] == "z.example.com." and second["HostedZoneId"] == first["NextHostedZoneId"]
    # dnsname starts the list at that name; it is not an exact filter.
    from_net = r53.list_hosted_zones_by_name(DNSName="example.net")
    assert [z["Name"] for z in from_net["HostedZones"]] == ["example.net.", "a.example.org."]


def test_list_hosted_zones_by_name_needs_dnsname_with_zone_id(aws: LocalAWS) -> None:
    r = aws.signed("GET", "/2013-04-01/hostedzonesbyname?hostedzoneid=Z1", "route53")
    assert r.status_code == 400 and "<Code>InvalidInput</Code>" in r.text


def test_get_unknown_hosted_zone(aws: LocalAWS) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("route53").get_hosted_zone(Id="ZNOPE")
    assert info.value.response["Error"]["Code"] == "NoSuchHostedZone"
