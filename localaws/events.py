"""The instance-lifecycle signals one instance's IMDS serves, switchable from the control API.

EC2 tells an instance what is about to happen to it through four metadata items (EC2 user
guide, "Instance metadata categories"; bodies as amazon-ec2-metadata-mock and
aws-node-termination-handler read them):

- ``spot/instance-action``: 404 until a Spot interruption is scheduled, then
  ``{"action": "terminate"|"stop"|"hibernate", "time": "2026-11-29T05:00:00Z"}``;
  ``spot/termination-time`` holds the bare time when the action is ``terminate``.
- ``events/maintenance/scheduled``: always present, a JSON list of the *active* scheduled
  events (``[]`` when none), dates like ``21 Jan 2019 09:00:43 GMT``;
  ``events/maintenance/history`` lists the canceled and completed ones, their Description
  prefixed ``[Canceled]`` / ``[Completed]``. An event moves from one to the other when its
  State changes.
- ``events/recommendations/rebalance``: 404 until, then ``{"noticeTime": "..."}``.
- ``autoscaling/target-lifecycle-state``: 404 unless the instance belongs to an Auto Scaling
  group, then one of the steady states the group is moving it to (InService, Terminated,
  Standby, Detached, Warmed:*).

``PATCH /_localaws/instances/{id}`` sets them with ``spot_action``, ``maintenance_events``,
``rebalance`` and ``lifecycle_state``; the Auto Scaling module sets ``lifecycle_state`` too.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from datetime import datetime, timezone
from typing import Any

SPOT_ACTIONS = ("terminate", "stop", "hibernate")
EVENT_CODES = ("instance-reboot", "system-reboot", "system-maintenance", "instance-retirement", "instance-stop")
EVENT_STATES = ("active", "canceled", "completed")
# The target lifecycle states EC2 Auto Scaling writes to instance metadata (Auto Scaling user
# guide, "Retrieve the target lifecycle state through instance metadata").
LIFECYCLE_STATES = (
    "InService", "Terminated", "Detached", "Standby",
    "Warmed:Hibernated", "Warmed:Running", "Warmed:Stopped", "Warmed:Terminated",
)
EVENT_DESCRIPTIONS = {
    "instance-reboot": "scheduled reboot",
    "system-reboot": "scheduled reboot",
    "system-maintenance": "scheduled maintenance",
    "instance-retirement": "scheduled retirement",
    "instance-stop": "scheduled stop",
}
HISTORY_PREFIX = {"canceled": "[Canceled] ", "completed": "[Completed] "}
EVENT_TIME_FIELDS = ("NotBefore", "NotAfter", "NotBeforeDeadline")
EVENT_FIELDS = ("Code", "Description", "EventId", "State") + EVENT_TIME_FIELDS
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
GMT_FORMAT = "%d %b %Y %H:%M:%S GMT"


def iso_time(ts: float) -> str:
    """A UTC time the way the spot and rebalance items write it: 2026-11-29T05:00:00Z."""
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime(ISO_FORMAT)


def gmt_time(ts: float) -> str:
    """A UTC time the way scheduled events write it: 21 Jan 2019 09:00:43 GMT (day unpadded)."""
    moment = datetime.fromtimestamp(ts, tz=timezone.utc)
    return f"{moment.day} {moment.strftime('%b %Y %H:%M:%S')} GMT"


def parse_time(value: Any, field: str) -> float:
    """Epoch seconds from an ISO 8601 UTC string, the GMT event format, or a number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        for fmt in (ISO_FORMAT, "%Y-%m-%dT%H:%M:%S.%fZ", GMT_FORMAT):
            try:
                return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc).timestamp()
            except ValueError:
                continue
    raise ValueError(f"{field} must be a UTC time like 2026-11-29T05:00:00Z or '29 Nov 2026 05:00:00 GMT'")


def _when(body: dict[str, Any], field: str, relative: str, default: float | None) -> float:
    """A time given absolutely (``field``) or as seconds from now (``relative``)."""
    if field in body and relative in body:
        raise ValueError(f"give {field} or {relative}, not both")
    if field in body:
        return parse_time(body[field], field)
    if relative in body:
        return time.time() + float(body[relative])
    if default is None:
        raise ValueError(f"{field} (or {relative}) is required")
    return default


