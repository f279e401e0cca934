"""HTTPS with the release binary's own libcurl (scripts/build-curl): certificates come from
OpenSSL's default store, which SSL_CERT_FILE overrides, and a server the store does not vouch
for is refused before any request is sent.

Route 53 is reached here through a TLS front (a certificate from a throwaway CA, for the name
localhost only) that passes each request on to the local AWS unchanged. Like test_portable.py,
this needs R53HOOK_RELEASE_BINARY (scripts/test sets it in its release step).
  R53HOOK_RELEASE_BINARY=$(scripts/build-release --strip) python3 -m pytest Tests/Integration/test_release_tls.py
"""

from __future__ import annotations

import http.client
import os
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness import NAME, World

RELEASE = os.environ.get("R53HOOK_RELEASE_BINARY", "")

pytestmark = pytest.mark.skipif(
    not RELEASE, reason="needs R53HOOK_RELEASE_BINARY (scripts/test sets it in its release step)")


def openssl(*args: str, cwd: Path) -> None:
    run = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ca.pem (a CA nobody trusts) and server.pem/server.key it signed for the name localhost."""
    where = tmp_path_factory.mktemp("tls")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=r53hook test CA", "-keyout", "ca.key", "-out", "ca.pem", cwd=where)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
            "-keyout", "server.key", "-out", "server.csr", cwd=where)
    (where / "san.cnf").write_text("subjectAltName=DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "san.cnf", "-out", "server.pem", cwd=where)
    return where


class Front(BaseHTTPRequestHandler):
    """Passes a request on to the local AWS as it came (method, path, headers, body), and its
    answer back; counts what it passed."""

    upstream = ""
    passed: list[str] = []

    def forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for key, value in self.headers.items():
            connection.putheader(key, value)
        connection.endheaders(body or None)
        answer = connection.getresponse()
        data = answer.read()
        Front.passed.append(f"{self.command} {self.path}")
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = forward

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture()
def front(aws: World, certificates: Path) -> Iterator[str]:
    Front.upstream = aws.endpoint
    Front.passed = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Front)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def release(aws: World, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RELEASE, *args, "--zone-id", aws.zone_id, "--name", NAME],
                          env=aws.env(**env), capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_route53_over_https_with_the_ca_that_ssl_cert_file_names(aws: World, front: str, certificates: Path):
    started = release(aws, "start", "--ttl", "1", AWS_ENDPOINT_URL_ROUTE_53=front,
                      SSL_CERT_FILE=str(certificates / "ca.pem"))
    assert started.returncode == 0, started.stderr
    assert aws.records() == aws.pair(ttl=1)
    assert any(line.startswith("POST ") and "/rrset" in line for line in Front.passed), Front.passed

    stopped = release(aws, "stop", "--drain-extra", "0", AWS_ENDPOINT_URL_ROUTE_53=front,
                      SSL_CERT_FILE=str(certificates / "ca.pem"))
    assert stopped.returncode == 0, stopped.stderr
    assert aws.records() == []


def test_a_server_the_default_store_does_not_vouch_for_is_refused_before_any_request(aws: World, front: str):
    # No SSL_CERT_FILE: OpenSSL's default store (this machine's CA bundle) has never heard of
    # the throwaway CA, so the TLS handshake fails and nothing reaches Route 53.
    run = release(aws, "start", "--ttl", "1", AWS_ENDPOINT_URL_ROUTE_53=front, SSL_CERT_FILE=None)
    assert run.returncode == 69, (run.returncode, run.stderr)
    assert "certificate" in run.stderr.lower(), run.stderr
    assert Front.passed == []
    assert aws.records() == []


def test_a_certificate_for_another_name_is_refused(aws: World, front: str, certificates: Path):
    # The CA is trusted, but the certificate names localhost, not the address 127.0.0.1.
    other = front.replace("localhost", "127.0.0.1")
    run = release(aws, "start", "--ttl", "1", AWS_ENDPOINT_URL_ROUTE_53=other,
                  SSL_CERT_FILE=str(certificates / "ca.pem"))
    assert run.returncode == 69, (run.returncode, run.stderr)
    assert Front.passed == []
    assert aws.records() == []
