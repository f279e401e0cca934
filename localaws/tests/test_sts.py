"""STS AssumeRole: the role's trust policy (principal, sts:ExternalId) and its maximum session
duration decide, then the assumed role's own policy governs what its credentials may do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from localaws.auth import ACCOUNT_ID

from .conftest import LocalAWS, batch, simple

ROUTE53 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "route53:*", "Resource": "*"}]}
ASSUME = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}


def trust(principal: Any, external_id: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def role(aws: LocalAWS, name: str, trust_policy: dict[str, Any], policy: dict[str, Any] | None = None,
         max_session: int = 3600) -> str:
    iam = aws.client("iam")
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_policy),
                               MaxSessionDuration=max_session)["Role"]["Arn"]
    if policy:
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return arn


def caller(aws: LocalAWS, policy: dict[str, Any] = ASSUME) -> dict[str, str]:
    return aws.control("POST", "/users", {"policy": policy})


def assume(aws: LocalAWS, who: dict[str, str], arn: str, **extra: Any) -> dict[str, Any]:
    sts = aws.client("sts", key=who["access_key_id"], secret=who["secret_access_key"])
    return sts.assume_role(RoleArn=arn, RoleSessionName="test", **extra)["Credentials"]


def test_a_trusted_caller_gets_credentials_that_carry_the_roles_policy(aws: LocalAWS, zone: str) -> None:
    who = caller(aws)
    arn = role(aws, "dns", trust({"AWS": who["arn"]}), ROUTE53)
    creds = assume(aws, who, arn)
    r53 = aws.client("route53", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch(simple("a.example.com", "10.0.0.1")))
    ec2 = aws.client("ec2", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    with pytest.raises(ClientError) as denied:
        ec2.describe_instances()
    assert denied.value.response["Error"]["Code"] == "UnauthorizedOperation"


def test_a_role_without_route53_permissions_is_denied_route53(aws: LocalAWS, zone: str) -> None:
    who = caller(aws)
    creds = assume(aws, who, role(aws, "nothing", trust({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"})))
    r53 = aws.client("route53", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    with pytest.raises(ClientError) as denied:
        r53.list_resource_record_sets(HostedZoneId=zone)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_an_untrusted_caller_is_refused(aws: LocalAWS) -> None:
    arn = role(aws, "other", trust({"AWS": "arn:aws:iam::123456789012:user/someone-else"}), ROUTE53)
    with pytest.raises(ClientError) as denied:
        assume(aws, caller(aws), arn)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert "sts:AssumeRole on resource: " + arn in denied.value.response["Error"]["Message"]


def test_the_external_id_must_match(aws: LocalAWS) -> None:
    who = caller(aws)
    arn = role(aws, "partner", trust({"AWS": who["arn"]}, external_id="ext-42"), ROUTE53)
    for extra in ({}, {"ExternalId": "ext-41"}):
        with pytest.raises(ClientError) as denied:
            assume(aws, who, arn, **extra)
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert assume(aws, who, arn, ExternalId="ext-42")["AccessKeyId"]


def test_the_caller_needs_sts_assume_role_in_its_own_policy(aws: LocalAWS) -> None:
    who = caller(aws, ROUTE53)
    arn = role(aws, "dns", trust({"AWS": who["arn"]}), ROUTE53)
    with pytest.raises(ClientError) as denied:
        assume(aws, who, arn)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_an_assumed_role_may_assume_a_role_that_trusts_its_role(aws: LocalAWS) -> None:
    who = caller(aws)
    first = role(aws, "hop", trust({"AWS": who["arn"]}), ASSUME)
    second = role(aws, "dns", trust({"AWS": first}), ROUTE53)
    hop = assume(aws, who, first)
    sts = aws.client("sts", key=hop["AccessKeyId"], secret=hop["SecretAccessKey"], token=hop["SessionToken"])
    assert sts.assume_role(RoleArn=second, RoleSessionName="chained")["Credentials"]["AccessKeyId"]


def test_a_duration_over_the_roles_maximum_is_a_validation_error(aws: LocalAWS) -> None:
    who = caller(aws)
    arn = role(aws, "short", trust({"AWS": who["arn"]}), ROUTE53, max_session=3600)
    with pytest.raises(ClientError) as refused:
        assume(aws, who, arn, DurationSeconds=7200)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert assume(aws, who, arn, DurationSeconds=900)["AccessKeyId"]
