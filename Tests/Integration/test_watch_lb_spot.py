"""`r53hook watch` with a load balancer and no DNS record (a target group or a classic ELB): a
leave waits out the load balancer's whole deregistration delay; a spot notice that comes while
it drains cuts that wait to end --spot-margin before EC2's time, logged once, and no sooner."""

from __future__ import annotations

import re
import subprocess
import time

from harness import World, measure
from watchkit import POLL, Notifications, Watch, wait_until

NOTICE = 8  # seconds from the notice to EC2's time
MARGIN = 2
DELAY = 3  # the uninterrupted leave's deregistration delay


class LoadBalancerWatch(Watch):
    """A watch without --zone-id and --name: the load balancer is all it manages."""

    def __init__(self, world: World, *args: str):
        self.world = world
        self.notify = Notifications()
        self.started = time.time()
        env = world.env(AWS_REGION=world.fleet.region, R53HOOK_HOLD_FILE=str(world.hold_file),
                        NOTIFY_SOCKET=self.notify.name)
        self.proc = subprocess.Popen([str(world.binary), "watch", "--poll-interval", POLL, *args], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     text=True, cwd=world.tmp)
        self.stderr = ""


def cut_after(stderr: str) -> int:
    """The seconds in the one "drain cut after N s" line."""
    [seconds] = re.findall(r"drain cut after (\d+) s", stderr)
    return int(seconds)


def test_a_notice_during_a_target_group_drain_cuts_it_before_the_notice_time(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=60)
    iid = aws.instance["instance_id"]
    watch = LoadBalancerWatch(aws, "--target-group", arn, "--spot-margin", str(MARGIN))
    try:
        assert watch.ready(), watch.notify.messages
        assert aws.fleet.target_states(arn) == {iid: "healthy"}
        aws.patch_instance(lifecycle_state="Standby")
        assert wait_until(lambda: aws.fleet.target_states(arn) == {iid: "draining"}, 5) is not None
        time.sleep(1)
        notice_at = time.time()
        aws.patch_instance(spot_action={"action": "terminate", "in_seconds": NOTICE})
        # Out and idle once the cut has passed: SIGTERM then exits at once.
        time.sleep(max(0.0, notice_at + NOTICE - MARGIN + 0.5 - time.time()))
        code = watch.terminate(timeout=5)
        stopped_at = time.time()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "skipping the rest of the leave's waits" in watch.stderr, watch.stderr
    assert watch.stderr.count("drain cut after") == 1, watch.stderr
    # The wait ran until the cut (EC2's time minus the margin), not its 60 s, nor ended early.
    assert NOTICE - MARGIN - 4 <= cut_after(watch.stderr) <= NOTICE - MARGIN, watch.stderr
    assert "already out of the fleet" in watch.stderr, watch.stderr
    assert stopped_at < notice_at + NOTICE
    measure("spot notice during a target group's deregistration delay",
            f"rest of the wait cut after {cut_after(watch.stderr)} s of 60")


def test_an_uninterrupted_leave_waits_out_the_whole_deregistration_delay(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=DELAY)
    iid = aws.instance["instance_id"]
    watch = LoadBalancerWatch(aws, "--target-group", arn, "--spot-margin", str(MARGIN))
    try:
        assert watch.ready(), watch.notify.messages
        aws.patch_instance(lifecycle_state="Standby")
        assert wait_until(lambda: aws.fleet.target_states(arn) == {iid: "draining"}, 5) is not None
        draining_at = time.time()
        assert wait_until(lambda: aws.fleet.target_states(arn) == {}, DELAY + 3) is not None
        drained_at = time.time()
        # The leave ends at its next look (every 2 s) after the load balancer let the instance go.
        time.sleep(2.5)
        code = watch.terminate(timeout=5)
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert DELAY - 1 <= drained_at - draining_at, drained_at - draining_at
    [waited] = re.findall(r"finished draining i-\w+ after (\d+) s", watch.stderr)
    assert DELAY - 1 <= int(waited) <= DELAY + 2, watch.stderr
    assert "drain cut" not in watch.stderr, watch.stderr
    assert "already out of the fleet" in watch.stderr, watch.stderr
