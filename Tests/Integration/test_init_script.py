"""The init script, the install script and the static checker, run for real.

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
INSTALL = ROOT / "scripts" / "install.sh"
CHECK_STATIC = ROOT / "scripts" / "check-static"
SAMPLE = ROOT / "etc" / "r53hook.conf.example"
POLICY = ROOT / "etc" / "iam-policy.json"

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


def test_lock_is_taken_before_the_binary_runs(env: Env):
    # RHEL's rc only runs the stop at shutdown when the lock exists; a start
    # that dies after the UPSERT must still be undone.
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
    # The UPSERT may have reached Route 53 before the failure: keep the lock
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
    code = [l for l in INIT.read_text().splitlines() if not l.lstrip().startswith("#")]
    assert not any("init.d/functions" in l or "init-functions" in l for l in code)


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


def test_reload_upserts_in_place_only_when_started(env: Env):
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
        re.match(r"# ([A-Za-z-]+):\s*(.*)", l).groups()
        for l in block.group(1).strip().splitlines()
        if re.match(r"# [A-Za-z-]+:", l)
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


# --- the sample config and the IAM policy ----------------------------------------

# Every key the binary reads (from its own list in SettingKey.swift), and the AWS variables.
SETTING_KEYS_SOURCE = ROOT / "Sources" / "R53HookKit" / "Settings" / "SettingKey.swift"
CONFIG_KEYS = sorted(set(re.findall(r'= "(R53HOOK_[A-Z0-9_]+)"', SETTING_KEYS_SOURCE.read_text()))) + (
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
        l for l in SAMPLE.read_text().splitlines() if l.strip() and not l.startswith("#")
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
    seen = dict(l.split("=", 1) for l in out.stdout.splitlines() if "=" in l)
    for key, value in pairs.items():
        assert seen.get(key) == value


def test_iam_policy_is_least_privilege():
    policy = json.loads(POLICY.read_text())
    grants = {}
    for st in policy["Statement"]:
        assert st["Effect"] == "Allow"
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        for action in actions:
            grants[action] = (st["Resource"], st.get("Condition"))
    zone = "arn:aws:route53:::hostedzone/ZONEID_PLACEHOLDER"
    assert set(grants) == {
        "route53:ChangeResourceRecordSets",
        "route53:ListResourceRecordSets",
        "route53:GetHostedZone",
        "route53:GetChange",
        "route53:ListHostedZonesByName",
        "ec2:DescribeInstances",
    }
    assert grants["route53:ChangeResourceRecordSets"][0] == zone
    cond = grants["route53:ChangeResourceRecordSets"][1]["ForAllValues:StringLike"]
    # Compare-and-swap batches only (no blind UPSERT), on the record, its registry mark and the
    # zone's r53hook locks: nothing else in the zone can be written.
    assert cond["route53:ChangeResourceRecordSetsActions"] == ["CREATE", "DELETE"]
    assert cond["route53:ChangeResourceRecordSetsNormalizedRecordNames"] == [
        "RECORD_NAME_PLACEHOLDER", "_r53hook-*.RECORD_NAME_PLACEHOLDER", "*._r53hook-lock.*"]
    assert cond["route53:ChangeResourceRecordSetsRecordTypes"] == ["A", "AAAA", "TXT"]
    assert grants["route53:ListResourceRecordSets"][0] == zone
    assert grants["route53:GetHostedZone"][0] == zone
    assert grants["route53:GetChange"][0] == "arn:aws:route53:::change/*"
    assert grants["route53:ListHostedZonesByName"][0] == "*"
    # sweep: DescribeInstances supports no resource-level permissions.
    assert grants["ec2:DescribeInstances"] == ("*", None)


# --- install.sh -----------------------------------------------------------------

EXPECTED_FILES = {
    "usr/local/bin/r53hook": 0o755,
    "etc/systemd/system/r53hook.service": 0o644,
    "etc/init.d/r53hook": 0o755,
    "usr/local/share/r53hook/iam-policy.json": 0o644,
    "usr/local/share/r53hook/systemd-examples/myapp.service.d/r53hook.conf": 0o644,
}


def run_install(tmp: Path, destdir: Path, confdir: str) -> subprocess.CompletedProcess:
    fake = tmp / "fake-r53hook"
    fake.write_text("#!/bin/sh\necho fake r53hook\n")
    fake.chmod(0o755)
    env = dict(os.environ)
    env.update(
        R53HOOK_SKIP_BUILD="1", R53HOOK_BINARY=str(fake), R53HOOK_CONFDIR=confdir
    )
    return subprocess.run(
        ["bash", str(INSTALL), str(destdir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("confdir", ["etc/sysconfig", "etc/default"])
def test_install_into_destdir(tmp_path: Path, confdir: str):
    dest = tmp_path / "root"
    proc = run_install(tmp_path, dest, confdir)
    assert proc.returncode == 0, proc.stderr
    for rel, want in EXPECTED_FILES.items():
        assert mode(dest / rel) == want, rel
    assert (dest / "usr/local/bin/r53hook").read_text() == "#!/bin/sh\necho fake r53hook\n"
    assert (dest / "etc/init.d/r53hook").read_bytes() == INIT.read_bytes()
    assert (dest / "etc/r53hook").is_dir()
    assert mode(dest / confdir / "r53hook.example") == 0o644
    assert (dest / confdir / "r53hook.example").read_bytes() == SAMPLE.read_bytes()
    # No real config yet: a private copy of the sample to edit.
    assert mode(dest / confdir / "r53hook") == 0o600
    assert "systemctl enable --now r53hook" in proc.stdout
    assert "chkconfig --add r53hook" in proc.stdout


def test_install_keeps_existing_config_and_is_idempotent(tmp_path: Path):
    dest = tmp_path / "root"
    real = dest / "etc/sysconfig/r53hook"
    real.parent.mkdir(parents=True)
    real.write_text("R53HOOK_ZONE_ID=ZMINE\n")
    real.chmod(0o640)
    for _ in range(2):
        proc = run_install(tmp_path, dest, "etc/sysconfig")
        assert proc.returncode == 0, proc.stderr
        assert real.read_text() == "R53HOOK_ZONE_ID=ZMINE\n"
        # The content is kept, the mode is not: root's alone (test_security_config.py).
        assert mode(real) == 0o600
        assert "untouched" in proc.stdout
    files = sorted(str(p.relative_to(dest)) for p in dest.rglob("*"))
    proc = run_install(tmp_path, dest, "etc/sysconfig")
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*")) == files


def _world_traversable(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not _world_traversable(ROOT),
    reason="needs root (to drop to an unprivileged user) and setpriv",
)
def test_install_into_destdir_as_unprivileged_user():
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="r53hook-install-"))
    try:
        base.chmod(0o777)
        fake = base / "fake-r53hook"
        fake.write_text("#!/bin/sh\n")
        fake.chmod(0o755)
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             "bash", str(INSTALL), str(base / "root")],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "R53HOOK_BINARY": str(fake),
                 "R53HOOK_CONFDIR": "etc/sysconfig"},
            capture_output=True, text=True, timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        for rel, want in EXPECTED_FILES.items():
            assert mode(base / "root" / rel) == want, rel
            assert (base / "root" / rel).stat().st_uid == 65534
    finally:
        shutil.rmtree(base)


def test_install_fails_clearly_without_a_binary(tmp_path: Path):
    env = dict(os.environ, R53HOOK_BINARY=str(tmp_path / "none"))
    proc = subprocess.run(
        ["bash", str(INSTALL), str(tmp_path / "root")], env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "no executable binary" in proc.stderr
    assert not (tmp_path / "root").exists()


def test_installed_init_script_runs_installed_binary(tmp_path: Path):
    dest = tmp_path / "root"
    assert run_install(tmp_path, dest, "etc/sysconfig").returncode == 0
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in BASIC_TOOLS:
        (tools / tool).symlink_to(shutil.which(tool))
    proc = subprocess.run(
        ["/bin/sh", str(dest / "etc/init.d/r53hook"), "start"],
        env={
            "PATH": str(tools),
            "R53HOOK_BIN": str(dest / "usr/local/bin/r53hook"),
            "R53HOOK_SYSCONFIG": str(dest / "etc/sysconfig/r53hook"),
            "R53HOOK_LOCKDIR": str(tmp_path / "lock"),
        },
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "fake r53hook" in proc.stderr


# --- check-static itself ----------------------------------------------------------

needs_checkers = pytest.mark.skipif(
    not (shutil.which("shellcheck") and shutil.which("systemd-analyze")),
    reason="shellcheck and systemd-analyze are needed",
)


def copy_checked_tree(dest: Path) -> None:
    for rel in ("scripts/check-static", "init.d/r53hook"):
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
