"""SigV4 verification and IAM policy enforcement for every AWS request.

moto's own check (``moto.iam.access_control.IAMRequest``) rebuilds the request for
botocore with ``data=self._body or self._data``: for an empty body (every Route 53 GET)
it hashes the parsed query/headers dict instead of the empty payload, so each signed
Route 53 GET fails.  It also never looks at the request time and answers Route 53 auth
failures with an empty code.  This module verifies SigV4 itself, following the AWS
specification, and reuses moto only to find the caller (IAM user keys, STS assumed-role
keys) and to collect the caller's policies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from botocore.utils import normalize_url_path

from .errors import AWSError

ACCOUNT_ID = "123456789012"
MAX_SKEW = dt.timedelta(minutes=5)
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# Services whose SigV4 scope must name us-east-1 whatever the caller's region.
GLOBAL_SERVICES = {"route53", "iam"}

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


@dataclass
class Principal:
    arn: str
    secret: str
    policies: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ParsedAuth:
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str


AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$", re.S)


def parse_authorization(header: str) -> ParsedAuth | None:
    """Parse a SigV4 Authorization header; None if it is not SigV4 at all."""
    m = AUTH_RE.match(header.strip())
    if not m:
        return None
    parts: dict[str, str] = {}
    for piece in m.group(1).split(","):
        key, sep, value = piece.strip().partition("=")
        if sep:
            parts[key.strip()] = value.strip()
    for required in ("Credential", "SignedHeaders", "Signature"):
        if required not in parts:
            raise AWSError(
                403,
                "IncompleteSignature",
                f"Authorization header requires '{required}' parameter. "
                f"Authorization={header}",
            )
    scope = parts["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise AWSError(
            403,
            "IncompleteSignature",
            f"Authorization header requires a valid 'Credential' parameter. Authorization={header}",
        )
    return ParsedAuth(
        access_key=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=[h.strip().lower() for h in parts["SignedHeaders"].split(";") if h.strip()],
        signature=parts["Signature"],
    )


def service_of(environ: dict[str, Any]) -> str | None:
    """SigV4 scope service name of a request, if it carries one."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    try:
        parsed = parse_authorization(header) if header else None
    except AWSError:
        return None
    return parsed.service if parsed else None


def _header_value(environ: dict[str, Any], name: str) -> str | None:
    if name == "content-type":
        return environ.get("CONTENT_TYPE")
    if name == "content-length":
        return environ.get("CONTENT_LENGTH")
    return environ.get("HTTP_" + name.upper().replace("-", "_"))


