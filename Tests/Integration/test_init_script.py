"""The init script (init.d/r53hook), run for real. The install script, the static checks and
the IAM policy have their own files: test_install.py, test_static_files.py, test_iam_policy.py.

The init script runs under every POSIX shell found here (dash, bash), with
R53HOOK_BIN pointing at a stub that records its arguments and part of its
environment and exits with a chosen code, and with PATH reduced to a handful
of tools (plus, in some tests, a fake `logger`), so nothing depends on the
machine's own init system, syslog or /etc/init.d/functions.

Run: python3 -m pytest Tests/Integration/test_init_script.py -q
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INIT = ROOT / "init.d" / "r53hook"

SHELLS = [s for s in ("/bin/dash", "/bin/bash") if os.access(s, os.X_OK)]

# The only external commands the init script may need besides logger (stat: the
# config file's owner and mode, checked before it is sourced).
BASIC_TOOLS = ("touch", "rm", "mkdir", "cat", "stat")

# What the stub reports about its environment: exported config keys and two
# variables that must NOT reach it unless the config exports them.
RECORDED_VARS = (
    "R53HOOK_ZONE_ID",
    "R53HOOK_NAME",
    "R53HOOK_TTL",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_ROUTE_53",
    "R53HOOK_CREATE_FIRST",
)

STUB = """#!/bin/sh
# Fake r53hook: one JSON line per call into $STUB_LOG, then exit $STUB_EXIT.
{
  printf '{"argv": "%s"' "$*"
  for v in {vars}; do
    eval "set_=\\${$v+set}; val_=\\${$v-}"
    if [ "$set_" = set ]; then printf ', "%s": "%s"' "$v" "$val_"; fi
  done
  if [ -e "$R53HOOK_LOCKDIR/r53hook" ]; then printf ', "lock": true'; else printf ', "lock": false'; fi
  printf '}\\n'
} >>"$STUB_LOG"
echo "stub stdout: $1"
echo "stub stderr: $1" >&2
exit "${STUB_EXIT:-0}"
""".replace("{vars}", " ".join(RECORDED_VARS))

FAKE_LOGGER = """#!/bin/sh
# Fake logger: its arguments, one line per call, to $LOGGER_ARGS; stdin (or the
# message argument) to $LOGGER_INPUT. Exits $LOGGER_EXIT without reading when set.
printf '%s\\n' "$*" >>"$LOGGER_ARGS"
if [ -n "${LOGGER_EXIT:-}" ]; then echo "logger: cannot reach syslog" >&2; exit "$LOGGER_EXIT"; fi
last=
for a in "$@"; do last=$a; done
case " $* " in
  *" -- "*) printf '%s\\n' "$last" >>"$LOGGER_INPUT" ;;
  *) cat >>"$LOGGER_INPUT" ;;
