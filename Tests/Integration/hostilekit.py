"""A hostile stand-in for Route 53 and EC2, for the test_security_*.py tests: a small HTTP
server on loopback that answers the calls r53hook makes the way a broken or malicious endpoint
would (paging keys that go round in circles or are missing, bodies of millions of elements, a
lock refused as held that never reads back), counts the requests, and lets r53hook be run
under GNU time for its peak memory.

Point r53hook at it with AWS_ENDPOINT_URL_ROUTE_53 or AWS_ENDPOINT_URL_EC2; everything else
(IMDS, credentials, the other services) stays with the local AWS of harness.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ZONE_ID = "ZHOSTILE"
ZONE = "example.com."
NAME = "www.example.com."
NS = 'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"'
# Just under the old 8 MiB XML cap, so that it reached the parser before the fix.
BIG_BODY = 8 * 1024 * 1024 - 1024


def record_sets(identifiers: list[str]) -> str:
    return "".join(
        f"<ResourceRecordSet><Name>{NAME}</Name><Type>A</Type><SetIdentifier>{i}</SetIdentifier><Weight>1</Weight>"
        f"<TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords>"
        f"</ResourceRecordSet>" for i in identifiers)


def listing(identifiers: list[str], *, truncated: bool, next_keys: bool = True,
            next_identifier: str | None = None) -> str:
    keys = f"<NextRecordName>{NAME}</NextRecordName><NextRecordType>A</NextRecordType>" if next_keys else ""
    if next_identifier is not None:
        keys += f"<NextRecordIdentifier>{next_identifier}</NextRecordIdentifier>"
    return (f"<ListResourceRecordSetsResponse {NS}><ResourceRecordSets>{record_sets(identifiers)}</ResourceRecordSets>"
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>{keys}<MaxItems>100</MaxItems>"
            f"</ListResourceRecordSetsResponse>")


def elements(size: int, root: str = "ListResourceRecordSetsResponse") -> bytes:
    head, tail = f"<{root}>".encode(), f"</{root}>".encode()
    return head + b"<a/>" * ((size - len(head) - len(tail)) // 4) + tail


ZONE_XML = f"<HostedZone><Id>/hostedzone/{ZONE_ID}</Id><Name>{ZONE}</Name><CallerReference>x</CallerReference>" \
           f"<Config><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>"


class HostileAWS:
    """The server; `mode` says how it misbehaves:
    - "cycle": ListResourceRecordSets pages of 100 record sets whose NextRecordIdentifier goes a, b, a, b, …
    - "no-identifier": truncated pages whose next key repeats the name and type but has no identifier
    - "no-next": a truncated page without any next key
    - "big": a ListResourceRecordSets body of just under 8 MiB of <a/> elements
    - "many": a 3 MiB body of <a/> elements (under the Route 53 size cap, over its element cap)
    - "zones-cycle": ListHostedZonesByName pages that name the same zone as the next one for ever
    - "held": every change batch refused as "already exists", and no record ever listed
    - "ec2-token": DescribeInstances pages that all carry the same nextToken
    Every other call gets a plausible, honest answer."""

    def __init__(self, mode: str):
        self.mode = mode
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload = owner.answer(self.command, self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # r53hook stopped reading: that is the point

            do_GET = _serve
            do_POST = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> HostileAWS:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    def count(self, action: str | None = None) -> int:
        with self._lock:
            return sum(1 for _method, name in self.requests if action is None or name == action)

    # ---- answers
    def answer(self, method: str, raw_path: str, body: bytes) -> tuple[int, bytes]:
        parts = urlsplit(raw_path)
        path = [p for p in parts.path.split("/") if p]
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if method == "POST" and path == []:
            action = parse_qs(body.decode()).get("Action", [""])[0]
        elif path[1:2] == ["hostedzonesbyname"]:
            action = "ListHostedZonesByName"
        elif len(path) == 3 and path[1] == "hostedzone":
            action = "GetHostedZone"
        elif len(path) == 4 and path[3] == "rrset":
            action = "ChangeResourceRecordSets" if method == "POST" else "ListResourceRecordSets"
        else:
            action = "?"
        with self._lock:
            self.requests.append((method, action))
        xml = getattr(self, "_" + action, None)
        if xml is None:
            return 400, (b"<ErrorResponse><Error><Code>InvalidAction</Code><Message>not here</Message>"
                         b"</Error></ErrorResponse>")
        return xml(query)

    def _GetHostedZone(self, query: dict[str, str]) -> tuple[int, bytes]:
        return 200, f"<GetHostedZoneResponse {NS}>{ZONE_XML}</GetHostedZoneResponse>".encode()

    def _ListHostedZonesByName(self, query: dict[str, str]) -> tuple[int, bytes]:
        more = "<IsTruncated>true</IsTruncated><NextDNSName>example.com.</NextDNSName>" \
               f"<NextHostedZoneId>{ZONE_ID}</NextHostedZoneId>" if self.mode == "zones-cycle" \
            else "<IsTruncated>false</IsTruncated>"
        return 200, (f"<ListHostedZonesByNameResponse {NS}><HostedZones>{ZONE_XML}</HostedZones>{more}"
                     f"<MaxItems>100</MaxItems></ListHostedZonesByNameResponse>").encode()

    def _ListResourceRecordSets(self, query: dict[str, str]) -> tuple[int, bytes]:
        at = query.get("identifier", "a")
        if self.mode == "cycle":
            return 200, listing([f"{at}-{i:03d}" for i in range(100)], truncated=True,
                                next_identifier="b" if at == "a" else "a").encode()
        if self.mode == "no-identifier":
            return 200, listing(["a"], truncated=True).encode()
        if self.mode == "no-next":
            return 200, listing(["a"], truncated=True, next_keys=False).encode()
        if self.mode == "big":
            return 200, elements(BIG_BODY)
        if self.mode == "many":
            return 200, elements(3 * 1024 * 1024)
        return 200, listing([], truncated=False, next_keys=False).encode()

    def _ChangeResourceRecordSets(self, query: dict[str, str]) -> tuple[int, bytes]:
        name = f"lock._r53hook-lock.{ZONE}"
        return 400, (f"<InvalidChangeBatch {NS}><Messages><Message>Tried to create resource record set "
                     f"[name='{name}', type='TXT'] but it already exists</Message></Messages>"
                     f"<RequestId>r</RequestId></InvalidChangeBatch>").encode()

    def _DescribeInstances(self, query: dict[str, str]) -> tuple[int, bytes]:
        token = "<nextToken>same</nextToken>" if self.mode == "ec2-token" else ""
        return 200, (f'<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                     f"<requestId>r</requestId><reservationSet/>{token}</DescribeInstancesResponse>").encode()


@dataclass
class MeasuredRun:
    argv: list[str]
    code: int
    stdout: str
    stderr: str
    elapsed: float
    peak_rss_kb: int

    def describe(self) -> str:
        return (f"argv: {self.argv}\nexit {self.code} after {self.elapsed:.2f} s, peak RSS {self.peak_rss_kb} kB\n"
                f"--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}")


def run_measured(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 60) -> MeasuredRun:
    """Runs argv under GNU time (-v, into a file) and returns its outcome and peak RSS."""
    report = Path(cwd) / f"time-{time.monotonic_ns()}.txt"
    started = time.monotonic()
    # Its own session, so that a run that never ends is killed with its GNU time parent.
    proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", str(report), *argv], env=env, cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = -9
    elapsed = time.monotonic() - started
    rss = 0
    if report.exists():
        for line in report.read_text().splitlines():
            if "Maximum resident set size" in line:
                rss = int(line.rsplit(":", 1)[1].strip())
            if line.strip().startswith("Command exited with non-zero status"):
                code = int(line.rsplit(" ", 1)[1])
    return MeasuredRun(argv, code, out, err, elapsed, rss)
