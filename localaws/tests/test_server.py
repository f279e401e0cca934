"""Starting and stopping the local AWS, as scripts and the demo do."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

import requests

from localaws.launcher import LocalAWSProcess

from .conftest import REPO, LocalAWS


def test_prints_one_json_line_then_serves_and_stops_on_sigterm() -> None:
    launched = LocalAWSProcess()
    proc, info = launched.proc, launched.info
    try:
        assert set(info) == {"endpoint", "control", "region", "admin"}
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", info["endpoint"])
        assert info["control"] == info["endpoint"] + "/_localaws"
        assert info["region"] == "us-east-1"
        assert set(info["admin"]) == {"access_key_id", "secret_access_key"}
        LocalAWS(info).client("route53").list_hosted_zones_by_name()
        # Instances with their own IMDS ports must not hold up the exit.
        requests.post(info["control"] + "/instances", json={}, timeout=30).raise_for_status()
    finally:
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        elapsed = time.monotonic() - start
    assert elapsed < 3, elapsed
    assert proc.stdout is not None and proc.stdout.read() == b""  # nothing after the JSON line


def test_sigint_exits_zero() -> None:
    launched = LocalAWSProcess()
    launched.proc.send_signal(signal.SIGINT)
    assert launched.proc.wait(timeout=10) == 0
    launched.stop()


def test_wrapper_script_and_fixed_port() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(REPO / "scripts" / "local-aws"), "--port", str(port), "--no-auth"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["endpoint"] == f"http://127.0.0.1:{port}"
        # --no-auth accepts any signature.
        LocalAWS(info).client("route53", secret="z" * 40).list_hosted_zones_by_name()
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_bad_arguments_fail_fast() -> None:
    r = subprocess.run([sys.executable, "-m", "localaws", "--throttle-rps", "0"], cwd=REPO,
                       capture_output=True, timeout=30)
    assert r.returncode == 2 and r.stdout == b""