class InstanceEvents:
    """What one instance's metadata currently says about interruptions and its group."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.spot: dict[str, Any] | None = None
        self.rebalance: dict[str, Any] | None = None
        self.maintenance: list[dict[str, Any]] = []
        self.lifecycle_state: str | None = None

    # ------------------------------------------------------------------ control
    def configure(self, body: dict[str, Any]) -> None:
        """Apply the PATCH fields this class owns; validate all before changing any."""
        updates: dict[str, Any] = {}
        if "spot_action" in body:
            updates["spot"] = self._spot(body["spot_action"])
        if "rebalance" in body:
            updates["rebalance"] = self._rebalance(body["rebalance"])
        if "maintenance_events" in body:
            events = body["maintenance_events"]
            if not isinstance(events, list):
                raise ValueError("maintenance_events must be a list of events ([] clears them)")
            updates["maintenance"] = [self._event(e) for e in events]
        if "lifecycle_state" in body:
            updates["lifecycle_state"] = self._lifecycle_state(body["lifecycle_state"])
        with self.lock:
            for name, value in updates.items():
                setattr(self, name, value)

    def set_lifecycle_state(self, state: str | None) -> None:
        with self.lock:
            self.lifecycle_state = self._lifecycle_state(state)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "spot_action": dict(self.spot) if self.spot else None,
                "rebalance": dict(self.rebalance) if self.rebalance else None,
                "maintenance_events": [self._served(e) for e in self.maintenance],
                "lifecycle_state": self.lifecycle_state,
            }

    @staticmethod
    def _spot(value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("spot_action must be an object {action, time|in_seconds} or null")
        unknown = set(value) - {"action", "time", "in_seconds"}
        if unknown:
            raise ValueError(f"unknown spot_action field(s): {', '.join(sorted(unknown))}")
        action = value.get("action", "terminate")
        if action not in SPOT_ACTIONS:
            raise ValueError(f"spot_action.action must be one of {', '.join(SPOT_ACTIONS)}")
        # EC2 gives two minutes' notice (none for hibernate, which starts at once).
        at = _when(value, "time", "in_seconds", time.time() + (0 if action == "hibernate" else 120))
        return {"action": action, "time": iso_time(at)}

    @staticmethod
    def _rebalance(value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("rebalance must be an object {noticeTime?} or null")
        unknown = set(value) - {"noticeTime"}
        if unknown:
            raise ValueError(f"unknown rebalance field(s): {', '.join(sorted(unknown))}")
        notice = parse_time(value["noticeTime"], "noticeTime") if "noticeTime" in value else time.time()
        return {"noticeTime": iso_time(notice)}

    @staticmethod
    def _event(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError("each maintenance event must be an object")
        relative = {f + "_in_seconds" for f in EVENT_TIME_FIELDS}
        unknown = set(value) - set(EVENT_FIELDS) - relative
        if unknown:
            raise ValueError(f"unknown maintenance event field(s): {', '.join(sorted(unknown))}")
        code = value.get("Code", "system-reboot")
        if code not in EVENT_CODES:
            raise ValueError(f"Code must be one of {', '.join(EVENT_CODES)}")
        state = value.get("State", "active")
        if state not in EVENT_STATES:
            raise ValueError(f"State must be one of {', '.join(EVENT_STATES)}")
        event_id = value.get("EventId") or "instance-event-" + secrets.token_hex(9)[:17]
        if not re.fullmatch(r"instance-event-[0-9a-f]{17}", event_id):
            raise ValueError("EventId must look like instance-event-0d59937288b749b32")
        not_before = _when(value, "NotBefore", "NotBefore_in_seconds", None)
        # EC2's own events last a while; a missing end is NotBefore plus a quarter hour.
        not_after = _when(value, "NotAfter", "NotAfter_in_seconds", not_before + 900)
        event = {
            "Code": code,
            "Description": value.get("Description") or EVENT_DESCRIPTIONS[code],
            "EventId": event_id,
            "State": state,
            "NotBefore": not_before,
            "NotAfter": not_after,
        }
        if "NotBeforeDeadline" in value or "NotBeforeDeadline_in_seconds" in value:
            event["NotBeforeDeadline"] = _when(value, "NotBeforeDeadline", "NotBeforeDeadline_in_seconds", None)
        return event

    @staticmethod
    def _lifecycle_state(value: Any) -> str | None:
        if value is None or value in LIFECYCLE_STATES:
            return value
        raise ValueError(f"lifecycle_state must be null or one of {', '.join(LIFECYCLE_STATES)}")

    # ------------------------------------------------------------------ metadata
    @staticmethod
    def _served(event: dict[str, Any]) -> dict[str, Any]:
        """One event as IMDS writes it, in EC2's key order."""
        out: dict[str, Any] = {"NotBefore": gmt_time(event["NotBefore"]), "Code": event["Code"]}
        out["Description"] = HISTORY_PREFIX.get(event["State"], "") + event["Description"]
        out["EventId"] = event["EventId"]
        out["NotAfter"] = gmt_time(event["NotAfter"])
        if "NotBeforeDeadline" in event:
            out["NotBeforeDeadline"] = gmt_time(event["NotBeforeDeadline"])
        out["State"] = event["State"]
        return out

    @staticmethod
    def _event_list(events: list[dict[str, Any]]) -> str:
        if not events:
            return "[]"
        # EC2 pretty-prints these lists ("Key" : "value"), unlike the spot item.
        return json.dumps(events, indent=2, separators=(",", " : "))

    def items(self) -> dict[str, str]:
        """Metadata path (under meta-data/) -> body, for the items that exist right now."""
        with self.lock:
            served = [self._served(e) for e in self.maintenance]
            items = {
                "events/maintenance/scheduled": self._event_list([e for e in served if e["State"] == "active"]),
                "events/maintenance/history": self._event_list([e for e in served if e["State"] != "active"]),
            }
            if self.spot is not None:
                items["spot/instance-action"] = json.dumps(self.spot)
                if self.spot["action"] == "terminate":
                    items["spot/termination-time"] = self.spot["time"]
            if self.rebalance is not None:
                items["events/recommendations/rebalance"] = json.dumps(self.rebalance)
            if self.lifecycle_state is not None:
                items["autoscaling/target-lifecycle-state"] = self.lifecycle_state
            return items
