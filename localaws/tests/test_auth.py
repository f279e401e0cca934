"""SigV4 checks and IAM policies (local-aws.md item 9)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests
from botocore.exceptions import ClientError

from .conftest import LocalAWS, batch, simple, weighted

ERROR_RESPONSE = re.compile(
    r'<\?xml version="1.0"\?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
    r"<Error><Type>Sender</Type><Code>(?P<code>\w+)</Code><Message>(?P<message>[^<]*)</Message></Error>"
    r"<RequestId>[-0-9a-f]+</RequestId></ErrorResponse>"
)


def test_route53_gets_verify_with_the_right_keys(aws: LocalAWS, zone: str) -> None:
    r53 = aws.client("route53")
    change_id = r53.change_resource_record_sets(
        HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))["ChangeInfo"]["Id"]
    # Every Route 53 read r53hook makes, signed by botocore, including ones with a query string.
    r53.get_change(Id=change_id)
    r53.list_resource_record_sets(HostedZoneId=zone)
    r53.list_resource_record_sets(HostedZoneId=zone, StartRecordName="a.example.com", StartRecordType="A", MaxItems="1")
    r53.list_hosted_zones_by_name(DNSName="example.com", MaxItems="1")
    r53.get_hosted_zone(Id=zone)
    r = aws.signed("GET", f"/2013-04-01/hostedzone/{zone}/rrset?name=a.example.com.&type=A&maxitems=5", "route53")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("path", ["/2013-04-01/hostedzone/{zone}/rrset",
                                  "/2013-04-01/hostedzonesbyname?dnsname=example.com"])
def test_route53_get_with_a_wrong_secret_is_signature_does_not_match(aws: LocalAWS, zone: str, path: str) -> None:
    r = aws.signed("GET", path.format(zone=zone), "route53", secret="wrong" + aws.admin["secret_access_key"][5:])
    assert r.status_code == 403
    m = ERROR_RESPONSE.fullmatch(r.text)
    assert m, r.text
    assert m["code"] == "SignatureDoesNotMatch"
    assert m["message"].startswith("The request signature we calculated does not match")


def test_boto3_with_a_wrong_secret_fails_on_get_and_post(aws: LocalAWS, zone: str) -> None:
    bad = aws.client("route53", secret="x" * 40)
    with pytest.raises(ClientError) as info:
        bad.list_resource_record_sets(HostedZoneId=zone)
    assert info.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as info:
        bad.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))
    assert info.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_tampered_body_fails(aws: LocalAWS, zone: str) -> None:
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = f"{aws.endpoint}/2013-04-01/hostedzone/{zone}/rrset"
    body = b"<ChangeResourceRecordSetsRequest/>"
    req = AWSRequest(method="POST", url=url, data=body)
    admin = Credentials(aws.admin["access_key_id"], aws.admin["secret_access_key"])
    SigV4Auth(admin, "route53", "us-east-1").add_auth(req)
    r = requests.post(url, headers=dict(req.prepare().headers), data=body + b" ")
    assert r.status_code == 403 and "SignatureDoesNotMatch" in r.text


def test_unknown_access_key_is_invalid_client_token_id(aws: LocalAWS, zone: str) -> None:
    r = aws.signed("GET", f"/2013-04-01/hostedzone/{zone}/rrset", "route53", key="AKIANOSUCHKEY0000000")
    assert r.status_code == 403
    m = ERROR_RESPONSE.fullmatch(r.text)
    assert m and m["code"] == "InvalidClientTokenId"
    assert m["message"] == "The security token included in the request is invalid."


def test_ec2_auth_failures_use_ec2_codes(aws: LocalAWS) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("ec2", secret="y" * 40).describe_instances()
    assert info.value.response["Error"]["Code"] == "AuthFailure"


@pytest.mark.parametrize("minutes", [-6, 6])
def test_stale_or_future_x_amz_date_is_refused(aws: LocalAWS, zone: str, minutes: int) -> None:
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)
    r = aws.signed("GET", f"/2013-04-01/hostedzone/{zone}/rrset", "route53", when=when)
    assert r.status_code == 403
    m = ERROR_RESPONSE.fullmatch(r.text)
    assert m and m["code"] == "SignatureDoesNotMatch"
    if minutes < 0:
        assert re.fullmatch(r"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                            r"\(\d{8}T\d{6}Z - 5 min\.\)", m["message"])
    else:
        assert m["message"].startswith("Signature not yet current:")
    # Four minutes off is still fine.
    ok = aws.signed("GET", f"/2013-04-01/hostedzone/{zone}/rrset", "route53",
                    when=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=4))
    assert ok.status_code == 200


def test_stale_ec2_request_is_request_expired(aws: LocalAWS) -> None:
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10)
    r = aws.signed("POST", "/", "ec2", b"Action=DescribeInstances&Version=2016-11-15",
                   headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, when=when)
    assert r.status_code == 400 and "<Code>RequestExpired</Code>" in r.text


def test_route53_must_be_signed_for_us_east_1(aws: LocalAWS, zone: str) -> None:
    r = aws.signed("GET", f"/2013-04-01/hostedzone/{zone}/rrset", "route53", region="eu-west-1")
    assert r.status_code == 403
    m = ERROR_RESPONSE.fullmatch(r.text)
    assert m and m["code"] == "SignatureDoesNotMatch"
    assert m["message"] == "Credential should be scoped to a valid region, not 'eu-west-1'. "


def test_missing_authorization_is_refused(aws: LocalAWS, zone: str) -> None:
    import requests

    r = requests.get(f"{aws.endpoint}/2013-04-01/hostedzone/{zone}/rrset")
    assert r.status_code == 403 and "MissingAuthenticationToken" in r.text


def test_policy_without_change_permission_gets_access_denied(aws: LocalAWS, zone: str) -> None:
    user = aws.control("POST", "/users", {"name": "reader", "policy": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["route53:List*", "route53:Get*"], "Resource": "*"}],
    }})
    r53 = aws.client("route53", key=user["access_key_id"], secret=user["secret_access_key"])
    r53.list_resource_record_sets(HostedZoneId=zone)
    with pytest.raises(ClientError) as info:
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))
    err = info.value.response["Error"]
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["Code"] == "AccessDenied"
    assert err["Message"] == (
        f"User: {user['arn']} is not authorized to perform: route53:ChangeResourceRecordSets "
        f"on resource: arn:aws:route53:::hostedzone/{zone} because no identity-based policy allows "
        "the route53:ChangeResourceRecordSets action"
    )
    assert user["arn"] == "arn:aws:iam::123456789012:user/reader"
    # Nothing was written.
    listed = aws.client("route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    names = [r["Name"] for r in listed]
    assert "a.example.com." not in names


def test_policy_scoped_to_one_zone(aws: LocalAWS, zone: str) -> None:
    other = aws.create_zone("other.example")
    user = aws.control("POST", "/users", {"policy": {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "route53:ChangeResourceRecordSets",
             "Resource": f"arn:aws:route53:::hostedzone/{zone}"},
            {"Effect": "Allow", "Action": "route53:GetChange", "Resource": "arn:aws:route53:::change/*"},
        ],
    }})
    r53 = aws.client("route53", key=user["access_key_id"], secret=user["secret_access_key"])
    info = r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))
    r53.get_change(Id=info["ChangeInfo"]["Id"])
    with pytest.raises(ClientError) as denied:
        r53.change_resource_record_sets(HostedZoneId=other, ChangeBatch=batch(simple("a.other.example", "10.0.0.1")))
    assert f"hostedzone/{other}" in denied.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as denied:
        r53.list_hosted_zones_by_name()
    assert denied.value.response["Error"]["Message"].startswith(
        f"User: {user['arn']} is not authorized to perform: route53:ListHostedZonesByName because"
    )


def test_explicit_deny_wins(aws: LocalAWS, zone: str) -> None:
    user = aws.control("POST", "/users", {"policy": {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "route53:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "route53:Change*", "Resource": "*"},
        ],
    }})
    r53 = aws.client("route53", key=user["access_key_id"], secret=user["secret_access_key"])
    with pytest.raises(ClientError) as info:
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))
    assert info.value.response["Error"]["Message"].endswith("with an explicit deny in an identity-based policy")


def test_record_name_conditions_are_enforced(aws: LocalAWS, zone: str) -> None:
    user = aws.control("POST", "/users", {"policy": {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Action": "route53:ChangeResourceRecordSets", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["app.example.com"],
                "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA"],
            }},
        }],
    }})
    r53 = aws.client("route53", key=user["access_key_id"], secret=user["secret_access_key"])
    r53.change_resource_record_sets(HostedZoneId=zone,
                                    ChangeBatch=batch(weighted("App.example.com", "i-1", "10.0.0.1")))
    with pytest.raises(ClientError) as info:
        r53.change_resource_record_sets(HostedZoneId=zone,
                                        ChangeBatch=batch(weighted("db.example.com", "i-1", "10.0.0.1")))
    assert info.value.response["Error"]["Code"] == "AccessDenied"


def test_other_services_enforce_actions_too(aws: LocalAWS) -> None:
    user = aws.control("POST", "/users", {"policy": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}],
    }})
    ec2 = aws.client("ec2", key=user["access_key_id"], secret=user["secret_access_key"])
    ec2.describe_instances()
    with pytest.raises(ClientError) as info:
        ec2.create_vpc(CidrBlock="10.1.0.0/16")
    assert info.value.response["Error"]["Code"] == "UnauthorizedOperation"
    elb = aws.client("elbv2", key=user["access_key_id"], secret=user["secret_access_key"])
    with pytest.raises(ClientError) as info:
        elb.describe_target_groups()
    assert info.value.response["Error"]["Code"] == "AccessDenied"
    assert "elasticloadbalancing:DescribeTargetGroups" in info.value.response["Error"]["Message"]
    # GetCallerIdentity is always allowed, as on AWS.
    sts = aws.client("sts", key=user["access_key_id"], secret=user["secret_access_key"])
    assert sts.get_caller_identity()["Arn"].endswith(":user/" + user["arn"].split("/")[-1])


def test_admin_keeps_its_keys_across_reset(aws: LocalAWS) -> None:
    before = dict(aws.admin)
    info = aws.control("POST", "/reset")
    assert info["admin"] == before
    aws.client("route53").list_hosted_zones_by_name()


@pytest.mark.parametrize(("offset", "words"), [(600, "Signature expired"), (-600, "Signature not yet current")])
def test_a_moved_clock_refuses_requests_signed_on_the_machine_clock_and_says_its_time(
        aws: LocalAWS, zone: str, offset: int, words: str) -> None:
    from email.utils import parsedate_to_datetime

    aws.control("POST", "/clock", {"offset_seconds": offset})
    try:
        r = aws.signed("GET", f"/2013-04-01/hostedzone/{zone}/rrset", "route53")
        ec2 = aws.signed("POST", "/", "ec2", b"Action=DescribeInstances&Version=2016-11-15",
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        # Signed with AWS's time, the same request passes.
        shifted = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset)
        ok = aws.signed("GET", f"/2013-04-01/hostedzone/{zone}/rrset", "route53", when=shifted)
    finally:
        aws.control("POST", "/clock", {"offset_seconds": 0})
    assert r.status_code == 403
    m = ERROR_RESPONSE.fullmatch(r.text)
    assert m and m["code"] == "SignatureDoesNotMatch" and m["message"].startswith(words), r.text
    served = parsedate_to_datetime(r.headers["Date"])
    expected = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset)
    assert abs((served - expected).total_seconds()) < 30, r.headers["Date"]
    assert ec2.status_code == 400 and "<Code>RequestExpired</Code>" in ec2.text, ec2.text
    assert ok.status_code == 200, ok.text


def test_the_clock_control_reports_and_resets(aws: LocalAWS) -> None:
    assert aws.control("POST", "/clock", {"offset_seconds": -90})["offset_seconds"] == -90
    assert aws.control("GET", "/clock")["offset_seconds"] == -90
    aws.control("POST", "/reset")
    assert aws.control("GET", "/clock")["offset_seconds"] == 0
    r = requests.post(aws.control_url + "/clock", json={"offset_seconds": "soon"}, timeout=10)
    assert r.status_code == 400
