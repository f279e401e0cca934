"""A start cut short leaves nothing behind. At a shutdown during the boot, systemd answers with
SIGTERM to a start that still waits (for INSYNC, for a healthy load balancer) and runs no
ExecStop=, since the unit never became active: start must leave again itself."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from harness import World


def wait_for(predicate, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_waiting_for_insync_leaves_again_and_exits_75(aws: World, sig: signal.Signals):
    aws.insync_delay(30)
    proc = aws.popen("start", "--ttl", "1")
    try:
        assert wait_for(lambda: len(aws.records()) == 2), "the record and its mark never appeared"
        time.sleep(0.3)  # start is now polling for INSYNC
        proc.send_signal(sig)
        aws.insync_delay(0.2)  # the leave's own change becomes INSYNC quickly
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 75, (proc.returncode, err)
    assert f"{sig.name} while joining: leaving again" in err, err
    assert "draining for" in err, err
    assert aws.records() == [], aws.records()


def test_a_signal_before_any_change_changes_nothing(aws: World):
    # Route 53 answers slowly: the signal comes while start reads the zone, before any change.
    aws.faults(slow_ms=2000)
    proc = aws.popen("start", "--ttl", "1", "--debug")
    lines: list[str] = []
    assert proc.stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        assert wait_for(lambda: any("-> GET" in line and "hostedzone" in line for line in lines)), lines
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        reader.join(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        aws.clear_faults()
    err = "".join(lines)
    assert proc.returncode == 75, (proc.returncode, err[-2000:])
    assert "SIGTERM while joining: leaving again" in err
    assert aws.route53_calls().get("ChangeResourceRecordSets", 0) == 0
    assert aws.records() == []


def test_a_start_left_alone_is_not_affected(aws: World):
    run = aws.run("start", "--no-wait")
    assert run.code == 0, run.describe()
    assert "leaving again" not in run.stderr
    assert len(aws.records()) == 2
