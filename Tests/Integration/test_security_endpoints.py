"""Where r53hook may send signed requests, session tokens and credential requests.

Plain http carries the access key id, the signature and the session token in clear text, so
r53hook refuses it (78, before any request) unless the host is this machine; container
credentials over http go only to loopback or the ECS/EKS addresses, with the host compared as a
parsed address; and the region, which is pasted into host names, must look like a region name.
(The local AWS itself is http://127.0.0.1:PORT: every other test shows loopback still works.)
"""

from __future__ import annotations

import pytest

from harness import World


def assert_no_aws_request(aws: World) -> None:
    stats = aws.stats()
    assert stats["timeline"] == [], stats["timeline"]
    counted = {service: n for service, n in stats["requests"].items() if service != "imds"}
    assert counted == {}, counted


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ROUTE_53"])
@pytest.mark.parametrize("url", ["http://route53.attacker.invalid:4566", "http://127.attacker.invalid:4566",
                                 "http://10.11.12.13:4566"])
def test_plain_http_to_another_host_is_refused_before_any_request(aws: World, variable: str, url: str):
    aws.clear_stats()
    run = aws.run("start", "--no-wait", "--deadline", "5", **{"AWS_ENDPOINT_URL": None, variable: url})
    assert run.code == 78, run.describe()
    assert f"{variable} is {url}" in run.stderr, run.stderr
    assert "https://" in run.stderr, run.stderr
    assert_no_aws_request(aws)


def test_plain_http_to_ec2_elsewhere_is_refused_before_sweep_asks(aws: World):
    started = aws.run("start", "--no-wait")
    assert started.code == 0, started.describe()
    aws.clear_stats()
    run = aws.run("sweep", "--deadline", "5", AWS_REGION="us-east-1", AWS_ENDPOINT_URL_EC2="http://ec2.attacker.invalid")
    assert run.code == 78, run.describe()
    assert "AWS_ENDPOINT_URL_EC2 is http://ec2.attacker.invalid" in run.stderr, run.stderr
    assert "ec2" not in aws.stats()["requests"], aws.stats()["requests"]


@pytest.mark.parametrize("url", ["http://127.attacker.invalid/creds", "http://127.0.0.1.nip.io/creds",
                                 "http://localhost.attacker.invalid/creds"])
def test_container_credentials_over_http_go_only_to_loopback_addresses(aws: World, url: str):
    run = aws.run("start", "--no-wait", "--deadline", "5",
                  AWS_CONTAINER_CREDENTIALS_FULL_URI=url, AWS_CONTAINER_AUTHORIZATION_TOKEN="container-secret-token")
    assert run.code == 78, run.describe()
    assert "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https" in run.stderr, run.stderr
    assert "container-secret-token" not in run.stderr + run.stdout
    assert aws.records() == []


@pytest.mark.parametrize("region", ["x.evil.example/", "us-east-1.evil.example", "eu-west-1/../x", "US-EAST-1"])
def test_a_region_that_is_not_a_region_name_is_refused(aws: World, region: str):
    started = aws.run("start", "--no-wait")
    assert started.code == 0, started.describe()
    aws.clear_stats()
    run = aws.run("sweep", "--deadline", "5", AWS_REGION=region, AWS_ENDPOINT_URL=None,
                  AWS_ENDPOINT_URL_ROUTE_53=aws.endpoint)
    assert run.code == 78, run.describe()
    assert "AWS_REGION is" in run.stderr and "not an AWS region name" in run.stderr, run.stderr
    assert "ec2" not in aws.stats()["requests"], aws.stats()["requests"]
