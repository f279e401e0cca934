"""init.d/r53hook-watch: the init script's watch mode (chkconfig machines): start runs the real
`r53hook watch` as a daemon with a pid file beside the lock, status names it, stop sends SIGTERM
and waits while it leaves (record gone, drain done), a second start does not start a second one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from harness import World
from watchkit import wait_until

ROOT = Path(__file__).resolve().parents[2]
INIT = ROOT / "init.d" / "r53hook"
WATCH_INIT = ROOT / "init.d" / "r53hook-watch"
TOOLS = ("touch", "rm", "mkdir", "cat", "stat", "sleep", "tr", "setsid")


def test_watch_init_script_has_its_own_headers():
    text = WATCH_INIT.read_text()
    assert re.search(r"^# Provides:\s+r53hook-watch$", text, re.M)
    assert re.search(r"^# chkconfig: 2345 99 10$", text, re.M)
    assert WATCH_INIT.stat().st_mode & 0o111


def test_watch_mode_runs_the_daemon_and_stop_waits_for_its_leave(aws: World, tmp_path: Path):
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (tools / tool).symlink_to(found)
    config = tmp_path / "sysconfig-r53hook"
    config.write_text(
        f"R53HOOK_ZONE_ID={aws.zone_id}\nR53HOOK_NAME=www.example.com\nR53HOOK_TTL=2\nR53HOOK_DRAIN_EXTRA=0\n"
        f"R53HOOK_POLL_INTERVAL=1\nAWS_ENDPOINT_URL={aws.endpoint}\n"
        f"AWS_EC2_METADATA_SERVICE_ENDPOINT={aws.instance['imds_endpoint']}\n")
    os.chmod(config, 0o600)
    lockdir = tmp_path / "lock"
    log = tmp_path / "watch.log"
    env = {"PATH": str(tools), "HOME": str(aws.home), "RUNTIME_DIRECTORY": str(aws.home),
           "R53HOOK_BIN": str(aws.binary), "R53HOOK_SYSCONFIG": str(config), "R53HOOK_LOCKDIR": str(lockdir),
           "R53HOOK_INIT_SCRIPT": str(INIT), "R53HOOK_WATCH_LOG": str(log)}

    def init(action: str) -> subprocess.CompletedProcess:
        return subprocess.run(["/bin/sh", str(WATCH_INIT), action], env=env, capture_output=True, text=True,
                              timeout=60, cwd=tmp_path)

    started = init("start")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        pid = int((lockdir / "r53hook-watch.pid").read_text())
        assert (lockdir / "r53hook-watch").exists()
        assert wait_until(lambda: aws.records() == aws.pair(ttl=2), 10) is not None, log.read_text()
        again = init("start")
        assert again.returncode == 0 and f"already running (pid {pid})" in again.stderr, again.stderr
        status = init("status")
        assert status.returncode == 0 and f"r53hook watch running (pid {pid})" in status.stdout, status.stdout
        began = time.monotonic()
        stopped = init("stop")
        took = time.monotonic() - began
    finally:
        if (lockdir / "r53hook-watch.pid").exists():
            subprocess.run(["kill", "-9", (lockdir / "r53hook-watch.pid").read_text().strip()], check=False)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert "stop: done" in stopped.stderr
    assert took >= 2, "stop returned before the watch's drain (TTL 2 s) was over"
    assert aws.records() == []
    assert not (lockdir / "r53hook-watch").exists() and not (lockdir / "r53hook-watch.pid").exists()
    assert "drain complete" in log.read_text()
    after = init("status")
    assert after.returncode == 3 and "not running" in after.stdout, after.stdout
