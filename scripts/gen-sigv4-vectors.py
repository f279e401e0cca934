#!/usr/bin/env python3
"""Generate SigV4 test vectors with botocore's own signer.

The Swift SigV4 target must sign exactly as botocore's ``SigV4Auth`` does for
non-S3 services. This script lets botocore sign a varied set of requests at
fixed times and writes inputs and outputs to
Tests/SigV4Tests/Vectors/botocore-vectors.json, which SigV4Tests checks.

Two kinds of vectors:

* "direct": an ``AWSRequest`` built here the way botocore's pipeline builds one
  (path encoded with ``percent_encode(path, safe='/~')``, query with
  ``percent_encode_sequence``), signed by ``SigV4Auth.add_auth``. These reach
  edge cases a real API call cannot (dot segments, header folding, ...).
* "client": a real botocore client call (Route 53, ELB, EC2, STS), with the
  request captured at signing time and never sent. These prove the inputs the
  Swift code will see in practice are signed the same way.

Nothing touches the network or any real credentials. Regenerate with:

    python3 scripts/gen-sigv4-vectors.py

and commit the JSON. The output is deterministic for a given botocore version.
"""

import datetime
import json
import os
import pathlib
import sys
from unittest import mock
from urllib.parse import unquote, urlsplit

# Keep any local AWS configuration out of the clients made below.
for variable in list(os.environ):
    if variable.startswith("AWS_"):
        del os.environ[variable]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import botocore  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.session  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.utils import percent_encode, percent_encode_sequence  # noqa: E402

OUTPUT = (
    pathlib.Path(__file__).resolve().parent.parent
    / "Tests" / "SigV4Tests" / "Vectors" / "botocore-vectors.json"
)

# AWS's documented example credentials; never real ones.
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = (
    "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD"
    "+EXAMPLE/TOKEN=="
)
# User-Agent is sent but never signed; pin it so the JSON does not change with
# the Python or botocore version that regenerates it.
PINNED_USER_AGENT = "r53hook-vector-generator/1"

# Times: the AWS documentation example, a leap day late at night, an early
# single-digit month and day.
DOC_EXAMPLE_TIME = datetime.datetime(2015, 8, 30, 12, 36, 0)
LEAP_DAY_TIME = datetime.datetime(2024, 2, 29, 23, 59, 59)
EARLY_TIME = datetime.datetime(2026, 1, 5, 3, 4, 5)

SIGNED_HEADERS_ADDED_LOWER = {"x-amz-date", "x-amz-security-token", "authorization"}


class CapturedRequest(Exception):
    """Raised in before-send so a client's request is captured, not sent."""


def seconds_since_1970(moment):
    return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())


def as_text(value):
    """botocore keeps some header values as bytes; JSON and Swift want text."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def split_encoded_query(query):
    """The (unencoded name, unencoded value) pairs of a botocore-encoded query."""
    items = []
    if query:
        for pair in query.split("&"):
            name, _, value = pair.partition("=")
            items.append({"name": unquote(name), "value": unquote(value)})
    return items


class Recorder:
    """Wraps SigV4Auth.add_auth to record inputs and every stage's output."""

    def __init__(self):
        self.records = []
        self._original_add_auth = botocore.auth.SigV4Auth.add_auth

    def install(self):
        recorder = self

        def recording_add_auth(auth, request):
            if "User-Agent" in request.headers:
                request.headers.replace_header("User-Agent", PINNED_USER_AGENT)
            headers_before = [
                (name, value)
                for name, value in request.headers.items()
                if name.lower() not in SIGNED_HEADERS_ADDED_LOWER
            ]
            stages = {}
            original_canonical = auth.canonical_request
            original_string_to_sign = auth.string_to_sign

            def canonical_request(req):
                stages["canonicalRequest"] = original_canonical(req)
                return stages["canonicalRequest"]

            def string_to_sign(req, canonical):
                stages["stringToSign"] = original_string_to_sign(req, canonical)
                return stages["stringToSign"]

            auth.canonical_request = canonical_request
            auth.string_to_sign = string_to_sign
            try:
                recorder._original_add_auth(auth, request)
            finally:
                del auth.canonical_request
                del auth.string_to_sign
            # Snapshot now: a client keeps mutating the request after signing
            # (adds amz-sdk-* headers, re-adds headers as bytes when preparing).
            recorder.records.append(
                {
                    "auth": auth,
                    "method": request.method,
                    "url": request.url,
                    "body": request.body,
                    "headers_before": headers_before,
                    "headers_after": list(request.headers.items()),
                    "stages": stages,
                }
            )

        botocore.auth.SigV4Auth.add_auth = recording_add_auth

    def take_last(self):
        return self.records.pop()


