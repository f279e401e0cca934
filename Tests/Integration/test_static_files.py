"""Static checks of the shipped files, run for real: the sample config (etc/r53hook.conf.example)
against the keys the binary reads, and scripts/check-static itself (ShellCheck, systemd-analyze
verify, ruff) on a copy of the tree.

Moved from test_init_script.py. Run: python3 -m pytest Tests/Integration/test_static_files.py -q
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "etc" / "r53hook.conf.example"

# Every key the binary reads (from its settings table), but R53HOOK_CONFIG (which names the
# file itself), and the AWS variables.
SETTING_KEYS_SOURCE = ROOT / "Sources" / "R53HookCLI" / "Settings" / "SettingsTable.swift"
TABLE_KEYS = set(re.findall(r'environment: "(R53HOOK_[A-Z0-9_]+)"', SETTING_KEYS_SOURCE.read_text()))
CONFIG_KEYS = sorted(TABLE_KEYS - {"R53HOOK_CONFIG"}) + (
    "AWS_REGION AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ROUTE_53 AWS_EC2_METADATA_SERVICE_ENDPOINT"
).split()

DEFAULTS = {
    "R53HOOK_HEALTHY_TIMEOUT": "300",
    "R53HOOK_QUORUM_INTERVAL": "5",
    "R53HOOK_QUORUM_TIMEOUT": "60",
    "R53HOOK_ON_NO_QUORUM": "proceed",
    "R53HOOK_HOLD_FILE": "/etc/r53hook/hold",
    "R53HOOK_TYPE": "A",
    "R53HOOK_TTL": "60",
    "R53HOOK_WEIGHT": "10",
    "R53HOOK_DEADLINE": "300",
    "R53HOOK_DRAIN_EXTRA": "5",
    "R53HOOK_ADOPT": "false",
    "R53HOOK_EXPIRY": "120",
    "R53HOOK_MAX_FRACTION": "0.5",
    "R53HOOK_LOCK_LEASE": "30",
}


def sample_assignments() -> dict[str, str]:
    pairs = {}
    for line in SAMPLE.read_text().splitlines():
        m = re.match(r"^#([A-Z][A-Z0-9_]*)=(.*)$", line)
        if m:
            pairs[m.group(1)] = m.group(2)
    return pairs


def test_sample_config_lists_every_key_with_its_default():
    pairs = sample_assignments()
    for key in CONFIG_KEYS:
        assert key in pairs, f"{key} missing from {SAMPLE.name}"
    for key, value in DEFAULTS.items():
        assert pairs[key] == value


def test_sample_config_reads_the_same_in_sh_and_systemd():
    # Nothing active by default: an unedited copy must not point anywhere.
    active = [
        line for line in SAMPLE.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    assert active == []
    # Every example value is in the syntax sh, systemd's EnvironmentFile and
    # r53hook --config all read the same: no quotes, $, backslashes, spaces.
    pairs = sample_assignments()
    for key, value in pairs.items():
        assert re.fullmatch(r"[A-Za-z0-9_.:/@=+,-]*", value), f"{key}={value!r}"
    # And sourcing it uncommented in sh yields exactly those values.
    uncommented = "\n".join(f"{k}={v}" for k, v in pairs.items())
    script = "set -a\n" + uncommented + "\nenv\n"
    out = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True, env={})
    seen = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    for key, value in pairs.items():
        assert seen.get(key) == value


# --- check-static itself ----------------------------------------------------------

needs_checkers = pytest.mark.skipif(
    not (shutil.which("shellcheck") and shutil.which("systemd-analyze")),
    reason="shellcheck and systemd-analyze are needed",
)


def copy_checked_tree(dest: Path) -> None:
    for rel in ("scripts/check-static", "init.d/r53hook", "ruff.toml"):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest / rel)
    shutil.copytree(ROOT / "systemd", dest / "systemd")


def run_check_static(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(tree / "scripts/check-static")], capture_output=True, text=True, timeout=120
    )


@needs_checkers
def test_check_static_passes_on_our_files_and_reports_counts(tmp_path: Path):
    copy_checked_tree(tmp_path)
    proc = run_check_static(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"check-static: \d+ passed, 0 failed", last)


@needs_checkers
def test_check_static_fails_on_a_shellcheck_finding_and_a_unit_warning(tmp_path: Path):
    copy_checked_tree(tmp_path)
    bad = tmp_path / "scripts" / "bad"
    bad.write_text("#!/bin/sh\necho $1\n")
    (tmp_path / "scripts" / "tool.py").write_text("#!/usr/bin/env python3\nprint(1)\n")
    unit = tmp_path / "systemd" / "r53hook.service"
    # systemd-analyze exits 0 on this; check-static must not.
    unit.write_text(unit.read_text().replace("[Service]", "[Service]\nTimeoutStopSec=forever"))
    proc = run_check_static(tmp_path)
    assert proc.returncode == 1
    assert "FAIL  shellcheck scripts/bad" in proc.stdout
    assert "tool.py" not in proc.stdout
    assert "FAIL  systemd-analyze verify systemd/r53hook.service" in proc.stdout
    # r53hook.service is verified twice: alone, and beside the examples.
    assert re.search(r"check-static: \d+ passed, [1-9]\d* failed$", proc.stdout.strip())


def _ruff_available() -> bool:
    if shutil.which("ruff"):
        return True
    return subprocess.run(["python3", "-m", "ruff", "--version"], capture_output=True).returncode == 0


@needs_checkers
@pytest.mark.skipif(not _ruff_available(), reason="ruff is needed (scripts/setup installs it)")
def test_check_static_runs_ruff_on_python_scripts_without_a_py_name(tmp_path: Path):
    copy_checked_tree(tmp_path)
    (tmp_path / "localaws").mkdir()
    (tmp_path / "localaws" / "clean.py").write_text('"""Clean."""\n')
    tool = tmp_path / "scripts" / "tool"
    tool.write_text("#!/usr/bin/env python3\nimport os\nprint(1)\n")  # F401: os is unused
    proc = run_check_static(tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "scripts/tool:2:8: F401" in proc.stdout
    assert "FAIL  ruff" in proc.stdout
    assert "shellcheck scripts/tool" not in proc.stdout
    tool.write_text("#!/usr/bin/env python3\nprint(1)\n")
    proc = run_check_static(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok    ruff (2 Python files)" in proc.stdout


def test_localaws_points_at_no_file_outside_the_repository():
    """localaws/ says itself what it corrects in moto: no pointer to the project's notes
    outside the repository (shared/reference/...) or to a path above the repository."""
    outside = []
    for path in sorted((ROOT / "localaws").rglob("*")):
        if path.suffix not in (".py", ".md", ".txt", ".json") or "__pycache__" in path.parts:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if "shared/reference" in line or "aws-semantics.md" in line or "../" in line:
                outside.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert outside == []
    assert "What it corrects" in (ROOT / "localaws" / "README.md").read_text()
