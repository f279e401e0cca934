#!/usr/bin/env python3
"""Write the botocore-signed seed corpus of the sigv4 fuzz target.

Each file of Tests/Fuzz/sigv4/botocore-NNN is one request signed by botocore's
own ``SigV4Auth`` (non-S3 services, as r53hook signs), in the layout that
Tests/Fuzz/Harness/SigV4Fuzz.swift reads: a selector byte, then NUL-separated
method, path, query, headers, body, service, region, seconds since 1970 and
session token; then botocore's canonical request, its Authorization value and
the hex SHA-256 of everything before it. In the query and headers,
items are separated by 0x01 and name from value by 0x02.

While that digest holds the target compares r53hook's canonical request and
Authorization with botocore's byte for byte; libFuzzer's mutations of these
files break the digest and are only checked not to crash.

The requests are random but reproducible (fixed seed): paths with spaces,
dots, repeated slashes, percent signs, reserved and non-ASCII characters;
query items with empty, repeated and reserved names and values; extra headers
with repeated, inner and outer blanks; bodies; session tokens or none; times
from 1970 to 2100. Only what botocore signs without error is kept. Nothing
touches the network or any credentials. Regenerate with:

    python3 scripts/gen-sigv4-fuzz-corpus.py [COUNT]

and commit the files. The output is deterministic for a given botocore version.
"""

import datetime
import hashlib
import os
import pathlib
import random
import sys
from unittest import mock

for variable in list(os.environ):
    if variable.startswith("AWS_"):
        del os.environ[variable]

import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.utils import percent_encode, percent_encode_sequence  # noqa: E402

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fuzz" / "sigv4"

# AWS's documented example credentials; the fuzz target signs with the same.
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

PATH_PIECES = [
    "2013-04-01",
    "hostedzone",
    "Z1D633PJN98FT9",
    "rrset",
    "a b",
    "*",
    "+",
    ":",
    "~x",
    ".",
    "..",
    "",
    "%",
    "%41",
    "ünï",
    "日本",
    "a=b",
    "&",
    "@",
    "!",
    "'",
    "(",
    ")",
    "$",
    ",",
    ";",
    "[",
    "]",
    "#",
    "?x",
    "é",
    "😀",
]
TEXT_PIECES = [
    "app",
    "example.com.",
    " ",
    "*",
    "+",
    "=",
    "&",
    "/",
    "~",
    "%",
    "%20",
    "ü",
    "日",
    "a b",
    "Z1",
    "TXT",
    "-",
    "_",
    ".",
    "'",
    '"',
    "<",
    ">",
    "{",
    "}",
    "|",
    "^",
    "`",
    "😀",
    "é",
    "1",
    "",
]
HEADER_NAMES = ["Content-Type", "X-Amz-Target", "x-custom", "X-Custom", "Accept", "x-amz-meta-a"]
HEADER_VALUES = ["a", "b c", "  padded  ", "x\ty", "multi   space", "text/xml", "1", "a,b", ""]
SERVICES = [
    ("route53", "us-east-1"),
    ("elasticloadbalancing", "eu-west-1"),
    ("ec2", "ap-southeast-2"),
    ("sts", "us-west-2"),
]
METHODS = ["GET", "POST", "PUT", "DELETE", "get"]
TOKENS = ["", "", "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+EXAMPLE/TOKEN=="]


def text(rng, pieces, most):
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, most)))


def random_request(rng):
    path = "/" + "/".join(rng.choice(PATH_PIECES) for _ in range(rng.randint(0, 6)))
    query = [(text(rng, TEXT_PIECES, 3), text(rng, TEXT_PIECES, 4)) for _ in range(rng.randint(0, 4))]
    query = [(name, value) for name, value in query if name]  # botocore drops nameless items
    headers = [("Host", rng.choice(["route53.amazonaws.com", "localhost:4566", "ec2.ap-southeast-2.amazonaws.com"]))]
    headers += [(rng.choice(HEADER_NAMES), rng.choice(HEADER_VALUES)) for _ in range(rng.randint(0, 3))]
    service, region = rng.choice(SERVICES)
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=rng.randint(0, 4_102_444_800))
    body = text(rng, TEXT_PIECES, 6) if rng.random() < 0.4 else ""
    return {
        "method": rng.choice(METHODS),
        "path": path,
        "query": query,
        "headers": headers,
        "body": body,
        "service": service,
        "region": region,
        "time": moment,
        "token": rng.choice(TOKENS),
    }


def sign(spec):
    """Sign as botocore's pipeline builds a request: path and query encoded into the URL."""
    url = "https://" + spec["headers"][0][1] + percent_encode(spec["path"], safe="/~")
    if spec["query"]:
        url += "?" + percent_encode_sequence(spec["query"])
    request = AWSRequest(method=spec["method"], url=url, data=spec["body"].encode())
    for name, value in spec["headers"]:
        request.headers[name] = value
    request.context = {}
    auth = botocore.auth.SigV4Auth(
        Credentials(ACCESS_KEY, SECRET_KEY, spec["token"] or None), spec["service"], spec["region"]
    )
    canonical = {}
    original = auth.canonical_request

    def recording(req):
        canonical["text"] = original(req)
        return canonical["text"]

    auth.canonical_request = recording
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *args, **kwargs: spec["time"]):
        auth.add_auth(request)
    return canonical["text"], request.headers["Authorization"]


def encode(spec, canonical, authorization):
    def items(pairs):
        return "\x01".join(name + "\x02" + value for name, value in pairs)

    seconds = int(spec["time"].replace(tzinfo=datetime.timezone.utc).timestamp())
    fields = [
        spec["method"],
        spec["path"],
        items(spec["query"]),
        items(spec["headers"]),
        spec["body"],
        spec["service"],
        spec["region"],
        str(seconds),
        spec["token"],
    ]
    signed = b"S" + b"\x00".join(field.encode() for field in fields + [canonical, authorization])
    return signed + b"\x00" + hashlib.sha256(signed).hexdigest().encode()


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(12)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("botocore-*"):
        old.unlink()
    written = 0
    while written < count:
        spec = random_request(rng)
        if any(
            "\x00" in value or "\x01" in value or "\x02" in value
            for pair in spec["query"] + spec["headers"]
            for value in pair
        ):
            continue
        canonical, authorization = sign(spec)
        (OUTPUT / f"botocore-{written:03d}").write_bytes(encode(spec, canonical, authorization))
        written += 1
    where = OUTPUT.relative_to(OUTPUT.parents[2])
    print(f"wrote {written} botocore-signed requests to {where} (botocore {botocore.__version__})")


if __name__ == "__main__":
    main()