def vector_from_record(name, kind, record, moment, token, note):
    auth = record["auth"]
    url = urlsplit(record["url"])
    input_headers = [
        {"name": header_name, "value": as_text(value)}
        for header_name, value in record["headers_before"]
    ]
    if not any(h["name"].lower() == "host" for h in input_headers):
        # botocore takes the host from the URL when no Host header is set; the
        # Swift API asks the caller for it, so it is an explicit input here.
        input_headers.insert(0, {"name": "host", "value": url.netloc})
    added = [
        {"name": header_name, "value": as_text(value)}
        for header_name, value in record["headers_after"]
        if header_name.lower() in SIGNED_HEADERS_ADDED_LOWER
    ]
    authorization = [h["value"] for h in added if h["name"].lower() == "authorization"]
    body = record["body"] or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return {
        "name": name,
        "kind": kind,
        "note": note,
        "service": auth._service_name,
        "region": auth._region_name,
        "credentials": {
            "accessKeyId": ACCESS_KEY,
            "secretAccessKey": SECRET_KEY,
            "sessionToken": token,
        },
        "secondsSince1970": seconds_since_1970(moment),
        "request": {
            "method": record["method"],
            "path": unquote(url.path),
            "query": split_encoded_query(url.query),
            "headers": input_headers,
            "body": body.decode("utf-8"),
        },
        "expected": {
            "urlPath": url.path,
            "canonicalRequest": record["stages"]["canonicalRequest"],
            "stringToSign": record["stages"]["stringToSign"],
            "addedHeaders": added,
            "authorization": authorization[0],
        },
    }


def fixed_time(moment):
    return mock.patch.object(
        botocore.auth, "get_current_datetime", lambda *args, **kwargs: moment
    )


def sign_direct(recorder, spec):
    """Sign a hand-built request exactly as botocore's pipeline would build it."""
    scheme_and_host = spec.get("endpoint") or "https://" + spec["host"]
    url = scheme_and_host + percent_encode(spec["path"], safe="/~")
    if spec.get("query"):
        url += "?" + percent_encode_sequence(spec["query"])
    request = AWSRequest(method=spec["method"], url=url, data=spec.get("body", b""))
    for header_name, value in spec["headers"]:
        request.headers[header_name] = value  # HTTPHeaders appends repeats
    request.context = {}
    token = spec.get("token")
    credentials = Credentials(ACCESS_KEY, SECRET_KEY, token)
    auth = botocore.auth.SigV4Auth(credentials, spec["service"], spec["region"])
    with fixed_time(spec["time"]):
        auth.add_auth(request)
    record = recorder.take_last()
    return vector_from_record(
        spec["name"], "direct", record, spec["time"], token, spec["note"]
    )


def sign_with_client(recorder, name, note, service, region, token, moment, call):
    session = botocore.session.get_session()
    client = session.create_client(
        service,
        region_name=region,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=token,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )

    def refuse_to_send(request, **kwargs):
        raise CapturedRequest()

    client.meta.events.register("before-send", refuse_to_send)
    with fixed_time(moment):
        try:
            call(client)
        except CapturedRequest:
            pass
        else:
            sys.exit(f"{name}: botocore did not reach before-send")
    record = recorder.take_last()
    return vector_from_record(name, "client", record, moment, token, note)


XML_CHANGE_BATCH = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
    "<ChangeBatch><Comment>r53hook join i-0abc &amp; friends</Comment><Changes><Change>"
    "<Action>UPSERT</Action><ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type>"
    "<SetIdentifier>i-0abc</SetIdentifier><Weight>10</Weight><TTL>60</TTL>"
    "<ResourceRecords><ResourceRecord><Value>192.0.2.10</Value></ResourceRecord>"
    "</ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch>"
    "</ChangeResourceRecordSetsRequest>"
)

