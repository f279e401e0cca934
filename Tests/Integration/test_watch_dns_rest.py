"""`r53hook watch` with a DNS record and a target group: a spot notice that comes after a leave
has sent both its DELETE and its deregistration, while the load balancer still drains, waits
the longer of the two rests (the load balancer's, and the DNS drain's: INSYNC, TTL and extra
counted from the DELETE), both cut to end --spot-margin before EC2's time, the cut logged once.
It used to wait the load balancer's few seconds only, while resolvers still held the address."""

from __future__ import annotations

import re
import time

from harness import World, measure
from watchkit import Watch, wait_until

NOTICE = 8  # seconds from the notice to EC2's time
MARGIN = 2
DELAY = 4  # the target group's deregistration delay: far shorter than the DNS drain
SINCE = 2  # seconds from the DELETE to the notice, so the rest is visibly shorter than a TTL
TTL = 60


def test_a_notice_while_the_load_balancer_drains_waits_the_rest_of_the_dns_drain_too(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=DELAY)
    iid = aws.instance["instance_id"]
    watch = Watch(aws, "--target-group", arn, "--ttl", str(TTL), "--drain-extra", "0",
                  "--spot-margin", str(MARGIN))
    try:
        assert watch.ready(), watch.notify.messages
        # Standby's leave deletes the record and deregisters the target at once, then drains.
        aws.patch_instance(lifecycle_state="Standby")
        assert wait_until(lambda: aws.fleet.target_states(arn) == {iid: "draining"}
                          and not [r for r in aws.addresses() if r["Type"] == "A"], 5) is not None
        time.sleep(SINCE)
        notice_at = time.time()
        aws.patch_instance(spot_action={"action": "terminate", "in_seconds": NOTICE})
        # The target group lets the instance go within DELAY s; the DNS drain goes on to the cut.
        assert wait_until(lambda: aws.fleet.target_states(arn) == {}, DELAY) is not None
        code, stopped_at = watch.terminate_at(notice_at + NOTICE - MARGIN + 0.5)
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "skipping the rest of the leave's waits" in watch.stderr, watch.stderr
    assert "is already draining from target group" in watch.stderr, watch.stderr
    # One cut, at EC2's time minus the margin: the DNS rest outlasted the load balancer's.
    [cut] = re.findall(r"drain cut after (\d+) s", watch.stderr)
    assert NOTICE - MARGIN - 3 <= int(cut) <= NOTICE - MARGIN, watch.stderr
    # The DNS rest, counted from the DELETE: TTL less the seconds since, not a whole TTL again
    # (whole seconds, rounded: one second either way).
    [(ago, rest)] = re.findall(r"deleted (\d+) s ago by the leave the notice interrupted; "
                               r"waiting for the rest of its drain: (\d+) s", watch.stderr)
    assert int(ago) >= SINCE, watch.stderr
    assert TTL - int(ago) - 1 <= int(rest) <= TTL - int(ago) + 1 < TTL, watch.stderr
    assert "already out of the fleet" in watch.stderr, watch.stderr
    assert stopped_at < notice_at + NOTICE
    measure("spot notice while a target group drains after the DELETE",
            f"DNS rest {rest} s of {TTL} (deleted {ago} s before), cut after {cut} s; load balancer done in {DELAY} s")
