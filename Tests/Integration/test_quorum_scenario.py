"""The quorum under concurrency: six instances run `r53hook cycle --min-healthy 4` at the same
moment, as scripts/scenario-cycle does, and the fleet must never drop below four healthy.

Each instance checks the quorum on its own, so without coordination all six can see six
healthy members, conclude that five would remain, and leave together. The quorum lock (a
record in the hosted zone given with --zone-id; on by default) makes the check-and-leave of
concurrent leavers take turns. These tests prove both sides against the local AWS:

- with the lock, the fewest healthy members ever seen is >= 4 (classic ELB, and a target
  group), and every cycle exits 0;
- with --no-quorum-lock and otherwise the same run, the same measurement drops below 4:
  the scenario does detect the race, so the first test is the one that fails without the lock.

Two views of "healthy", both counting an instance out from its deregistration until the load
balancer reports it InService / healthy again after its re-registration:

- a sampler thread reads the load balancer every 50 ms with the admin keys (scenario-cycle's
  Monitor, and its definition of healthy: InService without "deregistration" / healthy);
- the local AWS's request timeline, which has every (de)registration to the millisecond: the
  number out at any moment is the deregistrations so far minus the re-registrations that
  have been healthy_after old, so a dip shorter than the sampling interval is seen too.

The scenario code (fleet set-up, the sampler, the cycle runner) is scripts/scenario_cycle.py's
own, imported, so the script and the test measure the same thing. Short times keep each test
near 20 s: draining 1 s, healthy after 1 s, the command `sleep 1`, --quorum-interval 1.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import REPO, World, measure

INSTANCES = 6
MIN_HEALTHY = 4
DRAIN = 1  # classic connection-draining timeout / target group deregistration delay, s
HEALTHY_AFTER = 1.0  # s a new registration stays OutOfService / initial
SLEEP = "1"  # the cycle's command: sleep this long
SAMPLE_INTERVAL = 0.05
CYCLE_TIMEOUT = 50.0  # a cycle still running then is killed and reported as hung
# The timeline's times are taken when the local AWS answers, a few ms after the change took
# effect; the count of members out treats a re-registration as healthy this much early, so that
# a leaver that saw it healthy and deregistered right away is not counted as overlapping it.
TIMELINE_SLACK = 0.05

ACTIONS = {
    "elb": ("DeregisterInstancesFromLoadBalancer", "RegisterInstancesWithLoadBalancer"),
    "tg": ("DeregisterTargets", "RegisterTargets"),
}


# The scenario code is the module scripts/scenario_cycle.py (scripts/scenario-cycle runs it).
sys.path.insert(0, str(REPO / "scripts"))
import scenario_cycle as scenario  # noqa: E402


class LocalAWSView:
    """What scenario-cycle's Fleet uses of its LocalAWS (region, admin clients), from the World."""

    def __init__(self, aws: World):
        self.region: str = aws.fleet.region
        self._aws = aws

    def client(self, service: str) -> Any:
        return self._aws.client(service)


@dataclass
class Outcome:
    kind: str
    fleet: Any  # scenario-cycle's Fleet
    cycles: list[Any]  # scenario-cycle's Cycle, one per instance
    samples: list[tuple[float, int]]  # (s from the release, healthy count)
    late: int  # samples that came after their slot
    fewest_by_timeline: int  # the fewest healthy members by the request timeline
    elapsed: float

    @property
    def fewest_sampled(self) -> int:
        return min(count for _, count in self.samples)

    def describe(self) -> str:
        lines = [f"{self.kind}: fewest healthy sampled {self.fewest_sampled}, by the timeline "
                 f"{self.fewest_by_timeline}; {len(self.samples)} samples, {self.late} late; {self.elapsed:.1f} s"]
        for start, end, count, _n in scenario.runs_of(self.samples):
            lines.append(f"  {start:6.2f} - {end:6.2f} s  {count}  {'#' * count}")
        for c in self.cycles:
            ev = " ".join(f"{k}={v:.2f}" for k, v in sorted(c.events.items(), key=lambda kv: kv[1]))
            lines.append(f"  cycle {c.index} {c.instance['instance_id']}: exit {c.code}, "
                         f"{c.started:.2f}-{c.ended:.2f} s, {ev}")
            lines += [f"    | {line}" for line in c.stderr.strip().splitlines()[-4:]]
        return "\n".join(lines)


def fewest_healthy_by_timeline(timeline: list[list[Any]], kind: str) -> int:
    """INSTANCES minus the most instances out at once: out from each deregistration until
    healthy_after after the next registration."""
    dereg, reg = ACTIONS[kind]
    service = "elb" if kind == "elb" else "elbv2"
    events: list[tuple[float, int]] = []
    for t, svc, action, status in timeline:
        if svc != service or status != 200:
            continue
        if action == dereg:
            events.append((t, +1))
        elif action == reg:
            events.append((t + HEALTHY_AFTER - TIMELINE_SLACK, -1))
    out = most = 0
    for _, step in sorted(events):  # at equal times the return (-1) comes first
        out += step
        most = max(most, out)
    return INSTANCES - most


