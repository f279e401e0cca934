"""A strict IMDSv2 emulator, one per simulated instance, on its own loopback port.

moto's metadata endpoint is IMDSv1 only, has one fixed instance id and answers 500 for
every path it does not know (local-aws.md item 11).  This one follows the instance
metadata service as documented: PUT-only session tokens with a TTL header, 401 without
a valid token when tokens are required, 404 for absent items, and role credentials that
are real STS credentials of the instance's role, accepted by the AWS endpoint.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

TOKEN_PATH = "/latest/api/token"
TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
MAX_TOKEN_TTL = 21600
RENEW_BEFORE = 300.0  # seconds before Expiration at which IMDS hands out new keys


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class IMDS:
    """The metadata service of one instance.

    ``mint`` returns fresh role credentials as (access_key, secret, token, expiration_ts).
    """

    def __init__(
        self,
        host: str,
        info: dict[str, Any],
        mint: Callable[[int], tuple[str, str, str, float]],
        on_request: Callable[[str, int], None],
        tokens_required: bool = True,
        credentials_ttl: int = 3600,
        tags: Callable[[], dict[str, str]] | None = None,
        events: Callable[[], dict[str, str]] | None = None,
    ):
        self.host = host
        self.info = info
        self.mint = mint
        self.on_request = on_request
        self.tokens_required = tokens_required
        self.credentials_ttl = credentials_ttl
        self.tags = tags
        self.events = events  # spot, maintenance, rebalance and lifecycle items (events.py)
        self.lock = threading.Lock()
        self.tokens: dict[str, float] = {}
        self.items: dict[str, str] = {}
        self.mode = "up"
        self.slow_ms = 1000
        self.fail_503 = 0
        self.creds: dict[str, Any] | None = None
        self.server: _Server | None = None
        self.thread: threading.Thread | None = None
        self.port = 0
        self._start()

    # ----------------------------------------------------------------- lifecycle
    def _start(self) -> None:
        imds = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # see __main__.py: no 40 ms stalls for keep-alive clients
            server_version = "EC2ws"
            sys_version = ""

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                imds.handle(self, "GET")

            def do_PUT(self) -> None:  # noqa: N802
                imds.handle(self, "PUT")

            def do_POST(self) -> None:  # noqa: N802
                imds.handle(self, "POST")

            def do_DELETE(self) -> None:  # noqa: N802
                imds.handle(self, "DELETE")

            def do_HEAD(self) -> None:  # noqa: N802
                imds.handle(self, "HEAD")

        self.server = _Server((self.host, self.port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"imds-{self.port}", daemon=True
        )
        self.thread.start()

    def _stop_server(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def stop(self) -> None:
        with self.lock:
            self.mode = "stopped"
        self._stop_server()

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def configure(self, body: dict[str, Any]) -> None:
        if "imds_slow_ms" in body:
            self.slow_ms = max(0, int(body["imds_slow_ms"]))
        if "imds_503_count" in body:
            self.fail_503 = max(0, int(body["imds_503_count"]))
        if "credentials_ttl" in body:
            ttl = int(body["credentials_ttl"])
            if ttl < 1:
                raise ValueError("credentials_ttl must be >= 1")
            self.credentials_ttl = ttl
        if "items" in body:
            items = body["items"]
            if not isinstance(items, dict):
                raise ValueError("items must be an object of path -> value (null removes)")
            with self.lock:
                for path, value in items.items():
                    path = path.strip("/")
                    if value is None:
                        self.items.pop(path, None)
                    else:
                        self.items[path] = value if isinstance(value, str) else json.dumps(value)
        if body.get("rotate_credentials"):
            with self.lock:
                self.creds = self._new_creds()
        if "imds" in body:
            mode = body["imds"]
            if mode not in ("up", "down", "503", "slow"):
                raise ValueError("imds must be one of up, down, 503, slow")
            with self.lock:
                old, self.mode = self.mode, mode
            if mode == "down" and old != "down":
                # A dead metadata service: the port refuses connections.
                self._stop_server()
            elif mode != "down" and self.server is None:
                self._start()

    # ----------------------------------------------------------------- credentials
    def _new_creds(self) -> dict[str, Any]:
        akid, secret, token, expiration = self.mint(self.credentials_ttl)
        return {
            "Code": "Success",
            "LastUpdated": _iso(time.time()),
            "Type": "AWS-HMAC",
            "AccessKeyId": akid,
            "SecretAccessKey": secret,
            "Token": token,
            "Expiration": _iso(expiration),
            "_expires": expiration,
        }

    def credentials(self) -> dict[str, Any]:
        with self.lock:
            creds = self.creds
            # Short test TTLs would otherwise renew on every call; renew at a third of them.
            margin = min(RENEW_BEFORE, self.credentials_ttl / 3.0)
            if creds is None or time.time() >= creds["_expires"] - margin:
                creds = self.creds = self._new_creds()
            return {k: v for k, v in creds.items() if not k.startswith("_")}

    # ----------------------------------------------------------------- metadata tree
    def _tree(self) -> dict[str, Any]:
        info = self.info
        mac = info["mac"]
        role = info["role_name"]
        iface: dict[str, Any] = {
            "device-number": "0",
            "interface-id": info.get("eni_id", ""),
            "local-ipv4s": info["private_ipv4"],
            "mac": mac,
            "subnet-id": info.get("subnet_id", ""),
            "vpc-id": info.get("vpc_id", ""),
        }
        if info.get("ipv6"):
            iface["ipv6s"] = info["ipv6"]
        if info.get("public_ipv4"):
            iface["public-ipv4s"] = info["public_ipv4"]
        meta: dict[str, Any] = {
            "ami-id": info.get("image_id", ""),
            "ami-launch-index": "0",
            "hostname": info.get("private_dns", ""),
            "instance-id": info["instance_id"],
            "instance-type": info.get("instance_type", "t3.micro"),
            "local-hostname": info.get("private_dns", ""),
            "local-ipv4": info["private_ipv4"],
            "mac": mac,
            "placement": {
                "availability-zone": info["availability_zone"],
                "availability-zone-id": info.get("availability_zone_id", "use1-az1"),
                "region": info["region"],
            },
            "network": {"interfaces": {"macs": {mac: iface}}},
            "iam": {
                "info": "__iam_info__",
                "security-credentials": {role: "__credentials__"},
            },
            "services": {"domain": "amazonaws.com", "partition": "aws"},
        }
        if info.get("public_ipv4"):
            meta["public-ipv4"] = info["public_ipv4"]
            meta["public-hostname"] = info.get("public_dns", "")
        if info.get("ipv6"):
            meta["ipv6"] = info["ipv6"]
        if info.get("metadata_tags") and self.tags is not None:
            # Only when the instance allows tags in metadata (InstanceMetadataTags=enabled);
            # otherwise tags/ is absent (404), as on EC2.
            meta["tags"] = {"instance": dict(self.tags())}
        served = dict(self.events()) if self.events is not None else {}
        served.update(self.items)
        for path, value in served.items():
            node = meta
            parts = path.split("/")
            for part in parts[:-1]:
                nxt = node.setdefault(part, {})
                if not isinstance(nxt, dict):
                    break
                node = nxt
            else:
                node[parts[-1]] = value
        return meta

    def _lookup(self, path: str) -> tuple[int, str, str]:
        """(status, content type, body) for a GET path."""
        if path in ("/", ""):
            return 200, "text/plain", "latest"
        if path in ("/latest", "/latest/"):
            return 200, "text/plain", "dynamic\nmeta-data\nuser-data"
        if path.startswith("/latest/dynamic/"):
            rest = path[len("/latest/dynamic/"):].strip("/")
            if rest == "":
                return 200, "text/plain", "instance-identity/"
            if rest == "instance-identity":
                return 200, "text/plain", "document\nsignature\npkcs7"
            if rest == "instance-identity/document":
                info = self.info
                doc = {
                    "accountId": info.get("account_id", "123456789012"),
                    "architecture": "x86_64",
                    "availabilityZone": info["availability_zone"],
                    "imageId": info.get("image_id", ""),
                    "instanceId": info["instance_id"],
                    "instanceType": info.get("instance_type", "t3.micro"),
                    "pendingTime": info.get("launch_time", _iso(time.time())),
                    "privateIp": info["private_ipv4"],
                    "region": info["region"],
                    "version": "2017-09-30",
                }
                return 200, "application/json", json.dumps(doc, indent=2)
            return 404, "text/html", _not_found()
        if path == "/latest/user-data":
            return 404, "text/html", _not_found()
        if path == "/latest/meta-data":
            path = "/latest/meta-data/"
        if not path.startswith("/latest/meta-data/"):
            return 404, "text/html", _not_found()
        rest = path[len("/latest/meta-data/"):]
        parts = [p for p in rest.split("/") if p]
        with self.lock:
            node: Any = self._tree()
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                return 404, "text/html", _not_found()
            node = node[part]
        if isinstance(node, dict):
            listing = "\n".join(k + "/" if isinstance(v, dict) else k for k, v in node.items())
            return 200, "text/plain", listing
        if node == "__credentials__":
            return 200, "text/plain", json.dumps(self.credentials(), indent=2)
        if node == "__iam_info__":
            return 200, "text/plain", json.dumps(
                {
                    "Code": "Success",
                    "LastUpdated": _iso(time.time()),
                    "InstanceProfileArn": self.info.get("instance_profile_arn", ""),
                    "InstanceProfileId": self.info.get("instance_profile_id", ""),
                },
                indent=2,
            )
        return 200, "text/plain", str(node)

    # ----------------------------------------------------------------- requests
    def handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        path = req.path.split("?", 1)[0]
        length = int(req.headers.get("Content-Length") or 0)
        if length:
            req.rfile.read(length)
        with self.lock:
            mode = self.mode
            fail = False
            if self.fail_503 > 0:
                self.fail_503 -= 1
                fail = True
        if mode == "down" or mode == "stopped":
            req.close_connection = True
            try:
                req.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if mode == "slow":
            time.sleep(self.slow_ms / 1000.0)
        if fail or mode == "503":
            return self._send(req, path, 503, "text/html", _page(503, "Service Unavailable"))
        if path == TOKEN_PATH:
            if method != "PUT":
                return self._send(req, path, 405, "text/html", _page(405, "Method Not Allowed"))
            if req.headers.get("X-Forwarded-For") is not None:
                return self._send(req, path, 403, "text/html", _page(403, "Forbidden"))
            raw = req.headers.get(TTL_HEADER)
            try:
                ttl = int(raw) if raw is not None else 0
            except ValueError:
                ttl = 0
            if not 1 <= ttl <= MAX_TOKEN_TTL:
                return self._send(req, path, 400, "text/html", _page(400, "Bad Request"))
            token = secrets.token_urlsafe(42)
            with self.lock:
                now = time.time()
                self.tokens = {t: exp for t, exp in self.tokens.items() if exp > now}
                self.tokens[token] = now + ttl
            return self._send(req, path, 200, "text/plain", token, [(TTL_HEADER, str(ttl))])
        if method not in ("GET", "HEAD"):
            return self._send(req, path, 405, "text/html", _page(405, "Method Not Allowed"))
        token = req.headers.get(TOKEN_HEADER)
        if token is not None:
            with self.lock:
                exp = self.tokens.get(token)
            if exp is None or exp <= time.time():
                return self._send(req, path, 401, "text/html", _page(401, "Unauthorized"))
        elif self.tokens_required:
            return self._send(req, path, 401, "text/html", _page(401, "Unauthorized"))
        status, ctype, body = self._lookup(path)
        self._send(req, path, status, ctype, body, head=method == "HEAD")

    def _send(
        self, req: BaseHTTPRequestHandler, path: str, status: int, ctype: str, body: str,
        extra: list[tuple[str, str]] | None = None, head: bool = False,
    ) -> None:
        data = body.encode()
        try:
            req.send_response(status)
            req.send_header("Content-Type", ctype)
            req.send_header("Content-Length", str(len(data)))
            for k, v in extra or []:
                req.send_header(k, v)
            req.end_headers()
            if not head:
                req.wfile.write(data)
        except OSError:
            pass
        self.on_request(path, status)


def _page(status: int, text: str) -> str:
    return (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html>\n<html><head>'
        f"<title>{status} - {text}</title></head><body><h1>{status} - {text}</h1></body></html>\n"
    )


def _not_found() -> str:
    return _page(404, "Not Found")
