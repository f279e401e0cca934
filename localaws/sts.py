"""STS AssumeRole as AWS decides it, before moto mints the credentials.

moto 5.2.1 assumes any role for any caller: it reads neither the role's trust policy (who may
assume it, and on which conditions, ``sts:ExternalId`` among them) nor its maximum session
duration.  Here the caller's own policy must allow ``sts:AssumeRole`` (auth.authorize), and the
role's trust policy must name the caller (its ARN, its role for an assumed role, its account,
or ``*``) in an Allow statement whose conditions hold, with no Deny that matches.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from .auth import ACCOUNT_ID, _as_list, _condition_ok, _wild
from .errors import AWSError

ASSUMED_ROLE_ARN = re.compile(r"^arn:aws:sts::(\d{12}):assumed-role/([^/]+)/.+$")


def parameters(body: bytes, query: str) -> dict[str, str]:
    params = dict(parse_qsl(query, keep_blank_values=True))
    try:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        pass
    return params


def _identities(caller_arn: str) -> tuple[set[str], str | None]:
    """The ARNs a trust policy may name for this caller, and its role name if it is a role."""
    names = {caller_arn, ACCOUNT_ID, f"arn:aws:iam::{ACCOUNT_ID}:root"}
    m = ASSUMED_ROLE_ARN.match(caller_arn)
    return names, (m.group(2) if m else None)


def _principal_matches(principal: Any, caller_arn: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    names, role_name = _identities(caller_arn)
    for value in _as_list(principal.get("AWS")):
        value = str(value)
        if value == "*" or value in names:
            return True
        # An assumed role is named in a trust policy by its role's ARN (any path).
        if role_name and re.fullmatch(rf"arn:aws:iam::{ACCOUNT_ID}:role/(?:.*/)?{re.escape(role_name)}", value):
            return True
    return False


def check_assume_role(caller_arn: str, body: bytes, query: str) -> None:
    """Raise AWS's refusal unless the role exists, trusts the caller and allows the duration."""
    from moto.iam.models import iam_backends

    params = parameters(body, query)
    role_arn = params.get("RoleArn", "")
    denied = AWSError(
        403, "AccessDenied",
        f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
    )
    try:
        role = iam_backends[ACCOUNT_ID]["aws"].get_role_by_arn(role_arn)
    except Exception:  # moto raises its own IAMNotFoundException
        raise denied from None
    try:
        trust = json.loads(role.assume_role_policy_document)
    except (TypeError, ValueError):
        raise denied from None
    context: dict[str, list[str]] = {"aws:principalarn": [caller_arn]}
    if "ExternalId" in params:
        context["sts:externalid"] = [params["ExternalId"]]
    allowed = False
    for st in _as_list(trust.get("Statement")):
        if not isinstance(st, dict):
            continue
        if not any(_wild(str(a), "sts:AssumeRole", True) for a in _as_list(st.get("Action"))):
            continue
        if not _principal_matches(st.get("Principal"), caller_arn):
            continue
        if "Condition" in st and not _condition_ok(st["Condition"], context):
            continue
        if st.get("Effect") == "Deny":
            raise denied
        if st.get("Effect") == "Allow":
            allowed = True
    if not allowed:
        raise denied
    duration = params.get("DurationSeconds")
    maximum = int(role.max_session_duration or 3600)
    if duration is not None and duration.isdigit() and int(duration) > maximum:
        raise AWSError(
            400, "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        )


__all__ = ["check_assume_role"]