esac
"""

CONFIG = """# test config, sourced by the init script
R53HOOK_ZONE_ID=Z0TESTZONE
R53HOOK_NAME=www.example.com
R53HOOK_TTL=60
AWS_REGION=eu-west-1
"""


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


class Env:
    """A sandbox: stub binary, config file, lock dir, PATH, fake logger."""

    def __init__(self, tmp: Path, shell: str):
        self.tmp = tmp
        self.shell = shell
        self.stub = tmp / "bin" / "r53hook"
        self.stub.parent.mkdir()
        self.stub.write_text(STUB)
        self.stub.chmod(0o755)
        self.calls_file = tmp / "calls.jsonl"
        self.config = tmp / "r53hook.conf"
        self.config.write_text(CONFIG)
        self.lockdir = tmp / "lock"
        self.lockfile = self.lockdir / "r53hook"
        self.tools = tmp / "tools"
        self.tools.mkdir()
        for tool in BASIC_TOOLS:
            found = shutil.which(tool)
            assert found, f"{tool} is needed to run these tests"
            (self.tools / tool).symlink_to(found)
        self.fakebin = tmp / "fakebin"
        self.fakebin.mkdir()
        self.logger_args = tmp / "logger.args"
        self.logger_input = tmp / "logger.input"
        self.use_logger = False

    def install_fake_logger(self) -> None:
        logger = self.fakebin / "logger"
        logger.write_text(FAKE_LOGGER)
        logger.chmod(0o755)
        self.use_logger = True

    def run(self, *args: str, exit_code: int = 0, **extra: str) -> Result:
        path = [str(self.tools)]
        if self.use_logger:
            path.insert(0, str(self.fakebin))
        env = {
            "PATH": os.pathsep.join(path),
            "R53HOOK_BIN": str(self.stub),
            "R53HOOK_SYSCONFIG": str(self.config),
            "R53HOOK_LOCKDIR": str(self.lockdir),
            "STUB_LOG": str(self.calls_file),
            "STUB_EXIT": str(exit_code),
            "LOGGER_ARGS": str(self.logger_args),
            "LOGGER_INPUT": str(self.logger_input),
            # Not exported by the config: must not be set unless inherited.
        }
        env.update(extra)
        proc = subprocess.run(
            [self.shell, str(INIT), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            cwd=self.tmp,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def calls(self) -> list[dict]:
        if not self.calls_file.exists():
            return []
        return [json.loads(line) for line in self.calls_file.read_text().splitlines()]


@pytest.fixture(params=SHELLS, ids=[Path(s).name for s in SHELLS])
def env(request, tmp_path: Path) -> Env:
    return Env(tmp_path, request.param)


# --- start / stop -------------------------------------------------------------


def test_start_runs_binary_with_start_and_exported_config(env: Env):
    result = env.run("start")
    assert result.code == 0, result.stderr
    [call] = env.calls()
    assert call["argv"] == "start"
    # Sourced with set -a: plain KEY=value lines reach the binary's environment.
    assert call["R53HOOK_ZONE_ID"] == "Z0TESTZONE"
    assert call["R53HOOK_NAME"] == "www.example.com"
    assert call["R53HOOK_TTL"] == "60"
    assert call["AWS_REGION"] == "eu-west-1"
    assert "AWS_ENDPOINT_URL_ROUTE_53" not in call
    assert env.lockfile.exists()


def test_start_creates_first_at_boot_unless_the_file_says_otherwise(env: Env):
    # A boot's record should not exist yet: one CREATE instead of two reads and the change.
    assert env.run("start").code == 0
    assert env.run("stop").code == 0
    env.config.write_text(CONFIG + "R53HOOK_CREATE_FIRST=false\n")
    assert env.run("start").code == 0
    first, stop, second = env.calls()
    assert first["R53HOOK_CREATE_FIRST"] == "true"
    assert "R53HOOK_CREATE_FIRST" not in stop, stop  # only start creates
    assert second["R53HOOK_CREATE_FIRST"] == "false"


def test_lock_is_taken_before_the_binary_runs(env: Env):
    # RHEL's rc only runs the stop at shutdown when the lock exists; a start
    # that dies after its change reached Route 53 must still be undone.
    env.run("start")
    [call] = env.calls()
    assert call["lock"] is True


def test_stop_runs_binary_with_stop_and_removes_lock(env: Env):
    env.lockdir.mkdir()
    env.lockfile.touch()
    result = env.run("stop")
    assert result.code == 0, result.stderr
    [call] = env.calls()
    assert call["argv"] == "stop"
    assert call["R53HOOK_ZONE_ID"] == "Z0TESTZONE"
    assert not env.lockfile.exists()


@pytest.mark.parametrize("code", [69, 70, 75, 77])
def test_start_failure_passes_exit_code_and_keeps_lock(env: Env, code: int):
    # The change may have reached Route 53 before the failure: keep the lock
    # so the stop at shutdown removes the record.
    result = env.run("start", exit_code=code)
    assert result.code == code
    assert env.lockfile.exists()


@pytest.mark.parametrize("code", [64, 78])
def test_start_refused_before_any_aws_call_gives_lock_back(env: Env, code: int):
    result = env.run("start", exit_code=code)
    assert result.code == code
    assert not env.lockfile.exists()


@pytest.mark.parametrize("code", [69, 75, 77, 78])
def test_stop_failure_passes_exit_code_and_keeps_lock(env: Env, code: int):
    env.lockdir.mkdir()
    env.lockfile.touch()
    result = env.run("stop", exit_code=code)
    assert result.code == code
    assert env.lockfile.exists(), "the stop at shutdown must get another chance"


def test_missing_binary_is_lsb_not_installed(env: Env):
    result = env.run("start", R53HOOK_BIN=str(env.tmp / "nope"))
    assert result.code == 5
    assert "nope" in result.stderr
    assert not env.lockfile.exists()


def test_lock_dir_is_created(env: Env):
    nested = env.tmp / "a" / "b"
    result = env.run("start", R53HOOK_LOCKDIR=str(nested))
    assert result.code == 0, result.stderr
    assert (nested / "r53hook").exists()


# --- configuration ------------------------------------------------------------


def test_unreadable_config_is_lsb_not_configured(env: Env):
    result = env.run("start", R53HOOK_SYSCONFIG=str(env.tmp / "missing.conf"))
    assert result.code == 6
    assert "missing.conf" in result.stderr
    assert env.calls() == []


def test_empty_sysconfig_means_no_config_file(env: Env):
    result = env.run("start", R53HOOK_SYSCONFIG="")
    assert result.code == 0, result.stderr
    [call] = env.calls()
    assert "R53HOOK_ZONE_ID" not in call


def test_config_overrides_inherited_environment(env: Env):
    # The file is sourced, so its values replace the caller's for the binary.
    result = env.run("start", R53HOOK_ZONE_ID="ZFROMENV", AWS_ENDPOINT_URL_ROUTE_53="http://x")
    assert result.code == 0
    [call] = env.calls()
    assert call["R53HOOK_ZONE_ID"] == "Z0TESTZONE"
    assert call["AWS_ENDPOINT_URL_ROUTE_53"] == "http://x"


# --- logging ------------------------------------------------------------------


def test_output_goes_to_logger_when_present(env: Env):
    env.install_fake_logger()
    result = env.run("start")
    assert result.code == 0
    logged = env.logger_input.read_text()
    assert "stub stdout: start" in logged
    assert "stub stderr: start" in logged
    assert "start: done" in logged
    args = env.logger_args.read_text().splitlines()
    assert all("-t r53hook" in a for a in args)
    assert any("-p daemon.info" in a for a in args)
    # Nothing of the binary's output bypasses the log.
    assert "stub" not in result.stdout


def test_failure_summary_is_logged_as_error_and_code_kept(env: Env):
    env.install_fake_logger()
    result = env.run("stop", exit_code=77)
    assert result.code == 77
    args = env.logger_args.read_text()
    assert "-p daemon.err" in args
    assert "access denied" in env.logger_input.read_text()


def test_output_goes_to_stderr_without_logger(env: Env):
    assert shutil.which("logger", path=str(env.tools)) is None
    result = env.run("start", exit_code=75)
    assert result.code == 75
    assert "stub stdout: start" in result.stderr
    assert "stub stderr: start" in result.stderr
    assert "r53hook: start failed" in result.stderr
    assert result.stdout == ""


def test_logger_that_cannot_reach_syslog_falls_back_to_stderr(env: Env):
    env.install_fake_logger()
    result = env.run("start", exit_code=69, LOGGER_EXIT="1")
    assert result.code == 69
    assert "stub stdout: start" in result.stderr
    assert "stub stderr: start" in result.stderr


def test_does_not_use_init_functions():
    # It must run where /etc/init.d/functions does not exist (Debian), which
    # every test here does with PATH reduced to a few tools.
    code = [line for line in INIT.read_text().splitlines() if not line.lstrip().startswith("#")]
    assert not any("init.d/functions" in line or "init-functions" in line for line in code)


# --- status, other actions, usage ----------------------------------------------


def test_status_started_here(env: Env):
    env.lockdir.mkdir()
    env.lockfile.touch()
    result = env.run("status")
    assert result.code == 0
    assert "stub stdout: status" in result.stdout
    assert [c["argv"] for c in env.calls()] == ["status"]


def test_status_not_started(env: Env):
    result = env.run("status")
    assert result.code == 3
    assert "not started" in result.stdout


@pytest.mark.parametrize("code", [69, 75, 77, 78])
def test_status_unknown_when_binary_fails(env: Env, code: int):
    env.lockdir.mkdir()
    env.lockfile.touch()
    result = env.run("status", exit_code=code)
    assert result.code == 4
    assert f"exit code {code}" in result.stdout


def test_status_unknown_when_binary_missing(env: Env):
    result = env.run("status", R53HOOK_BIN=str(env.tmp / "nope"))
    assert result.code == 4


def test_restart_stops_then_starts(env: Env):
    env.lockdir.mkdir()
    env.lockfile.touch()
    result = env.run("restart")
    assert result.code == 0, result.stderr
    assert [c["argv"] for c in env.calls()] == ["stop", "start"]
    assert env.lockfile.exists()


def test_try_restart_does_nothing_when_not_started(env: Env):
    for action in ("try-restart", "condrestart"):
        assert env.run(action).code == 0
    assert env.calls() == []


def test_reload_starts_again_only_when_started(env: Env):
    assert env.run("reload").code == 7
    assert env.calls() == []
    env.lockdir.mkdir()
    env.lockfile.touch()
    assert env.run("force-reload").code == 0
    assert [c["argv"] for c in env.calls()] == ["start"]


@pytest.mark.parametrize("args", [("bogus",), ()], ids=["unknown", "none"])
def test_unknown_action_prints_usage_and_exits_2(env: Env, args):
    result = env.run(*args)
    assert result.code == 2
    assert "Usage:" in result.stderr
    assert env.calls() == []


def test_headers_for_chkconfig_and_lsb():
    text = INIT.read_text()
    assert re.search(r"^# chkconfig: 2345 99 10$", text, re.M)
    assert re.search(r"^# description: \S", text, re.M)
    block = re.search(r"^### BEGIN INIT INFO$(.*?)^### END INIT INFO$", text, re.M | re.S)
    assert block, "LSB header missing"
    fields = dict(
        re.match(r"# ([A-Za-z-]+):\s*(.*)", line).groups()
        for line in block.group(1).strip().splitlines()
        if re.match(r"# [A-Za-z-]+:", line)
    )
    assert fields["Provides"] == "r53hook"
    for facility in ("$network", "$remote_fs", "$syslog"):
        assert facility in fields["Required-Start"].split()
        assert facility in fields["Required-Stop"].split()
    assert "$named" in fields["Should-Start"].split()
    assert fields["Default-Start"].split() == ["2", "3", "4", "5"]
    assert fields["Default-Stop"].split() == ["0", "1", "6"]
    assert fields["Short-Description"]
    assert INIT.stat().st_mode & stat.S_IXUSR


# --- the real binary against the local AWS ------------------------------------------


def test_init_script_runs_the_real_binary_against_the_local_aws(aws, tmp_path: Path):
    """start, status and stop through the init script, with the real r53hook and only
    the config file (R53HOOK_* and AWS_* endpoints) telling it where to go."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in BASIC_TOOLS:
        (tools / tool).symlink_to(shutil.which(tool))
    config = tmp_path / "sysconfig-r53hook"
    config.write_text(
        "# written by the test, sourced by the init script\n"
        f"R53HOOK_ZONE_ID={aws.zone_id}\n"
        "R53HOOK_NAME=www.example.com\n"
        "R53HOOK_TTL=1\n"
        "R53HOOK_DRAIN_EXTRA=0\n"
        f"AWS_ENDPOINT_URL={aws.endpoint}\n"
        f"AWS_EC2_METADATA_SERVICE_ENDPOINT={aws.instance['imds_endpoint']}\n"
    )
    lockdir = tmp_path / "lock"
    env = {
        "PATH": str(tools),  # no logger: output goes to stderr
        "HOME": str(aws.home),
        "R53HOOK_BIN": str(aws.binary),
        "R53HOOK_SYSCONFIG": str(config),
        "R53HOOK_LOCKDIR": str(lockdir),
    }

    def init(action: str) -> subprocess.CompletedProcess:
        return subprocess.run(["/bin/sh", str(INIT), action], env=env, capture_output=True, text=True,
                              timeout=60, cwd=tmp_path)

    started = init("start")
    assert started.returncode == 0, started.stdout + started.stderr
    assert aws.records() == aws.pair(ttl=1)
    assert (lockdir / "r53hook").exists()
    assert "start: done" in started.stderr

    status = init("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert aws.instance["instance_id"] in status.stdout
    assert aws.instance["public_ipv4"] in status.stdout
    assert "started on this host" in status.stdout

    stopped = init("stop")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert aws.records() == []
    assert not (lockdir / "r53hook").exists()
    assert "draining for 1 s" in stopped.stderr and "stop: done" in stopped.stderr

    after = init("status")
    assert after.returncode == 3, after.stdout + after.stderr
    assert "not registered" in after.stdout
