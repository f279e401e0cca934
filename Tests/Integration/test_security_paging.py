"""Paging that does not trust the endpoint (security audit, point 9): the real binary against a
hostile Route 53 or EC2 (hostilekit.py) whose page keys go round in circles, are missing, or
whose bodies are millions of elements. Each run must end with a clear error and exit 69 in
bounded time, requests and memory; peak RSS is measured with GNU time and reported.
"""

from __future__ import annotations

import pytest

from harness import World, measure
from hostilekit import ZONE_ID, HostileAWS, MeasuredRun, run_measured
from registrykit import start_fleet

# The audit saw 595 MB within a 15 s deadline; the same deadline here, so that a binary that
# loops is stopped by it and fails the time bound instead of running for ever.
DEADLINE = "15"
MAX_SECONDS = 5.0
MAX_RSS_MB = 60


def route53_run(aws: World, hostile: HostileAWS, *args: str) -> MeasuredRun:
    argv = [str(aws.binary), "status", "--name", "www.example.com", "--deadline", DEADLINE, *args]
    env = aws.env(AWS_ENDPOINT_URL_ROUTE_53=hostile.endpoint)
    return run_measured(argv, env, aws.tmp, timeout=60)


def check(run: MeasuredRun, hostile: HostileAWS, label: str, text: str, max_requests: int) -> None:
    requests = hostile.count()
    measure(f"hostile endpoint: {label}",
            f"exit {run.code} after {run.elapsed:.2f} s, {requests} requests, peak RSS {run.peak_rss_kb / 1024:.1f} MB")
    assert run.code == 69, run.describe()
    assert text in run.stderr, run.describe()
    assert "really" in run.stderr, run.describe()  # tells the operator to check the endpoint
    assert run.elapsed < MAX_SECONDS, run.describe()
    assert requests <= max_requests, f"{requests} requests\n{run.describe()}"
    assert 0 < run.peak_rss_kb < MAX_RSS_MB * 1024, run.describe()


@pytest.mark.parametrize("mode, text, max_requests", [
    # GetHostedZone, then pages at a, b and a again, whose next key (b) was seen.
    ("cycle", "NextRecordIdentifier 'b' again", 4),
    ("no-identifier", "NextRecordIdentifier missing", 2),
    ("no-next", "without NextRecordName", 2),
])
def test_record_set_pages_that_do_not_move_on_are_an_error(aws: World, mode: str, text: str, max_requests: int):
    with HostileAWS(mode) as hostile:
        run = route53_run(aws, hostile, "--zone-id", ZONE_ID)
    check(run, hostile, f"ListResourceRecordSets {mode}", text, max_requests)


def test_an_8_mib_body_of_elements_is_refused_unread(aws: World):
    with HostileAWS("big") as hostile:
        run = route53_run(aws, hostile, "--zone-id", ZONE_ID)
    check(run, hostile, "ListResourceRecordSets 8 MiB of <a/>", "more than it can send", 2)


def test_a_body_within_the_size_cap_but_of_a_million_elements_is_refused(aws: World):
    with HostileAWS("many") as hostile:
        run = route53_run(aws, hostile, "--zone-id", ZONE_ID)
    check(run, hostile, "ListResourceRecordSets 3 MiB of <a/>", "elements", 2)


def test_hosted_zone_pages_that_name_the_same_zone_again_are_an_error(aws: World):
    with HostileAWS("zones-cycle") as hostile:
        run = route53_run(aws, hostile, "--zone-name", "example.com")
    check(run, hostile, "ListHostedZonesByName repeating NextHostedZoneId", "does not move on", 1)


def test_ec2_next_tokens_that_repeat_are_an_error(aws: World):
    start_fleet(aws, 2)
    with HostileAWS("ec2-token") as hostile:
        argv = [str(aws.binary), "sweep", "--zone-id", aws.zone_id, "--name", "www.example.com", "--deadline", DEADLINE]
        run = run_measured(argv, aws.env(AWS_ENDPOINT_URL_EC2=hostile.endpoint), aws.tmp, timeout=60)
    check(run, hostile, "DescribeInstances repeating nextToken", "the same nextToken twice", 2)
    assert "swept" not in run.stdout, run.describe()
