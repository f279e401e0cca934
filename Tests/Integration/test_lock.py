"""`r53hook lock NAME -- COMMAND` (issue 4, sections 1 and 6) against the local AWS, whose Route 53
applies change batches all or nothing: mutual exclusion under contention, takeover after a
holder dies, --no-wait / --wait-timeout / exit codes / signals, renewal through throttling and
credential refresh, a lost lock fencing its command, and a waiter's request rate.

Every command run under the lock is lockkit.COMMAND: it logs enter/exit/term times on
CLOCK_MONOTONIC (shared by all processes) and keeps an fcntl-locked count of open critical
sections, so an overlap is seen both in the times and in the counter.
"""

from __future__ import annotations

import shutil
import signal
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import lockkit
from harness import World, measure
from lockkit import LockProc, wait_until

LOCK = "deploy"


class LockWorld:
    """The per-test world of harness.py plus what the lock tests need: the recording command,
    its shared log and counter, and r53hook lock processes run with the admin keys."""

    def __init__(self, aws: World, binary: Path):
        self.aws = aws
        self.binary = binary
        self.script = lockkit.write_command(aws.tmp)
        self.log = aws.tmp / "sections.log"
        self.counter = aws.tmp / "sections.count"
        self.procs: list[LockProc] = []

    def env(self, **extra: str | None) -> dict[str, str]:
        keys: dict[str, str | None] = {"AWS_ACCESS_KEY_ID": self.aws.admin["access_key_id"],
                                       "AWS_SECRET_ACCESS_KEY": self.aws.admin["secret_access_key"]}
        keys.update(extra)
        return self.aws.env(**keys)

    def cmd(self, label: str, hold: float = 0.05, **kw: Any) -> list[str]:
        return lockkit.command(self.script, self.log, label=label, hold=hold, counter=self.counter, **kw)

    def start(self, label: str, cmd: list[str] | None = None, *, lease: int = 3, lock: str = LOCK,
              extra: tuple[str, ...] = (), env: dict[str, str] | None = None, hold: float = 0.05,
              owner: str | None = "", **kw: Any) -> LockProc:
        """owner: "" for the label, None for none (the instance id from IMDS)."""
        p = LockProc(self.binary, self.aws.zone_id, lock, cmd if cmd is not None else self.cmd(label, hold, **kw),
                     env=env if env is not None else self.env(), workdir=self.aws.tmp, lease=lease,
                     owner=label if owner == "" else owner, extra=extra, label=label)
        self.procs.append(p)
        return p

    def kill(self, p: LockProc) -> float:
        """SIGKILL to r53hook and its command, like a machine dying; the dead command's open
        section is taken off the shared counter. Returns when it was sent (monotonic)."""
        t = p.killpg()
        p.wait(10)
        self.counter.write_text("0")
        return t

    def value(self, lock: str = LOCK) -> dict[str, Any] | None:
        return lockkit.lock_value(self.aws.r53, self.aws.zone_id, lock)

    def rrset(self, lock: str = LOCK) -> dict[str, Any] | None:
        return lockkit.lock_rrset(self.aws.r53, self.aws.zone_id, lock)

    def entered(self, label: str) -> lockkit.Event | None:
        return lockkit.first(self.log, "enter", label)

    def event(self, kind: str, label: str) -> lockkit.Event | None:
        return lockkit.first(self.log, kind, label)

    def wait_entered(self, label: str, timeout: float = 15) -> lockkit.Event:
        return wait_until(lambda: self.entered(label), timeout, f"{label}'s command to start")

    def wait_seq(self, at_least: int, timeout: float = 15, lock: str = LOCK) -> tuple[float, dict[str, Any]]:
        """Polls the record until its seq reaches `at_least`; (monotonic time seen, value)."""
        def seen() -> tuple[float, dict[str, Any]] | None:
            v = self.value(lock)
            return (time.monotonic(), v) if v and v["seq"] >= at_least else None
        return wait_until(seen, timeout, f"renewal {at_least} of the lock", interval=0.02)

    def overlaps(self) -> list[tuple[lockkit.Section, lockkit.Section]]:
        return lockkit.overlaps(lockkit.critical_sections(self.log))

    def describe(self) -> str:
        log = self.log.read_text() if self.log.exists() else "(no log)"
        return "\n\n".join([p.describe() for p in self.procs] + ["--- sections.log\n" + log])

    def cleanup(self) -> None:
        for p in self.procs:
            p.kill()