def run_scenario(aws: World, kind: str, *extra: str) -> Outcome:
    """INSTANCES instances healthy in one load balancer, then all of them run
    `r53hook cycle LB --min-healthy 4 --zone-id ZONE --quorum-interval 1 EXTRA -- sleep 1`,
    released together, while the sampler reads the healthy count."""
    aws.fleet.healthy_after(HEALTHY_AFTER)
    instances = [aws.instance, *aws.fleet.instances(INSTANCES - 1)]
    fleet = scenario.Fleet(LocalAWSView(aws), kind, DRAIN)
    fleet.register([i["instance_id"] for i in instances])
    reader = fleet.new_client()
    aws.fleet.wait_until(lambda: fleet.healthy(reader) == INSTANCES, timeout=HEALTHY_AFTER + 20,
                         what=f"{INSTANCES} healthy in {fleet.label}")

    cycles = [scenario.Cycle(n + 1, inst) for n, inst in enumerate(instances)]
    barrier = threading.Barrier(len(cycles) + 1)
    aws.clear_stats()
    t0 = time.monotonic()
    monitor = scenario.Monitor(fleet, SAMPLE_INTERVAL, t0)
    threads = []
    for c in cycles:
        home = aws.tmp / f"i{c.index}"
        home.mkdir()
        env = aws.env(c.instance, HOME=str(home), AWS_REGION=fleet.aws.region,
                      R53HOOK_HOLD_FILE=str(home / "hold"))  # absent: never the host's /etc/r53hook/hold
        argv = [str(aws.binary), "cycle", *fleet.cli_args(), "--min-healthy", str(MIN_HEALTHY),
                "--zone-id", aws.zone_id, "--quorum-interval", "1", *extra, "--", "sleep", SLEEP]
        t = threading.Thread(target=scenario.run_cycle, args=(c, argv, env, barrier, t0, CYCLE_TIMEOUT),
                             daemon=True)
        t.start()
        threads.append(t)
    monitor.start()
    barrier.wait()
    for t in threads:
        t.join(CYCLE_TIMEOUT + 10)
    time.sleep(0.5)  # a last look after the slowest rejoin
    monitor.stop()
    elapsed = time.monotonic() - t0
    outcome = Outcome(kind, fleet, cycles, monitor.samples, monitor.late,
                      fewest_healthy_by_timeline(aws.stats()["timeline"], kind), elapsed)
    assert outcome.samples, "the sampler read nothing"
    assert all(c.code is not None for c in cycles), outcome.describe()  # none hung
    return outcome


def assert_back_to_full_strength(aws: World, outcome: Outcome) -> None:
    """Every cycle exited 0, all instances are healthy again, every lock record is gone."""
    assert [c.code for c in outcome.cycles] == [0] * INSTANCES, outcome.describe()
    assert outcome.fleet.healthy(outcome.fleet.new_client()) == INSTANCES, outcome.describe()
    assert outcome.samples[-1][1] == INSTANCES, outcome.describe()
    assert aws.records() == [], "a lock record was left in the zone"


@pytest.mark.parametrize("kind", ["elb", "tg"], ids=["classic-elb", "target-group"])
def test_concurrent_cycles_never_take_the_fleet_below_min_healthy(aws: World, kind: str):
    outcome = run_scenario(aws, kind)
    measure(f"quorum scenario, {kind}, with the lock: fewest healthy",
            f"{outcome.fewest_sampled} sampled, {outcome.fewest_by_timeline} by the timeline "
            f"(min-healthy {MIN_HEALTHY}, {INSTANCES} instances, {outcome.elapsed:.1f} s)")
    assert outcome.fewest_sampled >= MIN_HEALTHY, outcome.describe()
    assert outcome.fewest_by_timeline >= MIN_HEALTHY, outcome.describe()
    assert_back_to_full_strength(aws, outcome)
    # Turns, not a queue of one: two may be out at once, and two were.
    assert outcome.fewest_by_timeline == MIN_HEALTHY, outcome.describe()
    # The others waited: the one holding the lock for a member to come back ("no quorum
    # yet"), the rest for the lock.
    assert any("no quorum" in c.events for c in outcome.cycles), outcome.describe()
    assert not any("without the fleet-wide lock" in c.stderr for c in outcome.cycles)


def test_without_the_lock_the_same_cycles_dip_below_min_healthy(aws: World, tmp_path: Path):
    # The control experiment: the same run with --no-quorum-lock. The six check at about the
    # same moment, and every one that reads the health before the second deregistration sees a
    # quorum and leaves. How many do depends on how close together the six processes get to
    # their first read: in 21 runs here the fewest healthy was 0 (8 times), 1 (4), 2 (3) or 3
    # (6), never 4. So a run that does not dip is possible, if rare; up to three runs are made
    # and one has to dip. If none does, the test above would prove nothing.
    world = aws
    results = []
    for attempt in range(1, 4):
        if attempt > 1:  # a fresh world: reset, new instances, new zone
            (tmp_path / f"attempt{attempt}").mkdir()
            world = World(aws.server, aws.binary, tmp_path / f"attempt{attempt}")
        outcome = run_scenario(world, "elb", "--no-quorum-lock")
        results.append(f"{outcome.fewest_sampled} sampled, {outcome.fewest_by_timeline} by the timeline "
                       f"({outcome.elapsed:.1f} s)")
        # Nothing failed: each cycle saw its quorum, which is the point.
        assert_back_to_full_strength(world, outcome)
        if outcome.fewest_by_timeline < MIN_HEALTHY:
            break
    measure("quorum scenario, elb, --no-quorum-lock: fewest healthy",
            "; ".join(results) + f" (min-healthy {MIN_HEALTHY}, {INSTANCES} instances)")
    assert outcome.fewest_by_timeline < MIN_HEALTHY, "\n".join(results) + "\n" + outcome.describe()
    assert outcome.fewest_sampled < MIN_HEALTHY, outcome.describe()
