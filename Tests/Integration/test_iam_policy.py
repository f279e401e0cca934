"""The shipped IAM policy (etc/iam-policy.json) grants exactly what r53hook needs.

Moved from test_init_script.py. Run: python3 -m pytest Tests/Integration/test_iam_policy.py -q
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "etc" / "iam-policy.json"


def test_iam_policy_is_least_privilege():
    policy = json.loads(POLICY.read_text())
    grants = {}
    for st in policy["Statement"]:
        assert st["Effect"] == "Allow"
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        for action in actions:
            grants[action] = (st["Resource"], st.get("Condition"))
    zone = "arn:aws:route53:::hostedzone/ZONEID_PLACEHOLDER"
    assert set(grants) == {
        "route53:ChangeResourceRecordSets",
        "route53:ListResourceRecordSets",
        "route53:GetHostedZone",
        "route53:GetChange",
        "route53:ListHostedZonesByName",
        "ec2:DescribeInstances",
    }
    assert grants["route53:ChangeResourceRecordSets"][0] == zone
    cond = grants["route53:ChangeResourceRecordSets"][1]["ForAllValues:StringLike"]
    # Compare-and-swap batches only (no blind UPSERT), on the record, its registry mark and the
    # zone's r53hook locks: nothing else in the zone can be written.
    assert cond["route53:ChangeResourceRecordSetsActions"] == ["CREATE", "DELETE"]
    assert cond["route53:ChangeResourceRecordSetsNormalizedRecordNames"] == [
        "RECORD_NAME_PLACEHOLDER", "_r53hook-*.RECORD_NAME_PLACEHOLDER", "*._r53hook-lock.*"]
    assert cond["route53:ChangeResourceRecordSetsRecordTypes"] == ["A", "AAAA", "TXT"]
    assert grants["route53:ListResourceRecordSets"][0] == zone
    assert grants["route53:GetHostedZone"][0] == zone
    assert grants["route53:GetChange"][0] == "arn:aws:route53:::change/*"
    assert grants["route53:ListHostedZonesByName"][0] == "*"
    # sweep: DescribeInstances supports no resource-level permissions.
    assert grants["ec2:DescribeInstances"] == ("*", None)
