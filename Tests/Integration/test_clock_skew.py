"""Clock skew: the local AWS checks request times as AWS does (more than 5 minutes off is
refused, with AWS's time in the Date header) and its clock is moved, not the machine's (see
localaws/README.md, /_localaws/clock). r53hook corrects from the Date header: one refusal,
one info line with the offset, and every later request of the process signed corrected."""

from __future__ import annotations

import re

import pytest
import requests

from harness import World


def skew(aws: World, seconds: float) -> None:
    aws.control("POST", "/clock", {"offset_seconds": seconds})


def refusals(aws: World) -> list[list[object]]:
    return [e for e in aws.stats()["timeline"] if e[1] != "imds" and e[3] in (400, 401, 403)]


# The Date header has whole seconds: the offset read is 10 min within a second.
@pytest.mark.parametrize(("server_offset", "words"), [(-600, r"(9 min 59 s|10 min [01] s) ahead of AWS's"),
                                                      (600, r"(9 min 59 s|10 min [01] s) behind AWS's")])
def test_a_clock_ten_minutes_off_is_corrected_once(aws: World, server_offset: int, words: str):
    skew(aws, server_offset)
    run = aws.run("start")
    got = refusals(aws)
    skew(aws, 0)  # the checks below sign with the machine's clock
    assert run.code == 0, run.describe()
    notes = [line for line in run.stderr.splitlines() if "signing every request with the corrected time" in line]
    assert len(notes) == 1, run.stderr
    assert re.search(words, notes[0]), notes[0]
    # One refusal in the whole run: every later request (the change, GetChange polls) went out corrected.
    assert len(got) == 1, got
    assert got[0][1] == "route53"
    assert aws.records() == aws.pair()


def test_a_clock_four_minutes_off_needs_no_correction(aws: World):
    skew(aws, 240)
    run = aws.run("start")
    got = refusals(aws)
    skew(aws, 0)
    assert run.code == 0, run.describe()
    assert "corrected time" not in run.stderr
    assert got == []
    assert aws.records() == aws.pair()


def test_the_local_aws_refuses_a_skewed_request_with_its_date(aws: World):
    # The server side of the proof: AWS's answer to a request signed 10 minutes off.
    skew(aws, 600)
    r = requests.get(aws.endpoint + f"/2013-04-01/hostedzone/{aws.zone_id}/rrset", timeout=10,
                     headers={"Authorization": "AWS4-HMAC-SHA256 Credential=" + aws.admin["access_key_id"]
                              + "/20260101/us-east-1/route53/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
                              "X-Amz-Date": "20260101T000000Z"})
    skew(aws, 0)
    assert r.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in r.text and "Signature expired" in r.text
    assert r.headers["Date"].endswith(" GMT")


def test_one_correction_serves_sts_and_route53_alike(aws: World):
    # An assume-role profile: STS AssumeRole is the first request, refused for its time;
    # Route 53 is then asked with the corrected time at once.
    from credkit import role, static_keys, sts_calls, user, write_config

    base = user(aws)
    arn = role(aws, "dns", trusted=base["arn"])
    write_config(aws, f"[profile dns]\nrole_arn = {arn}\nsource_profile = base\n", static_keys("base", base))
    skew(aws, 600)
    run = aws.run("start", "--no-wait", AWS_PROFILE="dns")
    got = refusals(aws)
    assumed = sts_calls(aws)
    skew(aws, 0)
    assert run.code == 0, run.describe()
    assert "STS AssumeRole: AWS refused the request's time" in run.stderr
    assert [e[1] for e in got] == ["sts"], got
    assert assumed == [403, 200]
    assert aws.records() == aws.pair()
