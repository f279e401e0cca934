"""Files and modes at run time (security issue, points 10 and 13).

- The init script's lock file lives in a directory that is root's alone: /var/lock/subsys when it
  exists and nobody else may write it (RHEL's rc looks there), else /run/r53hook, made 0700;
  never the world-writable /run/lock, where anyone could plant a symlink for root to touch.
- heartbeat's memo directory is made 0700 and checked; an unsafe one is skipped with a warning
  and the beat still lands. The heartbeat unit has systemd make the directory (0700) and keep it
  between the oneshot runs.
- r53hook makes itself undumpable first thing: no core file of a process holding AWS keys, and
  no other unprivileged process of the same user may read its memory.

Run: python3 -m pytest Tests/Integration/test_security_runtime.py -q -p no:cacheprovider
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest

from harness import World

ROOT = Path(__file__).resolve().parents[2]
INIT = ROOT / "init.d" / "r53hook"
SYSTEMD = ROOT / "systemd"
TOOLS = ("touch", "rm", "mkdir", "cat", "stat")
STUB = "#!/bin/sh\nexit 0\n"


def tools(tmp: Path) -> Path:
    folder = tmp / "tools"
    folder.mkdir(exist_ok=True)
    for tool in TOOLS:
        if not (folder / tool).exists():
            (folder / tool).symlink_to(shutil.which(tool))
    return folder


def stub(tmp: Path) -> Path:
    path = tmp / "stub-r53hook"
    path.write_text(STUB)
    path.chmod(0o755)
    return path


def init_env(tmp: Path, **extra: str) -> dict[str, str]:
    return {"PATH": str(tools(tmp)), "R53HOOK_BIN": str(stub(tmp)), "R53HOOK_SYSCONFIG": "", **extra}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# ------------------------------------------------------------------------ the init script's lock


@pytest.mark.parametrize("kind", ["world-writable", "group-writable", "symlink"])
def test_start_refuses_a_lock_directory_others_could_write(tmp_path: Path, kind: str):
    lockdir = tmp_path / "lock"
    if kind == "symlink":
        real = tmp_path / "real"
        real.mkdir(mode=0o700)
        lockdir.symlink_to(real)
    else:
        lockdir.mkdir()
        lockdir.chmod(0o1777 if kind == "world-writable" else 0o770)
    proc = subprocess.run(["/bin/sh", str(INIT), "start"], env=init_env(tmp_path, R53HOOK_LOCKDIR=str(lockdir)),
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 4, proc.stderr
    assert str(lockdir) in proc.stderr and "root's alone" in proc.stderr
    assert not (lockdir / "r53hook").exists()


needs_namespace = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("unshare")
    or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0,
    reason="needs root and unshare -m (a private /run for the default lock directory)")

# Runs in a private mount namespace with an empty tmpfs on /run (and on /var/lock when it is a
# directory of its own), so the machine's own lock directories are never touched.
NAMESPACE_SCRIPT = r"""
set -e
mount -t tmpfs tmpfs /run
if [ ! -L /var/lock ]; then mount -t tmpfs tmpfs /var/lock; fi
mkdir -p /run/lock && chmod 1777 /run/lock
case $SUBSYS in
  none) rm -rf /var/lock/subsys ;;
  root) mkdir -p /var/lock/subsys && chmod 0755 /var/lock/subsys ;;
  open) mkdir -p /var/lock/subsys && chmod 1777 /var/lock/subsys ;;
esac
PATH=$TOOLS /bin/sh "$INIT" start
for f in /var/lock/subsys/r53hook /run/lock/r53hook /var/lock/r53hook /run/r53hook/r53hook; do
  if [ -e "$f" ]; then echo "lock: $f"; fi
