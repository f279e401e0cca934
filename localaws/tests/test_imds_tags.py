"""Instance tags in instance metadata, as EC2 serves them (work-with-tags-in-IMDS): absent
unless the instance allows them, then tags/instance lists the keys and each key's path holds
its value, following tag changes while the instance runs."""

from __future__ import annotations

import requests

from .conftest import LocalAWS
from .test_imds import get, token


def test_tags_are_absent_unless_the_instance_allows_them(aws: LocalAWS) -> None:
    inst = aws.control("POST", "/instances", {"tags": {"r53hook:name": "www.example.com"}})
    imds = inst["imds_endpoint"]
    tok = token(imds)
    assert get(imds, "meta-data/tags/instance", tok).status_code == 404
    assert get(imds, "meta-data/tags/instance/r53hook:name", tok).status_code == 404


def test_allowed_tags_are_listed_and_read_and_follow_changes(aws: LocalAWS) -> None:
    inst = aws.control(
        "POST", "/instances", {"tags": {"r53hook:name": "www.example.com", "Team": "web"}, "metadata_tags": True}
    )
    imds = inst["imds_endpoint"]
    tok = token(imds)
    listing = get(imds, "meta-data/tags/instance", tok)
    assert listing.status_code == 200
    assert set(listing.text.split("\n")) == {"Name", "r53hook:name", "Team"}
    assert get(imds, "meta-data/tags/instance/r53hook:name", tok).text == "www.example.com"
    aws.client("ec2").create_tags(Resources=[inst["instance_id"]], Tags=[{"Key": "r53hook:weight", "Value": "3"}])
    assert get(imds, "meta-data/tags/instance/r53hook:weight", tok).text == "3"
    assert get(imds, "meta-data/tags/instance/none", tok).status_code == 404


def test_a_key_imds_cannot_list_is_refused_when_tags_are_allowed(aws: LocalAWS) -> None:
    body = {"tags": {"r53hook zone": "x"}, "metadata_tags": True}
    r = requests.post(aws.control_url + "/instances", json=body, timeout=30)
    assert r.status_code == 400, r.text
