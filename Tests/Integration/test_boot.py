"""A real boot and a real shutdown (issue 9, part 3): a Debian 13 guest in qemu with the .deb
installed and r53hook enabled, under systemd (with and without the heartbeat timer) and under
SysV init; what the host reads from the local AWS and what the guest logged.

scripts/test runs this file in its release step, after test_packages.py, with
R53HOOK_RELEASE_BINARY set to the stripped release binary; the .deb is built here from it
(scripts/package). The integration step leaves it out. Run alone:
  R53HOOK_RELEASE_BINARY=$(scripts/build-release --strip) python3 -m pytest Tests/Integration/test_boot.py -rs
The boot itself is scripts/boot_test.py's (scripts/boot-test runs the same one by hand). Each of
the three boots takes about a minute under software emulation (the heartbeat one two: the timer's
first beat comes a minute after the join); the first run also builds the cached root file
systems with debootstrap (about 3 minutes each). Skipped, saying why, only when qemu cannot run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import REPO

sys.path.insert(0, str(REPO / "scripts"))
import boot_test as bt  # noqa: E402

RELEASE = os.environ.get("R53HOOK_RELEASE_BINARY", "")

pytestmark = pytest.mark.skipif(
    not RELEASE, reason="needs R53HOOK_RELEASE_BINARY (scripts/test sets it in its release step)")

BOOTS = {"systemd": ("systemd", False), "systemd-heartbeat": ("systemd", True), "sysv": ("sysv", False)}


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deb")
    built = subprocess.run([str(REPO / "scripts" / "package"), "deb", "--out", str(out)], capture_output=True,
                           text=True, timeout=600, env={**os.environ, "R53HOOK_BINARY": RELEASE})
    assert built.returncode == 0, f"scripts/package deb failed ({built.returncode}):\n{built.stderr[-4000:]}"
    return Path(built.stdout.strip())


class Boots:
    """Each boot once, when a test first asks for it; a test names the boots it applies to."""

    def __init__(self, deb: Path):
        self.deb = deb
        self.runs: dict[str, bt.BootRun] = {}

    def get(self, name: str) -> bt.BootRun:
        if name not in self.runs:
            init, heartbeat = BOOTS[name]
            try:
                self.runs[name] = bt.boot(init, heartbeat=heartbeat, deb=self.deb)
            except bt.QemuUnavailable as exc:
                pytest.skip(f"qemu cannot run here, so no boot test: {exc}")
            # The timeline, for the report (pytest -s, or the captured output of a failure).
            print("\n" + bt.report(self.runs[name]))
        return self.runs[name]


@pytest.fixture(scope="module")
def boots(deb: Path) -> Boots:
    return Boots(deb)


@pytest.fixture
def run(boots: Boots, name: str) -> bt.BootRun:
    return boots.get(name)


every_boot = pytest.mark.parametrize("name", list(BOOTS))
systemd_boots = pytest.mark.parametrize("name", ["systemd", "systemd-heartbeat"])


@every_boot
def test_the_record_and_its_mark_appear_during_the_boot(run: bt.BootRun):
    present = run.first_present()
    assert present is not None, "the record never appeared"
    assert present.at <= run.t_ready, "the record appeared only after the boot"
    record = run.address_record(present)
    assert record == {"Name": "www.example.com.", "Type": "A", "SetIdentifier": run.instance["instance_id"],
                      "Weight": 10, "TTL": bt.TTL, "ResourceRecords": [{"Value": run.instance["public_ipv4"]}]}
    mark = run.mark(present)
    assert mark is not None and mark["Name"] == "_r53hook-a.www.example.com.", mark
    assert bt.mark_words(mark)["instance"] == run.instance["instance_id"], mark


@every_boot
def test_the_shutdown_deletes_the_record_and_the_mark_before_the_guest_is_off(run: bt.BootRun):
    gone = run.first_gone()
    assert gone is not None, "the record was still there after the shutdown"
    assert run.t_command < gone.at <= run.t_off + 2 * bt.POLL_INTERVAL
    # It was there until the shutdown began: the guest's stop removed it, not something else.
    before = [sample for sample in run.samples if sample.at < run.t_command]
    assert before and run.address_record(before[-1]) is not None
    # And nothing of the instance is left once the guest is off.
    assert run.records_after == [], run.records_after
    assert run.exit_code == 0, f"qemu exited {run.exit_code}\n{run.qemu_stderr[-2000:]}"


@every_boot
def test_the_guest_is_off_within_the_units_stop_timeout(run: bt.BootRun):
    limit = run.timeout_stop_sec()
    assert limit == 420
    assert 0 < run.t_off - run.t_command < limit
    # And the stop was not cut short: the drain (TTL + extra) fits in it.
    assert run.t_off - run.t_command >= bt.TTL + bt.DRAIN_EXTRA


@every_boot
def test_the_whole_drain_runs_after_insync_and_before_the_network_goes(run: bt.BootRun):
    names = ["stop INSYNC", "drain begins", "drain complete", "r53hook stopped"]
    if run.init == "systemd":
        events = bt.journal_events(run)
        names = ["r53hook stopping", *names, "network-online stopped", "networking stopped"]
        when = {name: bt.mono(events[name]) / 1e6 for name in names if events[name] is not None}
        text = {name: events[name]["MESSAGE"] for name in names if events[name] is not None}
    else:
        events = bt.sysv_events(run)
        when = {name: events[name].at for name in names if events[name] is not None}
        text = {name: events[name].text for name in names if events[name] is not None}
    assert set(when) == set(names), f"missing from the guest's log: {set(names) - set(when)}"
    assert [when[name] for name in names] == sorted(when[name] for name in names), when
    assert f"draining for {bt.TTL + bt.DRAIN_EXTRA} s (TTL {bt.TTL} s + {bt.DRAIN_EXTRA} s extra)" \
        in text["drain begins"]
    # Syslog times may be whole seconds.
    slack = 0.5 if run.init == "systemd" else 1.0
    assert when["drain complete"] - when["drain begins"] >= bt.TTL + bt.DRAIN_EXTRA - slack, when
    if run.init == "sysv":
        # The network's end as the console shows it, in the order the scripts ran.
        console = bt.sysv_console_events(run)
        assert None not in console.values(), console
        assert console["r53hook stopped"].at <= console["forwarders stopped"].at, console
        assert console["r53hook stopped"].at <= console["networking stopped"].at, console


@systemd_boots
def test_systemd_starts_r53hook_before_multi_user_and_stops_the_heartbeat_first(run: bt.BootRun):
    events = bt.journal_events(run)
    started, reached = events["r53hook started"], events["multi-user reached"]
    assert started is not None and reached is not None
    assert bt.mono(started) <= bt.mono(reached)
    cut_short = [e["MESSAGE"] for e in run.journal if "r53hook" in str(e.get("UNIT", ""))
                 and re.search(r"timed out|Killing process|code=killed", str(e.get("MESSAGE")))]
    assert cut_short == []
    if run.heartbeat:
        timer_stopped, stopping = events["heartbeat timer stopped"], events["r53hook stopping"]
        assert timer_stopped is not None and stopping is not None
        assert bt.mono(timer_stopped) <= bt.mono(stopping)


@pytest.mark.parametrize("name", ["systemd-heartbeat"])
def test_the_heartbeat_timer_beats_into_the_registry_mark(run: bt.BootRun):
    beats = run.heartbeats()
    assert beats, "no heartbeat= in the mark"
    joined = int(bt.mark_words(run.mark(run.first_present()) or {})["joined"])
    assert all(beat >= joined for beat in beats), (joined, beats)
    ran = bt.journal_events(run)["heartbeat ran"]
    assert ran is not None and f"at {beats[0]}" in ran["MESSAGE"], ran


@pytest.mark.parametrize("name", ["sysv"])
def test_insserv_orders_the_init_script_around_the_network(run: bt.BootRun):
    assert any(link.endswith("networking") for link in bt.rc_order(run, "rcS"))
    assert any(re.fullmatch(r"S\d\dr53hook", link) for link in bt.rc_order(run, "rc2")), bt.rc_order(run, "rc2")
    for level in ("rc0", "rc6"):
        links = {link[3:]: int(link[1:3]) for link in bt.rc_order(run, level) if re.fullmatch(r"K\d\d\S+", link)}
        assert links["r53hook"] < links["networking"], (level, links)


@every_boot
def test_every_check_of_scripts_boot_test_passes(run: bt.BootRun):
    assert bt.problems(run) == []