@pytest.fixture(scope="module")
def lock_binary(binary: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the binary: a `swift build` running beside the tests rewrites
    .build/debug/r53hook, and starting it then fails with ETXTBSY."""
    copy = tmp_path_factory.mktemp("bin") / "r53hook"
    shutil.copy2(binary, copy)
    return copy


@pytest.fixture()
def lk(aws: World, lock_binary: Path):
    world = LockWorld(aws, lock_binary)
    try:
        yield world
    finally:
        world.cleanup()
        aws.clear_faults()


def ok(p: LockProc, code: int, lk: LockWorld, timeout: float = 60) -> None:
    got = p.wait(timeout)
    assert got == code, f"{p.label} exited {got}, expected {code}\n{lk.describe()}"


# --------------------------------------------------------------------- 1. mutual exclusion


def test_mutual_exclusion_five_processes_four_acquisitions_each(lk: LockWorld):
    processes, rounds, lease = 5, 4, 3
    codes: list[tuple[str, int]] = []
    waits: list[float] = []
    guard = threading.Lock()

    def worker(n: int) -> None:
        for r in range(rounds):
            label = f"p{n}r{r}"
            p = lk.start(label, lease=lease, owner=f"owner-{n}")
            code = p.wait(timeout=90)
            enter = lk.entered(label)
            with guard:
                codes.append((label, code))
                if enter:
                    waits.append(enter.t - p.started)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(processes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    sections = lockkit.critical_sections(lk.log)
    bad = [(label, code) for label, code in codes if code != 0]
    assert not bad, f"runs that did not exit 0: {bad}\n{lk.describe()}"
    assert len(sections) == processes * rounds, lk.describe()
    assert all(s.exit is not None for s in sections), lk.describe()
    pairs = lockkit.overlaps(sections)
    assert pairs == [], f"{len(pairs)} overlapping critical sections: {pairs[:5]}"
    assert lk.value() is None, "the last holder left the lock record behind"
    measure("lock: 5 x 4 acquisitions (lease 3)",
            f"{len(sections)} in {elapsed:.1f} s = {len(sections) / elapsed:.2f}/s, 0 overlaps, "
            f"wait median {statistics.median(waits):.2f} s, max {max(waits):.2f} s")


# --------------------------------------------------------------------- 2. a holder that dies


def test_holder_killed_takeover_after_one_lease(lk: LockWorld):
    lease = 3
    # (a) A waiter that arrives after the holder died: it must see the value unchanged for a
    #     full lease on its own clock, so takeover is never before kill + lease.
    holder = lk.start("holder", lease=lease, hold=60, beat=0.2)
    lk.wait_entered("holder")
    wait_until(lk.value, 5, "the lock record")
    killed = lk.kill(holder)
    waiter = lk.start("waiter", lease=lease)
    ok(waiter, 0, lk, timeout=30)
    took = lk.entered("waiter").t - killed
    assert lease <= took <= lease + 3, f"took over {took:.2f} s after the kill\n{lk.describe()}"
    assert lk.value() is None
    assert "taking it over" in waiter.stderr, waiter.describe()

    # (b) A waiter already waiting when the holder dies right after a renewal: the value it
    #     watched was written just before the kill (within the 20 ms this test polls at).
    holder2 = lk.start("holder2", lease=lease, hold=60, beat=0.2)
    lk.wait_entered("holder2")
    waiter2 = lk.start("waiter2", lease=lease)
    seen, _ = lk.wait_seq(2)
    killed2 = lk.kill(holder2)
    ok(waiter2, 0, lk, timeout=30)
    took2 = lk.entered("waiter2").t - killed2
    assert lease - 0.3 <= took2 <= lease + 3, f"took over {took2:.2f} s after the kill\n{lk.describe()}"
    # The killed holders' sections have no exit line: they ended at the kill.
    ends = {"holder": killed, "holder2": killed2}
    sections = lockkit.critical_sections(lk.log)
    for s in sections:
        if s.exit is None:
            s.exit = ends[s.label]
    assert lockkit.overlaps(sections) == [], lk.describe()
    measure("lock: takeover after SIGKILL (lease 3)",
            f"{took:.2f} s for a waiter arriving after the kill, {took2:.2f} s for one already waiting")


# --------------------------------------------------------------------- 3. waiting, exit codes, signals


def test_no_wait_exits_75_at_once_without_running_the_command(lk: LockWorld):
    holder = lk.start("holder", lease=3, hold=8)
    lk.wait_entered("holder")
    other = lk.start("nowait", extra=("--no-wait", "--debug"))
    ok(other, 75, lk, timeout=10)
    # "At once" as a count, not a stopwatch (a loaded machine slows start-up, not the logic):
    # one CREATE refused, one read of the holder, and no poll, sleep or retry after it.
    sent = [line.split(" (", 1)[1].rstrip(")") for line in other.stderr.splitlines() if " -> " in line and " (" in line]
    assert sent.count("ChangeResourceRecordSets") == 1, sent
    assert sent.count("ListResourceRecordSets") == 1, sent
    assert "waiting for lock" not in other.stderr and "polling again" not in other.stderr, other.describe()
    assert other.elapsed < 5.0, other.describe()
    assert lk.entered("nowait") is None, "--no-wait ran the command although the lock was held"
    assert "--no-wait" in other.stderr and "holder" in other.stderr, other.describe()
    assert lk.value()["owner"] == "holder"
    holder.kill()


def test_wait_timeout_exits_75_after_about_the_timeout(lk: LockWorld):
    holder = lk.start("holder", lease=3, hold=12)
    lk.wait_entered("holder")
    waiter = lk.start("timeout", extra=("--wait-timeout", "2"))
    ok(waiter, 75, lk, timeout=15)
    # Polls come every lease/3 (1 s here) ±50%: the timeout is noticed at the first poll after 2 s.
    assert 2.0 <= waiter.elapsed <= 3.6, waiter.describe()
    assert lk.entered("timeout") is None
    assert "--wait-timeout" in waiter.stderr, waiter.describe()
    holder.kill()


def test_wait_timeout_is_kept_against_a_long_lease(lk: LockWorld):
    holder = lk.start("holder", lease=30, hold=12)
    lk.wait_entered("holder")
    waiter = lk.start("timeout", extra=("--wait-timeout", "2"))
    ok(waiter, 75, lk, timeout=15)
    assert waiter.elapsed < 2.5, f"--wait-timeout 2 gave up after {waiter.elapsed:.2f} s"
    holder.kill()


def test_no_wait_gives_up_at_once_when_route53_refuses(lk: LockWorld):
    # Every ChangeResourceRecordSets is refused (PriorRequestNotComplete, a throttling error);
    # the zone lookup still works.
    lk.aws.faults(prior_request_not_complete=1000)
    p = lk.start("nowait", extra=("--no-wait",))
    try:
        code = p.wait(5)
    finally:
        lk.aws.clear_faults()
    assert code != 0 and lk.entered("nowait") is None, p.describe()
    assert p.elapsed < 3, p.describe()


def test_wait_timeout_is_kept_while_route53_refuses(lk: LockWorld):
    lk.aws.faults(prior_request_not_complete=1000)
    p = lk.start("timeout", lease=12, extra=("--wait-timeout", "2"))
    try:
        code = p.wait(20)
    finally:
        lk.aws.clear_faults()
    assert code == 75 and lk.entered("timeout") is None, p.describe()
    assert p.elapsed < 3, f"--wait-timeout 2 gave up after {p.elapsed:.2f} s"


def test_exit_code_passes_through_and_the_lock_is_released(lk: LockWorld):
    p = lk.start("seven", cmd=["sh", "-c", "exit 7"])
    ok(p, 7, lk, timeout=15)
    assert lk.value() is None, "the lock record is still there after the command ended"
    assert "released lock" in p.stderr, p.describe()
    again = lk.start("again", extra=("--no-wait",))
    ok(again, 0, lk, timeout=15)
    assert lk.entered("again") is not None


def test_a_command_that_cannot_start_is_127_and_the_lock_released(lk: LockWorld):
    p = lk.start("missing", cmd=[str(lk.aws.tmp / "no-such-command")])
    ok(p, 127, lk, timeout=15)
    assert "cannot run" in p.stderr, p.describe()
    assert lk.value() is None


@pytest.mark.parametrize("args, text", [
    (("--lease", "2"), "--lease"),
    (("--lease", "3601"), "--lease"),
    (("--no-wait", "--wait-timeout", "3"), "contradict"),
])
def test_bad_options_are_refused_before_any_request(lk: LockWorld, args: tuple[str, ...], text: str):
    p = LockProc(lk.binary, lk.aws.zone_id, LOCK, ["true"], env=lk.env(), workdir=lk.aws.tmp, lease=3,
                 owner="o", extra=args, label="bad")
    lk.procs.append(p)
    assert p.wait(10) == 64, p.describe()
    assert text in p.stderr
    assert lk.aws.route53_calls() == {}


@pytest.mark.parametrize("sig, marker", [(signal.SIGTERM, "term"), (signal.SIGINT, "int")])
def test_signal_is_forwarded_to_the_command_and_the_lock_released(lk: LockWorld, sig: int, marker: str):
    p = lk.start("holder", lease=3, hold=30)
    lk.wait_entered("holder")
    assert lk.value()["owner"] == "holder"
    sent = p.send(sig)
    ok(p, 128 + sig, lk, timeout=15)  # the command's own status: it exits 128+N from its handler
    got = lk.event(marker, "holder")
    assert got is not None, f"the command never saw the signal\n{lk.describe()}"
    assert got.t - sent < 1.0
    assert lk.value() is None, "the lock was not released after the signal"
    # A waiter in line is not disturbed and gets the lock next.
    nxt = lk.start("next", extra=("--no-wait",))
    ok(nxt, 0, lk, timeout=15)


def test_signal_while_waiting_leaves_the_holder_alone(lk: LockWorld):
    holder = lk.start("holder", lease=3, hold=6)
    lk.wait_entered("holder")
    waiter = lk.start("waiter")
    time.sleep(1.0)
    waiter.send(signal.SIGTERM)
    code = waiter.wait(10)
    assert code != 0, waiter.describe()
    assert lk.entered("waiter") is None
    assert lk.value()["owner"] == "holder"
    ok(holder, 0, lk, timeout=15)
    assert lk.value() is None


# --------------------------------------------------------------------- 4. renewal


def test_renewal_keeps_the_lock_for_a_long_command(lk: LockWorld):
    lease = 3
    holder = lk.start("holder", lease=lease, hold=10)
    lk.wait_entered("holder")
    waiter = lk.start("waiter", lease=lease)
    seqs: list[int] = []
    refused = 0
    while holder.poll() is None:
        v = lk.value()
        if v and v["owner"] == "holder":
            seqs.append(v["seq"])
        if refused < 3 and len(seqs) >= (3, 10, 18)[refused]:
            nowait = lk.start(f"nowait{refused}", extra=("--no-wait",))
            assert nowait.wait(10) == 75, nowait.describe()
            refused += 1
        time.sleep(0.4)
    ok(holder, 0, lk)
    ok(waiter, 0, lk, timeout=20)
    assert seqs == sorted(seqs), seqs
    # Every lease/3 = 1 s: about 9 renewals in 10 s.
    assert seqs[-1] >= 7, f"renewals seen: {seqs}\n{lk.describe()}"
    assert refused == 3
    assert lk.overlaps() == [], lk.describe()
    assert lk.entered("waiter").t >= lk.event("exit", "holder").t


def test_renewal_survives_a_burst_of_throttling(lk: LockWorld):
    lease = 9
    holder = lk.start("holder", lease=lease, hold=9)
    lk.wait_entered("holder")
    waiter = lk.start("waiter", lease=lease)
    renewed, _ = lk.wait_seq(1)
    # From just before the next renewal (due lease/3 = 3 s after the last) and for 4 s, Route 53
    # allows 2 requests a second for everyone together, its bucket emptied at the start: the
    # renewal is throttled at first and must get through on a retry before the fence (2/3 of the
    # lease after the last success).
    time.sleep(max(0.0, lease / 3 - 0.2 - (time.monotonic() - renewed)))
    lk.aws.clear_stats()
    lk.aws.faults(throttle_rps=2)
    lk.aws.r53.list_hosted_zones()
    lk.aws.r53.list_hosted_zones()
    time.sleep(4.0)
    lk.aws.faults(throttle_rps=None)
    stats = lk.aws.stats()
    ok(holder, 0, lk)
    ok(waiter, 0, lk, timeout=30)
    assert stats["throttled"] > 0, "nothing was throttled: the test proves nothing"
    assert "ChangeResourceRecordSets: Throttling" in holder.stderr, (
        f"the holder's renewal was never throttled: the test proves nothing\n{holder.describe()}")
    assert "lost lock" not in holder.stderr, holder.describe()
    assert lk.overlaps() == [], lk.describe()
    assert lk.entered("waiter").t >= lk.event("exit", "holder").t
    assert lk.value() is None
    measure("lock: renewal through throttle_rps=2 for 4 s (lease 9)",
            f"{stats['throttled']} requests throttled, lock kept")


def test_renewal_survives_credential_refresh(lk: LockWorld):
    lease = 3
    # Instance-role keys that live 6 s (IMDS hands out new ones 2 s before they expire) and are
    # rotated twice by hand while the lock is held: r53hook must sign every renewal with
    # credentials that are still good.
    inst = lk.aws.create_instance(credentials_ttl=6)
    env = lk.aws.env(inst)  # no keys: the instance role through IMDS
    holder = lk.start("holder", lease=lease, hold=10, env=env, owner=None)
    lk.wait_entered("holder")
    assert lk.value()["owner"] == inst["instance_id"]
    lk.aws.clear_stats()
    for _ in range(2):
        time.sleep(3)
        lk.aws.patch_instance(inst["instance_id"], rotate_credentials=True)
    ok(holder, 0, lk)
    assert "lost lock" not in holder.stderr and "could not renew" not in holder.stderr, holder.describe()
    statuses = [e[3] for e in lk.aws.stats()["timeline"] if e[1] == "route53"]
    assert statuses and all(s < 300 for s in statuses), statuses
    assert lk.aws.stats()["requests"]["route53"].get("ChangeResourceRecordSets", 0) >= 7
    assert lk.value() is None


# --------------------------------------------------------------------- 5. a lost lock


def test_lock_deleted_by_hand_terminates_the_command_and_exits_75(lk: LockWorld):
    lease = 6
    holder = lk.start("holder", lease=lease, hold=60, beat=0.2)
    lk.wait_entered("holder")
    rr = lk.rrset()
    lk.aws.change({"Action": "DELETE", "ResourceRecordSet": rr})
    deleted = time.monotonic()
    ok(holder, 75, lk, timeout=30)
    term = lk.event("term", "holder")
    assert term is not None, f"the command was not sent SIGTERM\n{lk.describe()}"
    # The next renewal (every lease/3 = 2 s) finds the value gone.
    assert holder.ended - deleted <= lease / 3 + 1.0, f"exited {holder.ended - deleted:.2f} s after the delete"
    assert "lost lock" in holder.stderr, holder.describe()
    assert lk.value() is None, "the holder recreated a lock it had lost"
    measure("lock: exit after its record was deleted (lease 6)", f"{holder.ended - deleted:.2f} s")


def test_route53_down_fences_the_command_before_a_waiter_could_take_over(lk: LockWorld):
    lease = 6
    # The worst moment: Route 53 goes down right after a renewal, and the command ignores
    # SIGTERM, so only the SIGKILL after the grace (lease/6) ends it. A waiter that saw this
    # renewal may take over a full lease after it: the command must be dead before that.
    holder = lk.start("holder", lease=lease, hold=60, beat=0.05, ignore_term=True)
    lk.wait_entered("holder")
    renewed, _ = lk.wait_seq(1)
    lk.aws.faults(route53_down=True)
    down = time.monotonic()
    code = holder.wait(30)
    lk.aws.faults(route53_down=False)
    assert code == 75, lk.describe()
    term = lk.event("term", "holder")
    assert term is not None, f"the command was not sent SIGTERM\n{lk.describe()}"
    last_beat = max(e.t for e in lockkit.events(lk.log) if e.label == "holder")
    assert "lost lock" in holder.stderr and "2/3" in holder.stderr, holder.describe()
    assert term.t - renewed <= lease * 2 / 3 + 0.5, (
        f"SIGTERM came {term.t - renewed:.2f} s after the last renewal; the fence is {lease * 2 / 3:.0f} s")
    assert last_beat - renewed < lease - 0.3, \
        f"the command still ran {last_beat - renewed:.2f} s after the last renewal"
    assert holder.ended - down < lease, f"exited {holder.ended - down:.2f} s after Route 53 went down"
    assert lk.value()["owner"] == "holder", "the record must stay: nobody could delete it"
    measure("lock: route53_down right after a renewal (lease 6)",
            f"SIGTERM {term.t - renewed:.2f} s and SIGKILL'd command gone {last_beat - renewed:.2f} s after the "
            f"last renewal; exit 75 {holder.ended - down:.2f} s after the fault")


def test_fence_counts_from_when_the_renewal_was_sent(lk: LockWorld):
    lease = 3
    host, port = lk.aws.endpoint.rsplit("//", 1)[1].split(":")
    with lockkit.Blackhole(host, int(port)) as path:
        # The holder reaches Route 53 through a path that answers 0.3 s late (requests apply at
        # once), then is cut; the waiter and this test reach it directly.
        holder = lk.start("holder", lease=lease, hold=60, beat=0.05, ignore_term=True,
                          env=lk.env(AWS_ENDPOINT_URL=path.endpoint))
        lk.wait_entered("holder")
        path.answer_delay = 0.3
        seen, _ = lk.wait_seq(1)  # within ~20 ms of Route 53 applying it
        waiter = lk.start("waiter", lease=lease)
        time.sleep(0.8)  # the late answer has arrived: the renewal succeeded for the holder
        path.cut()
        code = holder.wait(30)
        ok(waiter, 0, lk, timeout=30)
    assert code == 75, holder.describe()
    last_beat = max(e.t for e in lockkit.events(lk.log) if e.label == "holder")
    # A waiter that saw renewal 1 when this test did may take over at seen + lease.
    assert last_beat < seen + lease, (
        f"the fenced command still ran {last_beat - seen:.2f} s after renewal 1 became visible (lease {lease} s)")
    assert lk.entered("waiter").t > last_beat


def test_renewal_whose_answer_was_lost_keeps_the_lock(lk: LockWorld):
    host, port = lk.aws.endpoint.rsplit("//", 1)[1].split(":")
    with lockkit.Blackhole(host, int(port)) as path:
        holder = lk.start("holder", lease=3, hold=3.5, env=lk.env(AWS_ENDPOINT_URL=path.endpoint))
        lk.wait_entered("holder")
        path.swallow_answers = 1  # renewal 1 is applied, its answer never arrives
        code = holder.wait(20)
    assert "lost lock" not in holder.stderr, holder.stderr
    assert code == 0, holder.describe()
    assert lk.value() is None


def test_renewal_retries_until_the_fence_after_a_throttling_burst(lk: LockWorld):
    # Route 53 refuses everything for 1.4 to 1.8 s of each holder's renewal window (lease/3 to
    # 2/3 of the lease: 3 s at lease 9) and answers again 1.2 s before the fence. Lock calls
    # back off at most 1 s, so every holder must get a renewal through. (With the SDK-style
    # backoff, up to 0.25 s x 2^n and a sleep cut to the deadline without a last try, a fifth
    # to a third of the holders slept through the rest of the window and lost the lock.)
    lease, n = 9, 16
    lk.aws.clear_stats()
    began = time.time()
    holders = [lk.start(f"h{i}", lease=lease, hold=8, lock=f"burst{i}") for i in range(n)]
    for i in range(n):
        lk.wait_entered(f"h{i}")
    # Each holder renews lease/3 after its CREATE: the timeline gives those moments.
    creates = sorted(e[0] for e in lockkit.route53_requests(
        lk.aws.stats()["timeline"], began, time.time(),
        lambda action, status: action == "ChangeResourceRecordSets" and status == 200))
    assert len(creates) == n, creates
    spread = creates[-1] - creates[0]
    if spread > 0.4:
        pytest.skip(f"the holders acquired {spread:.2f} s apart: their renewal windows do not line up")
    burst_start = creates[0] + lease / 3 - 0.2
    burst_end = creates[0] + lease * 2 / 3 - 1.2
    time.sleep(max(0.0, burst_start - time.time()))
    lk.aws.faults(throttle_rps=0.01)
    lk.aws.r53.list_hosted_zones()  # the bucket's one token
    time.sleep(max(0.0, burst_end - time.time()))
    lk.aws.faults(throttle_rps=None)
    codes = {p.label: p.wait(30) for p in holders}
    lost = sorted(label for label, code in codes.items() if code != 0)
    refused = burst_end - creates[-1] - lease / 3
    measure("lock: holders that lost the lock after a throttling burst over most of the renewal window (lease 9)",
            f"{len(lost)} of {n} (each refused for {refused:.1f} to {refused + spread:.1f} s of its 3 s window)")
    assert lk.aws.stats()["throttled"] > n
    assert lost == [], f"{len(lost)} of {n} holders lost their lock: {lost}\n{holders[0].describe()}"


@pytest.mark.parametrize("fault", [{"drop_connections": 1}, {"error_5xx": 1}])
def test_release_gets_through_a_transient_failure(lk: LockWorld, fault: dict[str, int]):
    # The command's last act: the next AWS request (r53hook's release) fails once, as requests
    # to Route 53 now and then do. The release must be retried, or the lock stays taken for a
    # whole lease although nobody holds it.
    arm = (f"import json, urllib.request; "
           f"urllib.request.urlopen(urllib.request.Request('{lk.aws.server.control_url}/faults', "
           f"data=json.dumps({fault!r}).encode(), headers={{'Content-Type': 'application/json'}}))")
    p = lk.start("holder", cmd=["python3", "-c", arm], lease=6)
    code = p.wait(30)
    assert code == 0, p.describe()
    left = lk.value()
    assert left is None, f"the lock record was left behind: {left}\n{p.stderr}"


def test_release_after_a_renewal_in_flight_removes_the_record(lk: LockWorld):
    lease = 6
    # The command slows every AWS answer to 1.5 s, then ends 2.7 s in: the renewal sent at 2 s
    # (lease/3) is still in flight.
    slow = (f"import json, time, urllib.request; "
            f"urllib.request.urlopen(urllib.request.Request('{lk.aws.server.control_url}/faults', "
            f"data=json.dumps({{'slow_ms': 1500}}).encode(), headers={{'Content-Type': 'application/json'}})); "
            f"time.sleep(2.7)")
    p = lk.start("holder", cmd=["python3", "-c", slow], lease=lease)
    code = p.wait(30)
    lk.aws.clear_faults()
    assert code == 0, p.describe()
    left = lk.value()
    assert left is None, f"the lock record was left behind: {left}\n{p.stderr}"


# --------------------------------------------------------------------- 6. request rate of a waiter


def test_request_rate_of_one_waiter(lk: LockWorld):
    lease, held = 30, 20
    holder = lk.start("holder", lease=lease, hold=held)
    lk.wait_entered("holder")
    waiter = lk.start("waiter", lease=lease)
    start = time.time()
    ok(holder, 0, lk, timeout=held + 15)
    end = time.time()
    ok(waiter, 0, lk, timeout=20)
    timeline = lk.aws.stats()["timeline"]
    # The waiter's requests: its failed CREATEs (400 InvalidChangeBatch) and its reads; the
    # holder makes neither while it holds (its renewals succeed).
    mine = lockkit.route53_requests(timeline, start, end,
                                    lambda action, status: action == "ListResourceRecordSets" or
                                    (action == "ChangeResourceRecordSets" and status == 400))
    rate = len(mine) / (end - start)
    assert rate <= 2.0, f"{len(mine)} requests in {end - start:.1f} s"
    assert len(mine) >= 2, "the waiter never polled"
    measure("lock: one waiter's Route 53 requests (lease 30)",
            f"{len(mine)} in {end - start:.1f} s = {rate:.2f}/s")


def test_a_waiter_does_not_poll_faster_when_throttled(lk: LockWorld):
    # The rest of the fleet has used up the account's Route 53 rate: 0.5 requests/s are left.
    # A polite waiter keeps to its polls (lease/3, at most 5 s, ±50%: about 0.5 requests/s
    # unthrottled, see test_request_rate_of_one_waiter) or slows down; it must not answer
    # throttling by asking more often.
    lease = 30
    host, port = lk.aws.endpoint.rsplit("//", 1)[1].split(":")
    with lockkit.Blackhole(host, int(port)) as path:  # counts the waiter's requests
        holder = lk.start("holder", lease=lease, hold=20)
        lk.wait_entered("holder")
        lk.aws.faults(throttle_rps=0.5)
        start = time.monotonic()
        waiter = lk.start("waiter", lease=lease, env=lk.env(AWS_ENDPOINT_URL=path.endpoint))
        time.sleep(15)
        seen = [t for t in path.requests if t >= start]
        lk.aws.faults(throttle_rps=None)
        throttled = lk.aws.stats()["throttled"]
        holder.kill()
        waiter.kill()
    rate = len(seen) / 15
    measure("lock: one waiter's requests while Route 53 allows 0.5/s (lease 30)",
            f"{len(seen)} in 15 s = {rate:.2f}/s ({throttled} throttled in all)")
    assert throttled > 0
    assert rate <= 1.0, f"the waiter sent {len(seen)} requests in 15 s while throttled\n{waiter.stderr[-3000:]}"