DIRECT_SPECS = [
    {
        "name": "aws-doc-iam-listusers",
        "note": "The IAM ListUsers example from AWS's SigV4 documentation.",
        "service": "iam", "region": "us-east-1", "time": DOC_EXAMPLE_TIME,
        "host": "iam.amazonaws.com", "method": "GET", "path": "/",
        "query": [("Action", "ListUsers"), ("Version", "2010-05-08")],
        "headers": [
            ("Host", "iam.amazonaws.com"),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ],
    },
    {
        "name": "route53-list-rrsets-query-needing-encoding",
        "note": "Query values with *, spaces, =, +, &, / and non-ASCII; no session token.",
        "service": "route53", "region": "us-east-1", "time": EARLY_TIME,
        "host": "route53.amazonaws.com", "method": "GET",
        "path": "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset",
        "query": [
            ("name", "*.Ex ample=ünïcode.example.com."),
            ("type", "TXT"),
            ("identifier", "a+b&c/d e~f"),
            ("maxitems", "1"),
        ],
        "headers": [("Host", "route53.amazonaws.com")],
    },
    {
        "name": "route53-list-rrsets-with-session-token",
        "note": "As above but with a session token, which botocore signs for non-S3 services.",
        "service": "route53", "region": "us-east-1", "time": LEAP_DAY_TIME,
        "token": SESSION_TOKEN,
        "host": "route53.amazonaws.com", "method": "GET",
        "path": "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset",
        "query": [("name", "app.example.com."), ("type", "A"), ("identifier", "i-0abc")],
        "headers": [("Host", "route53.amazonaws.com")],
    },
    {
        "name": "route53-change-rrsets-xml-body",
        "note": "POST with an XML body; payload hash is the SHA-256 of the body.",
        "service": "route53", "region": "us-east-1", "time": EARLY_TIME,
        "token": SESSION_TOKEN,
        "host": "route53.amazonaws.com", "method": "POST",
        "path": "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset/",
        "body": XML_CHANGE_BATCH.encode("utf-8"),
        "headers": [("Host", "route53.amazonaws.com"), ("Content-Type", "text/xml")],
    },
    {
        "name": "route53-get-change-empty-body",
        "note": "GET without query or body: empty query line, SHA-256 of nothing.",
        "service": "route53", "region": "us-east-1", "time": LEAP_DAY_TIME,
        "host": "route53.amazonaws.com", "method": "GET",
        "path": "/2013-04-01/change/C2682N5HXP0BZ4",
        "headers": [("Host", "route53.amazonaws.com")],
    },
    {
        "name": "elb-deregister-form-body",
        "note": "Query-protocol POST with a form body, another region.",
        "service": "elasticloadbalancing", "region": "eu-west-1", "time": EARLY_TIME,
        "token": SESSION_TOKEN,
        "host": "elasticloadbalancing.eu-west-1.amazonaws.com", "method": "POST", "path": "/",
        "body": (
            b"Action=DeregisterInstancesFromLoadBalancer&Version=2012-06-01"
            b"&LoadBalancerName=web-lb&Instances.member.1.InstanceId=i-0abc"
        ),
        "headers": [
            ("Host", "elasticloadbalancing.eu-west-1.amazonaws.com"),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ],
    },
    {
        "name": "path-needing-encoding-is-encoded-twice",
        "note": "Spaces, *, +, : and non-ASCII in the path: encoded once in the URL, twice in the canonical URI.",
        "service": "route53", "region": "us-east-1", "time": EARLY_TIME,
        "host": "route53.amazonaws.com", "method": "GET",
        "path": "/2013-04-01/hostedzone/Z1 D*6+3:3é~x/rrset",
        "headers": [("Host", "route53.amazonaws.com")],
    },
    {
        "name": "path-dot-segments-and-double-slashes",
        "note": "botocore removes . and .. segments and empty segments from the canonical URI only.",
        "service": "route53", "region": "us-east-1", "time": EARLY_TIME,
        "host": "route53.amazonaws.com", "method": "GET",
        "path": "/2013-04-01//hostedzone/./Z1/../Z2/rrset/",
        "headers": [("Host", "route53.amazonaws.com")],
    },
    {
        "name": "headers-folded-merged-and-unsigned",
        "note": (
            "Mixed-case names, values with outer and inner whitespace runs and tabs, a repeated "
            "header (merged with commas), User-Agent and Expect left unsigned, a non-default port, "
            "plain http."
        ),
        "service": "route53", "region": "us-east-1", "time": LEAP_DAY_TIME,
        "token": SESSION_TOKEN,
        "endpoint": "http://localhost:4566", "method": "GET",
        "path": "/2013-04-01/hostedzone",
        "headers": [
            ("Host", "localhost:4566"),
            ("X-Custom-Header", "  several   inner\t\tspaces  "),
            ("x-repeated", "first"),
            ("User-Agent", "r53hook/1.0 (never signed)"),
            ("X-Repeated", " second  value "),
            ("Expect", "100-continue"),
            ("ACCEPT", "application/xml"),
        ],
    },
    {
        "name": "query-repeated-names-and-empty-values",
        "note": "Repeated names sort by encoded value; empty values sign as name=; names needing encoding.",
        "service": "ec2", "region": "us-west-2", "time": EARLY_TIME,
        "host": "ec2.us-west-2.amazonaws.com", "method": "GET", "path": "/",
        "query": [
            ("Filter.1.Value.2", "running"),
            ("Filter.1.Value.1", "pending"),
            ("tag", "b"),
            ("tag", "a"),
            ("tag", "A"),
            ("empty", ""),
            ("name with space", "x"),
            ("Action", "DescribeInstances"),
        ],
        "headers": [("Host", "ec2.us-west-2.amazonaws.com")],
    },
    {
        "name": "caller-supplied-content-sha256",
        "note": "An x-amz-content-sha256 header is signed and used as the payload hash, as botocore does.",
        "service": "route53", "region": "us-east-1", "time": EARLY_TIME,
        "host": "route53.amazonaws.com", "method": "POST",
        "path": "/2013-04-01/hostedzone/Z1/rrset/",
        "body": b"<x/>",
        "headers": [
            ("Host", "route53.amazonaws.com"),
            ("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"),
        ],
    },
    {
        "name": "empty-session-token-counts-as-none",
        "note": "An empty session token adds no X-Amz-Security-Token header.",
        "service": "sts", "region": "us-east-1", "time": EARLY_TIME,
        "token": "",
        "host": "sts.amazonaws.com", "method": "POST", "path": "/",
        "body": b"Action=GetCallerIdentity&Version=2011-06-15",
        "headers": [
            ("Host", "sts.amazonaws.com"),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ],
    },
]


