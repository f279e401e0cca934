"""The release binary as shipped, run on another Debian release: Debian 13 (trixie), with glibc
2.41, OpenSSL 3.5 and its own libxml2, in a chroot that scripts/make-chroot builds once.

scripts/test runs this file in its release step, with R53HOOK_RELEASE_BINARY set to the
stripped binary scripts/build-release made (the integration step leaves it out). Run alone:
  R53HOOK_RELEASE_BINARY=$(scripts/build-release --strip) python3 -m pytest Tests/Integration/test_portable.py
The chroot shares this machine's network, so the binary reaches the local AWS on 127.0.0.1. Each
run gets its own mount namespace (unshare) with /proc mounted, as on any booted system.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import NAME, REPO, World

RELEASE = os.environ.get("R53HOOK_RELEASE_BINARY", "")
IN_CHROOT = "/usr/local/bin/r53hook"
# Absolute: the environment handed to the binary may not have /usr/sbin on its PATH.
UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"
CHROOT = shutil.which("chroot", path="/usr/sbin:/sbin:/usr/bin:/bin") or "/usr/sbin/chroot"

pytestmark = pytest.mark.skipif(
    not RELEASE, reason="needs R53HOOK_RELEASE_BINARY (scripts/test sets it in its release step)")


@pytest.fixture(scope="module")
def chroot() -> Path:
    made = subprocess.run([str(REPO / "scripts" / "make-chroot")], capture_output=True, text=True, timeout=900)
    assert made.returncode == 0, f"scripts/make-chroot failed ({made.returncode}):\n{made.stderr[-4000:]}"
    root = Path(made.stdout.strip())
    shutil.copy2(RELEASE, root / IN_CHROOT.lstrip("/"))
    return root


def in_chroot(root: Path, argv: list[str], env: dict[str, str],
              timeout: float = 60) -> subprocess.CompletedProcess[str]:
    script = 'mount -t proc proc /proc && exec "$@"'
    return subprocess.run([UNSHARE, "--mount", "--propagation", "private", CHROOT, str(root),
                           "/bin/sh", "-c", script, "sh", *argv],
                          env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def r53hook(aws: World, root: Path, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    # The host's temporary HOME does not exist inside the chroot.
    env = aws.env(HOME="/root", RUNTIME_DIRECTORY="/tmp")
    return in_chroot(root, [IN_CHROOT, command, "--zone-id", aws.zone_id, "--name", NAME, *args], env)


def test_the_chroot_is_another_release_with_newer_libraries(chroot: Path):
    version = (chroot / "etc" / "debian_version").read_text().strip()
    assert version.startswith("13"), version
    ldd = in_chroot(chroot, ["ldd", IN_CHROOT], {"PATH": "/usr/bin:/bin"})
    assert ldd.returncode == 0, ldd.stderr
    assert "not found" not in ldd.stdout, ldd.stdout
    assert "libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3" in ldd.stdout.replace("/usr/lib/", "/lib/"), ldd.stdout
    assert "libcurl" not in ldd.stdout, ldd.stdout  # linked in (scripts/build-curl)
    glibc = in_chroot(chroot, ["ldd", "--version"], {"PATH": "/usr/bin:/bin"}).stdout.splitlines()[0]
    assert tuple(int(part) for part in glibc.split()[-1].split(".")) >= (2, 41), glibc


def test_start_status_and_stop_work_on_debian_13(aws: World, chroot: Path):
    started = r53hook(aws, chroot, "start", "--ttl", "1")
    assert started.returncode == 0, started.stderr
    assert aws.records() == aws.pair(ttl=1)

    status = r53hook(aws, chroot, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert aws.instance["instance_id"] in status.stdout

    stopped = r53hook(aws, chroot, "stop", "--drain-extra", "0")
    assert stopped.returncode == 0, stopped.stderr
    assert aws.records() == []
    # Neither glibc nor OpenSSL 3.5 complains about symbol versions.
    for run in (started, status, stopped):
        assert "version information" not in run.stderr, run.stderr


@pytest.mark.parametrize("where", ["host", "chroot"])
def test_without_proc_a_command_is_refused_clearly_and_never_crashes(chroot: Path, where: str):
    # The static Swift runtime reads its arguments from /proc/self/cmdline: with /proc empty the
    # shipped binary saw none, printed the help and exited 0, so `stop` did nothing "successfully".
    # And libdispatch's pool monitor reads /proc/<tid>/stat every second and raises SIGILL when it
    # cannot: a command that ran on would die at a random moment (8 of 20 runs here). So without
    # /proc r53hook refuses before any thread starts (CRuntime/proc_required.c): always 78.
    argv = ["stop", "--zone-id", "not a zone", "--name", NAME]
    script = 'mount -t tmpfs none /proc && exec "$@"'
    for _ in range(10):
        if where == "host":
            command = [UNSHARE, "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", RELEASE, *argv]
        else:
            # No /proc mounted inside the chroot at all.
            command = [CHROOT, str(chroot), IN_CHROOT, *argv]
        run = subprocess.run(command, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
        assert run.returncode == 78, (run.returncode, run.stdout[-500:], run.stderr)
        assert "/proc is not mounted" in run.stderr and "mount -t proc proc /proc" in run.stderr, run.stderr
        assert "SUBCOMMANDS" not in run.stdout
    # Even --version: an async main can start the pool, so nothing runs without /proc.
    if where == "host":
        version = subprocess.run([UNSHARE, "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh",
                                  RELEASE, "--version"], env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                                 timeout=60)
        assert version.returncode == 78, (version.returncode, version.stderr)
        assert "/proc is not mounted" in version.stderr, version.stderr


def test_version_names_the_release_and_the_commit_it_was_built_from():
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    run = subprocess.run([RELEASE, "--version"], env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                         timeout=30)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"0.1.0 (commit {head.stdout.strip()})", run.stdout
