"""The one loopback endpoint: faults, statistics, auth, Route 53, then moto."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from typing import Any, Callable
from urllib.parse import parse_qsl

from .auth import ACCOUNT_ID, AWSError, authenticate, authorize, parse_authorization, service_of
from .errors import InvalidChangeBatch, render_error, render_invalid_change_batch
from .faults import Faults
from .route53 import BYNAME_RE, CHANGE_RE, RRSET_RE, Route53
from .stats import Stats
from .sts import check_assume_role

log = logging.getLogger("localaws")

StartResponse = Callable[..., Any]
Response = tuple[int, list[tuple[str, str]], bytes]

STATUS_TEXT = {
    200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
    500: "Internal Server Error", 503: "Service Unavailable",
}

INTERNAL_HEADER = "X-Localaws-Internal"
CALLER_KEY = "localaws.caller"  # the authenticated caller's ARN, for the Route 53 history


class Dropped(Exception):
    """Close the client's connection without an answer."""


def _route53_operations() -> list[tuple[str, re.Pattern[str], str]]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("route53")
    ops = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http["requestUri"].split("?")[0].rstrip("/")
        regex = "^" + re.sub(r"\{[^}]+\}", "[^/]+", re.escape(uri).replace(r"\{", "{").replace(r"\}", "}")) + "/?$"
        ops.append((http["method"], re.compile(regex), name))
    ops.sort(key=lambda op: -len(op[1].pattern))
    return ops