done
if [ -d /run/r53hook ]; then echo "dir: $(stat -c '%a %u' /run/r53hook)"; fi
"""


@needs_namespace
@pytest.mark.parametrize("subsys, lock", [
    ("none", "/run/r53hook/r53hook"),
    ("root", "/var/lock/subsys/r53hook"),
    ("open", "/run/r53hook/r53hook"),
], ids=["no-subsys", "subsys-root-only", "subsys-world-writable"])
def test_the_default_lock_is_in_a_root_only_directory(tmp_path: Path, subsys: str, lock: str):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TOOLS": str(tools(tmp_path)), "INIT": str(INIT),
           "SUBSYS": subsys, "R53HOOK_BIN": str(stub(tmp_path)), "R53HOOK_SYSCONFIG": ""}
    proc = subprocess.run(["unshare", "-m", "sh", "-c", NAMESPACE_SCRIPT], env=env, capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.findall(r"^lock: (.*)$", proc.stdout, re.M) == [lock], proc.stdout
    if lock.startswith("/run/r53hook/"):
        assert "dir: 700 0" in proc.stdout


# ------------------------------------------------------------------------ the heartbeat's memo


def unit_service(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    section = ""
    for raw in (SYSTEMD / name).read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_heartbeat_unit_has_systemd_make_and_keep_a_private_runtime_directory():
    service = unit_service("r53hook-heartbeat.service")
    assert service["RuntimeDirectory"] == ["r53hook"]
    assert service["RuntimeDirectoryMode"] == ["0700"]
    # A oneshot's runtime directory is removed when it exits, memo included, unless preserved.
    assert service["RuntimeDirectoryPreserve"] == ["yes"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is needed")
def test_the_heartbeat_unit_still_verifies(tmp_path: Path):
    for name in ("r53hook.service", "r53hook-heartbeat.service"):
        text = (SYSTEMD / name).read_text().replace("/usr/local/bin/r53hook", "/bin/true")
        (tmp_path / name).write_text(text)
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / "r53hook-heartbeat.service")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "RuntimeDirectory" not in proc.stdout + proc.stderr


def start(aws: World) -> None:
    run = aws.run("start", "--no-wait")
    assert run.code == 0, run.describe()


def test_heartbeat_makes_its_memo_directory_0700_and_the_memo_0600(aws: World):
    start(aws)
    memo_dir = aws.tmp / "run" / "r53hook"
    memo_dir.parent.mkdir()
    for _ in range(2):
        run = aws.run("heartbeat", RUNTIME_DIRECTORY=str(memo_dir))
        assert run.code == 0, run.describe()
    assert mode(memo_dir) == 0o700
    [memo] = list(memo_dir.iterdir())
    assert memo.name.startswith("heartbeat-") and ".tmp" not in memo.name
    assert stat.S_ISREG(memo.lstat().st_mode) and mode(memo) == 0o600
    aws.clear_stats()
    assert aws.run("heartbeat", RUNTIME_DIRECTORY=str(memo_dir)).code == 0
    assert aws.route53_calls() == {"ChangeResourceRecordSets": 1}


@pytest.mark.parametrize("kind", ["world-writable", "symlink"])
def test_heartbeat_skips_an_unsafe_memo_directory_with_a_warning_and_still_beats(aws: World, kind: str):
    start(aws)
    target = aws.tmp / "elsewhere"
    target.mkdir()
    memo_dir = aws.tmp / "memo"
    if kind == "symlink":
        memo_dir.symlink_to(target)
    else:
        memo_dir.mkdir()
        memo_dir.chmod(0o777)
    for _ in range(2):
        run = aws.run("heartbeat", RUNTIME_DIRECTORY=str(memo_dir))
        assert run.code == 0, run.describe()
        assert "memo" in run.stderr and str(memo_dir) in run.stderr, run.stderr
    assert list(target.iterdir()) == []
    if kind != "symlink":
        assert list(memo_dir.iterdir()) == []


# ------------------------------------------------------------------------ core dumps


def _world_traversable(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root (to run r53hook as another user) and setpriv")
def test_r53hook_is_not_dumpable(binary: Path, tmp_path: Path):
    """The kernel gives the /proc files of a process that is not dumpable to root: r53hook run as
    nobody, waiting on an instance metadata service that never answers, shows /proc/PID/status
    owned by root, not by nobody. (A dumpable process's are its own user's.)"""
    if not _world_traversable(binary):
        pytest.skip(f"{binary} is not reachable by other users")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections (the kernel does) and never answers
    port = silent.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{port}",
           "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
    proc = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(binary), "status",
                             "--zone-id", "Z1", "--name", "www.example.com"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/")
    try:
        status = Path(f"/proc/{proc.pid}/status")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not re.match(r"Name:\s+r53hook$", status.read_text(), re.M):
            time.sleep(0.02)
        # Past its first instructions: it now waits for the instance metadata (3 tries of 2 s).
        time.sleep(0.5)
        text = status.read_text()
        assert re.match(r"Name:\s+r53hook$", text, re.M) and re.search(r"^Uid:\s+65534\b", text, re.M), text
        assert proc.poll() is None, proc.communicate()
        assert status.stat().st_uid == 0, "r53hook is dumpable: its /proc files belong to its own user"
    finally:
        proc.kill()
        proc.communicate()
        silent.close()
