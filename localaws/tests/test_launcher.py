"""localaws/launcher.py and python3 -m localaws.launch: the one way the tests and scripts start
and stop the local AWS."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from localaws.launcher import LaunchError, LocalAWSProcess

REPO = Path(__file__).resolve().parents[2]


def gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_starts_on_a_free_port_answers_and_stops_cleanly() -> None:
    with LocalAWSProcess(insync_delay=0, verbose=True) as first, LocalAWSProcess(insync_delay=0) as second:
        assert first.endpoint.startswith("http://127.0.0.1:") and first.endpoint != second.endpoint
        assert first.control_url == first.endpoint + "/_localaws"
        assert first.region == "us-east-1" and first.admin["access_key_id"]
        assert first.control("GET", "/stats")["requests"] == {"imds": 0}
        instance = first.control("POST", "/instances", {})
        assert instance["instance_id"].startswith("i-")
        assert "POST /_localaws/instances" in first.log_text()
        log = first.log
    assert first.proc.returncode == 0 and second.proc.returncode == 0
    assert not log.exists()  # its own temporary log goes with it


def test_a_control_call_it_refuses_is_a_launch_error() -> None:
    with LocalAWSProcess(insync_delay=0) as local, pytest.raises(LaunchError, match="404"):
        local.control("GET", "/nothing-here")


def test_a_server_that_does_not_start_is_a_launch_error_with_its_stderr(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'No module named moto' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(LaunchError) as err:
        LocalAWSProcess(python=str(fake))
    assert "exited with status 3" in str(err.value)
    assert "No module named moto" in str(err.value)
    assert "scripts/setup" in str(err.value)


def test_a_given_log_is_kept(tmp_path: Path) -> None:
    log = tmp_path / "localaws.log"
    with LocalAWSProcess(insync_delay=0, verbose=True, log_path=log) as local:
        local.control("GET", "/stats")
    assert "GET /_localaws/stats" in log.read_text()


def test_launch_prints_four_words_and_stops_at_end_of_stdin() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "localaws.launch", "--insync-delay", "0"], cwd=REPO,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        endpoint, control, key, secret = proc.stdout.readline().split()
        assert control == endpoint + "/_localaws" and key and secret
        server = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(server) == 1
        proc.stdin.close()
        assert proc.wait(timeout=15) == 0
        assert gone(int(server[0]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
