"""The interruption and lifecycle items of instance metadata, switched live from the control API
(EC2 user guide: instance metadata categories, Spot interruption notices, scheduled events,
rebalance recommendations; Auto Scaling: target-lifecycle-state)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import requests

from .conftest import LocalAWS
from .test_imds import get, token

GMT = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")


@pytest.fixture()
def instance(aws: LocalAWS) -> dict[str, Any]:
    return aws.control("POST", "/instances", {})


def patch(aws: LocalAWS, instance: dict[str, Any], body: dict[str, Any]) -> requests.Response:
    return requests.patch(f"{aws.control_url}/instances/{instance['instance_id']}", json=body, timeout=30)


def test_spot_notice_is_absent_then_served_then_withdrawn(aws: LocalAWS, instance: dict[str, Any]) -> None:
    imds = instance["imds_endpoint"]
    tok = token(imds)
    assert get(imds, "meta-data/spot/instance-action", tok).status_code == 404
    assert get(imds, "meta-data/spot/termination-time", tok).status_code == 404
    r = patch(aws, instance, {"spot_action": {"action": "terminate", "time": "2026-11-29T05:00:00Z"}})
    assert r.status_code == 200, r.text
    served = get(imds, "meta-data/spot/instance-action", tok)
    assert served.status_code == 200
    assert json.loads(served.text) == {"action": "terminate", "time": "2026-11-29T05:00:00Z"}
    assert get(imds, "meta-data/spot/termination-time", tok).text == "2026-11-29T05:00:00Z"
    assert "instance-action" in get(imds, "meta-data/spot", tok).text.split("\n")
    # stop has no termination-time; in_seconds counts from now.
    before = time.time()
    assert patch(aws, instance, {"spot_action": {"action": "stop", "in_seconds": 120}}).status_code == 200
    stop = json.loads(get(imds, "meta-data/spot/instance-action", tok).text)
    at = time.mktime(time.strptime(stop["time"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    assert stop["action"] == "stop" and before + 118 <= at <= time.time() + 121
    assert get(imds, "meta-data/spot/termination-time", tok).status_code == 404
    assert patch(aws, instance, {"spot_action": None}).status_code == 200
    assert get(imds, "meta-data/spot/instance-action", tok).status_code == 404


def test_scheduled_events_list_active_ones_and_history_the_rest(aws: LocalAWS, instance: dict[str, Any]) -> None:
    imds = instance["imds_endpoint"]
    tok = token(imds)
    assert get(imds, "meta-data/events/maintenance/scheduled", tok).text == "[]"
    assert get(imds, "meta-data/events/maintenance/history", tok).text == "[]"
    assert set(get(imds, "meta-data/events/maintenance", tok).text.split("\n")) == {"history", "scheduled"}
    event = {"Code": "system-reboot", "EventId": "instance-event-0d59937288b749b32",
             "NotBefore": "2019-01-21T09:00:43Z", "NotAfter": "21 Jan 2019 09:17:23 GMT",
             "NotBeforeDeadline": "2019-01-31T09:00:43Z"}
    assert patch(aws, instance, {"maintenance_events": [event]}).status_code == 200
    raw = get(imds, "meta-data/events/maintenance/scheduled", tok).text
    assert json.loads(raw) == [{
        "NotBefore": "21 Jan 2019 09:00:43 GMT", "Code": "system-reboot", "Description": "scheduled reboot",
        "EventId": "instance-event-0d59937288b749b32", "NotAfter": "21 Jan 2019 09:17:23 GMT",
        "NotBeforeDeadline": "31 Jan 2019 09:00:43 GMT", "State": "active",
    }]
    assert '"Code" : "system-reboot"' in raw  # EC2's pretty-printed shape
    # Canceled: gone from scheduled, in history with the [Canceled] prefix.
    assert patch(aws, instance, {"maintenance_events": [dict(event, State="canceled")]}).status_code == 200
    assert get(imds, "meta-data/events/maintenance/scheduled", tok).text == "[]"
    (past,) = json.loads(get(imds, "meta-data/events/maintenance/history", tok).text)
    assert past["State"] == "canceled" and past["Description"] == "[Canceled] scheduled reboot"
    # Relative times, a generated id, several events.
    r = patch(aws, instance, {"maintenance_events": [
        {"Code": "instance-retirement", "NotBefore_in_seconds": 600},
        {"Code": "instance-stop", "NotBefore_in_seconds": 900, "State": "completed"},
    ]})
    assert r.status_code == 200, r.text
    (active,) = json.loads(get(imds, "meta-data/events/maintenance/scheduled", tok).text)
    assert active["Code"] == "instance-retirement" and GMT.match(active["NotBefore"])
    assert re.fullmatch(r"instance-event-[0-9a-f]{17}", active["EventId"])
    (done,) = json.loads(get(imds, "meta-data/events/maintenance/history", tok).text)
    assert done["Description"].startswith("[Completed] ")


def test_rebalance_and_lifecycle_state(aws: LocalAWS, instance: dict[str, Any]) -> None:
    imds = instance["imds_endpoint"]
    tok = token(imds)
    assert get(imds, "meta-data/events/recommendations/rebalance", tok).status_code == 404
    assert get(imds, "meta-data/autoscaling/target-lifecycle-state", tok).status_code == 404
    r = patch(aws, instance, {"rebalance": {"noticeTime": "2020-10-26T15:55:55Z"}, "lifecycle_state": "Warmed:Running"})
    assert r.status_code == 200, r.text
    assert r.json()["lifecycle_state"] == "Warmed:Running"
    assert json.loads(get(imds, "meta-data/events/recommendations/rebalance", tok).text) == {
        "noticeTime": "2020-10-26T15:55:55Z"}
    assert get(imds, "meta-data/autoscaling/target-lifecycle-state", tok).text == "Warmed:Running"
    assert patch(aws, instance, {"rebalance": None, "lifecycle_state": None}).status_code == 200
    assert get(imds, "meta-data/events/recommendations/rebalance", tok).status_code == 404
    assert get(imds, "meta-data/autoscaling/target-lifecycle-state", tok).status_code == 404


@pytest.mark.parametrize("body", [
    {"spot_action": {"action": "reboot"}},
    {"spot_action": {"action": "terminate", "time": "tomorrow"}},
    {"maintenance_events": [{"Code": "system-reboot"}]},  # no NotBefore
    {"maintenance_events": [{"Code": "x", "NotBefore_in_seconds": 5}]},
    {"maintenance_events": {"Code": "system-reboot"}},
    {"lifecycle_state": "Terminating:Wait"},  # a current state, never a target
    {"rebalance": "now"},
])
def test_bad_event_settings_are_refused_and_change_nothing(
    aws: LocalAWS, instance: dict[str, Any], body: dict[str, Any]
) -> None:
    assert patch(aws, instance, {"lifecycle_state": "InService"}).status_code == 200
    r = patch(aws, instance, {"lifecycle_state": None, **body})
    assert r.status_code == 400, r.text
    imds = instance["imds_endpoint"]
    assert get(imds, "meta-data/autoscaling/target-lifecycle-state", token(imds)).text == "InService"
