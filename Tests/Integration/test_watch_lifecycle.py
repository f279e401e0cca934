"""`r53hook watch` and Auto Scaling's target-lifecycle-state, scheduled events and rebalance
recommendations, from IMDS as EC2 serves them (local AWS): a warm pool instance never joins, a
Terminated one leaves, a scheduled event takes it out --event-lead ahead and a cancel brings it
back, a rebalance with --on-rebalance weight-zero keeps it at weight 0."""

from __future__ import annotations

import time

from harness import World
from watchkit import Watch, wait_until


def test_a_warm_instance_never_joins_and_joins_once_in_service(aws: World):
    aws.patch_instance(lifecycle_state="Warmed:Running")
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0")
    try:
        # READY=1 all the same: the service is up, deliberately out.
        assert watch.ready(), watch.notify.messages
        time.sleep(2.5)
        assert aws.records() == []
        aws.patch_instance(lifecycle_state="InService")
        assert wait_until(lambda: aws.records() == aws.pair(ttl=1), 10) is not None, aws.records()
        aws.patch_instance(lifecycle_state="Terminated")
        assert wait_until(lambda: aws.records() == [], 10) is not None
        # Terminated is final: InService again (it cannot be) changes nothing.
        aws.patch_instance(lifecycle_state="InService")
        time.sleep(2.5)
        assert aws.records() == []
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "a warm instance never serves" in watch.stderr


def test_a_scheduled_event_takes_it_out_ahead_and_a_cancel_brings_it_back(aws: World):
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--event-lead", "60")
    try:
        assert watch.ready(), watch.notify.messages
        assert aws.records() == aws.pair(ttl=1)
        event = {"Code": "system-reboot", "EventId": "instance-event-0123456789abcdef0", "NotBefore_in_seconds": 30,
                 "Description": "scheduled reboot", "State": "active"}
        aws.patch_instance(maintenance_events=[{**event, "NotBefore_in_seconds": 300}])
        time.sleep(2.5)
        assert aws.records() == aws.pair(ttl=1), "an event further than --event-lead ahead changes nothing"
        aws.patch_instance(maintenance_events=[event])
        assert wait_until(lambda: aws.records() == [], 10) is not None
        aws.patch_instance(maintenance_events=[{**event, "State": "canceled"}])
        assert wait_until(lambda: aws.records() == aws.pair(ttl=1), 10) is not None
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "scheduled event system-reboot instance-event-0123456789abcdef0" in watch.stderr


def test_a_rebalance_with_weight_zero_keeps_the_record_at_weight_0_until_it_is_gone(aws: World):
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--on-rebalance", "weight-zero")
    try:
        assert watch.ready(), watch.notify.messages
        aws.patch_instance(rebalance={"noticeTime": "2026-11-29T05:00:00Z"})
        assert wait_until(lambda: aws.addresses() == [aws.expected(ttl=1, weight=0)], 10) is not None, aws.addresses()
        aws.patch_instance(rebalance=None)
        assert wait_until(lambda: aws.addresses() == [aws.expected(ttl=1)], 10) is not None, aws.addresses()
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