class LocalAWS:
    """WSGI application serving every AWS service and the control API."""

    def __init__(self, insync_delay: float = 2.0, throttle_rps: float | None = None, auth: bool = True):
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.lock = threading.RLock()
        self.moto = DomainDispatcherApplication(create_backend_app)
        self.route53 = Route53(insync_delay)
        self.faults = Faults(throttle_rps)
        self.stats = Stats()
        self.auth_enabled = auth
        # Seconds the server's clock is ahead of the machine's (negative: behind): every
        # timestamp check and every Date header use it, so a test can play a client whose clock
        # is wrong without touching the client (control API /_localaws/clock).
        self.clock_offset = 0.0
        self.internal_token = secrets.token_hex(16)
        self.r53_ops = _route53_operations()
        self.endpoint = ""
        self.host = "127.0.0.1"
        self.admin: dict[str, str] = {}
        from .control import Control

        self.control = Control(self)
        from .elb import ELBHealth

        self.elb = ELBHealth(self)
        from .autoscaling import AutoScaling

        self.autoscaling = AutoScaling(self)

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        try:
            if path == "/_localaws" or path.startswith("/_localaws/"):
                status, headers, body = self.control.handle(environ)
            else:
                status, headers, body = self.aws(environ)
        except Dropped:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            # werkzeug treats this as the client going away and writes nothing.
            raise ConnectionResetError("localaws: connection dropped on purpose") from None
        except Exception as exc:  # a moto crash must still look like an AWS error
            log.exception("internal error on %s %s", environ.get("REQUEST_METHOD"), path)
            name = "route53" if path.startswith("/2013-04-01/") else (service_of(environ) or "unknown")
            status, headers, body = render_error(
                name, AWSError(500, "InternalFailure", f"localaws internal error: {type(exc).__name__}: {exc}",
                               sender=False)
            )
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {STATUS_TEXT.get(status, 'Status')}", headers)
        return [body]

    # ------------------------------------------------------------------ AWS side
    def identify(self, environ: dict[str, Any], body: bytes) -> tuple[str, str]:
        """(service, action) of a request, for stats, faults and policies."""
        scope_service = None
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header:
            try:
                parsed = parse_authorization(header)
                scope_service = parsed.service if parsed else None
            except AWSError:
                scope_service = None
        params: dict[str, str] = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        ctype = environ.get("CONTENT_TYPE", "") or ""
        if body and "x-www-form-urlencoded" in ctype:
            try:
                params.update(parse_qsl(body.decode(), keep_blank_values=True))
            except UnicodeDecodeError:
                pass
        path = environ.get("PATH_INFO", "")
        if scope_service == "route53" or (scope_service is None and path.startswith("/2013-04-01/")):
            method = environ.get("REQUEST_METHOD", "GET")
            for m, regex, name in self.r53_ops:
                if m == method and regex.match(path):
                    return "route53", name
            return "route53", "Unknown"
        service = scope_service or "unknown"
        if service == "elasticloadbalancing":
            service = "elbv2" if params.get("Version") == "2015-12-01" else "elb"
        return service, params.get("Action", "Unknown")

    def aws(self, environ: dict[str, Any]) -> Response:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        service, action = self.identify(environ, body)
        internal = environ.get("HTTP_" + INTERNAL_HEADER.upper().replace("-", "_")) == self.internal_token
        if internal:
            return self.dispatch(environ, body, service, action)
        try:
            if service == "route53" and self.faults.route53_down:
                raise Dropped()
            if self.faults.take_drop():
                raise Dropped()
        except Dropped:
            self.stats.record(service, action, 0)
            raise
        slow = self.faults.slow_ms
        if slow:
            time.sleep(slow / 1000.0)
        status5xx = self.faults.take_5xx()
        if status5xx is not None:
            if status5xx == 500:
                err = AWSError(500, "InternalFailure", "The request processing has failed because of an unknown "
                               "error, exception or failure.", sender=False)
            else:
                err = AWSError(503, "ServiceUnavailable", "Service Unavailable", sender=False)
            resp = render_error(service, err)
        else:
            try:
                resp = self.checked(environ, body, service, action)
            except Dropped:
                self.stats.record(service, action, 0)
                raise
        self.stats.record(service, action, resp[0])
        return resp

    def checked(self, environ: dict[str, Any], body: bytes, service: str, action: str) -> Response:
        try:
            if self.auth_enabled:
                now = self.now()
                with self.lock:
                    _, principal = authenticate(environ, body, service, now)
                    environ[CALLER_KEY] = principal.arn
                    resource, context = self.resource_of(service, action, environ, body)
                    authorize(service, principal, action, resource, context)
                    if service == "sts" and action == "AssumeRole":
                        check_assume_role(principal.arn, body, environ.get("QUERY_STRING", ""))
            if service == "route53":
                if self.faults.throttled():
                    self.stats.record_throttle()
                    raise AWSError(400, "Throttling", "Rate exceeded")
                if action == "ChangeResourceRecordSets" and self.faults.take_prior_request():
                    raise AWSError(
                        400, "PriorRequestNotComplete",
                        "The request was rejected because Route 53 was still processing a prior request.",
                    )
        except AWSError as err:
            return render_error(service, err)
        return self.dispatch(environ, body, service, action)

    def resource_of(
        self, service: str, action: str, environ: dict[str, Any], body: bytes
    ) -> tuple[str, dict[str, list[str]]]:
        if service == "autoscaling":
            return self.autoscaling.resource_of(action, environ, body), {}
        if service != "route53":
            return "*", {}
        path = environ.get("PATH_INFO", "")
        context: dict[str, list[str]] = {}
        if action == "ChangeResourceRecordSets":
            context = self.route53.condition_context(body)
        m = re.match(r"^/2013-04-01/(hostedzone|change|healthcheck|delegationset)/"
                     r"(?:/?(?:hostedzone|change)/)?([^/]+)", path)
        if m:
            return f"arn:aws:route53:::{m.group(1)}/{m.group(2)}", context
        return "*", context

    def dispatch(self, environ: dict[str, Any], body: bytes, service: str, action: str) -> Response:
        if service == "route53":
            path = environ.get("PATH_INFO", "")
            method = environ.get("REQUEST_METHOD", "GET")
            query = environ.get("QUERY_STRING", "")
            try:
                with self.lock:
                    m = RRSET_RE.match(path)
                    if m and method == "POST":
                        answer = self.route53.change_resource_record_sets(
                            m.group(1), body, environ.get(CALLER_KEY))
                        if self.faults.take_lost_answer():
                            raise Dropped()  # applied, but the client never hears so
                        return self._xml(answer)
                    if m and method == "GET":
                        return self._xml(self.route53.list_resource_record_sets(m.group(1), query))
                    m = CHANGE_RE.match(path)
                    if m and method == "GET":
                        return self._xml(self.route53.get_change(m.group(1)))
                    if BYNAME_RE.match(path) and method == "GET":
                        return self._xml(self.route53.list_hosted_zones_by_name(query))
            except AWSError as err:
                return render_error("route53", err)
            except InvalidChangeBatch as exc:
                return render_invalid_change_batch(exc, self.route53.invalid_change_batch_shape)
        if service in ("elb", "elbv2"):
            answer = self.elb.intercept(service, action, body, environ)
            if answer is not None:
                return answer
        if service == "autoscaling":
            answer = self.autoscaling.intercept(action, body, environ)
            if answer is not None:
                return answer
        status, headers, out = self.call_moto(environ)
        if service == "autoscaling" and status < 300:
            self.autoscaling.after(action, body, environ)
        if service == "route53" and action in (
            "CreateHostedZone", "DeleteHostedZone", "AssociateVPCWithHostedZone", "DisassociateVPCFromHostedZone",
        ) and status < 300:
            with self.lock:
                out = self.route53.rewrite_change_info(out.decode()).encode()
        if service in ("elb", "elbv2") and status < 300:
            out = self.elb.after(service, action, body, out, environ)
        return status, headers, out

    def call_moto(self, environ: dict[str, Any]) -> Response:
        from werkzeug.test import run_wsgi_app

        with self.lock:
            app_iter, status, headers = run_wsgi_app(self.moto, environ, buffered=True)
            try:
                out = b"".join(app_iter)
            finally:
                close = getattr(app_iter, "close", None)
                if close:
                    close()
        code = int(status.split(" ", 1)[0])
        hdrs = [(k, v) for k, v in headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "connection")]
        return code, hdrs, out

    @staticmethod
    def _xml(text: str) -> Response:
        from .errors import request_id

        return 200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id())], text.encode()

    # ------------------------------------------------------------------ helpers
    def now(self) -> dt.datetime:
        """AWS's time as this server plays it: the machine's clock moved by clock_offset."""
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.clock_offset)

    def internal_client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client that talks to this server as the admin, bypassing faults and stats."""
        import boto3
        from botocore.config import Config

        client = boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=self.admin["access_key_id"],
            aws_secret_access_key=self.admin["secret_access_key"],
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )
        token = self.internal_token

        def mark(request: Any, **_: Any) -> None:
            request.headers[INTERNAL_HEADER] = token

        client.meta.events.register("before-send", mark)
        return client

    def json_response(self, status: int, payload: Any) -> Response:
        return status, [("Content-Type", "application/json")], json.dumps(payload).encode()


__all__ = ["LocalAWS", "ACCOUNT_ID"]
