"""`r53hook start`: the record it makes, idempotence and repair, and every option."""

from __future__ import annotations

import time

from conftest import NAME, World


def test_start_creates_exactly_the_expected_record_and_waits_for_insync(aws: World):
    aws.insync_delay(1.0)
    aws.clear_stats()
    run = aws.run("start")
    assert run.code == 0, run.describe()
    assert aws.records() == [aws.expected()]
    stats = aws.stats()
    calls = stats["requests"]["route53"]
    assert calls["ChangeResourceRecordSets"] == 1
    assert calls.get("GetChange", 0) >= 1
    # The process exited only once the change was INSYNC: at least the delay after
    # Route 53 accepted the change.
    [(accepted, *_)] = [e for e in stats["timeline"] if e[1:3] == ["route53", "ChangeResourceRecordSets"]]
    assert run.ended - accepted >= 1.0
    assert run.elapsed >= 1.0
    assert "INSYNC" in run.stderr
