"""scripts/install.sh, run for real into a DESTDIR with a fake binary, and the init script it
installs.

Moved from test_init_script.py. Run: python3 -m pytest Tests/Integration/test_install.py -q
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INIT = ROOT / "init.d" / "r53hook"
INSTALL = ROOT / "scripts" / "install.sh"
SAMPLE = ROOT / "etc" / "r53hook.conf.example"

# The only external commands the init script may need besides logger (as in test_init_script.py).
BASIC_TOOLS = ("touch", "rm", "mkdir", "cat", "stat")


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