def _canonical_query(raw_query: str) -> str:
    pairs = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        pairs.append((quote(unquote(key), safe="-_.~"), quote(unquote(value), safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def raw_target(environ: dict[str, Any]) -> tuple[str, str]:
    """The request path and query exactly as the client sent them."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not raw:
        raw = quote(environ.get("PATH_INFO", "/"))
        if environ.get("QUERY_STRING"):
            raw += "?" + environ["QUERY_STRING"]
    if "://" in raw.split("?", 1)[0]:  # absolute-form request target
        raw = "/" + raw.split("://", 1)[1].partition("/")[2]
    path, _, query = raw.partition("?")
    return path or "/", query


def canonical_request(environ: dict[str, Any], body: bytes, signed_headers: list[str]) -> str:
    path, query = raw_target(environ)
    lines = [environ["REQUEST_METHOD"].upper(), quote(normalize_url_path(path), safe="/~"), _canonical_query(query)]
    headers = []
    for name in sorted(set(signed_headers)):
        value = _header_value(environ, name)
        if value is None:
            raise AWSError(403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH)
        headers.append(f"{name}:{' '.join(value.split())}")
    lines.append("\n".join(headers) + "\n")
    lines.append(";".join(sorted(set(signed_headers))))
    declared = _header_value(environ, "x-amz-content-sha256")
    computed = hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
    if declared and declared != "UNSIGNED-PAYLOAD" and declared != computed:
        raise AWSError(
            400,
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )
    lines.append(declared or computed)
    return "\n".join(lines)


def signature_for(secret: str, auth: ParsedAuth, amz_date: str, creq: str) -> str:
    scope = f"{auth.date}/{auth.region}/{auth.service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()]
    )

    def h(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = h(("AWS4" + secret).encode(), auth.date)
    key = h(key, auth.region)
    key = h(key, auth.service)
    key = h(key, "aws4_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _fmt(t: dt.datetime) -> str:
    return t.strftime("%Y%m%dT%H%M%SZ")


def request_time(environ: dict[str, Any]) -> tuple[str, dt.datetime]:
    amz = environ.get("HTTP_X_AMZ_DATE")
    if amz:
        try:
            t = dt.datetime.strptime(amz, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
            return amz, t
        except ValueError:
            pass
    date = environ.get("HTTP_DATE")
    if date:
        from email.utils import parsedate_to_datetime

        try:
            t = parsedate_to_datetime(date).astimezone(dt.timezone.utc)
            return _fmt(t), t
        except (TypeError, ValueError):
            pass
    raise AWSError(
        403,
        "IncompleteSignature",
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    )


def check_time(service: str, amz_date: str, when: dt.datetime, now: dt.datetime) -> None:
    if when < now - MAX_SKEW:
        if service == "ec2":
            raise AWSError(400, "RequestExpired", "Request has expired.")
        raise AWSError(
            403,
            "SignatureDoesNotMatch",
            f"Signature expired: {amz_date} is now earlier than {_fmt(now - MAX_SKEW)} "
            f"({_fmt(now)} - 5 min.)",
        )
    if when > now + MAX_SKEW:
        if service == "ec2":
            raise AWSError(400, "RequestExpired", "Request has expired.")
        raise AWSError(
            403,
            "SignatureDoesNotMatch",
            f"Signature not yet current: {amz_date} is still later than {_fmt(now + MAX_SKEW)} "
            f"({_fmt(now)} + 5 min.)",
        )


def _invalid_key(service: str) -> AWSError:
    if service == "ec2":
        return AWSError(401, "AuthFailure", "AWS was not able to validate the provided access credentials")
    return AWSError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")


def _bad_signature(service: str) -> AWSError:
    if service == "ec2":
        return AWSError(401, "AuthFailure", "AWS was not able to validate the provided access credentials")
    return AWSError(403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH)


def _policy_docs(raw_policies: list[Any]) -> list[dict[str, Any]]:
    from moto.iam.access_control import IAMPolicy

    docs = []
    for p in raw_policies:
        try:
            docs.append(IAMPolicy(p)._policy_json)
        except (ValueError, KeyError, TypeError, StopIteration):
            continue
    return docs


def find_principal(access_key: str, session_token: str | None, service: str) -> Principal:
    """Find who owns an access key.  Caller holds the state lock."""
    from moto.core.utils import utcnow
    from moto.iam.access_control import AssumedRoleAccessKey, CreateAccessKeyFailure, IAMUserAccessKey
    from moto.sts.models import sts_backends

    for role in list(sts_backends[ACCOUNT_ID]["aws"].assumed_roles):
        if role.access_key_id != access_key:
            continue
        if session_token != role.session_token:
            raise _invalid_key(service)
        if role.expiration <= utcnow():
            raise AWSError(403, "ExpiredToken", "The security token included in the request is expired")
        headers = {"X-Amz-Security-Token": session_token}
        try:
            key = AssumedRoleAccessKey(ACCOUNT_ID, "aws", access_key, headers)
        except CreateAccessKeyFailure:
            raise _invalid_key(service) from None
        return Principal(role.arn, role.secret_access_key, _policy_docs(key.collect_policies()))
    headers = {"X-Amz-Security-Token": session_token} if session_token else {}
    try:
        key = IAMUserAccessKey(ACCOUNT_ID, "aws", access_key, headers)
    except CreateAccessKeyFailure:
        raise _invalid_key(service) from None
    user = key.backend.get_user(key._owner_user_name)
    for k in user.access_keys:
        if k.access_key_id == access_key and k.status != "Active":
            raise _invalid_key(service)
    return Principal(key.arn, key._secret_access_key, _policy_docs(key.collect_policies()))


# --------------------------------------------------------------------------- policies


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _wild(pattern: str, value: str, case_insensitive: bool) -> bool:
    if case_insensitive:
        pattern, value = pattern.lower(), value.lower()
    regex = "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + "$"
    return re.match(regex, value, re.S) is not None


def _condition_ok(condition: dict[str, Any], context: dict[str, list[str]]) -> bool:
    """Evaluate the String* condition operators over the keys we know.

    Unknown operators or keys make the condition false, so an Allow that depends on
    something we cannot evaluate does not grant access."""
    for op, block in condition.items():
        quantifier, _, base = op.rpartition(":")
        negate = base.startswith("StringNot")
        base_op = base.replace("StringNot", "String")
        if base_op.endswith("IfExists"):
            base_op = base_op[: -len("IfExists")]
        if base_op not in ("StringEquals", "StringLike", "StringEqualsIgnoreCase"):
            return False
        for key, expected in block.items():
            values = context.get(key.lower())
            if values is None:
                if base.endswith("IfExists"):
                    continue
                return False
            patterns = [str(p) for p in _as_list(expected)]
            if quantifier == "ForAllValues":
                if not all(_string_condition_holds(base_op, patterns, negate, v) for v in values):
                    return False
            elif not any(_string_condition_holds(base_op, patterns, negate, v) for v in values):
                return False
    return True


def _string_condition_holds(base_op: str, patterns: list[str], negate: bool, value: str) -> bool:
    """One context value against a String* condition operator's patterns (negated for Not...)."""
    if base_op == "StringLike":
        hit = any(_wild(p, value, False) for p in patterns)
    elif base_op == "StringEqualsIgnoreCase":
        hit = any(p.lower() == value.lower() for p in patterns)
    else:
        hit = value in patterns
    return not hit if negate else hit


def evaluate(
    docs: list[dict[str, Any]], action: str, resource: str, context: dict[str, list[str]],
    check_resource: bool,
) -> str:
    """Return 'allow', 'deny' (explicit) or 'implicit'."""
    allowed = False
    for doc in docs:
        for st in _as_list(doc.get("Statement")):
            if not isinstance(st, dict):
                continue
            if "Action" in st:
                if not any(_wild(p, action, True) for p in _as_list(st["Action"])):
                    continue
            elif "NotAction" in st:
                if any(_wild(p, action, True) for p in _as_list(st["NotAction"])):
                    continue
            else:
                continue
            if check_resource:
                if "Resource" in st:
                    if not any(_wild(p, resource, False) for p in _as_list(st["Resource"])):
                        continue
                elif "NotResource" in st:
                    if any(_wild(p, resource, False) for p in _as_list(st["NotResource"])):
                        continue
            if "Condition" in st and not _condition_ok(st["Condition"], context):
                continue
            effect = st.get("Effect")
            if effect == "Deny":
                return "deny"
            if effect == "Allow":
                allowed = True
    return "allow" if allowed else "implicit"


def access_denied(service: str, principal_arn: str, action: str, resource: str, explicit: bool) -> AWSError:
    on = f" on resource: {resource}" if resource and resource != "*" else ""
    why = (
        "with an explicit deny in an identity-based policy"
        if explicit
        else f"because no identity-based policy allows the {action} action"
    )
    msg = f"User: {principal_arn} is not authorized to perform: {action}{on} {why}"
    if service == "ec2":
        return AWSError(403, "UnauthorizedOperation", f"You are not authorized to perform this operation. {msg}")
    return AWSError(403, "AccessDenied", msg)


def policy_action_prefix(service: str) -> str:
    return {"elb": "elasticloadbalancing", "elbv2": "elasticloadbalancing"}.get(service, service)


def authenticate(
    environ: dict[str, Any], body: bytes, service: str, now: dt.datetime,
) -> tuple[ParsedAuth, Principal]:
    """Verify SigV4 and return the caller.  Caller holds the state lock."""
    header = environ.get("HTTP_AUTHORIZATION")
    if not header:
        raise AWSError(403, "MissingAuthenticationToken", "Missing Authentication Token")
    parsed = parse_authorization(header)
    if parsed is None:
        raise AWSError(
            403, "IncompleteSignature",
            "Only AWS4-HMAC-SHA256 (SigV4) Authorization headers are supported here.",
        )
    amz_date, when = request_time(environ)
    check_time(service, amz_date, when, now)
    if amz_date[:8] != parsed.date:
        raise AWSError(
            403, "SignatureDoesNotMatch",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{parsed.date}' != '{amz_date[:8]}', from '{amz_date}'.",
        )
    if parsed.service in GLOBAL_SERVICES and parsed.region != "us-east-1":
        raise AWSError(
            403, "SignatureDoesNotMatch",
            f"Credential should be scoped to a valid region, not '{parsed.region}'. ",
        )
    if "host" not in parsed.signed_headers:
        raise AWSError(
            403, "SignatureDoesNotMatch",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        )
    token = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
    principal = find_principal(parsed.access_key, token, service)
    creq = canonical_request(environ, body, parsed.signed_headers)
    expected = signature_for(principal.secret, parsed, amz_date, creq)
    if not hmac.compare_digest(expected, parsed.signature):
        raise _bad_signature(service)
    return parsed, principal


def authorize(
    service: str, principal: Principal, action: str, resource: str, context: dict[str, list[str]],
) -> None:
    full_action = f"{policy_action_prefix(service)}:{action}"
    if full_action.lower() == "sts:getcalleridentity":
        return
    result = evaluate(principal.policies, full_action, resource, context, check_resource=service in RESOURCE_CHECKED)
    if result != "allow":
        raise access_denied(service, principal.arn, full_action, resource, explicit=result == "deny")


# Services whose policies are matched on Resource too (the others on the action only).
RESOURCE_CHECKED = ("route53", "autoscaling")

FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def policy_json(policy: Any) -> str:
    return json.dumps(policy if policy is not None else FULL_ACCESS)


__all__ = [
    "authenticate", "authorize", "parse_authorization", "service_of", "FULL_ACCESS",
]