def client_vectors(recorder):
    vectors = []

    def add(name, note, service, region, token, moment, call):
        vectors.append(
            sign_with_client(recorder, name, note, service, region, token, moment, call)
        )

    add(
        "client-route53-list-resource-record-sets",
        "Real botocore client: ListResourceRecordSets with values needing encoding.",
        "route53", "us-east-1", SESSION_TOKEN, EARLY_TIME,
        lambda c: c.list_resource_record_sets(
            HostedZoneId="/hostedzone/Z1D633PJN98FT9",
            StartRecordName="*.Ex ample=ünïcode.example.com.",
            StartRecordType="TXT",
            StartRecordIdentifier="i-0abc def+1",
            MaxItems="100",
        ),
    )
    add(
        "client-route53-change-resource-record-sets",
        "Real botocore client: ChangeResourceRecordSets, XML body built by botocore.",
        "route53", "us-east-1", SESSION_TOKEN, LEAP_DAY_TIME,
        lambda c: c.change_resource_record_sets(
            HostedZoneId="Z1D633PJN98FT9",
            ChangeBatch={
                "Comment": "r53hook join i-0abc & <friends>",
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": "app.example.com.",
                            "Type": "A",
                            "SetIdentifier": "i-0abc",
                            "Weight": 10,
                            "TTL": 60,
                            "ResourceRecords": [{"Value": "192.0.2.10"}],
                        },
                    }
                ],
            },
        ),
    )
    add(
        "client-route53-get-change",
        "Real botocore client: GetChange, empty body, no session token.",
        "route53", "us-east-1", None, EARLY_TIME,
        lambda c: c.get_change(Id="/change/C2682N5HXP0BZ4"),
    )
    add(
        "client-route53-get-hosted-zone-id-needing-encoding",
        "Real botocore client: a zone id with characters botocore encodes in the path.",
        "route53", "us-east-1", None, EARLY_TIME,
        lambda c: c.get_hosted_zone(Id="Z1 D*é+:x"),
    )
    add(
        "client-elb-deregister-instances",
        "Real botocore client: classic ELB DeregisterInstancesFromLoadBalancer.",
        "elb", "eu-west-1", SESSION_TOKEN, EARLY_TIME,
        lambda c: c.deregister_instances_from_load_balancer(
            LoadBalancerName="web-lb", Instances=[{"InstanceId": "i-0abc"}]
        ),
    )
    add(
        "client-elbv2-register-targets",
        "Real botocore client: ELBv2 RegisterTargets.",
        "elbv2", "ap-southeast-2", SESSION_TOKEN, LEAP_DAY_TIME,
        lambda c: c.register_targets(
            TargetGroupArn=(
                "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:"
                "targetgroup/web/0123456789abcdef"
            ),
            Targets=[{"Id": "i-0abc", "Port": 8080}],
        ),
    )
    add(
        "client-ec2-describe-instances",
        "Real botocore client: EC2 DescribeInstances with a tag filter containing spaces.",
        "ec2", "us-west-2", None, EARLY_TIME,
        lambda c: c.describe_instances(
            Filters=[{"Name": "tag:Name", "Values": ["web server", "api*"]}]
        ),
    )
    add(
        "client-sts-get-caller-identity",
        "Real botocore client: STS GetCallerIdentity.",
        "sts", "us-east-1", SESSION_TOKEN, EARLY_TIME,
        lambda c: c.get_caller_identity(),
    )
    return vectors


def main():
    recorder = Recorder()
    recorder.install()
    vectors = [sign_direct(recorder, spec) for spec in DIRECT_SPECS]
    vectors += client_vectors(recorder)
    document = {
        "generatedBy": "scripts/gen-sigv4-vectors.py",
        "botocoreVersion": botocore.__version__,
        "vectors": vectors,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {OUTPUT}")


if __name__ == "__main__":
    main()
