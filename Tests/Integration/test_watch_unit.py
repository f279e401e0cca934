"""systemd/r53hook-watch.service, read as a file and checked with systemd-analyze when present:
Type=notify, the same configuration as r53hook.service, never beside it, restarted on failure
with a watchdog, its runtime directory for the heartbeat memo and the lifecycle ledger."""

from __future__ import annotations

import subprocess
from pathlib import Path

from test_systemd_units import copy_checked_tree, needs_checkers, unit, words


def test_watch_unit_is_notify_and_conflicts_with_r53hook_service():
    u = unit("r53hook-watch.service")
    service = u["Service"]
    assert service["Type"] == ["notify"]
    assert service["ExecStart"] == ["/usr/local/bin/r53hook watch"]
    assert service["EnvironmentFile"] == ["-/etc/sysconfig/r53hook", "-/etc/default/r53hook"]
    assert set(words(u["Unit"]["Conflicts"])) == {"r53hook.service", "r53hook-heartbeat.timer"}
    assert "network-online.target" in words(u["Unit"]["After"])
    assert service["RuntimeDirectory"] == ["r53hook"] and service["RuntimeDirectoryPreserve"] == ["yes"]
    assert service["Restart"] == ["on-failure"] and service["WatchdogSec"] == ["60"]
    assert u["Install"]["WantedBy"] == ["multi-user.target"]


@needs_checkers
def test_check_static_verifies_the_watch_unit(tmp_path: Path):
    copy_checked_tree(tmp_path)
    proc = subprocess.run(["bash", str(tmp_path / "scripts/check-static")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok    systemd-analyze verify systemd/r53hook-watch.service" in proc.stdout, proc.stdout
