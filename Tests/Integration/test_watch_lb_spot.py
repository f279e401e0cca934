"""`r53hook watch` with a load balancer and no DNS record (a target group here; a classic ELB
takes the same path): a leave waits out the load balancer's whole deregistration delay; a spot
notice that comes while it drains does not deregister the instance again (the load balancer
refuses that for a draining target) and cuts the rest of the wait to end --spot-margin before
EC2's time, logged once."""

from __future__ import annotations

import re
import subprocess
import time

from harness import World, measure
from watchkit import POLL, Notifications, Watch, wait_until

NOTICE = 6  # seconds from the notice to EC2's time
MARGIN = 2
DELAY = 2  # the uninterrupted leave's deregistration delay


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


def set_delay(aws: World, arn: str, seconds: int) -> None:
    aws.fleet.elbv2.modify_target_group_attributes(
        TargetGroupArn=arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": str(seconds)}])


def test_a_leave_waits_the_whole_deregistration_delay_unless_a_notice_cuts_it(aws: World):
    aws.fleet.healthy_after(0)
    arn = aws.fleet.create_target_group(delay=DELAY)
    iid = aws.instance["instance_id"]
    watch = LoadBalancerWatch(aws, "--target-group", arn, "--spot-margin", str(MARGIN))
    try:
        assert watch.ready(), watch.notify.messages
        # Uninterrupted: Standby's leave waits until the target group lets the instance go.
        aws.patch_instance(lifecycle_state="Standby")
        assert wait_until(lambda: aws.fleet.target_states(arn) == {iid: "draining"}, 5) is not None
        draining_at = time.time()
        assert wait_until(lambda: aws.fleet.target_states(arn) == {}, DELAY + 3) is not None
        assert time.time() - draining_at >= DELAY - 0.5
        # Back in service, then a long delay that a spot notice interrupts.
        set_delay(aws, arn, 60)
        aws.patch_instance(lifecycle_state="InService")
        assert wait_until(lambda: aws.fleet.target_states(arn) == {iid: "healthy"}, 8) is not None
        aws.patch_instance(lifecycle_state="Standby")
        assert wait_until(lambda: aws.fleet.target_states(arn) == {iid: "draining"}, 5) is not None
        notice_at = time.time()
        aws.patch_instance(spot_action={"action": "terminate", "in_seconds": NOTICE})
        # Out and idle once the cut has passed: SIGTERM then exits at once.
        code, stopped_at = watch.terminate_at(notice_at + NOTICE - MARGIN + 0.5)
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    [waited] = re.findall(r"finished draining i-\w+ after (\d+) s", watch.stderr)
    assert DELAY - 1 <= int(waited) <= DELAY + 2, watch.stderr
    assert "skipping the rest of the leave's waits" in watch.stderr, watch.stderr
    assert "is already draining from target group" in watch.stderr, watch.stderr
    # One cut, of the notice's leave, ending at EC2's time minus the margin: not its 60 s.
    assert watch.stderr.count("drain cut after") == 1, watch.stderr
    assert 1 <= cut_after(watch.stderr) <= NOTICE - MARGIN, watch.stderr
    assert "already out of the fleet" in watch.stderr, watch.stderr
    assert stopped_at < notice_at + NOTICE
    measure("spot notice during a target group's deregistration delay",
            f"rest of the wait cut after {cut_after(watch.stderr)} s of 60 (notice {NOTICE} s, margin {MARGIN} s)")
