"""Helpers for the assume-role and credential_process tests: IAM users and roles in the local
AWS, and the shared config file of the test's home directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness import World

ACCOUNT = "123456789012"
ROUTE53 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "route53:*", "Resource": "*"}]}
ASSUME_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
NOTHING = {"Version": "2012-10-17",
           "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeRegions", "Resource": "*"}]}


def user(aws: World, policy: dict[str, Any] = ASSUME_ONLY) -> dict[str, str]:
    """An IAM user (with keys) whose own policy only lets it assume roles, by default."""
    created: dict[str, str] = aws.control("POST", "/users", {"policy": policy})
    return created


def role(aws: World, name: str, trusted: str, policy: dict[str, Any] | None = ROUTE53,
         external_id: str | None = None) -> str:
    """A role that `trusted` (an ARN) may assume, with `policy` as its own."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    iam = aws.client("iam")
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}))["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="dns", PolicyDocument=json.dumps(policy))
    return arn


def write_config(aws: World, config: str, credentials: str = "") -> Path:
    """~/.aws/config (and credentials) of the test's home directory."""
    directory = aws.home / ".aws"
    directory.mkdir(exist_ok=True)
    (directory / "config").write_text(config)
    (directory / "credentials").write_text(credentials)
    return directory


def static_keys(name: str, keys: dict[str, str]) -> str:
    return (f"[{name}]\naws_access_key_id = {keys['access_key_id']}\n"
            f"aws_secret_access_key = {keys['secret_access_key']}\n")


def sts_calls(aws: World) -> list[int]:
    """The statuses of the AssumeRole calls since the stats were cleared."""
    return [e[3] for e in aws.stats()["timeline"] if e[1] == "sts" and e[2] == "AssumeRole"]
